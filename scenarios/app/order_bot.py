"""A tiny app under test for ``10-app-under-test-answers-the-customer.wasim.yaml``.

It verifies the webhook subscription, checks nothing else, and answers every customer
text with "Thanks NAME, your order is on its way!" through the Graph API at WASIM_URL.

Run it, then the scenario against it::

    uvicorn --app-dir scenarios/app order_bot:app --port 8000 &
    wasim run scenarios/10-app-under-test-answers-the-customer.wasim.yaml \
        --app http://127.0.0.1:8000/webhook
"""

from __future__ import annotations

import os
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route


def create(base_url: str | None = None, token: str | None = None,
           verify_token: str = "wasim-verify-token") -> Starlette:
    """The bot, sending to ``base_url`` (default ``$WASIM_URL`` or 127.0.0.1:8787)."""
    base = base_url or os.environ.get("WASIM_URL", "http://127.0.0.1:8787")
    bearer = token or os.environ.get("WASIM_TOKEN", "wasim-token")

    async def verify(request: Request) -> Response:
        query = request.query_params
        if query.get("hub.verify_token") != verify_token:
            return PlainTextResponse("forbidden", status_code=403)
        return PlainTextResponse(query.get("hub.challenge", ""))

    async def answer(phone_id: str, to: str, name: str) -> None:
        body = {"messaging_product": "whatsapp", "to": to, "type": "text",
                "text": {"body": f"Thanks {name}, your order is on its way!"}}
        async with httpx.AsyncClient(base_url=base, timeout=5) as client:
            await client.post(f"/v23.0/{phone_id}/messages", json=body,
                              headers={"Authorization": f"Bearer {bearer}"})

    async def receive(request: Request) -> Response:
        payload: dict[str, Any] = await request.json()
        for entry in payload.get("entry", []):
            for change in entry.get("changes", []):
                value = change.get("value", {})
                names = {c.get("wa_id"): c.get("profile", {}).get("name", "")
                         for c in value.get("contacts", [])}
                for message in value.get("messages", []):
                    if message.get("type") == "text":
                        phone_id = value["metadata"]["phone_number_id"]
                        sender = message["from"]
                        task = BackgroundTask(answer, phone_id, sender,
                                              names.get(sender) or "there")
                        return PlainTextResponse("ok", background=task)
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/webhook", verify, methods=["GET"]),
                             Route("/webhook", receive, methods=["POST"])])


app = create()
