"""Account-level limits on template creation (§2.4).

Pure checks over what an account already holds: (name, language) uniqueness (100 /
2388024), the template count (250 by default, 6,000 for verified businesses) and the
creation rate (100 per WABA per hour), both refused with 100 / 2388019, and the 30-day
block on the name of a deleted APPROVED template (M-TMGMT).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from wasim.errors import INVALID_PARAMETER
from wasim.rules.template_auth import refuse
from wasim.world.models import Template

DUPLICATE = 2388024
LIMIT = 2388019
NAME_BLOCK = timedelta(days=30)
RATE_WINDOW = timedelta(hours=1)


def check_unique(templates: Iterable[Template], name: str, language: str) -> None:
    """(name, language) is unique per WABA → 100 / 2388024 (§2.4)."""
    for template in templates:
        if template.name == name and template.language == language:
            raise refuse(
                f"There is already {language} content for this template. You can create a "
                "new template and try again.", DUPLICATE,
                "Content in This Language Already Exists")


def check_count(count: int, limit: int) -> None:
    """A WABA holds at most ``limit`` templates → 100 / 2388019 (§2.4, §6)."""
    if count >= limit:
        raise refuse(f"This business account has reached its limit of {limit} message "
                     "templates. Delete templates you no longer use and try again.", LIMIT,
                     "Message Template Limit Exceeded")


def check_rate(recent: int, per_hour: int) -> None:
    """At most ``per_hour`` creations per WABA in the last hour → 100 / 2388019 (§2.4).

    Args:
        recent: Creations of the WABA in the hour before now.
        per_hour: The limit (setting ``template_creation_per_hour``).
    """
    if recent >= per_hour:
        raise refuse(f"This business account created {recent} message templates in the "
                     f"last hour; the limit is {per_hour} per hour. Try again later.", LIMIT,
                     "Message Template Creation Limit Reached")


def check_name_free(deleted_at: datetime | None, name: str, now: datetime) -> None:
    """The name of a deleted APPROVED template is blocked for 30 days → 100 (M-TMGMT).

    Simulator deviation: the reference gives no subcode for this refusal; wasim sends none.
    """
    if deleted_at is not None and now - deleted_at < NAME_BLOCK:
        until = (deleted_at + NAME_BLOCK).date().isoformat()
        raise refuse(f"The name {name!r} belonged to an approved template deleted less than "
                     f"30 days ago; it can be reused from {until}.")


def list_filter(raw: str | None, param: str, allowed: tuple[str, ...]) -> set[str] | None:
    """A comma list filter of ``GET /{WABA-ID}/message_templates`` (§2.5).

    Graph validates enum parameters exactly: a value outside ``allowed``, lower case
    included (``status=paused``), answers 100 naming the parameter and the accepted values
    (it used to match nothing, silently, or match in any case).
    """
    if not raw:
        return None
    values = [v.strip() for v in raw.split(",")]
    for i, value in enumerate(values):
        if value not in allowed:
            raise INVALID_PARAMETER(
                message=f"(#100) Param {param}[{i}] must be one of "
                f"{{{', '.join(allowed)}}} - got \"{value}\"", details="")
    return set(values)


def wants_total_count(summary: str | None) -> bool:
    """``summary=total_count`` (or ``summary=true``) asks for ``{"total_count": N}`` (§2.5)."""
    if not summary:
        return False
    wanted = {s.strip().lower() for s in summary.split(",")}
    return bool(wanted & {"total_count", "true", "1"})
