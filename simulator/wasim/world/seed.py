"""Load a world from YAML: the embedded default or a ``--fixtures`` file.

The format is documented in docs/reference/world-files.md. Every problem is reported as
``file:line: what is wrong`` before anything starts.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wasim.clock import parse_instant
from wasim.errors import GraphError
from wasim.rules.categories import ERAS, era_of
from wasim.rules.regions import region_of
from wasim.world.models import Contact, PhoneNumber, Template, Token
from wasim.world.source import Reader, load_file, loads, plain
from wasim.world.state import BusinessAccount, World, WorldSettings

if TYPE_CHECKING:
    from wasim.config import Options

DEFAULT_WORLD = "default_world.yaml"
TEMPLATE_STATUSES = ("APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED", "IN_APPEAL",
                     "PENDING_DELETION", "DELETED", "ARCHIVED", "LIMIT_EXCEEDED", "LOCKED")
_NAME = re.compile(r"^[a-z0-9_]+$")
_DIGITS = re.compile(r"^\d{5,15}$")
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def default_world_text() -> str:
    """The YAML of the world embedded in the package."""
    return resources.files("wasim.data").joinpath(DEFAULT_WORLD).read_text("utf-8")


def load_world(path: str | Path | None = None) -> World:
    """The world in ``path``, or the embedded default world when ``path`` is ``None``."""
    if path is None:
        return parse_world(loads(default_world_text(), f"<embedded {DEFAULT_WORLD}>"),
                           f"<embedded {DEFAULT_WORLD}>")
    return parse_world(load_file(path), str(path))


def parse_world(data: Any, path: str, *, columns: bool = True) -> World:
    """Build a :class:`World` from loaded YAML, refusing anything malformed
    (``columns=True`` adds the column to messages, as scenario files report)."""
    top = Reader(data, path, columns=columns, where="a world file")
    top.only("app_secret", "verify_token", "webhook_url", "tokens", "settings", "accounts",
             "description")
    world = World(app_secret=top.text("app_secret", required=True),
                  verify_token=top.text("verify_token", required=True),
                  webhook_url=top.optional_text("webhook_url"))
    for reader in top.readers("tokens", required=True):
        token = _token(reader)
        world.tokens[token.value] = token
    if not world.tokens:
        raise top.error(top.mark_of("tokens"), "'tokens' must list at least one token")
    settings = top.mapping("settings")
    if settings is not None:
        _settings(world.settings, settings)
    for reader in top.readers("accounts", required=True):
        account = _account(reader, world)
        world.accounts[account.waba_id] = account
    if not world.accounts:
        raise top.error(top.mark_of("accounts"), "'accounts' must list at least one account")
    return world


def _settings(target: WorldSettings, reader: Reader) -> None:
    for key, value in reader.data.items():
        value = plain(value)
        if key == "review_rules" and isinstance(value, str) and value:
            value = _beside(reader.path, value)
        try:
            target.update({key: value})
        except GraphError as exc:
            raise reader.error(reader.mark_of(key), exc.details) from None
    if target.category_era not in ERAS:
        raise reader.error(reader.mark_of("category_era"),
                           f"category_era must be one of {', '.join(ERAS)}")


def _beside(world_path: str, path: str) -> str:
    """A path named in a world file: relative ones are read from the world file's folder."""
    if Path(path).is_absolute() or world_path.startswith("<"):
        return path
    return str(Path(world_path).parent / path)


def _token(reader: Reader) -> Token:
    reader.only("value", "scopes", "expires_at")
    scopes = frozenset({"messaging", "management"})
    if "scopes" in reader.data:
        listed = reader.items("scopes")
        for mark, scope in listed:
            if scope not in ("messaging", "management"):
                raise reader.error(mark, f"unknown scope {scope!r} (messaging, management)")
        scopes = frozenset(scope for _, scope in listed)
    expires = reader.optional_text("expires_at")
    try:
        expires_at = parse_instant(expires) if expires else None
    except GraphError as exc:
        raise reader.error(reader.mark_of("expires_at"), exc.details) from None
    return Token(reader.text("value", required=True), scopes, expires_at)


def _account(reader: Reader, world: World) -> BusinessAccount:
    reader.only("waba_id", "name", "portfolio", "phone_numbers", "contacts", "templates")
    waba_id = _digits(reader, "waba_id")
    if waba_id in world.accounts:
        raise reader.error(reader.mark_of("waba_id"), f"duplicate waba_id {waba_id}")
    account = BusinessAccount(waba_id, reader.text("name", required=True),
                              portfolio=reader.optional_text("portfolio"))
    for phone_reader in reader.readers("phone_numbers", required=True):
        phone = _phone(phone_reader, waba_id)
        if world.phone(phone.id) or phone.id in account.phone_numbers:
            raise phone_reader.error(phone_reader.mark_of("id"),
                                     f"duplicate phone number id {phone.id}")
        account.phone_numbers[phone.id] = phone
    if not account.phone_numbers:
        raise reader.error(reader.mark_of("phone_numbers"),
                           "'phone_numbers' must list at least one number")
    for contact_reader in reader.readers("contacts"):
        contact = _contact(contact_reader, waba_id)
        account.contacts[contact.wa_id] = contact
    for template_reader in reader.readers("templates"):
        template = _template(template_reader, waba_id)
        if account.find_template(template.name, template.language):
            raise template_reader.error(
                template_reader.mark,
                f"duplicate template {template.name!r} in language {template.language}")
        account.templates[template.id] = template
    return account


def _digits(reader: Reader, key: str) -> str:
    value = reader.text(key, required=True)
    if not _DIGITS.match(value):
        raise reader.error(reader.mark_of(key), f"{key!r} must be 5 to 15 digits, got {value!r}")
    return value


def _phone(reader: Reader, waba_id: str) -> PhoneNumber:
    reader.only("id", "display_phone_number", "verified_name", "quality_rating",
                "registered", "throughput")
    return PhoneNumber(
        id=_digits(reader, "id"),
        display_phone_number=_digits(reader, "display_phone_number"),
        verified_name=reader.text("verified_name", required=True),
        waba_id=waba_id,
        quality_rating=reader.text("quality_rating", "GREEN"),
        registered=reader.flag("registered", True),
        throughput=reader.integer("throughput", 80),
    )


def stable_id(*parts: str, digits: int = 16) -> str:
    """A numeric id derived from ``parts``, the same on every load."""
    number = int(hashlib.sha256("/".join(parts).encode()).hexdigest(), 16)
    return str(10 ** (digits - 1) + number % (9 * 10 ** (digits - 1)))


def _contact(reader: Reader, waba_id: str) -> Contact:
    reader.only("wa_id", "name", "user_id", "alias", "opted_out_marketing")
    wa_id = _digits(reader, "wa_id")
    return Contact(
        wa_id=wa_id,
        name=reader.text("name", required=True),
        user_id=reader.text("user_id",
                            f"{region_of(wa_id)}.{stable_id(waba_id, wa_id, digits=20)}"),
        opted_out_marketing=reader.flag("opted_out_marketing", False),
        alias=reader.optional_text("alias"),
    )


def _template(reader: Reader, waba_id: str) -> Template:
    reader.only("id", "name", "language", "category", "status", "components",
                "parameter_format", "previous_category", "quality_score", "rejected_reason",
                "sub_category")
    name = reader.text("name", required=True)
    if not _NAME.match(name) or len(name) > 512:
        raise reader.error(reader.mark_of("name"),
                           f"template name {name!r} must match [a-z0-9_]+ (at most 512)")
    language = reader.text("language", required=True)
    category = reader.text("category", required=True).upper()
    if era_of(category) is None:
        known = sorted({c for names in ERAS.values() for c in names})
        raise reader.error(reader.mark_of("category"),
                           f"unknown category {category!r} (known: {', '.join(known)})")
    status = reader.text("status", "APPROVED").upper()
    if status not in TEMPLATE_STATUSES:
        raise reader.error(reader.mark_of("status"),
                           f"unknown status {status!r} (known: {', '.join(TEMPLATE_STATUSES)})")
    parameter_format = reader.text("parameter_format", "POSITIONAL").upper()
    if parameter_format not in ("POSITIONAL", "NAMED"):
        raise reader.error(reader.mark_of("parameter_format"),
                           "parameter_format must be POSITIONAL or NAMED")
    components = [plain(item) for _, item in reader.items("components", required=True)]
    if not any(str(c.get("type", "")).upper() == "BODY" for c in components
               if isinstance(c, dict)):
        raise reader.error(reader.mark_of("components"),
                           "a template needs exactly one BODY component")
    previous = reader.optional_text("previous_category")
    return Template(
        id=reader.text("id", stable_id(waba_id, name, language)),
        name=name, language=language, category=category, status=status,
        components=components, parameter_format=parameter_format,
        previous_category=previous.upper() if previous else None,
        sub_category=reader.optional_text("sub_category"),
        rejected_reason=reader.optional_text("rejected_reason"),
        quality_score=reader.text("quality_score", "UNKNOWN"),
        created_at=_EPOCH,
    )


def configured_world(opts: Options, base: World | None = None) -> World:
    """The world ``opts`` describe: ``base`` (a world already loaded from
    ``opts.world``) or ``opts.world`` loaded, with the options' overrides applied.

    ``base`` itself is answered when nothing overrides it: it is then only read (as a
    simulator's reset base), never changed.
    """
    if base is not None and not (opts.settings or opts.webhook_url or opts.app_secret
                                 or opts.verify_token):
        return base
    given = base if base is not None else opts.world
    world = given.copy() if isinstance(given, World) else load_world(given)
    if opts.webhook_url is not None:
        world.webhook_url = opts.webhook_url
    if opts.app_secret is not None:
        world.app_secret = opts.app_secret
    if opts.verify_token is not None:
        world.verify_token = opts.verify_token
    world.settings.update(dict(opts.settings))
    return world
