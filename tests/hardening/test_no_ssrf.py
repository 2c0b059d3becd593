"""Nothing a control call names is read back to the caller: the webhook handshake reports
a status and a fixed reason, and review rule files come only from world files, ``--set``
or Python, as regular files under a size cap."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from wasim import Simulator
from wasim.api import create_app
from wasim.asgi import sync_client
from wasim.delivery.engine import attach
from wasim.templates.review_rules import MAX_RULES_BYTES, load_rules
from wasim.world.seed import load_world
from wasim.world.source import SourceError

SECRET = "INTERNAL-ONLY: db_password=hunter2"


class _Internal(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status = 404 if "missing" in self.path else 200
        body = SECRET.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def internal() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Internal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def http() -> Iterator[tuple[Simulator, httpx.Client]]:
    sim = Simulator(now="2026-01-05T09:00:00Z")
    engine = attach(sim)
    with sync_client(create_app(sim)) as client:
        yield sim, client
    engine.close()


@pytest.mark.parametrize(("path", "reason"), [
    ("/admin", "answered 200 without the hub.challenge as its whole body"),
    ("/missing", "answered 404; expected 200 with the hub.challenge"),
])
def test_the_handshake_never_echoes_what_the_target_answered(
        http: tuple[Simulator, httpx.Client], internal: str, path: str, reason: str) -> None:
    _, client = http
    answer = client.post("/_sim/webhook", json={"url": internal + path})
    assert answer.status_code == 200
    assert answer.json()["verification"]["error"] == reason
    assert "hunter2" not in answer.text and "INTERNAL" not in answer.text


@pytest.mark.parametrize("url", ["http://127.0.0.1:1/a\r\nX-Injected: 1", "http://a b/",
                                 "http://h/" + "a" * 3000, "ftp://h/"])
def test_a_webhook_url_that_is_not_a_plain_http_url_is_refused(
        http: tuple[Simulator, httpx.Client], url: str) -> None:
    _, client = http
    answer = client.post("/_sim/webhook", json={"url": url})
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, 100)


def test_review_rules_cannot_be_set_over_http(http: tuple[Simulator, httpx.Client]) -> None:
    sim, client = http
    answer = client.post("/_sim/settings", json={"review_rules": "/etc/passwd"})
    assert answer.status_code == 403
    assert answer.json()["error"]["error_data"]["details"] == (
        "setting 'review_rules' names a file, so it is set only by a world file or "
        "'wasim serve --set', not over HTTP")
    assert sim.world.settings.review_rules is None


def test_a_state_import_keeps_the_servers_review_rules(
        http: tuple[Simulator, httpx.Client]) -> None:
    sim, client = http
    state = client.get("/_sim/state").json()
    state["world"]["settings"]["review_rules"] = "/dev/zero"
    assert client.put("/_sim/state", json=state).status_code == 200
    assert sim.world.settings.review_rules is None


@pytest.mark.parametrize("target", ["/dev/zero", "/proc/self", "fifo"])
def test_only_a_regular_file_is_read_as_review_rules(tmp_path: Path, target: str) -> None:
    if target == "fifo":
        target = str(tmp_path / "fifo")
        os.mkfifo(target)
    with pytest.raises(SourceError) as refused:
        load_rules(target)
    assert str(refused.value) == f"{target}:1:1: not a regular file"


def test_a_review_rule_file_over_the_cap_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_RULES_BYTES + 1))
    with pytest.raises(SourceError, match="file too large"):
        load_rules(big)


def test_a_world_files_review_rules_are_read_from_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "world"
    folder.mkdir()
    (folder / "strict.yaml").write_text("rules:\n  - {id: strict, status: REJECTED, "
                                        "reason: SCAM}\n")
    world = folder / "world.yaml"
    world.write_text("app_secret: s\nverify_token: v\ntokens: [{value: t}]\n"
                     "settings: {review_rules: strict.yaml}\n"
                     "accounts:\n  - waba_id: '10000001'\n    name: A\n    phone_numbers:\n"
                     "      - {id: '20000002', display_phone_number: '15550000000', "
                     "verified_name: A}\n")
    loaded = load_world(world)
    assert loaded.settings.review_rules == str(folder / "strict.yaml")
    assert load_rules(loaded.settings.review_rules).rules[0].id == "strict"
