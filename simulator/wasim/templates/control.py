"""The template control verbs: ``sim.templates.approve(...)`` and friends (§2.2, §2.3, §2.6).

Each verb moves a template the way the platform would and emits the matching webhook:
``message_template_status_update`` (approve, reject, pause, disable, reinstate, flag),
``template_category_update`` (change_category, impending or completed; audit, which
announces one when the review rules read an approved UTILITY template as marketing) and
``message_template_quality_update`` (set_quality). ``ref`` is a template id or a name
(with ``language`` when the name exists in several languages).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from wasim.clock import Job
from wasim.core import JobHandler, locked
from wasim.errors import INVALID_PARAMETER
from wasim.rules.categories import ERAS
from wasim.rules.review import REASONS, Verdict, category_audit
from wasim.rules.template_edit import check_transition
from wasim.templates.events import (
    CATEGORY_FIELD,
    QUALITY_FIELD,
    category_completed,
    category_impending,
    quality_update,
)
from wasim.templates.manager import TemplateManager
from wasim.templates.view import shown_category
from wasim.world.models import Template
from wasim.world.state import BusinessAccount

PAUSE_HOURS = (3, 6)
"""First pause 3 h, second 6 h; the third pause disables (M-TPAUSE)."""
CATEGORY_NOTICE = timedelta(hours=24)
"""An impending category change takes effect 24 h after its notice (§2.2)."""
QUALITY_SCORES = ("GREEN", "YELLOW", "RED", "UNKNOWN")
UNPAUSE_JOB = "template_unpause"
CATEGORY_JOB = "template_category"


class Templates(TemplateManager):
    """``sim.templates``: management, review and the control verbs."""

    def jobs(self) -> Mapping[str, JobHandler]:
        return {**super().jobs(), UNPAUSE_JOB: self._run_unpause,
                CATEGORY_JOB: self._run_category}

    def _target(self, ref: str, language: str | None, action: str
                ) -> tuple[BusinessAccount, Template]:
        template = self.resolve(ref, language)
        found = self.find(template.id)
        assert found is not None
        check_transition(template, action)
        return found

    def _by_control(self, template: Template, action: str, **extra: Any) -> None:
        template.decision = {
            "rule": f"control:{action}", "by": "control", "status": template.status,
            "reason": template.rejected_reason or "NONE", "category": template.category,
            "at": self._core.clock.now().isoformat(), "explain": f"Decided by {action}().",
            **extra}

    @locked
    def approve(self, ref: str, language: str | None = None) -> dict[str, Any]:
        """PENDING / REJECTED / IN_APPEAL → APPROVED; webhook ``APPROVED``."""
        account, template = self._target(ref, language, "approve")
        verdict = Verdict("control:approve", "APPROVED", "NONE", template.category,
                          "Approved by approve().")
        self.apply(account, template, verdict, by="control")
        return self.show(template)

    @locked
    def reject(self, ref: str, reason: str = "INVALID_FORMAT",
               language: str | None = None) -> dict[str, Any]:
        """→ REJECTED with ``reason`` (§2.3 rejection reasons); webhook ``REJECTED``."""
        upper = str(reason).upper()
        if upper not in REASONS:
            raise INVALID_PARAMETER(f"unknown rejection reason {reason!r}; known: "
                                    f"{', '.join(REASONS)}")
        account, template = self._target(ref, language, "reject")
        verdict = Verdict("control:reject", "REJECTED", upper, template.category,
                          f"Rejected by reject() with {upper}.")
        self.apply(account, template, verdict, by="control")
        return self.show(template)

    @locked
    def pause(self, ref: str, language: str | None = None) -> dict[str, Any]:
        """APPROVED → PAUSED (first 3 h, second 6 h, then unpaused); third → DISABLED."""
        account, template = self._target(ref, language, "pause")
        template.pauses += 1
        pauses = template.pauses
        template.quality_score = "RED"
        if pauses > len(PAUSE_HOURS):
            return self._disable(account, template)
        hours = PAUSE_HOURS[pauses - 1]
        title = "FIRST_PAUSE" if pauses == 1 else "SECOND_PAUSE"
        template.status = "PAUSED"
        self._by_control(template, "pause", pause=pauses)
        self.emit_status(account, template, "PAUSED", "NONE", other_info={
            "title": title,
            "description": f"Your message template has been paused for {hours} hours "
                           "because of low quality."})
        self._core.schedule.add(self._core.clock.now() + timedelta(hours=hours), UNPAUSE_JOB,
                              {"template_id": template.id, "pause": pauses})
        return self.show(template)

    def _run_unpause(self, job: Job) -> None:
        found = self.find(job.data["template_id"])
        if found is None:
            return
        account, template = found
        if template.status != "PAUSED" or template.pauses != job.data["pause"]:
            return
        template.status = "APPROVED"
        self._by_control(template, "unpause")
        self.emit_status(account, template, "APPROVED", "NONE", other_info={
            "title": "UNPAUSE", "description": "Your message template has been unpaused."})

    @locked
    def disable(self, ref: str, language: str | None = None) -> dict[str, Any]:
        """APPROVED / PAUSED → DISABLED; webhook ``DISABLED`` with ``disable_info``."""
        account, template = self._target(ref, language, "disable")
        return self._disable(account, template)

    def _disable(self, account: BusinessAccount, template: Template) -> dict[str, Any]:
        template.status = "DISABLED"
        self._by_control(template, "disable")
        self.emit_status(account, template, "DISABLED", "NONE",
                         disable_date=self._core.clock.now(),
                         other_info={"title": "DISABLED", "description":
                                     "Your message template has been disabled because of "
                                     "low quality."})
        return self.show(template)

    @locked
    def reinstate(self, ref: str, language: str | None = None) -> dict[str, Any]:
        """PAUSED / DISABLED / flagged → APPROVED; webhook ``REINSTATED``."""
        account, template = self._target(ref, language, "reinstate")
        template.status = "APPROVED"
        template.flagged = False
        self._by_control(template, "reinstate")
        self.emit_status(account, template, "REINSTATED", "NONE")
        return self.show(template)

    @locked
    def flag(self, ref: str, language: str | None = None) -> dict[str, Any]:
        """Mark an APPROVED template at risk (still sendable); webhook ``FLAGGED``."""
        account, template = self._target(ref, language, "flag")
        template.flagged = True
        self.emit_status(account, template, "FLAGGED", "NONE")
        return self.show(template)

    @locked
    def change_category(self, ref: str, category: str, impending: bool = False,
                        language: str | None = None) -> dict[str, Any]:
        """Re-categorise (§2.2): ``impending`` announces it 24 h ahead, else it is done now."""
        upper = str(category).upper()
        accepted = ERAS.get(self._era(), ())
        if upper not in accepted:
            raise INVALID_PARAMETER(f"Invalid category {category!r}. Accepted categories: "
                                    f"{', '.join(accepted)}.")
        account, template = self._target(ref, language, "change_category")
        if impending:
            due = self._core.clock.now() + CATEGORY_NOTICE
            template.correct_category = upper
            self._core.emit(account.waba_id, CATEGORY_FIELD,
                           category_impending(template, self._shown(template), upper, due),
                           entry_time=True)
            self._core.schedule.add(due, CATEGORY_JOB, {"template_id": template.id,
                                                      "category": upper})
        else:
            self._complete_category(account, template, upper)
        return self.show(template)

    @locked
    def audit(self, ref: str, language: str | None = None) -> dict[str, Any]:
        """Run the post-approval category audit on one template now (§2.2).

        An APPROVED UTILITY template that the review rules read as marketing gets the
        24 h notice of :meth:`change_category` (``impending``) to MARKETING; any other
        template is left as it is. The answer is the template plus ``audit``: the
        ``outcome`` (``impending`` or ``unchanged``), the ``correct_category`` and the
        rule that classified the content.
        """
        template = self.resolve(ref, language)
        correct, verdict = category_audit(self.rules(), template, self._shown(template),
                                          self._era(), self.policy_date())
        if correct is not None:
            view = self.change_category(template.id, correct, impending=True)
        else:
            view = self.show(template)
        view["audit"] = {"outcome": "impending" if correct else "unchanged",
                         "correct_category": correct, "rule": verdict.rule,
                         "explain": verdict.explain}
        return view

    def _complete_category(self, account: BusinessAccount, template: Template,
                           category: str) -> None:
        previous = self._shown(template)
        template.category = category
        template.previous_category = previous
        template.correct_category = None
        self._core.emit(account.waba_id, CATEGORY_FIELD, category_completed(template, previous),
                       entry_time=True)

    def _shown(self, template: Template) -> str:
        return shown_category(template.category, self._era())[0]

    def _run_category(self, job: Job) -> None:
        found = self.find(job.data["template_id"])
        if found is None or found[1].correct_category != job.data["category"]:
            return
        self._complete_category(found[0], found[1], job.data["category"])

    @locked
    def set_quality(self, ref: str, score: str, language: str | None = None
                    ) -> dict[str, Any]:
        """Set the quality rating; webhook ``message_template_quality_update`` (§2.6),
        sent only when the score changes, as Meta sends it (setting the score it already
        has changes nothing and emits nothing)."""
        upper = str(score).upper()
        if upper not in QUALITY_SCORES:
            raise INVALID_PARAMETER(f"unknown quality score {score!r}; known: "
                                    f"{', '.join(QUALITY_SCORES)}")
        template = self.resolve(ref, language)
        found = self.find(template.id)
        assert found is not None
        previous = template.quality_score
        if previous == upper:
            return self.show(template)
        template.quality_score = upper
        self._core.emit(found[0].waba_id, QUALITY_FIELD, quality_update(template, previous),
                       entry_time=True)
        return self.show(template)
