"""Pure builders for the template webhooks' ``value`` objects (§2.6).

``message_template_status_update`` (M-TSU), ``template_category_update`` (M-TCU) and
``message_template_quality_update`` (M-TQ). ``message_template_id`` is an integer in all
three; the core wraps the value in the envelope with an integer ``entry[].time``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wasim.world.models import Template

STATUS_FIELD = "message_template_status_update"
CATEGORY_FIELD = "template_category_update"
QUALITY_FIELD = "message_template_quality_update"

RECOMMENDATIONS = {
    "INVALID_FORMAT": "Check the template's format: parameters, examples and components.",
    "INCORRECT_CATEGORY": "Choose the category that fits the content, or change the content.",
    "PROMOTIONAL": "Notification templates can't carry promotional content.",
}


def _ids(template: Template) -> dict[str, Any]:
    return {"message_template_id": int(template.id),
            "message_template_name": template.name,
            "message_template_language": template.language}


def status_update(template: Template, event: str, reason: str | None = "NONE", *,
                  category: str | None = None, explanation: str | None = None,
                  other_info: dict[str, str] | None = None,
                  disable_date: datetime | None = None) -> dict[str, Any]:
    """A ``message_template_status_update`` value (§2.6).

    Args:
        template: The template the event is about.
        event: ``APPROVED``, ``REJECTED``, ``PAUSED``, ``DISABLED``, ``FLAGGED`` ...
        reason: The rejection reason (``NONE`` for other events, ``None`` → JSON null).
        category: ``message_template_category`` (the category after the event).
        explanation: With ``INVALID_FORMAT``: the ``rejection_info.reason`` text.
        other_info: ``{title, description}`` of pauses and unpauses.
        disable_date: The date of a disable (``disable_info.disable_date``).
    """
    value: dict[str, Any] = {"event": event, **_ids(template), "reason": reason}
    if category is not None:
        value["message_template_category"] = category
    if reason == "INVALID_FORMAT":
        value["rejection_info"] = {
            "reason": explanation or "The template's format is not valid.",
            "recommendation": RECOMMENDATIONS["INVALID_FORMAT"]}
    if other_info is not None:
        value["other_info"] = other_info
    if disable_date is not None:
        value["disable_info"] = {"disable_date": int(disable_date.timestamp())}
    return value


def category_impending(template: Template, current: str, correct: str,
                       at: datetime) -> dict[str, Any]:
    """``template_category_update`` announcing a change 24 h ahead (M-TCU, §2.2).

    ``new_category`` is the category in force until then, as the reference shows it.
    """
    return {**_ids(template), "correct_category": correct, "new_category": current,
            "category_update_timestamp": int(at.timestamp())}


def category_completed(template: Template, previous: str | None) -> dict[str, Any]:
    """``template_category_update`` once the category has changed (M-TCU)."""
    return {**_ids(template), "previous_category": previous,
            "new_category": template.category}


def quality_update(template: Template, previous: str) -> dict[str, Any]:
    """``message_template_quality_update``: the score moved (M-TQ)."""
    return {"previous_quality_score": previous,
            "new_quality_score": template.quality_score, **_ids(template)}
