"""Stored messages keep compact forms (body as JSON bytes, conversation as a shared ref,
shared pricing and strings) and read exactly as before: these pin the reads."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import httpx
import pytest
from wasim import Simulator
from wasim.api import create_app
from wasim.asgi import sync_client
from wasim.delivery.records import Attempt
from wasim.world import compact
from wasim.world.compact import ConversationRef, pack_body, unpack_body
from wasim.world.models import OutboundMessage

from tests.conftest import ANA, MESSAGES, TOKEN, text_message


def _sent(sim: Simulator, body: dict[str, object], api_version: str = "v23.0") -> OutboundMessage:
    wamid = sim.send(body, api_version=api_version)["messages"][0]["id"]
    return sim.world.messages[wamid]


def test_a_stored_body_reads_as_an_equal_fresh_dict_in_the_same_key_order(
        sim: Simulator) -> None:
    sim.inbound(ANA, "hi")
    body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": ANA,
            "type": "text", "text": {"preview_url": False, "body": "caf\u00e9 \U0001f600"}}
    message = _sent(sim, body)
    first = message.body
    assert first == body and list(first) == list(body)
    assert list(first["text"]) == ["preview_url", "body"]
    first["text"]["body"] = "changed"
    assert message.body["text"]["body"] == "caf\u00e9 \U0001f600"
    assert message.to_dict()["body"] == body


def test_a_body_orjson_would_change_is_kept_as_given() -> None:
    class Name(str):
        pass

    odd = {"to": Name("x"), "n": 2**70}
    assert pack_body(odd) is odd
    assert unpack_body(pack_body(odd)) is odd
    plain = {"a": [1, 2.5, None, True], "b": {"c": "d"}}
    packed = pack_body(plain)
    assert isinstance(packed, bytes) and unpack_body(packed) == plain


def test_input_reads_as_given_whether_or_not_it_equals_the_recipient(sim: Simulator) -> None:
    sim.inbound(ANA, "hi")
    same = _sent(sim, text_message())
    assert same.input == ANA == same.to
    spelled = _sent(sim, text_message(to="+1 (650) 555-1234"))
    assert spelled.to == ANA and spelled.input == "+1 (650) 555-1234"
    assert spelled.to_dict()["input"] == "+1 (650) 555-1234"


def test_conversations_read_per_status_as_the_webhooks_show_them(sim: Simulator) -> None:
    sim.inbound(ANA, "hi")
    message = _sent(sim, text_message())
    sim.advance("1m")
    expected = {"id": hashlib.md5(message.id.encode()).hexdigest(),
                "expiration_timestamp": str(int(message.created_at.timestamp()) + 86400),
                "origin": {"type": "service"}}
    assert message.conversation == expected
    assert list(message.conversation or {}) == ["id", "expiration_timestamp", "origin"]
    sent, delivered = message.statuses[0], message.statuses[1]
    assert sent.conversation == expected
    assert delivered.conversation == {"id": expected["id"], "origin": {"type": "service"}}
    shown = [w.value["statuses"][0] for w in sim.webhooks if w.field == "messages"
             and "statuses" in w.value]
    assert [s.get("conversation") for s in shown] == [expected, delivered.conversation]


def test_an_imported_message_is_compact_again_and_exports_the_same(sim: Simulator) -> None:
    sim.inbound(ANA, "hi")
    _sent(sim, text_message(biz_opaque_callback_data="cb"))
    sim.advance("1m")
    state = sim.export_state()
    again = Simulator(now="2026-01-05T09:00:00Z", seed=7)
    again.import_state(json.loads(json.dumps(state)))
    assert json.dumps(again.export_state(), sort_keys=False) == json.dumps(
        state, sort_keys=False)
    message = next(iter(again.world.messages.values()))
    ref = message.conversation_ref
    assert isinstance(ref, ConversationRef)
    assert all(s.conversation is None or s._conversation is ref for s in message.statuses)


def test_an_import_keeps_a_conversation_of_another_shape_as_it_is(sim: Simulator) -> None:
    odd = {"origin": {"type": "service"}, "id": "c1", "expiration_timestamp": "1767690000"}
    assert ConversationRef.of(odd) is None
    message = OutboundMessage.from_dict({
        "id": "wamid.X", "phone_number_id": "1", "waba_id": "2", "to": ANA, "input": ANA,
        "type": "text", "body": text_message(), "created_at": "2026-01-05T09:00:00+00:00",
        "in_window": True, "conversation": odd, "statuses": []})
    assert message.conversation is odd and message.conversation_ref is None


def test_pricing_is_shared_by_records_and_copied_into_what_is_shown(sim: Simulator) -> None:
    sim.inbound(ANA, "hi")
    one, two = _sent(sim, text_message()), _sent(sim, text_message(body="again"))
    assert one.pricing is two.pricing and one.pricing is not None
    status = next(w for w in sim.webhooks if "statuses" in w.value).value["statuses"][0]
    status["pricing"]["billable"] = "tampered"
    assert one.pricing["billable"] is False
    assert one.statuses[0].pricing == {"billable": False, "pricing_model": "PMP",
                                       "type": "free_customer_service",
                                       "category": "service"}


def test_request_records_share_their_path_strings(sim: Simulator,
                                                  client: httpx.Client) -> None:
    sim.inbound(ANA, "hi")
    for text in ("one", "two"):
        assert client.post(MESSAGES, json=text_message(body=text)).status_code == 200
    first, second = list(sim.requests)[-2:]
    assert first.path == second.path == MESSAGES
    assert first.path is second.path and first.method is second.method
    assert first.to_dict()["path"] == MESSAGES
    # status, version, error code and implemented: one tuple for calls that answered alike
    assert first._outcome is second._outcome
    assert (first.status_code, first.api_version, first.error_code, first.implemented) == (
        200, "v23.0", None, True)


def test_a_send_is_recorded_at_its_message_time_and_a_failure_at_the_clock() -> None:
    running = Simulator(seed=3)  # a clock that runs: every reading is a new object
    running.inbound(ANA, "hi")
    with sync_client(create_app(running)) as client:
        client.headers["Authorization"] = f"Bearer {TOKEN}"
        sent = client.post(MESSAGES, json=text_message())
        refused = client.post(MESSAGES, json={"messaging_product": "whatsapp"})
    assert (sent.status_code, refused.status_code) == (200, 400)
    accepted, failed = list(running.requests)[-2:]
    message = running.world.messages[sent.json()["messages"][0]["id"]]
    assert accepted.at is message.created_at
    assert failed.status_code == 400 and failed.error_code == 131008  # a missing field
    assert failed.at >= accepted.at


def test_bodies_round_trip_whichever_way_their_json_starts() -> None:
    bodies = [{}, {"messaging_product": "whatsapp"},
              {"messaging_product": "whatsapp", "to": ANA, "type": "text",
               "text": {"body": "caf\u00e9"}},
              {"to": ANA, "messaging_product": "whatsapp"},
              {"messaging_product": "whatsapp-x", "to": ANA}]
    for body in bodies:
        packed = pack_body(body)
        assert isinstance(packed, bytes)
        back = unpack_body(packed)
        assert back == body and list(back) == list(body)
    assert len(pack_body(bodies[2])) < len(json.dumps(bodies[2]).encode()) - 25


def test_a_per_message_conversation_reads_as_the_billing_rule_gives_it() -> None:
    from wasim.platform.charging import MessageConversation
    from wasim.rules import billing

    at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    kept = MessageConversation("wamid.ABC", at, "marketing")
    full = billing.pmp_conversation("v23.0", "wamid.ABC", "marketing", at, None)
    assert kept.as_dict() == full and list(kept.as_dict()) == list(full or {})
    assert kept.as_dict(False) == billing.status_conversation(full, "delivered")
    assert billing.pmp_conversation("v24.0", "wamid.ABC", "marketing", at, None) is None


def test_rarely_set_fields_read_and_write_as_plain_fields() -> None:
    message = OutboundMessage("wamid.Y", "1", "2", ANA, ANA, "template", text_message(),
                              datetime(2026, 1, 5, tzinfo=UTC), False, "MARKETING",
                              "promo", "en_US")
    assert (message.input, message.biz_opaque_callback_data, message.error) == (
        ANA, None, None)
    assert (message.category, message.template_name, message.template_language) == (
        "MARKETING", "promo", "en_US")
    message.error = {"code": 131049}
    message.biz_opaque_callback_data = "cb"
    message.input = "+1 650 555 1234"
    assert message.error == {"code": 131049} and message.biz_opaque_callback_data == "cb"
    assert message.input == "+1 650 555 1234" and message.to == ANA
    message.error = None
    message.biz_opaque_callback_data = None
    message.input = ANA
    assert (message.input, message.biz_opaque_callback_data, message.error) == (
        ANA, None, None)
    again = OutboundMessage.from_dict(message.to_dict())
    assert again == message and again.to_dict() == message.to_dict()
    other = OutboundMessage("wamid.Z", "1", "2", ANA, ANA, "template", text_message(),
                            datetime(2026, 1, 5, tzinfo=UTC), False, "MARKETING",
                            "promo", "en_US")
    assert other.profile is message.profile


def test_messages_sent_alike_share_one_profile_and_read_their_own_fields() -> None:
    at = datetime(2026, 1, 5, tzinfo=UTC)
    pricing = {"billable": True, "category": "marketing"}
    one = OutboundMessage("wamid.A", "1", "2", ANA, ANA, "template", text_message(), at,
                          False, "MARKETING", "promo", "en_US", "v23.0", pricing)
    two = OutboundMessage("wamid.B", "1", "2", ANA, ANA, "template", text_message(), at,
                          False, "MARKETING", "promo", "en_US", "v23.0", pricing)
    assert one.profile is two.profile
    assert (two.phone_number_id, two.waba_id, two.type, two.api_version, two.in_window,
            two.category, two.template_name, two.template_language) == (
        "1", "2", "template", "v23.0", False, "MARKETING", "promo", "en_US")
    assert two.pricing is pricing
    # an equal pricing object of its own is not mistaken for the shared one
    other = OutboundMessage("wamid.C", "1", "2", ANA, ANA, "template", text_message(), at,
                            False, "MARKETING", "promo", "en_US", "v23.0", dict(pricing))
    assert other.pricing is not pricing and other.pricing == pricing
    assert OutboundMessage("wamid.D", "9", "2", ANA, ANA, "text", text_message(), at,
                           True).phone_number_id == "9"


def test_a_message_keeps_its_statuses_as_a_tuple_that_grows_by_replacement(
        sim: Simulator) -> None:
    sim.inbound(ANA, "hi")
    message = _sent(sim, text_message())
    assert type(message.statuses) is tuple
    assert [event.status for event in message.statuses] == ["sent", "delivered"]


def test_attempts_that_ended_alike_share_their_outcome_and_read_as_before() -> None:
    at = datetime(2026, 1, 5, tzinfo=UTC)
    one = Attempt("w1", at, True, 200, None, 3.5, "d1")
    two = Attempt("w2", at, True, 200, None, 4.25, "d2")
    failed = Attempt("w3", at, False, 500, "receiver answered HTTP 500", 1.0, "d3", 2,
                     "redelivery", 3)
    assert one._outcome is two._outcome and failed._outcome is not one._outcome
    assert (failed.ok, failed.status_code, failed.error, failed.number, failed.kind,
            failed.batch_size) == (False, 500, "receiver answered HTTP 500", 2,
                                   "redelivery", 3)
    assert Attempt.from_dict(failed.to_dict()) == failed
    assert one != two and one == Attempt("w1", at, True, 200, None, 3.5, "d1")


def test_an_intern_table_stops_growing_at_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compact, "KEPT_LIMIT", 2)
    table: dict[tuple[int, ...], tuple[int, ...]] = {}
    first = compact.interned(table, (1,))
    assert compact.interned(table, tuple([1])) is first
    compact.interned(table, (2,))
    beyond = tuple([3])
    assert compact.interned(table, beyond) is beyond and len(table) == 2
    assert compact.interned(table, tuple([3])) is not beyond  # not kept: no sharing
