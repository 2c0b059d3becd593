"""BSUID country prefixes by the user's number (§11; audit 2, L2)."""

from __future__ import annotations

import re

import pytest
from wasim import Simulator
from wasim.rules.regions import region_of


@pytest.mark.parametrize(("wa_id", "region"), [
    ("16505551234", "US"), ("14165550123", "CA"), ("18765550123", "JM"),
    ("17875550123", "PR"), ("5511900000004", "BR"), ("447700900003", "GB"),
    ("819012345678", "JP"), ("2348031234567", "NG"), ("4915112345678", "DE"),
    ("34612340002", "ES"), ("79161234567", "RU"), ("77011234567", "KZ"),
    ("971501234567", "AE"), ("351912345678", "PT"),
])
def test_the_region_is_the_numbers_country(wa_id: str, region: str) -> None:
    assert region_of(wa_id) == region


@pytest.mark.parametrize(("wa_id", "prefix"), [
    ("5511900000009", "BR"), ("447700900123", "GB"), ("819012345678", "JP"),
    ("2348031234567", "NG"), ("4915112345678", "DE"), ("16505550100", "US"),
])
def test_a_new_customers_bsuid_starts_with_their_country(sim: Simulator, wa_id: str,
                                                        prefix: str) -> None:
    sim.inbound(wa_id, "hi")
    user_id = sim.webhooks.last.value["contacts"][0]["user_id"]
    assert re.fullmatch(rf"{prefix}\.[0-9]{{20}}", user_id), user_id


@pytest.mark.parametrize(("wa_id", "prefix"), [
    ("5511900000004", "BR."), ("447700900003", "GB."), ("34612340002", "ES."),
    ("16505551234", "US."),
])
def test_world_contacts_without_a_user_id_get_their_countrys_prefix(
        sim: Simulator, wa_id: str, prefix: str) -> None:
    contacts = {c.wa_id: c for a in sim.world.accounts.values() for c in a.contacts.values()}
    assert contacts[wa_id].user_id.startswith(prefix)
