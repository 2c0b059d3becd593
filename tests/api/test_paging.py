"""Every ``/_sim/`` listing is paged: newest ``limit`` first, cursors are item ids."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest
from wasim import Simulator

from tests.conftest import ANA, MESSAGES, text_message


def _send(client: httpx.Client, count: int) -> list[str]:
    return [client.post(MESSAGES, json=text_message(body=f"m{i}")).json()["messages"][0]["id"]
            for i in range(count)]


def test_a_listing_answers_its_newest_page_and_links_the_older_one(
        client: httpx.Client) -> None:
    ids = _send(client, 5)
    newest = client.get("/_sim/messages", params={"limit": 2}).json()
    assert [m["id"] for m in newest["data"]] == ids[3:]
    assert newest["paging"]["cursors"] == {"before": ids[3], "after": ids[4]}
    assert "next" not in newest["paging"]
    assert newest["paging"]["previous"] == "/_sim/messages?" + urlencode(
        {"limit": 2, "before": ids[3]})
    older = client.get(newest["paging"]["previous"]).json()
    assert [m["id"] for m in older["data"]] == ids[1:3]
    oldest = client.get(older["paging"]["previous"]).json()
    assert [m["id"] for m in oldest["data"]] == ids[:1]
    assert "previous" not in oldest["paging"]
    forward = client.get(oldest["paging"]["next"]).json()
    assert [m["id"] for m in forward["data"]] == ids[1:3]


def test_the_default_page_is_100_and_filters_stay_in_the_links(
        client: httpx.Client, sim: Simulator) -> None:
    sim.update_settings({"pair_rate_limit": False, "throughput_limit": False})
    ids = _send(client, 105)
    page = client.get("/_sim/messages", params={"to": ANA}).json()
    assert [m["id"] for m in page["data"]] == ids[5:]
    assert page["paging"]["previous"] == "/_sim/messages?" + urlencode(
        {"to": ANA, "before": ids[5]})
    assert len(client.get("/_sim/webhooks").json()["data"]) == 100


@pytest.mark.parametrize("query", [{"limit": "1001"}, {"limit": "-1"}, {"limit": "x"},
                                   {"before": "wamid.nope"}, {"after": "nope"},
                                   {"before": "a", "after": "b"}])
def test_bad_paging_is_a_code_100_error(client: httpx.Client, query: dict[str, str]) -> None:
    _send(client, 1)
    for path in ("/_sim/messages", "/_sim/webhooks", "/_sim/deliveries", "/_sim/tokens",
                 "/_sim/templates"):
        answer = client.get(path, params=query)
        assert answer.status_code == 400, path
        assert answer.json()["error"]["code"] == 100


def test_an_empty_listing_has_no_paging(client: httpx.Client) -> None:
    assert client.get("/_sim/messages").json() == {"data": []}
    assert client.get("/_sim/messages", params={"limit": 0}).json() == {"data": []}


def test_deliveries_keep_their_counts_beside_the_page(client: httpx.Client,
                                                      sim: Simulator) -> None:
    sim.attach(lambda headers, body: 200)
    _send(client, 3)
    assert sim.delivery is not None and sim.delivery.flush()
    answer = client.get("/_sim/deliveries", params={"limit": 2}).json()
    assert answer["delivered"] == len(sim.webhooks) >= 3 and len(answer["data"]) == 2
    assert answer["paging"]["previous"].startswith("/_sim/deliveries?limit=2&before=d")
    sim.delivery.close()
