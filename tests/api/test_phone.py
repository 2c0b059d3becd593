from __future__ import annotations

from typing import Any

import httpx
import pytest
from wasim import Simulator

from tests.conformance import gaps
from tests.conftest import MESSAGES, PHONE_ID, WABA_ID, text_message

PHONE = f"/v23.0/{PHONE_ID}"
REGISTER = {"messaging_product": "whatsapp", "pin": "123456"}


def test_get_phone_number_answers_the_default_fields(client: httpx.Client,
                                                     spec_check: Any) -> None:
    body = client.get(PHONE).json()
    assert body == {"verified_name": "Acme Shop", "code_verification_status": "VERIFIED",
                    "display_phone_number": "15550783881", "quality_rating": "GREEN",
                    "platform_type": "CLOUD_API", "throughput": {"level": "STANDARD"},
                    "id": PHONE_ID}
    assert spec_check.check_response(body, op="getPhoneNumberById", status=200) == []


def test_fields_selects_what_is_returned(client: httpx.Client) -> None:
    body = client.get(f"{PHONE}?fields=id,whatsapp_business_manager_messaging_limit,"
                      "name_status").json()
    assert body == {"id": PHONE_ID, "whatsapp_business_manager_messaging_limit": "TIER_250",
                    "name_status": "APPROVED"}


def test_an_unknown_field_is_refused_like_graph(client: httpx.Client) -> None:
    response = client.get(f"{PHONE}?fields=id,colour")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "(#100) Tried accessing nonexisting field (colour) on node type "
        "(WhatsAppBusinessPhoneNumber)")


def test_the_waba_lists_its_phone_numbers(client: httpx.Client, spec_check: Any) -> None:
    body = client.get(f"/v23.0/{WABA_ID}/phone_numbers").json()
    assert [p["id"] for p in body["data"]] == [PHONE_ID]
    assert body["data"][0]["status"] == "CONNECTED"
    assert set(body["paging"]["cursors"]) == {"before", "after"}
    path = "/{Version}/{WABA-ID}/phone_numbers"
    assert spec_check.check_response(gaps.adjust_answer(path, body),
                                      op="getWhatsAppBusinessAccountPhoneNumbers",
                                      status=200) == []


def test_phone_numbers_of_an_unknown_waba_is_100_33(client: httpx.Client) -> None:
    error = client.get("/v23.0/999/phone_numbers").json()["error"]
    assert (error["code"], error["error_subcode"]) == (100, 33)


def test_a_deregistered_number_cannot_send_133010_until_registered_again(
        sim: Simulator, client: httpx.Client, spec_check: Any) -> None:
    sim.customer("ana").says("hi")
    assert client.post(f"{PHONE}/deregister").json() == {"success": True}
    assert client.get(f"{PHONE}?fields=platform_type").json()["platform_type"] == (
        "NOT_APPLICABLE")
    refused = client.post(MESSAGES, json=text_message())
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert (error["code"], error["message"]) == (133010, "(#133010) Phone number Not Registered")
    assert spec_check.check_error(refused.json()) == []
    assert client.post(f"{PHONE}/register", json=REGISTER).json() == {"success": True}
    assert client.post(MESSAGES, json=text_message()).status_code == 200


def test_the_registration_check_can_be_switched_off(sim: Simulator,
                                                    client: httpx.Client) -> None:
    sim.world.settings.update({"registration_check": False})
    sim.customer("ana").says("hi")
    client.post(f"{PHONE}/deregister")
    assert client.post(MESSAGES, json=text_message()).status_code == 200


@pytest.mark.parametrize(("body", "details"), [
    pytest.param({"pin": "123456"}, "The parameter messaging_product is required.",
                 id="no-product"),
    pytest.param({"messaging_product": "whatsapp"}, "The parameter pin is required.",
                 id="no-pin"),
    pytest.param({"messaging_product": "whatsapp", "pin": "12345"},
                 "Param pin must be a 6-digit number given as a string.", id="short-pin"),
])
def test_register_refuses_bad_bodies(client: httpx.Client, body: dict[str, str],
                                     details: str) -> None:
    error = client.post(f"{PHONE}/register", json=body).json()["error"]
    assert (error["code"], error["error_data"]["details"]) == (100, details)


def test_register_with_another_pin_is_133005(client: httpx.Client) -> None:
    client.post(f"{PHONE}/register", json=REGISTER)
    other = client.post(f"{PHONE}/register", json={**REGISTER, "pin": "654321"})
    assert other.json()["error"]["code"] == 133005


def test_the_eleventh_registration_in_72_hours_is_133016(sim: Simulator,
                                                         client: httpx.Client) -> None:
    for _ in range(5):
        client.post(f"{PHONE}/deregister")
        client.post(f"{PHONE}/register", json=REGISTER)
    assert client.post(f"{PHONE}/deregister").json()["error"]["code"] == 133016
    sim.advance("72h")
    assert client.post(f"{PHONE}/deregister").json() == {"success": True}


def test_the_business_profile_round_trips(client: httpx.Client, spec_check: Any) -> None:
    update = {"messaging_product": "whatsapp", "about": "Books and more",
              "email": "hi@acme.example", "vertical": "RETAIL",
              "websites": ["https://acme.example"]}
    posted = client.post(f"{PHONE}/whatsapp_business_profile", json=update)
    assert posted.json() == {"success": True}
    body = client.get(f"{PHONE}/whatsapp_business_profile").json()
    assert body == {"data": [{"about": "Books and more", "email": "hi@acme.example",
                              "websites": ["https://acme.example"], "vertical": "RETAIL",
                              "messaging_product": "whatsapp"}]}
    assert spec_check.check_response(body, op="getWhatsAppBusinessProfile", status=200) == []
    only = client.get(f"{PHONE}/whatsapp_business_profile?fields=about").json()
    assert only == {"data": [{"about": "Books and more", "messaging_product": "whatsapp"}]}


@pytest.mark.parametrize("update", [
    pytest.param({"about": "x" * 140}, id="about-too-long"),
    pytest.param({"vertical": "SPACESHIPS"}, id="unknown-vertical"),
    pytest.param({"websites": ["a", "b", "c"]}, id="three-websites"),
    pytest.param({"email": "not-an-email"}, id="bad-email"),
    pytest.param({"colour": "red"}, id="unknown-field"),
])
def test_a_bad_profile_update_is_refused_with_100(client: httpx.Client,
                                                  update: dict[str, Any]) -> None:
    response = client.post(f"{PHONE}/whatsapp_business_profile",
                           json={"messaging_product": "whatsapp", **update})
    assert response.status_code == 400 and response.json()["error"]["code"] == 100


def test_subscribed_apps_lists_unsubscribes_and_resubscribes(client: httpx.Client) -> None:
    apps = f"/v23.0/{WABA_ID}/subscribed_apps"
    listed = client.get(apps).json()["data"]
    assert listed[0]["whatsapp_business_api_data"]["name"] == "wasim"
    assert client.delete(apps).json() == {"success": True}
    assert client.get(apps).json() == {"data": []}
    assert client.post(apps).json() == {"success": True}
    assert len(client.get(apps).json()["data"]) == 1


def test_a_messaging_only_token_on_a_management_call_gets_the_permission_error(
        sim: Simulator, client: httpx.Client) -> None:
    sim.tokens.add("msg-only", ["messaging"])
    response = client.get(f"/v23.0/{WABA_ID}/phone_numbers",
                          headers={"Authorization": "Bearer msg-only"})
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == 200
    assert error["message"] == ("(#200) Requires whatsapp_business_management permission "
                                "to manage the object")
    assert client.get(PHONE, headers={"Authorization": "Bearer msg-only"}).status_code == 403


def test_registration_survives_export_and_import(sim: Simulator, client: httpx.Client) -> None:
    client.post(f"{PHONE}/deregister")
    other = Simulator(now="2026-01-05T09:00:00Z")
    other.import_state(sim.export_state())
    assert other.world.phone(PHONE_ID) is not None
    assert other.world.phone(PHONE_ID).registered is False  # type: ignore[union-attr]


@pytest.mark.parametrize(("method", "path", "body", "op"), [
    pytest.param("GET", f"/v23.0/{WABA_ID}/subscribed_apps", None,
                 "getAllSubscriptionsForAWaba", id="subscribed-apps"),
    pytest.param("POST", f"/v23.0/{WABA_ID}/subscribed_apps", None,
                 "subscribeToWabaWebhooks", id="subscribe"),
    pytest.param("POST", f"{PHONE}/register", REGISTER,
                 "registerWhatsAppBusinessPhoneNumber", id="register"),
    pytest.param("POST", f"{PHONE}/deregister", None, "deregisterPhoneNumber",
                 id="deregister"),
    pytest.param("POST", f"{PHONE}/whatsapp_business_profile",
                 {"messaging_product": "whatsapp", "about": "Hi"},
                 "updateWhatsAppBusinessProfileInformation", id="profile-update"),
])
def test_responses_match_the_spec(client: httpx.Client, spec_check: Any, method: str,
                                  path: str, body: dict[str, Any] | None, op: str) -> None:
    response = client.request(method, path, json=body)
    assert response.status_code == 200
    assert spec_check.check_response(response.json(), op=op, status=200) == []
