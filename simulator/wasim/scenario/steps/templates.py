"""Template steps: the business creates one; the review and the platform act on it (§2)."""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import quote

from wasim.scenario.checking import Checks, mark_of
from wasim.scenario.registry import (
    ANY,
    API_VERSION,
    BOOLEAN,
    TEXT,
    Action,
    Outcome,
    Session,
)


class CreateTemplate(Action):
    """``create_template: {name, language, category, components}``."""

    name = "create_template"
    fields: ClassVar[dict[str, dict[str, Any]]] = {
        "name": TEXT, "language": TEXT, "category": TEXT,
        "components": {"type": "array"}, "parameter_format": ANY,
        "allow_category_change": ANY, "message_send_ttl_seconds": ANY, "waba": ANY}
    required = ("name", "language", "category")
    summary = "POST /{waba-id}/message_templates"
    names_template = True

    def run(self, session: Session, args: dict[str, Any]) -> Outcome:
        waba = args.get("waba", session.waba_id)
        body = {k: v for k, v in args.items() if k != "waba"}
        response = session.call("POST", f"/{API_VERSION}/{waba}/message_templates", body)
        outcome = Outcome(response=response, template=str(args["name"]),
                          language=str(args["language"]))
        if response.status_code < 400:
            outcome.saved = response.json()
        return outcome


class _Review(Action):
    """A platform decision on a template: ``POST /_sim/templates/{name}/{action}``."""

    shape = "text_or_mapping"
    fields: ClassVar[dict[str, dict[str, Any]]] = {"template": {"type": ["string", "object"]},
                                                   "language": TEXT}
    required: ClassVar[tuple[str, ...]] = ("template",)
    text_key = "template"
    names_template = True

    def check(self, value: dict[str, Any], checks: Checks) -> None:
        checks.template(value["template"], mark_of(value, "template"))

    def run(self, session: Session, args: dict[str, Any]) -> Outcome:
        body = {k: v for k, v in args.items() if k != "template"}
        ref = quote(str(args["template"]), safe="")
        response = session.call("POST", f"/_sim/templates/{ref}/{self.name}", body)
        outcome = Outcome(response=response, template=str(args["template"]),
                          language=args.get("language"))
        if response.status_code < 400:
            outcome.saved = response.json()
        return outcome


class Approve(_Review):
    name = "approve"
    summary = "the template review approves a template"


class Reject(_Review):
    name = "reject"
    fields: ClassVar[dict[str, dict[str, Any]]] = {**_Review.fields, "reason": TEXT}
    summary = "the template review rejects a template"


class Pause(_Review):
    name = "pause"
    summary = "the platform pauses a template (quality)"


class Disable(_Review):
    name = "disable"
    summary = "the platform disables a template"


class Reinstate(_Review):
    name = "reinstate"
    summary = "a paused or disabled template is approved again"


class Flag(_Review):
    name = "flag"
    summary = "a template's quality is flagged"


class ChangeCategory(_Review):
    name = "change_category"
    shape = "mapping"
    fields: ClassVar[dict[str, dict[str, Any]]] = {
        **_Review.fields, "category": TEXT, "impending": BOOLEAN}
    required = ("template", "category")
    summary = "the platform re-categorises a template"
