"""What an outbound message costs and which ``conversation`` its statuses show (§5.2, §7).

Pure rules, no state: the caller (``wasim.platform.charging``) looks up free-entry-point
windows and open CBP conversations and passes them in.

- §7.1: per-message pricing (PMP) from 2025-07-01; conversation-based pricing (CBP)
  before (``pricing_model`` setting ``auto``), or always one of them by setting.
- §7.3: PMP prices per delivered template; free-entry-point (FEP) windows make every
  message free for 72 h from the business's reply to an ad referral.
- §7.2: CBP opens 24 h conversations per category; FEP conversations last 72 h.
- §5.2: ``conversation`` objects: v24.0+ omit them under PMP unless inside an FEP window;
  v23.0 and older carry one with a per-message ``id`` (the FEP conversation's id inside
  one); ``expiration_timestamp`` only on ``sent``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from wasim.rules.categories import pricing_category

PMP_START = datetime(2025, 7, 1, tzinfo=UTC)
"""First instant of per-message pricing (§7.1)."""
CONVERSATION = timedelta(hours=24)
"""Length of a CBP conversation (§7.2)."""
FEP_WINDOW = timedelta(hours=72)
"""Length of a free entry point window, from the business's reply (§7.3)."""
FEP_REPLY_WITHIN = timedelta(hours=24)
"""The reply to an ad-referral message must come within this to open an FEP window."""
CATEGORY_PRICING_START = datetime(2023, 6, 1, tzinfo=UTC)
"""First instant conversations were priced by template category (§2.1); before it a CBP
conversation was ``user_initiated`` or ``business_initiated``."""
DEFAULT_VERSION = (23, 0)
"""The version assumed for sends made without a Graph path (the Python ``sim.send``)."""

_VERSION = re.compile(r"^v(\d+)(?:\.(\d+))?$")


def model_at(setting: str, now: datetime) -> str:
    """``PMP`` or ``CBP`` for a send at ``now`` under the ``pricing_model`` setting (§7.1)."""
    if setting in ("PMP", "CBP"):
        return setting
    return "PMP" if now >= PMP_START else "CBP"


@functools.lru_cache(maxsize=256)
def version_of(api_version: str) -> tuple[int, int]:
    """``"v23.0"`` -> ``(23, 0)``; an empty or odd version is the default (v23.0)."""
    match = _VERSION.match(api_version or "")
    if match is None:
        return DEFAULT_VERSION
    return int(match.group(1)), int(match.group(2) or 0)


def category_of(message_type: str, template_category: str | None) -> str:
    """The pricing category: ``service`` for non-templates, else the template's (§7.3)."""
    if message_type != "template" or template_category is None:
        return "service"
    return pricing_category(template_category)


def pmp_pricing(category: str, in_window: bool, fep: bool,
                fep_category: str = "referral_conversion") -> dict[str, Any]:
    """The PMP ``pricing`` object (§7.3)."""
    if fep:
        return {"billable": False, "pricing_model": "PMP", "type": "free_entry_point",
                "category": fep_category}
    if category == "service" or (category == "utility" and in_window):
        return {"billable": False, "pricing_model": "PMP", "type": "free_customer_service",
                "category": category}
    return {"billable": True, "pricing_model": "PMP", "type": "regular", "category": category}


def cbp_category(category: str, in_window: bool, now: datetime) -> str:
    """The category of the CBP conversation a send at ``now`` joins or opens (§7.2).

    From 2023-06-01 it is the message's pricing category (§2.1). Before, a conversation was
    ``user_initiated`` (the business answered inside the customer's window) or
    ``business_initiated`` (a template outside it), whatever the template's category, and
    a send joined whichever conversation was open.
    """
    if now >= CATEGORY_PRICING_START:
        return category
    return "user_initiated" if in_window else "business_initiated"


def cbp_pricing(conversation_category: str) -> dict[str, Any]:
    """The CBP ``pricing`` object: billable unless a free entry point conversation (§7.2)."""
    return {"billable": conversation_category != "referral_conversion",
            "pricing_model": "CBP", "category": conversation_category}


def conversation(conversation_id: str, origin: str, expires: datetime) -> dict[str, Any]:
    """A ``conversation`` object as the ``sent`` status carries it (§5.2)."""
    return {"id": conversation_id, "expiration_timestamp": str(int(expires.timestamp())),
            "origin": {"type": origin}}


def pmp_conversation(api_version: str, message_id: str, category: str, sent_at: datetime,
                     fep: dict[str, Any] | None) -> dict[str, Any] | None:
    """The ``conversation`` of a PMP message by the version rules of §5.2.

    Args:
        api_version: The Graph version the send used.
        message_id: Used as the per-message conversation id (v23.0 and older).
        category: The pricing category (the origin type outside FEP windows).
        sent_at: When it was sent (per-message conversations expire 24 h later).
        fep: The open FEP conversation (``id``, ``expires_at`` ISO) or ``None``.
    """
    if fep is not None:
        return conversation(fep["id"], "referral_conversion",
                            datetime.fromisoformat(fep["expires_at"]))
    if not has_message_conversation(api_version):
        return None
    return message_conversation(message_id, category, sent_at)


def has_message_conversation(api_version: str) -> bool:
    """Whether a PMP message outside FEP windows shows a per-message ``conversation``
    (v23.0 and older, §5.2)."""
    return version_of(api_version) < (24, 0)


def message_conversation(message_id: str, category: str, sent_at: datetime) -> dict[str, Any]:
    """The per-message ``conversation`` of a PMP message (v23.0 and older, §5.2): its id
    derived from the message's, expiring 24 h after the send."""
    return conversation(_per_message_id(message_id), category, sent_at + CONVERSATION)


def _per_message_id(message_id: str) -> str:
    """A conversation id derived from the message (v23.0 and older: one per message)."""
    return hashlib.md5(message_id.encode("utf-8"), usedforsecurity=False).hexdigest()


def status_conversation(conv: dict[str, Any] | None, status: str) -> dict[str, Any] | None:
    """``conversation`` as shown on ``status``: ``expiration_timestamp`` on ``sent`` only."""
    if conv is None or status == "sent":
        return conv  # shared, as ``pricing`` is: recorded objects are never changed
    shown = dict(conv)
    shown.pop("expiration_timestamp", None)  # the other keys keep their order
    return shown


def fep_applies(referral_at: datetime | None, opened_at: datetime | None,
                now: datetime) -> tuple[bool, bool]:
    """Whether a send at ``now`` is in an FEP window, and whether it opens one (§7.3).

    A business reply within 24 h of the customer's ad-referral message opens a 72 h window
    from that reply; inside it every message is free.
    """
    if opened_at is not None:
        return now < opened_at + FEP_WINDOW, False
    if referral_at is not None and now < referral_at + FEP_REPLY_WITHIN:
        return True, True
    return False, False
