from __future__ import annotations

import httpx
import pytest
from wasim import GraphError, Simulator
from wasim.platform.hooks import GraphCall
from wasim.platform.limits import management_waba
from wasim.world.models import Token

from tests.conftest import MESSAGES, PHONE_ID, TOKEN, WABA_ID, text_message


def _call(path: str) -> GraphCall:
    return GraphCall("GET", path, Token(TOKEN))


@pytest.mark.parametrize(("path", "expected"), [
    pytest.param(f"/v23.0/{WABA_ID}/message_templates", WABA_ID, id="waba-edge"),
    pytest.param(f"/v23.0/{PHONE_ID}", WABA_ID, id="phone-number"),
    pytest.param(f"/v23.0/{PHONE_ID}/register", WABA_ID, id="phone-edge"),
    pytest.param(f"/v23.0/{PHONE_ID}/messages", None, id="messages"),
    pytest.param(f"/v23.0/{PHONE_ID}/media", None, id="media"),
    pytest.param("/v23.0/1234", None, id="unknown-object"),
])
def test_which_calls_are_management_calls(sim: Simulator, path: str,
                                          expected: str | None) -> None:
    assert management_waba(sim.world, _call(path)) == expected


def test_a_template_id_is_a_management_call_of_its_waba(sim: Simulator) -> None:
    template_id = next(iter(sim.world.first_account().templates))
    call = _call(f"/v23.0/{template_id}")
    assert management_waba(sim.world, call) == WABA_ID


def test_the_limits_route_shows_and_clears_the_counters(sim: Simulator,
                                                        client: httpx.Client) -> None:
    sim.customer("ana").says("hi")
    client.post(MESSAGES, json=text_message())
    client.get(f"/v23.0/{PHONE_ID}")
    usage = client.get("/_sim/limits").json()
    assert usage["throughput"] == {PHONE_ID: 1}
    assert usage["pairs"][0]["burst_count"] == 1
    assert usage["management_calls"] == {WABA_ID: 1}
    assert client.delete("/_sim/limits").json() == {"success": True}
    assert client.get("/_sim/limits").json()["throughput"] == {}


@pytest.mark.parametrize("values", [
    pytest.param({"throughput_mps": 0}, id="zero-mps"),
    pytest.param({"throughput_mps": 80.5}, id="fractional-mps"),
    pytest.param({"messaging_limit_tier": "TIER_5"}, id="unknown-tier"),
    pytest.param({"pair_rate_burst": 0}, id="zero-burst"),
    pytest.param({"management_calls_per_hour": 0}, id="zero-calls"),
])
def test_bad_limit_settings_are_refused(sim: Simulator, values: dict[str, object]) -> None:
    with pytest.raises(GraphError) as exc:
        sim.world.settings.update(values)
    assert exc.value.code == 100


def test_an_empty_upload_is_refused(client: httpx.Client) -> None:
    response = client.post(f"/v23.0/{PHONE_ID}/media", data={"messaging_product": "whatsapp"},
                           files={"file": ("a.jpg", b"", "image/jpeg")})
    assert response.json()["error"]["error_data"]["details"] == "Param file must not be empty."
