from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from wasim.rules.review import Facts, RuleSet, evaluate, facts_of
from wasim.templates.review_rules import load_rules, parse_rules
from wasim.world.models import Template
from wasim.world.source import SourceError, loads

RULES = load_rules()
NOW = date(2026, 1, 5)
BEFORE_2025 = date(2024, 12, 1)
OTP_BUTTON = {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE",
                                              "text": "Copy code"}]}


def template(category: str, text: str, *extra: dict[str, Any]) -> Template:
    return Template("1", "t", "en_US", category, "PENDING",
                    [{"type": "BODY", "text": text}, *extra])


def decide(t: Template, era: str = "current", on: date = NOW) -> tuple[str, str, str, str]:
    verdict = evaluate(RULES, facts_of(t, era, on))
    return verdict.rule, verdict.status, verdict.reason, verdict.category


AUTH_TEXT = "Your login code is {{1}}."


@pytest.mark.parametrize(("t", "era", "on", "expected"), [
    pytest.param(template("AUTHENTICATION", AUTH_TEXT), "current", NOW,
                 ("authentication-needs-otp-button", "REJECTED", "INVALID_FORMAT",
                  "AUTHENTICATION"), id="auth-without-otp-button"),
    pytest.param(template("AUTHENTICATION", AUTH_TEXT + " See https://x.example", OTP_BUTTON),
                 "current", NOW, ("authentication-no-url", "REJECTED", "INVALID_FORMAT",
                                  "AUTHENTICATION"), id="auth-with-url"),
    pytest.param(template("AUTHENTICATION", AUTH_TEXT, OTP_BUTTON,
                          {"type": "HEADER", "format": "IMAGE"}), "current", NOW,
                 ("authentication-no-media", "REJECTED", "INVALID_FORMAT", "AUTHENTICATION"),
                 id="auth-with-media"),
    pytest.param(template("AUTHENTICATION", AUTH_TEXT + " \U0001f510", OTP_BUTTON),
                 "current", NOW, ("authentication-no-emoji", "REJECTED", "INVALID_FORMAT",
                                  "AUTHENTICATION"), id="auth-with-emoji"),
    pytest.param(template("AUTHENTICATION", AUTH_TEXT, OTP_BUTTON,
                          {"type": "BODY", "text": "x",
                           "example": {"body_text": [["1234567890123456"]]}}),
                 "current", NOW, ("authentication-short-params", "REJECTED",
                                  "INVALID_FORMAT", "AUTHENTICATION"), id="auth-long-param"),
    pytest.param(template("AUTHENTICATION", AUTH_TEXT, OTP_BUTTON), "current", NOW,
                 ("approve", "APPROVED", "NONE", "AUTHENTICATION"), id="auth-ok"),
    pytest.param(template("UTILITY", "Order {{1}}{{2}} is ready."), "current", NOW,
                 ("format-adjacent-params", "REJECTED", "INVALID_FORMAT", "UTILITY"),
                 id="adjacent-params"),
    pytest.param(template("UTILITY", "Your verification code is {{1}}."), "current", NOW,
                 ("one-time-code-outside-authentication", "REJECTED", "INCORRECT_CATEGORY",
                  "UTILITY"), id="otp-in-utility"),
    pytest.param(template("MARKETING", "Use OTP {{1}} to log in."), "current", NOW,
                 ("one-time-code-outside-authentication", "REJECTED", "INCORRECT_CATEGORY",
                  "MARKETING"), id="otp-in-marketing"),
    pytest.param(template("TRANSACTIONAL", "123 is your code, thanks."), "2022", NOW,
                 ("one-time-code-outside-otp", "REJECTED", "INCORRECT_CATEGORY",
                  "TRANSACTIONAL"), id="otp-in-transactional"),
    pytest.param(template("OTP", "123 is your code, thanks."), "2022", NOW,
                 ("approve", "APPROVED", "NONE", "OTP"), id="otp-in-otp"),
    pytest.param(template("SHIPPING_UPDATE", "Big sale: 30% off everything!"), "legacy",
                 NOW, ("promotional-in-legacy-notification", "REJECTED", "PROMOTIONAL",
                       "SHIPPING_UPDATE"), id="promo-legacy"),
    pytest.param(template("UTILITY", "Flash deal! Buy now and save 50%!"), "current", NOW,
                 ("promotional-utility-approved-as-marketing", "APPROVED", "NONE",
                  "MARKETING"), id="promo-utility-after-2025-04-09"),
    pytest.param(template("UTILITY", "Flash deal! Buy now and save 50%!"), "current",
                 date(2025, 4, 9), ("promotional-utility-approved-as-marketing", "APPROVED",
                                    "NONE", "MARKETING"), id="promo-utility-on-the-day"),
    pytest.param(template("UTILITY", "Flash deal! Buy now and save 50%!"), "current",
                 date(2025, 4, 8), ("promotional-outside-marketing", "REJECTED",
                                    "INCORRECT_CATEGORY", "UTILITY"),
                 id="promo-utility-the-day-before"),
    pytest.param(template("AUTHENTICATION", "Use promo code {{1}}.", OTP_BUTTON), "current",
                 NOW, ("promotional-outside-marketing", "REJECTED", "INCORRECT_CATEGORY",
                       "AUTHENTICATION"), id="promo-authentication"),
    pytest.param(template("TRANSACTIONAL", "Shop now: new arrivals!"), "2022", BEFORE_2025,
                 ("promotional-outside-marketing", "REJECTED", "INCORRECT_CATEGORY",
                  "TRANSACTIONAL"), id="promo-2022"),
    pytest.param(template("MARKETING", "Our winter sale is on!"), "current", NOW,
                 ("approve", "APPROVED", "NONE", "MARKETING"), id="promo-in-marketing"),
    pytest.param(template("UTILITY", "Hi {{1}}, your order {{2}} is on its way."), "current",
                 BEFORE_2025, ("approve", "APPROVED", "NONE", "UTILITY"), id="plain-utility"),
    pytest.param(template("SHIPPING_UPDATE", "Your order {{1}} shipped."), "legacy", NOW,
                 ("approve", "APPROVED", "NONE", "SHIPPING_UPDATE"), id="plain-legacy"),
])
def test_each_packaged_rule_decides_its_case(t: Template, era: str, on: date,
                                             expected: tuple[str, str, str, str]) -> None:
    assert decide(t, era, on) == expected


def test_every_packaged_rule_is_exercised_by_the_table() -> None:
    source = Path(__file__).read_text()
    for rule in RULES.rules:
        assert f'"{rule.id}"' in source, rule.id


def test_quick_reply_and_url_texts_are_read_too() -> None:
    t = template("UTILITY", "Your order {{1}} shipped today.", {"type": "BUTTONS", "buttons": [
        {"type": "QUICK_REPLY", "text": "Shop now"}]})
    assert decide(t, on=BEFORE_2025)[0] == "promotional-outside-marketing"


def test_an_empty_rule_set_approves_by_default() -> None:
    facts = Facts("UTILITY", "current", NOW, ("x",), (), False, ())
    verdict = evaluate(RuleSet(()), facts)
    assert (verdict.rule, verdict.status, verdict.category) == ("default", "APPROVED",
                                                                "UTILITY")


def test_a_world_rule_file_replaces_the_packaged_one() -> None:
    rules = parse_rules(loads("vocabulary: {bad: ['\\bbanana\\b']}\nrules:\n"
                              "  - {id: no-bananas, when: {matches: bad}, status: REJECTED,"
                              " reason: SCAM}\n", "mine.yaml"), "mine.yaml")
    verdict = evaluate(rules, facts_of(template("UTILITY", "A banana for you."), "current",
                                       NOW))
    assert (verdict.rule, verdict.status, verdict.reason) == ("no-bananas", "REJECTED",
                                                              "SCAM")


@pytest.mark.parametrize(("text", "message"), [
    pytest.param("rules: [{id: a, status: MAYBE}]", "x.yaml:1: status must be one of",
                 id="status"),
    pytest.param("rules:\n  - id: a\n    status: REJECTED\n    reason: RUDE\n",
                 "x.yaml:4: unknown reason 'RUDE'", id="reason"),
    pytest.param("rules:\n  - id: a\n    when: {colour: red}\n    status: APPROVED\n",
                 "x.yaml:3: unknown key 'colour'", id="condition"),
    pytest.param("rules:\n  - id: a\n    when: {matches: nope}\n    status: APPROVED\n",
                 "x.yaml:3: unknown vocabulary 'nope'", id="vocabulary"),
    pytest.param("vocabulary:\n  w:\n    - '('\nrules: []\n",
                 "x.yaml:3: bad regular expression", id="regex"),
    pytest.param("rules:\n  - {id: a, status: APPROVED}\n  - {id: a, status: APPROVED}\n",
                 "x.yaml:3: duplicate rule id 'a'", id="duplicate"),
    pytest.param("rules:\n  - id: a\n    when: {rules_from: soon}\n    status: APPROVED\n",
                 "x.yaml:3: 'rules_from' takes a date", id="date"),
    pytest.param("rules:\n  - id: a\n    when: {has_url: maybe}\n    status: APPROVED\n",
                 "x.yaml:3: 'has_url' takes true or false", id="flag"),
    pytest.param("rules:\n  - id: a\n    category: NEWS\n    status: APPROVED\n",
                 "x.yaml:3: unknown category 'NEWS'", id="category"),
    pytest.param("rules: [", "x.yaml:1:", id="syntax"),
])
def test_a_bad_rule_file_is_reported_with_file_and_line(text: str, message: str) -> None:
    with pytest.raises(SourceError) as exc:
        parse_rules(loads(text, "x.yaml"), "x.yaml")
    assert str(exc.value).startswith(message)


def test_an_unreadable_rule_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as exc:
        load_rules(tmp_path / "missing.yaml")
    assert "cannot read file" in str(exc.value)
