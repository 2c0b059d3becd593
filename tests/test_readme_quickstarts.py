"""The README's three quickstarts do what they say, exactly as printed.

The README is the on-ramp: a new user copies its pytest test, its curl lines and its
scenario, and each must work unchanged on the default world.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from wasim import Simulator
from wasim.api import create_app
from wasim.asgi import sync_client
from wasim.scenario import RunOptions, load_path, run_scenario

from tests.conftest import ROOT
from tests.test_readme_walkthroughs import curl_steps

README = (ROOT / "README.md").read_text(encoding="utf-8")


def block(heading: str, language: str) -> str:
    found = re.search(rf"## {re.escape(heading)}\n.*?```{language}\n(.*?)```", README, re.S)
    assert found, f"README has no {language} block under {heading!r}"
    return found.group(1)


def test_the_readme_is_an_on_ramp_under_300_lines() -> None:
    assert len(README.splitlines()) < 300


def test_the_pytest_quickstart_passes_as_printed(pytester: pytest.Pytester) -> None:
    source = block("Quickstart: a pytest test", "python")
    assert len(source.strip().splitlines()) <= 12
    pytester.makepyfile(test_whatsapp=source)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_the_server_quickstart_answers_what_it_says() -> None:
    steps = curl_steps("## Quickstart: the server")
    assert [method for method, *_ in steps] == ["POST", "POST", "GET"]
    sim = Simulator(seed=1)
    with sync_client(create_app(sim)) as http:
        answers = [http.request(method, path, headers=headers, content=body)
                   for method, path, headers, body in steps]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    wamid = answers[1].json()["messages"][0]["id"]
    [listed] = answers[2].json()["data"]
    assert (listed["id"], listed["status"]) == (wamid, "delivered")


def test_the_scenario_quickstart_passes(tmp_path: Path) -> None:
    path = tmp_path / "late.wasim.yaml"
    path.write_text(block("Quickstart: a scenario", "yaml"), encoding="utf-8")
    [scenario] = load_path(path)
    result = run_scenario(scenario, RunOptions())
    assert result.ok, result.failure_text()
