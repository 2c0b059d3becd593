"""``wasim serve --data DIR``: SIGTERM keeps what is pending, a restart continues; without
``--data`` the server says how many pending deliveries it drops."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx

from tests.conftest import ANA, MESSAGES, TOKEN, text_message
from tests.test_cli import WAIT, start

DEAD = "http://127.0.0.1:9/webhook"  # discard port: refused


def _stop(served: object) -> str:
    process = served.process  # type: ignore[attr-defined]
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=WAIT) == 0
    err: str = process.stderr.read()
    served.close()  # type: ignore[attr-defined]
    return err


def test_a_restart_with_the_same_data_continues_where_it_stopped(tmp_path: Path) -> None:
    served = start("--data", str(tmp_path), "--webhook-url", DEAD)
    with httpx.Client(base_url=served.url, headers={"Authorization": f"Bearer {TOKEN}"},
                      timeout=WAIT) as http:
        http.post("/_sim/inbound", json={"from": ANA, "text": "hi"})
        sent = [http.post(MESSAGES, json=text_message(body=f"m{i}")).json()[
            "messages"][0]["id"] for i in range(3)]
        http.post("/_sim/deliveries/settle")
        before = http.get("/_sim/deliveries", params={"state": "pending"}).json()
        clock = http.get("/_sim/clock").json()["now"]
    err = _stop(served)
    assert f"({before['pending']} pending webhook deliveries kept)" in err
    assert before["pending"] >= 4 and "Traceback" not in err

    again = start("--data", str(tmp_path))
    try:
        with httpx.Client(base_url=again.url, timeout=WAIT) as http:
            assert [m["id"] for m in http.get("/_sim/messages").json()["data"]] == sent
            after = http.get("/_sim/deliveries", params={"state": "pending"}).json()
            assert sorted(d["id"] for d in after["data"]) == sorted(
                d["id"] for d in before["data"])
            assert after["target"] == DEAD
            assert http.get("/_sim/clock").json()["now"] >= clock
            assert http.get("/_sim/windows/" + ANA).json()["open"] is True
    finally:
        _stop(again)


def test_without_data_the_dropped_deliveries_are_counted() -> None:
    served = start("--webhook-url", DEAD)
    with httpx.Client(base_url=served.url, timeout=WAIT) as http:
        http.post("/_sim/inbound", json={"from": ANA, "text": "hi"})
        http.post("/_sim/deliveries/settle")
    err = _stop(served)
    assert ("wasim: 1 pending webhook deliveries dropped (start with --data DIR to keep "
            "them across a restart)") in err
