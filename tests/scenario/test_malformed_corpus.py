"""Every malformed scenario and world file of the corpus is refused cleanly by the commands.

``wasim check FILE`` (scenarios) and ``wasim world FILE`` (worlds, the loader ``wasim serve
--fixtures`` uses) run in a child process capped at 200 MB of address space and 20 s:
each file gives exit 2 and a first line ``file:line:column: what is wrong``, never a
traceback, a hang or a blow-up (alias bombs, deep nesting, huge numbers, lone
surrogates, ``/dev/zero``...). The files of each corpus run in one child (one import of
wasim), each through the command's own ``main``.
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from wasim.scenario import load_path
from wasim.scenario.schema import shipped
from wasim.world.source import SourceError, load_file, plain

DATA = Path(__file__).resolve().parent.parent / "data"
SCENARIOS = sorted((DATA / "malformed_scenarios").glob("*.yaml"))
WORLDS = sorted((DATA / "bad_worlds").glob("*.yaml"))
MEMORY = 200 * 2**20
TIMEOUT = 20
LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): \S")

DRIVER = """
import contextlib, io, json, sys, traceback
from wasim.cli import main
for command, path in json.loads(sys.argv[1]):
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main([command, path])
    except BaseException:
        code, err = "raised", io.StringIO(traceback.format_exc())
    print(json.dumps({"path": path, "code": code, "stderr": err.getvalue()}), flush=True)
"""


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _run(jobs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    done = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(jobs)],
                          capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=_cap,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_the_corpus_holds_at_least_a_hundred_malformed_files() -> None:
    assert len(SCENARIOS) + len(WORLDS) >= 100
    assert len(SCENARIOS) >= 60 and len(WORLDS) >= 40


@pytest.mark.parametrize(("command", "files"), [("check", SCENARIOS), ("world", WORLDS)],
                         ids=["scenarios", "worlds"])
def test_every_malformed_file_is_refused_with_exit_2_and_its_location(
        command: str, files: list[Path]) -> None:
    jobs = [(command, str(p)) for p in files]
    results = _run(jobs)
    assert [r["path"] for r in results] == [path for _, path in jobs]
    wrong = []
    for result in results:
        first = result["stderr"].splitlines()[0] if result["stderr"] else ""
        located = LOCATED.match(first.removeprefix("wasim: "))
        if (result["code"] != 2 or located is None or located["file"] != result["path"]
                or "Traceback" in result["stderr"]):
            wrong.append(f"{result['path']}: exit {result['code']}: {result['stderr'][:300]}")
    assert wrong == []


def test_a_folder_check_reports_every_file_of_the_folder() -> None:
    folder = DATA / "malformed_scenarios"
    done = subprocess.run([sys.executable, "-m", "wasim", "check", str(folder),
                           "--pattern", "*.yaml"], capture_output=True, text=True,
                          timeout=TIMEOUT, preexec_fn=_cap, check=False)
    assert done.returncode == 2
    reported = {LOCATED.match(line)["file"] for line in done.stderr.splitlines()
                if LOCATED.match(line)}
    assert reported == {str(p) for p in SCENARIOS}
    assert "Traceback" not in done.stderr


GAPS = ["advance_negative", "advance_past_year_9999", "wait_negative", "wait_100_days",
        "http_status_99999", "webhooks_negative", "fault_latency_1e12",
        "messages_count_infinite", "error_code_not_a_number", "received_true",
        "messages_unknown_key", "set_status_unknown"]
"""Files the checker once passed and the run then refused (or hung on)."""


@pytest.mark.parametrize("name", GAPS)
def test_check_refuses_what_the_run_would_refuse(name: str) -> None:
    with pytest.raises(SourceError):
        load_path(DATA / "malformed_scenarios" / f"{name}.yaml")


SCHEMA_REFUSES = ["http_status_99999", "webhooks_negative", "messages_count_infinite",
                  "error_code_not_a_number", "received_true", "messages_unknown_key",
                  "set_status_unknown", "graph_unknown_method", "clear_faults_with_value",
                  "empty_steps", "steps_and_scenarios", "settings_not_a_mapping"]


@pytest.mark.parametrize("name", SCHEMA_REFUSES)
def test_the_shipped_schema_agrees_with_the_checker(name: str) -> None:
    document = plain(load_file(DATA / "malformed_scenarios" / f"{name}.yaml"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(shipped()).validate(document)


def test_a_number_given_as_text_is_what_both_the_checker_and_the_schema_accept(
        tmp_path: Path) -> None:
    path = tmp_path / "n.wasim.yaml"
    path.write_text("name: n\nsteps:\n  - customer: {from: ana, text: 42}\n"
                    "  - send: {to: ana, text: 42}\n")
    assert [s.action for s in load_path(path)[0].steps] == ["customer", "send"]
    jsonschema.Draft202012Validator(shipped()).validate(plain(load_file(path)))


@pytest.mark.parametrize("name", ["alias_bomb", "deep_nesting", "huge_number", "lone_surrogate"])
def test_wasim_serve_refuses_a_malformed_world_in_one_line(name: str) -> None:
    path = DATA / "bad_worlds" / f"{name}.yaml"
    done = subprocess.run([sys.executable, "-m", "wasim", "serve", "--port", "0",
                           "--fixtures", str(path)], capture_output=True, text=True,
                          timeout=TIMEOUT, preexec_fn=_cap, check=False)
    expected = path.read_bytes().split(b"\n", 1)[0].decode().removeprefix("# expect: ")
    assert (done.returncode, done.stderr) == (2, f"wasim: {path}{expected}\n")


def test_a_file_of_too_many_values_is_refused_before_it_is_built(tmp_path: Path) -> None:
    path = tmp_path / "huge.wasim.yaml"
    path.write_text("name: huge\nsteps:\n" + "  - {advance: 1s, expect: {webhooks: 0}}\n" * 15000)
    done = subprocess.run([sys.executable, "-m", "wasim", "check", str(path)],
                          capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=_cap,
                          check=False)
    assert (done.returncode, done.stderr) == (
        2, f"{path}:14288:5: more than 100,000 values in one file (split it in several files)\n")
