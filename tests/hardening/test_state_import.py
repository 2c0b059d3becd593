"""State import: checked as a whole against what export produces, all or nothing.

A rich export (sends of several kinds, statuses, a failed send, templates, media, a
pending webhook delivery, tokens, windows) has each of its values swapped for a wrong one
in turn: the import is either refused (400, code 100, the state exactly as before) or
accepted, and then export, send, inbound and advance all still answer without a 500."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from wasim import Simulator
from wasim.api import create_app
from wasim.asgi import sync_client
from wasim.world.stateschema import check_state

from tests.conftest import ANA, MESSAGES, TOKEN, text_message
from tests.template_bodies import TEMPLATES, create_body

WRONG: list[Any] = [None, "x", -1, {}]


def rich_state() -> dict[str, Any]:
    sim = Simulator(now="2026-01-05T09:00:00Z", seed=5)
    with sync_client(create_app(sim)) as client:
        client.headers["Authorization"] = f"Bearer {TOKEN}"
        sim.customer(ANA).says("hi")
        wamid = client.post(MESSAGES, json=text_message()).json()["messages"][0]["id"]
        client.post(f"/_sim/messages/{wamid}/status", json={"status": "read"})
        client.post(MESSAGES, json=text_message(to="16505550002"))
        client.post(TEMPLATES, json=create_body())
        client.post("/_sim/media", json={"mime_type": "image/jpeg", "base64": "/9j/4AAQ",
                                         "filename": "a.jpg"})
        client.post("/_sim/settings", json={"read_after": 30})
        client.post(MESSAGES, json=text_message())
        return client.get("/_sim/state", params={"secrets": "include"}).json()  # type: ignore[no-any-return]


RICH = rich_state()


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list) and value:
        yield from _paths(value[0], (*path, 0))


def _replace(state: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(state)
    target: Any = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


PATHS = [p for p in _paths(RICH) if len(p) >= 2 and "payload" not in p and "body" not in p
         and p[:2] != ("world", "template_book")]


@pytest.fixture(scope="module")
def http() -> Iterator[tuple[Simulator, httpx.Client]]:
    sim = Simulator(now="2026-01-05T09:00:00Z")
    with sync_client(create_app(sim)) as client:
        client.headers["Authorization"] = f"Bearer {TOKEN}"
        yield sim, client


def test_a_rich_export_fits_the_schema() -> None:
    check_state(RICH)
    assert len(PATHS) > 150


def _still_works(sim: Simulator, client: httpx.Client) -> None:
    assert client.get("/_sim/state").status_code == 200
    answers = [client.post("/_sim/inbound", json={"from": ANA, "text": "again"}),
               client.post(MESSAGES, json=text_message()),
               client.post("/_sim/clock/advance", json={"by": "1h"}),
               client.get("/_sim/messages"), client.get("/_sim/webhooks")]
    assert [a.status_code for a in answers if a.status_code >= 500] == [], [
        a.text for a in answers if a.status_code >= 500]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: ".".join(map(str, p)))
def test_a_wrong_value_anywhere_is_refused_whole_or_harmless(
        http: tuple[Simulator, httpx.Client], path: tuple[Any, ...]) -> None:
    sim, client = http
    for wrong in WRONG:
        assert client.put("/_sim/state", json=RICH).status_code == 200
        before = json.dumps(sim.export_state(), sort_keys=True)
        answer = client.put("/_sim/state", json=_replace(RICH, path, wrong))
        assert answer.status_code in (200, 400), answer.text
        if answer.status_code == 400:
            assert answer.json()["error"]["code"] == 100
            assert json.dumps(sim.export_state(), sort_keys=True) == before
        else:
            _still_works(sim, client)


@pytest.mark.parametrize(("path", "value", "message"), [
    (("world", "accounts", 0, "phone_numbers", 0, "throughput"), None,
     "world.accounts[0].phone_numbers[0].throughput: expected a whole number from 1 to "
     "1000, got null"),
    (("world", "tokens", 0, "scopes", 0), None,
     "world.tokens[0].scopes[0]: expected one of messaging, management, got null"),
    (("world", "messages", 0, "statuses", 0, "status"), "x",
     "world.messages[0].statuses[0].status: expected one of sent, delivered, read, played, "
     "failed, got 'x'"),
    (("world", "settings", "delivered_after"), 1e18,
     "world.settings.delivered_after: setting 'delivered_after' takes a number of seconds "
     "from 0 to 31536000 or null, got 1e+18"),
    (("clock", "now"), "9999-12-31T23:59:59Z",
     "clock.now: expected an instant from 1970 to 2999, got '9999-12-31T23:59:59Z'"),
    (("world", "messages", 0, "phone_number_id"), "999",
     "world.messages[0].phone_number_id: expected a phone number id of the world, got '999'"),
])
def test_the_probes_poisoned_imports_are_refused_naming_the_path(
        http: tuple[Simulator, httpx.Client], path: tuple[Any, ...], value: Any,
        message: str) -> None:
    _, client = http
    answer = client.put("/_sim/state", json=_replace(RICH, path, value))
    assert answer.status_code == 400
    assert answer.json()["error"]["error_data"]["details"] == (
        f"malformed state export: {message}")


def test_a_part_a_feature_refuses_puts_everything_back(
        http: tuple[Simulator, httpx.Client], monkeypatch: pytest.MonkeyPatch) -> None:
    """The probe's `parts.deliveries` entry without fields replaced world, webhooks and
    clock before it answered 500."""
    sim, client = http
    from wasim.delivery.engine import attach

    engine = attach(sim)
    try:
        before = json.dumps(sim.export_state(), sort_keys=True)
        broken = copy.deepcopy(RICH)
        broken["clock"]["now"] = "2027-01-01T00:00:00+00:00"
        broken["parts"] = {"deliveries": {"deliveries": [{"id": "d1"}], "attempts": [],
                                          "seq": 1}}
        answer = client.put("/_sim/state", json=broken)
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"]["error_data"]["details"].endswith("nothing was imported")
        assert json.dumps(sim.export_state(), sort_keys=True) == before
    finally:
        engine.close()
