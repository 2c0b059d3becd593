"""``sim.templates``: the template management API and its review (§2).

The one writer of templates after load: create / list / get / edit / delete as the Graph
endpoints do them, the automatic review on the simulated clock (rules as data, see
:mod:`wasim.rules.review`), and the control verbs of :mod:`wasim.templates.control`.
Webhooks go out through the core's ``emit`` with ``entry[].time`` (§2.6).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from wasim.clock import Job
from wasim.core import Core, Feature, JobHandler, locked
from wasim.errors import INVALID_PARAMETER
from wasim.platform.messaging import unknown_object
from wasim.rules import template_auth as auth_rules
from wasim.rules import template_create as create_rules
from wasim.rules import template_edit as edit_rules
from wasim.rules import template_limits as limits
from wasim.rules.categories import ERAS
from wasim.rules.review import RuleSet, Verdict, evaluate, facts_of
from wasim.rules.versions import extra_categories
from wasim.templates.events import STATUS_FIELD, status_update
from wasim.templates.review_rules import load_rules
from wasim.templates.view import (
    encode_cursor,
    page,
    parse_fields,
    parse_limit,
    select,
    shown_category,
    template_object,
)
from wasim.world.models import Template
from wasim.world.seed import TEMPLATE_STATUSES
from wasim.world.source import SourceError
from wasim.world.state import BusinessAccount

REVIEW_JOB = "template_review"
_EDIT_KEYS = ("category", "components", "parameter_format", "message_send_ttl_seconds")


class TemplateManager(Feature):
    """Templates of every account of one simulator.

    Args:
        core: The world, clock, schedule and webhooks it uses.
    """

    def __init__(self, core: Core) -> None:
        self._core = core
        self._rules: dict[str | None, RuleSet] = {}
        self.rules()

    def jobs(self) -> Mapping[str, JobHandler]:
        return {REVIEW_JOB: self._run_review}

    # --- lookups -------------------------------------------------------------------

    def account(self, waba_id: str) -> BusinessAccount:
        account = self._core.world.accounts.get(waba_id)
        if account is None:
            raise unknown_object(waba_id)
        return account

    def find(self, template_id: str) -> tuple[BusinessAccount, Template] | None:
        for account in self._core.world.accounts.values():
            template = account.templates.get(template_id)
            if template is not None:
                return account, template
        return None

    @locked
    def resolve(self, ref: str, language: str | None = None) -> Template:
        """A template by id, or by name (+ language when several languages exist)."""
        found = self.find(ref)
        if found is not None:
            return found[1]
        named = [t for a in self._core.world.accounts.values() for t in a.templates.values()
                 if t.name == ref and (language is None or t.language == language)]
        if not named:
            where = f" in {language}" if language else ""
            raise INVALID_PARAMETER(f"no template has id or name {ref!r}{where}")
        if len(named) > 1:
            languages = ", ".join(sorted(t.language for t in named))
            raise INVALID_PARAMETER(f"template {ref!r} exists in several languages "
                                    f"({languages}); give a language")
        return named[0]

    def _era(self) -> str:
        return self._core.world.settings.category_era

    @locked
    def show(self, template: Template) -> dict[str, Any]:
        """The template as ``GET /{TEMPLATE_ID}`` shows it with every field."""
        return template_object(template, self._era())

    # --- review rules ----------------------------------------------------------------

    def rules(self) -> RuleSet:
        """The review rules of the world (setting ``review_rules``), loaded once."""
        path = self._core.world.settings.review_rules
        if path not in self._rules:
            try:
                self._rules[path] = load_rules(Path(path) if path else None)
            except SourceError as exc:
                raise INVALID_PARAMETER(f"review rules: {exc}") from None
        return self._rules[path]

    def policy_date(self) -> date:
        """The date whose review policy applies (setting ``rules_as_of`` or the clock)."""
        return self._core.world.settings.rules_date(self._core.clock.now())

    @locked
    def verdict(self, template: Template) -> Verdict:
        """What the automatic review decides for ``template`` now."""
        requested = template.requested_category or template.category
        probe = Template(template.id, template.name, template.language, requested,
                         template.status, template.components)
        return evaluate(self.rules(), facts_of(probe, self._era(), self.policy_date()))

    # --- create ----------------------------------------------------------------------

    @locked
    def create(self, waba_id: str, body: Any, api_version: str = "") -> dict[str, Any]:
        """``POST /{WABA-ID}/message_templates`` (§2.4): validate, store PENDING, schedule.
        ``api_version``: the path's Graph version (v15.0 and older kept the 2022
        categories until 2023-05-01, §2.1)."""
        account = self.account(waba_id)
        settings = self._core.world.settings
        extra = extra_categories(api_version, self.policy_date())
        spec = create_rules.validate_create(body, self._era(), extra)
        self.rules()  # a broken rule file or date setting is refused now, not at review
        self.policy_date()
        now = self._core.clock.now()
        limits.check_unique(account.templates.values(), spec.name, spec.language)
        limits.check_name_free(self._deleted_at(waba_id, spec.name), spec.name, now)
        limits.check_count(len(account.templates), settings.template_limit)
        created = self._recent_creations(waba_id, now)
        limits.check_rate(len(created), settings.template_creation_per_hour)
        template = Template(
            id=self._core.ids.numeric(16), name=spec.name, language=spec.language,
            category=spec.category, status="PENDING", components=spec.components,
            parameter_format=spec.parameter_format, created_at=now,
            requested_category=spec.category,
            message_send_ttl_seconds=body.get("message_send_ttl_seconds"))
        account.templates[template.id] = template
        created.append(now)
        self._schedule_review(account, template)
        return {"id": template.id, "status": template.status, "category": template.category}

    def _recent_creations(self, waba_id: str, now: datetime) -> list[datetime]:
        """The WABA's creation times within the last hour, older ones dropped."""
        log = self._core.world.template_book.creations.setdefault(waba_id, [])
        while log and now - log[0] >= limits.RATE_WINDOW:
            log.pop(0)
        return log

    def _deleted_at(self, waba_id: str, name: str) -> datetime | None:
        return self._core.world.template_book.deleted_names.get(waba_id, {}).get(name)

    # --- review on the clock -----------------------------------------------------------

    def _schedule_review(self, account: BusinessAccount, template: Template) -> None:
        delay = self._core.world.settings.template_review_after
        if delay is None:
            return
        due = self._core.clock.now() + timedelta(seconds=delay)
        self._core.schedule.add(due, REVIEW_JOB, {"waba_id": account.waba_id,
                                                "template_id": template.id,
                                                "revision": template.revision})

    def _run_review(self, job: Job) -> None:
        found = self.find(job.data["template_id"])
        if found is None:
            return
        account, template = found
        if template.status != "PENDING" or template.revision != job.data.get("revision", 0):
            return
        self.apply(account, template, self.verdict(template), by="review")

    def apply(self, account: BusinessAccount, template: Template, verdict: Verdict, *,
              by: str) -> None:
        """Record a review decision and emit its status webhook (§2.6)."""
        template.status = verdict.status
        template.rejected_reason = verdict.reason if verdict.status == "REJECTED" else None
        if verdict.status == "APPROVED":
            template.category = verdict.category
        template.decision = {
            **verdict.to_dict(), "by": by, "at": self._core.clock.now().isoformat(),
            "requested_category": template.requested_category or template.category}
        self.emit_status(account, template, verdict.status,
                         verdict.reason if verdict.status == "REJECTED" else "NONE",
                         explanation=verdict.explain)

    def emit_status(self, account: BusinessAccount, template: Template, event: str,
                    reason: str | None = "NONE", **extra: Any) -> None:
        category = shown_category(template.category, self._era())[0]
        value = status_update(template, event, reason, category=category, **extra)
        self._core.emit(account.waba_id, STATUS_FIELD, value, entry_time=True)

    @locked
    def decision(self, ref: str, language: str | None = None) -> dict[str, Any]:
        """Which rule decided ``ref`` (or, while PENDING, what the rules would decide)."""
        template = self.resolve(ref, language)
        head = {"template_id": template.id, "name": template.name,
                "language": template.language, "status": template.status,
                "category": template.category}
        recorded = template.decision
        if recorded is not None:
            return {**head, "decided": True, **recorded}
        if template.status == "PENDING":
            return {**head, "decided": False, "proposed": self.verdict(template).to_dict()}
        return {**head, "decided": True, "rule": "fixture", "by": "world file",
                "explain": "Loaded with this status from the world file."}

    @locked
    def explained(self, ref: str, language: str | None = None) -> dict[str, Any]:
        """The template (every field) with the ``decision`` that gave it its status."""
        template = self.resolve(ref, language)
        return {**self.show(template), "decision": self.decision(template.id)}

    @locked
    def every(self) -> list[dict[str, Any]]:
        """Every template of every account, as :meth:`explained` shows it, plus its WABA."""
        return [{**self.show(t), "waba_id": a.waba_id, "decision": self.decision(t.id)}
                for a in self._core.world.accounts.values() for t in a.templates.values()]

    # --- list / get ------------------------------------------------------------------

    @locked
    def list(self, waba_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        """``GET /{WABA-ID}/message_templates`` (§2.5): filters, fields, limit, cursors,
        and ``summary=total_count`` (the number of templates the filters match).

        Returns ``{"data": [...], "paging": {...}}`` plus ``has_next``/``has_previous``
        for the HTTP edge to turn into ``next``/``previous`` links.
        """
        account = self.account(waba_id)
        fields = parse_fields(query.get("fields"))
        limit = parse_limit(query.get("limit"))
        wanted = self._filter(query)
        items = [t for t in account.templates.values() if wanted(t)]
        chosen, has_next, has_previous = page(items, limit, query.get("after"),
                                              query.get("before"))
        result: dict[str, Any] = {"data": [select(self.show(t), fields) for t in chosen]}
        if chosen:
            result["paging"] = {"cursors": {"before": encode_cursor(chosen[0].id),
                                            "after": encode_cursor(chosen[-1].id)}}
        if limits.wants_total_count(query.get("summary")):
            result["summary"] = {"total_count": len(items)}
        result["has_next"], result["has_previous"] = has_next, has_previous
        return result

    def _filter(self, query: Mapping[str, str]) -> Callable[[Template], bool]:
        """The list filters of §2.5 as one predicate (read once per request); a
        ``status`` or ``category`` value outside its enum is refused with 100."""
        era = self._era()
        name, language = query.get("name"), query.get("language")
        statuses = limits.list_filter(query.get("status"), "status", TEMPLATE_STATUSES)
        categories = limits.list_filter(query.get("category"), "category",
                                        tuple(dict.fromkeys(c for e in ERAS.values()
                                                            for c in e)))

        def wanted(template: Template) -> bool:
            return ((name is None or name in template.name)
                    and (statuses is None or template.status in statuses)
                    and (language is None or template.language == language)
                    and (categories is None
                         or shown_category(template.category, era)[0] in categories))

        return wanted

    @locked
    def get(self, template_id: str, fields: str | None = None) -> dict[str, Any] | None:
        """``GET /{TEMPLATE_ID}`` (§2.5); ``None`` when the id is not a template."""
        found = self.find(template_id)
        if found is None:
            return None
        return select(self.show(found[1]), parse_fields(fields))

    # --- edit / delete ---------------------------------------------------------------

    @locked
    def edit(self, template_id: str, body: Any) -> dict[str, Any] | None:
        """``POST /{TEMPLATE_ID}`` (§2.2 edit rules) → ``{"success": true}``."""
        found = self.find(template_id)
        if found is None:
            return None
        account, template = found
        if not isinstance(body, dict) or not body:
            raise auth_rules.refuse("Give category and/or components to edit.")
        unknown = [k for k in body if k not in _EDIT_KEYS]
        if unknown:
            raise auth_rules.refuse(f"Param {unknown[0]} can't be edited; editable: "
                                      f"{', '.join(_EDIT_KEYS)}.")
        now = self._core.clock.now()
        edit_rules.check_editable(template)
        edit_rules.check_edit_rate(template, template.edits, now)
        category = template.category
        if "category" in body:
            category = create_rules.check_category(body["category"], self._era())
            edit_rules.check_category_edit(template, category)
        fmt = (create_rules.parameter_format(body) if "parameter_format" in body
               else template.parameter_format)
        components = template.components
        if "components" in body:
            components = create_rules.check_components(body["components"], fmt, category)
        template.category, template.parameter_format = category, fmt
        template.components = components
        if "message_send_ttl_seconds" in body:
            template.message_send_ttl_seconds = body["message_send_ttl_seconds"]
        template.requested_category = category
        template.edits.append(now)
        template.revision += 1
        template.decision = None
        template.status, template.rejected_reason = "PENDING", None
        self._schedule_review(account, template)
        return {"success": True}

    @locked
    def delete(self, waba_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        """``DELETE /{WABA-ID}/message_templates`` by name, hsm_id + name or hsm_ids."""
        account = self.account(waba_id)
        request = edit_rules.parse_delete(query.get("name"), query.get("hsm_id"),
                                          query.get("hsm_ids"))
        chosen = edit_rules.select_deleted(account.templates.values(), request)
        blocked = self._core.world.template_book.deleted_names
        for template in chosen:
            if template.status == "APPROVED":
                blocked.setdefault(waba_id, {})[template.name] = self._core.clock.now()
            del account.templates[template.id]
        return {"success": True}
