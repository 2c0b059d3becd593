"""A real browser for the inbox tests: the OS's Chromium (Debian's ``chromium``), driven
by Playwright for Python. No browser is downloaded: ``.ci/run`` installs the OS package
when it is missing, and the tests launch it by its path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from wasim.serve.server import ThreadedServer
from wasim.simulation import Simulator

from tests.conftest import START

CHROMIUM = os.environ.get("WASIM_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def launch(playwright: Any) -> Any:
    """Chromium from the OS, offline, headless."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no browser at {CHROMIUM}: install the OS package (apt-get install "
                    "chromium) or set WASIM_CHROMIUM to its path")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def _playwright() -> Any:
    try:
        from playwright import sync_api
    except ImportError:  # a venv made before the test extra named it
        pytest.fail("playwright is missing: pip install -e '.[test]'")
    return sync_api


@pytest.fixture(scope="session")
def expect() -> Any:
    """Playwright's waiting assertions (imported here, so a venv without playwright
    fails these tests by name instead of the whole collection)."""
    return _playwright().expect


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One browser per module: Playwright's sync API keeps an event loop on the main
    thread while it runs, which other tests of the same worker must not meet."""
    with _playwright().sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def world() -> Simulator:
    return Simulator(now=START, seed=7)


@pytest.fixture
def server(world: Simulator) -> Iterator[ThreadedServer]:
    with ThreadedServer(world) as running:
        yield running


@pytest.fixture
def page(browser: Any, server: ThreadedServer) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == [], f"the page raised: {errors}"
