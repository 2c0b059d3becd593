"""Every scenario of the library in scenarios/ runs green (the app example against its app)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from wasim.scenario import RunOptions, Scenario, load_path, run_scenario
from wasim.scenario.runner import needs_app
from wasim.serve.server import bind
from wasim.world.source import load_file, plain

from tests.docs_text import DOCS

ROOT = Path(__file__).resolve().parent.parent.parent
LIBRARY = ROOT / "scenarios"


def _scenarios() -> list[Any]:
    return [pytest.param(scenario, id=f"{path.name}::{scenario.name}")
            for path in sorted(LIBRARY.glob("*.wasim.yaml"))
            for scenario in load_path(path)]


def test_the_library_reads_as_a_table_of_contents() -> None:
    names = sorted(p.name for p in LIBRARY.glob("*.wasim.yaml"))
    assert names[0].startswith("01-window-opens")
    assert all(name[:2].isdigit() and name[2] == "-" for name in names)


@pytest.mark.parametrize("scenario", _scenarios())
def test_library_scenario_runs_green(scenario: Scenario, request: pytest.FixtureRequest) -> None:
    options = RunOptions(seed=1)
    if needs_app(scenario):
        app_url, port = request.getfixturevalue("order_bot")
        options = RunOptions(app_url=app_url, port=port, seed=1)
    result = run_scenario(scenario, options)
    assert result.ok, result.failure_text()
    assert all(r.outcome == "passed" for r in result.steps)


@pytest.mark.parametrize("path", sorted(LIBRARY.glob("*.wasim.yaml")), ids=lambda p: p.name)
def test_library_file_matches_the_shipped_json_schema(path: Path) -> None:
    schema = json.loads(
        (ROOT / "simulator" / "wasim" / "data" / "scenario.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(plain(load_file(path)))


def _readme_section() -> str:
    text = DOCS
    start = text.index("## Scenarios: conversation scripts in YAML")
    return text[start:text.index("\n## ", start + 3)]


def test_the_readme_example_runs_green(tmp_path: Path) -> None:
    section = _readme_section()
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "example.wasim.yaml").write_text(example, encoding="utf-8")
    result = run_scenario(load_path(tmp_path / "example.wasim.yaml")[0])
    assert result.ok, result.failure_text()


def test_the_readme_lists_every_step_and_expectation() -> None:
    from wasim.scenario.steps import ACTIONS, EXPECT_KEYS

    section = _readme_section()
    assert [a for a in ACTIONS if f"`{a}" not in section and f" `{a}`" not in section] == []
    assert [k for k in EXPECT_KEYS if f"`{k}:" not in section] == []


def test_wasim_run_with_app_drives_the_app_and_checks_its_sends(
        order_bot: tuple[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from wasim.cli import main

    app_url, port = order_bot
    script = tmp_path / "bot.wasim.yaml"
    script.write_text("""name: the bot answers
steps:
  - customer: {from: chen, text: "Hi"}
  - expect_sent: {to: chen, text: "/Chen Wei/", within: {simulated: 5m, step: 1m}}
    as: answer
  - expect: {message: "${answer.id}", status: delivered}
""")
    assert main(["run", str(script), "--app", app_url, "--port", str(port)]) == 0
    assert "1 passed (3 steps)" in capsys.readouterr().out


def test_an_app_that_sends_nothing_more_fails_the_step(
        order_bot: tuple[str, int], tmp_path: Path) -> None:
    app_url, port = order_bot
    script = tmp_path / "bot.wasim.yaml"
    script.write_text("""name: the bot is expected to say something more
steps:
  - customer: {from: ana, text: "Hi"}
  - expect_sent: {to: ana, within: 5s}
  - expect_sent: {to: ana, text: "/refund/", within: 200ms}
""")
    result = run_scenario(load_path(script)[0], RunOptions(app_url=app_url, port=port))
    failed = result.failure
    assert failed is not None
    assert (failed.step.index, failed.expected, failed.happened) == (
        3, 'the app sends {"text": "/refund/", "to": "ana"} within 0.2s', "it sent nothing")


def test_a_taken_app_port_is_unusable_input(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from wasim.cli import main

    script = tmp_path / "bot.wasim.yaml"
    script.write_text("name: x\nsteps:\n  - customer: {from: ana, text: hi}\n")
    taken = bind("127.0.0.1", 0)
    try:
        code = main(["run", str(script), "--app", "http://127.0.0.1:9/webhook",
                     "--port", str(taken.getsockname()[1])])
    finally:
        taken.close()
    assert code == 2
    assert "cannot serve on 127.0.0.1:" in capsys.readouterr().out


def test_an_app_that_is_down_is_named_at_the_start_and_in_the_failing_step(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from wasim.cli import main

    closed = bind("127.0.0.1", 0)
    url = f"http://127.0.0.1:{closed.getsockname()[1]}/webhook"
    closed.close()
    script = tmp_path / "bot.wasim.yaml"
    script.write_text("name: x\nsteps:\n  - customer: {from: ana, text: hi}\n"
                      "  - expect_sent: {to: ana, within: 100ms}\n")
    assert main(["run", str(script), "--app", url, "--port", "0"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (f"wasim: the app at {url} refused the connection (is it running?); "
                      "scenarios that expect its sends will fail")
    happened = next(line.strip() for line in out if "happened:" in line)
    assert happened.startswith("happened: it sent nothing; the app at ")
    assert "Connection refused" in happened
