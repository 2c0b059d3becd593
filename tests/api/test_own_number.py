"""A send to the business's own number (§4.3; audit 2, L7)."""

from __future__ import annotations

import httpx
import pytest
from wasim import Simulator

from tests.api.asserts import assert_graph_error
from tests.conftest import MESSAGES, text_message

OWN = "15550783881"  # the display number of the default world's first number


def template_to(to: str) -> dict[str, object]:
    return {"messaging_product": "whatsapp", "to": to, "type": "template",
            "template": {"name": "hello_world", "language": {"code": "en_US"}}}


@pytest.mark.parametrize("to", [OWN, "+1 555-078-3881"])
def test_a_send_to_the_sending_number_is_refused_with_131021(
        sim: Simulator, client: httpx.Client, to: str) -> None:
    assert_graph_error(client.post(MESSAGES, json=template_to(to)), status=400, code=131021,
                       message="(#131021) Recipient cannot be sender.",
                       details="Sender and recipient phone number is the same.")
    assert len(sim.sent) == 0


def test_by_setting_it_fails_by_webhook_instead(sim: Simulator,
                                                client: httpx.Client) -> None:
    sim.update_settings({"own_number_mode": "async"})
    response = client.post(MESSAGES, json=text_message(to=OWN))
    assert response.status_code == 200, response.text
    message_id = response.json()["messages"][0]["id"]
    [status] = [w.value["statuses"][0] for w in sim.webhooks if "statuses" in w.value]
    assert (status["id"], status["status"]) == (message_id, "failed")
    assert status["errors"][0]["code"] == 131021
    assert "pricing" not in status


def test_a_customer_number_is_still_sent_to(client: httpx.Client) -> None:
    assert client.post(MESSAGES, json=template_to("16505551234")).status_code == 200
