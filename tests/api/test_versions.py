"""Behaviour that follows the Graph version in the path (M8; §3, §2.1)."""

from __future__ import annotations

import httpx
import pytest
from wasim import Simulator

from tests.conftest import PHONE_ID, WABA_ID, template_message


@pytest.mark.parametrize("version", ["v17.0", "v21.0", "v22.0"])
def test_before_v23_a_parameter_problem_is_100_invalid_parameter(
        client: httpx.Client, version: str) -> None:
    """§3: 132018 is v23.0's code; a client pinned to an older version sees
    ``(#100) Invalid parameter`` carrying the same details."""
    response = client.post(f"/{version}/{PHONE_ID}/messages",
                           json=template_message(body=["a", "a\nb"]))
    error = response.json()["error"]
    assert response.status_code == 400
    assert (error["code"], error["message"]) == (100, "(#100) Invalid parameter")
    assert "error_subcode" not in error
    assert "new-line" in error["error_data"]["details"] or "newline" in (
        error["error_data"]["details"].replace("-", ""))


@pytest.mark.parametrize("version", ["v23.0", "v24.0", "v25.0"])
def test_from_v23_a_parameter_problem_is_132018(client: httpx.Client, version: str) -> None:
    error = client.post(f"/{version}/{PHONE_ID}/messages",
                        json=template_message(body=["a", ""])).json()["error"]
    assert error["code"] == 132018


def test_the_python_api_reports_the_current_code(sim: Simulator) -> None:
    from wasim.errors import GraphError
    with pytest.raises(GraphError) as raised:
        sim.send(template_message(body=["a", ""]))
    assert raised.value.code == 132018


def test_other_template_errors_keep_their_code_on_old_versions(client: httpx.Client) -> None:
    error = client.post(f"/v17.0/{PHONE_ID}/messages",
                        json=template_message(body=["a"])).json()["error"]
    assert error["code"] == 132000


TRANSACTIONAL = {"name": "old_style", "language": "en_US", "category": "TRANSACTIONAL",
                 "components": [{"type": "BODY", "text": "Your order has shipped."}]}


def test_v15_still_creates_2022_categories_until_2023_05_01(
        sim: Simulator, client: httpx.Client) -> None:
    """§2.1: v16.0 made the three current names mandatory; v15.0 and older kept
    TRANSACTIONAL and OTP until 2023-05-01."""
    client.post("/_sim/clock/set", json={"to": "2023-04-20T10:00:00Z"})
    created = client.post(f"/v15.0/{WABA_ID}/message_templates", json=TRANSACTIONAL)
    assert created.status_code == 200, created.text
    refused = client.post(f"/v16.0/{WABA_ID}/message_templates",
                          json={**TRANSACTIONAL, "name": "old_style_2"}).json()["error"]
    assert refused["code"] == 100
    assert "Accepted categories: MARKETING, UTILITY, AUTHENTICATION." in (
        refused["error_data"]["details"])


def test_after_2023_05_01_v15_takes_only_the_current_categories(
        sim: Simulator, client: httpx.Client) -> None:
    client.post("/_sim/clock/set", json={"to": "2023-05-01T00:00:00Z"})
    error = client.post(f"/v15.0/{WABA_ID}/message_templates",
                        json=TRANSACTIONAL).json()["error"]
    assert error["code"] == 100
