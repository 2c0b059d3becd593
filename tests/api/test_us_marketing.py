"""Marketing templates to US numbers (§6): since 2025-04-01 accepted, then failed with
131049 and not charged (the audit's H1)."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from wasim import Simulator
from wasim.rules.marketing import is_us_number, us_marketing_paused

from tests.conftest import ANA, BRUNO, MESSAGES, template_message

PROMO_PT = template_message("seasonal_promotion", "pt_BR", body=["inverno", "20%"])


def _statuses(sim: Simulator, wamid: str) -> list[dict[str, Any]]:
    return [w.value["statuses"][0] for w in sim.webhooks
            if w.field == "messages" and w.value.get("statuses", [{}])[0].get("id") == wamid]


def test_a_marketing_template_to_a_us_number_is_accepted_then_fails_with_131049(
        client: httpx.Client, sim: Simulator) -> None:
    answer = client.post(MESSAGES, json=PROMO_PT)
    assert answer.status_code == 200
    assert answer.json()["messages"][0]["message_status"] == "accepted"
    wamid = answer.json()["messages"][0]["id"]
    (failed,) = _statuses(sim, wamid)
    assert failed["status"] == "failed"
    assert "pricing" not in failed and "conversation" not in failed
    assert failed["errors"] == [{
        "code": 131049,
        "title": "This message was not delivered to maintain healthy ecosystem engagement.",
        "message": "This message was not delivered to maintain healthy ecosystem engagement.",
        "error_data": {"details": "Marketing template messages are not delivered to "
                       "WhatsApp users with US phone numbers (since 2025-04-01)."},
        "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
    }]
    assert sim.message(wamid).pricing is None  # nothing charged


def test_utility_templates_and_free_form_to_the_same_number_are_delivered(
        client: httpx.Client, sim: Simulator) -> None:
    sim.customer("ana").says("hi")
    utility = client.post(MESSAGES, json=template_message(body=["Ana", "A-1"]))
    assert sim.message(utility.json()["messages"][0]["id"]).status == "delivered"


def test_a_marketing_template_to_a_spanish_number_is_delivered_and_charged(
        client: httpx.Client, sim: Simulator) -> None:
    answer = client.post(MESSAGES, json={**PROMO_PT, "to": BRUNO})
    message = sim.message(answer.json()["messages"][0]["id"])
    assert message.status == "delivered"
    assert message.pricing is not None and message.pricing["category"] == "marketing"


@pytest.mark.parametrize(("settings", "status"), [
    ({"us_marketing_pause": False}, "delivered"),
    ({"rules_as_of": "2025-03-31"}, "delivered"),
    ({"rules_as_of": "2025-04-01"}, "failed"),
])
def test_the_pause_is_a_setting_and_follows_the_rules_date(
        client: httpx.Client, sim: Simulator, settings: dict[str, Any], status: str) -> None:
    sim.world.settings.update(settings)
    answer = client.post(MESSAGES, json=PROMO_PT)
    assert sim.message(answer.json()["messages"][0]["id"]).status == status


def test_a_world_whose_clock_is_before_april_2025_delivers_them() -> None:
    sim = Simulator(now="2025-03-31T23:59:59Z", seed=3)
    assert sim.message(sim.send(PROMO_PT)["messages"][0]["id"]).status == "delivered"
    sim.advance("1s")
    assert sim.message(sim.send(PROMO_PT)["messages"][0]["id"]).status == "failed"


@pytest.mark.parametrize(("wa_id", "us"), [
    (ANA, True),                # California
    ("17875550100", True),      # Puerto Rico, a US territory
    ("14165550100", False),     # Toronto
    ("18765550100", False),     # Jamaica
    ("34612340002", False),     # Spain
    ("1650555123", False),      # too short for a NANP number
])
def test_what_counts_as_a_us_number(wa_id: str, us: bool) -> None:
    assert is_us_number(wa_id) is us
    assert us_marketing_paused(wa_id, date(2026, 1, 5)) is us
    assert us_marketing_paused(wa_id, date(2025, 3, 31)) is False
