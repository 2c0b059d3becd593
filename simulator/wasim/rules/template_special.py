"""Carousel and limited-time-offer templates at creation (§2.4, template components).

A ``CAROUSEL`` component holds 1 to 10 ``cards``; each card has an IMAGE or VIDEO header,
a body of at most 160 characters and 1 or 2 buttons, no footer, and every card has the
same header format and the same buttons (types, in order). A carousel template's own
components are its BODY and the carousel: no header, footer or buttons beside them.

A ``LIMITED_TIME_OFFER`` component carries ``limited_time_offer: {text, has_expiration?}``
(text at most 16 characters); it is for MARKETING templates and such a template has no
footer. Both are refused with code 100 naming what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wasim.rules.template_auth import refuse

CARDS_MAX = 10
CARD_BODY_MAX = 160
OFFER_TEXT_MAX = 16
LENGTH = 2388040

Check = Callable[[Any], list[dict[str, Any]]]
"""Checks a card's components as a template's (``template_create.check_components``)."""


def _of(components: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    return next((c for c in components if c["type"] == kind), None)


def check_carousel(component: dict[str, Any], check: Check) -> dict[str, Any]:
    """A checked CAROUSEL component (its cards' components cleaned as a template's)."""
    cards = component.get("cards")
    if not isinstance(cards, list) or not 1 <= len(cards) <= CARDS_MAX:
        raise refuse(f"A CAROUSEL component needs 1 to {CARDS_MAX} cards.")
    shapes: set[tuple[str, tuple[str, ...]]] = set()
    checked_cards = []
    for i, card in enumerate(cards):
        if not isinstance(card, dict):
            raise refuse(f"cards[{i}] must be an object with components.")
        components = check(card.get("components"))
        header, body = _of(components, "HEADER"), _of(components, "BODY")
        buttons = _of(components, "BUTTONS")
        kind = str(header.get("format", "")).upper() if header else ""
        if kind not in ("IMAGE", "VIDEO"):
            raise refuse(f"cards[{i}] needs an IMAGE or VIDEO header.")
        if body is not None and len(str(body.get("text", ""))) > CARD_BODY_MAX:
            raise refuse(f"cards[{i}] body is longer than {CARD_BODY_MAX} characters.",
                         LENGTH, "Character Limit Exceeded")
        listed = buttons.get("buttons", []) if buttons else []
        if not 1 <= len(listed) <= 2:
            raise refuse(f"cards[{i}] needs 1 or 2 buttons.")
        if _of(components, "FOOTER") is not None:
            raise refuse(f"cards[{i}] cannot have a footer.")
        shapes.add((kind, tuple(str(b.get("type", "")).upper() for b in listed)))
        checked_cards.append({**card, "components": components})
    if len(shapes) > 1:
        raise refuse("Every card of a carousel needs the same header format and the same "
                      "buttons.")
    return {**component, "type": "CAROUSEL", "cards": checked_cards}


def check_offer(component: dict[str, Any], category: str) -> dict[str, Any]:
    """A checked LIMITED_TIME_OFFER component (MARKETING templates only)."""
    if category != "MARKETING":
        raise refuse("LIMITED_TIME_OFFER components are for MARKETING templates.")
    offer = component.get("limited_time_offer")
    text = offer.get("text") if isinstance(offer, dict) else None
    if not isinstance(text, str) or not 1 <= len(text) <= OFFER_TEXT_MAX:
        raise refuse(f"limited_time_offer.text must be 1 to {OFFER_TEXT_MAX} characters.")
    expires = offer.get("has_expiration", False) if isinstance(offer, dict) else False
    if not isinstance(expires, bool):
        raise refuse("limited_time_offer.has_expiration must be true or false.")
    return {**component, "type": "LIMITED_TIME_OFFER"}


def check_layout(kinds: list[str]) -> None:
    """What may stand beside a carousel or an offer at the top level."""
    if "CAROUSEL" in kinds and set(kinds) - {"BODY", "CAROUSEL"}:
        raise refuse("A carousel template has a BODY and the CAROUSEL, nothing else.")
    if "LIMITED_TIME_OFFER" in kinds and "FOOTER" in kinds:
        raise refuse("A limited-time-offer template cannot have a footer.")
    for kind in ("CAROUSEL", "LIMITED_TIME_OFFER"):
        if kinds.count(kind) > 1:
            raise refuse(f"A template may have at most one {kind} component.")
