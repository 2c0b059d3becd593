"""The shape of a state export (format 2), checked as a whole before an import replaces
anything.

``check_state`` walks the export against :data:`STATE` without recursion and refuses the
first value that is not what ``export_state`` produces, naming its path
(``world.accounts[0].phone_numbers[0].throughput: expected a whole number from 1 to
1000, got null``). Settings go through the one settings check (``WorldSettings.update``);
instants must read as ISO-8601 within the clock's range. Then :func:`check_references`
makes sure every message, window and inbound message names a number of the world. A
feature's own part (``parts``) is checked by that feature when it loads; the core puts
the whole state back if it refuses.

The schema follows ``to_dict`` of the world's models and parts: a field added there is
added here too (a test exports a rich state and checks it against this schema).
"""

from __future__ import annotations

import base64
import binascii
import math
from dataclasses import dataclass
from typing import Any

from wasim.clock import EARLIEST, LATEST, parse_instant
from wasim.errors import INVALID_PARAMETER, GraphError
from wasim.world.settingspec import SPECS, YEAR, checked

STATUSES = ("sent", "delivered", "read", "played", "failed")
TEMPLATE_STATUSES = ("APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED", "IN_APPEAL",
                     "PENDING_DELETION", "DELETED", "ARCHIVED", "LIMIT_EXCEEDED", "LOCKED")
BIG = 2**53


@dataclass(frozen=True, slots=True)
class Kind:
    """A leaf: ``str``, ``int``, ``num``, ``bool``, ``instant``, ``base64``, ``object``
    (any JSON object), ``any``, ``enum`` (one of ``choices``) or ``settings``."""

    name: str
    low: float = 0
    high: float = BIG
    choices: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class Opt:
    """``inner`` or null."""

    inner: Any


@dataclass(frozen=True, slots=True)
class MapOf:
    """A JSON object with any keys, each value ``inner``."""

    inner: Any


@dataclass(frozen=True, slots=True)
class Open:
    """A record whose listed keys are checked and whose other keys are free."""

    fields: dict[str, Any]


S, B, T = Kind("str", 0, 1_000_000), Kind("bool"), Kind("instant")
OBJ, ANY = Kind("object"), Kind("any")


def _int(low: float, high: float) -> Kind:
    return Kind("int", low, high)


def _enum(*choices: Any) -> Kind:
    return Kind("enum", choices=choices)


SECONDS = Kind("num", 0, YEAR)
TOKEN = {"value": Kind("str", 1, 4096), "scopes": [_enum("messaging", "management")],
         "expires_at?": Opt(T)}
PHONE = {"id": S, "display_phone_number": S, "verified_name": S, "waba_id": S,
         "quality_rating?": S, "registered?": B, "throughput?": _int(1, 1000),
         "pin?": Opt(S), "registration_attempts?": [T], "profile?": OBJ}
CONTACT = {"wa_id": S, "name": S, "user_id": S, "opted_out_marketing?": B, "alias?": Opt(S)}
TEMPLATE = {"id": S, "name": S, "language": S, "category": S,
            "status": _enum(*TEMPLATE_STATUSES), "components": [Open({"type": S})],
            "parameter_format?": _enum("POSITIONAL", "NAMED"), "previous_category?": Opt(S),
            "correct_category?": Opt(S), "sub_category?": Opt(S),
            "rejected_reason?": Opt(S), "quality_score?": S, "created_at?": Opt(T),
            "requested_category?": Opt(S), "revision?": _int(0, BIG), "edits?": [T],
            "message_send_ttl_seconds?": ANY, "decision?": Opt(OBJ),
            "pauses?": _int(0, BIG), "flagged?": B}
ACCOUNT = {"waba_id": S, "name": S, "phone_numbers": [PHONE], "contacts?": [CONTACT],
           "templates?": [TEMPLATE], "portfolio?": Opt(S)}
STATUS_EVENT = {"status": _enum(*STATUSES), "at": T, "pricing?": Opt(OBJ),
                "conversation?": Opt(OBJ), "errors?": Opt([OBJ])}
OUTBOUND = {"id": S, "phone_number_id": S, "waba_id": S, "to": S, "input": S, "type": S,
            "body": OBJ, "created_at": T, "in_window": B, "category?": Opt(S),
            "template_name?": Opt(S), "template_language?": Opt(S), "api_version?": S,
            "pricing?": Opt(OBJ), "biz_opaque_callback_data?": Opt(S),
            "conversation?": Opt(OBJ), "status?": S, "statuses?": [STATUS_EVENT],
            "error?": Opt(OBJ)}
INBOUND = {"id": S, "phone_number_id": S, "from": S, "type": S, "message": OBJ, "at": T}
WINDOW = {"phone_number_id": S, "wa_id": S, "last_inbound": T}
MEDIA_FILE = {"id": S, "phone_number_id": Opt(S), "mime_type": S, "sha256": S,
              "file_size": _int(0, BIG), "filename?": Opt(S), "origin": S, "created_at": T,
              "expires_at": T, "data": Kind("base64")}
MEDIA = {"files?": [MEDIA_FILE], "urls?": MapOf({"media_id": S, "expires_at": T})}
PRICING = {"fep?": MapOf({"referral_at?": Opt(T), "opened_at?": Opt(T), "id?": Opt(S),
                          "expires_at?": Opt(T)}),
           "conversations?": MapOf([{"id": S, "category": S, "opened_at": T,
                                     "expires_at": T}])}
WORLD = {"accounts": [ACCOUNT], "tokens": [TOKEN], "app_secret?": S, "verify_token?": S,
         "webhook_url?": Opt(S), "settings?": Kind("settings"), "messages?": [OUTBOUND],
         "inbound?": [INBOUND], "windows?": [WINDOW], "media?": MEDIA, "pricing?": PRICING,
         "progression?": MapOf({"delivered_after?": Opt(SECONDS), "read_after?": Opt(SECONDS)}),
         "subscribed_apps?": MapOf(B),
         "template_book?": {"creations?": MapOf([T]), "deleted_names?": MapOf(MapOf(T))}}
JOB_DATA: dict[str, Any] = {
    "status": Open({"message_id": S, "status": _enum(*STATUSES), "error?": Opt(OBJ)}),
    "template_review": Open({"template_id": S, "revision?": _int(0, BIG)}),
    "template_unpause": Open({"template_id": S}),
    "template_category": Open({"template_id": S, "category": S}),
    "webhook_retry": Open({"delivery_id": S}),
}
"""The payload of each kind of scheduled job, as its feature reads it."""
JOB = {"due": T, "seq": _int(0, BIG), "kind": S, "data": OBJ}
WEBHOOK = {"id": S, "field": S, "waba_id": S, "payload": OBJ, "created_at": T}
STATE = {"format": _enum(2), "clock": {"now": T, "frozen?": B}, "world": WORLD,
         "schedule?": [JOB], "webhooks?": [WEBHOOK], "parts?": MapOf(ANY)}
"""A state export of format 2, as ``export_state`` writes it."""


def check_state(state: Any) -> None:
    """Refuse (100) the first value of ``state`` that does not fit :data:`STATE`, then
    any job payload that does not fit its kind, then any dangling reference."""
    _walk(state, STATE, "")
    for index, job in enumerate(state.get("schedule", [])):
        shape = JOB_DATA.get(job["kind"])
        if shape is not None:
            _walk(job["data"], shape, f"schedule[{index}].data")
    check_references(state["world"])


def check_references(world: dict[str, Any]) -> None:
    """Every message, inbound message and window names a number of the world, and the
    world has a number to receive with and a token to call with."""
    phones = {p["id"] for a in world["accounts"] for p in a["phone_numbers"]}
    if not phones:
        raise _refused("world.accounts", "at least one account with a phone number")
    if not world["tokens"]:
        raise _refused("world.tokens", "at least one token")
    for key, field_name in (("messages", "phone_number_id"), ("inbound", "phone_number_id"),
                            ("windows", "phone_number_id")):
        for index, item in enumerate(world.get(key, [])):
            if item[field_name] not in phones:
                raise _refused(f"world.{key}[{index}].{field_name}",
                               "a phone number id of the world", item[field_name])


def _walk(value: Any, shape: Any, path: str) -> None:
    """Check ``value`` against ``shape`` with an explicit stack (no recursion)."""
    stack: list[tuple[Any, Any, str]] = [(value, shape, path)]
    while stack:
        item, expected, where = stack.pop()
        if isinstance(expected, Opt):
            if item is not None:
                stack.append((item, expected.inner, where))
        elif isinstance(expected, list):
            if not isinstance(item, list):
                raise _refused(where, "a list", item)
            stack.extend((entry, expected[0], f"{where}[{i}]") for i, entry in enumerate(item))
        elif isinstance(expected, MapOf):
            if not isinstance(item, dict):
                raise _refused(where, "an object", item)
            stack.extend((entry, expected.inner, _join(where, str(key)))
                         for key, entry in item.items())
        elif isinstance(expected, dict | Open):
            stack.extend(_fields(item, expected, where))
        else:
            _leaf(item, expected, where)


def _fields(item: Any, expected: dict[str, Any] | Open, where: str) -> list[
        tuple[Any, Any, str]]:
    if not isinstance(item, dict):
        raise _refused(where, "an object", item)
    shape = expected.fields if isinstance(expected, Open) else expected
    names = {name.rstrip("?") for name in shape}
    if not isinstance(expected, Open):
        for key in item:
            if key not in names:
                raise _refused(_join(where, str(key)), "no such field (known: "
                               f"{', '.join(sorted(names))})")
    found = []
    for name, inner in shape.items():
        key = name.rstrip("?")
        if key in item:
            found.append((item[key], inner, _join(where, key)))
        elif not name.endswith("?"):
            raise _refused(_join(where, key), "a value (the field is missing)")
    return found


def _leaf(item: Any, kind: Kind, where: str) -> None:
    name = kind.name
    if name == "any" or (name == "object" and isinstance(item, dict)):
        return
    if name == "object":
        raise _refused(where, "an object", item)
    if name == "settings":
        _settings(item, where)
    elif name == "enum":
        if item not in kind.choices or isinstance(item, bool):
            raise _refused(where, "one of " + ", ".join(map(str, kind.choices)), item)
    elif name == "bool":
        if not isinstance(item, bool):
            raise _refused(where, "true or false", item)
    elif name in ("str", "instant", "base64"):
        _text(item, kind, where)
    else:
        _number(item, kind, where)


def _text(item: Any, kind: Kind, where: str) -> None:
    if not isinstance(item, str):
        raise _refused(where, "a string", item)
    if kind.name == "str" and not kind.low <= len(item) <= kind.high:
        raise _refused(where, f"a string of {kind.low:.0f} to {kind.high:.0f} characters")
    if kind.name == "instant":
        try:
            at = parse_instant(item)
        except (GraphError, OverflowError):
            raise _refused(where, "an ISO-8601 instant", item) from None
        if not EARLIEST <= at <= LATEST:
            raise _refused(where, f"an instant from {EARLIEST.year} to {LATEST.year}", item)
    if kind.name == "base64":
        try:
            base64.b64decode(item, validate=True)
        except (binascii.Error, ValueError):
            raise _refused(where, "base64 text") from None


def _number(item: Any, kind: Kind, where: str) -> None:
    whole = kind.name == "int"
    what = (f"a whole number from {kind.low:.0f} to {kind.high:.0f}" if whole
            else f"a number from {kind.low:g} to {kind.high:g}")
    if isinstance(item, bool) or not isinstance(item, int | float) or (
            whole and not isinstance(item, int)):
        raise _refused(where, what, item)
    if isinstance(item, float) and not math.isfinite(item):
        raise _refused(where, what, item)
    if not kind.low <= item <= kind.high:
        raise _refused(where, what, item)


def _settings(item: Any, where: str) -> None:
    if not isinstance(item, dict):
        raise _refused(where, "an object", item)
    for name, value in item.items():
        if name not in SPECS:
            raise _refused(_join(where, str(name)), "a known setting")
        try:
            checked(name, value)
        except GraphError as exc:
            raise INVALID_PARAMETER(f"malformed state export: {_join(where, name)}: "
                                    f"{exc.details}") from None


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _refused(where: str, expected: str, *given: Any) -> GraphError:
    shown = ""
    if given:
        text = "null" if given[0] is None else repr(given[0])
        shown = f", got {text if len(text) <= 60 else text[:57] + '...'}"
    return INVALID_PARAMETER(f"malformed state export: {where or 'the body'}: expected "
                             f"{expected}{shown}")
