"""Pricing before 2023-06-01 (L1; §2.1, §7.2): conversations were user- or
business-initiated, not priced by template category."""

from __future__ import annotations

import httpx

from tests.conftest import ANA, MESSAGES, template_message, text_message


def _sent(client: httpx.Client, body: dict[str, object]) -> str:
    response = client.post(MESSAGES, json=body)
    assert response.status_code == 200, response.text
    return str(response.json()["messages"][0]["id"])


def test_a_2020_template_opens_a_business_initiated_conversation(
        client: httpx.Client) -> None:
    client.post("/_sim/settings", json={"category_era": "legacy"})
    client.post("/_sim/clock/set", json={"to": "2020-06-01T10:00:00Z"})
    first = _sent(client, template_message(to=ANA, body=["Ana", "A-1"]))
    shown = client.get(f"/_sim/messages/{first}").json()
    assert shown["pricing"] == {"billable": True, "pricing_model": "CBP",
                                "category": "business_initiated"}
    assert shown["conversation"]["origin"] == {"type": "business_initiated"}
    client.post("/_sim/inbound", json={"from": ANA, "text": "thanks"})
    reply = client.get(f"/_sim/messages/{_sent(client, text_message())}").json()
    assert reply["conversation"]["id"] == shown["conversation"]["id"]
    assert reply["pricing"]["category"] == "business_initiated"


def test_a_2020_reply_opens_a_user_initiated_conversation(client: httpx.Client) -> None:
    client.post("/_sim/clock/set", json={"to": "2021-03-01T10:00:00Z"})
    client.post("/_sim/inbound", json={"from": ANA, "text": "hello"})
    reply = client.get(f"/_sim/messages/{_sent(client, text_message())}").json()
    assert reply["pricing"] == {"billable": True, "pricing_model": "CBP",
                                "category": "user_initiated"}
    assert reply["conversation"]["origin"] == {"type": "user_initiated"}


def test_from_2023_06_01_conversations_follow_the_category(client: httpx.Client) -> None:
    client.post("/_sim/clock/set", json={"to": "2023-06-01T00:00:00Z"})
    sent = _sent(client, template_message(to=ANA, body=["Ana", "A-1"]))
    assert client.get(f"/_sim/messages/{sent}").json()["pricing"]["category"] == "utility"
