"""Serving a simulator over a socket: ``serve()`` for the CLI, ``ThreadedServer`` for tests.

Both serve the same ``create_app(sim)`` as in-process use, with a background ticker that
runs due work while real time passes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import sys
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

import uvicorn
from starlette.applications import Starlette

from wasim.api import create_app
from wasim.api.guard import Guard, Policy
from wasim.core import Feature
from wasim.delivery.engine import deliver_on_loop, settled
from wasim.serve.gcpolicy import StateFreezer
from wasim.serve.retention import Retention
from wasim.serve.store import Store
from wasim.simulation import Simulator

TICK_SECONDS = 0.05
STORE_SWITCH_SECONDS = 0.001
"""The interpreter's thread switch interval while a store writes (default 5 ms): the
writer lets go of the GIL around every row SQLite writes and waits for it back each time
behind the server's busy loop, up to the interval; at 5 ms one flush of a few thousand
rows took seconds under load (bench/soak.py --data --probe) and the writer fell behind."""
logger = logging.getLogger("wasim.server")


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (raises ``OSError`` with the reason when it cannot bind)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this: without it, uvicorn's separate writes of headers
    # and body meet Nagle + delayed ACK and every request takes ~40 ms.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


class _OnReset(Feature):
    """Calls ``action`` when the simulator is reset."""

    def __init__(self, action: Callable[[], object]) -> None:
        self._action = action

    def reset(self) -> None:
        self._action()


def ticking_app(sim: Simulator, freezer: StateFreezer | None = None, *,
                store: Store | None = None, grace: float = 0.0,
                report: Callable[[str], object] | None = None) -> Starlette:
    """``create_app(sim)`` plus a ticker that runs scheduled work as real time passes, and
    webhook delivery on the server's own loop (:mod:`wasim.delivery.loop`).

    With a ``freezer`` (``wasim serve``) the ticker also keeps the garbage collector off
    the accumulated state (:mod:`wasim.serve.gcpolicy`); with a ``store`` the state is
    written to disk behind the requests (:mod:`wasim.serve.store`). At shutdown,
    deliveries get ``grace`` seconds to finish; ``report`` is told what happened to the
    rest (kept in the store, or dropped).
    """
    app = create_app(sim)
    core = sim._core
    if freezer is not None:
        sim.plug(_OnReset(freezer.thaw))
    evicted = (lambda ids: store.evicted(core, ids)) if store is not None else None
    retention = Retention(core, lambda: sim.delivery, evicted)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async def tick() -> None:
            while True:
                await asyncio.sleep(TICK_SECONDS)
                try:
                    sim.tick()
                    retention.trim()
                except Exception:  # a bug in a job: keep ticking (and collecting), say so
                    logger.exception("wasim: a scheduled job failed; the ticker goes on")
                if freezer is not None:
                    freezer.maybe_freeze()

        if freezer is not None:
            freezer.take_over()
        engine = sim.attach()
        deliver_on_loop(engine, asyncio.get_running_loop())
        switching = sys.getswitchinterval()
        if store is not None:
            store.start(core, engine)
            sys.setswitchinterval(STORE_SWITCH_SECONDS)
        task = asyncio.create_task(tick())
        try:
            yield
        finally:
            task.cancel()
            await _shut_down(sim, store, grace, report)
            sys.setswitchinterval(switching)
            if freezer is not None:
                freezer.release()

    app.router.lifespan_context = lifespan
    return app


async def _shut_down(sim: Simulator, store: Store | None, grace: float,
                     report: Callable[[str], object] | None) -> None:
    """Let deliveries finish for ``grace`` seconds, then keep the rest on disk (or say
    they are dropped)."""
    engine = sim.delivery
    if engine is not None and grace > 0:
        await settled(engine, grace)
    pending = len(engine.pending()) if engine is not None else 0
    if store is not None:
        store.close()
        if report is not None:
            report(f"wasim: state saved in {store.path}"
                   + (f" ({pending} pending webhook deliveries kept)" if pending else ""))
    elif pending and report is not None:
        report(f"wasim: {pending} pending webhook deliveries dropped (start with --data DIR "
               "to keep them across a restart)")


def uvicorn_config(app: Any, **overrides: Any) -> uvicorn.Config:
    """One worker, no access log; uvicorn's ``auto`` loop and parser pick uvloop and
    httptools (dependencies of wasim), which serve about ten times faster than asyncio+h11.

    No ``server: uvicorn`` header (Graph answers do not name a server), and no
    ``X-Forwarded-*`` processing unless ``proxy_headers=True`` (``wasim serve
    --proxy-headers``, for a TLS proxy on the same host: media URLs then carry its
    scheme); each of the two cost a loaded server 2-3 µs a request (bench_serve's CPU
    column)."""
    options: dict[str, Any] = {"log_level": "warning", "access_log": False,
                               "lifespan": "on", "server_header": False,
                               "proxy_headers": False}
    options.update(overrides)
    return uvicorn.Config(app, **options)


class ThreadedServer:
    """A simulator served by uvicorn in a thread, on a free loopback port by default.

    Args:
        sim: The simulator to serve.
        host: Interface to bind (loopback unless told otherwise).
        port: ``0`` picks a free port.
        policy: Who may call it (default: the ``Host``/``Origin`` checks of ``wasim
            serve`` for ``host``, no control token; :mod:`wasim.api.guard`).
    """

    def __init__(self, sim: Simulator, host: str = "127.0.0.1", port: int = 0,
                 policy: Policy | None = None) -> None:
        self.sim = sim
        self.host = host
        self._socket = bind(host, port)
        self.port: int = self._socket.getsockname()[1]
        guarded = Guard(ticking_app(sim), sim, policy or Policy.serving(host))
        self._server = uvicorn.Server(uvicorn_config(guarded))
        self._thread = threading.Thread(target=self._serve, name="wasim-server", daemon=True)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def _serve(self) -> None:
        self._server.run(sockets=[self._socket])

    def start(self) -> ThreadedServer:
        self._thread.start()
        while not self._server.started and self._thread.is_alive():
            threading.Event().wait(0.005)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._socket.close()

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
