"""The library's example app, served for tests that need an app under test."""

from __future__ import annotations

import importlib.util
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from wasim.serve.server import bind, uvicorn_config

LIBRARY = Path(__file__).resolve().parent.parent.parent / "scenarios"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def order_bot() -> Iterator[tuple[str, int]]:
    """The library's example app on a loopback port, sending to a chosen simulator port."""
    spec = importlib.util.spec_from_file_location("order_bot", LIBRARY / "app" / "order_bot.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sim_port = _free_port()
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn_config(module.create(f"http://127.0.0.1:{sim_port}"),
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/webhook", sim_port
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()


