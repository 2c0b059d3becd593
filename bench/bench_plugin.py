"""What the pytest plugin costs: fixture set-up + teardown, and an intercepted send.

Run: ``python bench/bench_plugin.py`` (``--quick`` for fewer rounds). Prints figures; the
bars of issue 12 are a median set-up + teardown of at most 2 ms, and an in-process send
(the interception at httpx's transport methods, then the simulator) at most 1.5x a bare
``httpx.ASGITransport`` call to a trivial app.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from wasim import Simulator
from wasim.api import create_app
from wasim.config import Options
from wasim.testing.intercept import Interceptor
from wasim.testing.session import FixtureOptions, SimSession, WorldCache

PHONE = "106540352242922"
ANA = "16505551234"
URL = f"https://graph.facebook.com/v23.0/{PHONE}/messages"
AUTH = {"Authorization": "Bearer wasim-token"}
NO_LIMITS = Options(settings={"pair_rate_limit": False, "throughput_limit": False})
BODY = {"messaging_product": "whatsapp", "to": ANA, "type": "text", "text": {"body": "hi"}}


def timed(fn: Callable[[], Any], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def show(name: str, samples: list[float]) -> float:
    samples = sorted(samples)
    median = statistics.median(samples)
    p90 = samples[int(len(samples) * 0.9) - 1]
    print(f"  {name:<52} median {median:7.3f} ms   p90 {p90:7.3f} ms")
    return median


def fixture_cost(rounds: int) -> None:
    print(f"fixture set-up + teardown ({rounds} rounds, world cache warm as in a test run)")
    worlds = WorldCache()
    worlds.get(None)

    def cycle(**options: Any) -> Callable[[], None]:
        def run() -> None:
            session = SimSession(FixtureOptions(**options), worlds=worlds)
            session.start()
            assert session.finish() == []
        return run

    default = show("whatsapp_sim (defaults: real time + offset)", timed(cycle(), rounds))
    show("whatsapp_sim(start=...) (freezegun)",
         timed(cycle(start="2026-01-05T09:00:00Z"), rounds))
    show("whatsapp_sim(intercept=False)", timed(cycle(intercept=False), rounds))
    print(f"  bar: median <= 2 ms with defaults -> {'met' if default <= 2 else 'NOT met'}")


def trivial_app() -> Starlette:
    async def answer(request: Request) -> JSONResponse:
        await request.body()
        return JSONResponse({"messaging_product": "whatsapp", "messages": [{"id": "x"}]})

    return Starlette(routes=[Route("/{version}/{phone}/messages", answer, methods=["POST"])])


async def async_rounds(call: Callable[[], Awaitable[Any]], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        await call()
        out.append((time.perf_counter() - started) * 1000)
    return out


async def async_sends(rounds: int) -> None:
    print(f"async send ({rounds} rounds each, after 50 warm-up calls)")
    bare = httpx.AsyncClient(transport=httpx.ASGITransport(app=trivial_app()))
    sim = Simulator(NO_LIMITS)
    sim.inbound(ANA, text="hi")
    direct = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(sim)))
    intercepted = httpx.AsyncClient()
    figures: dict[str, float] = {}

    async def measure(name: str, client: httpx.AsyncClient, label: str) -> None:
        async def call() -> None:
            response = await client.post(URL, json=BODY, headers=AUTH)
            assert response.status_code == 200, response.text

        await async_rounds(call, 50)
        figures[name] = show(label, await async_rounds(call, rounds))

    await measure("bare", bare, "bare httpx.ASGITransport -> trivial Starlette app")
    await measure("direct", direct, "httpx.ASGITransport -> simulator send (no interception)")
    with Interceptor(create_app(sim)):
        await measure("intercepted", intercepted, "interception -> simulator send")
    with Interceptor(trivial_app()):
        await measure("intercepted_trivial", intercepted, "interception -> trivial app")
    for client in (bare, direct, intercepted):
        await client.aclose()
    ratio = figures["intercepted"] / figures["bare"]
    print(f"  intercepted send / bare trivial call: {ratio:.2f}x "
          f"(bar <= 1.5x -> {'met' if ratio <= 1.5 else 'NOT met'})")
    print(f"  interception alone (intercepted -> trivial / bare -> trivial): "
          f"{figures['intercepted_trivial'] / figures['bare']:.2f}x")
    print(f"  simulator's own send work (direct - bare): "
          f"{figures['direct'] - figures['bare']:.3f} ms")


def sync_sends(rounds: int) -> None:
    print(f"sync send ({rounds} rounds, after 50 warm-up calls)")
    sim = Simulator(NO_LIMITS)
    sim.inbound(ANA, text="hi")
    with Interceptor(create_app(sim)), httpx.Client() as client:
        def call() -> None:
            assert client.post(URL, json=BODY, headers=AUTH).status_code == 200

        timed(call, 50)
        show("sync httpx.Client, intercepted -> simulator send", timed(call, rounds))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args(argv)
    rounds = 100 if args.quick else 1000
    fixture_cost(rounds)
    asyncio.run(async_sends(rounds))
    sync_sends(rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
