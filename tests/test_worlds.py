"""World files: every shipped one loads; every malformed one is refused as ``file:line:``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from wasim import Simulator
from wasim.api import create_app
from wasim.asgi import sync_client
from wasim.rules.categories import ERAS
from wasim.world.seed import load_world
from wasim.world.source import SourceError

from tests.api.asserts import assert_accepted, assert_graph_error
from tests.conftest import ROOT, START, template_message, text_message

FIXTURES = sorted((ROOT / "fixtures").glob("*.yaml"))
BAD_WORLDS = sorted((ROOT / "tests" / "data" / "bad_worlds").glob("*.yaml"))
ACME = ROOT / "fixtures" / "acme_world.yaml"
SHOP, SUPPORT = "110000000000001", "110000000000002"
ANA = "16505551234"


def test_the_fixtures_folder_holds_worlds() -> None:
    assert ACME in FIXTURES


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_every_fixture_world_loads_and_serves(path: Path) -> None:
    world = load_world(path)
    assert world.accounts and world.tokens
    sim = Simulator(world=path, now=START)
    with sync_client(create_app(sim)) as http:
        assert http.get("/_sim/health").json()["status"] == "ok"


def test_the_embedded_default_world_loads() -> None:
    world = load_world()
    assert world.first_phone().id == "106540352242922"


# --- the acme world -------------------------------------------------------------------


@pytest.fixture
def acme() -> Simulator:
    return Simulator(world=ACME, now=START, seed=3)


@pytest.fixture
def acme_client(acme: Simulator) -> Iterator[httpx.Client]:
    with sync_client(create_app(acme)) as http:
        http.headers["Authorization"] = "Bearer acme-system-user-token"
        yield http


def test_acme_has_two_numbers_ten_contacts_and_its_settings(acme: Simulator) -> None:
    account = acme.world.first_account()
    assert list(account.phone_numbers) == [SHOP, SUPPORT]
    assert len(account.contacts) == 10
    assert account.contacts["16505550010"].user_id == "US.10000000000000000010"
    settings = acme.world.settings.to_dict()
    assert {key: settings[key] for key in (
        "window_violation_mode", "category_era", "reaction_opens_window",
        "rate_limit_http_status", "delivered_after", "read_after")} == {
        "window_violation_mode": "async", "category_era": "current",
        "reaction_opens_window": True, "rate_limit_http_status": 400,
        "delivered_after": 2, "read_after": 60}


def test_acme_has_templates_of_every_category_of_every_era(acme: Simulator) -> None:
    categories = {t.category for t in acme.world.first_account().templates.values()}
    for era, names in ERAS.items():
        assert set(names) <= categories, era
    statuses = {t.status for t in acme.world.first_account().templates.values()}
    assert statuses == {"APPROVED", "PAUSED", "DISABLED", "PENDING", "REJECTED", "IN_APPEAL"}


def test_acme_status_lifecycle_follows_its_settings(acme: Simulator,
                                                    acme_client: httpx.Client) -> None:
    wamid = assert_accepted(acme_client.post(
        f"/v23.0/{SHOP}/messages", json=template_message(body=["Ana", "A-1"])), template=True)
    assert acme.message(wamid).status == "sent"
    acme.advance("2s")
    assert acme.message(wamid).status == "delivered"
    acme.advance("60s")
    assert acme.message(wamid).status == "read"


def test_acme_windows_are_per_business_number(acme: Simulator,
                                              acme_client: httpx.Client) -> None:
    acme_client.post("/_sim/inbound", json={"from": ANA, "text": "hi UK",
                                            "phone_number_id": SUPPORT})
    inside = assert_accepted(acme_client.post(f"/v23.0/{SUPPORT}/messages",
                                              json=text_message()))
    outside = assert_accepted(acme_client.post(f"/v23.0/{SHOP}/messages",
                                               json=text_message()))
    assert acme.message(inside).status == "sent"
    assert acme.message(outside).status == "failed"
    assert acme_client.get("/_sim/windows/ana", params={"phone_number_id": SUPPORT}).json()[
        "open"] is True
    assert acme_client.get("/_sim/windows/ana", params={"phone_number_id": SHOP}).json()[
        "open"] is False


def test_acme_expired_token_is_refused(acme_client: httpx.Client) -> None:
    response = acme_client.post(f"/v23.0/{SHOP}/messages", json=text_message(),
                                headers={"Authorization": "Bearer acme-expired-token"})
    assert_graph_error(
        response, status=401, code=190, subcode=463,
        message="Error validating access token: Session has expired on Thursday, "
        "01-Jan-26 00:00:00 UTC. The current time is Monday, 05-Jan-26 09:00:00 UTC.")


def test_acme_languages_and_named_templates_send(acme_client: httpx.Client) -> None:
    url = f"/v23.0/{SHOP}/messages"
    spanish = template_message("shipping_update", "es_MX", body=["Ana", "A-1"])
    assert_accepted(acme_client.post(url, json=spanish), template=True)
    named = template_message("delivery_slot", components=[{"type": "body", "parameters": [
        {"type": "text", "text": v, "parameter_name": k}
        for k, v in (("customer_name", "Ana"), ("order_id", "A-1"), ("day", "Monday"))]}])
    assert_accepted(acme_client.post(url, json=named), template=True)
    paused = acme_client.post(url, json=template_message("black_friday", body=["40%"]))
    assert paused.json()["error"]["code"] == 132015
    appeal = acme_client.post(url, json=template_message("price_drop", body=["Boots"]))
    assert appeal.json()["error"]["code"] == 132001


# --- the corpus of malformed worlds ----------------------------------------------------


def expected_error(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: :LINE: …'"
    return f"{path}{first.removeprefix('# expect: ')}"


@pytest.mark.parametrize("path", BAD_WORLDS, ids=[p.stem for p in BAD_WORLDS])
def test_a_malformed_world_is_refused_with_file_line_and_what_is_wrong(path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        load_world(path)
    assert str(caught.value) == expected_error(path)
    with pytest.raises(SourceError):
        Simulator(world=path)


def test_the_bad_world_corpus_is_not_empty() -> None:
    assert len(BAD_WORLDS) >= 20


def test_a_missing_world_file_is_refused_the_same_way(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(SourceError) as caught:
        load_world(missing)
    assert str(caught.value) == f"{missing}:1:1: cannot read file: No such file or directory"
