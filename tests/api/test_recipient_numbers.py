"""How a send's ``to`` becomes a WhatsApp id (§3; the audit's M5): ASCII digits only, the
sending number's country code for a national number, never a leading 0, possible lengths
only."""

from __future__ import annotations

import httpx
import pytest
from wasim import Simulator
from wasim.rules.numbers import country_code, recipient_wa_id

from tests.api.asserts import assert_accepted, assert_graph_error
from tests.conftest import ANA, MESSAGES, text_message

CHEN = "447700900003"
BUSINESS = "15550783881"


@pytest.mark.parametrize(("to", "wa_id"), [
    ("+1 (650) 555-1234", ANA),
    ("6505551234", ANA),           # national: the business number's +1 is prepended
    ("650.555.1234", ANA),
    ("06505551234", ANA),          # a trunk 0 stands for the business number's country
    ("001 650 555 1234", ANA),     # 00: the international call prefix
    ("+44 7700 900003", CHEN),
    ("447700900003", CHEN),        # longer than a national number: international
])
def test_a_recipient_resolves_to_the_customer_it_names(
        client: httpx.Client, sim: Simulator, to: str, wa_id: str) -> None:
    sim.customer("ana").says("hi")
    sim.customer("chen").says("hi")
    wamid = assert_accepted(client.post(MESSAGES, json=text_message(to=to)),
                            input=to, wa_id=wa_id)
    assert sim.message(wamid).status == "delivered"  # the customer's window: the same one


@pytest.mark.parametrize(("to", "why"), [
    ("\uff116505551234", None),  # refused as it is read: not a phone number at all
    ("12345", "a +1 number has 10 digits after the country code, the first of them 2 to 9"),
    ("1650555123", "a +1 number has 10 digits after the country code, the first of them "
                   "2 to 9"),
    ("+0650555123", "a country code never starts with 0"),
    ("+44 77009", "an international number has 8 to 15 digits"),
    ("+44 7700 9000 0300 0000", None),
])
def test_an_impossible_number_is_refused(client: httpx.Client, to: str,
                                         why: str | None) -> None:
    details = f"Parameter to is not a valid WhatsApp phone number: {to!r}"
    details += f" ({why})." if why else "."
    assert_graph_error(client.post(MESSAGES, json=text_message(to=to)), status=400,
                       code=131009, message="(#131009) Parameter value is not valid",
                       details=details)


def test_a_business_number_elsewhere_prepends_its_own_country_code() -> None:
    assert recipient_wa_id("11900000004", "5511988887777") == "5511900000004"
    assert recipient_wa_id("011900000004", "5511988887777") == "5511900000004"
    assert recipient_wa_id("7700900003", "447700900111") == CHEN
    assert (country_code("5511900000004"), country_code("79161234567"),
            country_code("971501234567")) == ("55", "7", "971")
