"""State exports: format 2 keeps each feature's state in typed fields; format 1 still loads."""

from __future__ import annotations

from typing import Any

from wasim import Simulator

START = "2026-03-02T09:00:00+00:00"


def _format_one(sim: Simulator) -> dict[str, Any]:
    """The export a format-1 simulator wrote: feature state in ``extra`` bags."""
    state = sim.export_state()
    world = state["world"]
    for key in ("media", "pricing", "progression", "subscribed_apps", "template_book"):
        del world[key]
    world["extra"] = {
        "media": {"42": {"id": "42", "phone_number_id": sim.world.first_phone().id,
                         "mime_type": "image/png", "sha256": "ab", "file_size": 3,
                         "filename": None, "origin": "upload", "created_at": START,
                         "expires_at": "2026-04-01T09:00:00+00:00", "data": "AAEC"}},
        "media_urls": {"tok": {"media_id": "42",
                               "expires_at": "2026-03-02T09:05:00+00:00"}},
        "progression": {"15551234567": {"read_after": 5.0}},
        "subscribed_apps": {sim.world.first_account().waba_id: False},
        "deleted_template_names": {sim.world.first_account().waba_id: {"old_name": START}},
        "fep": {"p:w": {"referral_at": START, "opened_at": None, "id": None,
                        "expires_at": None}},
    }
    phone = world["accounts"][0]["phone_numbers"][0]
    for key in ("pin", "registration_attempts", "profile"):
        del phone[key]
    phone["extra"] = {"pin": "123456", "registration_attempts": [START],
                      "profile": {"about": "hi"}}
    template = world["accounts"][0]["templates"][0]
    for key in ("requested_category", "revision", "edits", "message_send_ttl_seconds",
                "decision", "pauses", "flagged"):
        del template[key]
    template["extra"] = {"pauses": 2, "flagged": True, "revision": 3, "source": "api"}
    state["format"] = 1
    return state


def test_a_format_one_export_loads_into_typed_fields() -> None:
    sim = Simulator(now=START)
    old = _format_one(sim)
    fresh = Simulator(now=START)
    fresh.import_state(old)
    world = fresh.world
    assert world.media.files["42"].data == b"\x00\x01\x02"
    assert world.media.urls["tok"].media_id == "42"
    assert world.progression == {"15551234567": {"read_after": 5.0}}
    waba_id = world.first_account().waba_id
    assert world.subscribed_apps == {waba_id: False}
    assert list(world.template_book.deleted_names[waba_id]) == ["old_name"]
    assert world.pricing.fep["p:w"].opened_at is None
    phone = world.first_phone()
    assert (phone.pin, phone.profile, len(phone.registration_attempts)) == (
        "123456", {"about": "hi"}, 1)
    template = next(iter(world.first_account().templates.values()))
    assert (template.pauses, template.flagged, template.revision) == (2, True, 3)


def test_a_format_two_export_round_trips() -> None:
    sim = Simulator(now=START)
    media_id = sim.media.upload(b"png", "image/png")
    sim.phones.register(sim.world.first_phone().id, {"messaging_product": "whatsapp",
                                              "pin": "654321"})
    state = sim.export_state()
    assert state["format"] == 2
    again = Simulator(now=START)
    again.import_state(state)
    assert again.export_state() == state
    assert again.world.media.files[media_id].data == b"png"
    assert again.world.first_phone().pin == "654321"
