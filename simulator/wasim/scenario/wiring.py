"""How a scenario run reaches the simulator and where its webhooks go.

The one place of ``wasim.scenario`` that touches the HTTP app and the server: the
in-process client the steps call (:func:`client`), the built-in webhook receiver, and the
app under test (:class:`AppUnderTest`: the simulator served on a loopback port, its
webhooks delivered to the app's URL or ASGI app). Deliveries go through the delivery
engine, so retries, the delivery log and signatures behave as they do for any target.
"""

from __future__ import annotations

import socket
import traceback
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from wasim.delivery.engine import DeliveryEngine
from wasim.delivery.engine import attach as attach_engine
from wasim.scenario.inline import AppClient
from wasim.simulation import Simulator

Target = str | Callable[..., Any]


class Receiver:
    """The scenario's own webhook receiver: answers ``status`` and keeps what it accepted."""

    def __init__(self, app_secret: str) -> None:
        self.app_secret = app_secret
        self.status = 200
        self.accepted: list[bytes] = []
        self.attempts = 0

    def __call__(self, headers: dict[str, str], body: bytes) -> int:
        self.attempts += 1
        if 200 <= self.status < 300:
            self.accepted.append(body)
        return self.status


def client(sim: Simulator, token: str) -> AppClient:
    """A client of ``sim``'s HTTP app in process, authorised with ``token``."""
    from wasim.api import create_app

    return AppClient(create_app(sim), {"Authorization": f"Bearer {token}"})


def attach(sim: Simulator, target: Target) -> DeliveryEngine:
    """Send ``sim``'s webhooks to ``target``, signed with the world's app secret."""
    return attach_engine(sim, target, app_secret=sim.world.app_secret)


def flush(engine: DeliveryEngine | None, timeout: float = 5.0) -> None:
    """Wait for webhooks in flight (no-op without an engine)."""
    if engine is not None:
        engine.flush(timeout)


def close(engine: DeliveryEngine | None) -> None:
    if engine is not None:
        engine.close()


def refused(url: str, timeout: float = 2.0) -> str | None:
    """Why nothing answers at ``url``'s host and port (``None``: something listens)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", port), timeout):
            return None
    except ConnectionRefusedError:
        return f"the app at {url} refused the connection (is it running?)"
    except OSError as exc:
        return f"the app at {url} is unreachable: {exc.strerror or exc}"


class _Traced:
    """An ASGI app under test whose exceptions keep their traceback for the report."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.failures: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception:
            self.failures.append(traceback.format_exc())
            raise


class AppUnderTest:
    """The simulator served on 127.0.0.1:``port`` for an app that receives its webhooks.

    Args:
        sim: The scenario's simulator.
        app: The app's webhook URL, or an ASGI app (run in process).
        port: The loopback port (0 picks one).
    """

    def __init__(self, sim: Simulator, app: str | Any, port: int) -> None:
        from wasim.serve.server import ThreadedServer

        self.url = app if isinstance(app, str) else "the ASGI app under test"
        self.traced = None if isinstance(app, str) else _Traced(app)
        self.server = ThreadedServer(sim, port=port).start()
        try:
            self.engine = attach(sim, app if self.traced is None else self.traced)
        except BaseException:
            self.server.stop()
            raise

    def trouble(self) -> str:
        """What went wrong reaching the app (``""`` when nothing did)."""
        if self.traced is not None and self.traced.failures:
            return f"the app raised:\n{self.traced.failures[-1].rstrip()}"
        check = self.engine.verification
        if check is not None and not check.ok and check.status_code is None:
            return f"the app at {self.url} could not be reached ({check.error})"
        failed = [a for a in self.engine.attempts if not a.ok]
        if failed:
            return (f"{len(failed)} webhook POST(s) to the app failed, "
                    f"the last with {failed[-1].error}")
        return ""

    def close(self) -> None:
        self.engine.close()
        self.server.stop()
