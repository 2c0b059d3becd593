"""Screenshots of every view of the inbox page, from a scripted world, for the docs.

    python bench/screenshots.py            # writes docs/images/inbox-*.png

Drives the OS's Chromium (``/usr/bin/chromium``, or ``WASIM_CHROMIUM``) through
Playwright; needs the test extra (``pip install -e '.[test]'``).
"""

from __future__ import annotations

import os
import struct
import sys
import zlib
from pathlib import Path
from typing import Any

from wasim.serve.server import ThreadedServer
from wasim.simulation import Simulator

OUT = Path(__file__).resolve().parent.parent / "docs" / "images"
CHROMIUM = os.environ.get("WASIM_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--force-color-profile=srgb"]
ANA, BRUNO, CHEN = "16505551234", "34612340002", "447700900003"


def text(to: str, body: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": body}}


def png(width: int = 160, height: int = 100) -> bytes:
    """A small PNG picture (a parcel-brown gradient), made here so nothing is fetched."""
    rows = b"".join(b"\x00" + bytes(v for x in range(width)
                                     for v in (150 + x * 80 // width, 110 + y // 2, 70))
                    for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def scripted() -> tuple[Simulator, list[int]]:
    """A world with a bit of everything: a bot's morning, then a day later."""
    sim = Simulator(now="2026-03-02T09:00:00Z", seed=3)
    answers: list[int] = []

    def receiver(headers: dict[str, str], body: bytes) -> int:
        answers.append(500 if len(answers) % 3 == 1 else 200)  # a flaky receiver
        return answers[-1]

    sim.attach(receiver)
    sim.inbound(ANA, text="Hi! Where is my order #A1042?")
    sim.send(text(ANA, "Hello Ana, let me check that for you."))
    sim.send({"messaging_product": "whatsapp", "to": ANA, "type": "interactive",
              "interactive": {"type": "button", "body": {"text": "Order A1042 left our "
                              "warehouse this morning. What would you like to do?"},
                              "action": {"buttons": [
                                  {"type": "reply", "reply": {"id": "track", "title": "Track it"}},
                                  {"type": "reply", "reply": {"id": "change",
                                                              "title": "Change address"}}]}}})
    sim.advance("3m")
    sim.inbound(ANA, type="interactive", content={
        "type": "button_reply", "button_reply": {"id": "track", "title": "Track it"}})
    sim.send({"messaging_product": "whatsapp", "to": ANA, "type": "template",
              "template": {"name": "account_update", "language": {"code": "en_US"},
                           "components": [{"type": "body", "parameters": [
                               {"type": "text", "text": "Ana"},
                               {"type": "text", "text": "2 Mar 2026"}]}]}})
    photo = sim.media.upload(png(), "image/png")
    sim.send({"messaging_product": "whatsapp", "to": ANA, "type": "image",
              "image": {"id": photo, "caption": "Your parcel, packed this morning"}})
    sim.inbound(ANA, type="location", content={"latitude": 38.7223, "longitude": -9.1393,
                                               "name": "Home", "address": "Rua Augusta 1"})
    sim.inbound(BRUNO, text="¿Tenéis la talla M?")
    sim.send({"messaging_product": "whatsapp", "to": BRUNO, "type": "interactive",
              "interactive": {"type": "list", "body": {"text": "Elige una talla"},
                              "action": {"button": "Tallas", "sections": [
                                  {"title": "Disponibles", "rows": [
                                      {"id": "s", "title": "S"}, {"id": "m", "title": "M"}]}]}}})
    sim.inbound(CHEN, type="image", content={"caption": "The parcel arrived damaged"})
    sim.templates.create(sim.waba_id, {
        "name": "weekend_offer", "language": "en_US", "category": "UTILITY",
        "components": [{"type": "BODY", "text": "Get 20% off this weekend only! Use code "
                        "{{1}} at checkout.", "example": {"body_text": [["SPRING20"]]}}]})
    sim.templates.create(sim.waba_id, {
        "name": "delivery_slot", "language": "en_US", "category": "UTILITY",
        "components": [{"type": "BODY", "text": "Your delivery {{1}} arrives between "
                        "{{2}}.", "example": {"body_text": [["A1042", "10:00 and 12:00"]]}}]})
    sim.advance("25h")
    sim.send(text(ANA, "Did the parcel arrive?"))  # outside the window: 131047
    sim.tick()
    return sim, answers


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    sim, _ = scripted()
    sim.freeze()
    shots = [("conversations", f"#/conversations/{ANA}", 1280, 820),
             ("mobile", f"#/conversations/{BRUNO}", 390, 760),
             ("templates", "#/templates", 1280, 760),
             ("webhooks", "#/webhooks", 1280, 640),
             ("clock", "#/clock", 1280, 560)]
    with ThreadedServer(sim) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, where, width, height in shots:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{server.url}/{where}")
            page.locator("main h2:visible").first.wait_for()
            page.wait_for_timeout(600)  # the live stream's first refresh
            path = OUT / f"inbox-{name}.png"
            page.screenshot(path=str(path))
            print(f"{path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}"
                  f" {path.stat().st_size // 1024} KB")
            page.goto("about:blank")
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
