"""Inbound webhook fields Meta's webhooks always carry (§5.1; the spec's webhook schemas
require them), and the control input that would make a webhook Meta never sends."""

from __future__ import annotations

from typing import Any

import pytest
from wasim import Simulator
from wasim.errors import GraphError

from tests.conftest import ANA


def _message(sim: Simulator) -> dict[str, Any]:
    message: dict[str, Any] = sim.webhooks.last.value["messages"][0]
    return message


@pytest.mark.parametrize(("kind", "flag"), [("audio", "voice"), ("sticker", "animated")])
def test_audio_voice_and_sticker_animated_are_always_booleans(
        sim: Simulator, kind: str, flag: str) -> None:
    sim.inbound(ANA, type=kind, content={})
    assert _message(sim)[kind][flag] is False
    sim.inbound(ANA, type=kind, content={flag: True})
    assert _message(sim)[kind][flag] is True
    with pytest.raises(GraphError) as caught:
        sim.inbound(ANA, type=kind, content={flag: "yes"})
    assert (caught.value.code, caught.value.details) == (
        100, f"inbound {kind}.{flag} must be true or false")


def test_a_document_always_has_a_file_name(sim: Simulator) -> None:
    sim.inbound(ANA, type="document", content={})
    assert _message(sim)["document"]["filename"] == "document.pdf"
    sim.inbound(ANA, type="document", content={"filename": "invoice.pdf"})
    assert _message(sim)["document"]["filename"] == "invoice.pdf"


def test_a_location_pin_leaves_out_name_and_address_given_as_null(sim: Simulator) -> None:
    sim.inbound(ANA, type="location", content={"latitude": 1, "longitude": 2, "name": None})
    assert _message(sim)["location"] == {"latitude": 1, "longitude": 2}


@pytest.mark.parametrize(("card", "field"), [
    ({"name": {"formatted_name": "Zoe", "first_name": 1}}, "contacts[0].name.first_name"),
    ({"name": {"formatted_name": "Zoe"}, "phones": "x"}, "contacts[0].phones"),
    ({"name": {"formatted_name": "Zoe"}, "phones": [{"phone": 1}]},
     "contacts[0].phones[0].phone"),
    ({"name": {"formatted_name": "Zoe"}, "org": {"company": []}}, "contacts[0].org.company"),
])
def test_contact_card_fields_are_text(sim: Simulator, card: Any, field: str) -> None:
    with pytest.raises(GraphError) as caught:
        sim.inbound(ANA, type="contacts", content=[card])
    assert caught.value.code == 100
    assert str(caught.value.details).startswith(f"inbound {field} ")


def test_a_media_caption_must_be_text(sim: Simulator) -> None:
    with pytest.raises(GraphError) as caught:
        sim.inbound(ANA, type="image", content={"caption": 5})
    assert (caught.value.code, caught.value.details) == (
        100, "inbound image.caption must be a non-empty string")
