"""Valid control, inbound and template-create bodies with one value swapped or one key
dropped: always an answer with a Graph envelope (code 100 or the rule's code), never a
500 or the unknown-error code 1 (a seeded sweep, as test_send_mutations does for sends).

Also the inputs a sweep of that kind once found to break the simulator: strings with an
unpaired surrogate, durations beyond ``timedelta``'s range, unhashable scopes, and paths
with characters a header value cannot hold.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from wasim import Simulator
from wasim.api import create_app
from wasim.api.envelope import header_text
from wasim.asgi import sync_client

from tests.api.test_send_mutations import WRONG, _paths, _replace
from tests.conftest import ANA, MESSAGES, TOKEN, text_message
from tests.template_bodies import TEMPLATES, auth_body, create_body
from tests.webhooks.bodies import INBOUND

ODD: list[Any] = [*WRONG, {"a": [None]}, -10**30, 1e308, "\ud800"]


def _inbound(name: str) -> dict[str, Any]:
    spec = INBOUND[name]
    body: dict[str, Any] = {"from": ANA, "type": spec["type"], "name": "Ana"}
    if spec["content"] is not None:
        body[spec["type"]] = spec["content"]
    return body


CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", TEMPLATES, create_body()),
    ("POST", TEMPLATES, auth_body()),
    *[("POST", "/_sim/inbound", _inbound(name)) for name in sorted(INBOUND)],
    ("POST", "/_sim/faults", {"code": 131026, "count": 2, "path": "messages"}),
    ("POST", "/_sim/faults", {"status": 500, "every": 3, "method": "POST"}),
    ("POST", "/_sim/faults/messages", {"code": 131026, "count": 1}),
    ("POST", "/_sim/settings", {"window_violation_mode": "sync", "delivered_after": 5}),
    ("POST", "/_sim/tokens", {"value": "t1", "scopes": ["messaging"], "expires_in": "1h"}),
    ("POST", "/_sim/progression", {"policy": "manual", "who": "ana"}),
    ("POST", "/_sim/webhook", {"url": None, "app_secret": "s"}),
    ("POST", "/_sim/clock/advance", {"by": "1h"}),
    ("POST", "/_sim/clock/set", {"at": "2027-01-01T00:00:00Z"}),
    ("POST", "/_sim/contacts/ana", {"name": "Ana", "opted_out_marketing": True}),
    ("POST", "/_sim/templates/hello_world/pause", {"reason": "LOW_QUALITY"}),
    ("POST", "/_sim/templates/hello_world/change_category", {"category": "MARKETING"}),
    ("POST", "/_sim/templates/hello_world/set_quality", {"quality": "RED"}),
    ("POST", "/_sim/webhook-drills/duplicate", {"count": 2}),
    ("POST", "/_sim/messages/wamid.X/status", {"status": "failed", "code": 131026}),
]


def _mutations() -> Iterator[tuple[str, str, Any]]:
    for method, url, body in CASES:
        for path in list(_paths(body))[1:]:
            for value in ODD:
                yield method, url, _replace(body, path, value)
            if isinstance(path[-1], str):
                dropped = copy.deepcopy(body)
                target = dropped
                for step in path[:-1]:
                    target = target[step]
                del target[path[-1]]
                yield method, url, dropped


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    sim = Simulator(settings={"pair_rate_limit": False, "throughput_limit": False,
                              "management_call_limit": False})
    with sync_client(create_app(sim)) as client:
        client.headers["Authorization"] = f"Bearer {TOKEN}"
        yield client


def _envelope_code(answer: httpx.Response) -> int | None:
    error = answer.json().get("error")
    return error.get("code") if isinstance(error, dict) else None


def test_every_mutation_gets_an_answer_never_a_500(http: httpx.Client) -> None:
    broken = []
    count = 0
    for method, url, body in _mutations():
        count += 1
        raw = json.dumps(body).encode("utf-8", "surrogatepass")
        answer = http.request(method, url, content=raw,
                              headers={"Content-Type": "application/json"})
        if answer.status_code >= 500 or (answer.status_code >= 400
                                         and _envelope_code(answer) in (None, 1)):
            broken.append((answer.status_code, method, url, body))
        if count % 50 == 0:
            http.post("/_sim/reset", json={})
    assert count > 2000
    assert broken == []


def test_a_lone_surrogate_is_refused_and_nothing_unencodable_is_recorded(
        http: httpx.Client) -> None:
    http.post("/_sim/inbound", json={"from": ANA, "text": "hi"})
    body = json.dumps(text_message(body="\ud800")).encode("utf-8", "surrogatepass")
    answer = http.post(MESSAGES, content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and _envelope_code(answer) == 100
    assert "unpaired UTF-16 surrogate" in answer.json()["error"]["error_data"]["details"]
    raw_surrogate = b'{"from": "16505551234", "text": "\xed\xa0\x80"}'
    answer = http.post("/_sim/inbound", content=raw_surrogate,
                       headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and _envelope_code(answer) == 100
    assert http.get("/_sim/messages").status_code == 200
    assert http.get("/_sim/state").status_code == 200


def test_a_valid_surrogate_pair_is_one_character(http: httpx.Client) -> None:
    http.post("/_sim/inbound", json={"from": ANA, "text": "hi"})
    answer = http.post(MESSAGES, content=b'{"messaging_product": "whatsapp", "to": "'
                       + ANA.encode() + b'", "type": "text", "text": {"body": "\\ud83d\\ude00"}}',
                       headers={"Content-Type": "application/json"})
    assert answer.status_code == 200
    assert http.get("/_sim/messages").json()["data"][-1]["body"]["text"]["body"] == "\U0001f600"


@pytest.mark.parametrize(("url", "body"), [
    ("/_sim/clock/advance", {"by": 1e308}),
    ("/_sim/clock/advance", {"by": "99999999999999999999"}),
    ("/_sim/clock/advance", {"by": "2000000000d"}),
    ("/_sim/tokens", {"expires_in": 1e308}),
    ("/_sim/tokens", {"expires_in": "3000000d"}),
    ("/_sim/tokens", {"scopes": [[]]}),
    ("/_sim/tokens", {"scopes": [{"x": 1}]}),
])
def test_out_of_range_durations_and_odd_scopes_are_a_code_100(
        http: httpx.Client, url: str, body: dict[str, Any]) -> None:
    answer = http.post(url, json=body)
    assert answer.status_code == 400
    assert _envelope_code(answer) == 100


@pytest.mark.parametrize("path", ["/v23.0/%ED%A0%80", "/v23.0/a%0Ab", "/v23.0/a%22b/messages",
                                  "/v23.0/%E2%82%AC"])
def test_paths_echoed_in_errors_make_valid_header_values(http: httpx.Client,
                                                          path: str) -> None:
    answer = http.post(path, json={})
    assert answer.status_code in (400, 404)
    header = answer.headers["www-authenticate"]
    assert header.isascii() and header.isprintable()
    assert _envelope_code(answer) not in (None, 1)


def test_header_text_escapes_what_a_quoted_header_value_cannot_hold() -> None:
    assert header_text('Unknown path: /a"b\\c\n€\x00') == (
        'Unknown path: /a\\"b\\\\c\\u000a\\u20ac\\u0000')
