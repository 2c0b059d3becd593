"""The automatic template review: a deterministic rule set kept as data (§2.2, §2.3).

Rules are tried in order and the first whose conditions all hold decides; the verdict
names that rule, so every decision is explainable. The rules themselves live in YAML
(``simulator/wasim/data/review_rules.yaml``, loaded by :mod:`wasim.templates.review_rules`); this
module only evaluates them against the facts of one template.

Conditions (``when``): ``category`` / ``not_category`` (the requested category is / is not
in the list), ``era`` (the world's category era), ``rules_before`` / ``rules_from`` (the
policy date, e.g. 2025-04-09 when promotional UTILITY started being approved as
MARKETING), ``matches`` / ``not_matches`` (a vocabulary list matches the template's
text), ``missing_button`` (a button type is absent), ``has_url``, ``media_header``,
``has_emoji``, ``adjacent_params`` (booleans) and ``long_params`` (an example value is
longer than N characters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from wasim.world.models import Template

CONDITIONS = ("category", "not_category", "era", "rules_before", "rules_from", "matches",
              "not_matches", "missing_button", "has_url", "media_header", "has_emoji",
              "adjacent_params", "long_params")
OUTCOMES = ("APPROVED", "REJECTED")
REASONS = ("ABUSIVE_CONTENT", "INCORRECT_CATEGORY", "INVALID_FORMAT", "NONE", "PROMOTIONAL",
           "SCAM", "TAG_CONTENT_MISMATCH")
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\U0001f000-\U0001f2ff]")
_ADJACENT = re.compile(r"\}\}\s*\{\{")


@dataclass(frozen=True, slots=True)
class Rule:
    """One review rule: conditions, and the decision when they all hold."""

    id: str
    when: dict[str, Any]
    status: str
    reason: str = "NONE"
    category: str | None = None
    explain: str = ""


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Ordered rules plus the named pattern lists their ``matches`` refer to."""

    rules: tuple[Rule, ...]
    vocabulary: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)
    source: str = "<rules>"


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules look at in one template."""

    category: str
    era: str
    policy_date: date
    texts: tuple[str, ...]
    button_types: tuple[str, ...]
    media_header: bool
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Verdict:
    """A decision and the rule that made it."""

    rule: str
    status: str
    reason: str
    category: str
    explain: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "status": self.status, "reason": self.reason,
                "category": self.category, "explain": self.explain}


def _example_values(component: dict[str, Any]) -> list[str]:
    example = component.get("example")
    values: list[str] = []
    if isinstance(example, dict):
        for value in example.values():
            stack = [value]
            while stack:
                item = stack.pop()
                if isinstance(item, list):
                    stack.extend(item)
                elif isinstance(item, dict) and "example" in item:
                    values.append(str(item["example"]))
                elif isinstance(item, str | int | float):
                    values.append(str(item))
    return values


def facts_of(template: Template, era: str, policy_date: date) -> Facts:
    """The facts of ``template`` under ``era`` on ``policy_date``."""
    texts: list[str] = []
    buttons: list[str] = []
    examples: list[str] = []
    media = False
    for component in template.components:
        kind = str(component.get("type", "")).upper()
        if isinstance(component.get("text"), str):
            texts.append(component["text"])
        if kind == "HEADER" and str(component.get("format", "TEXT")).upper() != "TEXT":
            media = True
        if kind != "HEADER" or str(component.get("format", "TEXT")).upper() == "TEXT":
            examples.extend(_example_values(component))
        for button in component.get("buttons", []) if kind == "BUTTONS" else []:
            buttons.append(str(button.get("type", "")).upper())
            texts.extend(str(button[k]) for k in ("text", "url") if button.get(k))
    return Facts(template.category, era, policy_date, tuple(texts), tuple(buttons), media,
                 tuple(examples))


def _matches(rules: RuleSet, names: Any, texts: tuple[str, ...]) -> bool:
    wanted = [names] if isinstance(names, str) else list(names)
    return any(p.search(t) for n in wanted for p in rules.vocabulary.get(n, ()) for t in texts)


def holds(rules: RuleSet, key: str, expected: Any, facts: Facts) -> bool:
    """Whether one condition holds for ``facts``."""
    checks: dict[str, Any] = {
        "category": lambda: facts.category in expected,
        "not_category": lambda: facts.category not in expected,
        "era": lambda: facts.era in expected,
        "rules_before": lambda: facts.policy_date < expected,
        "rules_from": lambda: facts.policy_date >= expected,
        "matches": lambda: _matches(rules, expected, facts.texts),
        "not_matches": lambda: not _matches(rules, expected, facts.texts),
        "missing_button": lambda: expected not in facts.button_types,
        "has_url": lambda: any(_URL.search(t) for t in facts.texts) == expected,
        "media_header": lambda: facts.media_header == expected,
        "has_emoji": lambda: any(_EMOJI.search(t) for t in facts.texts) == expected,
        "adjacent_params": lambda: any(_ADJACENT.search(t) for t in facts.texts) == expected,
        "long_params": lambda: any(len(v) > expected for v in facts.examples),
    }
    return bool(checks[key]())


def evaluate(rules: RuleSet, facts: Facts) -> Verdict:
    """The verdict of the first rule whose conditions all hold (§2.2).

    A rule set without a catch-all approves what no rule matched (rule ``default``).
    """
    for rule in rules.rules:
        if all(holds(rules, key, value, facts) for key, value in rule.when.items()):
            category = rule.category or facts.category
            return Verdict(rule.id, rule.status, rule.reason, category, rule.explain)
    return Verdict("default", "APPROVED", "NONE", facts.category,
                   "No review rule matched; approved.")



AUDITS_FROM = date(2024, 7, 1)
"""Post-approval category audits of UTILITY templates began on this date (§2.2)."""
READS_AS_MARKETING_FROM = date(2025, 4, 9)
"""From this date the review approves a UTILITY template that reads as marketing as
MARKETING: a rule set's verdict on that date names the category the content reads as."""


def category_audit(rules: RuleSet, template: Template, shown: str, era: str,
                   policy_date: date) -> tuple[str | None, Verdict]:
    """The post-approval audit of one template (§2.2, since 2024-07-01).

    An APPROVED UTILITY template whose content the rules read as marketing is to become
    MARKETING (24 h notice, status unchanged): returns ``("MARKETING", verdict)``;
    anything else returns ``(None, verdict)``. ``shown`` is the category the template
    has in ``era`` (a legacy ``SHIPPING_UPDATE`` is UTILITY today). The content is
    classified as the rules do
    from 2025-04-09 on, whatever ``policy_date`` (only the audit's own start date
    matters), so a rule set that rejected such templates before that day still names
    MARKETING here.
    """
    probe = Template(template.id, template.name, template.language, shown,
                     template.status, template.components)
    verdict = evaluate(rules, facts_of(probe, era,
                                       max(policy_date, READS_AS_MARKETING_FROM)))
    audited = (policy_date >= AUDITS_FROM and template.status == "APPROVED"
               and shown == "UTILITY")
    if audited and verdict.status == "APPROVED" and verdict.category == "MARKETING":
        return "MARKETING", verdict
    return None, verdict
