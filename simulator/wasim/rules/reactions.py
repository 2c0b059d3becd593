"""A business's reaction (§3 ``reaction`` row; the audit's M2).

A business may react only to a message it received from that customer, within 30 days,
that the customer has not deleted and that is not itself a reaction; the reaction is a
single emoji, or empty to remove it. Otherwise the send is accepted (200 + wamid) and the
reaction is not delivered: its status webhook is ``failed`` with 131009.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from wasim.errors import INVALID_VALUE, GraphError
from wasim.world.models import InboundMessage

REACT_WITHIN = timedelta(days=30)
"""How long after a message a reaction to it is still delivered."""

_JOINER = "\u200d"
_MODIFIERS = frozenset({"\ufe0e", "\ufe0f", "\u20e3"}) | {
    chr(c) for c in range(0x1F3FB, 0x1F400)} | {chr(c) for c in range(0xE0020, 0xE0080)}
_REGIONAL = range(0x1F1E6, 0x1F200)


def is_single_emoji(text: str) -> bool:
    """Whether ``text`` is one emoji: one pictograph, with its modifiers (skin tone,
    variation selector, keycap, tags), a ZWJ sequence of several, or a flag (two
    regional indicators)."""
    bases: list[str] = []
    after_joiner = False
    for char in text:
        if char == _JOINER:
            after_joiner = True
            continue
        if char in _MODIFIERS:
            continue
        if after_joiner:
            after_joiner = False
            continue
        bases.append(char)
    if len(bases) == 2 and all(ord(c) in _REGIONAL for c in bases):
        return True  # a flag
    if len(bases) != 1:
        return False
    base = bases[0]
    if base in "0123456789#*":
        return "\u20e3" in text  # a keycap
    return unicodedata.category(base) == "So" or ord(base) >= 0x1F000


def _not_delivered(why: str) -> GraphError:
    return INVALID_VALUE(f"The reaction was not delivered: {why}.")


def reaction_failure(emoji: str, target: InboundMessage | None, deleted: bool,
                     now: datetime) -> GraphError | None:
    """The 131009 a reaction's status webhook carries, or ``None`` if it is delivered.

    Args:
        emoji: The reaction (empty removes one).
        target: The customer's message it reacts to, if this number received it from
            this customer.
        deleted: Whether the customer deleted that message.
        now: The send's time.
    """
    if target is None:
        return _not_delivered("message_id is not a message this customer sent to this "
                              "number")
    if target.type == "reaction":
        return _not_delivered("a reaction cannot be reacted to")
    if deleted:
        return _not_delivered("the customer deleted that message")
    if now - target.at > REACT_WITHIN:
        return _not_delivered("the message is more than 30 days old")
    if emoji and not is_single_emoji(emoji):
        return _not_delivered("the emoji must be a single emoji, or empty to remove one")
    return None
