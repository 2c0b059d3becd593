"""``wasim serve`` as a user runs it: a real process on a loopback port.

Each test starts ``python -m wasim serve`` (the ``wasim`` console script's module),
reads its banner, talks to it over HTTP on 127.0.0.1 and stops it with SIGINT.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from wasim.cli import main

from tests.conftest import ANA, PHONE_ID, ROOT, WABA_ID

BANNER_END = "Press Ctrl-C to stop."
WAIT = 20.0  # generous ceiling for a slow CI machine; never a speed assertion


@dataclass
class Served:
    """A running ``wasim serve`` process and what its banner said."""

    process: subprocess.Popen[str]
    banner: list[str]
    url: str
    output: list[str]
    reader: threading.Thread

    def stop(self) -> tuple[int, str, str]:
        """SIGINT, as Ctrl-C sends; returns (exit code, rest of stdout, stderr)."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=WAIT)
        self.reader.join(timeout=WAIT)
        assert self.process.stderr is not None
        err = self.process.stderr.read()
        self.close()
        return code, "\n".join(self.output[len(self.banner):]), err

    def close(self) -> None:
        """Kill the process if it still runs and close its pipes."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=WAIT)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def _pump(stream: Any, lines: list[str], ready: threading.Event) -> None:
    for line in stream:
        lines.append(line.rstrip("\n"))
        if lines[-1] == BANNER_END:
            ready.set()
    ready.set()


def start(*args: str, quiet: bool = True) -> Served:
    """``wasim serve`` on a free port; ``quiet=False`` keeps the request log on stderr
    (read only when the process stops: keep such tests to a few requests)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "wasim", "serve", "--port", "0", *(["--quiet"] if quiet else []),
         *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: list[str] = []
    ready = threading.Event()
    reader = threading.Thread(target=_pump, args=(process.stdout, lines, ready), daemon=True)
    reader.start()
    if not ready.wait(timeout=WAIT) or BANNER_END not in lines:
        process.kill()
        _, err = process.communicate()
        reader.join(timeout=WAIT)
        pytest.fail(f"no banner from wasim serve: {lines!r} {err}")
    banner = lines[: lines.index(BANNER_END) + 1]
    match = re.search(r"listening on (http://\S+)$", banner[0])
    assert match, banner
    return Served(process, banner, match.group(1), lines, reader)


@pytest.fixture
def served() -> Iterator[Served]:
    server = start()
    yield server
    server.close()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wasim", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=WAIT)


# --- the banner, the bind address, the first answer, Ctrl-C ----------------------------


def test_serve_prints_the_base_url_and_the_credentials(served: Served) -> None:
    url = served.url
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
    assert served.banner[:10] == [
        f"wasim 0.1.0: WhatsApp Cloud API simulator listening on {url}",
        f"  base URL      {url}/v23.0",
        "  access token  wasim-token",
        f"  WABA id       {WABA_ID}",
        f"  phone number  {PHONE_ID} (display 15550783881, Acme Shop)",
        "  app secret    wasim-app-secret",
        "  verify token  wasim-verify-token",
        "  webhooks      not sent (use --webhook-url)",
        f"  control API   {url}/_sim/health",
        f"  inbox         {url}/  (open in a browser: conversations, templates, webhooks)",
    ]


def test_serve_answers_as_soon_as_the_banner_is_printed(served: Served) -> None:
    """The socket listens before the banner, so the very first request is answered."""
    health = httpx.get(f"{served.url}/_sim/health", timeout=WAIT)
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    send = httpx.post(f"{served.url}/v23.0/{PHONE_ID}/messages", timeout=WAIT,
                      headers={"Authorization": "Bearer wasim-token"},
                      json={"messaging_product": "whatsapp", "to": ANA, "type": "template",
                            "template": {"name": "hello_world",
                                         "language": {"code": "en_US"}}})
    assert send.status_code == 200
    assert send.json()["messages"][0]["id"].startswith("wamid.")


def _listening_addresses(port: int) -> set[str]:
    """Local addresses of the LISTEN sockets on ``port`` (Linux /proc/net/tcp*)."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_serve_binds_loopback_only(served: Served) -> None:
    port = int(served.url.rsplit(":", 1)[1])
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs Linux /proc/net/tcp to read the bound address")
    assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1, nothing else


def test_ctrl_c_stops_cleanly_with_exit_0_and_no_traceback(served: Served) -> None:
    code, out, err = served.stop()
    assert code == 0
    assert "Traceback" not in err + out
    assert err.strip().splitlines() == ["wasim: stopped"]


def test_sigterm_stops_cleanly_with_exit_0_too(served: Served) -> None:
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=WAIT) == 0
    assert served.process.stderr is not None
    assert served.process.stderr.read().strip().splitlines() == ["wasim: stopped"]


def test_serve_loads_another_world_with_fixtures() -> None:
    server = start("--fixtures", "fixtures/acme_world.yaml")
    try:
        assert "  access token  acme-system-user-token" in server.banner
        assert ("  phone number  110000000000001 (display 15550100001, Acme Shop)"
                in server.banner)
    finally:
        assert server.stop()[0] == 0


# --- refusals: one line on stderr, non-zero exit ----------------------------------------


@pytest.mark.parametrize("name", ["unknown_category", "syntax_error", "empty"])
def test_a_bad_fixtures_file_is_one_line_and_exit_2(name: str) -> None:
    path = f"tests/data/bad_worlds/{name}.yaml"
    first = (ROOT / path).read_text().splitlines()[0]
    result = run("serve", "--port", "0", "--fixtures", path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"wasim: {path}{first.removeprefix('# expect: ')}\n"


def test_a_missing_fixtures_file_is_one_line_and_exit_2() -> None:
    result = run("serve", "--fixtures", "no/such/world.yaml")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("wasim: no/such/world.yaml:1:1: cannot read file: "
                             "No such file or directory\n")


def test_a_busy_port_is_one_line_and_exit_1() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--port", str(port))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"wasim: cannot listen on 127.0.0.1:{port}: "
                             "Address already in use\n")


def test_a_bad_setting_is_one_line_and_exit_2() -> None:
    result = run("serve", "--port", "0", "--set", "window_violation_mode=later")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "wasim: setting 'window_violation_mode' takes one of async, sync, got 'later'\n")


def test_main_without_a_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "serve" in capsys.readouterr().out


# --- end to end: the README's story, with a real webhook receiver ------------------------


@dataclass
class Receiver:
    """A loopback webhook endpoint that records every POST and answers the handshake."""

    verify_token: str
    posts: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, predicate: Any) -> list[tuple[dict[str, str], bytes]]:
        with self.arrived:
            if not self.arrived.wait_for(lambda: any(predicate(p) for p in self.posts),
                                         timeout=WAIT):
                pytest.fail(f"webhook never arrived; got {len(self.posts)} posts")
            return list(self.posts)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the subscription handshake (§5.3)
            query = parse_qs(urlparse(self.path).query)
            ok = query.get("hub.verify_token") == [receiver.verify_token]
            body = query.get("hub.challenge", [""])[0].encode() if ok else b"forbidden"
            self.send_response(200 if ok else 403)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with receiver.arrived:
                receiver.posts.append(({k.lower(): v for k, v in self.headers.items()}, body))
                receiver.arrived.notify_all()
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    recorder = Receiver("wasim-verify-token")
    http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(recorder))
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield recorder, f"http://127.0.0.1:{http.server_address[1]}/webhook"
    http.shutdown()
    http.server_close()


def _statuses(body: bytes) -> list[dict[str, Any]]:
    value = json.loads(body)["entry"][0]["changes"][0]["value"]
    return list(value.get("statuses", []))


def test_end_to_end_a_late_reply_fails_with_a_signed_131047_webhook(
    receiver: tuple[Receiver, str],
) -> None:
    recorder, hook_url = receiver
    server = start("--webhook-url", hook_url, "--app-secret", "e2e-secret")
    try:
        assert f"  webhooks      {hook_url} (handshake passed)" in server.banner
        assert "  app secret    e2e-secret" in server.banner
        with httpx.Client(base_url=server.url, timeout=WAIT) as http:
            auth = {"Authorization": "Bearer wasim-token"}
            reply = {"messaging_product": "whatsapp", "to": ANA, "type": "text",
                     "text": {"body": "On its way!"}}
            assert http.post("/_sim/inbound", json={"from": ANA, "text": "Where is my parcel?"}
                             ).status_code == 200
            first = http.post(f"/v23.0/{PHONE_ID}/messages", json=reply, headers=auth)
            assert first.status_code == 200
            assert http.post("/_sim/clock/advance", json={"by": "25h"}).status_code == 200
            late = http.post(f"/v23.0/{PHONE_ID}/messages",
                             json={**reply, "text": {"body": "Still there?"}}, headers=auth)
            assert late.status_code == 200
            late_id = late.json()["messages"][0]["id"]
            failed = http.get("/_sim/messages", params={"status": "failed"}).json()["data"]
            assert [m["id"] for m in failed] == [late_id]

        def is_failure(post: tuple[dict[str, str], bytes]) -> bool:
            return any(s["id"] == late_id for s in _statuses(post[1]))

        posts = recorder.wait_for(is_failure)
    finally:
        code, _, err = server.stop()
    assert code == 0 and "Traceback" not in err

    headers, body = next(p for p in posts if is_failure(p))
    expected = "sha256=" + hmac.new(b"e2e-secret", body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-hub-signature-256"], expected)
    assert headers["content-type"] == "application/json"
    assert headers["content-length"] == str(len(body))
    payload = json.loads(body)
    assert payload["object"] == "whatsapp_business_account"
    assert payload["entry"][0]["id"] == WABA_ID
    value = payload["entry"][0]["changes"][0]["value"]
    assert value["metadata"]["phone_number_id"] == PHONE_ID
    [status] = value["statuses"]
    assert (status["status"], status["recipient_id"]) == ("failed", ANA)
    assert "pricing" not in status
    assert status["errors"][0]["code"] == 131047
    assert status["errors"][0]["title"] == "Re-engagement message"
    every_status = [(s["id"], s["status"]) for _, b in posts for s in _statuses(b)]
    first_id = first.json()["messages"][0]["id"]
    assert (first_id, "sent") in every_status
    assert (late_id, "sent") not in every_status


# --- the request log ---------------------------------------------------------------------


def test_serve_logs_one_line_per_request_with_the_graph_code_on_stderr() -> None:
    server = start(quiet=False)
    try:
        ok = httpx.get(f"{server.url}/_sim/health")
        refused = httpx.post(f"{server.url}/v23.0/{PHONE_ID}/messages", json={})
        code, _, err = server.stop()
    finally:
        server.close()
    assert (ok.status_code, refused.status_code, code) == (200, 401, 0)
    lines = [line for line in err.splitlines() if " ms" in line]
    assert re.fullmatch(r"\d\d:\d\d:\d\d GET /_sim/health 200 \d+\.\d ms", lines[0])
    assert re.fullmatch(rf"\d\d:\d\d:\d\d POST /v23.0/{PHONE_ID}/messages 401 #\d+ "
                        r"\d+\.\d ms", lines[1])
    assert "\033[" not in err  # no colour when stderr is not a terminal


def test_quiet_serve_logs_no_requests(served: Served) -> None:
    assert httpx.get(f"{served.url}/_sim/health").status_code == 200
    _, _, err = served.stop()
    assert " ms" not in err
