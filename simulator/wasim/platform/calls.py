"""A customer calls the business (§1.2): the ``calls`` webhook and the window it opens.

The customer service window opens and refreshes when the user messages **or calls** the
business (§1.2). A user-initiated call reaches the business as two ``calls`` webhooks
(Meta's Calling API): ``connect`` when it rings, with the caller's SDP offer, and
``terminate`` when it ends, ``status`` ``COMPLETED`` with ``start_time``, ``end_time`` and
``duration`` for an answered call, ``FAILED`` for one nobody answered. Whether a missed call
opens the window is UNCERTAIN: setting ``missed_call_opens_window``, default yes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from wasim.core import Core
from wasim.errors import INVALID_PARAMETER
from wasim.platform.messaging import Backend
from wasim.platform.webhooks import contact_entry, metadata, unix

SDP_OFFER = ("v=0\r\no=- 0 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
             "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"
             "a=rtpmap:111 opus/48000/2\r\n")
"""The caller's session description (a minimal audio offer; wasim carries no media)."""

MAX_CALL = timedelta(hours=24)


def customer_call(core: Core, backend: Backend, phone_number_id: str, wa_id: str,
                  duration: float | None = None) -> dict[str, Any]:
    """The customer ``wa_id`` calls ``phone_number_id``; ``duration``: seconds the business
    talked (``None``: nobody answered). Emits ``connect`` now and ``terminate`` at the call's
    end (the clock is not moved: it is stamped ``duration`` seconds later). Returns the
    call's webhook objects ``{"id", "connect", "terminate"}``."""
    if duration is not None and (isinstance(duration, bool)
                                 or not isinstance(duration, (int, float))
                                 or not 0 < duration <= MAX_CALL.total_seconds()):
        raise INVALID_PARAMETER("field 'duration' must be seconds, more than 0 and at most "
                                "86400 (leave it out for a call nobody answered)")
    account, phone = backend.phone(phone_number_id)
    contact = backend.contact(account, wa_id)
    now = core.clock.now()
    call_id = "wacid." + core.ids.wamid().removeprefix("wamid.")
    base = {"id": call_id, "to": phone.display_phone_number, "from": contact.wa_id}
    connect = {**base, "event": "connect", "timestamp": unix(now),
               "direction": "USER_INITIATED",
               "session": {"sdp_type": "offer", "sdp": SDP_OFFER}}
    end = now + timedelta(seconds=duration or 0)
    terminate: dict[str, Any] = {**base, "event": "terminate", "timestamp": unix(end),
                                 "direction": "USER_INITIATED"}
    if duration is None:
        terminate["status"] = "FAILED"
    else:
        terminate.update(status="COMPLETED", start_time=unix(now), end_time=unix(end),
                         duration=int(duration))
    if duration is not None or core.world.settings.missed_call_opens_window:
        core.world.open_window(phone.id, contact.wa_id, now)
    for event in (connect, terminate):
        value = metadata(phone)
        value["contacts"] = [contact_entry(contact)]
        value["calls"] = [event]
        core.emit(account.waba_id, "calls", value)
    return {"id": call_id, "connect": connect, "terminate": terminate}
