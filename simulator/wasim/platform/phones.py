"""Business phone numbers: their Graph view, registration, business profile and the
WABA's app subscription; and the rule that an unregistered number cannot send.

State lives on the :class:`~wasim.world.models.PhoneNumber` (``registered``, ``pin``,
``registration_attempts``, ``profile``) and in ``world.subscribed_apps``, so it survives
export/import.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

from wasim.core import Core, Feature, locked
from wasim.errors import (
    INVALID_PARAMETER,
    NOT_REGISTERED,
    PIN_MISMATCH,
    REGISTRATION_LIMIT,
    GraphError,
)
from wasim.platform.messaging import unknown_object
from wasim.platform.send_hooks import SendAttempt, SendHook
from wasim.world.models import PhoneNumber
from wasim.world.state import BusinessAccount

PHONE_FIELDS = (
    "id", "display_phone_number", "verified_name", "quality_rating",
    "code_verification_status", "name_status", "platform_type", "throughput", "status",
    "account_mode", "messaging_limit_tier", "whatsapp_business_manager_messaging_limit",
    "is_official_business_account", "is_pin_enabled", "webhook_configuration",
)
DEFAULT_FIELDS = ("verified_name", "code_verification_status", "display_phone_number",
                  "quality_rating", "platform_type", "throughput", "webhook_configuration",
                  "id")
LIST_FIELDS = ("verified_name", "code_verification_status", "display_phone_number",
               "quality_rating", "status", "id")
WABA_FIELDS = ("id", "name", "currency", "timezone_id", "message_template_namespace",
               "account_review_status", "business_verification_status", "country",
               "ownership_type", "primary_business_location")
WABA_DEFAULT_FIELDS = ("id", "name", "currency", "timezone_id", "message_template_namespace")
PROFILE_LIMITS = {"about": 139, "address": 256, "description": 256, "email": 128}
VERTICALS = ("OTHER", "AUTO", "BEAUTY", "APPAREL", "EDU", "ENTERTAIN", "EVENT_PLAN",
             "FINANCE", "GROCERY", "GOVT", "HOTEL", "HEALTH", "NONPROFIT", "PROF_SERVICES",
             "RETAIL", "TRAVEL", "RESTAURANT", "ALCOHOL", "ONLINE_GAMBLING",
             "PHYSICAL_GAMBLING", "OTC_DRUGS")
PROFILE_FIELDS = ("about", "address", "description", "email", "profile_picture_url",
                  "websites", "vertical")
REGISTRATION_ATTEMPTS = 10
REGISTRATION_SPAN = timedelta(hours=72)
APP_ID = "1000000000000001"
_PIN = re.compile(r"^\d{6}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://\S+$")


def nonexisting_field(name: str, node: str) -> GraphError:
    """Graph's refusal of an unknown ``fields`` entry."""
    return INVALID_PARAMETER(
        message=f"(#100) Tried accessing nonexisting field ({name}) on node type ({node})",
        details="")


def requested_fields(fields: str | None, default: tuple[str, ...], known: tuple[str, ...],
                     node: str) -> list[str]:
    """The ``fields`` query as a list, or the defaults. Graph answers a node's ``id``
    whatever ``fields`` asks for (§2.5: ``?fields=status`` → ``{status, id}``), so ``id``
    is added last when it is not asked for."""
    if not fields:
        return list(default)
    wanted = [f.strip() for f in fields.split(",") if f.strip()]
    for name in wanted:
        if name not in known:
            raise nonexisting_field(name, node)
    if "id" in known and "id" not in wanted:
        wanted.append("id")
    return wanted


def phone_status(phone: PhoneNumber) -> str:
    """The phone-number node's ``status``: ``CONNECTED`` for a registered number (Meta's
    business-phone-numbers sample; a health check reads ``status == "CONNECTED"``),
    ``DISCONNECTED`` once deregistered. (``LINKED``/``UNLINKED`` belong to another
    object of the spec.)"""
    return "CONNECTED" if phone.registered else "DISCONNECTED"


class Phones(Feature, SendHook):
    """Phone-number operations on the world.

    Args:
        core: The world and the clock it uses.
    """

    def __init__(self, core: Core) -> None:
        self._core = core
        self._clock = core.clock

    def _phone(self, phone_number_id: str) -> PhoneNumber:
        phone = self._core.world.phone(phone_number_id)
        if phone is None:
            raise unknown_object(phone_number_id, "get")
        return phone

    def account(self, waba_id: str) -> BusinessAccount:
        account = self._core.world.accounts.get(waba_id)
        if account is None:
            raise unknown_object(waba_id, "get")
        return account

    # --- the Graph view ------------------------------------------------------------

    @locked
    def view(self, phone_number_id: str, fields: str | None = None,
             default: tuple[str, ...] = DEFAULT_FIELDS) -> dict[str, Any]:
        """``GET /{phone-number-id}[?fields=…]``."""
        phone = self._phone(phone_number_id)
        names = requested_fields(fields, default, PHONE_FIELDS, "WhatsAppBusinessPhoneNumber")
        every = self._all_fields(phone)
        return {name: every[name] for name in names if every.get(name) is not None}

    def _all_fields(self, phone: PhoneNumber) -> dict[str, Any]:
        world = self._core.world
        tier = world.settings.messaging_limit_tier
        throughput = world.settings.throughput_mps or phone.throughput
        return {
            "id": phone.id, "display_phone_number": phone.display_phone_number,
            "verified_name": phone.verified_name, "quality_rating": phone.quality_rating,
            "code_verification_status": "VERIFIED",
            "name_status": "APPROVED",
            "platform_type": "CLOUD_API" if phone.registered else "NOT_APPLICABLE",
            "throughput": {"level": "HIGH" if throughput >= 1000 else "STANDARD"},
            "status": phone_status(phone),
            "account_mode": "LIVE",
            "messaging_limit_tier": tier if tier != "TIER_2K" else "TIER_1K",
            "whatsapp_business_manager_messaging_limit": tier,
            "is_official_business_account": False,
            "is_pin_enabled": phone.pin is not None,
            "webhook_configuration": ({"application": world.webhook_url}
                                      if world.webhook_url else None),
        }

    @locked
    def listing(self, waba_id: str, fields: str | None = None) -> dict[str, Any]:
        """``GET /{WABA-ID}/phone_numbers``: every number of the WABA, one page."""
        account = self.account(waba_id)
        data = [self.view(p, fields, LIST_FIELDS) for p in account.phone_numbers]
        cursors = {"before": "QVFIUmJlZm9yZQ", "after": "QVFIUmFmdGVy"}
        return {"data": data, "paging": {"cursors": cursors}}

    @locked
    def waba_view(self, waba_id: str, fields: str | None = None) -> dict[str, Any]:
        """``GET /{WABA-ID}[?fields=…]``: the account's node (§2.4: a template's
        ``message_template_namespace`` is read from here by older clients)."""
        account = self.account(waba_id)
        names = requested_fields(fields, WABA_DEFAULT_FIELDS, WABA_FIELDS,
                                 "WhatsAppBusinessAccount")
        every = waba_node(account)
        return {name: every[name] for name in names}

    # --- registration ----------------------------------------------------------------

    def _attempt(self, phone: PhoneNumber) -> None:
        """At most 10 (de)registrations per number in 72 hours → 133016."""
        now = self._clock.now()
        recent = [at for at in phone.registration_attempts if at > now - REGISTRATION_SPAN]
        if len(recent) >= REGISTRATION_ATTEMPTS and self._core.world.settings.registration_check:
            raise REGISTRATION_LIMIT()
        phone.registration_attempts = [*recent, now]

    @locked
    def register(self, phone_number_id: str, body: Any) -> dict[str, Any]:
        """``POST /{phone-number-id}/register {"messaging_product", "pin"}``."""
        phone = self._phone(phone_number_id)
        pin = _messaging_body(body).get("pin")
        if pin is None:
            raise INVALID_PARAMETER("The parameter pin is required.")
        if not isinstance(pin, str) or not _PIN.match(pin):
            raise INVALID_PARAMETER("Param pin must be a 6-digit number given as a string.")
        self._attempt(phone)
        if phone.pin is not None and phone.pin != pin:
            raise PIN_MISMATCH()
        phone.pin = pin
        phone.registered = True
        return {"success": True}

    @locked
    def deregister(self, phone_number_id: str) -> dict[str, Any]:
        """``POST /{phone-number-id}/deregister``: the number can no longer send."""
        phone = self._phone(phone_number_id)
        self._attempt(phone)
        phone.registered = False
        return {"success": True}

    def check(self, attempt: SendAttempt) -> None:
        """A send from an unregistered number → 133010 (sync, §4.3)."""
        if not attempt.phone.registered and self._core.world.settings.registration_check:
            raise NOT_REGISTERED()

    # --- business profile ------------------------------------------------------------

    @locked
    def profile(self, phone_number_id: str, fields: str | None = None) -> dict[str, Any]:
        """``GET /{phone-number-id}/whatsapp_business_profile[?fields=…]``."""
        phone = self._phone(phone_number_id)
        names = requested_fields(fields, PROFILE_FIELDS, PROFILE_FIELDS,
                                 "WhatsAppBusinessProfile")
        stored = phone.profile
        view: dict[str, Any] = {n: stored[n] for n in names if n in stored}
        if "vertical" in names:
            view.setdefault("vertical", "OTHER")
        view["messaging_product"] = "whatsapp"
        return {"data": [view]}

    @locked
    def update_profile(self, phone_number_id: str, body: Any) -> dict[str, Any]:
        """``POST /{phone-number-id}/whatsapp_business_profile``: ``{"success": true}``."""
        phone = self._phone(phone_number_id)
        fields = dict(_messaging_body(body))
        fields.pop("messaging_product")
        changes = {name: _profile_value(name, value) for name, value in fields.items()}
        handle = changes.pop("profile_picture_handle", None)
        if handle is not None:
            changes["profile_picture_url"] = f"https://pps.whatsapp.net/v/t61/{handle}"
        phone.profile.update(changes)
        return {"success": True}

    # --- subscribed apps -------------------------------------------------------------

    def _subscriptions(self) -> dict[str, bool]:
        return self._core.world.subscribed_apps

    @locked
    def subscribed_apps(self, waba_id: str) -> dict[str, Any]:
        """``GET /{WABA-ID}/subscribed_apps``: the simulator's app, unless unsubscribed."""
        self.account(waba_id)
        if not self._subscriptions().get(waba_id, True):
            return {"data": []}
        app = {"id": APP_ID, "name": "wasim",
               "link": f"https://www.facebook.com/games/?app_id={APP_ID}"}
        return {"data": [{"whatsapp_business_api_data": app}]}

    @locked
    def subscribe(self, waba_id: str, subscribed: bool) -> dict[str, Any]:
        """``POST``/``DELETE /{WABA-ID}/subscribed_apps``: ``{"success": true}``."""
        self.account(waba_id)
        self._subscriptions()[waba_id] = subscribed
        return {"success": True}


def waba_node(account: BusinessAccount) -> dict[str, Any]:
    """Every field of a WABA node. The world file does not describe currency, time zone
    or review state, so these are fixed (USD, time zone 1, approved and verified) and the
    template namespace is derived from the id (stable across runs)."""
    digest = hashlib.sha256(f"namespace:{account.waba_id}".encode()).hexdigest()
    namespace = "_".join((digest[:8], digest[8:12], digest[12:16], digest[16:20],
                          digest[20:32]))
    return {"id": account.waba_id, "name": account.name, "currency": "USD",
            "timezone_id": "1", "message_template_namespace": namespace,
            "account_review_status": "APPROVED", "business_verification_status": "VERIFIED",
            "country": "US", "ownership_type": "SELF_OWNED", "primary_business_location": "US"}


def _messaging_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise INVALID_PARAMETER("The request body must be a JSON object.")
    if body.get("messaging_product") is None:
        raise INVALID_PARAMETER("The parameter messaging_product is required.")
    if body["messaging_product"] != "whatsapp":
        raise INVALID_PARAMETER("Param messaging_product must be 'whatsapp'.")
    return body


def _profile_value(name: str, value: Any) -> Any:
    """Validate one business profile field (limits from the spec's update request)."""
    if name in PROFILE_LIMITS:
        if not isinstance(value, str) or len(value) > PROFILE_LIMITS[name] or (
                name == "about" and not value):
            raise INVALID_PARAMETER(
                f"Param {name} must be a string of at most {PROFILE_LIMITS[name]} characters.")
        if name == "email" and value and not _EMAIL.match(value):
            raise INVALID_PARAMETER("Param email must be a valid email address.")
        return value
    if name == "vertical":
        if value not in VERTICALS:
            raise INVALID_PARAMETER(f"Param vertical must be one of {', '.join(VERTICALS)}.")
        return value
    if name == "websites":
        if not isinstance(value, list) or len(value) > 2 or not all(
                isinstance(u, str) and len(u) <= 256 and _URL.match(u) for u in value):
            raise INVALID_PARAMETER("Param websites must be at most 2 http(s) URLs of at most "
                                    "256 characters.")
        return value
    if name == "profile_picture_handle" and isinstance(value, str) and value:
        return value
    raise INVALID_PARAMETER(f"Param {name} is not a business profile field.")
