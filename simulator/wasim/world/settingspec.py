"""The type and range of every world setting: one table, one check, used by every way in.

The control API (``POST /_sim/settings``), ``wasim serve --set``, world files, scenario
files and state imports all reach :func:`checked` through ``WorldSettings.update``, so a
value one of them accepts is a value every later call can live with (a setting read as
``1e18`` seconds once made every send answer 500). A refusal is one line naming the
setting, what it takes and the value given (code 100).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from wasim.errors import INVALID_PARAMETER
from wasim.rules.categories import ERAS

YEAR = 365 * 86400
MESSAGING_TIERS: dict[str, int | None] = {
    "TIER_250": 250, "TIER_1K": 1000, "TIER_2K": 2000, "TIER_10K": 10_000,
    "TIER_100K": 100_000, "TIER_UNLIMITED": None,
}
"""Unique customers reached outside the window per rolling 24 h, per tier (§6)."""


@dataclass(frozen=True, slots=True)
class Spec:
    """What one setting takes: ``kind`` is ``bool``, ``int``, ``number`` (int or float),
    ``choice``, ``text`` or ``date``; numbers lie in ``[low, high]`` (``low`` excluded when
    ``open_low``)."""

    kind: str
    low: float = 0
    high: float = 0
    nullable: bool = False
    choices: tuple[str, ...] = ()
    open_low: bool = False

    def describe(self) -> str:
        """What the setting takes, in words (used in every refusal)."""
        if self.kind == "bool":
            text = "true or false"
        elif self.kind == "choice":
            text = "one of " + ", ".join(self.choices)
        elif self.kind == "text":
            text = "a string"
        elif self.kind == "date":
            text = "a date YYYY-MM-DD"
        else:
            what = "a whole number" if self.kind == "int" else "a number of seconds"
            low = "above" if self.open_low else "from"
            text = f"{what} {low} {_number(self.low)} to {_number(self.high)}"
        return text + (" or null" if self.nullable else "")


def _seconds(high: float, *, nullable: bool = False, positive: bool = False) -> Spec:
    return Spec("number", 0, high, nullable=nullable, open_low=positive)


SPECS: dict[str, Spec] = {
    "window_violation_mode": Spec("choice", choices=("async", "sync")),
    "own_number_mode": Spec("choice", choices=("sync", "async")),
    "contacts_need_name_part": Spec("bool"),
    "category_era": Spec("choice", choices=tuple(ERAS)),
    "reaction_opens_window": Spec("bool"),
    "missed_call_opens_window": Spec("bool"),
    "rate_limit_http_status": Spec("int", 400, 599),
    "delivered_after": _seconds(YEAR, nullable=True),
    "read_after": _seconds(YEAR, nullable=True),
    "template_review_after": _seconds(YEAR, nullable=True),
    "rules_as_of": Spec("date", nullable=True),
    "us_marketing_pause": Spec("bool"),
    "review_rules": Spec("text", nullable=True),
    "template_limit": Spec("int", 1, 100_000),
    "template_creation_per_hour": Spec("int", 1, 100_000),
    "webhook_retry_seconds": _seconds(30 * 86400),
    "webhook_batch_size": Spec("int", 1, 1000),
    "webhook_concurrency": Spec("int", 1, 64),
    "pricing_model": Spec("choice", choices=("auto", "PMP", "CBP")),
    "fep_pricing_category": Spec("text"),
    "throughput_limit": Spec("bool"),
    "throughput_mps": Spec("int", 1, 1000, nullable=True),
    "pair_rate_limit": Spec("bool"),
    "pair_rate_burst": Spec("int", 1, 100_000),
    "pair_rate_interval": _seconds(86400, positive=True),
    "messaging_limit": Spec("bool"),
    "messaging_limit_tier": Spec("choice", choices=tuple(MESSAGING_TIERS)),
    "messaging_limit_code": Spec("int", 1, 9_999_999),
    "management_call_limit": Spec("bool"),
    "management_calls_per_hour": Spec("int", 1, 10_000_000, nullable=True),
    "app_calls_per_hour": Spec("int", 1, 10_000_000, nullable=True),
    "media_checks": Spec("bool"),
    "media_url_ttl": _seconds(YEAR, positive=True),
    "registration_check": Spec("bool"),
    "retention_messages": Spec("int", 100, 100_000_000, nullable=True),
}
"""Every setting of ``WorldSettings`` (a test keeps the two in step)."""


def checked(name: str, value: Any) -> Any:
    """``value`` for setting ``name`` when it has the right type and lies in range (a
    ``date`` read from YAML becomes its ``YYYY-MM-DD`` text); else the 100 error
    ``setting 'name' takes <what>, got <value>``."""
    spec = SPECS[name]
    if value is None and spec.nullable:
        return None
    if spec.kind == "date" and isinstance(value, date):
        value = value.isoformat()
    if not _fits(spec, value):
        raise INVALID_PARAMETER(f"setting {name!r} takes {spec.describe()}, "
                                f"got {_shown(value)}")
    return value


def _fits(spec: Spec, value: Any) -> bool:
    if spec.kind == "bool":
        return isinstance(value, bool)
    if spec.kind == "choice":
        return isinstance(value, str) and value in spec.choices
    if spec.kind == "text":
        return isinstance(value, str) and 0 < len(value) <= 4096 and "\x00" not in value
    if spec.kind == "date":
        return isinstance(value, str) and _is_date(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if spec.kind == "int" and not isinstance(value, int):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    above_low = value > spec.low if spec.open_low else value >= spec.low
    return above_low and value <= spec.high


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _shown(value: Any) -> str:
    """The refused value in a message, cut short (a message fits one line)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
