"""The ``/_sim/`` control surface: its verbs, and a JSON error for any bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from wasim import Simulator
from wasim.world.state import WorldSettings

from tests.api.asserts import assert_accepted, assert_graph_error
from tests.conftest import ANA, MESSAGES, text_message

BAD = "(#100) Invalid parameter"


def test_health_names_the_version_and_simulated_time(client: httpx.Client) -> None:
    assert client.get("/_sim/health").json() == {"status": "ok", "version": "0.1.0",
                                                 "now": "2026-01-05T09:00:00+00:00"}


def test_clock_advance_set_freeze_and_unfreeze(client: httpx.Client, sim: Simulator) -> None:
    assert client.get("/_sim/clock").json()["now"] == "2026-01-05T09:00:00+00:00"
    assert client.post("/_sim/clock/advance", json={"by": "25h"}).json()["now"] == (
        "2026-01-06T10:00:00+00:00")
    assert client.post("/_sim/clock/advance?by=90").json()["now"] == (
        "2026-01-06T10:01:30+00:00")
    assert client.post("/_sim/clock/set", json={"to": "2026-02-01T00:00:00Z"}).json()[
        "now"] == "2026-02-01T00:00:00+00:00"
    frozen = client.post("/_sim/clock/freeze", json={"at": "2026-03-01T12:00:00Z"}).json()
    assert frozen["now"] == "2026-03-01T12:00:00+00:00"
    assert client.post("/_sim/clock/unfreeze").status_code == 200
    assert not sim.clock.frozen
    assert sim.now() >= datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_inbound_opens_the_window_and_names_the_message(client: httpx.Client) -> None:
    answer = client.post("/_sim/inbound", json={"from": ANA, "text": "hi", "name": "Ana S"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["message"]["from"] == ANA
    assert body["message"]["text"] == {"body": "hi"}
    assert body["window"] == {"open": True, "last_inbound": "2026-01-05T09:00:00+00:00",
                              "closes_at": "2026-01-06T09:00:00+00:00"}


def test_messages_filter_by_recipient_status_and_type(client: httpx.Client) -> None:
    client.post("/_sim/inbound", json={"from": ANA, "text": "hi"})
    first = assert_accepted(client.post(MESSAGES, json=text_message()))
    client.post("/_sim/messages/" + first + "/status", json={"status": "read"})
    second = assert_accepted(client.post(MESSAGES, json=text_message(to="34612340002")),
                             input="34612340002", wa_id="34612340002")

    def ids(**query: str) -> list[str]:
        return [m["id"] for m in client.get("/_sim/messages", params=query).json()["data"]]

    assert ids() == [first, second]
    assert ids(to="ana") == [first]
    assert ids(to=ANA, status="read") == [first]
    assert ids(status="failed") == [second]
    assert ids(type="image") == []
    history = client.get(f"/_sim/messages/{first}").json()
    assert [s["status"] for s in history["statuses"]] == ["sent", "delivered", "read"]


def test_wamids_with_a_slash_are_reachable(client: httpx.Client, sim: Simulator) -> None:
    """Wamids are base64 and may hold ``/``; the control routes must still find them."""
    client.post("/_sim/inbound", json={"from": ANA, "text": "hi"})
    wamid = ""
    for _ in range(200):
        wamid = assert_accepted(client.post(MESSAGES, json=text_message()))
        if "/" in wamid:
            break
    assert "/" in wamid
    assert client.get(f"/_sim/messages/{wamid}").json()["id"] == wamid
    answer = client.post(f"/_sim/messages/{wamid}/status", json={"status": "read"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "read"


def test_force_failed_with_a_code(client: httpx.Client) -> None:
    client.post("/_sim/inbound", json={"from": ANA, "text": "hi"})
    client.post("/_sim/settings", json={"delivered_after": None})
    wamid = assert_accepted(client.post(MESSAGES, json=text_message()))
    failed = client.post(f"/_sim/messages/{wamid}/status",
                         json={"status": "failed", "code": 131026}).json()
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == 131026


def test_reset_forgets_messages_and_windows(client: httpx.Client, sim: Simulator) -> None:
    client.post("/_sim/inbound", json={"from": ANA, "text": "hi"})
    assert client.post("/_sim/reset").json() == {"success": True}
    assert client.get("/_sim/messages").json() == {"data": []}
    assert client.get("/_sim/webhooks").json() == {"data": []}
    assert client.get("/_sim/windows/ana").json()["open"] is False


def test_state_export_round_trips(client: httpx.Client, sim: Simulator) -> None:
    client.post("/_sim/inbound", json={"from": ANA, "text": "hi"})
    assert_accepted(client.post(MESSAGES, json=text_message()))
    state = client.get("/_sim/state").json()
    assert state["format"] == 2
    client.post("/_sim/reset")
    assert client.put("/_sim/state", json=state).json() == {"success": True}
    assert client.get("/_sim/state").json()["world"] == state["world"]


def test_contacts_opt_out_and_name(client: httpx.Client) -> None:
    answer = client.post("/_sim/contacts/ana", json={"opted_out_marketing": True,
                                                     "name": "Ana Q"})
    assert (answer.json()["opted_out_marketing"], answer.json()["name"]) == (True, "Ana Q")


def test_settings_read_and_change(client: httpx.Client) -> None:
    assert client.get("/_sim/settings").json()["window_violation_mode"] == "async"
    changed = client.post("/_sim/settings", json={"read_after": 0}).json()
    assert changed["read_after"] == 0


def test_webhook_target_is_set(client: httpx.Client, sim: Simulator) -> None:
    answer = client.post("/_sim/webhook", json={"url": "http://127.0.0.1:9/hook",
                                                "app_secret": "s3"})
    assert answer.json()["url"] == "http://127.0.0.1:9/hook"
    # nothing listens on port 9: the verification handshake is reported as failed
    assert answer.json()["verification"]["ok"] is False
    assert sim.world.app_secret == "s3"


BAD_INPUT = [
    pytest.param("POST", "/_sim/clock/advance", {}, "missing field 'by' (a duration such as "
                 "'25h' or seconds)", id="advance-no-by"),
    pytest.param("POST", "/_sim/clock/advance", {"by": "soon"}, "not a duration: 'soon' (use "
                 "a number of seconds or units ms, s, m, h, d, w such as '25h' or '1d2h30m')",
                 id="advance-bad-duration"),
    pytest.param("POST", "/_sim/clock/advance", {"by": ["25h"]}, "not a duration: ['25h'] "
                 "(use a number of seconds or units ms, s, m, h, d, w such as '25h' or "
                 "'1d2h30m')", id="advance-list"),
    pytest.param("POST", "/_sim/clock/advance", {"by": "-1h"}, "cannot advance by a negative "
                 "duration (-1h); use /_sim/clock/set to go back", id="advance-negative"),
    pytest.param("POST", "/_sim/clock/set", {}, "missing field 'to'", id="set-no-to"),
    pytest.param("POST", "/_sim/clock/set", {"to": "tomorrow"}, "not an ISO-8601 instant: "
                 "'tomorrow' (for example 2026-01-05T09:00:00Z)", id="set-bad-instant"),
    pytest.param("POST", "/_sim/clock/freeze", {"at": 5}, "not an ISO-8601 instant: 5 (for "
                 "example 2026-01-05T09:00:00Z)", id="freeze-bad-instant"),
    pytest.param("POST", "/_sim/inbound", {"text": "hi"}, "missing field 'from'",
                 id="inbound-no-from"),
    pytest.param("POST", "/_sim/inbound", {"from": {}, "text": "hi"},
                 "field 'from' must be a str or int", id="inbound-from-not-a-number"),
    pytest.param("POST", "/_sim/inbound", {"from": ANA}, "missing field 'text' (the text object)",
                 id="inbound-no-text"),
    pytest.param("POST", "/_sim/inbound", {"from": ANA, "text": 5},
                 "field 'text' must be a string or a JSON object {\"body\"}",
                 id="inbound-text-not-string"),
    pytest.param("POST", "/_sim/inbound", [1], "the request body must be a JSON object",
                 id="inbound-array"),
    pytest.param("GET", "/_sim/messages/wamid.nope", None,
                 "no recorded message has id 'wamid.nope'", id="message-unknown"),
    pytest.param("POST", "/_sim/messages/wamid.nope/status", {"status": "read"},
                 "no recorded message has id 'wamid.nope'", id="status-unknown-message"),
    pytest.param("POST", "/_sim/settings", {"colour": "blue"}, "unknown setting 'colour'; "
                 f"known settings: {', '.join(sorted(WorldSettings().to_dict()))}",
                 id="settings-unknown"),
    pytest.param("POST", "/_sim/settings", {"read_afterr": 5}, "unknown setting "
                 "'read_afterr'; did you mean 'read_after'?", id="settings-misspelled"),
    pytest.param("POST", "/_sim/settings", {"window_violation_mode": "later"},
                 "setting 'window_violation_mode' takes one of async, sync, got 'later'",
                 id="settings-bad-mode"),
    pytest.param("POST", "/_sim/settings", {"read_after": "soon"},
                 "setting 'read_after' takes a number of seconds from 0 to 31536000 or null, "
                 "got 'soon'", id="settings-bad-type"),
    pytest.param("POST", "/_sim/webhook", {"url": 5},
                 "field 'url' must be a string", id="webhook-url-not-string"),
    pytest.param("POST", "/_sim/contacts/ana", {"opted_out_marketing": "yes"},
                 "field 'opted_out_marketing' must be true or false", id="contact-bad-flag"),
    pytest.param("PUT", "/_sim/state", {"format": 99}, "not a wasim state export (format 1 or 2)",
                 id="state-not-an-export"),
]


@pytest.mark.parametrize(("method", "path", "body", "details"), BAD_INPUT)
def test_bad_control_input_gets_a_json_error_naming_the_problem(
    client: httpx.Client, sim: Simulator, method: str, path: str, body: Any, details: str
) -> None:
    before = sim.world.settings.to_dict()
    response = client.request(method, path, json=body)
    assert_graph_error(response, status=400, code=100, message=BAD, details=details)
    assert sim.world.settings.to_dict() == before
    assert sim.now().isoformat() == "2026-01-05T09:00:00+00:00"


def test_control_body_that_is_not_json_gets_a_json_error(client: httpx.Client) -> None:
    response = client.post("/_sim/inbound", content=b"{oops",
                           headers={"Content-Type": "application/json"})
    assert_graph_error(response, status=400, code=100, message=BAD,
                       details="The request body is not valid JSON.")


def test_a_bad_status_change_is_refused(client: httpx.Client) -> None:
    client.post("/_sim/inbound", json={"from": ANA, "text": "hi"})
    wamid = assert_accepted(client.post(MESSAGES, json=text_message()))
    for body, details in [
        ({"status": "bogus"}, "status must be one of sent, delivered, read, played, failed; "
         "got 'bogus'"),
        ({"status": "sent"}, f"message {wamid} is already delivered; statuses only move "
         "forward"),
        ({"status": "failed", "code": "x"}, "field 'code' must be an integer Graph error code"),
    ]:
        response = client.post(f"/_sim/messages/{wamid}/status", json=body)
        assert_graph_error(response, status=400, code=100, message=BAD, details=details)
