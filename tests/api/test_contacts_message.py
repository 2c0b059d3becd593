"""A contacts message's name needs a part beside formatted_name (§3; audit 2, L5)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from wasim import Simulator

from tests.api.asserts import assert_accepted, assert_graph_error
from tests.conftest import ANA, MESSAGES


def contacts(*names: dict[str, Any]) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": ANA, "type": "contacts",
            "contacts": [{"name": name, "phones": [{"phone": "+1 650 555 0000"}]}
                         for name in names]}


@pytest.fixture
def open_window(sim: Simulator) -> None:
    sim.inbound(ANA, "hi")


@pytest.mark.usefixtures("open_window")
@pytest.mark.parametrize(("names", "index"), [
    pytest.param(({"formatted_name": "Rui Costa"},), 0, id="only-formatted-name"),
    pytest.param(({"formatted_name": "A B", "last_name": "B"},
                  {"formatted_name": "C D", "first_name": ""}), 1, id="second-empty-part"),
])
def test_only_a_formatted_name_is_refused(client: httpx.Client, names: tuple[dict[str, Any]],
                                          index: int) -> None:
    assert_graph_error(
        client.post(MESSAGES, json=contacts(*names)), status=400, code=131008,
        message="(#131008) Required parameter is missing",
        details=f"The parameter contacts[{index}].name needs at least one of first_name, "
                "last_name, middle_name, suffix, prefix beside formatted_name.")


@pytest.mark.usefixtures("open_window")
@pytest.mark.parametrize("part", ["first_name", "last_name", "middle_name", "suffix", "prefix"])
def test_any_one_part_is_enough(client: httpx.Client, part: str) -> None:
    assert_accepted(client.post(MESSAGES, json=contacts({"formatted_name": "X", part: "X"})))


@pytest.mark.usefixtures("open_window")
def test_the_setting_lets_a_formatted_name_alone_through(sim: Simulator,
                                                         client: httpx.Client) -> None:
    sim.update_settings({"contacts_need_name_part": False})
    assert_accepted(client.post(MESSAGES, json=contacts({"formatted_name": "Rui Costa"})))
