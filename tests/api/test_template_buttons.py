"""Template button and header parameters checked against the template (§3 "Template
components at send"; the audit's H2): a client that mixes up ``sub_type`` or ``index``,
or sends a media header without its media, is refused as production refuses it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.asserts import assert_accepted, assert_graph_error
from tests.conftest import BRUNO, MESSAGES, template_message

COUNT = "(#132000) Number of parameters does not match the expected number of params"
FORMAT = "(#132012) Parameter format does not match format in the created template"
VALIDATION = "(#132018) There was an issue with the parameters in your template."
MISSING = "(#131008) Required parameter is missing"


def text(value: Any) -> dict[str, Any]:
    return {"type": "text", "text": value}


def order(button: dict[str, Any] | None) -> dict[str, Any]:
    """order_confirmation: TEXT header {{1}}, body of three, a URL button ending in {{1}}."""
    components = [{"type": "header", "parameters": [text("A-1")]},
                  {"type": "body", "parameters": [text("Ana"), text("2 books"), text("2")]}]
    if button is not None:
        components.append({"type": "button", "index": "0", **button})
    return template_message("order_confirmation", components=components)


def promo(header: dict[str, Any], *buttons: dict[str, Any]) -> dict[str, Any]:
    """seasonal_promotion (en_US): IMAGE header, body of two, two quick replies."""
    return template_message("seasonal_promotion", to=BRUNO, components=[
        {"type": "header", "parameters": [header]},
        {"type": "body", "parameters": [text("winter"), text("20%")]}, *buttons])


IMAGE = {"type": "image", "image": {"link": "https://cdn.example/w.png"}}

REFUSED = [
    pytest.param(order({"sub_type": "quick_reply", "parameters": [
        {"type": "payload", "payload": "x"}]}), 132012, FORMAT,
        "button at index 0: the template's URL button takes sub_type 'url', not "
        "'quick_reply'", id="url-button-sent-as-quick-reply"),
    pytest.param(order({"sub_type": "url", "parameters": [{"type": "payload", "payload": "x"}]}),
                 132012, FORMAT, "button at index 0: a URL button takes a 'text' parameter, "
                 "not 'payload'", id="url-button-given-a-payload"),
    pytest.param(order({"sub_type": "url", "parameters": [text("")]}), 132018, VALIDATION,
                 "button at index 0: the text value is missing or empty",
                 id="empty-url-suffix"),
    pytest.param(order({"sub_type": "url", "parameters": [text("a"), text("b")]}), 132000,
                 COUNT, "button at index 0: number of localizable_params (2) does not match "
                 "the expected number of params (1)", id="two-suffixes"),
    pytest.param(promo({"type": "image", "image": {}}), 131008, MISSING,
                 "header: the image parameter requires exactly one of 'id' or 'link'",
                 id="image-header-without-id-or-link"),
    pytest.param(promo({"type": "image"}), 131008, MISSING,
                 "header: the image parameter needs its image object", id="image-header-bare"),
    pytest.param(promo(IMAGE, {"type": "button", "sub_type": "url", "index": "1",
                               "parameters": [text("x")]}), 132012, FORMAT,
                 "button at index 1: the template's QUICK_REPLY button takes sub_type "
                 "'quick_reply', not 'url'", id="quick-reply-sent-as-url"),
    pytest.param(promo(IMAGE, {"type": "button", "sub_type": "quick_reply", "index": "0",
                               "parameters": [text("x")]}), 132012, FORMAT,
                 "button at index 0: a QUICK_REPLY button takes a 'payload' parameter, not "
                 "'text'", id="quick-reply-given-text"),
    pytest.param(template_message("order_confirmation", components=[
        {"type": "header", "parameters": [{"type": "currency", "currency": {
            "fallback_value": "$5", "code": "USD", "amount_1000": 5000}}]},
        {"type": "body", "parameters": [text("Ana"), text("2 books"), text("2")]},
        {"type": "button", "sub_type": "url", "index": "0", "parameters": [text("A-1")]}]),
        132012, FORMAT, "header: parameter type 'currency' where text is expected",
        id="currency-in-a-text-header"),
]


@pytest.mark.parametrize(("body", "code", "message", "details"), REFUSED)
def test_a_button_or_header_parameter_that_does_not_fit_the_template_is_refused(
        client: httpx.Client, body: dict[str, Any], code: int, message: str,
        details: str) -> None:
    assert_graph_error(client.post(MESSAGES, json=body), status=400, code=code,
                       message=message, details=details)


@pytest.mark.parametrize("body", [
    pytest.param(order({"sub_type": "url", "parameters": [text("A-1")]}), id="url-suffix"),
    pytest.param(order({"sub_type": "url", "index": 0, "parameters": [text("A-1")]}),
                 id="integer-index"),
    pytest.param(promo(IMAGE), id="quick-replies-need-no-parameter"),
    pytest.param(promo({"type": "image", "image": {"id": "1234"}},
                       {"type": "button", "sub_type": "quick_reply", "index": "1",
                        "parameters": [{"type": "payload", "payload": "stop"}]}),
                 id="quick-reply-payload"),
])
def test_parameters_that_fit_the_template_are_accepted(
        client: httpx.Client, body: dict[str, Any]) -> None:
    if body["to"] == BRUNO:
        client.post("/_sim/settings", json={"media_checks": False})
    assert_accepted(client.post(MESSAGES, json=body), template=True,
                    input=body["to"], wa_id=body["to"])
