"""A tiny WhatsApp webhook receiver: answers the handshake, checks every signature, prints
each update on one line. Standard library only.

    python examples/webhook_receiver.py --port 9000

Options: ``--secret`` (app secret, default wasim's), ``--verify-token`` (default wasim's),
``--log FILE`` (also append each raw body as one JSON line).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO
from urllib.parse import parse_qs, urlparse


def describe(update: dict[str, Any]) -> list[str]:
    """One line per message or status in a webhook body."""
    lines = []
    for entry in update.get("entry", []):
        for change in entry.get("changes", []):
            value = change.get("value", {})
            names = {c.get("wa_id"): c.get("profile", {}).get("name")
                     for c in value.get("contacts", [])}
            for m in value.get("messages", []):
                body = m.get(m["type"], {})
                shown = body.get("body") if isinstance(body, dict) else None
                lines.append(f"message {m['id'][-8:]} from {m['from']} "
                             f"({names.get(m['from'])}): {m['type']} {shown or ''}".rstrip())
            for s in value.get("statuses", []):
                pricing = s.get("pricing")
                price = f" pricing={pricing['type']}/{pricing['category']}" if pricing else ""
                error = f" error={s['errors'][0]['code']}" if s.get("errors") else ""
                lines.append(f"status {s['status']} for {s['id'][-8:]}{price}{error}")
    return lines


def make_server(port: int, secret: str, verify_token: str, out: TextIO = sys.stdout,
                log: str | None = None) -> ThreadingHTTPServer:
    """A receiver bound to 127.0.0.1:``port`` (call ``serve_forever()`` on it)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = parse_qs(urlparse(self.path).query)
            if (query.get("hub.mode") == ["subscribe"]
                    and query.get("hub.verify_token") == [verify_token]):
                self._answer(200, query["hub.challenge"][0])
            else:
                self._answer(403, "verify token mismatch")

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            expected = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, self.headers.get("X-Hub-Signature-256", "")):
                print("REFUSED: bad signature", file=out, flush=True)
                self._answer(403, "bad signature")
                return
            if log:
                with open(log, "a", encoding="ascii") as file:
                    file.write(raw.decode("ascii") + "\n")
            for line in describe(json.loads(raw)):
                print(line, file=out, flush=True)
            self._answer(200, "ok")

        def _answer(self, status: int, text: str) -> None:
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--secret", default="wasim-app-secret")
    parser.add_argument("--verify-token", default="wasim-verify-token")
    parser.add_argument("--log", help="append each raw body to this file")
    args = parser.parse_args()
    server = make_server(args.port, args.secret, args.verify_token, log=args.log)
    print(f"receiver on http://127.0.0.1:{args.port}/webhook", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
