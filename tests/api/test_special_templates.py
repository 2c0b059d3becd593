"""Carousel and limited-time-offer templates created, reviewed and sent (M12; §2.4)."""

from __future__ import annotations

from typing import Any

import httpx
from wasim import Simulator

from tests.conftest import ANA, MESSAGES, WABA_ID

TEMPLATES = f"/v23.0/{WABA_ID}/message_templates"


def _card(text: str = "Card", kind: str = "IMAGE",
          buttons: tuple[str, ...] = ("QUICK_REPLY",)) -> dict[str, Any]:
    return {"components": [
        {"type": "HEADER", "format": kind, "example": {"header_handle": ["4::aGk="]}},
        {"type": "BODY", "text": text},
        {"type": "BUTTONS", "buttons": [{"type": b, "text": "Buy"} for b in buttons]}]}


def _carousel(*cards: dict[str, Any], name: str = "picks") -> dict[str, Any]:
    return {"name": name, "language": "en_US", "category": "MARKETING", "components": [
        {"type": "BODY", "text": "Our picks for you today."},
        {"type": "CAROUSEL", "cards": list(cards)}]}


OFFER = {"name": "flash_offer", "language": "en_US", "category": "MARKETING", "components": [
    {"type": "LIMITED_TIME_OFFER", "limited_time_offer": {"text": "Expiring offer!",
                                                          "has_expiration": True}},
    {"type": "BODY", "text": "Good news! Use the code at checkout for 25% off."},
    {"type": "BUTTONS", "buttons": [{"type": "COPY_CODE", "example": "SAVE25"},
                                    {"type": "URL", "text": "Shop", "url": "https://e.com"}]}]}


def test_the_audit_s_carousel_is_created_reviewed_and_sent(
        sim: Simulator, client: httpx.Client) -> None:
    created = client.post(TEMPLATES, json=_carousel(_card(), _card("Second")))
    assert created.status_code == 200, created.text
    assert created.json()["status"] == "PENDING"
    sim.advance("1h")
    shown = client.get(f"/v23.0/{created.json()['id']}").json()
    assert shown["status"] == "APPROVED"
    carousel = next(c for c in shown["components"] if c["type"] == "CAROUSEL")
    assert len(carousel["cards"]) == 2
    cards = [{"card_index": i, "components": [
        {"type": "header", "parameters": [{"type": "image",
                                           "image": {"link": "https://e.com/a.jpg"}}]},
        {"type": "button", "sub_type": "quick_reply", "index": "0",
         "parameters": [{"type": "payload", "payload": f"p{i}"}]}]} for i in range(2)]
    sent = client.post(MESSAGES, json={
        "messaging_product": "whatsapp", "to": ANA, "type": "template", "template": {
            "name": "picks", "language": {"code": "en_US"},
            "components": [{"type": "carousel", "cards": cards}]}})
    assert sent.status_code == 200, sent.text


def test_carousel_cards_are_checked(client: httpx.Client) -> None:
    for body, fragment in (
            (_carousel(), "1 to 10 cards"),
            (_carousel(*[_card()] * 11), "1 to 10 cards"),
            (_carousel(_card(kind="DOCUMENT")), "IMAGE or VIDEO header"),
            (_carousel(_card("x" * 161)), "longer than 160"),
            (_carousel(_card(), _card(buttons=("QUICK_REPLY", "QUICK_REPLY"))),
             "same header format and the same buttons")):
        error = client.post(TEMPLATES, json=body).json()["error"]
        assert error["code"] == 100
        assert fragment in error["error_data"]["details"], error


def test_a_limited_time_offer_is_created_reviewed_and_sent(
        sim: Simulator, client: httpx.Client) -> None:
    created = client.post(TEMPLATES, json=OFFER)
    assert created.status_code == 200, created.text
    sim.advance("1h")
    assert client.get(f"/v23.0/{created.json()['id']}").json()["status"] == "APPROVED"
    sent = client.post(MESSAGES, json={
        "messaging_product": "whatsapp", "to": ANA, "type": "template", "template": {
            "name": "flash_offer", "language": {"code": "en_US"}, "components": [
                {"type": "limited_time_offer", "parameters": [
                    {"type": "limited_time_offer",
                     "limited_time_offer": {"expiration_time_ms": 1767225600000}}]},
                {"type": "button", "sub_type": "copy_code", "index": "0",
                 "parameters": [{"type": "coupon_code", "coupon_code": "SAVE25"}]}]}})
    assert sent.status_code == 200, sent.text


def test_an_offer_outside_marketing_or_with_a_footer_is_refused(client: httpx.Client) -> None:
    utility = {**OFFER, "name": "u_offer", "category": "UTILITY"}
    assert "for MARKETING templates" in client.post(TEMPLATES, json=utility).json()[
        "error"]["error_data"]["details"]
    footer = {**OFFER, "name": "f_offer",
              "components": [*OFFER["components"], {"type": "FOOTER", "text": "x"}]}
    assert "cannot have a footer" in client.post(TEMPLATES, json=footer).json()[
        "error"]["error_data"]["details"]
