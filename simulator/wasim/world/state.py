"""The mutable state of a simulated platform: a :class:`World` of business accounts.

A world belongs to one ``Simulator`` instance, never to a module global, so two simulators
in a process (parallel tests) never share anything. ``backend`` is its only writer.
"""

from __future__ import annotations

import copy
import difflib
import pickle
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from wasim.clock import parse_instant
from wasim.errors import INVALID_PARAMETER
from wasim.world.models import (
    Contact,
    InboundMessage,
    OutboundMessage,
    PhoneNumber,
    Template,
    Token,
)
from wasim.world.parts import (
    Delays,
    MediaState,
    PricingState,
    TemplateBook,
    legacy_parts,
)
from wasim.world.settingspec import SPECS, checked

WINDOW_MODES = ("async", "sync")


@dataclass(slots=True)
class WorldSettings:
    """Rule switches of a world; each fact the rules (docs/rules.md) mark uncertain is one of these.

    Args:
        window_violation_mode: ``async`` (200 + failed webhook, §1.3 default) or ``sync``
            (HTTP 400 with 131047).
        own_number_mode: A send to the sending number itself: ``sync`` (HTTP 400 with
            131021, §4.3 default; the channel is UNCERTAIN) or ``async`` (200, then a
            failed webhook with 131021).
        contacts_need_name_part: A contacts message's ``name`` needs a part beside
            ``formatted_name`` (``first_name``, ``last_name``...), else 131008 (§3,
            UNCERTAIN, default yes).
        category_era: ``current``, ``2022`` or ``legacy`` (§2.1).
        reaction_opens_window: Whether a customer's reaction opens the window (§1.2,
            UNCERTAIN, default yes).
        missed_call_opens_window: Whether a customer's call the business did not answer
            opens the window like an answered one (§1.2, UNCERTAIN, default yes).
        rate_limit_http_status: HTTP status of 130429/131056 (§4.1, UNCERTAIN, default 400).
        delivered_after: Simulated seconds from ``sent`` to ``delivered`` (``None``: manual).
        read_after: Simulated seconds from ``delivered`` to ``read`` (``None``: manual,
            the default: customers read when the test says so).
        template_review_after: Simulated seconds from create (or edit) to the automatic
            review decision (§2.3 "up to 24 h"; ``None``: manual decisions only).
        rules_as_of: The date whose review policy applies (``YYYY-MM-DD``; ``None``: the
            simulated clock's date) — e.g. ``2024-12-01`` for the rules before 2025-04-09;
            also decides whether the US marketing pause (2025-04-01) applies.
        us_marketing_pause: Marketing templates to US numbers fail with 131049, not
            charged, under the rules of 2025-04-01 and later (§6; on by default).
        review_rules: A review rule file replacing the packaged one (``None``: packaged).
        template_limit: Templates per WABA (§2.4: 250, or 6,000 for verified businesses).
        template_creation_per_hour: Creations per WABA per hour (§2.4: 100).
        webhook_retry_seconds: How long a failing webhook is retried before it is dropped
            (§5.3: 7 days; older docs said 36 hours).
        pricing_model: ``auto`` (CBP for sends before 2025-07-01, PMP after, §7.1),
            ``PMP`` or ``CBP``.
        fep_pricing_category: ``pricing.category`` inside a free entry point window (§7.3,
            UNCERTAIN, default ``referral_conversion``).
        webhook_batch_size: Most updates per webhook POST (§5.3: up to 1000, not
            guaranteed; default 1, one update per POST).
        webhook_concurrency: Webhook POSTs in flight at once (default 1: in emission
            order; more delivers faster and, as on the platform, in no guaranteed order).
            On ``wasim serve`` these are lanes, and one customer's webhooks always take
            the same lane, so they stay in order.
        throughput_limit, pair_rate_limit, messaging_limit, management_call_limit,
        media_checks, registration_check: Switch each platform rule of §6, §8 and
            phone registration on or off (all on by default).
        throughput_mps: Messages per second for every number (``None``: each number's own
            ``throughput``, 80 unless the world file says otherwise; at most 1,000).
        pair_rate_burst / pair_rate_interval: The pair rate limit: one message per
            ``interval`` seconds to one customer, bursts of up to ``burst`` (§6).
        messaging_limit_tier / messaging_limit_code: The portfolio's tier and the async
            error code past it (no documented code: UNCERTAIN, default 131048).
        management_calls_per_hour: Per-WABA management calls per rolling hour (``None``:
            200, or 5,000 for a WABA with a registered number) → 80007.
        app_calls_per_hour: App-wide Graph calls per rolling hour (``None``: unlimited) → 4.
        media_url_ttl: Simulated seconds a media URL stays valid (§8: 5 minutes).
        retention_messages: How many sent messages ``wasim serve`` keeps in memory
            (``None``: all). Past it the oldest finished ones go first, with the oldest
            webhooks, requests, inbound messages and finished deliveries in proportion;
            windows, contacts and templates are never dropped. In process (the pytest
            fixture, scenarios) nothing is dropped.
    """

    window_violation_mode: str = "async"
    own_number_mode: str = "sync"
    contacts_need_name_part: bool = True
    category_era: str = "current"
    reaction_opens_window: bool = True
    missed_call_opens_window: bool = True
    rate_limit_http_status: int = 400
    delivered_after: float | None = 0.0
    read_after: float | None = None
    template_review_after: float | None = 60.0
    rules_as_of: str | None = None
    us_marketing_pause: bool = True
    review_rules: str | None = None
    template_limit: int = 250
    template_creation_per_hour: int = 100
    webhook_retry_seconds: float = 604800.0
    webhook_batch_size: int = 1
    webhook_concurrency: int = 1
    pricing_model: str = "auto"
    fep_pricing_category: str = "referral_conversion"
    throughput_limit: bool = True
    throughput_mps: int | None = None
    pair_rate_limit: bool = True
    pair_rate_burst: int = 45
    pair_rate_interval: float = 6.0
    messaging_limit: bool = True
    messaging_limit_tier: str = "TIER_250"
    messaging_limit_code: int = 131048
    management_call_limit: bool = True
    management_calls_per_hour: int | None = None
    app_calls_per_hour: int | None = None
    media_checks: bool = True
    media_url_ttl: float = 300.0
    registration_check: bool = True
    retention_messages: int | None = 20_000

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def rules_date(self, now: datetime) -> date:
        """The date whose rules apply: ``rules_as_of``, else the simulated clock's date."""
        if self.rules_as_of is None:
            return now.date()
        try:
            return date.fromisoformat(self.rules_as_of)
        except ValueError:
            raise INVALID_PARAMETER(f"setting 'rules_as_of' must be a date such as "
                                    f"2024-12-01, got {self.rules_as_of!r}") from None

    def update(self, values: dict[str, Any]) -> None:
        """Apply known settings; an unknown name or a bad type is a 100 error.

        All or nothing: a refused value leaves every setting as it was.
        """
        staged = WorldSettings(**self.to_dict())
        staged._apply(values)
        for name, value in staged.to_dict().items():
            setattr(self, name, value)

    def _apply(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            if name not in SPECS:
                close = difflib.get_close_matches(name, list(SPECS), n=1)
                hint = (f"did you mean {close[0]!r}?" if close
                        else f"known settings: {', '.join(sorted(SPECS))}")
                raise INVALID_PARAMETER(f"unknown setting {name!r}; {hint}")
            setattr(self, name, checked(name, value))


DEFAULT_PORTFOLIO = "default"
"""The portfolio of every WABA whose world file names none."""


@dataclass(slots=True)
class BusinessAccount:
    """One WhatsApp Business Account: its numbers, contacts and templates.

    ``portfolio``: the business portfolio that owns it (§6: the messaging
    limit is the portfolio's, shared by all its numbers); ``None`` is the world's one
    default portfolio, so the WABAs of a world that names none share one limit.
    """

    waba_id: str
    name: str
    phone_numbers: dict[str, PhoneNumber] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    templates: dict[str, Template] = field(default_factory=dict)
    portfolio: str | None = None

    @property
    def portfolio_key(self) -> str:
        """What the portfolio's counters are kept under."""
        return self.portfolio if self.portfolio is not None else DEFAULT_PORTFOLIO

    def find_template(self, name: str, language: str) -> Template | None:
        for template in self.templates.values():
            if template.name == name and template.language == language:
                return template
        return None

    def contact_by_user_id(self, user_id: str) -> Contact | None:
        for contact in self.contacts.values():
            if contact.user_id == user_id:
                return contact
        return None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "waba_id": self.waba_id,
            "name": self.name,
            "phone_numbers": [p.to_dict() for p in self.phone_numbers.values()],
            "contacts": [c.to_dict() for c in self.contacts.values()],
            "templates": [t.to_dict() for t in self.templates.values()],
        }
        if self.portfolio is not None:
            out["portfolio"] = self.portfolio
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BusinessAccount:
        account = cls(d["waba_id"], d["name"], portfolio=d.get("portfolio"))
        account.phone_numbers = {
            p["id"]: PhoneNumber.from_dict(p) for p in d.get("phone_numbers", [])
        }
        account.contacts = {c["wa_id"]: Contact.from_dict(c) for c in d.get("contacts", [])}
        account.templates = {t["id"]: Template.from_dict(t) for t in d.get("templates", [])}
        return account


WINDOW_WATCHERS: list[dict[tuple[str, str], None]] = []
"""Who is told of every window opened (``wasim serve --data``'s store): each gets its key.
Empty unless a store is writing."""


@dataclass(slots=True)
class World:
    """Everything the simulated platform knows, keyed for the lookups the rules make."""

    accounts: dict[str, BusinessAccount] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    app_secret: str = ""
    verify_token: str = ""
    webhook_url: str | None = None
    settings: WorldSettings = field(default_factory=WorldSettings)
    messages: dict[str, OutboundMessage] = field(default_factory=dict)
    inbound: list[InboundMessage] = field(default_factory=list)
    windows: dict[tuple[str, str], datetime] = field(default_factory=dict)
    media: MediaState = field(default_factory=MediaState)
    pricing: PricingState = field(default_factory=PricingState)
    progression: dict[str, Delays] = field(default_factory=dict)
    """Per-customer overrides of the status progression settings (§5.2)."""
    subscribed_apps: dict[str, bool] = field(default_factory=dict)
    """WABA id -> whether the simulator's app is subscribed (default yes)."""
    template_book: TemplateBook = field(default_factory=TemplateBook)

    def account_of_phone(self, phone_number_id: str) -> BusinessAccount | None:
        for account in self.accounts.values():
            if phone_number_id in account.phone_numbers:
                return account
        return None

    def phone(self, phone_number_id: str) -> PhoneNumber | None:
        account = self.account_of_phone(phone_number_id)
        return account.phone_numbers[phone_number_id] if account else None

    def last_inbound(self, phone_number_id: str, wa_id: str) -> datetime | None:
        return self.windows.get((phone_number_id, wa_id))

    def open_window(self, phone_number_id: str, wa_id: str, at: datetime) -> None:
        """The customer wrote (or called) at ``at``: their window runs from there (§1.2)."""
        key = (phone_number_id, wa_id)
        self.windows[key] = at
        for seen in WINDOW_WATCHERS:
            seen[key] = None

    def resolve_customer(self, who: str) -> str:
        """A wa_id for a contact alias, name, BSUID or phone number."""
        for account in self.accounts.values():
            for contact in account.contacts.values():
                if who in (contact.alias, contact.wa_id, contact.user_id):
                    return contact.wa_id
        return who

    def first_account(self) -> BusinessAccount:
        return next(iter(self.accounts.values()))

    def first_phone(self) -> PhoneNumber:
        return next(iter(self.first_account().phone_numbers.values()))

    def copy(self) -> World:
        """A deep copy (a pickle round trip: about 3x faster than ``copy.deepcopy``)."""
        try:
            copied: World = pickle.loads(pickle.dumps(self, pickle.HIGHEST_PROTOCOL))
        except (pickle.PicklingError, TypeError, AttributeError):
            return copy.deepcopy(self)
        return copied

    def to_dict(self) -> dict[str, Any]:
        return {
            "accounts": [a.to_dict() for a in self.accounts.values()],
            "tokens": [t.to_dict() for t in self.tokens.values()],
            "app_secret": self.app_secret,
            "verify_token": self.verify_token,
            "webhook_url": self.webhook_url,
            "settings": self.settings.to_dict(),
            "messages": [m.to_dict() for m in self.messages.values()],
            "inbound": [m.to_dict() for m in self.inbound],
            "windows": [
                {"phone_number_id": p, "wa_id": w, "last_inbound": at.isoformat()}
                for (p, w), at in self.windows.items()
            ],
            "media": self.media.to_dict(),
            "pricing": self.pricing.to_dict(),
            "progression": self.progression,
            "subscribed_apps": self.subscribed_apps,
            "template_book": self.template_book.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> World:
        world = cls()
        world.accounts = {
            a["waba_id"]: BusinessAccount.from_dict(a) for a in d.get("accounts", [])
        }
        world.tokens = {t["value"]: Token.from_dict(t) for t in d.get("tokens", [])}
        world.app_secret = d.get("app_secret", "")
        world.verify_token = d.get("verify_token", "")
        world.webhook_url = d.get("webhook_url")
        world.settings = WorldSettings()
        world.settings.update(d.get("settings", {}))
        world.messages = {
            m["id"]: OutboundMessage.from_dict(m) for m in d.get("messages", [])
        }
        world.inbound = [InboundMessage.from_dict(m) for m in d.get("inbound", [])]
        world.windows = {
            (w["phone_number_id"], w["wa_id"]): parse_instant(w["last_inbound"])
            for w in d.get("windows", [])
        }
        parts = legacy_parts(d["extra"]) if "extra" in d else d
        world.media = MediaState.from_dict(parts.get("media", {}))
        world.pricing = PricingState.from_dict(parts.get("pricing", {}))
        world.progression = {w: dict(v) for w, v in parts.get("progression", {}).items()}
        world.subscribed_apps = dict(parts.get("subscribed_apps", {}))
        world.template_book = TemplateBook.from_dict(parts.get("template_book", {}))
        return world

    def restore(self, other: World) -> None:
        """Take over every field of ``other`` (a reset in place: holders of this world
        see the new state)."""
        for f in fields(self):
            setattr(self, f.name, getattr(other, f.name))
