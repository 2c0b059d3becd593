"""What installing wasim costs a pytest run that uses no wasim fixture (issue 12: <= 30 ms).

pytest imports every ``pytest11`` plugin of the environment at start-up, so wasim's two
plugins (``whatsapp_simulator`` and ``wasim_scenarios``) load in every run. Measured two
ways:

1. ``python -X importtime``: the cumulative import time of the two plugin modules after
   pytest itself is imported (median of the rounds);
2. wall time of ``pytest`` on a file with one trivial test, with the plugins disabled
   (``-p no:...``) and enabled, alternating, median of the rounds; the difference is the
   cost.

    python bench/bench_plugin_import.py            # 15 rounds
    python bench/bench_plugin_import.py --rounds 31
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLUGINS = ("wasim.testing.plugin", "wasim.scenario.pytest_plugin")
OFF = ("-p", "no:whatsapp_simulator", "-p", "no:wasim_scenarios")


def import_ms() -> float:
    code = "import pytest; " + "; ".join(f"import {name}" for name in PLUGINS)
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", code],
                         capture_output=True, text=True, check=True).stderr
    total = 0
    for line in err.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S+)$", line)
        if match and match.group(2) in PLUGINS:
            total += int(match.group(1))
    return total / 1000


def pytest_ms(folder: Path, *extra: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    *extra, str(folder)], capture_output=True, check=True, cwd=folder)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    imports = [import_ms() for _ in range(rounds)]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "test_plain.py").write_text("def test_plain():\n    assert True\n")
        pytest_ms(folder)  # warm the file cache
        off, on = [], []
        for _ in range(rounds):
            off.append(pytest_ms(folder, *OFF))
            on.append(pytest_ms(folder))
    print(f"plugin modules' import time after pytest (median of {rounds}): "
          f"{statistics.median(imports):.1f} ms")
    print(f"pytest run, one plain test: plugins off {statistics.median(off):.0f} ms, "
          f"on {statistics.median(on):.0f} ms, "
          f"cost {statistics.median(on) - statistics.median(off):+.1f} ms (bar: 30 ms)")


if __name__ == "__main__":
    main()
