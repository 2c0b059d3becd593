"""Template checks at send time through HTTP (§2.3, §3, §4.3)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from wasim import Simulator

from tests.api.asserts import assert_accepted, assert_graph_error
from tests.conftest import BRUNO, MESSAGES, template_message

MISSING = "(#132001) Template name does not exist in the translation"
COUNT = "(#132000) Number of parameters does not match the expected number of params"
FORMAT = "(#132012) Parameter format does not match format in the created template"
VALIDATION = "(#132018) There was an issue with the parameters in your template."


def text(value: str, name: str | None = None) -> dict[str, Any]:
    param = {"type": "text", "text": value}
    return param if name is None else {**param, "parameter_name": name}


GOOD = [
    pytest.param(template_message("hello_world"), id="no-parameters"),
    pytest.param(template_message(body=["Ana", "A-1001"]), id="positional-body"),
    pytest.param(template_message("order_ready", components=[
        {"type": "body", "parameters": [text("A-1001", "order_id"), text("Ana", "first_name")]}
    ]), id="named-body"),
    pytest.param(template_message("order_confirmation", components=[
        {"type": "header", "parameters": [text("A-1001")]},
        {"type": "body", "parameters": [text("Ana"), text("2 books"), text("2")]},
        {"type": "button", "sub_type": "url", "index": "0", "parameters": [text("A-1001")]},
    ]), id="header-body-url-button"),
    pytest.param(template_message("seasonal_promotion", to=BRUNO, components=[
        {"type": "header", "parameters": [{"type": "image",
                                           "image": {"link": "https://cdn.example/w.png"}}]},
        {"type": "body", "parameters": [text("winter"), {"type": "currency", "currency": {
            "fallback_value": "$5", "code": "USD", "amount_1000": 5000}}]},
    ]), id="image-header-currency"),
    pytest.param(template_message("seasonal_promotion", "pt_BR", body=["inverno", "20%"],
                                  to=BRUNO),
                 id="second-language"),
    pytest.param(template_message("verification_code", components=[
        {"type": "body", "parameters": [text("123456")]},
        {"type": "button", "sub_type": "url", "index": "0", "parameters": [text("123456")]},
    ]), id="authentication-otp-button"),
]


@pytest.mark.parametrize("body", GOOD)
def test_an_approved_template_with_matching_parameters_is_accepted(
    client: httpx.Client, sim: Simulator, body: dict[str, Any]
) -> None:
    wamid = assert_accepted(client.post(MESSAGES, json=body), template=True,
                            input=body["to"], wa_id=body["to"])
    message = sim.message(wamid)
    assert (message.template_name, message.status) == (body["template"]["name"], "delivered")


BAD = [
    pytest.param(template_message("no_such_template"), 132001, MISSING,
                 "template name (no_such_template) does not exist in en_US", id="unknown-name"),
    pytest.param(template_message("hello_world", "pt_BR"), 132001, MISSING,
                 "template name (hello_world) does not exist in pt_BR", id="unknown-language"),
    pytest.param(template_message("new_feature", body=["x"]), 132001, MISSING,
                 "template name (new_feature) does not exist in en_US or is not approved "
                 "(status PENDING)", id="pending"),
    pytest.param(template_message("flash_deal", body=["x"]), 132001, MISSING,
                 "template name (flash_deal) does not exist in en_US or is not approved "
                 "(status REJECTED)", id="rejected"),
    pytest.param(template_message("spring_sale", body=["30%"]), 132015,
                 "(#132015) Template is Paused",
                 "Template is paused due to low quality so it cannot be sent in a template "
                 "message.", id="paused"),
    pytest.param(template_message("old_promo"), 132016, "(#132016) Template is disabled",
                 "Template has been paused too many times due to low quality and is now "
                 "permanently disabled.", id="disabled"),
    pytest.param(template_message(body=["Ana"]), 132000, COUNT,
                 "body: number of localizable_params (1) does not match the expected number "
                 "of params (2)", id="too-few-body-params"),
    pytest.param(template_message(), 132000, COUNT,
                 "body: number of localizable_params (0) does not match the expected number "
                 "of params (2)", id="no-body-params"),
    pytest.param(template_message("hello_world", body=["extra"]), 132000, COUNT,
                 "body: number of localizable_params (1) does not match the expected number "
                 "of params (0)", id="params-for-a-fixed-template"),
    pytest.param(template_message("order_confirmation", components=[
        {"type": "header", "parameters": [text("A-1001")]},
        {"type": "body", "parameters": [text("Ana"), text("2 books"), text("2")]},
    ]), 132000, COUNT, "button at index 0: number of localizable_params (0) does not match "
        "the expected number of params (1)", id="missing-url-button-param"),
    pytest.param(template_message("order_ready", body=["Ana", "A-1001"]), 132012, FORMAT,
                 "body: the template takes named (parameter_name) parameters",
                 id="positional-for-named"),
    pytest.param(template_message(components=[{"type": "body", "parameters": [
        text("Ana", "first_name"), text("A-1", "order")]}]), 132012, FORMAT,
        "body: the template takes positional parameters", id="named-for-positional"),
    pytest.param(template_message("seasonal_promotion", to=BRUNO, components=[
        {"type": "header", "parameters": [text("winter")]},
        {"type": "body", "parameters": [text("winter"), text("20%")]},
    ]), 132012, FORMAT, "header: Format mismatch, expected IMAGE, received TEXT",
        id="text-for-image-header"),
    pytest.param(template_message(body=["Ana", ""]), 132018, VALIDATION,
                 "body: text parameter value is missing or empty", id="empty-value"),
    pytest.param(template_message(body=["Ana", "line\nbreak"]), 132018, VALIDATION,
                 "body: Param text cannot have new-line/tab characters or more than 4 "
                 "consecutive spaces", id="newline-in-body-param"),
]


@pytest.mark.parametrize(("body", "code", "message", "details"), BAD)
def test_a_template_the_platform_refuses_gets_its_exact_error(
    client: httpx.Client, sim: Simulator, body: dict[str, Any], code: int, message: str,
    details: str,
) -> None:
    assert_graph_error(client.post(MESSAGES, json=body), status=400, code=code,
                       message=message, details=details)
    assert len(sim.sent) == 0
    assert len(sim.webhooks) == 0


def test_a_marketing_template_to_an_opted_out_customer_fails_with_131050(
    client: httpx.Client, sim: Simulator
) -> None:
    body = template_message("seasonal_promotion", "pt_BR", body=["inverno", "20%"],
                            to="5511900000004")
    wamid = assert_accepted(client.post(MESSAGES, json=body), input="5511900000004",
                            wa_id="5511900000004", template=True)
    message = sim.message(wamid)
    assert message.status == "failed"
    assert message.error is not None and message.error["code"] == 131050
