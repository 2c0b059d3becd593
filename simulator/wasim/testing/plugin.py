"""pytest plugin (registered through the ``pytest11`` entry point): fixtures and marker.

- ``whatsapp_sim``: a fresh in-process simulator per test, httpx calls to the Graph host
  routed into it, teardown checks at the end.
- ``whatsapp_server``: the same simulator served by uvicorn on a free loopback port.
- ``whatsapp_sim_options``: a dict of options; override it in a ``conftest.py`` or a
  module for suite- or module-wide settings.
- ``@pytest.mark.whatsapp_sim(...)``: per-test (or per-module via ``pytestmark``)
  options; the closest marker wins. A marked test gets the fixture automatically.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # the simulator loads when a test asks for a fixture, not at pytest start
    from wasim import Simulator
    from wasim.testing.session import FixtureOptions, SimSession, WhatsAppServer, WorldCache

MARKER = "whatsapp_sim"
_WORLDS = pytest.StashKey["WorldCache"]()
_CALL_FAILED = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "whatsapp_sim(*, world=None, start=None, seed=None, window_violation_mode=None, "
        "settings=None, webhook=None, strict=None, ...): options of the whatsapp_sim "
        "fixture (docs/pytest.md)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = getattr(item, "fixturenames", None)
        if item.get_closest_marker(MARKER) is not None and names is not None \
                and MARKER not in names:
            names.append(MARKER)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item,
                              call: pytest.CallInfo[None],
                              ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember a failed test body: its teardown checks would only add noise."""
    report: pytest.TestReport = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


def _worlds(config: pytest.Config) -> WorldCache:
    """The world files this run has loaded, shared by its tests."""
    if _WORLDS not in config.stash:
        from wasim.testing.session import WorldCache

        config.stash[_WORLDS] = WorldCache()
    return config.stash[_WORLDS]


def _options(request: pytest.FixtureRequest, base: dict[str, Any]) -> FixtureOptions:
    from wasim.testing.session import FixtureOptions

    layers: list[dict[str, Any]] = [base]
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        if marker.args:
            raise TypeError(f"takes keyword options only, got positional {marker.args!r}")
        layers.append(dict(marker.kwargs))
    return FixtureOptions.merge(layers)


def _start(request: pytest.FixtureRequest,
           base: dict[str, Any]) -> tuple[SimSession | None, str]:
    """A started session, or ``None`` and the sentence saying why not."""
    from wasim.errors import GraphError
    from wasim.testing.session import SimSession
    from wasim.world.source import SourceError

    try:
        options = _options(request, base)
        session = SimSession(options, worlds=_worlds(request.config),
                             root=request.config.rootpath)
        session.start()
    except GraphError as error:
        return None, error.details or str(error)
    except (TypeError, ValueError, SourceError, RuntimeError) as error:
        return None, str(error)
    return session, ""


@pytest.fixture(name="whatsapp_sim_options")
def whatsapp_sim_options_fixture() -> dict[str, Any]:
    """Suite- or module-wide options: override this fixture to return a dict."""
    return {}


@pytest.fixture(name="whatsapp_sim")
def whatsapp_sim_fixture(request: pytest.FixtureRequest,
                         whatsapp_sim_options: dict[str, Any]) -> Iterator[Simulator]:
    """A fresh in-process WhatsApp Cloud API simulator for this test."""
    session, problem = _start(request, whatsapp_sim_options)
    if session is None or session.sim is None:
        pytest.fail(f"whatsapp_sim: {problem}", pytrace=False)
    sim = session.sim
    try:
        yield sim
    finally:
        problems = session.finish()
    if problems and not request.node.stash.get(_CALL_FAILED, False):
        pytest.fail("whatsapp_sim teardown checks failed:\n" + "\n\n".join(problems),
                    pytrace=False)


@pytest.fixture(name="whatsapp_server")
def whatsapp_server_fixture(whatsapp_sim: Simulator) -> Iterator[WhatsAppServer]:
    """``whatsapp_sim`` served by uvicorn on a free loopback port (for non-httpx clients)."""
    from wasim.testing.session import WhatsAppServer

    server = WhatsAppServer(whatsapp_sim).start()
    try:
        yield server
    finally:
        server.stop()
