"""Auth (§9), recipients (§3, §11) and what Graph answers for what it does not know."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from wasim import Simulator
from wasim.api import create_app
from wasim.asgi import sync_client

from tests.api.asserts import assert_accepted, assert_graph_error
from tests.conftest import ANA, MESSAGES, PHONE_ID, START, TOKEN, text_message

UNKNOWN_PATH = "(#2500) Unknown path components"
HINT = "See docs/reference/endpoints.md in wasim's documentation for what it implements."


@pytest.fixture
def anonymous(sim: Simulator) -> Iterator[httpx.Client]:
    sim.customer("ana").says("hi")
    with sync_client(create_app(sim)) as http:
        yield http


# --- auth -------------------------------------------------------------------------------


def test_a_send_without_a_token_is_refused_with_401_104(anonymous: httpx.Client,
                                                         sim: Simulator) -> None:
    """No token at all is code 104, Meta's ``MissingAccessToken`` answer (§9); 190 means
    a token that is invalid or expired (the audit's M6: clients refresh on 190)."""
    response = anonymous.post(MESSAGES, json=text_message())
    assert_graph_error(response, status=401, code=104,
                       message="An access token is required to request this resource.")
    assert response.headers["www-authenticate"].startswith('OAuth "Facebook Platform" '
                                                           '"invalid_request"')
    assert len(sim.sent) == 0


@pytest.mark.parametrize("header", ["Bearer not-the-token", "Bearer wasim-token-x"])
def test_an_unknown_token_is_refused_with_401_190(anonymous: httpx.Client,
                                                  header: str) -> None:
    response = anonymous.post(MESSAGES, json=text_message(),
                              headers={"Authorization": header})
    assert_graph_error(response, status=401, code=190,
                       message="Invalid OAuth access token - Cannot parse access token")


def test_a_non_bearer_authorization_counts_as_no_token(anonymous: httpx.Client) -> None:
    response = anonymous.post(MESSAGES, json=text_message(),
                              headers={"Authorization": f"Basic {TOKEN}"})
    assert_graph_error(response, status=401, code=104,
                       message="An access token is required to request this resource.")


def test_the_token_may_come_as_the_access_token_query_parameter(
    anonymous: httpx.Client,
) -> None:
    response = anonymous.post(f"{MESSAGES}?access_token={TOKEN}", json=text_message())
    assert_accepted(response)


def test_an_expired_token_is_refused_with_subcode_463(tmp_path: Path) -> None:
    world = tmp_path / "world.yaml"
    world.write_text(
        "app_secret: s\nverify_token: v\n"
        "tokens:\n  - {value: old, expires_at: '2026-01-05T10:00:00Z'}\n"
        "accounts:\n  - waba_id: '1000001'\n    name: Shop\n    phone_numbers:\n"
        "      - {id: '2000002', display_phone_number: '15550001111', verified_name: Shop}\n")
    sim = Simulator(world=world, now=START)
    with sync_client(create_app(sim)) as http:
        http.headers["Authorization"] = "Bearer old"
        url = "/v23.0/2000002/messages"
        assert http.post(url, json=text_message()).status_code == 200
        sim.advance("1h")
        assert_graph_error(
            http.post(url, json=text_message()), status=401, code=190, subcode=463,
            message="Error validating access token: Session has expired on Monday, "
            "05-Jan-26 10:00:00 UTC. The current time is Monday, 05-Jan-26 10:00:00 UTC.")


# --- recipients: `to` or a business-scoped `recipient` (§3, §11) ------------------------


def test_to_may_be_formatted_and_is_echoed_as_input(client: httpx.Client,
                                                    sim: Simulator) -> None:
    sim.customer("ana").says("hi")
    response = client.post(MESSAGES, json=text_message(to="+1 (650) 555-1234"))
    assert_accepted(response, input="+1 (650) 555-1234", wa_id=ANA)


def test_a_business_scoped_recipient_reaches_its_contact(client: httpx.Client,
                                                         sim: Simulator) -> None:
    sim.customer("ana").says("hi")
    bsuid = sim.world.first_account().contacts[ANA].user_id
    body = {"messaging_product": "whatsapp", "recipient": bsuid, "type": "text",
            "text": {"body": "hi"}}
    wamid = assert_accepted(client.post(MESSAGES, json=body), input=bsuid, wa_id=ANA)
    assert sim.message(wamid).to == ANA
    status = sim.webhooks[-1].payload["entry"][0]["changes"][0]["value"]
    assert status["contacts"][0]["user_id"] == bsuid


@pytest.mark.parametrize(
    ("body", "code", "message", "details"),
    [
        pytest.param({"recipient": "US.999"}, 131009, "(#131009) Parameter value is not valid",
                     "Parameter recipient is not a business-scoped user id known to this "
                     "business: 'US.999'", id="unknown-bsuid"),
        pytest.param({"recipient": 5}, 131009, "(#131009) Parameter value is not valid",
                     "Parameter recipient must be a business-scoped user id string.",
                     id="bsuid-not-string"),
        pytest.param({}, 131008, "(#131008) Required parameter is missing",
                     "The parameter to is required.", id="no-recipient"),
        pytest.param({"to": "call me"}, 131009, "(#131009) Parameter value is not valid",
                     "Parameter to is not a valid WhatsApp phone number: 'call me'.",
                     id="to-not-a-number"),
    ],
)
def test_a_bad_recipient_gets_its_exact_error(client: httpx.Client, body: dict[str, object],
                                              code: int, message: str, details: str) -> None:
    payload = {"messaging_product": "whatsapp", "type": "text", "text": {"body": "hi"}, **body}
    assert_graph_error(client.post(MESSAGES, json=payload), status=400, code=code,
                       message=message, details=details)


# --- the envelope of the request ---------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "code", "message", "details"),
    [
        pytest.param(b"{not json", 100, "(#100) Invalid parameter",
                     "The request body is not valid JSON.", id="not-json"),
        pytest.param(b"[1, 2]", 100, "(#100) Invalid parameter",
                     "The request body must be a JSON object.", id="array"),
        pytest.param(b'{"to": "16505551234", "type": "text", "text": {"body": "x"}}', 100,
                     "(#100) Invalid parameter",
                     "The parameter messaging_product is required.", id="no-product"),
        pytest.param(b'{"messaging_product": "sms", "to": "16505551234"}', 100,
                     "(#100) Invalid parameter", "Param messaging_product must be 'whatsapp'.",
                     id="wrong-product"),
        pytest.param(b'{"messaging_product": "whatsapp", "to": "16505551234", "type": "fax"}',
                     131051, "(#131051) Unsupported message type",
                     "Message type 'fax' is not currently supported. Supported types: text, "
                     "image, audio, video, document, sticker, location, contacts, interactive, "
                     "reaction, template.", id="unsupported-type"),
    ],
)
def test_a_malformed_request_gets_its_exact_error(client: httpx.Client, content: bytes,
                                                  code: int, message: str,
                                                  details: str) -> None:
    response = client.post(MESSAGES, content=content,
                           headers={"Content-Type": "application/json"})
    assert_graph_error(response, status=400, code=code, message=message, details=details)


# --- what Graph does not know: never a bare 404 or 500 -----------------------------------


def test_an_unknown_phone_number_id_is_named_in_a_100_33_error(client: httpx.Client) -> None:
    response = client.post("/v23.0/999000111/messages", json=text_message())
    assert_graph_error(
        response, status=400, code=100, subcode=33,
        message="Unsupported post request. Object with ID '999000111' does not exist, "
        "cannot be loaded due to missing permissions, or does not support this operation.")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("GET", "/v23.0/me/conversations", id="unknown-edge"),
        pytest.param("POST", "/nothing-here", id="unknown-top"),
        pytest.param("GET", f"/v23.0/{PHONE_ID}/messages", id="wrong-method-get"),
        pytest.param("DELETE", f"/v23.0/{PHONE_ID}/messages", id="wrong-method-delete"),
        pytest.param("PUT", f"/v23.0/{PHONE_ID}/messages", id="wrong-method-put"),
        pytest.param("PATCH", f"/v23.0/{PHONE_ID}/messages", id="wrong-method-patch"),
        pytest.param("OPTIONS", f"/v23.0/{PHONE_ID}/messages", id="wrong-method-options"),
        pytest.param("TRACE", f"/v23.0/{PHONE_ID}/messages", id="wrong-method-trace"),
        pytest.param("PROPFIND", "/v23.0/anything", id="unknown-method"),
        pytest.param("POST", f"/v23/{PHONE_ID}/messages", id="bad-version"),
        pytest.param("POST", f"/latest/{PHONE_ID}/messages", id="not-a-version"),
    ],
)
def test_an_unknown_path_or_method_is_a_2500_error_naming_both(
    client: httpx.Client, sim: Simulator, method: str, path: str
) -> None:
    response = client.request(method, path, json=text_message())
    assert_graph_error(response, status=400, code=2500,
                       message=f"Unknown path components: {path}",
                       details=f"wasim does not implement {method} {path}. {HINT}")
    record = sim.requests[-1]
    assert (record.method, record.path, record.status_code, record.error_code) == (
        method, path, 400, 2500)


@pytest.mark.parametrize("version", ["v18.0", "v23.0", "v25.0"])
def test_every_version_prefix_is_accepted_and_recorded(client: httpx.Client, sim: Simulator,
                                                       version: str) -> None:
    response = client.post(f"/{version}/{PHONE_ID}/messages",
                           json={"messaging_product": "whatsapp", "to": ANA,
                                 "type": "template",
                                 "template": {"name": "hello_world",
                                              "language": {"code": "en_US"}}})
    wamid = assert_accepted(response, template=True)
    assert sim.message(wamid).api_version == version
    assert sim.requests[-1].api_version == version
