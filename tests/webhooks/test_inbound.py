from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest
from wasim import Simulator
from wasim.errors import GraphError

from tests.conftest import ANA, PHONE_ID, text_message
from tests.webhooks.bodies import INBOUND, MEDIA_ID


def message_of(sim: Simulator) -> dict[str, Any]:
    value = sim.webhooks.last.value
    message: dict[str, Any] = value["messages"][0]
    return message


def test_media_gets_mime_type_and_sha256(sim: Simulator) -> None:
    sim.inbound(ANA, type="image", content={"caption": "receipt"})
    image = message_of(sim)["image"]
    assert image["caption"] == "receipt"
    assert image["mime_type"] == "image/jpeg" and len(image["sha256"]) == 64
    held = sim.media.info(image["id"])  # customer media is stored, downloadable
    assert held is not None and held["sha256"] == image["sha256"]


def test_customer_media_named_by_an_unknown_id_is_refused(sim: Simulator) -> None:
    with pytest.raises(GraphError) as caught:
        sim.inbound(ANA, type="image", content={"id": MEDIA_ID})
    assert caught.value.code == 100
    assert f"'{MEDIA_ID}' is not media the simulator holds" in str(caught.value.details)


def test_media_is_checked_against_the_media_store_when_there_is_one(sim: Simulator) -> None:
    sim.media.upload(b"png", "image/png", media_id=MEDIA_ID)
    sim.inbound(ANA, type="image", content=MEDIA_ID)
    assert message_of(sim)["image"] == {"id": MEDIA_ID, "mime_type": "image/png",
                                        "sha256": hashlib.sha256(b"png").hexdigest()}
    with pytest.raises(GraphError) as caught:
        sim.inbound(ANA, type="video", content="999")
    assert caught.value.code == 100
    assert "'999' is not media the simulator holds" in str(caught.value.details)


def test_interactive_reply_quotes_the_business_message(sim: Simulator) -> None:
    sim.inbound(ANA, "hi")
    wamid = sim.send(text_message())["messages"][0]["id"]
    sim.inbound(ANA, type="interactive", context=wamid,
                content={"button_reply": {"id": "yes", "title": "Yes"}})
    message = message_of(sim)
    assert message["context"] == {"from": "15550783881", "id": wamid}
    assert message["interactive"] == {"type": "button_reply",
                                      "button_reply": {"id": "yes", "title": "Yes"}}


def test_an_unknown_quoted_message_is_refused(sim: Simulator) -> None:
    with pytest.raises(GraphError) as caught:
        sim.inbound(ANA, "about that", context="wamid.nope")
    assert "'wamid.nope' is not a message the simulator knows" in str(caught.value.details)


def test_unsupported_carries_131051(sim: Simulator) -> None:
    sim.inbound(ANA, type="unsupported")
    message = message_of(sim)
    assert message["type"] == "unsupported" and "unsupported" not in message
    assert message["errors"] == [{"code": 131051, "title": "Message type unknown",
                                  "message": "Message type unknown",
                                  "error_data": {"details":
                                                 "Message type is currently not supported."}}]


def test_system_messages_carry_no_contacts_and_do_not_open_the_window(
        sim: Simulator) -> None:
    sim.inbound(ANA, type="system", content={"wa_id": "16505550100"}, name="Ana Souza")
    value = sim.webhooks.last.value
    assert "contacts" not in value
    assert value["messages"][0]["system"] == {
        "body": "User Ana Souza changed from 16505551234 to 16505550100",
        "wa_id": "16505550100", "type": "user_changed_number"}
    assert sim.window(ANA)["open"] is False


@pytest.mark.parametrize(("opens", "expected"), [(True, True), (False, False)])
def test_whether_a_reaction_opens_the_window_is_a_setting(
        sim: Simulator, opens: bool, expected: bool) -> None:
    sim.world.settings.update({"reaction_opens_window": opens})
    sim.inbound(ANA, type="reaction", content={"message_id": "wamid.X", "emoji": "👍"})
    assert sim.window(ANA)["open"] is expected


def test_referral_is_completed_with_the_ad_fields(sim: Simulator) -> None:
    sim.inbound(ANA, "hi", referral={"source_id": "42"})
    referral = message_of(sim)["referral"]
    assert referral["source_id"] == "42" and referral["source_type"] == "ad"
    assert {"source_url", "headline", "body", "media_type", "ctwa_clid"} <= set(referral)


@pytest.mark.parametrize(("kind", "content", "field"), [
    ("location", {"latitude": "north", "longitude": 1}, "location.latitude"),
    ("contacts", [], "contacts"),
    ("interactive", {"type": "nope"}, "interactive.type"),
    ("order", {"catalog_id": "1", "product_items": []}, "order.product_items"),
    ("button", {"payload": "x"}, "button.text"),
    ("reaction", {"emoji": "👍"}, "reaction.message_id"),
    ("hologram", {}, "type"),
])
def test_bad_inbound_content_is_a_graph_error_naming_the_field(
        sim: Simulator, kind: str, content: Any, field: str) -> None:
    with pytest.raises(GraphError) as caught:
        sim.inbound(ANA, type=kind, content=content)
    assert caught.value.code == 100
    assert str(caught.value.details).startswith(f"inbound {field} ")


@pytest.mark.parametrize("name", sorted(INBOUND))
def test_every_type_through_the_control_route(
        sim: Simulator, client: httpx.Client, name: str) -> None:
    spec = INBOUND[name]
    body: dict[str, Any] = {"from": ANA, "type": spec["type"], "name": "Ana Souza"}
    if spec["content"] is not None:
        body[spec["type"]] = spec["content"]
    if spec["type"] in ("button", "interactive"):
        client.post("/_sim/inbound", json={"from": ANA, "text": "hi"})
        answer = client.post(f"/v23.0/{PHONE_ID}/messages", json=text_message())
        body["context"] = answer.json()["messages"][0]["id"]
    answer = client.post("/_sim/inbound", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["message"]["type"] == spec["type"]
    assert sim.received.last.type == spec["type"]


def test_control_route_refuses_a_missing_type_object(client: httpx.Client) -> None:
    answer = client.post("/_sim/inbound", json={"from": ANA, "type": "location"})
    assert answer.status_code == 400
    assert answer.json()["error"]["error_data"]["details"] == (
        "missing field 'location' (the location object)")


def test_control_route_keeps_the_text_shortcut(sim: Simulator, client: httpx.Client) -> None:
    answer = client.post("/_sim/inbound", json={"from": ANA, "text": "Olá", "name": "Zé"})
    assert answer.status_code == 200
    assert answer.json()["message"]["text"] == {"body": "Olá"}
    assert sim.webhooks.last.value["contacts"][0]["profile"] == {"name": "Zé"}


# --- edit and revoke (Meta's edit and revoke webhook references) -----------------------


def test_an_edit_carries_the_original_id_and_the_message_as_it_now_reads(
        sim: Simulator) -> None:
    first = sim.inbound(ANA, "See you at 5")
    edit = sim.inbound(ANA, type="edit",
                       content={"original_message_id": first.id, "text": "See you at 6"})
    message = message_of(sim)
    assert message["type"] == "edit" and message["id"] == edit.id != first.id
    assert message["edit"] == {"original_message_id": first.id,
                               "message": {"type": "text", "text": {"body": "See you at 6"}}}
    assert sim.webhooks.last.value["contacts"][0]["wa_id"] == ANA


def test_an_edited_reply_keeps_its_context(sim: Simulator) -> None:
    sim.inbound(ANA, "hi")
    sent = sim.send(text_message())["messages"][0]["id"]
    reply = sim.inbound(ANA, "yes", context=sent)
    sim.inbound(ANA, type="edit", content={"original_message_id": reply.id, "text": "no"})
    inner = message_of(sim)["edit"]["message"]
    assert inner["context"]["id"] == sent
    assert inner["text"] == {"body": "no"}


def test_an_edited_caption_replaces_only_the_caption(sim: Simulator) -> None:
    photo = sim.inbound(ANA, type="image", content={"caption": "my cat"})
    before = photo.message["image"]
    sim.inbound(ANA, type="edit", content={"original_message_id": photo.id,
                                           "caption": "my dog"})
    assert message_of(sim)["edit"]["message"] == {
        "type": "image", "image": {**before, "caption": "my dog"}}


@pytest.mark.parametrize(("kind", "content"), [
    ("image", {}),  # media without a caption
    ("location", {"latitude": 1, "longitude": 2}),
])
def test_only_text_and_captions_can_be_edited(sim: Simulator, kind: str,
                                              content: dict[str, Any]) -> None:
    original = sim.inbound(ANA, type=kind, content=content)
    with pytest.raises(GraphError) as caught:
        sim.inbound(ANA, type="edit", content={"original_message_id": original.id,
                                               "caption": "x", "text": "x"})
    assert caught.value.code == 100
    assert "without text to edit" in str(caught.value.details)


@pytest.mark.parametrize(("kind", "limit"), [("edit", "15m"), ("revoke", "2d")])
def test_edits_and_revokes_have_a_time_limit(sim: Simulator, kind: str, limit: str) -> None:
    first = sim.inbound(ANA, "one")
    second = sim.inbound(ANA, "two")
    content: dict[str, Any] = {"original_message_id": first.id, "text": "1"}
    sim.advance(limit)  # exactly the limit: too late
    with pytest.raises(GraphError) as caught:
        sim.inbound(ANA, type=kind, content=content)
    assert "can no longer be" in str(caught.value.details)
    assert sim.received.last.id == second.id


@pytest.mark.parametrize(("kind", "just_inside"), [("edit", "14m59s"), ("revoke", "47h59m59s")])
def test_edits_and_revokes_are_allowed_until_the_limit(sim: Simulator, kind: str,
                                                       just_inside: str) -> None:
    first = sim.inbound(ANA, "one")
    sim.advance(just_inside)
    sim.inbound(ANA, type=kind, content={"original_message_id": first.id, "text": "1"})
    assert sim.received.last.type == kind


def test_a_revoke_names_the_deleted_message(sim: Simulator) -> None:
    first = sim.inbound(ANA, "oops")
    sim.inbound(ANA, type="revoke", content=first.id)
    assert message_of(sim)["revoke"] == {"original_message_id": first.id}
    assert set(message_of(sim)) == {"from", "id", "timestamp", "type", "revoke"}


@pytest.mark.parametrize("kind", ["edit", "revoke"])
def test_only_the_customers_own_messages_can_be_changed(sim: Simulator, kind: str) -> None:
    theirs = sim.inbound("16505550199", "not Ana's")
    sim.inbound(ANA, "hi")
    ours = sim.send(text_message())["messages"][0]["id"]
    for target in (theirs.id, ours, "wamid.UNKNOWN"):
        with pytest.raises(GraphError) as caught:
            sim.inbound(ANA, type=kind, content={"original_message_id": target, "text": "x"})
        assert str(caught.value.details).startswith(f"inbound {kind}.original_message_id ")


def test_edits_and_revokes_do_not_reopen_the_window(sim: Simulator) -> None:
    first = sim.inbound(ANA, "hi")
    sim.advance("23h50m")
    sim.inbound(ANA, type="revoke", content=first.id)
    sim.advance("11m")
    assert sim.window(ANA)["open"] is False


def test_revoke_and_edit_through_the_control_route(sim: Simulator,
                                                   client: httpx.Client) -> None:
    first = sim.inbound(ANA, "typo")
    answer = client.post("/_sim/inbound", json={
        "from": ANA, "type": "edit", "edit": {"original_message_id": first.id, "text": "fixed"}})
    assert answer.status_code == 200, answer.text
    assert answer.json()["message"]["edit"]["message"]["text"] == {"body": "fixed"}
    answer = client.post("/_sim/inbound", json={"from": ANA, "type": "revoke",
                                                "revoke": first.id})
    assert answer.status_code == 200, answer.text
    assert answer.json()["message"]["revoke"] == {"original_message_id": first.id}
