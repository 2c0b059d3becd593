from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from wasim import Simulator
from wasim.world.models import Token

from tests.conftest import ROOT, START
from tests.template_bodies import TEMPLATES, create_body


def error_of(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


def test_create_answers_id_pending_and_category(client: httpx.Client, sim: Simulator,
                                                spec_check: Any) -> None:
    response = client.post(TEMPLATES, json=create_body())
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "status", "category"}
    assert (body["status"], body["category"]) == ("PENDING", "UTILITY")
    assert body["id"].isdigit() and len(body["id"]) == 16
    assert spec_check.check_response(body, op="createAuthenticationTemplateWOtpCopyCodeButton",
                                     status=200) == []
    assert sim.templates.resolve("order_shipped").status == "PENDING"


def test_a_lower_case_category_is_stored_upper_case(client: httpx.Client) -> None:
    assert client.post(TEMPLATES, json=create_body(category="marketing")).json()[
        "category"] == "MARKETING"


def test_shipping_update_in_a_current_world_is_refused_naming_the_categories(
        client: httpx.Client, spec_check: Any) -> None:
    response = client.post(TEMPLATES, json=create_body(category="SHIPPING_UPDATE"))
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["type"], error["message"]) == (
        100, "OAuthException", "(#100) Invalid parameter")
    assert error["error_data"] == {
        "messaging_product": "whatsapp",
        "details": "Invalid category 'SHIPPING_UPDATE'. Accepted categories: MARKETING, "
                   "UTILITY, AUTHENTICATION."}
    assert "error_subcode" not in error
    assert spec_check.check_error(response.json()) == []


def test_a_duplicate_name_and_language_is_refused_with_2388024(
        client: httpx.Client, spec_check: Any) -> None:
    response = client.post(TEMPLATES, json=create_body(name="shipping_update"))
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["error_subcode"]) == (100, 2388024)
    assert error["error_user_title"] == "Content in This Language Already Exists"
    assert error["error_user_msg"] == ("There is already en_US content for this template. "
                                       "You can create a new template and try again.")
    assert spec_check.check_error(response.json()) == []


def test_the_same_name_in_another_language_is_a_new_template(client: httpx.Client) -> None:
    assert client.post(TEMPLATES, json=create_body(name="shipping_update",
                                                   language="pt_BR")).status_code == 200


def test_the_template_count_limit_is_refused_with_2388019(sim: Simulator,
                                                          client: httpx.Client) -> None:
    count = len(sim.world.first_account().templates)
    sim.world.settings.update({"template_limit": count + 1})
    assert client.post(TEMPLATES, json=create_body(name="first_extra")).status_code == 200
    error = error_of(client.post(TEMPLATES, json=create_body(name="second_extra")))
    assert (error["code"], error["error_subcode"]) == (100, 2388019)
    assert error["error_data"]["details"].startswith(
        f"This business account has reached its limit of {count + 1} message templates.")


def test_the_hourly_creation_rate_is_refused_with_2388019_until_an_hour_passes(
        sim: Simulator, client: httpx.Client) -> None:
    sim.world.settings.update({"template_creation_per_hour": 2})
    for name in ("rate_one", "rate_two"):
        assert client.post(TEMPLATES, json=create_body(name=name)).status_code == 200
    error = error_of(client.post(TEMPLATES, json=create_body(name="rate_three")))
    assert (error["code"], error["error_subcode"]) == (100, 2388019)
    assert "the limit is 2 per hour" in error["error_data"]["details"]
    sim.advance("1h")
    assert client.post(TEMPLATES, json=create_body(name="rate_three")).status_code == 200


def test_a_messaging_only_token_cannot_manage_templates(sim: Simulator,
                                                       client: httpx.Client) -> None:
    sim.world.tokens["messaging-only"] = Token("messaging-only", frozenset({"messaging"}))
    response = client.post(TEMPLATES, json=create_body(),
                           headers={"Authorization": "Bearer messaging-only"})
    assert response.status_code == 403
    assert error_of(response)["code"] == 200
    assert error_of(response)["message"] == (
        "(#200) Requires whatsapp_business_management permission to manage the object")


def test_an_unknown_waba_is_an_unknown_object(client: httpx.Client) -> None:
    response = client.post("/v23.0/999999999/message_templates", json=create_body())
    assert response.status_code == 400
    assert (error_of(response)["code"], error_of(response)["error_subcode"]) == (100, 33)


def test_a_body_that_is_not_json_is_refused(client: httpx.Client) -> None:
    response = client.post(TEMPLATES, content=b"{nope", headers={
        "Content-Type": "application/json"})
    assert error_of(response)["error_data"]["details"] == "The request body is not valid JSON."


def test_the_legacy_world_accepts_only_the_ten_categories_and_auto_reply() -> None:
    legacy = Simulator(world=ROOT / "fixtures" / "legacy_world.yaml", now=START, seed=1)
    categories = {t.category for t in legacy.world.first_account().templates.values()}
    assert categories == {"ACCOUNT_UPDATE", "ALERT_UPDATE", "APPOINTMENT_UPDATE",
                          "ISSUE_RESOLUTION", "PAYMENT_UPDATE", "PERSONAL_FINANCE_UPDATE",
                          "RESERVATION_UPDATE", "SHIPPING_UPDATE", "TICKET_UPDATE",
                          "TRANSPORTATION_UPDATE"}
    assert legacy.templates.create(legacy.world.first_account().waba_id, create_body(
        category="SHIPPING_UPDATE"))["status"] == "PENDING"


def test_the_default_world_has_templates_of_every_era() -> None:
    from wasim.rules.categories import ERAS

    sim = Simulator(now=START)
    held = {t.category for t in sim.world.first_account().templates.values()}
    assert {c for names in ERAS.values() for c in names} <= held
    assert Path(ROOT / "fixtures" / "rules" / "review_rules.yaml").read_text() == (
        ROOT / "simulator" / "wasim" / "data" / "review_rules.yaml").read_text()


def test_a_form_encoded_create_reads_components_as_json(client: httpx.Client,
                                                        sim: Simulator) -> None:
    import json

    body = create_body()
    form = {**body, "components": json.dumps(body["components"])}
    response = client.post(TEMPLATES, data=form)
    assert response.json()["status"] == "PENDING"
    assert sim.templates.resolve("order_shipped").components[0]["text"] == (
        body["components"][0]["text"])
    bad = client.post(TEMPLATES, data={**form, "name": "other", "components": "[nope"})
    assert error_of(bad)["error_data"]["details"] == "Param components is not valid JSON."
