"""Rules of editing, deleting and moving templates between statuses (§2.2, §2.3, §2.5).

Edit (M-TMGMT): only APPROVED, REJECTED and PAUSED templates can be edited; an APPROVED
one at most once per 24 hours and 10 times per 30 days, and never its category.
Delete: ``name``; ``hsm_id`` + ``name``; or ``hsm_ids`` (≤100, alone); DISABLED templates
can't be deleted. Control transitions a status can't make → 100 / 2388039.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from wasim.rules.jsontext import loads_bounded
from wasim.rules.template_auth import refuse
from wasim.world.models import Template

EDITABLE = ("APPROVED", "REJECTED", "PAUSED")
EDITS_PER_DAY = 1
EDITS_PER_MONTH = 10
HSM_IDS_MAX = 100
STATUS_CANT_CHANGE = 2388039

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "approve": ("PENDING", "REJECTED", "IN_APPEAL"),
    "reject": ("PENDING", "IN_APPEAL", "APPROVED"),
    "pause": ("APPROVED",),
    "disable": ("APPROVED", "PAUSED"),
    "reinstate": ("PAUSED", "DISABLED", "APPROVED"),
    "flag": ("APPROVED",),
    "change_category": ("APPROVED", "PAUSED"),
}
"""From which statuses each control verb may move a template (§2.3)."""


def check_editable(template: Template) -> None:
    """Only APPROVED, REJECTED and PAUSED templates can be edited (§2.2) → 100."""
    if template.status not in EDITABLE:
        raise refuse(f"A template with status {template.status} can't be edited; only "
                     f"{', '.join(EDITABLE)} templates can.")


def check_edit_rate(template: Template, edits: Iterable[datetime], now: datetime) -> None:
    """An APPROVED template: ≤1 edit per 24 h and ≤10 per 30 days (§2.2) → 100."""
    if template.status != "APPROVED":
        return
    times = list(edits)
    if sum(1 for at in times if now - at < timedelta(days=1)) >= EDITS_PER_DAY:
        raise refuse("An approved template can be edited once per 24 hours.")
    if sum(1 for at in times if now - at < timedelta(days=30)) >= EDITS_PER_MONTH:
        raise refuse(f"An approved template can be edited {EDITS_PER_MONTH} times per 30 "
                     "days.")


def check_category_edit(template: Template, category: str) -> None:
    """The category of an APPROVED template can't be edited (§2.2) → 100."""
    if template.status == "APPROVED" and category != template.category:
        raise refuse("The category of an approved template can't be edited.")


def check_deletable(template: Template) -> None:
    """DISABLED templates can't be deleted (§2.5) → 100."""
    if template.status == "DISABLED":
        raise refuse(f"Template {template.name!r} ({template.language}) is disabled and "
                     "can't be deleted.")


def check_transition(template: Template, action: str) -> None:
    """A control verb from a status it can't leave → 100 / 2388039."""
    allowed = TRANSITIONS[action]
    if template.status not in allowed:
        raise refuse(f"Can't {action.replace('_', ' ')} template {template.name!r}: its "
                     f"status is {template.status} (allowed from {', '.join(allowed)}).",
                     STATUS_CANT_CHANGE, "Template Status Can't Change")


@dataclass(frozen=True, slots=True)
class DeleteRequest:
    """What a ``DELETE /{WABA-ID}/message_templates`` asks for."""

    name: str | None = None
    hsm_id: str | None = None
    hsm_ids: tuple[str, ...] = ()


def parse_delete(name: str | None, hsm_id: str | None, hsm_ids: str | None) -> DeleteRequest:
    """Read the three delete forms (§2.5); anything else → 100."""
    if hsm_ids is not None:
        if name is not None or hsm_id is not None:
            raise refuse("hsm_ids can't be combined with name or hsm_id.")
        try:
            ids = loads_bounded(hsm_ids)
        except ValueError:
            ids = [part.strip() for part in hsm_ids.strip("[]").split(",") if part.strip()]
        if not isinstance(ids, list) or not ids or not all(
                isinstance(i, str | int) and str(i).isdigit() for i in ids):
            raise refuse("hsm_ids must be a list of template ids.")
        if len(ids) > HSM_IDS_MAX:
            raise refuse(f"hsm_ids can name at most {HSM_IDS_MAX} templates.")
        return DeleteRequest(hsm_ids=tuple(str(i) for i in ids))
    if name is None:
        raise refuse("The parameter name is required.")
    return DeleteRequest(name=name, hsm_id=hsm_id)


def select_deleted(templates: Iterable[Template], request: DeleteRequest) -> list[Template]:
    """The templates a delete request names, all-or-nothing; none found → 100."""
    items = list(templates)
    if request.hsm_ids:
        by_id = {t.id: t for t in items}
        missing = [i for i in request.hsm_ids if i not in by_id]
        if missing:
            raise refuse(f"Template with id {missing[0]} doesn't exist; nothing was deleted.")
        chosen = [by_id[i] for i in dict.fromkeys(request.hsm_ids)]
    else:
        chosen = [t for t in items if t.name == request.name
                  and (request.hsm_id is None or t.id == request.hsm_id)]
        if not chosen:
            which = f"id {request.hsm_id} and " if request.hsm_id else ""
            raise refuse(f"Message template with {which}name {request.name!r} was not found.")
    for template in chosen:
        check_deletable(template)
    return chosen
