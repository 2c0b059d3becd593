from __future__ import annotations

from typing import Any

import httpx
import pytest
from wasim import GraphError, Simulator
from wasim.api.auth import check_token

from tests.conftest import MESSAGES, text_message


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_second_token_works_until_it_expires_then_answers_401_190_463(
        sim: Simulator, client: httpx.Client, spec_check: Any) -> None:
    sim.customer("ana").says("hi")
    token = client.post("/_sim/tokens", json={"value": "short-lived", "expires_in": "1h"})
    assert token.json()["expires_at"] == "2026-01-05T10:00:00+00:00"
    ok = client.post(MESSAGES, json=text_message(), headers=_auth("short-lived"))
    assert ok.status_code == 200
    sim.advance("1h")
    expired = client.post(MESSAGES, json=text_message(), headers=_auth("short-lived"))
    assert expired.status_code == 401
    error = expired.json()["error"]
    assert (error["code"], error["error_subcode"], error["type"]) == (190, 463, "OAuthException")
    assert error["message"].startswith("Error validating access token: Session has expired on")
    assert spec_check.check_error(expired.json()) == []


def test_a_messaging_only_token_fails_the_management_scope_check(sim: Simulator) -> None:
    token = sim.tokens.add("msg-only", ["messaging"])
    with pytest.raises(GraphError) as exc:
        check_token(sim.world, token.value, sim.now, "management")
    assert (exc.value.code, exc.value.http_status) == (200, 403)
    assert exc.value.message == ("(#200) Requires whatsapp_business_management permission "
                                 "to manage the object")


def test_a_revoked_token_is_invalid(sim: Simulator, client: httpx.Client) -> None:
    sim.tokens.add("gone")
    assert client.delete("/_sim/tokens/gone").json() == {"success": True}
    response = client.post(MESSAGES, json=text_message(), headers=_auth("gone"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == 190
    assert "error_subcode" not in response.json()["error"]


def test_tokens_are_listed_with_scopes_and_expiry(client: httpx.Client) -> None:
    client.post("/_sim/tokens", json={"value": "m", "scopes": ["management"],
                                      "expires_at": "2026-02-01T00:00:00Z"})
    listed = {t["value"]: t for t in client.get("/_sim/tokens").json()["data"]}
    assert listed["m"] == {"value": "m", "scopes": ["management"],
                           "expires_at": "2026-02-01T00:00:00+00:00"}
    assert listed["wasim-token"]["scopes"] == ["management", "messaging"]


def test_a_token_with_an_unknown_scope_is_refused(client: httpx.Client) -> None:
    response = client.post("/_sim/tokens", json={"scopes": ["admin"]})
    assert response.status_code == 400 and response.json()["error"]["code"] == 100


def test_a_generated_token_value_is_returned(sim: Simulator) -> None:
    token = sim.tokens.add(scopes=["messaging"])
    assert token.value.startswith("EAAW") and token.value in sim.world.tokens
