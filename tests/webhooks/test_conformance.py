from __future__ import annotations

import json
from typing import Any

import pytest
from wasim import Simulator
from wasim.delivery.engine import attach

from tests.conftest import ANA, START, text_message
from tests.webhooks.bodies import inbound_bodies, status_bodies
from tests.webhooks.helpers import receiver_app

INBOUND = inbound_bodies()
STATUSES = status_bodies()
SPEC_GAPS = {
    # The spec's ContextObject requires referred_product (product enquiries); a reply
    # quoting a message carries only {from, id} on the platform (§5.1).
    "context": ["'referred_product' is a required property"],
}


@pytest.mark.parametrize("name", sorted(INBOUND))
def test_inbound_bodies_conform(spec_check: Any, name: str) -> None:
    problems = spec_check.check_webhook(INBOUND[name])
    expected = SPEC_GAPS.get(name)
    if expected is None:
        assert problems == []
    else:
        assert any(gap in line for gap in expected for line in problems)
        leaves = [line.strip() for line in problems
                  if "matches none" not in line and "invalid " not in line]
        assert leaves and all(any(gap in leaf for gap in expected) for leaf in leaves)


@pytest.mark.parametrize("name", sorted(STATUSES))
def test_status_bodies_conform(spec_check: Any, name: str) -> None:
    assert spec_check.check_webhook(STATUSES[name]) == []


def test_played_is_the_one_status_the_spec_lacks(spec_check: Any) -> None:
    sim = Simulator(now=START, seed=9)
    sim.inbound(ANA, "hi")
    sim.set_progression("immediate")
    voice_note = sim.media.upload(b"OggS voice", "audio/ogg")
    sim.send({"messaging_product": "whatsapp", "to": ANA, "type": "audio",
              "audio": {"id": voice_note, "voice": True}})
    played = sim.webhooks.last.payload
    assert played["entry"][0]["changes"][0]["value"]["statuses"][0]["status"] == "played"
    problems = spec_check.check_webhook(played)
    assert problems and any("played" in line for line in problems)


def test_every_body_is_one_inbound_type_or_status() -> None:
    kinds = {m["type"] for body in INBOUND.values()
             for m in body["entry"][0]["changes"][0]["value"]["messages"]}
    assert kinds == {"text", "image", "audio", "video", "document", "sticker", "location",
                     "contacts", "interactive", "button", "reaction", "order", "system",
                     "unsupported"}
    assert {"sent", "delivered", "read", "failed"} <= set(STATUSES)


def test_signature_round_trip_through_a_reserialising_receiver() -> None:
    """A receiver that parses and re-dumps the JSON (ASCII-escaped, as json.dumps does by
    default) before checking the signature only matches ASCII-escaped bytes (§11)."""
    sim = Simulator(now=START, seed=2)
    store: list[tuple[dict[str, str], bytes]] = []
    engine = attach(sim, receiver_app(store, reserialise=True))
    try:
        sim.inbound(ANA, "Ação 🚀 déjà vu", name="Ana Souza Ñ")
        sim.send(text_message(body="Obrigado! 🙏"))
        engine.flush()
        assert [a.status_code for a in engine.attempts] == [200, 200, 200]
        assert json.loads(store[0][1])["entry"][0]["changes"][0]["value"]["messages"][0][
            "text"]["body"] == "Ação 🚀 déjà vu"
    finally:
        engine.close()
