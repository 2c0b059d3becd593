"""The served app's ticker: due work runs as real time passes, whatever a job does."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

import pytest
from wasim import Simulator
from wasim.clock import Job
from wasim.core import Feature, JobHandler
from wasim.serve.server import ticking_app


class Jobs(Feature):
    """A feature that runs the given job kinds."""

    def __init__(self, handlers: dict[str, JobHandler]) -> None:
        self.handlers = handlers

    def jobs(self) -> Mapping[str, JobHandler]:
        return self.handlers


def test_a_failing_job_is_logged_and_the_ticker_goes_on(
        caplog: pytest.LogCaptureFixture) -> None:
    sim = Simulator()
    ran: list[str] = []

    def boom(job: Job) -> None:
        raise RuntimeError("a broken job")

    sim.plug(Jobs({"boom": boom, "ok": lambda job: ran.append(job.kind)}))
    schedule = sim._core.schedule
    app = ticking_app(sim)

    async def serve_a_while() -> None:
        async with app.router.lifespan_context(app):
            schedule.add(sim.clock.now(), "boom", {})
            for _ in range(200):  # up to 10 s on a busy machine; ~0.05 s when quiet
                if schedule.next_due() is None:
                    break
                await asyncio.sleep(0.05)
            schedule.add(sim.clock.now(), "ok", {})
            for _ in range(200):
                if ran:
                    break
                await asyncio.sleep(0.05)

    with caplog.at_level(logging.ERROR, logger="wasim.server"):
        asyncio.run(serve_a_while())
    assert ran == ["ok"]
    assert "a scheduled job failed" in caplog.text


def test_served_answers_name_no_server_and_proxy_headers_are_opt_in() -> None:
    import httpx
    from wasim.cli import build_parser
    from wasim.serve.server import ThreadedServer, uvicorn_config

    with ThreadedServer(Simulator()) as server:
        answer = httpx.get(f"{server.url}/_sim/health")
    assert answer.status_code == 200
    assert "server" not in answer.headers and "date" in answer.headers
    parser = build_parser()
    assert parser.parse_args(["serve"]).proxy_headers is False
    assert parser.parse_args(["serve", "--proxy-headers"]).proxy_headers is True
    app = ticking_app(Simulator())
    assert uvicorn_config(app).proxy_headers is False
    assert uvicorn_config(app, proxy_headers=True).proxy_headers is True
