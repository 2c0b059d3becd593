"""The baseline of bench_serve.py: a bare Starlette app answering the same JSON round trip.

It reads the bearer token and the JSON body of a send and answers the send's success
shape, with nothing else: the floor any Python server on Starlette pays per request.
"""

from __future__ import annotations

import itertools
import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

TOKEN = "wasim-token"
_ids = itertools.count()


async def messages(request: Request) -> JSONResponse:
    if request.headers.get("authorization") != f"Bearer {TOKEN}":
        return JSONResponse({"error": {"code": 190}}, status_code=401)
    body = json.loads(await request.body())
    return JSONResponse({"messaging_product": "whatsapp",
                         "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                         "messages": [{"id": f"wamid.{next(_ids)}"}]})


app = Starlette(routes=[Route("/{version}/{object_id}/messages", messages, methods=["POST"])])
