"""``GET /_sim/events``: server-sent events telling a page (the inbox) that something changed.

The stream sends ``event: change`` with ``data: {"clock": {...}, "seq": N}`` whenever the
simulator's observable state moves: a webhook emitted (every inbound message, status,
failure and template event emits one), a webhook delivery attempt, the clock moved or
frozen, a setting changed. The page then reloads what it shows through the ordinary
``/_sim/`` listings, so the stream carries no data a script could not read itself.

The state is sampled every :data:`SAMPLE_SECONDS` (a fingerprint of counters read under
the lock, not the data), so a change reaches the page within about that time. A stream
ends after :data:`STREAM_SECONDS` with a ``retry`` hint; ``EventSource`` reconnects by
itself, and a server being stopped never waits long for an open page.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from wasim.api.graph import sim_of
from wasim.delivery.engine import engine_of
from wasim.simulation import Simulator

SAMPLE_SECONDS = 0.04
STREAM_SECONDS = 15.0
KEEPALIVE_SECONDS = 5.0
RETRY_MS = 300


def fingerprint(sim: Simulator) -> tuple[Any, ...]:
    """Counters that move whenever something a page shows moves (cheap: no data copied)."""
    with sim._core.lock:
        webhooks = sim.webhooks
        last = webhooks[-1].id if len(webhooks) else None
        engine = engine_of(sim)
        attempts = (len(engine.log.attempts), engine.log.seq, engine.paused) \
            if engine is not None else None
        return (len(webhooks), last, sim.clock.reading, attempts,
                len(sim.world.messages), len(sim.world.inbound),
                tuple(sim.world.settings.to_dict().values()))


def _event(name: str, data: dict[str, Any], seq: int) -> bytes:
    return f"id: {seq}\nevent: {name}\ndata: {json.dumps(data)}\n\n".encode()


async def _stream(sim: Simulator, request: Request) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    started = loop.time()
    quiet_since = started
    seq = 0
    seen = fingerprint(sim)
    yield f"retry: {RETRY_MS}\n\n".encode()
    yield _event("hello", {"clock": sim.clock.to_dict(), "seq": seq}, seq)
    while loop.time() - started < STREAM_SECONDS:
        await asyncio.sleep(SAMPLE_SECONDS)
        if await request.is_disconnected():
            return
        now = fingerprint(sim)
        if now != seen:
            seen, seq = now, seq + 1
            quiet_since = loop.time()
            yield _event("change", {"clock": sim.clock.to_dict(), "seq": seq}, seq)
        elif loop.time() - quiet_since > KEEPALIVE_SECONDS:
            quiet_since = loop.time()
            yield b": keepalive\n\n"


async def events(request: Request) -> Response:
    """The event stream (``text/event-stream``, not cached, not buffered by proxies)."""
    return StreamingResponse(_stream(sim_of(request), request),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def routes() -> list[Route]:
    return [Route("/_sim/events", events, methods=["GET"])]
