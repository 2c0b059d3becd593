"""Template categories of each policy era and how they map to today's (§2.1).

Pure data plus two lookups; template creation (era check) and pricing both read it.
"""

from __future__ import annotations

import functools

LEGACY_TEN = (
    "ACCOUNT_UPDATE",
    "ALERT_UPDATE",
    "APPOINTMENT_UPDATE",
    "ISSUE_RESOLUTION",
    "PAYMENT_UPDATE",
    "PERSONAL_FINANCE_UPDATE",
    "RESERVATION_UPDATE",
    "SHIPPING_UPDATE",
    "TICKET_UPDATE",
    "TRANSPORTATION_UPDATE",
)
"""The seed document's ten notification categories of the original Business API."""

ERAS: dict[str, tuple[str, ...]] = {
    "legacy": (*LEGACY_TEN, "AUTO_REPLY"),
    "2022": ("TRANSACTIONAL", "MARKETING", "OTP"),
    "current": ("MARKETING", "UTILITY", "AUTHENTICATION"),
}
"""Categories accepted on create, per era (§2.1)."""

_TO_CURRENT: dict[str, str] = {
    **{name: "UTILITY" for name in (*LEGACY_TEN, "AUTO_REPLY")},
    "TRANSACTIONAL": "UTILITY",
    "OTP": "AUTHENTICATION",
    "MARKETING": "MARKETING",
    "UTILITY": "UTILITY",
    "AUTHENTICATION": "AUTHENTICATION",
}


def current_category(category: str) -> str:
    """Today's category for a category of any era (§2.1 mapping; legacy ten → UTILITY).

    Simulator deviation: Meta re-judged each template by content in 2023; the simulator
    uses the table (TRANSACTIONAL and the legacy ten → UTILITY, OTP → AUTHENTICATION).
    """
    return _TO_CURRENT.get(category.upper(), "MARKETING")


@functools.lru_cache(maxsize=64)
def pricing_category(category: str) -> str:
    """The lowercase pricing category (``marketing``, ``utility``, ``authentication``);
    asked twice by every template send, of a handful of distinct names."""
    return current_category(category).lower()


def era_of(category: str) -> str | None:
    """The first era whose create list holds ``category`` (``None`` if none does)."""
    upper = category.upper()
    for era, names in ERAS.items():
        if upper in names:
            return era
    return None
