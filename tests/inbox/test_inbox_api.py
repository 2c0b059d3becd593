"""The /_sim/ routes the inbox page reads (usable by scripts too), and the page itself."""

from __future__ import annotations

import json

import httpx
from wasim.api.events import fingerprint
from wasim.simulation import Simulator

from tests.conftest import ANA


def text(to: str, body: str) -> dict[str, object]:
    return {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": body}}


def test_the_page_and_its_assets_are_served_same_origin_only(client: httpx.Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "/_sim/inbox/app.js" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    script = client.get("/_sim/inbox/app.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "EventSource" in script.text and '"Content-Type"' in script.text
    assert client.get("/_sim/inbox/app.css").headers["content-type"].startswith("text/css")
    assert client.get("/_sim/inbox/secrets.txt").json()["error"]["code"] == 2500
    # nothing the page loads comes from elsewhere
    for asset in (page.text, script.text, client.get("/_sim/inbox/app.css").text):
        assert "http://" not in asset and "https://" not in asset


def test_graph_paths_are_unchanged_beside_the_page(client: httpx.Client, sim: Simulator) -> None:
    sent = client.post(f"/v21.0/{sim.phone_number_id}/messages", json=text(ANA, "hi"))
    assert sent.status_code == 200
    assert client.get("/v21.0/nothing/here").json()["error"]["code"] == 2500  # unknown path


def test_conversations_list_customers_with_last_message_and_window(
        client: httpx.Client, sim: Simulator) -> None:
    sim.inbound(ANA, text="where is my order?")
    rows = client.get("/_sim/conversations").json()["data"]
    ana = rows[-1]  # the most recently active is last, like every listing
    assert ana["wa_id"] == ANA and ana["name"] == "Ana Souza"
    assert ana["last"]["direction"] == "in" and ana["last"]["preview"] == "where is my order?"
    assert ana["window"]["open"] is True and ana["window"]["seconds_left"] == 24 * 3600
    others = [row for row in rows if row["wa_id"] != ANA]
    assert others and all(row["window"]["open"] is False for row in others)


def test_a_thread_pages_and_names_the_rule_of_a_failure(
        client: httpx.Client, sim: Simulator) -> None:
    sim.inbound(ANA, text="hello")
    for n in range(7):
        sim.send(text(ANA, f"reply {n}"))
    sim.advance("25h")
    sim.send(text(ANA, "too late"))
    sim.tick()
    first = client.get(f"/_sim/conversations/{ANA}?limit=3").json()
    assert [m["preview"] for m in first["data"]] == ["reply 5", "reply 6", "too late"]
    late = first["data"][-1]
    assert late["status"] == "failed" and late["error"]["code"] == 131047
    assert late["rule"].startswith("§1.3")
    assert first["window"]["open"] is False
    older = client.get(first["paging"]["previous"]).json()
    assert [m["preview"] for m in older["data"]] == ["reply 2", "reply 3", "reply 4"]
    assert client.get("/_sim/conversations/ana?limit=1").json()["data"][0]["id"] == late["id"]
    assert older["data"][0]["pricing"]["category"] == "service"


def test_receiver_pause_and_secret(client: httpx.Client, sim: Simulator) -> None:
    shown = client.get("/_sim/webhook").json()
    assert shown["app_secret"] == "[redacted]" and shown["paused"] is False
    assert client.get("/_sim/webhook?secrets=include").json()["app_secret"] == sim.app_secret
    paused = client.post("/_sim/webhook/pause", json={}).json()
    assert paused["paused"] is True
    assert client.post("/_sim/webhook/resume", json={}).json()["paused"] is False


def test_a_template_is_created_without_a_token(client: httpx.Client, sim: Simulator) -> None:
    body = {"name": "order_note", "language": "en_US", "category": "UTILITY",
            "components": [{"type": "BODY", "text": "Your order {{1}} is ready.",
                            "example": {"body_text": [["A1"]]}}]}
    del client.headers["Authorization"]
    created = client.post("/_sim/templates", json=body)
    assert created.status_code == 200 and created.json()["status"] == "PENDING"
    again = client.post("/_sim/templates", json=body).json()
    assert again["error"]["code"] == 100
    assert client.post("/_sim/templates", json={"waba_id": 5}).json()["error"]["code"] == 100


def test_the_event_fingerprint_moves_with_what_the_page_shows(sim: Simulator) -> None:
    seen = fingerprint(sim)
    assert fingerprint(sim) == seen
    sim.inbound(ANA, text="hi")
    assert fingerprint(sim) != seen
    seen = fingerprint(sim)
    sim.advance("1h")
    assert fingerprint(sim) != seen
    seen = fingerprint(sim)
    sim.update_settings({"window_violation_mode": "sync"})
    assert fingerprint(sim) != seen


def test_the_event_stream_says_hello_with_the_clock(sim: Simulator) -> None:
    from wasim.serve.server import ThreadedServer

    with ThreadedServer(sim) as server, httpx.Client(base_url=server.url) as http, \
            http.stream("GET", "/_sim/events") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        assert next(lines).startswith("retry: ")
        next(lines)
        assert next(lines).startswith("id: ")
        assert next(lines) == "event: hello"
        data = json.loads(next(lines).removeprefix("data: "))
        assert data["clock"]["now"] == sim.now().isoformat()
        sim.inbound(ANA, text="hi")
        event = [next(lines) for _ in range(4)]
        assert event[2] == "event: change"


def test_an_image_media_has_a_thumbnail_and_other_media_do_not(
        client: httpx.Client, sim: Simulator) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    image = sim.media.upload(png, "image/png")
    shown = client.get(f"/_sim/media/{image}/thumbnail")
    assert shown.status_code == 200 and shown.content == png
    assert shown.headers["content-type"] == "image/png"
    pdf = sim.media.upload(b"%PDF-1.4 x", "application/pdf")
    assert client.get(f"/_sim/media/{pdf}/thumbnail").json()["error"]["code"] == 100
    assert client.get("/_sim/media/404/thumbnail").json()["error"]["code"] == 100
