"""The README's templates walkthrough, replayed curl line by curl line, answers what its
comments say (a new user copies those lines; the QA run found a comment that did not
match the answer's shape)."""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest
from wasim import Simulator
from wasim.api import create_app
from wasim.asgi import sync_client

from tests.conftest import ROOT
from tests.docs_text import DOCS as README


def curl_steps(heading: str) -> list[tuple[str, str, dict[str, str], str | None]]:
    """(method, path, headers, body) of each ``curl`` line of the bash block under
    ``heading``; shell variables assigned in the block are substituted."""
    block = re.search(rf"{re.escape(heading)}\n.*?```bash\n(.*?)```", README, re.S)
    assert block, f"README has no bash block under {heading!r}"
    variables: dict[str, str] = {}
    steps = []
    for line in block.group(1).splitlines():
        assignment = re.fullmatch(r"([A-Z]+)=(.*)", line)
        if assignment:
            variables[assignment.group(1)] = shlex.split(assignment.group(2))[0]
            continue
        if not line.startswith("curl "):
            continue
        words = [re.sub(r"\$([A-Z]+)", lambda m: variables[m.group(1)], word)
                 for word in shlex.split(line, comments=True)]
        headers: dict[str, str] = {}
        body: str | None = None
        url = ""
        pairs = iter(words[1:])
        for word in pairs:
            if word == "-H":
                name, _, value = next(pairs).partition(": ")
                headers[name] = value
            elif word == "-d":
                body = next(pairs)
            elif not word.startswith("-"):
                url = word
        base = variables["BASE"]
        assert url.startswith(base), line
        steps.append(("POST" if body is not None else "GET", url.removeprefix(base),
                      headers, body))
    return steps


def test_the_templates_walkthrough_answers_what_its_comments_say() -> None:
    steps = curl_steps("### Walkthrough with curl (server started with `wasim serve`)")
    assert len(steps) == 10
    sim = Simulator(seed=1)
    answers: list[tuple[int, Any]] = []
    with sync_client(create_app(sim)) as http:
        for method, path, headers, body in steps:
            response = http.request(method, path, headers=headers, content=body)
            answers.append((response.status_code, response.json()))
    created, pending_send, _, webhooks, send, legacy, _, promo, _, decided = answers
    assert created[0] == 200 and created[1]["status"] == "PENDING"
    assert (pending_send[0], pending_send[1]["error"]["code"]) == (400, 132001)
    # step 3: GET /_sim/webhooks answers {"data": [...]}; the last one's payload is the
    # status webhook the comment shows
    payload = webhooks[1]["data"][-1]["payload"]
    value = payload["entry"][0]["changes"][0]["value"]
    assert (value["event"], value["message_template_id"]) == ("APPROVED", int(created[1]["id"]))
    assert send[0] == 200 and send[1]["messages"][0]["message_status"] == "accepted"
    assert (legacy[0], legacy[1]["error"]["code"]) == (400, 100)
    assert legacy[1]["error"]["error_data"]["details"] == (
        "Invalid category 'SHIPPING_UPDATE'. Accepted categories: MARKETING, UTILITY, "
        "AUTHENTICATION.")
    assert promo[1]["status"] == "PENDING"
    assert decided[1]["status"] == "REJECTED"
    assert (decided[1]["decision"]["rule"], decided[1]["decision"]["reason"]) == (
        "promotional-outside-marketing", "INCORRECT_CATEGORY")
    readme_step_3 = README.split("# 3. the review decides", 1)[1].split("# 4.", 1)[0]
    assert '"data"' in readme_step_3 and '"payload"' in readme_step_3


RETRYING_CLIENT = '''
import time

import httpx


class my_whatsapp_client:
    def send_text(self, to, body, delay=0.001):
        with httpx.Client(base_url="https://graph.facebook.com/v23.0/106540352242922",
                          headers={"Authorization": "Bearer wasim-token"}) as http:
            for _ in range(20):
                r = http.post("/messages", json={"messaging_product": "whatsapp", "to": to,
                                                 "type": "text", "text": {"body": body}})
                if r.status_code == 200 or r.json()["error"]["code"] != 130429:
                    return r
                time.sleep(delay)
                delay *= 2
        raise RuntimeError("gave up")

'''


def test_the_readme_retry_test_runs_for_a_new_user(pytester: pytest.Pytester) -> None:
    """The platform section's pytest example uses only the plugin's fixtures (the repo's
    own ``sim``/``client`` fixtures do not exist in a user's project)."""
    section = README[README.index("\n## Media, phone numbers, limits, faults, tokens\n"):]
    example = section.split("The same from pytest", 1)[1].split("```python\n", 1)[1]
    example = example.split("```", 1)[0]
    pytester.makepyfile(test_retry=RETRYING_CLIENT + example)
    result = pytester.runpytest("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=1)


def test_the_plugin_section_says_how_to_get_pytest_and_xdist() -> None:
    """``pip install -e .`` (the README's first command) installs no pytest: a new user
    following the plugin section needs to be told where ``pytest -n 2`` comes from."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert not any(dep.startswith("pytest") for dep in project["dependencies"])
    test_extra = {re.split(r"[<>=\[ ;]", dep, maxsplit=1)[0]
                  for dep in project["optional-dependencies"]["test"]}
    assert {"pytest", "pytest-xdist"} <= test_extra
    plugin = README[README.index("\n## pytest plugin\n"):README.index("\n### Fixtures\n")]
    assert "pip install -e '.[test]'" in plugin and "pytest-xdist" in plugin
