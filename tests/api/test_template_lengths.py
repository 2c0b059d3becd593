"""Template parameter and rendered lengths (§2.2, §3, §4.3; the audit's M1): 132005."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.asserts import assert_accepted, assert_graph_error
from tests.conftest import MESSAGES, template_message

TOO_LONG = "(#132005) Translated text too long"


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def order(header: str = "A-1", name: str = "Ana") -> dict[str, Any]:
    """order_confirmation: a TEXT header, a body and a URL button (so the body's 1,024)."""
    return template_message("order_confirmation", components=[
        {"type": "header", "parameters": [text(header)]},
        {"type": "body", "parameters": [text(name), text("2 books"), text("2")]},
        {"type": "button", "sub_type": "url", "index": "0", "parameters": [text("A-1")]}])


def otp(code: str) -> dict[str, Any]:
    return template_message("verification_code", components=[
        {"type": "body", "parameters": [text(code)]},
        {"type": "button", "sub_type": "url", "index": "0", "parameters": [text(code)]}])


@pytest.mark.parametrize(("body", "details"), [
    pytest.param(template_message(body=["a" * 40_000, "b"]),
                 "body: a text parameter is 40000 characters long; at most 32768 are allowed",
                 id="parameter-over-32768"),
    pytest.param(template_message(body=["a" * 32_768, "b"]),
                 "body: the rendered text is 32800 characters long; at most 32768 are "
                 "allowed", id="body-alone-renders-over-32768"),
    pytest.param(order(name="a" * 2_000),
                 "body: the rendered text is 2054 characters long; at most 1024 are allowed",
                 id="body-with-others-renders-over-1024"),
    pytest.param(order(header="h" * 100),
                 "header: the rendered text is 106 characters long; at most 60 are allowed",
                 id="header-renders-over-60"),
    pytest.param(otp("1" * 16),
                 "body: the authentication code is 16 characters long; at most 15 are "
                 "allowed", id="code-over-15"),
])
def test_text_that_is_too_long_is_refused_with_132005(client: httpx.Client,
                                                      body: dict[str, Any],
                                                      details: str) -> None:
    assert_graph_error(client.post(MESSAGES, json=body), status=400, code=132005,
                       message=TOO_LONG, details=details)


@pytest.mark.parametrize("body", [
    pytest.param(template_message(body=["a" * 30_000, "b"]), id="body-alone-30000"),
    pytest.param(order(name="a" * 900), id="body-with-others-under-1024"),
    pytest.param(order(header="h" * 54), id="header-renders-60"),
    pytest.param(otp("1" * 15), id="code-15"),
])
def test_text_within_the_limits_is_accepted(client: httpx.Client, body: dict[str, Any]) -> None:
    assert_accepted(client.post(MESSAGES, json=body), template=True)
