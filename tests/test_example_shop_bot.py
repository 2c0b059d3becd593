"""End to end: a small Starlette webhook app that replies to customers (README example).

The app receives signed webhooks, answers through its own ``httpx.AsyncClient`` at the
real Graph URL, and decides with ``datetime.now()`` whether the customer service window
is still open. With ``start=`` the test's clock and the simulator's are one, so the
25-hour gap is one line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from wasim import Simulator
from wasim.asgi import sync_client

from tests.conftest import ANA, START

pytestmark = pytest.mark.whatsapp_sim(start=START)

REPLY = "Thanks! Your order is on its way."


def create_shop_bot(*, token: str, phone_number_id: str, app_secret: str,
                    verify_token: str, window_aware: bool = True) -> Starlette:
    """The app under test: replies to every message, notifies customers on request."""
    last_seen: dict[str, datetime] = {}
    failures: list[int] = []

    async def send(to: str, message: dict[str, Any]) -> None:
        async with httpx.AsyncClient(base_url="https://graph.facebook.com/v23.0") as graph:
            response = await graph.post(
                f"/{phone_number_id}/messages",
                headers={"Authorization": f"Bearer {token}"},
                json={"messaging_product": "whatsapp", "to": to, **message})
            response.raise_for_status()

    async def verify(request: Request) -> Response:
        query = request.query_params
        if query.get("hub.verify_token") != verify_token:
            return PlainTextResponse("wrong token", status_code=403)
        return PlainTextResponse(query["hub.challenge"])

    async def receive(request: Request) -> Response:
        body = await request.body()
        expected = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(request.headers.get("x-hub-signature-256", ""), expected):
            return Response(status_code=401)
        for entry in json.loads(body)["entry"]:
            for change in entry["changes"]:
                value = change["value"]
                for message in value.get("messages", []):
                    last_seen[message["from"]] = datetime.now(UTC)
                    await send(message["from"], {"type": "text", "text": {"body": REPLY}})
                for status in value.get("statuses", []):
                    failures.extend(error["code"] for error in status.get("errors", []))
        return Response(status_code=200)

    async def notify(request: Request) -> Response:
        wa_id = request.path_params["wa_id"]
        seen = last_seen.get(wa_id)
        if window_aware and (seen is None or datetime.now(UTC) - seen >= timedelta(hours=24)):
            await send(wa_id, {"type": "template", "template": {
                "name": "shipping_update", "language": {"code": "en_US"},
                "components": [{"type": "body", "parameters": [
                    {"type": "text", "text": "Ana"}, {"type": "text", "text": "A-1001"}]}]}})
            return JSONResponse({"sent": "template"})
        await send(wa_id, {"type": "text", "text": {"body": "Your parcel has arrived."}})
        return JSONResponse({"sent": "text"})

    app = Starlette(routes=[Route("/webhook", verify, methods=["GET"]),
                            Route("/webhook", receive, methods=["POST"]),
                            Route("/notify/{wa_id}", notify, methods=["POST"])])
    app.state.failures = failures
    return app


def shop_bot_for(sim: Simulator, **options: Any) -> Starlette:
    bot = create_shop_bot(token=sim.token, phone_number_id=sim.phone_number_id,
                          app_secret=sim.app_secret, verify_token=sim.verify_token, **options)
    engine = sim.attach(bot)
    assert engine.verification.ok
    return bot


def notify(bot: Starlette, wa_id: str) -> Any:
    with sync_client(bot) as shop:
        return shop.post(f"/notify/{wa_id}").json()


def test_bot_replies_in_the_window_and_uses_a_template_25_hours_later(
        whatsapp_sim: Simulator) -> None:
    bot = shop_bot_for(whatsapp_sim)
    whatsapp_sim.customer("ana").says("Where is my parcel?")
    reply = whatsapp_sim.assert_sent(to="ana", type="text", text=REPLY)
    assert reply.status == "delivered"

    whatsapp_sim.advance("25h")
    assert datetime.now(UTC) == datetime(2026, 1, 6, 10, 0, tzinfo=UTC)
    assert notify(bot, ANA) == {"sent": "template"}

    whatsapp_sim.assert_sent(to="ana", template="shipping_update", status="delivered")
    whatsapp_sim.assert_window("ana", open=False)
    assert bot.state.failures == []


def test_a_bot_that_ignores_the_window_gets_131047_back_by_webhook(
        whatsapp_sim: Simulator) -> None:
    bot = shop_bot_for(whatsapp_sim, window_aware=False)
    whatsapp_sim.customer("ana").says("Where is my parcel?")
    whatsapp_sim.advance("25h")
    assert notify(bot, ANA) == {"sent": "text"}

    whatsapp_sim.flush()
    failed = whatsapp_sim.assert_failed(to="ana", code=131047)
    assert failed.body["text"] == {"body": "Your parcel has arrived."}
    assert bot.state.failures == [131047]


def test_within_the_window_the_bot_notifies_free_form(whatsapp_sim: Simulator) -> None:
    bot = shop_bot_for(whatsapp_sim)
    whatsapp_sim.customer("ana").says("Where is my parcel?")
    whatsapp_sim.advance("23h")
    assert notify(bot, ANA) == {"sent": "text"}
    whatsapp_sim.assert_sent(to="ana", text="Your parcel has arrived.", status="delivered")
