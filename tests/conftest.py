from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from wasim import Simulator
from wasim.api import create_app
from wasim.asgi import sync_client

from tests.conformance.spec import Spec
from tests.conformance.spec import load as load_spec

# wasim's own plugins are loaded here by module (the addopts turn off their entry points),
# so that coverage, which starts after entry points load, measures them too
pytest_plugins = ["pytester", "wasim.testing.plugin", "wasim.scenario.pytest_plugin",
                  "tests.conformance.collector"]

os.environ["TZ"] = "UTC"
time.tzset()

ROOT = Path(__file__).resolve().parent.parent
START = "2026-01-05T09:00:00Z"
TOKEN = "wasim-token"
PHONE_ID = "106540352242922"
WABA_ID = "102290129340398"
ANA = "16505551234"
BRUNO = "34612340002"  # a Spanish number: marketing templates reach him (§6)
MESSAGES = f"/v23.0/{PHONE_ID}/messages"


def text_message(to: str = ANA, body: str = "hello", **extra: Any) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": to, "type": "text",
            "text": {"body": body}, **extra}


def template_message(name: str = "shipping_update", language: str = "en_US",
                     body: list[str] | None = None, to: str = ANA,
                     components: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    template: dict[str, Any] = {"name": name, "language": {"code": language}}
    if components is None and body is not None:
        components = [{"type": "body",
                       "parameters": [{"type": "text", "text": v} for v in body]}]
    if components is not None:
        template["components"] = components
    return {"messaging_product": "whatsapp", "to": to, "type": "template",
            "template": template}


@pytest.fixture
def sim() -> Simulator:
    return Simulator(now=START, seed=7)


@pytest.fixture
def client(sim: Simulator) -> Iterator[httpx.Client]:
    with sync_client(create_app(sim)) as http:
        http.headers["Authorization"] = f"Bearer {TOKEN}"
        yield http


@pytest.fixture
def spec_check() -> Spec:
    """Meta's OpenAPI description, vendored in tests/data/meta-openapi (loaded once)."""
    return load_spec()
