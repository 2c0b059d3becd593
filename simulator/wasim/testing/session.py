"""The life of one test's simulator: options, set-up, teardown checks, server mode.

``wasim.testing.plugin`` wraps these in pytest fixtures; any other test runner can use
:class:`SimSession` directly::

    session = SimSession(FixtureOptions(start="2026-01-05T09:00:00Z"))
    sim = session.start()
    ...
    problems = session.finish()   # teardown check failures, as text
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from freezegun import freeze_time

from wasim.api import create_app
from wasim.clock import Clock, parse_instant
from wasim.config import Options
from wasim.errors import GraphError
from wasim.serve.server import ThreadedServer
from wasim.simulation import GRAPH_VERSION, Simulator
from wasim.testing import checks
from wasim.testing.intercept import BYPASS_HINT, GRAPH_HOSTS, Interceptor
from wasim.world.seed import load_world
from wasim.world.state import World

FREEZE_IGNORE = ["_pytest", "pluggy"]
"""Modules that keep real time while a test's clock is frozen: pytest measures
durations with it, and a frozen clock made them read years."""


@dataclass(frozen=True, kw_only=True, slots=True)
class FixtureOptions:
    """Options of the ``whatsapp_sim`` fixture and marker; every one is keyword-only.

    Args:
        world: A world YAML file (relative paths are taken from the pytest rootdir);
            ``None`` or ``"default"``: the embedded default world.
        start: Start instant. Time is then frozen there with freezegun for the whole
            process, and ``advance()`` moves it; without it, real time plus an offset.
        seed: Makes generated ids repeatable.
        window_violation_mode: ``async`` (200 + failed webhook) or ``sync`` (HTTP 400).
        settings: Other world settings (``delivered_after``, ``read_after``...).
        webhook: Where webhooks go: an ASGI app, a callable ``(headers, body)`` or a URL.
        app_secret: Key of ``X-Hub-Signature-256`` (default: the world's).
        verify_token: Token of the subscription handshake (default: the world's).
        strict: ``False`` turns every teardown check off; ``True`` turns all on
            (including the optional 131047 check); ``None`` keeps each default.
        assert_all_endpoints_implemented: Fail if a call hit an unimplemented endpoint.
        assert_all_webhooks_delivered: Fail if a webhook could not be delivered.
        assert_window_failures_inspected: Fail if a 131047 failure was never looked at
            (off by default).
        intercept: Route httpx calls to the Graph host into the simulator.
        graph_hosts: The hosts routed into the simulator.
    """

    world: str | Path | None = None
    start: str | datetime | None = None
    seed: int | str | None = None
    window_violation_mode: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    webhook: Any = None
    app_secret: str | None = None
    verify_token: str | None = None
    strict: bool | None = None
    assert_all_endpoints_implemented: bool | None = None
    assert_all_webhooks_delivered: bool | None = None
    assert_window_failures_inspected: bool | None = None
    intercept: bool = True
    graph_hosts: tuple[str, ...] = GRAPH_HOSTS

    def __post_init__(self) -> None:
        if self.start is not None:
            try:
                parse_instant(self.start)
            except GraphError as error:
                raise ValueError(f"start={self.start!r}: {error.details}") from None
        if self.window_violation_mode not in (None, "async", "sync"):
            raise ValueError(f"window_violation_mode must be 'async' or 'sync', "
                             f"got {self.window_violation_mode!r}")

    @classmethod
    def merge(cls, layers: Iterable[Mapping[str, Any]]) -> FixtureOptions:
        """Later layers win (``settings`` merge key by key); an unknown option is a
        ``TypeError`` listing the known ones."""
        known = {f.name for f in fields(cls)}
        merged: dict[str, Any] = {}
        for layer in layers:
            unknown = sorted(set(layer) - known)
            if unknown:
                raise TypeError(f"unknown option(s) {', '.join(unknown)}; "
                                f"options are: {', '.join(sorted(known))}")
            settings = {**merged.get("settings", {}), **layer.get("settings", {})}
            merged.update(layer)
            if settings:
                merged["settings"] = settings
        return cls(**merged)

    def check(self, name: str, default: bool) -> bool:
        """Whether teardown check ``name`` runs (its option, else ``strict``, else default)."""
        explicit: bool | None = getattr(self, name)
        if explicit is not None:
            return explicit
        return default if self.strict is None else self.strict

    def simulator_options(self) -> Options:
        settings = dict(self.settings)
        if self.window_violation_mode is not None:
            settings["window_violation_mode"] = self.window_violation_mode
        return Options(seed=self.seed, app_secret=self.app_secret,
                       verify_token=self.verify_token, settings=settings)


class WorldCache:
    """Parsed worlds by path (and file time), so each test copies instead of parsing."""

    def __init__(self) -> None:
        self._worlds: dict[tuple[str | None, float], World] = {}

    def get(self, path: Path | None) -> World:
        key = (str(path) if path else None, _mtime(path))
        world = self._worlds.get(key)
        if world is None:
            world = self._worlds[key] = load_world(path)
        return world


def _mtime(path: Path | None) -> float:
    try:
        return path.stat().st_mtime if path is not None else 0.0
    except OSError:
        return -1.0  # load_world then reports the file as unreadable, with its name


CHECKS: tuple[tuple[str, bool, Callable[[Simulator], str]], ...] = (
    ("assert_all_endpoints_implemented", True, checks.unimplemented_endpoints),
    ("assert_all_webhooks_delivered", True, checks.undelivered_webhooks),
    ("assert_window_failures_inspected", False, checks.uninspected_window_failures),
)


class SimSession:
    """One simulator from set-up to teardown checks.

    Args:
        options: The merged fixture options.
        worlds: A cache shared by the sessions of a test run.
        root: Where relative world paths start (the pytest rootdir).
    """

    def __init__(self, options: FixtureOptions, *, worlds: WorldCache | None = None,
                 root: Path | None = None) -> None:
        self.options = options
        self.worlds = worlds if worlds is not None else WorldCache()
        self.root = root if root is not None else Path.cwd()
        self.sim: Simulator | None = None
        self._freezer: Any = None
        self._interceptor: Interceptor | None = None

    def _world_path(self) -> Path | None:
        world = self.options.world
        if world is None or world == "default":
            return None
        path = Path(world)
        return path if path.is_absolute() else self.root / path

    def start(self) -> Simulator:
        """Build the simulator, freeze time if asked, intercept httpx, attach webhooks."""
        base = self.worlds.get(self._world_path())
        clock = Clock()
        if self.options.start is not None:
            start = parse_instant(self.options.start)
            # pytest's own timer (setup/call durations, JUnit times) keeps real time
            self._freezer = freeze_time(start, real_asyncio=True, ignore=FREEZE_IGNORE)
            factory = self._freezer.start()
            clock.mover = lambda delta: _tick(factory, delta)
        try:
            sim = self.sim = Simulator(self.options.simulator_options(), base=base,
                                         clock=clock)
            if self.options.intercept:
                self._interceptor = Interceptor(create_app(sim),
                                                self.options.graph_hosts).start()
            if self.options.webhook is not None:
                sim.attach(self.options.webhook)
        except BaseException:
            self.close()
            raise
        return sim

    def problems(self) -> list[str]:
        """The failed teardown checks, as paragraphs."""
        sim = self.sim
        if sim is None:
            return []
        sim.flush()
        found = [check(sim) for name, default, check in CHECKS
                 if self.options.check(name, default)]
        if self._interceptor is not None and self._interceptor.bypassed:
            hosts = ", ".join(sorted(set(self._interceptor.bypassed)))
            found.append(f"a client that wasim does not intercept tried to reach {hosts} "
                         f"(the call was stopped before the network): {BYPASS_HINT}")
        return [problem for problem in found if problem]

    def close(self) -> None:
        """Stop intercepting, stop delivering, unfreeze time (safe to call twice)."""
        if self._interceptor is not None:
            self._interceptor.stop()
            self._interceptor = None
        engine = self.sim.delivery if self.sim is not None else None
        if engine is not None:
            engine.close()
        if self._freezer is not None:
            self._freezer.stop()
            self._freezer = None

    def finish(self) -> list[str]:
        """Run the teardown checks, then close; returns the problems found."""
        try:
            return self.problems()
        finally:
            self.close()


def _tick(factory: Any, delta: timedelta) -> None:
    factory.tick(delta)


class WhatsAppServer:
    """A simulator served by uvicorn on a free loopback port (the ``whatsapp_server``).

    Args:
        sim: The simulator to serve (the same one the test holds).
    """

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self._server = ThreadedServer(sim)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return self._server.url

    @property
    def graph_url(self) -> str:
        """``http://127.0.0.1:PORT/v23.0``: the Graph base URL for the client under test."""
        return f"{self.base_url}/{GRAPH_VERSION}"

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def token(self) -> str:
        return self.sim.token

    @property
    def phone_number_id(self) -> str:
        return self.sim.phone_number_id

    @property
    def waba_id(self) -> str:
        return self.sim.waba_id

    @property
    def app_secret(self) -> str:
        return self.sim.app_secret

    @property
    def verify_token(self) -> str:
        return self.sim.verify_token

    @property
    def messages_url(self) -> str:
        return f"{self.graph_url}/{self.phone_number_id}/messages"

    def start(self) -> WhatsAppServer:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()
