"""The handle a test holds: filtered journals, credentials and assertion helpers."""

from __future__ import annotations

import re

import httpx
import pytest
from wasim import Simulator

from tests.conftest import ANA, PHONE_ID, START, TOKEN, WABA_ID, template_message, text_message

BRUNO = "34612340002"
pytestmark = pytest.mark.whatsapp_sim(start=START, seed=7)


def graph(sim: Simulator) -> httpx.Client:
    return httpx.Client(base_url=sim.graph_url, headers={"Authorization": f"Bearer {sim.token}"})


def send(sim: Simulator, body: dict[str, object]) -> httpx.Response:
    with graph(sim) as client:
        return client.post(f"/{sim.phone_number_id}/messages", json=body)


def late_text(sim: Simulator) -> None:
    """Ana writes, 25 hours pass, the business answers free-form: 131047."""
    sim.customer("ana").says("Where is my parcel?")
    sim.advance("25h")
    send(sim, text_message(body="Still there?"))


def test_credentials_are_the_default_worlds(whatsapp_sim: Simulator) -> None:
    assert (whatsapp_sim.token, whatsapp_sim.phone_number_id, whatsapp_sim.waba_id) == (
        TOKEN, PHONE_ID, WABA_ID)
    assert whatsapp_sim.messages_url == (
        f"https://graph.facebook.com/v23.0/{PHONE_ID}/messages")
    assert (whatsapp_sim.app_secret, whatsapp_sim.verify_token) == (
        "wasim-app-secret", "wasim-verify-token")


def test_sent_filters_by_recipient_type_template_status_and_error(
        whatsapp_sim: Simulator) -> None:
    send(whatsapp_sim, template_message(body=["Ana", "A-1"]))
    late_text(whatsapp_sim)
    send(whatsapp_sim, template_message(body=["Bruno", "B-2"], to=BRUNO))
    sent = whatsapp_sim.sent
    assert len(sent) == 3
    assert [m.to for m in sent.filter(to="ana")] == [ANA, ANA]
    assert [m.type for m in sent.filter(type="template")] == ["template", "template"]
    assert sent.filter(template="shipping_update", to="bruno").last.to == BRUNO
    assert sent.filter(status="failed").last.error["code"] == 131047  # type: ignore[index]
    assert len(sent.filter(error=131047)) == 1
    assert len(sent.filter(error=131026)) == 0
    assert len(sent.filter(text="Still there?")) == 1
    assert len(sent.filter(text=re.compile("still", re.I))) == 1
    assert len(sent.filter(lambda m: m.to == BRUNO, type="text")) == 0


def test_received_and_webhooks_filter(whatsapp_sim: Simulator) -> None:
    late_text(whatsapp_sim)
    assert whatsapp_sim.received.filter(from_="ana").last.message["text"] == {
        "body": "Where is my parcel?"}
    assert len(whatsapp_sim.received.filter(from_="bruno")) == 0
    assert len(whatsapp_sim.received.filter(text=re.compile("parcel"))) == 1
    failed = whatsapp_sim.webhooks.filter(status="failed", error=131047, to="ana")
    assert len(failed) == 1
    status = failed.last.value["statuses"][0]
    assert (status["status"], status["errors"][0]["code"]) == ("failed", 131047)
    assert len(whatsapp_sim.webhooks.filter(field="messages")) == len(whatsapp_sim.webhooks)
    assert whatsapp_sim.webhooks.filter(message_id=status["id"]).last is failed.last


def test_requests_filter_by_method_path_status_and_error(whatsapp_sim: Simulator) -> None:
    send(whatsapp_sim, template_message(name="no_such_template"))
    send(whatsapp_sim, template_message(body=["Ana", "A-1"]))
    requests = whatsapp_sim.requests
    assert len(requests.filter(method="POST", status_code=200)) == 1
    refused = requests.filter(error=132001)
    assert (refused.last.status_code, refused.last.path) == (400, f"/v23.0/{PHONE_ID}/messages")
    assert len(requests.filter(path=re.compile(r"/messages$"))) == 2
    assert len(requests.filter(implemented=False)) == 0


def test_last_of_an_empty_journal_says_nothing_was_recorded(whatsapp_sim: Simulator) -> None:
    with pytest.raises(IndexError, match="nothing has been recorded yet"):
        _ = whatsapp_sim.sent.last


def test_assert_sent_returns_the_message(whatsapp_sim: Simulator) -> None:
    send(whatsapp_sim, template_message(body=["Ana", "A-1"]))
    message = whatsapp_sim.assert_sent(to="ana", template="shipping_update", count=1)
    assert message.status == "delivered"


def test_assert_sent_failure_shows_the_last_sends_window_and_template(
        whatsapp_sim: Simulator) -> None:
    late_text(whatsapp_sim)
    with pytest.raises(AssertionError) as failure:
        whatsapp_sim.assert_sent(to="ana", template="shipping_update")
    assert str(failure.value).splitlines() == [
        "no message sent matching to='ana', template='shipping_update'",
        "  1 message(s) sent; the last 1:",
        "    2026-01-06 10:00:00 text 'Still there?' to 16505551234 -> failed "
        "(131047 Re-engagement message)",
        "  window of 16505551234: closed (customer last wrote 2026-01-05T09:00:00+00:00, "
        "closes 2026-01-06T09:00:00+00:00; now 2026-01-06T10:00:00+00:00)",
        "  template shipping_update (en_US): APPROVED, SHIPPING_UPDATE",
    ]


def test_assert_sent_with_a_count_reports_the_count(whatsapp_sim: Simulator) -> None:
    send(whatsapp_sim, template_message(body=["Ana", "A-1"]))
    with pytest.raises(AssertionError,
                       match=r"^1 message\(s\) sent matching to='ana', expected 2\n"):
        whatsapp_sim.assert_sent(to="ana", count=2)


def test_assert_not_sent(whatsapp_sim: Simulator) -> None:
    whatsapp_sim.assert_not_sent(to="ana")
    send(whatsapp_sim, template_message(body=["Ana", "A-1"]))
    with pytest.raises(AssertionError, match=r"^1 message\(s\) sent matching to='ana', "
                       r"expected none\n  1 message\(s\) sent; the last 1:"):
        whatsapp_sim.assert_not_sent(to="ana")


def test_assert_failed_finds_the_131047_failure(whatsapp_sim: Simulator) -> None:
    late_text(whatsapp_sim)
    message = whatsapp_sim.assert_failed(to="ana", code=131047)
    assert message.error is not None and message.error["code"] == 131047
    assert whatsapp_sim.inspected(message.id)


def test_assert_failed_names_the_codes_seen(whatsapp_sim: Simulator) -> None:
    late_text(whatsapp_sim)
    with pytest.raises(AssertionError, match=r"^no message failed with 131026 matching "
                       r"to='ana' \(failure codes seen: \[131047\]\)"):
        whatsapp_sim.assert_failed(to="ana", code=131026)


def test_assert_failed_when_nothing_failed(whatsapp_sim: Simulator) -> None:
    with pytest.raises(AssertionError, match=r"\(no send failed\)\n  no message has been sent"):
        whatsapp_sim.assert_failed()


def test_assert_window(whatsapp_sim: Simulator) -> None:
    whatsapp_sim.customer("ana").says("hi")
    whatsapp_sim.assert_window("ana", open=True)
    whatsapp_sim.advance(hours=24)
    whatsapp_sim.assert_window("ana", open=False)
    with pytest.raises(AssertionError, match="expected the window of ana to be open\n"):
        whatsapp_sim.assert_window("ana", open=True)


def test_assert_template_status(whatsapp_sim: Simulator) -> None:
    whatsapp_sim.assert_template_status("spring_sale", "PAUSED")
    whatsapp_sim.assert_template_status("shipping_update", "APPROVED", language="en_US")
    with pytest.raises(AssertionError, match=r"(?s)expected template old_promo to be APPROVED\n"
                       r".*template old_promo \(en_US\): DISABLED"):
        whatsapp_sim.assert_template_status("old_promo", "APPROVED")
    with pytest.raises(AssertionError, match=r"template flash_deal \(en_US\): REJECTED, "
                       r"UTILITY, rejected: INCORRECT_CATEGORY$"):
        whatsapp_sim.assert_template_status("flash_deal", "APPROVED")
    with pytest.raises(AssertionError, match="template nope: not in the world"):
        whatsapp_sim.assert_template_status("nope", "APPROVED")


def test_message_and_failed_queries_mark_failures_inspected(whatsapp_sim: Simulator) -> None:
    late_text(whatsapp_sim)
    failed_id = whatsapp_sim.sent.last.id
    assert not whatsapp_sim.inspected(failed_id)
    whatsapp_sim.messages(status="failed")
    assert whatsapp_sim.inspected(failed_id)


def test_reset_keeps_the_filtered_journals(whatsapp_sim: Simulator) -> None:
    late_text(whatsapp_sim)
    whatsapp_sim.reset()
    assert (len(whatsapp_sim.sent), len(whatsapp_sim.webhooks), len(whatsapp_sim.requests)) == (
        0, 0, 0)
    whatsapp_sim.customer("ana").says("again")
    assert len(whatsapp_sim.webhooks.filter(field="messages")) == 1

