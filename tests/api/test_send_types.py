"""Every send type of §3 through HTTP: its happy path and bad payloads with exact errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from wasim import Simulator

from tests.api.asserts import assert_accepted, assert_graph_error
from tests.conftest import ANA, MESSAGES, PHONE_ID

MISSING = "(#131008) Required parameter is missing"
INVALID = "(#131009) Parameter value is not valid"
LINK = "https://cdn.example.com/file"


def send(client: httpx.Client, kind: str, content: Any, **extra: Any) -> httpx.Response:
    return client.post(MESSAGES, json=payload(kind, content, **extra))


def payload(kind: str, content: Any, **extra: Any) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": ANA,
            "type": kind, kind: content, **extra}


UPLOADED = "<uploaded>"
MEDIA_MIME = {"image": "image/jpeg", "audio": "audio/ogg", "video": "video/mp4",
              "document": "application/pdf", "sticker": "image/webp"}


def with_uploads(client: httpx.Client, kind: str, content: Any) -> Any:
    """Replace an ``UPLOADED`` media id by one uploaded through ``POST /media`` (§8)."""
    if not (isinstance(content, dict) and content.get("id") == UPLOADED):
        return content
    response = client.post(f"/v23.0/{PHONE_ID}/media", data={"messaging_product": "whatsapp"},
                           files={"file": (f"file.{kind}", b"bytes", MEDIA_MIME[kind])})
    assert response.status_code == 200, response.text
    return {**content, "id": response.json()["id"]}


@pytest.fixture
def inbound_id(sim: Simulator) -> str:
    """Ana writes first, so the window is open and there is a message to react to."""
    return sim.customer("ana").says("hello").id


def _buttons(n: int) -> list[dict[str, Any]]:
    return [{"type": "reply", "reply": {"id": f"b{i}", "title": f"Option {i}"}}
            for i in range(n)]


def interactive(kind: str, action: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": kind, "body": {"text": "Pick one"}, "action": action, **extra}


LIST_ACTION = {"button": "Choose", "sections": [
    {"title": "Sizes", "rows": [{"id": "s", "title": "Small", "description": "Fits 1"},
                                {"id": "m", "title": "Medium"}]}]}
CTA_ACTION = {"name": "cta_url",
              "parameters": {"display_text": "See dates", "url": "https://shop.example/d"}}
FLOW_ACTION = {"name": "flow", "parameters": {"flow_message_version": "3",
                                              "flow_id": "1234567890",
                                              "flow_cta": "Book now", "mode": "published"}}

HAPPY = [
    pytest.param("text", {"body": "On its way! https://shop.example", "preview_url": True},
                 id="text"),
    pytest.param("image", {"link": f"{LINK}.jpg", "caption": "Your parcel"}, id="image-link"),
    pytest.param("image", {"id": UPLOADED}, id="image-id"),
    pytest.param("audio", {"id": UPLOADED}, id="audio"),
    pytest.param("video", {"link": f"{LINK}.mp4", "caption": "Unboxing"}, id="video"),
    pytest.param("document", {"link": f"{LINK}.pdf", "filename": "invoice.pdf",
                              "caption": "Invoice"}, id="document"),
    pytest.param("sticker", {"id": UPLOADED}, id="sticker"),
    pytest.param("location", {"latitude": "37.4847", "longitude": "-122.1477",
                              "name": "Acme HQ", "address": "1 Hacker Way"}, id="location"),
    pytest.param("location", {"latitude": 37.4847, "longitude": -122.1477},
                 id="location-numbers"),
    pytest.param("contacts", [{"name": {"formatted_name": "Ana Souza", "first_name": "Ana"},
                               "phones": [{"phone": "+1 650 555 1234", "type": "HOME",
                                           "wa_id": ANA}]}], id="contacts"),
    pytest.param("interactive", interactive("button", {"buttons": _buttons(3)},
                                            header={"type": "text", "text": "Size"},
                                            footer={"text": "Reply to choose"}),
                 id="interactive-button"),
    pytest.param("interactive", interactive("list", LIST_ACTION), id="interactive-list"),
    pytest.param("interactive", interactive("cta_url", CTA_ACTION,
                                            header={"type": "image",
                                                    "image": {"link": f"{LINK}.png"}}),
                 id="interactive-cta_url"),
    pytest.param("interactive", interactive("flow", FLOW_ACTION), id="interactive-flow"),
]


@pytest.mark.parametrize(("kind", "content"), HAPPY)
def test_each_send_type_inside_the_window_is_accepted_and_recorded(
    sim: Simulator, client: httpx.Client, inbound_id: str, kind: str, content: Any
) -> None:
    content = with_uploads(client, kind, content)
    wamid = assert_accepted(send(client, kind, content))
    message = sim.message(wamid)
    assert (message.type, message.to, message.status) == (kind, ANA, "delivered")
    assert message.body[kind] == content


def test_reaction_to_a_customer_message_is_accepted_and_only_sent(
    sim: Simulator, client: httpx.Client, inbound_id: str
) -> None:
    wamid = assert_accepted(send(client, "reaction", {"message_id": inbound_id,
                                                      "emoji": "\U0001f44d"}))
    assert [s.status for s in sim.message(wamid).statuses] == ["sent"]


def test_an_empty_emoji_removes_a_reaction(client: httpx.Client, inbound_id: str) -> None:
    assert_accepted(send(client, "reaction", {"message_id": inbound_id, "emoji": ""}))


def test_template_send_is_accepted_with_message_status(client: httpx.Client) -> None:
    response = send(client, "template", {"name": "hello_world", "language": {"code": "en_US"}})
    assert_accepted(response, template=True)


BAD = [
    pytest.param("text", {}, MISSING, "The parameter text.body is required.",
                 id="text-no-body"),
    pytest.param("text", {"body": "x" * 4097}, INVALID,
                 "Parameter text.body must be at most 4096 characters long (got 4097).",
                 id="text-too-long"),
    pytest.param("text", {"body": "hi", "preview_url": "yes"}, INVALID,
                 "Parameter text.preview_url must be a boolean.", id="text-preview-not-bool"),
    pytest.param("text", "hi", INVALID, "Parameter text must be an object.",
                 id="text-not-object"),
    pytest.param("image", {"id": "1", "link": f"{LINK}.jpg"}, MISSING,
                 "The parameter image requires exactly one of 'id' or 'link'.",
                 id="image-id-and-link"),
    pytest.param("image", {"link": f"{LINK}.jpg", "caption": "c" * 1025}, INVALID,
                 "Parameter image.caption must be at most 1024 characters long (got 1025).",
                 id="image-caption-too-long"),
    pytest.param("audio", {"id": "1", "caption": "no"}, INVALID,
                 "Parameter audio.caption is not allowed: audio messages have no caption.",
                 id="audio-caption"),
    pytest.param("video", {"link": "ftp://cdn.example.com/v.mp4"}, INVALID,
                 "Parameter video.link must be an http(s) URL.", id="video-bad-link"),
    pytest.param("document", {"id": "1", "filename": "f" * 241}, INVALID,
                 "Parameter document.filename must be at most 240 characters long (got 241).",
                 id="document-filename-too-long"),
    pytest.param("sticker", {}, MISSING,
                 "The parameter sticker requires exactly one of 'id' or 'link'.",
                 id="sticker-no-media"),
    pytest.param("location", {"latitude": 91, "longitude": 0}, INVALID,
                 "Parameter location.latitude must be between -90 and 90.",
                 id="location-latitude-out-of-range"),
    pytest.param("location", {"latitude": 1}, MISSING,
                 "The parameter location.longitude is required.", id="location-no-longitude"),
    pytest.param("contacts", [{"name": {"formatted_name": "A"}}] * 6, INVALID,
                 "Parameter contacts must hold 1 to 5 contacts (got 6).",
                 id="contacts-too-many"),
    pytest.param("contacts", [{"name": {"first_name": "Ana"}}], MISSING,
                 "The parameter contacts[0].name.formatted_name is required.",
                 id="contacts-no-formatted-name"),
    pytest.param("interactive", interactive("button", {"buttons": _buttons(4)}), INVALID,
                 "Parameter interactive.action.buttons must hold 1 to 3 items (got 4).",
                 id="button-too-many"),
    pytest.param("interactive", interactive("button", {"buttons": [
        {"type": "reply", "reply": {"id": "a", "title": "Same"}},
        {"type": "reply", "reply": {"id": "b", "title": "Same"}}]}), INVALID,
        "Parameter interactive.action.buttons[1].reply.title must be unique among the "
        "buttons.", id="button-duplicate-title"),
    pytest.param("interactive", interactive("button", {"buttons": [
        {"type": "reply", "reply": {"id": "same", "title": "Yes"}},
        {"type": "reply", "reply": {"id": "same", "title": "No"}}]}), INVALID,
        "Parameter interactive.action.buttons[1].reply.id must be unique among the "
        "buttons.", id="button-duplicate-id"),
    pytest.param("interactive", interactive("list", {"button": "Choose", "sections": [
        {"title": "Sizes", "rows": [{"id": "s", "title": "Small"}]},
        {"title": "Colours", "rows": [{"id": "r", "title": "Red"},
                                      {"id": "s", "title": "Silver"}]}]}), INVALID,
        "Parameter interactive.action.sections[1].rows[1].id must be unique in the list.",
        id="list-duplicate-row-id-across-sections"),
    pytest.param("interactive", interactive("list", {"button": "Choose", "sections": [
        {"rows": [{"id": "x", "title": "One"}, {"id": "x", "title": "Two"}]}]}), INVALID,
        "Parameter interactive.action.sections[0].rows[1].id must be unique in the list.",
        id="list-duplicate-row-id"),
    pytest.param("interactive", interactive("button", {"buttons": [
        {"type": "reply", "reply": {"id": "a", "title": "t" * 21}}]}), INVALID,
        "Parameter interactive.action.buttons[0].reply.title must be at most 20 characters "
        "long (got 21).", id="button-title-too-long"),
    pytest.param("interactive", {"type": "button", "action": {"buttons": _buttons(1)}},
                 MISSING, "The parameter interactive.body is required.", id="button-no-body"),
    pytest.param("interactive", interactive("list", {"button": "Choose", "sections": [
        {"rows": [{"id": "r", "title": "r" * 25}]}]}), INVALID,
        "Parameter interactive.action.sections[0].rows[0].title must be at most 24 "
        "characters long (got 25).", id="list-row-title-too-long"),
    pytest.param("interactive", interactive("list", {"button": "Choose", "sections": [
        {"rows": [{"id": "a", "title": "a"}]}, {"rows": [{"id": "b", "title": "b"}]}]}),
        MISSING, "The parameter interactive.action.sections[0].title is required.",
        id="list-untitled-sections"),
    pytest.param("interactive", interactive("cta_url", {"name": "cta_url", "parameters": {
        "display_text": "d" * 21, "url": "https://shop.example"}}), INVALID,
        "Parameter interactive.action.parameters.display_text must be at most 20 characters "
        "long (got 21).", id="cta_url-display-text-too-long"),
    pytest.param("interactive", interactive("cta_url", {"name": "cta_url", "parameters": {
        "display_text": "Go", "url": "shop.example"}}), INVALID,
        "Parameter interactive.action.parameters.url must be an http(s) URL.",
        id="cta_url-bad-url"),
    pytest.param("interactive", interactive("flow", {"name": "flow", "parameters": {
        "flow_message_version": "3", "flow_id": "1", "flow_name": "booking",
        "flow_cta": "Book"}}), MISSING,
        "The parameter interactive.action.parameters requires exactly one of 'flow_id' or "
        "'flow_name'.", id="flow-id-and-name"),
    pytest.param("interactive", interactive("flow", {"name": "flow", "parameters": {
        "flow_message_version": "3", "flow_id": "1", "flow_cta": "c" * 31}}), INVALID,
        "Parameter interactive.action.parameters.flow_cta must be at most 30 characters "
        "long (got 31).", id="flow-cta-too-long"),
    pytest.param("interactive", interactive("button", {"buttons": _buttons(1)},
                                            header={"type": "text", "text": "h" * 61}),
                 INVALID, "Parameter interactive.header.text must be at most 60 characters "
                 "long (got 61).", id="button-header-too-long"),
    pytest.param("interactive", interactive("button", {"buttons": _buttons(1)},
                                            footer={"text": "f" * 61}),
                 INVALID, "Parameter interactive.footer.text must be at most 60 characters "
                 "long (got 61).", id="button-footer-too-long"),
    pytest.param("interactive", {"type": "button", "body": {"text": "b" * 1025},
                                 "action": {"buttons": _buttons(1)}},
                 INVALID, "Parameter interactive.body.text must be at most 1024 characters "
                 "long (got 1025).", id="button-body-too-long"),
    pytest.param("interactive", interactive("button", {"buttons": [
        {"type": "reply", "reply": {"id": "i" * 257, "title": "t"}}]}), INVALID,
        "Parameter interactive.action.buttons[0].reply.id must be at most 256 characters "
        "long (got 257).", id="button-id-too-long"),
    pytest.param("interactive", interactive("list", {"button": "Choose", "sections": [
        {"title": f"S{i}", "rows": [{"id": f"r{i}{j}", "title": "r"} for j in range(4)]}
        for i in range(3)]}), INVALID,
        "Parameter interactive.action.sections must hold at most 10 rows in all.",
        id="list-eleven-rows-in-all"),
    pytest.param("interactive", interactive("list", {"button": "Choose", "sections": [
        {"title": f"S{i}", "rows": [{"id": f"r{i}", "title": "r"}]} for i in range(11)]}),
        INVALID, "Parameter interactive.action.sections must hold 1 to 10 items (got 11).",
        id="list-eleven-sections"),
    pytest.param("interactive", interactive("list", {"button": "Choose", "sections": [
        {"rows": [{"id": "r", "title": "r", "description": "d" * 73}]}]}), INVALID,
        "Parameter interactive.action.sections[0].rows[0].description must be at most 72 "
        "characters long (got 73).", id="list-description-too-long"),
    pytest.param("interactive", interactive("list", {"button": "b" * 21, "sections": [
        {"rows": [{"id": "r", "title": "r"}]}]}), INVALID,
        "Parameter interactive.action.button must be at most 20 characters long (got 21).",
        id="list-button-too-long"),
    pytest.param("interactive", interactive("flow", {"name": "flow", "parameters": {
        "flow_id": "1", "flow_cta": "Book"}}), MISSING,
        "The parameter interactive.action.parameters.flow_message_version is required.",
        id="flow-no-version"),
    pytest.param("interactive", interactive("carousel", {}), INVALID,
                 "Parameter interactive.type must be one of button, list, cta_url, flow, "
                 "product, product_list, catalog_message, location_request_message, "
                 "call_permission_request.", id="interactive-unknown-type"),
    pytest.param("reaction", {"message_id": "wamid.x"}, MISSING,
                 "The parameter reaction.emoji is required.", id="reaction-no-emoji"),
    pytest.param("reaction", {"emoji": "\U0001f44d"}, MISSING,
                 "The parameter reaction.message_id is required.",
                 id="reaction-no-message-id"),
    pytest.param("template", {"name": "hello_world"}, MISSING,
                 "The parameter template.language is required.", id="template-no-language"),
    pytest.param("template", {"name": "hello_world", "language": {"code": "en_US"},
                              "components": {"type": "body"}}, INVALID,
                 "Parameter template.components must be an array.",
                 id="template-components-not-array"),
]


@pytest.mark.parametrize(("kind", "content", "message", "details"), BAD)
def test_a_bad_payload_of_each_type_gets_its_exact_graph_error(
    sim: Simulator, client: httpx.Client, inbound_id: str, kind: str, content: Any,
    message: str, details: str,
) -> None:
    code = int(message[2:8])
    assert_graph_error(send(client, kind, content), status=400, code=code, message=message,
                       details=details)
    assert len(sim.sent) == 0


@pytest.mark.parametrize(
    ("extra", "code", "message", "details"),
    [
        pytest.param({"biz_opaque_callback_data": "o" * 513}, 131009, INVALID,
                     "Parameter biz_opaque_callback_data must be at most 512 characters "
                     "long (got 513).", id="opaque-data-too-long"),
        pytest.param({"context": {"message_id": 5}}, 131009, INVALID,
                     "Parameter context.message_id must be a string.",
                     id="context-id-not-string"),
        pytest.param({"context": "wamid.x"}, 131009, INVALID,
                     "Parameter context must be an object.", id="context-not-object"),
        pytest.param({"recipient_type": "broadcast"}, 131009, INVALID,
                     "Parameter recipient_type must be 'individual' or 'group'.",
                     id="recipient-type"),
        pytest.param({"recipient_type": "group"}, 131009, INVALID,
                     "Parameter to must be a group id when recipient_type is 'group'; wasim "
                     "does not simulate groups, so group sends are refused.",
                     id="recipient-type-group-with-a-phone-number"),
    ],
)
def test_bad_common_fields_get_their_exact_error(
    client: httpx.Client, inbound_id: str, extra: dict[str, Any], code: int, message: str,
    details: str,
) -> None:
    response = send(client, "text", {"body": "hi"}, **extra)
    assert_graph_error(response, status=400, code=code, message=message, details=details)


def test_opaque_callback_data_is_echoed_in_status_webhooks(
    sim: Simulator, client: httpx.Client, inbound_id: str
) -> None:
    wamid = assert_accepted(send(client, "text", {"body": "hi"},
                                 biz_opaque_callback_data="order-17"))
    statuses = [s for hook in sim.webhooks
                for s in hook.payload["entry"][0]["changes"][0]["value"].get("statuses", [])
                if s["id"] == wamid]
    assert [s["status"] for s in statuses] == ["sent", "delivered"]
    assert {s["biz_opaque_callback_data"] for s in statuses} == {"order-17"}


def test_a_type_without_its_object_is_missing_a_parameter(
    client: httpx.Client, inbound_id: str
) -> None:
    response = client.post(MESSAGES, json={"messaging_product": "whatsapp", "to": ANA,
                                           "type": "image"})
    assert_graph_error(response, status=400, code=131008, message=MISSING,
                       details="The parameter image is required.")


# --- mark as read, typing indicator (§3) -----------------------------------------------


def test_mark_as_read_answers_success(client: httpx.Client, inbound_id: str) -> None:
    response = client.post(MESSAGES, json={"messaging_product": "whatsapp", "status": "read",
                                           "message_id": inbound_id})
    assert (response.status_code, response.json()) == (200, {"success": True})


def test_typing_indicator_with_read_receipt_answers_success(
    client: httpx.Client, inbound_id: str
) -> None:
    response = client.post(MESSAGES, json={"messaging_product": "whatsapp", "status": "read",
                                           "message_id": inbound_id,
                                           "typing_indicator": {"type": "text"}})
    assert (response.status_code, response.json()) == (200, {"success": True})


@pytest.mark.parametrize(
    ("body", "code", "message", "details"),
    [
        pytest.param({"status": "delivered", "message_id": "x"}, 131009, INVALID,
                     "Parameter status must be 'read'.", id="status-not-read"),
        pytest.param({"status": "read"}, 131008, MISSING,
                     "The parameter message_id is required.", id="no-message-id"),
        pytest.param({"status": "read", "message_id": "wamid.unknown"}, 100,
                     "(#100) Invalid parameter",
                     "message_id 'wamid.unknown' is not a message this number received",
                     id="unknown-message-id"),
        pytest.param({"status": "read", "message_id": "INBOUND",
                      "typing_indicator": {"type": "audio"}}, 131009, INVALID,
                     "Parameter typing_indicator.type must be 'text'.",
                     id="typing-indicator-type"),
        pytest.param({"status": "read", "message_id": "INBOUND", "typing_indicator": "on"},
                     131009, INVALID, "Parameter typing_indicator must be an object.",
                     id="typing-indicator-not-object"),
    ],
)
def test_bad_mark_as_read_gets_its_exact_error(
    client: httpx.Client, inbound_id: str, body: dict[str, Any], code: int, message: str,
    details: str,
) -> None:
    if body.get("message_id") == "INBOUND":
        body = {**body, "message_id": inbound_id}
    response = client.post(MESSAGES, json={"messaging_product": "whatsapp", **body})
    assert_graph_error(response, status=400, code=code, message=message, details=details)
