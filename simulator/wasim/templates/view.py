"""How the management API shows templates (§2.1, §2.5).

Pure: a :class:`~wasim.world.models.Template` → the Graph object (category as the world's
era names it, with ``previous_category`` where the era mapping applies), ``fields``
selection and cursor paging.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from wasim.errors import INVALID_PARAMETER
from wasim.rules.categories import ERAS, LEGACY_TEN, current_category
from wasim.world.models import Template

DEFAULT_LIMIT = 25
MAX_LIMIT = 1000
FIELDS = ("id", "name", "language", "status", "category", "previous_category",
          "correct_category", "sub_category", "parameter_format", "components",
          "rejected_reason", "quality_score", "message_send_ttl_seconds")
_DEFAULT = ("name", "parameter_format", "components", "language", "status", "category",
            "sub_category", "id", "previous_category")
_TO_2022 = {**{c: "TRANSACTIONAL" for c in (*LEGACY_TEN, "AUTO_REPLY", "UTILITY")},
            "AUTHENTICATION": "OTP"}


def shown_category(category: str, era: str) -> tuple[str, str | None]:
    """(category, previous_category) as a world of ``era`` reads a stored category (§2.1).

    A category of an older era is shown mapped (legacy ten and TRANSACTIONAL → UTILITY,
    OTP → AUTHENTICATION in ``current``; legacy → TRANSACTIONAL in ``2022``) with the
    stored one as ``previous_category``; the ``legacy`` era shows categories as stored.
    """
    if era == "legacy" or category in ERAS.get(era, ()):
        return category, None
    mapped = current_category(category) if era == "current" else _TO_2022.get(category,
                                                                               category)
    return mapped, category if mapped != category else None


def template_object(template: Template, era: str) -> dict[str, Any]:
    """Every field of a template as Graph shows it (``FIELDS``)."""
    category, previous = shown_category(template.category, era)
    obj: dict[str, Any] = {
        "name": template.name,
        "parameter_format": template.parameter_format,
        "components": template.components,
        "language": template.language,
        "status": template.status,
        "category": category,
        "id": template.id,
        "quality_score": {"score": template.quality_score},
        "rejected_reason": template.rejected_reason or "NONE",
    }
    if template.sub_category is not None:
        obj["sub_category"] = template.sub_category
    if template.previous_category is not None or previous is not None:
        obj["previous_category"] = template.previous_category or previous
    if template.correct_category is not None:
        obj["correct_category"] = template.correct_category
    ttl = template.message_send_ttl_seconds
    if ttl is not None:
        obj["message_send_ttl_seconds"] = ttl
    return obj


def parse_fields(raw: str | None) -> tuple[str, ...] | None:
    """``?fields=a,b`` → the names (``None``: the default set); unknown names → 100."""
    if raw is None or not raw.strip():
        return None
    names = tuple(f.strip() for f in raw.split(",") if f.strip())
    unknown = [n for n in names if n not in FIELDS]
    if unknown:
        raise INVALID_PARAMETER(
            f"(#100) Tried accessing nonexisting field ({unknown[0]}) on node type "
            "(WhatsAppMessageTemplate)", message=f"(#100) Tried accessing nonexisting field "
            f"({unknown[0]}) on node type (WhatsAppMessageTemplate)")
    return names


def select(obj: dict[str, Any], fields: tuple[str, ...] | None) -> dict[str, Any]:
    """Keep the requested fields (``id`` always comes back, as on Graph)."""
    wanted = _DEFAULT if fields is None else (*fields, "id")
    return {k: v for k, v in obj.items() if k in wanted}


def encode_cursor(template_id: str) -> str:
    return base64.urlsafe_b64encode(template_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The template id in a cursor; a cursor wasim did not issue → 100."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise INVALID_PARAMETER(f"Invalid cursor {cursor!r}.") from None
    if not value.isdigit():
        raise INVALID_PARAMETER(f"Invalid cursor {cursor!r}.")
    return value


def parse_limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise INVALID_PARAMETER(f"Param limit must be an integer from 1 to {MAX_LIMIT}.")
    return int(raw)


def page(items: list[Template], limit: int, after: str | None,
         before: str | None) -> tuple[list[Template], bool, bool]:
    """One page of ``items`` and whether there are pages after and before it."""
    ids = [t.id for t in items]
    start, end = 0, len(items)
    if after is not None:
        target = decode_cursor(after)
        start = ids.index(target) + 1 if target in ids else len(items)
        end = min(start + limit, len(items))
    elif before is not None:
        target = decode_cursor(before)
        end = ids.index(target) if target in ids else 0
        start = max(0, end - limit)
    else:
        end = min(limit, len(items))
    return items[start:end], end < len(items), start > 0
