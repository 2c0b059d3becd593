"""Form-encoded Graph calls (M10; §3, §9): fields as form values, nested objects as JSON
strings, and the access token as a body parameter, as Graph reads them."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from wasim import Simulator
from wasim.api import create_app
from wasim.asgi import sync_client

from tests.conftest import ANA, MESSAGES, PHONE_ID, TOKEN, WABA_ID


@pytest.fixture
def anonymous(sim: Simulator) -> Iterator[httpx.Client]:
    sim.customer("ana").says("hi")
    with sync_client(create_app(sim)) as http:
        yield http


def test_a_form_encoded_text_send_is_accepted(sim: Simulator, client: httpx.Client) -> None:
    """The audit's reproduction: ``text={"body":"hi"}`` as a form field."""
    sim.customer("ana").says("hi")
    response = client.post(MESSAGES, data={"messaging_product": "whatsapp", "to": ANA,
                                           "type": "text", "text": '{"body":"hi"}'})
    assert response.status_code == 200, response.text
    wamid = response.json()["messages"][0]["id"]
    assert sim.message(wamid).body["text"] == {"body": "hi"}


def test_a_form_encoded_template_send_is_accepted(client: httpx.Client) -> None:
    template = ('{"name":"hello_world","language":{"code":"en_US"}}')
    response = client.post(MESSAGES, data={"messaging_product": "whatsapp", "to": ANA,
                                           "type": "template", "template": template})
    assert response.status_code == 200, response.text
    assert response.json()["messages"][0]["message_status"] == "accepted"


def test_a_nested_field_that_is_not_json_is_100(client: httpx.Client) -> None:
    error = client.post(MESSAGES, data={"messaging_product": "whatsapp", "to": ANA,
                                        "type": "text", "text": "{body"}).json()["error"]
    assert (error["code"], error["error_data"]["details"]) == (
        100, "Param text is not valid JSON.")


def test_the_token_may_be_a_form_parameter(sim: Simulator, anonymous: httpx.Client) -> None:
    """§9: Graph takes ``access_token`` from a form-encoded body too."""
    response = anonymous.post(MESSAGES, data={
        "access_token": TOKEN, "messaging_product": "whatsapp", "to": ANA, "type": "text",
        "text": '{"body":"hi"}'})
    assert response.status_code == 200, response.text
    wamid = response.json()["messages"][0]["id"]
    assert "access_token" not in sim.message(wamid).body


def test_the_token_may_be_a_json_body_parameter(anonymous: httpx.Client) -> None:
    response = anonymous.post(MESSAGES, json={
        "access_token": TOKEN, "messaging_product": "whatsapp", "to": ANA, "type": "text",
        "text": {"body": "hi"}})
    assert response.status_code == 200, response.text


def test_a_wrong_body_token_is_190_and_none_is_104(anonymous: httpx.Client) -> None:
    wrong = anonymous.post(MESSAGES, data={"access_token": "nope",
                                           "messaging_product": "whatsapp"})
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, 190)
    none = anonymous.post(MESSAGES, data={"messaging_product": "whatsapp"})
    assert (none.status_code, none.json()["error"]["code"]) == (401, 104)


def test_form_encoded_registration_and_template_creation(client: httpx.Client) -> None:
    assert client.post(f"/v23.0/{PHONE_ID}/register", data={
        "messaging_product": "whatsapp", "pin": "123456"}).json() == {"success": True}
    created = client.post(f"/v23.0/{WABA_ID}/message_templates", data={
        "name": "form_made", "language": "en_US", "category": "UTILITY",
        "components": '[{"type":"BODY","text":"Your order shipped."}]'})
    assert created.status_code == 200, created.text
