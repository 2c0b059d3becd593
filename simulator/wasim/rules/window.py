"""The customer service window (§1).

A customer's message opens or refreshes a 24-hour window per (business number, customer);
templates never open it; inside it any message type may be sent, outside it only
templates (§1.2). A free-form send outside it fails with 131047 (§1.3): asynchronously
by default, synchronously in the ``sync`` window-violation mode.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from wasim.errors import RE_ENGAGEMENT, GraphError

WINDOW = timedelta(hours=24)
"""Length of the customer service window after the customer's latest message (§1.2)."""

USER_AUTHORED_TYPES = frozenset(
    {"text", "image", "audio", "video", "document", "sticker", "location", "contacts",
     "interactive", "button", "order", "reaction", "unsupported", "request_welcome"}
)
"""Inbound types that count as the customer writing (§1.2). ``system`` does not, nor do
``edit`` and ``revoke`` (a change to an earlier message, not a new one: inferred, the
reference is silent)."""


def is_open(last_inbound: datetime | None, now: datetime) -> bool:
    """Whether the window is open at ``now``: open until exactly 24 h after the last message.

    At 23:59:59 after the customer's message it is open; at 24:00:00 it is closed.
    """
    return last_inbound is not None and now < last_inbound + WINDOW


def closes_at(last_inbound: datetime | None) -> datetime | None:
    """When the window closes (``None`` when it was never opened)."""
    return last_inbound + WINDOW if last_inbound is not None else None


def opens_window(inbound_type: str, *, reaction_opens: bool = True) -> bool:
    """Whether an inbound message of this type opens/refreshes the window (§1.2).

    ``system`` messages do not (UNCERTAIN, inferred); reactions do unless the world's
    ``reaction_opens_window`` setting says otherwise (UNCERTAIN, default opens).
    """
    if inbound_type == "reaction":
        return reaction_opens
    return inbound_type in USER_AUTHORED_TYPES


def violation(message_type: str, last_inbound: datetime | None, now: datetime) -> GraphError | None:
    """The 131047 error a send of ``message_type`` meets now, or ``None`` if it may go.

    Templates are always allowed; every other type needs an open window (§1.2, §1.3).
    """
    if message_type == "template" or is_open(last_inbound, now):
        return None
    return RE_ENGAGEMENT()
