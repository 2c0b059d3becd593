"""Template send values the platform matches in any case (§3): component ``type``,
button ``sub_type`` and parameter ``type``. A widely used client library sends them in
upper case; its templates go out."""

from __future__ import annotations

from typing import Any

import httpx
from wasim import Simulator

from tests.api.asserts import assert_accepted, assert_graph_error
from tests.conftest import MESSAGES, template_message


def _upper(value: str) -> dict[str, Any]:
    return {"type": "TEXT", "text": value}


def test_a_client_sending_upper_case_component_types_sends_templates(
        client: httpx.Client, sim: Simulator) -> None:
    body = template_message("order_confirmation", components=[
        {"type": "HEADER", "parameters": [_upper("A-1001")]},
        {"type": "BODY", "parameters": [_upper("Ana"), _upper("2 books"), _upper("2")]},
        {"type": "BUTTON", "sub_type": "URL", "index": 0, "parameters": [_upper("A-1001")]},
    ])
    wamid = assert_accepted(client.post(MESSAGES, json=body), template=True)
    assert sim.message(wamid).status == "delivered"
    # what the client sent is what the simulator records
    assert sim.message(wamid).body["template"]["components"][0]["type"] == "HEADER"


def test_mixed_case_media_currency_and_quick_reply_values_are_matched(
        client: httpx.Client) -> None:
    body = template_message("seasonal_promotion", components=[
        {"type": "Header", "parameters": [{"type": "IMAGE",
                                           "image": {"link": "https://cdn.example/w.png"}}]},
        {"type": "body", "parameters": [_upper("winter"), {"type": "Currency", "currency": {
            "fallback_value": "$5", "code": "USD", "amount_1000": 5000}}]},
        {"type": "BUTTON", "sub_type": "QUICK_REPLY", "index": "1",
         "parameters": [{"type": "PAYLOAD", "payload": "stop"}]},
    ])
    assert_accepted(client.post(MESSAGES, json=body), template=True)


def test_a_value_that_is_not_a_component_type_in_any_case_is_still_refused(
        client: httpx.Client) -> None:
    body = template_message("hello_world", components=[{"type": "BODDY", "parameters": []}])
    assert_graph_error(client.post(MESSAGES, json=body), status=400, code=131009,
                       message="(#131009) Parameter value is not valid",
                       details="Parameter template.components[0].type must be one of "
                       "header, body, button.")
