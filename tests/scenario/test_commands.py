"""``wasim run`` and ``wasim check``: exit codes 0/1/2, the report, JUnit XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from wasim.cli import main

GOOD = """name: good
start: 2026-01-05T09:00:00Z
steps:
  - customer: {from: ana, text: hi}
  - send: {to: ana, text: hello}
    expect: {status: delivered}
"""
BAD = GOOD.replace("status: delivered", "status: read")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "a.wasim.yaml").write_text(GOOD)
    return tmp_path


def test_run_of_a_green_folder_exits_0(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"ok  {folder / 'a.wasim.yaml'}:1  good" in out
    assert "1 passed (2 steps)" in out


def test_run_with_a_failing_scenario_exits_1_and_shows_the_step(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "b.wasim.yaml").write_text(BAD)
    assert main(["run", str(folder), "--color", "never"]) == 1
    out = capsys.readouterr().out
    assert "FAIL   2. send to ana: text  (line 6)" in out
    assert "expected: status read" in out
    assert "happened: statuses sent, delivered" in out
    assert "1 passed, 1 failed (4 steps)" in out


def test_run_with_a_malformed_file_exits_2(folder: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "c.wasim.yaml").write_text("name: c\nsteps:\n  - sned: {}\n")
    assert main(["run", str(folder)]) == 2
    out = capsys.readouterr().out
    assert f"{folder / 'c.wasim.yaml'}:3:5: unknown step 'sned' (did you mean 'send'?)" in out


def test_run_of_a_missing_path_exits_2(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(tmp_path / "nope")]) == 2
    assert "nope: no such file or folder" in capsys.readouterr().out


def test_run_of_an_empty_folder_exits_2(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(tmp_path)]) == 2
    assert "no scenario files" in capsys.readouterr().err


def test_colours_only_when_asked_or_on_a_terminal(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["run", str(folder)])
    assert "\033[" not in capsys.readouterr().out
    main(["run", str(folder), "--color", "always"])
    assert "\033[32m" in capsys.readouterr().out


def test_junit_xml_has_a_case_per_scenario_and_the_failure(
        folder: Path, tmp_path: Path) -> None:
    (folder / "b.wasim.yaml").write_text(BAD)
    report = tmp_path / "out.xml"
    main(["run", str(folder), "--junit", str(report)])
    root = ET.parse(report).getroot()
    cases = root.findall("./testsuite/testcase")
    assert [c.get("name") for c in cases] == ["good", "good"]
    failure = root.find("./testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == ("step 2 (send to ana: text): expected status read; "
                                      "happened statuses sent, delivered")


def test_check_validates_without_running(folder: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(folder / "a.wasim.yaml")]) == 0
    assert capsys.readouterr().out == "1 file(s) ok: 1 scenario(s), 2 step(s)\n"


def test_check_reports_each_malformed_file_and_exits_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.wasim.yaml").write_text("name: x\nsteps:\n  - advance: soon\n")
    assert main(["check", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"{tmp_path / 'x.wasim.yaml'}:3:5: not a duration: 'soon' "
        "(use units ms, s, m, h, d, w, e.g. 25h or 1d2h30m)\n")


class _Terminal:
    """A text stream that says it is a terminal."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True


def test_progress_line_is_rewritten_in_place_on_a_terminal(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from wasim.scenario.report import Reporter

    monkeypatch.delenv("NO_COLOR", raising=False)
    terminal = _Terminal()
    reporter = Reporter(terminal)  # type: ignore[arg-type]
    reporter.progress(0, 12, "first scenario")
    assert terminal.parts == ["\r\033[K\033[2m[1/12] first scenario\033[0m"]
    monkeypatch.setenv("NO_COLOR", "1")
    assert Reporter(terminal).colour is False  # type: ignore[arg-type]


def test_junit_reports_an_unusable_file_as_an_error(folder: Path, tmp_path: Path) -> None:
    (folder / "c.wasim.yaml").write_text("name: c\nsteps:\n  - advance: soon\n")
    report = tmp_path / "out.xml"
    assert main(["run", str(folder), "--junit", str(report)]) == 2
    error = ET.parse(report).getroot().find("./testsuite[@name='unusable files']/testcase/error")
    assert error is not None
    assert error.get("message") == (f"{folder / 'c.wasim.yaml'}:3:5: not a duration: 'soon' "
                                    "(use units ms, s, m, h, d, w, e.g. 25h or 1d2h30m)")


def test_seed_flag_makes_two_runs_print_the_same_ids(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "ids.wasim.yaml"
    script.write_text(GOOD.replace("expect: {status: delivered}",
                                   "as: reply\n  - expect: {message: \"${reply.id}\", "
                                   "record: {id: /^never$/}}"))
    outputs = []
    for _ in range(2):
        assert main(["run", str(script), "--seed", "9"]) == 1
        outputs.append(capsys.readouterr().out.split("happened: ")[1].splitlines()[0])
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith('message {"id": "wamid.')
