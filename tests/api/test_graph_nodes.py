"""Graph nodes as Meta answers them: phone-number status and ``id`` (M7), the WABA node
and known objects on edges wasim does not serve (M9), and the method named in a
missing-object refusal (L9)."""

from __future__ import annotations

import httpx
from wasim import Simulator

from tests.conftest import PHONE_ID, WABA_ID

PHONE = f"/v23.0/{PHONE_ID}"


def test_a_registered_number_is_connected_and_keeps_its_id(client: httpx.Client) -> None:
    """§2.5/§6: ``?fields=status`` answers ``{status, id}`` with status CONNECTED."""
    assert client.get(f"{PHONE}?fields=status").json() == {"status": "CONNECTED",
                                                            "id": PHONE_ID}


def test_a_deregistered_number_is_disconnected(client: httpx.Client) -> None:
    client.post(f"{PHONE}/deregister")
    assert client.get(f"{PHONE}?fields=status").json() == {"status": "DISCONNECTED",
                                                            "id": PHONE_ID}


def test_each_listed_number_keeps_its_id_whatever_fields_asks(client: httpx.Client) -> None:
    body = client.get(f"/v23.0/{WABA_ID}/phone_numbers?fields=status").json()
    assert body["data"] == [{"status": "CONNECTED", "id": PHONE_ID}]


def test_the_waba_node_answers_its_default_fields(client: httpx.Client) -> None:
    """M9: ``GET /{WABA-ID}`` answers id, name, currency, timezone_id and the template
    namespace; the namespace is stable across calls."""
    body = client.get(f"/v23.0/{WABA_ID}").json()
    assert set(body) == {"id", "name", "currency", "timezone_id",
                         "message_template_namespace"}
    assert (body["id"], body["currency"], body["timezone_id"]) == (WABA_ID, "USD", "1")
    assert body["name"]
    assert len(body["message_template_namespace"].split("_")) == 5
    assert client.get(f"/v23.0/{WABA_ID}").json() == body


def test_the_waba_node_takes_fields(client: httpx.Client) -> None:
    assert client.get(f"/v23.0/{WABA_ID}?fields=account_review_status").json() == {
        "account_review_status": "APPROVED", "id": WABA_ID}
    error = client.get(f"/v23.0/{WABA_ID}?fields=colour").json()["error"]
    assert error["message"] == ("(#100) Tried accessing nonexisting field (colour) on node "
                                "type (WhatsAppBusinessAccount)")


def test_a_known_object_on_an_edge_wasim_does_not_serve_is_2500(
        sim: Simulator, client: httpx.Client) -> None:
    """M9: templates of a phone number (they belong to the WABA) are not "does not exist":
    the id is right, the edge is not served; the unimplemented-endpoint check sees it."""
    response = client.get(f"{PHONE}/message_templates")
    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (400, 2500)
    assert "error_subcode" not in error
    assert f"{PHONE_ID} is a WhatsAppBusinessPhoneNumber" in error["error_data"]["details"]
    assert [r.path for r in sim.requests.filter(implemented=False)] == [
        f"{PHONE}/message_templates"]
    sim.requests.clear()


def test_a_known_object_with_a_method_it_does_not_serve_is_2500(
        sim: Simulator, client: httpx.Client) -> None:
    assert client.delete(PHONE).json()["error"]["code"] == 2500
    assert client.post(f"/v23.0/{WABA_ID}/messages",
                       json={"messaging_product": "whatsapp"}).json()["error"]["code"] == 2500
    sim.requests.clear()


def test_a_missing_object_names_the_request_method(client: httpx.Client) -> None:
    """L9: Graph names the method actually used, not always ``post``."""
    for method in ("GET", "DELETE"):
        error = client.request(method, "/v23.0/999999999/message_templates").json()["error"]
        assert (error["code"], error["error_subcode"]) == (100, 33)
        assert error["message"].startswith(
            f"Unsupported {method.lower()} request. Object with ID '999999999' does not exist")
    error = client.get("/v23.0/999999999").json()["error"]
    assert error["message"].startswith("Unsupported get request.")
