"""The command line's own arguments: one line on stderr and exit 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wasim", *args], capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize(("args", "line"), [
    (["serve", "--port", "99999"], "wasim: argument --port: --port takes 0 to 65535, got 99999"),
    (["serve", "--port", "-1"], "wasim: argument --port: --port takes 0 to 65535, got -1"),
    (["serve", "--port", "http"], "wasim: argument --port: --port takes a number, got 'http'"),
    (["serve", "--bogus"], "wasim: unrecognized arguments: --bogus"),
    (["serve", "--host", "0.0.0.0"],
     "wasim: --host 0.0.0.0 is not a loopback interface: anyone who reaches it could drive "
     "the control API; give --control-token TOKEN as well"),
    (["serve", "--set", "rate_limit_http_status=42"],
     "wasim: setting 'rate_limit_http_status' takes a whole number from 400 to 599, got 42"),
])
def test_a_bad_argument_is_one_line_and_exit_2(args: list[str], line: str) -> None:
    result = run(*args)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", line + "\n")


def test_the_exposed_warning_names_the_interface_and_the_token() -> None:
    from wasim.cli import exposed_warning

    text = exposed_warning("0.0.0.0")
    assert text.startswith("WARNING: wasim listens on 0.0.0.0")
    assert "control token" in text
