"""A business's reactions (§3; the audit's M2): only to a message received from that
customer, within 30 days, not deleted, not a reaction, a single emoji or empty; otherwise
200, then a ``failed`` status webhook with 131009."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from wasim import Simulator
from wasim.rules.reactions import is_single_emoji

from tests.conftest import ANA, BRUNO, MESSAGES, text_message


def react(client: httpx.Client, message_id: str, emoji: str = "👍",
          to: str = ANA) -> str:
    answer = client.post(MESSAGES, json={"messaging_product": "whatsapp", "to": to,
                                         "type": "reaction",
                                         "reaction": {"message_id": message_id,
                                                      "emoji": emoji}})
    assert answer.status_code == 200, answer.text
    wamid: str = answer.json()["messages"][0]["id"]
    return wamid


def outcome(sim: Simulator, wamid: str) -> tuple[str, Any]:
    message = sim.message(wamid)
    details = message.error["error_data"]["details"] if message.error else None
    code = message.error["code"] if message.error else None
    return message.status, (code, details)


@pytest.fixture
def received(sim: Simulator) -> str:
    return sim.customer("ana").says("hello").id


@pytest.mark.parametrize("emoji", ["👍", "", "❤️", "👍🏽", "👨‍👩‍👧", "🇧🇷", "1️⃣"])
def test_a_reaction_to_a_received_message_is_sent(client: httpx.Client, sim: Simulator,
                                                  received: str, emoji: str) -> None:
    assert outcome(sim, react(client, received, emoji)) == ("sent", (None, None))


@pytest.mark.parametrize(("emoji", "why"), [
    ("ab", "the emoji must be a single emoji, or empty to remove one"),
    ("👍👍", "the emoji must be a single emoji, or empty to remove one"),
])
def test_anything_but_one_emoji_is_not_delivered(client: httpx.Client, sim: Simulator,
                                                 received: str, emoji: str, why: str) -> None:
    assert outcome(sim, react(client, received, emoji)) == (
        "failed", (131009, f"The reaction was not delivered: {why}."))


def test_a_reaction_to_an_unknown_or_outbound_message_or_another_customers_is_not_delivered(
        client: httpx.Client, sim: Simulator, received: str) -> None:
    unknown = "The reaction was not delivered: message_id is not a message this customer " \
              "sent to this number."
    assert outcome(sim, react(client, "wamid.DOES_NOT_EXIST")) == ("failed", (131009, unknown))
    own = client.post(MESSAGES, json=text_message()).json()["messages"][0]["id"]
    assert outcome(sim, react(client, own)) == ("failed", (131009, unknown))
    sim.customer("bruno").says("hola")
    assert outcome(sim, react(client, received, to=BRUNO)) == ("failed", (131009, unknown))


def test_a_reaction_to_a_reaction_or_a_deleted_message_is_not_delivered(
        client: httpx.Client, sim: Simulator, received: str) -> None:
    theirs = sim.inbound(ANA, type="reaction", content={"message_id": received, "emoji": "😀"})
    assert outcome(sim, react(client, theirs.id)) == (
        "failed", (131009, "The reaction was not delivered: a reaction cannot be reacted to."))
    sim.inbound(ANA, type="revoke", content=received)
    assert outcome(sim, react(client, received)) == (
        "failed", (131009, "The reaction was not delivered: the customer deleted that "
                   "message."))


def test_a_reaction_more_than_30_days_after_the_message_is_not_delivered(
        client: httpx.Client, sim: Simulator, received: str) -> None:
    sim.advance("30d")
    sim.customer("ana").says("still there?")  # the window is open again
    assert outcome(sim, react(client, received))[0] == "sent"
    sim.advance("1s")
    sim.customer("ana").says("hello?")
    assert outcome(sim, react(client, received)) == (
        "failed", (131009, "The reaction was not delivered: the message is more than 30 "
                   "days old."))


@pytest.mark.parametrize(("text", "single"), [
    ("👍", True), ("☕", True), ("🏳️‍🌈", True), ("a", False), ("1", False), (":)", False),
    ("🇧🇷🇵🇹", False), ("👍 ", False),
])
def test_what_counts_as_a_single_emoji(text: str, single: bool) -> None:
    assert is_single_emoji(text) is single
