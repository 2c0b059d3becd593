from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from wasim import Simulator
from wasim.api import create_app
from wasim.asgi import sync_client
from wasim.errors import GraphError
from wasim.world.journal import Webhook

from tests.conftest import BRUNO, MESSAGES, START, TOKEN, WABA_ID, template_message

SHIPPING = template_message("shipping_update", body=["Ana", "A-1001"])


@pytest.fixture
def seen() -> list[Webhook]:
    return []


@pytest.fixture
def live(seen: list[Webhook]) -> Simulator:
    return Simulator(now=START, seed=7, sink=seen.append)


@pytest.fixture
def http(live: Simulator) -> Iterator[httpx.Client]:
    with sync_client(create_app(live)) as client:
        client.headers["Authorization"] = f"Bearer {TOKEN}"
        yield client


def last_template_hook(seen: list[Webhook]) -> Webhook:
    return [w for w in seen if w.field != "messages"][-1]


def ids(sim: Simulator, name: str) -> dict[str, Any]:
    template = sim.templates.resolve(name)
    return {"message_template_id": int(template.id), "message_template_name": name,
            "message_template_language": template.language}


def send_code(http: httpx.Client, body: dict[str, Any] = SHIPPING) -> int:
    response = http.post(MESSAGES, json=body)
    return 200 if response.status_code == 200 else int(response.json()["error"]["code"])


def test_a_template_paused_at_10_fails_at_10_01_and_sends_after_reinstatement(
        live: Simulator, http: httpx.Client, seen: list[Webhook]) -> None:
    live.set_time("2026-01-05T10:00:00Z")
    live.templates.pause("shipping_update")
    hook = last_template_hook(seen)
    assert hook.payload["entry"][0]["time"] == 1767607200
    assert hook.value == {"event": "PAUSED", **ids(live, "shipping_update"), "reason": "NONE",
                          "message_template_category": "UTILITY",
                          "other_info": {"title": "FIRST_PAUSE", "description":
                                         "Your message template has been paused for 3 hours "
                                         "because of low quality."}}
    live.advance("1m")
    response = http.post(MESSAGES, json=SHIPPING)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 132015
    live.templates.reinstate("shipping_update")
    assert last_template_hook(seen).value == {
        "event": "REINSTATED", **ids(live, "shipping_update"), "reason": "NONE",
        "message_template_category": "UTILITY"}
    assert send_code(http) == 200


def test_pauses_end_on_the_clock_and_the_third_disables(live: Simulator, http: httpx.Client,
                                                        seen: list[Webhook]) -> None:
    live.templates.pause("shipping_update")
    live.advance("2h59m")
    assert send_code(http) == 132015
    live.advance("1m")
    assert last_template_hook(seen).value["other_info"]["title"] == "UNPAUSE"
    assert last_template_hook(seen).value["event"] == "APPROVED"
    assert send_code(http) == 200
    live.templates.pause("shipping_update")
    assert last_template_hook(seen).value["other_info"]["title"] == "SECOND_PAUSE"
    live.advance("5h59m")
    assert send_code(http) == 132015
    live.advance("1m")
    assert send_code(http) == 200
    live.templates.pause("shipping_update")
    value = last_template_hook(seen).value
    assert (value["event"], value["disable_info"]) == (
        "DISABLED", {"disable_date": int(live.now().timestamp())})
    assert send_code(http) == 132016
    assert live.templates.resolve("shipping_update").quality_score == "RED"


def test_an_early_reinstatement_cancels_the_pending_unpause(live: Simulator,
                                                            seen: list[Webhook]) -> None:
    live.templates.pause("shipping_update")
    live.templates.reinstate("shipping_update")
    count = len(seen)
    live.advance("4h")
    assert len(seen) == count


def test_disable_and_flag(live: Simulator, http: httpx.Client, seen: list[Webhook]) -> None:
    live.templates.flag("shipping_update")
    assert last_template_hook(seen).value["event"] == "FLAGGED"
    assert send_code(http) == 200
    live.templates.disable("shipping_update")
    value = last_template_hook(seen).value
    assert value["event"] == "DISABLED"
    assert value["other_info"]["title"] == "DISABLED"
    assert send_code(http) == 132016


def test_reject_with_a_reason_and_approve_again(live: Simulator, http: httpx.Client,
                                                seen: list[Webhook]) -> None:
    live.templates.reject("shipping_update", "SCAM")
    assert (last_template_hook(seen).value["event"],
            last_template_hook(seen).value["reason"]) == ("REJECTED", "SCAM")
    assert send_code(http) == 132001
    live.templates.approve("shipping_update")
    assert send_code(http) == 200
    assert live.templates.decision("shipping_update")["rule"] == "control:approve"


@pytest.mark.parametrize(("verb", "name", "args"), [
    pytest.param("approve", "shipping_update", {}, id="approve-approved"),
    pytest.param("pause", "new_feature", {}, id="pause-pending"),
    pytest.param("flag", "old_promo", {}, id="flag-disabled"),
    pytest.param("reject", "flash_deal", {"reason": "SCAM"}, id="reject-rejected"),
    pytest.param("change_category", "new_feature", {"category": "MARKETING"},
                 id="recategorise-pending"),
])
def test_a_verb_from_a_status_it_cannot_leave_is_refused_with_2388039(
        live: Simulator, verb: str, name: str, args: dict[str, Any]) -> None:
    with pytest.raises(GraphError) as exc:
        getattr(live.templates, verb)(name, **args)
    assert (exc.value.code, exc.value.subcode) == (100, 2388039)


def test_an_impending_category_change_lands_24_hours_later_and_prices_at_send_time(
        live: Simulator, http: httpx.Client, seen: list[Webhook]) -> None:
    to_bruno = template_message("shipping_update", body=["Bruno", "A-1001"], to=BRUNO)
    live.templates.change_category("shipping_update", "MARKETING", impending=True)
    announced = last_template_hook(seen)
    assert announced.field == "template_category_update"
    assert announced.value == {**ids(live, "shipping_update"), "correct_category": "MARKETING",
                               "new_category": "UTILITY",
                               "category_update_timestamp": 1767690000}
    http.post(MESSAGES, json=to_bruno)
    before = [w for w in seen if w.field == "messages"][-1]
    assert before.value["statuses"][0]["pricing"]["category"] == "utility"
    live.advance("24h")
    done = last_template_hook(seen)
    assert done.value == {**ids(live, "shipping_update"),
                          "previous_category": "UTILITY", "new_category": "MARKETING"}
    assert live.templates.get(live.templates.resolve("shipping_update").id,
                              "category,previous_category,correct_category") == {
        "category": "MARKETING", "previous_category": "UTILITY",
        "id": live.templates.resolve("shipping_update").id}
    http.post(MESSAGES, json=to_bruno)
    after = [w for w in seen if w.field == "messages"][-1]
    assert after.value["statuses"][0]["pricing"]["category"] == "marketing"


def test_a_template_recategorised_as_marketing_fails_for_an_opted_out_customer_with_131050(
        live: Simulator, http: httpx.Client, seen: list[Webhook]) -> None:
    dana = template_message("shipping_update", body=["Dana", "A-7"], to="5511900000004")
    assert send_code(http, dana) == 200
    live.templates.change_category("shipping_update", "MARKETING")
    assert send_code(http, dana) == 200
    failed = [w for w in seen if w.field == "messages"][-1].value["statuses"][0]
    assert failed["status"] == "failed"
    assert failed["errors"][0]["code"] == 131050


def test_change_category_refuses_a_category_outside_the_era(live: Simulator) -> None:
    with pytest.raises(GraphError) as exc:
        live.templates.change_category("shipping_update", "TRANSACTIONAL")
    assert exc.value.details == ("Invalid category 'TRANSACTIONAL'. Accepted categories: "
                                 "MARKETING, UTILITY, AUTHENTICATION.")


def test_set_quality_emits_the_quality_update(live: Simulator, seen: list[Webhook]) -> None:
    live.templates.set_quality("shipping_update", "yellow")
    hook = last_template_hook(seen)
    assert hook.field == "message_template_quality_update"
    assert hook.value == {"previous_quality_score": "UNKNOWN", "new_quality_score": "YELLOW",
                          **ids(live, "shipping_update")}
    with pytest.raises(GraphError):
        live.templates.set_quality("shipping_update", "PURPLE")


def test_set_quality_to_the_score_it_has_emits_nothing(live: Simulator,
                                                       seen: list[Webhook]) -> None:
    live.templates.pause("shipping_update")
    before = len(seen)
    shown = live.templates.set_quality("shipping_update", "RED")
    assert shown["quality_score"] == {"score": "RED"}
    assert [w.field for w in seen[before:]] == []
    live.templates.set_quality("shipping_update", "GREEN")
    assert [(w.field, w.value["previous_quality_score"], w.value["new_quality_score"])
            for w in seen[before:]] == [("message_template_quality_update", "RED", "GREEN")]


# --- over HTTP ---------------------------------------------------------------------------

def test_control_verbs_over_http(live: Simulator, http: httpx.Client,
                                 seen: list[Webhook]) -> None:
    response = http.post("/_sim/templates/shipping_update/pause", json={})
    assert response.status_code == 200
    assert response.json()["status"] == "PAUSED"
    assert send_code(http) == 132015
    http.post("/_sim/templates/shipping_update/reinstate")
    assert http.post("/_sim/templates/shipping_update/reject",
                     json={"reason": "TAG_CONTENT_MISMATCH"}).json()["status"] == "REJECTED"
    state = http.get("/_sim/templates/shipping_update").json()
    assert state["decision"]["rule"] == "control:reject"
    assert state["decision"]["reason"] == "TAG_CONTENT_MISMATCH"
    template_id = live.templates.resolve("shipping_update").id
    assert http.post(f"/_sim/templates/{template_id}/approve").json()["status"] == "APPROVED"
    assert http.post("/_sim/templates/shipping_update/change_category",
                     json={"category": "MARKETING", "impending": True}).json()[
        "correct_category"] == "MARKETING"
    assert http.post("/_sim/templates/shipping_update/set_quality",
                     json={"score": "GREEN"}).json()["quality_score"] == {"score": "GREEN"}
    assert http.post("/_sim/templates/shipping_update/decision").json()["decided"] is True


def test_http_control_lists_every_template_with_its_decision(http: httpx.Client) -> None:
    data = http.get("/_sim/templates").json()["data"]
    flash = next(t for t in data if t["name"] == "flash_deal")
    assert flash["decision"]["rule"] == "fixture"
    assert flash["waba_id"] == WABA_ID


@pytest.mark.parametrize(("path", "body", "details"), [
    pytest.param("/_sim/templates/shipping_update/explode", {},
                 "unknown template action 'explode'; known: approve, reject, pause, disable, "
                 "reinstate, flag, change_category, set_quality, audit, decision", id="action"),
    pytest.param("/_sim/templates/shipping_update/reject", {"why": "x"},
                 "reject takes reason, language; got 'why'", id="argument"),
    pytest.param("/_sim/templates/shipping_update/change_category", {},
                 "missing field 'category'", id="missing"),
    pytest.param("/_sim/templates/shipping_update/change_category",
                 {"category": "MARKETING", "impending": "soon"},
                 "field 'impending' must be true or false", id="impending"),
    pytest.param("/_sim/templates/seasonal_promotion/approve", {},
                 "template 'seasonal_promotion' exists in several languages (en_US, pt_BR); "
                 "give a language", id="ambiguous"),
    pytest.param("/_sim/templates/nope/approve", {}, "no template has id or name 'nope'",
                 id="unknown"),
])
def test_http_control_refusals(http: httpx.Client, path: str, body: dict[str, Any],
                               details: str) -> None:
    response = http.post(path, json=body)
    assert response.status_code == 400
    assert response.json()["error"]["error_data"]["details"] == details


def test_a_language_picks_one_of_several(http: httpx.Client) -> None:
    response = http.post("/_sim/templates/seasonal_promotion/pause",
                         json={"language": "pt_BR"})
    assert (response.json()["status"], response.json()["language"]) == ("PAUSED", "pt_BR")
    assert http.get("/_sim/templates/seasonal_promotion",
                    params={"language": "en_US"}).json()["status"] == "APPROVED"


# --- the post-approval category audit (§2.2) -------------------------------------------


PROMO = [{"type": "BODY", "text": "Huge sale! 50% off everything this weekend, shop now"}]


def approved_utility(sim: Simulator, name: str, components: list[dict[str, Any]]) -> None:
    sim.world.settings.update({"template_review_after": None})  # decided by hand below
    sim.templates.create(WABA_ID, {"name": name, "language": "en_US", "category": "UTILITY",
                                   "components": components})
    sim.templates.approve(name)


def test_an_audit_gives_notice_to_an_approved_utility_template_that_reads_as_marketing(
        live: Simulator, http: httpx.Client, seen: list[Webhook]) -> None:
    approved_utility(live, "weekend_sale", PROMO)
    answer = http.post("/_sim/templates/weekend_sale/audit", json={})
    assert answer.status_code == 200
    audit = answer.json()["audit"]
    assert (audit["outcome"], audit["correct_category"]) == ("impending", "MARKETING")
    assert audit["rule"] == "promotional-utility-approved-as-marketing"
    notice = last_template_hook(seen)
    assert notice.field == "template_category_update"
    assert notice.value == {**ids(live, "weekend_sale"), "correct_category": "MARKETING",
                            "new_category": "UTILITY",
                            "category_update_timestamp": 1767690000}
    live.advance("24h")
    template = live.templates.resolve("weekend_sale")
    assert (template.status, template.category) == ("APPROVED", "MARKETING")


@pytest.mark.parametrize(("name", "settings"), [
    ("shipping_update", {}),  # utility content: nothing to correct
    ("weekend_sale", {"rules_as_of": "2024-06-30"}),  # before audits began
])
def test_an_audit_leaves_other_templates_alone(live: Simulator, seen: list[Webhook],
                                               name: str, settings: dict[str, Any]) -> None:
    if name == "weekend_sale":
        approved_utility(live, name, PROMO)
    live.world.settings.update(settings)
    hooks = len(seen)
    view = live.templates.audit(name)
    assert view["audit"]["outcome"] == "unchanged"
    assert view["audit"]["correct_category"] is None
    assert len(seen) == hooks
    assert live.templates.show(live.templates.resolve(name))["category"] == "UTILITY"


def test_an_audit_leaves_a_marketing_or_unapproved_template_alone(live: Simulator) -> None:
    live.world.settings.update({"template_review_after": None})
    live.templates.create(WABA_ID, {"name": "pending_sale", "language": "en_US",
                                    "category": "UTILITY", "components": PROMO})
    assert live.templates.audit("pending_sale")["audit"]["outcome"] == "unchanged"
    marketing = next(t.id for t in live.world.first_account().templates.values()
                     if t.category == "MARKETING" and t.status == "APPROVED")
    assert live.templates.audit(marketing)["audit"]["outcome"] == "unchanged"
