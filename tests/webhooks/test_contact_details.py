"""Contact details in webhooks as Meta sends them (§5.1, §11; audit 2, L12)."""

from __future__ import annotations

from typing import Any

import pytest
from wasim import Simulator
from wasim.errors import GraphError

from tests.conftest import ANA, PHONE_ID, text_message


def last_message(sim: Simulator) -> dict[str, Any]:
    message: dict[str, Any] = sim.webhooks.last.value["messages"][0]
    return message


def test_a_status_for_a_recipient_without_a_profile_name_has_no_empty_profile(
        sim: Simulator) -> None:
    stranger = "447700900123"
    sim.send({"messaging_product": "whatsapp", "to": stranger, "type": "template",
              "template": {"name": "hello_world", "language": {"code": "en_US"}}}, PHONE_ID)
    sim.advance("1m")
    statuses = [w.value for w in sim.webhooks if "statuses" in w.value]
    assert statuses
    for value in statuses:
        [contact] = value["contacts"]
        assert set(contact) == {"wa_id", "user_id"} and contact["wa_id"] == stranger
    sim.inbound(stranger, "hi", name="Olivia")
    assert sim.webhooks.last.value["contacts"][0]["profile"] == {"name": "Olivia"}


@pytest.mark.parametrize("context", [
    {"forwarded": True}, {"frequently_forwarded": True},
])
def test_a_forwarded_flag_reaches_the_webhook(sim: Simulator, context: dict[str, Any]) -> None:
    sim.inbound(ANA, "look at this", context=context)
    assert last_message(sim)["context"] == context


def test_a_forwarded_reply_keeps_both(sim: Simulator) -> None:
    first = sim.inbound(ANA, "one")
    sim.inbound(ANA, "two", context={"id": first.id, "forwarded": True})
    assert last_message(sim)["context"] == {"from": ANA, "id": first.id, "forwarded": True}


def test_a_forwarded_flag_must_be_a_boolean(sim: Simulator) -> None:
    with pytest.raises(GraphError) as caught:
        sim.inbound(ANA, "x", context={"forwarded": "yes"})
    assert caught.value.code == 100
    assert "context.forwarded" in str(caught.value.details)


def test_a_changed_number_moves_the_contact_under_a_new_bsuid(sim: Simulator) -> None:
    sim.inbound(ANA, "hi")
    old = sim.webhooks.last.value["contacts"][0]
    sim.inbound(ANA, type="system", content={"wa_id": "16505559999"})
    assert "contacts" not in sim.webhooks.last.value
    sim.inbound("16505559999", "new phone, same me")
    new = sim.webhooks.last.value["contacts"][0]
    assert new["wa_id"] == "16505559999"
    assert new["profile"] == old["profile"]
    assert new["user_id"] != old["user_id"] and new["user_id"].startswith("US.")  # +1 650: US
    answer = sim.send(text_message(to="16505559999"), PHONE_ID)
    assert answer["contacts"][0]["wa_id"] == "16505559999"
