"""List limits (the audit's M3) and the commerce and request interactive messages (M4),
validated as Meta's reference describes them (§3)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from wasim import Simulator

from tests.api.asserts import assert_accepted, assert_graph_error
from tests.conftest import ANA, MESSAGES

INVALID = "(#131009) Parameter value is not valid"
MISSING = "(#131008) Required parameter is missing"
SECTION = {"title": "S", "rows": [{"id": "r1", "title": "Row"}]}


def interactive(content: dict[str, Any]) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": ANA, "type": "interactive",
            "interactive": content}


def products(count: int) -> list[dict[str, str]]:
    return [{"product_retailer_id": f"sku-{i}"} for i in range(count)]


@pytest.fixture(autouse=True)
def _window(sim: Simulator) -> None:
    sim.customer("ana").says("hi")


GOOD = [
    pytest.param({"type": "list", "body": {"text": "b" * 4096},
                  "action": {"button": "Menu", "sections": [SECTION]}}, id="list-body-4096"),
    pytest.param({"type": "list", "header": {"type": "text", "text": "Menu"},
                  "body": {"text": "b"}, "action": {"button": "Menu", "sections": [SECTION]}},
                 id="list-text-header"),
    pytest.param({"type": "product", "action": {"catalog_id": "1", "product_retailer_id": "p"}},
                 id="product"),
    pytest.param({"type": "product_list", "header": {"type": "text", "text": "Picks"},
                  "body": {"text": "b"}, "action": {"catalog_id": "1", "sections": [
                      {"title": "A", "product_items": products(20)},
                      {"title": "B", "product_items": products(10)}]}}, id="product-list-30"),
    pytest.param({"type": "catalog_message", "body": {"text": "b"},
                  "action": {"name": "catalog_message",
                             "parameters": {"thumbnail_product_retailer_id": "p"}}},
                 id="catalog"),
    pytest.param({"type": "location_request_message", "body": {"text": "Where?"},
                  "action": {"name": "send_location"}}, id="location-request"),
    pytest.param({"type": "call_permission_request", "body": {"text": "May we call?"},
                  "action": {"name": "call_permission_request"}}, id="call-permission"),
    pytest.param({"type": "flow", "body": {"text": "b"}, "action": {"name": "flow", "parameters": {
        "flow_message_version": "3", "flow_id": "1", "flow_cta": "Go"}}}, id="flow-v3"),
]


@pytest.mark.parametrize("content", GOOD)
def test_valid_interactive_messages_are_accepted(client: httpx.Client,
                                                 content: dict[str, Any]) -> None:
    assert_accepted(client.post(MESSAGES, json=interactive(content)))


BAD = [
    pytest.param({"type": "list", "body": {"text": "b" * 4097},
                  "action": {"button": "Menu", "sections": [SECTION]}}, INVALID,
                 "Parameter interactive.body.text must be at most 4096 characters long "
                 "(got 4097).", id="list-body-4097"),
    pytest.param({"type": "button", "body": {"text": "b" * 1025}, "action": {"buttons": [
        {"type": "reply", "reply": {"id": "a", "title": "A"}}]}}, INVALID,
                 "Parameter interactive.body.text must be at most 1024 characters long "
                 "(got 1025).", id="button-body-1025"),
    pytest.param({"type": "list", "header": {"type": "image",
                                             "image": {"link": "https://e.com/a.jpg"}},
                  "body": {"text": "b"}, "action": {"button": "M", "sections": [SECTION]}},
                 INVALID, "Parameter interactive.header.type must be 'text' for a list message.",
                 id="list-image-header"),
    pytest.param({"type": "product", "action": {"product_retailer_id": "p"}}, MISSING,
                 "The parameter interactive.action.catalog_id is required.",
                 id="product-without-catalog"),
    pytest.param({"type": "product", "action": {"catalog_id": "1"}}, MISSING,
                 "The parameter interactive.action.product_retailer_id is required.",
                 id="product-without-product"),
    pytest.param({"type": "product", "header": {"type": "text", "text": "h"},
                  "action": {"catalog_id": "1", "product_retailer_id": "p"}}, INVALID,
                 "Parameter interactive.header cannot be set for a product message.",
                 id="product-with-header"),
    pytest.param({"type": "product_list", "body": {"text": "b"}, "action": {
        "catalog_id": "1", "sections": [{"title": "A", "product_items": products(2)}]}},
                 MISSING, "The parameter interactive.header is required.",
                 id="product-list-without-header"),
    pytest.param({"type": "product_list", "header": {"type": "text", "text": "Picks"},
                  "body": {"text": "b"}, "action": {"catalog_id": "1", "sections": [
                      {"title": "A", "product_items": products(21)},
                      {"title": "B", "product_items": products(10)}]}}, INVALID,
                 "Parameter interactive.action.sections must hold at most 30 products in "
                 "all (got 31).", id="product-list-31"),
    pytest.param({"type": "flow", "body": {"text": "b"}, "action": {"name": "flow", "parameters": {
        "flow_message_version": "2", "flow_id": "1", "flow_cta": "Go"}}}, INVALID,
                 "Parameter interactive.action.parameters.flow_message_version must be '3'.",
                 id="flow-version-2"),
    pytest.param({"type": "location_request_message", "body": {"text": "Where?"}}, MISSING,
                 "The parameter interactive.action is required.",
                 id="location-request-without-action"),
    pytest.param({"type": "location_request_message", "body": {"text": "Where?"},
                  "action": {"name": "location"}}, INVALID,
                 "Parameter interactive.action.name must be 'send_location'.",
                 id="location-request-wrong-name"),
    pytest.param({"type": "catalog_message", "body": {"text": "b"}, "action": {"name": "x"}},
                 INVALID, "Parameter interactive.action.name must be 'catalog_message'.",
                 id="catalog-wrong-name"),
    pytest.param({"type": "call_permission_request", "body": {"text": "b"}, "action": {}},
                 MISSING, "The parameter interactive.action.name is required.",
                 id="call-permission-without-name"),
]


@pytest.mark.parametrize(("content", "message", "details"), BAD)
def test_malformed_interactive_messages_are_refused(client: httpx.Client,
                                                    content: dict[str, Any], message: str,
                                                    details: str) -> None:
    code = int(message[2:8])
    assert_graph_error(client.post(MESSAGES, json=interactive(content)), status=400,
                       code=code, message=message, details=details)
