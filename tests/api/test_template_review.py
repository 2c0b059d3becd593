from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from wasim import Simulator
from wasim.api import create_app
from wasim.asgi import sync_client
from wasim.delivery.engine import signed_request
from wasim.platform.webhooks import encode, verify
from wasim.world.journal import Webhook

from tests.conftest import MESSAGES, ROOT, START, TOKEN, WABA_ID, template_message
from tests.template_bodies import TEMPLATES, body_component, create_body

PROMO = [body_component("Flash deal! Buy now and save {{1}} on every order.", ["50%"])]


def make(**settings: Any) -> tuple[Simulator, list[Webhook]]:
    seen: list[Webhook] = []
    return Simulator(now=START, seed=7, sink=seen.append, settings=settings), seen


@pytest.fixture
def http() -> Iterator[tuple[Simulator, httpx.Client, list[Webhook]]]:
    sim, seen = make()
    with sync_client(create_app(sim)) as client:
        client.headers["Authorization"] = f"Bearer {TOKEN}"
        yield sim, client, seen


def template_hooks(seen: list[Webhook]) -> list[Webhook]:
    return [w for w in seen if w.field != "messages"]


def test_a_new_template_is_pending_unusable_then_approved_by_webhook_then_sendable(
        http: tuple[Simulator, httpx.Client, list[Webhook]], spec_check: Any) -> None:
    sim, client, seen = http
    created = client.post(TEMPLATES, json=create_body()).json()
    send = template_message("order_shipped", body=["Ana", "A-1001"])
    refused = client.post(MESSAGES, json=send)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == 132001
    assert refused.json()["error"]["error_data"]["details"] == (
        "template name (order_shipped) does not exist in en_US or is not approved "
        "(status PENDING)")
    sim.advance("59s")
    assert template_hooks(seen) == []
    sim.advance("1s")
    [hook] = template_hooks(seen)
    assert hook.payload == {"object": "whatsapp_business_account", "entry": [{
        "id": WABA_ID, "time": 1767603660, "changes": [{
            "value": {"event": "APPROVED", "message_template_id": int(created["id"]),
                      "message_template_name": "order_shipped",
                      "message_template_language": "en_US", "reason": "NONE",
                      "message_template_category": "UTILITY"},
            "field": "message_template_status_update"}]}]}
    headers = signed_request(encode(hook.payload), sim.world.app_secret)
    assert verify(encode(hook.payload), "wasim-app-secret", headers["X-Hub-Signature-256"])
    assert spec_check.check_webhook(hook.payload) == []
    sent = client.post(MESSAGES, json=send)
    assert sent.status_code == 200
    assert sent.json()["messages"][0]["message_status"] == "accepted"


def test_a_promotional_utility_template_before_2025_04_09_is_rejected_incorrect_category(
        ) -> None:
    sim, seen = make(rules_as_of="2024-12-01")
    created = sim.templates.create(WABA_ID, create_body("spring_deal", components=PROMO))
    sim.advance("1m")
    [hook] = template_hooks(seen)
    assert hook.value == {
        "event": "REJECTED", "message_template_id": int(created["id"]),
        "message_template_name": "spring_deal", "message_template_language": "en_US",
        "reason": "INCORRECT_CATEGORY", "message_template_category": "UTILITY"}
    decision = sim.templates.decision("spring_deal")
    assert (decision["rule"], decision["status"], decision["reason"], decision["by"]) == (
        "promotional-outside-marketing", "REJECTED", "INCORRECT_CATEGORY", "review")
    assert decision["explain"] == "The content is promotional; use the MARKETING category."
    assert sim.templates.get(created["id"], "status,rejected_reason") == {
        "status": "REJECTED", "rejected_reason": "INCORRECT_CATEGORY", "id": created["id"]}


def test_a_promotional_utility_template_today_is_approved_as_marketing() -> None:
    sim, seen = make()
    created = sim.templates.create(WABA_ID, create_body("spring_deal", components=PROMO))
    assert created["category"] == "UTILITY"
    sim.advance("1m")
    [hook] = template_hooks(seen)
    assert (hook.value["event"], hook.value["message_template_category"]) == (
        "APPROVED", "MARKETING")
    assert sim.templates.get(created["id"], "category")["category"] == "MARKETING"
    decision = sim.templates.decision(created["id"])
    assert (decision["rule"], decision["requested_category"], decision["category"]) == (
        "promotional-utility-approved-as-marketing", "UTILITY", "MARKETING")


def test_promotional_content_in_the_legacy_world_is_rejected_promotional() -> None:
    seen: list[Webhook] = []
    sim = Simulator(world=ROOT / "fixtures" / "legacy_world.yaml", now=START, seed=3,
                    sink=seen.append)
    sim.templates.create(WABA_ID, create_body("winter_sale", "SHIPPING_UPDATE",
                                              components=PROMO))
    sim.advance("1m")
    assert (seen[-1].value["event"], seen[-1].value["reason"]) == ("REJECTED", "PROMOTIONAL")
    assert sim.templates.decision("winter_sale")["rule"] == (
        "promotional-in-legacy-notification")


def test_an_invalid_format_rejection_carries_rejection_info() -> None:
    sim, seen = make()
    sim.templates.create(WABA_ID, create_body("login_code", "AUTHENTICATION", components=[
        {"type": "BODY", "add_security_recommendation": True}]))
    sim.advance("1m")
    assert seen[-1].value["reason"] == "INVALID_FORMAT"
    assert seen[-1].value["rejection_info"] == {
        "reason": "AUTHENTICATION templates need an OTP button (copy code, one-tap or "
                  "zero-tap).",
        "recommendation": "Check the template's format: parameters, examples and components."}


def test_the_review_delay_is_a_setting() -> None:
    sim, _ = make(template_review_after=3600)
    sim.templates.create(WABA_ID, create_body())
    sim.advance("59m")
    assert sim.templates.resolve("order_shipped").status == "PENDING"
    sim.advance("1m")
    assert sim.templates.resolve("order_shipped").status == "APPROVED"


def test_a_zero_delay_decides_before_the_create_call_returns(
        http: tuple[Simulator, httpx.Client, list[Webhook]]) -> None:
    sim, client, _ = http
    sim.world.settings.update({"template_review_after": 0})
    created = client.post(TEMPLATES, json=create_body()).json()
    assert created["status"] == "PENDING"
    assert client.get(f"/v23.0/{created['id']}", params={"fields": "status"}).json() == {
        "status": "APPROVED", "id": created["id"]}


def test_manual_review_leaves_templates_pending_and_shows_the_proposal() -> None:
    sim, seen = make(template_review_after=None, rules_as_of="2024-12-01")
    sim.templates.create(WABA_ID, create_body("spring_deal", components=PROMO))
    sim.advance("30d")
    assert template_hooks(seen) == []
    decision = sim.templates.decision("spring_deal")
    assert decision["decided"] is False and decision["status"] == "PENDING"
    assert decision["proposed"]["rule"] == "promotional-outside-marketing"
    sim.templates.approve("spring_deal")
    assert seen[-1].value["event"] == "APPROVED"
    assert sim.templates.decision("spring_deal")["rule"] == "control:approve"


def test_a_world_can_replace_the_review_rules(tmp_path: Path) -> None:
    rules = tmp_path / "strict.yaml"
    rules.write_text("rules:\n  - {id: reject-everything, status: REJECTED, reason: SCAM}\n")
    sim, seen = make(review_rules=str(rules))
    sim.templates.create(WABA_ID, create_body())
    sim.advance("1m")
    assert seen[-1].value["reason"] == "SCAM"
    assert sim.templates.decision("order_shipped")["rule"] == "reject-everything"


def test_a_broken_rule_file_refuses_the_create_with_its_line(
        tmp_path: Path, http: tuple[Simulator, httpx.Client, list[Webhook]]) -> None:
    sim, client, _ = http
    rules = tmp_path / "broken.yaml"
    rules.write_text("rules:\n  - {id: a, status: PERHAPS}\n")
    sim.update_settings({"review_rules": str(rules)})
    error = client.post(TEMPLATES, json=create_body()).json()["error"]
    assert error["code"] == 100
    assert error["error_data"]["details"] == (
        f"review rules: {rules}:2: status must be one of ('APPROVED', 'REJECTED')")


def test_a_bad_rules_as_of_date_is_refused(
        http: tuple[Simulator, httpx.Client, list[Webhook]]) -> None:
    _, client, _ = http
    error = client.post("/_sim/settings", json={"rules_as_of": "last spring"}).json()["error"]
    assert error["error_data"]["details"] == (
        "setting 'rules_as_of' takes a date YYYY-MM-DD or null, got 'last spring'")


@pytest.mark.parametrize(("era", "name", "shown"), [
    pytest.param("current", "shipping_update", {"category": "UTILITY",
                                                "previous_category": "SHIPPING_UPDATE"},
                 id="legacy-read-today"),
    pytest.param("current", "legacy_otp", {"category": "AUTHENTICATION",
                                           "previous_category": "OTP"}, id="otp-read-today"),
    pytest.param("current", "hello_world", {"category": "UTILITY",
                                            "previous_category": "ACCOUNT_UPDATE"},
                 id="stored-previous-category"),
    pytest.param("current", "order_confirmation", {"category": "UTILITY"}, id="no-mapping"),
    pytest.param("2022", "shipping_update", {"category": "TRANSACTIONAL",
                                             "previous_category": "SHIPPING_UPDATE"},
                 id="legacy-read-in-2022"),
    pytest.param("legacy", "shipping_update", {"category": "SHIPPING_UPDATE"},
                 id="legacy-read-in-legacy"),
])
def test_reading_a_template_back_shows_previous_category_where_the_era_maps_it(
        era: str, name: str, shown: dict[str, str]) -> None:
    sim, _ = make(category_era=era)
    template = sim.templates.resolve(name)
    got = sim.templates.get(template.id, "category,previous_category")
    assert got == {**shown, "id": template.id}


def test_rules_as_of_read_as_a_yaml_date_is_accepted() -> None:
    from datetime import date

    sim, _ = make(rules_as_of=date(2024, 12, 1))
    assert sim.world.settings.rules_as_of == "2024-12-01"
    sim.templates.create(WABA_ID, create_body("spring_deal", components=PROMO))
    sim.advance("1m")
    assert sim.templates.resolve("spring_deal").rejected_reason == "INCORRECT_CATEGORY"


def test_the_fixtures_copy_of_the_rules_can_be_named_by_a_world() -> None:
    sim, _ = make(review_rules=str(ROOT / "fixtures" / "rules" / "review_rules.yaml"))
    sim.templates.create(WABA_ID, create_body("spring_deal", components=PROMO))
    sim.advance("1m")
    assert sim.templates.decision("spring_deal")["rule"] == (
        "promotional-utility-approved-as-marketing")


def test_the_spec_authentication_example_is_approved_and_sends_with_its_code(
        http: tuple[Simulator, httpx.Client, list[Webhook]], spec_check: Any) -> None:
    sim, client, _ = http
    body = {"name": "authentication_code_copy_code_button", "language": "en_US",
            "category": "AUTHENTICATION", "components": [
                {"type": "BODY", "add_security_recommendation": True},
                {"type": "FOOTER", "code_expiration_minutes": 10},
                {"type": "BUTTONS", "buttons": [
                    {"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy Code"}]}]}
    assert spec_check.check_request(
        body, op="createAuthenticationTemplateWOtpCopyCodeButton") == []
    assert client.post(TEMPLATES, json=body).json()["status"] == "PENDING"
    sim.advance("1m")
    assert sim.templates.decision("authentication_code_copy_code_button")["rule"] == "approve"
    send = template_message("authentication_code_copy_code_button", components=[
        {"type": "body", "parameters": [{"type": "text", "text": "123456"}]},
        {"type": "button", "sub_type": "url", "index": "0",
         "parameters": [{"type": "text", "text": "123456"}]}])
    assert client.post(MESSAGES, json=send).status_code == 200
