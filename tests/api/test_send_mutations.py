"""Valid sends with one value swapped for a wrong type: always a Graph error or a 200,
never a 500 (a seeded, repeatable mutation sweep over every send type of §3)."""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from wasim import Simulator
from wasim.api import create_app
from wasim.asgi import sync_client

from tests.api.test_send_types import HAPPY, payload
from tests.conftest import MESSAGES, START, TOKEN, template_message

WRONG: list[Any] = [None, 5, -1.5, True, "", "x", [], [1], {}, {"x": 1}, "x" * 5000]
TEMPLATES = [
    template_message("order_confirmation", components=[
        {"type": "header", "parameters": [{"type": "text", "text": "A-1"}]},
        {"type": "body", "parameters": [{"type": "text", "text": "Ana"},
                                        {"type": "text", "text": "2"},
                                        {"type": "text", "text": "2"}]},
        {"type": "button", "sub_type": "url", "index": "0",
         "parameters": [{"type": "text", "text": "A-1"}]}]),
    template_message("order_ready", components=[{"type": "body", "parameters": [
        {"type": "text", "text": "Ana", "parameter_name": "first_name"},
        {"type": "text", "text": "A-1", "parameter_name": "order_id"}]}]),
]
BODIES = [payload(*param.values) for param in HAPPY] + TEMPLATES + [
    {"messaging_product": "whatsapp", "status": "read", "message_id": "INBOUND",
     "typing_indicator": {"type": "text"}}]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _replace(body: Any, path: tuple[Any, ...], value: Any) -> Any:
    mutated = copy.deepcopy(body)
    target = mutated
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return mutated


def mutations(seed: int = 20260105) -> list[Any]:
    chooser = random.Random(seed)
    found = []
    for body in BODIES:
        for path in list(_paths(body))[1:]:
            found += [_replace(body, path, value) for value in chooser.sample(WRONG, 3)]
    return found


MUTATIONS = mutations()


@pytest.fixture(scope="module")
def http() -> Iterator[tuple[httpx.Client, str]]:
    sim = Simulator(now=START, seed=2,  # limits off: the sweep sends hundreds in a row
                    settings={"pair_rate_limit": False, "throughput_limit": False})
    inbound = sim.customer("ana").says("hi").id
    with sync_client(create_app(sim)) as client:
        client.headers["Authorization"] = f"Bearer {TOKEN}"
        yield client, inbound


def test_the_sweep_is_large() -> None:
    assert len(MUTATIONS) > 600


@pytest.mark.parametrize("chunk", range(8))
def test_a_mutated_send_is_answered_without_a_500(http: tuple[httpx.Client, str],
                                                  chunk: int) -> None:
    client, inbound = http
    for body in MUTATIONS[chunk::8]:
        if body.get("message_id") == "INBOUND":
            body = {**body, "message_id": inbound}
        response = client.post(MESSAGES, json=body)
        assert response.status_code in (200, 400), (body, response.text)
        if response.status_code == 400:
            error = response.json()["error"]
            assert error["code"] in (100, 131008, 131009, 131051, 132000, 132001, 132005, 132012,
                                     132018), (body, response.text)
