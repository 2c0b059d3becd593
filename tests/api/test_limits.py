from __future__ import annotations

from typing import Any

import httpx
import pytest
from wasim import GraphError, Simulator

from tests.conftest import MESSAGES, START, WABA_ID, template_message, text_message


def test_flooding_one_number_gives_130429_on_the_81st_message_in_one_second(
        sim: Simulator, client: httpx.Client, spec_check: Any) -> None:
    sim.world.settings.update({"pair_rate_limit": False})
    sim.customer("ana").says("hi")
    statuses = [client.post(MESSAGES, json=text_message()).status_code for _ in range(81)]
    assert statuses == [200] * 80 + [400]
    refused = client.post(MESSAGES, json=text_message())
    error = refused.json()["error"]
    assert (error["code"], error["message"]) == (130429, "(#130429) Rate limit hit")
    assert error["error_data"]["details"] == "Cloud API message throughput has been reached."
    assert spec_check.check_error(refused.json()) == []
    sim.advance("1s")
    assert client.post(MESSAGES, json=text_message()).status_code == 200


def test_one_customer_past_the_pair_limit_gets_131056_on_the_46th_burst_message(
        sim: Simulator, client: httpx.Client) -> None:
    sim.customer("ana").says("hi")
    statuses = [client.post(MESSAGES, json=text_message()).status_code for _ in range(46)]
    assert statuses == [200] * 45 + [400]
    refused = client.post(MESSAGES, json=text_message()).json()["error"]
    assert refused["code"] == 131056
    assert refused["message"] == ("(#131056) (Business Account, Consumer Account) pair rate "
                                  "limit hit")
    sim.advance(45 * 6)
    assert client.post(MESSAGES, json=text_message()).status_code == 200


def test_the_pair_limit_leaves_other_customers_alone(sim: Simulator,
                                                     client: httpx.Client) -> None:
    sim.customer("ana").says("hi")
    sim.customer("bruno").says("hi")
    for _ in range(45):
        client.post(MESSAGES, json=text_message())
    assert client.post(MESSAGES, json=text_message(to="34612340002")).status_code == 200


def test_rate_limit_errors_take_the_http_status_setting(sim: Simulator,
                                                        client: httpx.Client) -> None:
    sim.world.settings.update({"rate_limit_http_status": 429, "pair_rate_burst": 1})
    sim.customer("ana").says("hi")
    client.post(MESSAGES, json=text_message())
    assert client.post(MESSAGES, json=text_message()).status_code == 429


@pytest.mark.parametrize("setting", ["throughput_limit", "pair_rate_limit"])
def test_each_send_limit_can_be_switched_off(sim: Simulator, client: httpx.Client,
                                             setting: str) -> None:
    other = "pair_rate_limit" if setting == "throughput_limit" else "throughput_limit"
    sim.world.settings.update({setting: False, other: False})
    sim.customer("ana").says("hi")
    statuses = {client.post(MESSAGES, json=text_message()).status_code for _ in range(100)}
    assert statuses == {200}


def test_a_1000_mps_setting_lets_1000_through(sim: Simulator) -> None:
    sim.world.settings.update({"throughput_mps": 1000, "pair_rate_limit": False})
    sim.customer("ana").says("hi")
    for _ in range(1000):
        sim.send(text_message())
    with pytest.raises(GraphError) as exc:
        sim.send(text_message())
    assert exc.value.code == 130429


def test_throughput_above_1000_is_refused_as_a_setting(client: httpx.Client) -> None:
    response = client.post("/_sim/settings", json={"throughput_mps": 1001})
    assert response.status_code == 400 and response.json()["error"]["code"] == 100


def test_templates_to_new_customers_past_the_tier_fail_with_the_messaging_limit_code(
        sim: Simulator, client: httpx.Client) -> None:
    sim.world.settings.update({"messaging_limit_tier": "TIER_250", "throughput_limit": False})
    for i in range(250):
        body = template_message(to=f"1555010{i:04d}", body=["Ana", "A-1"])
        assert client.post(MESSAGES, json=body).status_code == 200
    over = client.post(MESSAGES, json=template_message(to="15559990000", body=["Ana", "A-1"]))
    assert over.status_code == 200
    message = sim.message(over.json()["messages"][0]["id"])
    assert message.status == "failed" and message.error is not None
    assert message.error["code"] == 131048
    again = client.post(MESSAGES, json=template_message(to="15550100000", body=["Ana", "A-1"]))
    assert sim.message(again.json()["messages"][0]["id"]).status == "delivered"
    assert client.get("/_sim/limits").json()["messaging"] == {"default": 250}


def test_the_messaging_limit_frees_up_after_24_hours(sim: Simulator) -> None:
    sim.world.settings.update({"messaging_limit_tier": "TIER_250", "throughput_limit": False})
    for i in range(250):
        sim.send(template_message(to=f"1555010{i:04d}", body=["Ana", "A-1"]))
    sim.advance("24h")
    sent = sim.send(template_message(to="15559990000", body=["Ana", "A-1"]))
    assert sim.message(sent["messages"][0]["id"]).status == "delivered"


def test_management_calls_past_the_hourly_budget_get_80007_with_429(
        sim: Simulator, client: httpx.Client, spec_check: Any) -> None:
    sim.world.settings.update({"management_calls_per_hour": 2})
    statuses = [client.get(f"/v23.0/{WABA_ID}").status_code for _ in range(2)]
    refused = client.get(f"/v23.0/{WABA_ID}")
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert (error["code"], error["is_transient"]) == (80007, True)
    assert spec_check.check_error(refused.json()) == []
    assert statuses == [200, 200]
    sim.advance("1h")
    assert client.get(f"/v23.0/{WABA_ID}").status_code == 200


def test_sends_do_not_spend_the_management_budget(sim: Simulator,
                                                  client: httpx.Client) -> None:
    sim.world.settings.update({"management_calls_per_hour": 1})
    sim.customer("ana").says("hi")
    for _ in range(3):
        assert client.post(MESSAGES, json=text_message()).status_code == 200


def test_an_app_call_budget_answers_code_4(sim: Simulator, client: httpx.Client) -> None:
    sim.world.settings.update({"app_calls_per_hour": 1})
    sim.customer("ana").says("hi")
    client.post(MESSAGES, json=text_message())
    refused = client.post(MESSAGES, json=text_message())
    assert refused.status_code == 429 and refused.json()["error"]["code"] == 4


def test_reset_clears_the_counters(sim: Simulator) -> None:
    sim.customer("ana").says("hi")
    sim.send(text_message())
    sim.reset()
    assert sim.limits.usage()["throughput"] == {}
    assert sim.now().isoformat().startswith(START[:10])


PORTFOLIO_WORLD = """
app_secret: s
verify_token: v
tokens: [{value: t}]
settings: {messaging_limit_tier: TIER_250, throughput_limit: false}
accounts:
  - {waba_id: "11111", name: North, portfolio: acme,
     phone_numbers: [{id: "21111", display_phone_number: "15550000001", verified_name: N}],
     templates: [{name: hi, language: en_US, category: UTILITY,
                  components: [{type: BODY, text: Hi}]}]}
  - {waba_id: "11112", name: South, portfolio: acme,
     phone_numbers: [{id: "21112", display_phone_number: "15550000002", verified_name: S}],
     templates: [{name: hi, language: en_US, category: UTILITY,
                  components: [{type: BODY, text: Hi}]}]}
  - {waba_id: "11113", name: Other, portfolio: globex,
     phone_numbers: [{id: "21113", display_phone_number: "15550000003", verified_name: O}],
     templates: [{name: hi, language: en_US, category: UTILITY,
                  components: [{type: BODY, text: Hi}]}]}
"""


def test_the_messaging_limit_is_shared_by_the_wabas_of_one_portfolio(tmp_path: Any) -> None:
    world = tmp_path / "portfolios.yaml"
    world.write_text(PORTFOLIO_WORLD)
    sim = Simulator(world=str(world), now=START)

    def send(phone: str, to: str) -> str:
        body = {"messaging_product": "whatsapp", "to": to, "type": "template",
                "template": {"name": "hi", "language": {"code": "en_US"}}}
        return sim.message(sim.send(body, phone_number_id=phone)["messages"][0]["id"]).status

    assert {send("21111" if i % 2 else "21112", f"1555010{i:04d}") for i in range(250)} == {
        "delivered"}
    assert send("21112", "15559990000") == "failed"  # the portfolio's 251st customer
    assert send("21113", "15559990000") == "delivered"  # another portfolio: its own limit
    assert sim.limits.usage()["messaging"] == {"acme": 250, "globex": 1}
    exported = sim.export_state()
    assert [a.get("portfolio") for a in exported["world"]["accounts"]] == [
        "acme", "acme", "globex"]
