"""The subscription handshake's challenge is numeric, as Meta's is (§5.3; audit 2, L3)."""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from wasim import Simulator
from wasim.delivery.engine import attach


def int_receiver(seen: list[str]) -> Starlette:
    """A receiver that does what some public ones do: ``int(hub.challenge)``."""

    async def verify(request: Request) -> Response:
        raw = request.query_params["hub.challenge"]
        seen.append(raw)
        return PlainTextResponse(str(int(raw)))

    async def receive(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/webhook", verify, methods=["GET"]),
                             Route("/webhook", receive, methods=["POST"])])


def test_a_receiver_that_reads_the_challenge_as_a_number_passes(sim: Simulator) -> None:
    seen: list[str] = []
    engine = attach(sim, int_receiver(seen))
    try:
        verification = engine.verification
        assert verification is not None and verification.ok, verification
        [challenge] = seen
        assert re.fullmatch(r"[1-9][0-9]{9}", challenge), challenge
        assert verification.challenge == challenge
    finally:
        engine.close()
