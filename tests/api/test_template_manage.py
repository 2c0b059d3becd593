from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from wasim import Simulator
from wasim.world.models import Token

from tests.template_bodies import TEMPLATES, body_component, create_body


def error_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code >= 400
    error: dict[str, Any] = response.json()["error"]
    return error


def tid(sim: Simulator, name: str, language: str | None = None) -> str:
    return sim.templates.resolve(name, language).id


# --- list --------------------------------------------------------------------------------

def test_the_list_shows_the_default_fields_and_cursors(client: httpx.Client,
                                                       spec_check: Any) -> None:
    body = client.get(TEMPLATES, params={"name": "order_ready"}).json()
    [item] = body["data"]
    assert set(item) == {"name", "parameter_format", "components", "language", "status",
                         "category", "id"}
    assert (item["parameter_format"], item["status"], item["category"]) == (
        "NAMED", "APPROVED", "UTILITY")
    assert set(body["paging"]) == {"cursors"}
    assert set(body["paging"]["cursors"]) == {"before", "after"}
    assert spec_check.check_response(body, op="getTemplateByNameDefaultFields",
                                     status=200) == []


@pytest.mark.parametrize(("query", "names"), [
    pytest.param({"name": "seasonal"}, ["seasonal_promotion", "seasonal_promotion"],
                 id="name-contains"),
    pytest.param({"status": "PAUSED,DISABLED"}, ["spring_sale", "old_promo"], id="status"),
    pytest.param({"category": "AUTHENTICATION"}, ["legacy_otp", "verification_code"],
                 id="category-as-shown"),
    pytest.param({"name": "seasonal", "language": "pt_BR"}, ["seasonal_promotion"],
                 id="language"),
    pytest.param({"name": "nothing_like_it"}, [], id="none"),
])
def test_list_filters(client: httpx.Client, query: dict[str, str], names: list[str]) -> None:
    body = client.get(TEMPLATES, params=query).json()
    assert [t["name"] for t in body["data"]] == names
    if not names:
        assert body == {"data": []}


def test_an_enum_filter_in_lower_case_is_refused_as_graph_refuses_it(
        client: httpx.Client) -> None:
    """Graph validates enum parameters exactly (audit L13): ``status=paused`` does not
    match PAUSED templates; it answers 100 naming the parameter and the accepted values."""
    answer = client.get(TEMPLATES, params={"status": "paused"})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == 100
    assert error["message"].startswith('(#100) Param status[0] must be one of {')
    assert error["message"].endswith('- got "paused"')


def test_fields_select_what_comes_back(client: httpx.Client) -> None:
    body = client.get(TEMPLATES, params={"fields": "name,quality_score", "limit": "2"}).json()
    assert [set(item) for item in body["data"]] == [{"name", "quality_score", "id"}] * 2
    assert body["data"][0]["quality_score"] == {"score": "UNKNOWN"}


def test_an_unknown_field_is_refused(client: httpx.Client) -> None:
    error = error_of(client.get(TEMPLATES, params={"fields": "name,colour"}))
    assert error["code"] == 100
    assert error["message"] == ("(#100) Tried accessing nonexisting field (colour) on node "
                                "type (WhatsAppMessageTemplate)")


def test_cursor_paging_walks_every_template_once(sim: Simulator,
                                                 client: httpx.Client) -> None:
    everything = [t.id for t in sim.world.first_account().templates.values()]
    seen: list[str] = []
    url: str | None = f"{TEMPLATES}?limit=4&fields=name"
    pages = 0
    while url is not None:
        body = client.get(url).json()
        seen += [t["id"] for t in body["data"]]
        url = body["paging"].get("next")
        pages += 1
    assert seen == everything
    assert pages == -(-len(everything) // 4)
    assert "previous" in body["paging"]
    back = client.get(body["paging"]["previous"]).json()
    assert [t["id"] for t in back["data"]] == everything[-len(body["data"]) - 4:
                                                         -len(body["data"])]


@pytest.mark.parametrize(("query", "fragment"), [
    pytest.param({"limit": "0"}, "limit must be an integer", id="limit-zero"),
    pytest.param({"limit": "many"}, "limit must be an integer", id="limit-text"),
    pytest.param({"after": "!!!"}, "Invalid cursor", id="cursor"),
])
def test_bad_paging_parameters_are_refused(client: httpx.Client, query: dict[str, str],
                                           fragment: str) -> None:
    error = error_of(client.get(TEMPLATES, params=query))
    assert error["code"] == 100 and fragment in error["error_data"]["details"]


# --- get ---------------------------------------------------------------------------------

def test_get_by_id_shows_the_template(sim: Simulator, client: httpx.Client,
                                      spec_check: Any) -> None:
    body = client.get(f"/v23.0/{tid(sim, 'hello_world')}").json()
    assert body["name"] == "hello_world"
    assert (body["category"], body["previous_category"]) == ("UTILITY", "ACCOUNT_UPDATE")
    assert spec_check.check_response(body, op="getTemplateByIdDefaultFields", status=200) == []


def test_get_with_fields_status_answers_status_and_id(sim: Simulator,
                                                      client: httpx.Client) -> None:
    template_id = tid(sim, "spring_sale")
    assert client.get(f"/v23.0/{template_id}", params={"fields": "status"}).json() == {
        "status": "PAUSED", "id": template_id}


def test_an_unknown_template_id_is_an_unknown_object(client: httpx.Client) -> None:
    error = error_of(client.get("/v23.0/1234567890123456"))
    assert (error["code"], error["error_subcode"]) == (100, 33)


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_template_calls_need_the_management_permission(sim: Simulator, client: httpx.Client,
                                                       method: str) -> None:
    sim.world.tokens["m"] = Token("m", frozenset({"messaging"}))
    auth = {"Authorization": "Bearer m"}
    url = f"/v23.0/{tid(sim, 'flash_deal')}" if method == "POST" else TEMPLATES
    response = client.request(method, url, headers=auth, params={"name": "flash_deal"},
                              json={"components": [body_component()]})
    assert response.status_code == 403
    assert error_of(response)["code"] == 200


def test_get_by_id_needs_the_management_permission(sim: Simulator,
                                                   client: httpx.Client) -> None:
    sim.world.tokens["m"] = Token("m", frozenset({"messaging"}))
    response = client.get(f"/v23.0/{tid(sim, 'flash_deal')}",
                          headers={"Authorization": "Bearer m"})
    assert (response.status_code, error_of(response)["code"]) == (403, 200)


# --- edit --------------------------------------------------------------------------------

def test_editing_a_rejected_template_sends_it_back_to_review(sim: Simulator,
                                                             client: httpx.Client,
                                                             spec_check: Any) -> None:
    template_id = tid(sim, "flash_deal")
    new = [body_component("Hi {{1}}, your order {{2}} is confirmed and paid.")]
    response = client.post(f"/v23.0/{template_id}", json={"components": new})
    assert response.json() == {"success": True}
    assert spec_check.check_response(response.json(), op="editTemplate", status=200) == []
    template = sim.templates.resolve("flash_deal")
    assert (template.status, template.components[0]["text"]) == (
        "PENDING", "Hi {{1}}, your order {{2}} is confirmed and paid.")
    sim.advance("1m")
    assert (template.status, template.rejected_reason) == ("APPROVED", None)


@pytest.mark.parametrize(("name", "body", "fragment", "subcode"), [
    pytest.param("new_feature", {"components": [body_component()]},
                 "status PENDING can't be edited", None, id="pending"),
    pytest.param("old_promo", {"components": [body_component()]},
                 "status DISABLED can't be edited", None, id="disabled"),
    pytest.param("shipping_update", {"category": "MARKETING"},
                 "category of an approved template can't be edited", None, id="category"),
    pytest.param("flash_deal", {"category": "SHIPPING_UPDATE"}, "Accepted categories", None,
                 id="category-outside-era"),
    pytest.param("flash_deal", {"name": "other"}, "Param name can't be edited", None,
                 id="name"),
    pytest.param("flash_deal", {}, "Give category and/or components", None, id="empty"),
    pytest.param("flash_deal", {"components": [body_component("x" * 1025, [])]},
                 "limit is 1024", 2388040, id="components-validated"),
])
def test_edits_the_rules_refuse(sim: Simulator, client: httpx.Client, name: str,
                                body: dict[str, Any], fragment: str,
                                subcode: int | None) -> None:
    error = error_of(client.post(f"/v23.0/{tid(sim, name)}", json=body))
    assert (error["code"], error.get("error_subcode")) == (100, subcode)
    assert fragment in error["error_data"]["details"]


def test_a_rejected_template_may_change_category(sim: Simulator, client: httpx.Client) -> None:
    client.post(f"/v23.0/{tid(sim, 'flash_deal')}", json={"category": "MARKETING"})
    sim.advance("1m")
    template = sim.templates.resolve("flash_deal")
    assert (template.status, template.category) == ("APPROVED", "MARKETING")


def test_an_approved_template_is_edited_once_a_day_and_ten_times_a_month(
        sim: Simulator, client: httpx.Client) -> None:
    url = f"/v23.0/{tid(sim, 'shipping_update')}"

    def edit(n: int) -> httpx.Response:
        text = f"Hi {{{{1}}}}, your order {{{{2}}}} is on its way (v{n})."
        return client.post(url, json={"components": [body_component(text)]})

    assert edit(1).status_code == 200
    sim.advance("1m")
    assert "once per 24 hours" in error_of(edit(2))["error_data"]["details"]
    for n in range(2, 11):
        sim.advance("24h")
        assert edit(n).status_code == 200, n
        sim.advance("1m")
    sim.advance("24h")
    assert "10 times per 30 days" in error_of(edit(11))["error_data"]["details"]


def test_an_edit_may_set_the_time_to_live(sim: Simulator, client: httpx.Client) -> None:
    template_id = tid(sim, "flash_deal")
    client.post(f"/v23.0/{template_id}", json={"message_send_ttl_seconds": 600})
    assert client.get(f"/v23.0/{template_id}", params={
        "fields": "message_send_ttl_seconds"}).json() == {"message_send_ttl_seconds": 600,
                                                          "id": template_id}


# --- delete ------------------------------------------------------------------------------

def test_delete_by_name_removes_every_language(sim: Simulator, client: httpx.Client,
                                               spec_check: Any) -> None:
    client.post(TEMPLATES, json=create_body("shipping_update", language="pt_BR"))
    ids = [t.id for t in sim.world.first_account().templates.values()
           if t.name == "shipping_update"]
    assert len(ids) == 2
    response = client.delete(TEMPLATES, params={"name": "shipping_update"})
    assert response.json() == {"success": True}
    assert spec_check.check_response(response.json(), op="deleteTemplateByName",
                                     status=200) == []
    for template_id in ids:
        assert error_of(client.get(f"/v23.0/{template_id}"))["error_subcode"] == 33


def test_delete_by_hsm_id_and_name_removes_one(sim: Simulator, client: httpx.Client) -> None:
    english, spanish = (tid(sim, "seasonal_promotion", lang) for lang in ("en_US", "pt_BR"))
    assert client.delete(TEMPLATES, params={"name": "seasonal_promotion",
                                            "hsm_id": spanish}).json() == {"success": True}
    assert sim.templates.find(spanish) is None and sim.templates.find(english) is not None


def test_delete_by_hsm_ids_is_all_or_nothing(sim: Simulator, client: httpx.Client) -> None:
    a, b = tid(sim, "alert_update"), tid(sim, "ticket_update")
    error = error_of(client.delete(TEMPLATES, params={"hsm_ids": json.dumps([a, "999"])}))
    assert "doesn't exist; nothing was deleted" in error["error_data"]["details"]
    assert sim.templates.find(a) is not None
    assert client.delete(TEMPLATES, params={"hsm_ids": json.dumps([a, b])}).json() == {
        "success": True}
    assert sim.templates.find(a) is None and sim.templates.find(b) is None


@pytest.mark.parametrize(("params", "fragment"), [
    pytest.param({}, "The parameter name is required.", id="nothing"),
    pytest.param({"name": "no_such_template"}, "name 'no_such_template' was not found",
                 id="unknown-name"),
    pytest.param({"name": "old_promo"}, "is disabled and can't be deleted", id="disabled"),
    pytest.param({"hsm_ids": "[1]", "name": "x"}, "can't be combined", id="combined"),
    pytest.param({"hsm_ids": json.dumps(list(range(1, 102)))}, "at most 100",
                 id="too-many"),
    pytest.param({"hsm_ids": "[]"}, "must be a list of template ids", id="empty"),
])
def test_delete_refusals(client: httpx.Client, params: dict[str, str], fragment: str) -> None:
    error = error_of(client.delete(TEMPLATES, params=params))
    assert error["code"] == 100 and fragment in error["error_data"]["details"]


def test_the_name_of_a_deleted_approved_template_is_blocked_for_30_days(
        sim: Simulator, client: httpx.Client) -> None:
    client.delete(TEMPLATES, params={"name": "ticket_update"})
    error = error_of(client.post(TEMPLATES, json=create_body("ticket_update")))
    assert error["error_data"]["details"] == (
        "The name 'ticket_update' belonged to an approved template deleted less than 30 days "
        "ago; it can be reused from 2026-02-04.")
    sim.advance("30d")
    assert client.post(TEMPLATES, json=create_body("ticket_update")).status_code == 200


def test_the_name_of_a_deleted_rejected_template_is_free_at_once(
        client: httpx.Client) -> None:
    client.delete(TEMPLATES, params={"name": "flash_deal"})
    assert client.post(TEMPLATES, json=create_body("flash_deal")).status_code == 200


@pytest.mark.parametrize(("query", "message"), [
    pytest.param({"status": "BOGUS"}, "(#100) Param status[0] must be one of {APPROVED, "
                 "PENDING, REJECTED, PAUSED, DISABLED, IN_APPEAL, PENDING_DELETION, DELETED, "
                 "ARCHIVED, LIMIT_EXCEEDED, LOCKED} - got \"BOGUS\"", id="status"),
    pytest.param({"status": "APPROVED,nope"}, "(#100) Param status[1] must be one of "
                 "{APPROVED, PENDING, REJECTED, PAUSED, DISABLED, IN_APPEAL, PENDING_DELETION, "
                 "DELETED, ARCHIVED, LIMIT_EXCEEDED, LOCKED} - got \"nope\"", id="status-second"),
])
def test_an_unknown_status_filter_is_refused(client: httpx.Client, query: dict[str, str],
                                             message: str) -> None:
    response = client.get(TEMPLATES, params=query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["message"]) == (100, message)


def test_an_unknown_category_filter_is_refused(client: httpx.Client) -> None:
    error = error_of(client.get(TEMPLATES, params={"category": "PROMOTIONAL_OFFER"}))
    assert error["code"] == 100
    assert error["message"].startswith("(#100) Param category[0] must be one of {")
    assert all(f"{c}," in error["message"] for c in ("MARKETING", "UTILITY", "OTP"))
    assert error["message"].endswith(" - got \"PROMOTIONAL_OFFER\"")


def test_summary_total_count_counts_every_match_not_just_the_page(
        client: httpx.Client) -> None:
    every = client.get(TEMPLATES, params={"limit": "1000"}).json()["data"]
    body = client.get(TEMPLATES, params={"summary": "total_count", "limit": "2"}).json()
    assert len(body["data"]) == 2
    assert body["summary"] == {"total_count": len(every)}
    paused = client.get(TEMPLATES, params={"summary": "total_count",
                                           "status": "PAUSED,DISABLED"}).json()
    assert paused["summary"] == {"total_count": 2}
    assert "summary" not in client.get(TEMPLATES, params={"limit": "2"}).json()
