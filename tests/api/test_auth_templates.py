"""Authentication templates refused at creation as the platform refuses them (L4; §2.2,
§2.4): only an OTP button, no media header; GIF headers are not the Cloud API's."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import WABA_ID

TEMPLATES = f"/v23.0/{WABA_ID}/message_templates"
OTP = {"type": "OTP", "otp_type": "COPY_CODE"}
BODY = {"type": "BODY", "add_security_recommendation": True}


def _auth(*components: dict[str, Any], name: str = "login_code") -> dict[str, Any]:
    return {"name": name, "language": "en_US", "category": "AUTHENTICATION",
            "components": list(components)}


def test_an_otp_button_with_a_quick_reply_is_refused(client: httpx.Client) -> None:
    body = _auth(BODY, {"type": "BUTTONS", "buttons": [
        OTP, {"type": "QUICK_REPLY", "text": "Not me"}]})
    error = client.post(TEMPLATES, json=body).json()["error"]
    assert error["code"] == 100
    assert "one OTP button and no other button" in error["error_data"]["details"]


@pytest.mark.parametrize("kind", ["IMAGE", "VIDEO", "DOCUMENT"])
def test_a_media_header_is_refused_at_creation(client: httpx.Client, kind: str) -> None:
    header = {"type": "HEADER", "format": kind, "example": {"header_handle": ["4::aGk="]}}
    error = client.post(TEMPLATES, json=_auth(header, BODY, {
        "type": "BUTTONS", "buttons": [OTP]})).json()["error"]
    assert (error["code"], error["error_subcode"]) == (100, 2388047)


def test_a_gif_header_is_not_the_cloud_api_s(client: httpx.Client) -> None:
    body = {"name": "gif_promo", "language": "en_US", "category": "MARKETING", "components": [
        {"type": "HEADER", "format": "GIF", "example": {"header_handle": ["4::aGk="]}},
        {"type": "BODY", "text": "New in store."}]}
    error = client.post(TEMPLATES, json=body).json()["error"]
    assert (error["code"], error["error_subcode"]) == (100, 2388047)
    assert "Marketing Messages API" in error["error_data"]["details"]


def test_an_authentication_template_with_one_otp_button_is_created(
        client: httpx.Client) -> None:
    response = client.post(TEMPLATES, json=_auth(BODY, {"type": "BUTTONS", "buttons": [OTP]}))
    assert response.status_code == 200, response.text
