"""Pricing state of a world: free entry point windows and CBP conversations (§7).

Kept in ``world.extra`` (so it is exported with the world) under ``fep`` (per business
number and customer: when the ad-referral message came, when the reply opened the
window) and ``conversations`` (open CBP conversations). The rules themselves are the pure
functions of :mod:`wasim.rules.billing`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from wasim.clock import parse_instant
from wasim.ids import IdGenerator
from wasim.rules import billing
from wasim.world.state import World


@dataclass(slots=True)
class Charge:
    """What a send costs: the ``pricing`` and ``conversation`` objects of its statuses."""

    pricing: dict[str, Any]
    conversation: dict[str, Any] | None


def _key(phone_number_id: str, wa_id: str) -> str:
    return f"{phone_number_id}:{wa_id}"


def record_referral(world: World, phone_number_id: str, wa_id: str, at: datetime) -> None:
    """The customer wrote from a click-to-WhatsApp ad: a reply may open an FEP window."""
    entries: dict[str, Any] = world.extra.setdefault("fep", {})
    current = entries.get(_key(phone_number_id, wa_id))
    if current is not None and current.get("opened_at"):
        in_window, _ = billing.fep_applies(None, parse_instant(current["opened_at"]), at)
        if in_window:
            return
    entries[_key(phone_number_id, wa_id)] = {"referral_at": at.isoformat(), "opened_at": None,
                                             "id": None, "expires_at": None}


def _fep(world: World, ids: IdGenerator, phone_number_id: str, wa_id: str,
         now: datetime) -> dict[str, Any] | None:
    entries = world.extra.get("fep")
    entry = entries.get(_key(phone_number_id, wa_id)) if entries else None
    if entry is None:
        return None
    referral = parse_instant(entry["referral_at"]) if entry.get("referral_at") else None
    opened = parse_instant(entry["opened_at"]) if entry.get("opened_at") else None
    applies, opens = billing.fep_applies(referral, opened, now)
    if opens:
        entry.update(opened_at=now.isoformat(), id=ids.token(16),
                     expires_at=(now + billing.FEP_WINDOW).isoformat())
    result: dict[str, Any] | None = entry if applies else None
    return result


def _cbp_conversation(world: World, ids: IdGenerator, phone_number_id: str, wa_id: str,
                      category: str, now: datetime) -> dict[str, Any]:
    """The open CBP conversation the send joins, opened if needed (§7.2)."""
    key = _key(phone_number_id, wa_id)
    table: dict[str, list[dict[str, Any]]] = world.extra.setdefault("conversations", {})
    open_ones = [c for c in table.get(key, []) if parse_instant(c["expires_at"]) > now]
    table[key] = open_ones
    if category == "service" and open_ones:
        return open_ones[-1]
    for conversation in open_ones:
        if conversation["category"] == category:
            return conversation
    conversation = {"id": ids.token(16), "category": category, "opened_at": now.isoformat(),
                    "expires_at": (now + billing.CONVERSATION).isoformat()}
    open_ones.append(conversation)
    return conversation


def charge(world: World, ids: IdGenerator, *, phone_number_id: str, wa_id: str,
           message_id: str, message_type: str, template_category: str | None,
           in_window: bool, now: datetime, api_version: str) -> Charge:
    """Price an accepted send and open whatever window or conversation it opens (§7)."""
    category = billing.category_of(message_type, template_category)
    fep = _fep(world, ids, phone_number_id, wa_id, now)
    settings = world.settings
    if billing.model_at(settings.pricing_model, now) == "PMP":
        pricing = billing.pmp_pricing(category, in_window, fep is not None,
                                      settings.fep_pricing_category)
        return Charge(pricing, billing.pmp_conversation(api_version, message_id, category,
                                                        now, fep))
    if fep is not None:
        conv = billing.conversation(fep["id"], "referral_conversion",
                                    parse_instant(fep["expires_at"]))
        return Charge(billing.cbp_pricing("referral_conversion"), conv)
    opened = _cbp_conversation(world, ids, phone_number_id, wa_id, category, now)
    conv = billing.conversation(opened["id"], opened["category"],
                                parse_instant(opened["expires_at"]))
    return Charge(billing.cbp_pricing(opened["category"]), conv)
