"""A pytest plugin that holds every Graph answer and webhook body the suite makes against
Meta's OpenAPI description (tests/conformance/spec.py).

Two class-level seams record, whichever test or fixture built the simulator:

* ``WasimApp.__call__`` (every in-process ASGI app): each answer on a ``/vNN.N/`` path,
  with its method, path, status and JSON body, and for ``/{version}/{object-id}`` which
  object handler answered (a phone number, a media item, a template...);
* ``Core.emit``: each webhook.

After each test its records are validated (an answer against its operation's documented
response schema, an error against ``GraphAPIError``, a webhook against the
``POST /whatsapp/webhooks`` request body) and a violation fails the test in its teardown,
naming the body and the violated rule. What the spec does not describe is listed in
:mod:`tests.conformance.gaps`, each with its reason.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from wasim.api import objects
from wasim.api.fastpath import WasimApp
from wasim.core import Core

from tests.conformance import gaps
from tests.conformance.spec import load

GRAPH_PATH = re.compile(r"^/v\d+\.\d+/([^/]+)(?:/([^/]+))?/?$")
OBJECT_KEY = "conformance.object_handler"

EDGES = {
    "messages": "/{Version}/{Phone-Number-ID}/messages",
    "media": "/{Version}/{Phone-Number-ID}/media",
    "register": "/{Version}/{Phone-Number-ID}/register",
    "deregister": "/{Version}/{Phone-Number-ID}/deregister",
    "whatsapp_business_profile": "/{Version}/{Phone-Number-ID}/whatsapp_business_profile",
    "message_templates": "/{Version}/{WABA-ID}/message_templates",
    "phone_numbers": "/{Version}/{WABA-ID}/phone_numbers",
    "subscribed_apps": "/{Version}/{WABA-ID}/subscribed_apps",
}
"""The spec path of each Graph edge wasim serves (``/{version}/{id}/{edge}``)."""

OBJECTS = {
    "phone_get": "/{Version}/{Phone-Number-ID}",
    "media_get": "/{Version}/{Media-ID}",
    "media_delete": "/{Version}/{Media-ID}",
    "get_template": "/{Version}/{TEMPLATE_ID}",
    "edit_template": "/{Version}/{TEMPLATE_ID}",
    "waba_get": "/{Version}/{WABA-ID}",
}
"""The spec path of each ``/{version}/{object-id}`` handler, by handler name."""


@dataclass
class Answer:
    method: str
    path: str
    status: int
    body: Any
    handler: str | None


class Records:
    """What the current test made: answers and webhooks, validated at its end."""

    def __init__(self) -> None:
        self.answers: list[Answer] = []
        self.webhooks: list[Any] = []
        self.checked = 0
        self.seconds = 0.0

    def take(self) -> tuple[list[Answer], list[Any]]:
        answers, webhooks = self.answers, self.webhooks
        self.answers, self.webhooks = [], []
        return answers, webhooks


RECORDS = Records()


# --- seams ---------------------------------------------------------------------------


def _record_app(original: Any) -> Any:
    async def __call__(self: Any, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not GRAPH_PATH.match(scope["path"]):
            await original(self, scope, receive, send)
            return
        status = 0
        chunks: list[bytes] = []
        json_body = False

        async def capture(message: Any) -> None:
            nonlocal status, json_body
            if message["type"] == "http.response.start":
                status = message["status"]
                json_body = any(k.lower() == b"content-type" and v.startswith(b"application/json")
                                for k, v in message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await original(self, scope, receive, capture)
        raw = b"".join(chunks)
        if json_body and raw and scope["method"] != "HEAD":
            RECORDS.answers.append(Answer(scope["method"], scope["path"], status,
                                          json.loads(raw), scope.get(OBJECT_KEY)))

    return __call__


def _record_emit(original: Any) -> Any:
    def emit(self: Any, *args: Any, **kwargs: Any) -> Any:
        webhook = original(self, *args, **kwargs)
        RECORDS.webhooks.append(webhook)
        return webhook

    return emit


def _named_handler(handler: Any) -> Any:
    async def answer(sim: Any, request: Any, object_id: str) -> Any:
        result = await handler(sim, request, object_id)
        if result is not None:
            request.scope[OBJECT_KEY] = handler.__name__
        return result

    answer.__name__ = handler.__name__
    answer.__wrapped__ = handler  # type: ignore[attr-defined]
    return answer


_SAVED: dict[str, Any] = {}


def pytest_configure(config: pytest.Config) -> None:
    _SAVED["call"], _SAVED["emit"] = WasimApp.__call__, Core.emit
    _SAVED["handlers"] = {m: list(h) for m, h in objects.OBJECT_HANDLERS.items()}
    WasimApp.__call__ = _record_app(WasimApp.__call__)  # type: ignore[method-assign]
    Core.emit = _record_emit(Core.emit)  # type: ignore[method-assign]
    for handlers in objects.OBJECT_HANDLERS.values():
        handlers[:] = [_named_handler(h) for h in handlers]


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SAVED:
        WasimApp.__call__ = _SAVED["call"]  # type: ignore[method-assign]
        Core.emit = _SAVED["emit"]  # type: ignore[method-assign]
        for method, handlers in _SAVED["handlers"].items():
            objects.OBJECT_HANDLERS[method][:] = handlers
        _SAVED.clear()


# --- validation ----------------------------------------------------------------------


def spec_path(answer: Answer) -> str | None:
    """The spec path an answer belongs to, or ``None`` for a path wasim does not serve."""
    match = GRAPH_PATH.match(answer.path)
    if match is None:
        return None
    edge = match.group(2)
    if edge is None:
        return OBJECTS.get(answer.handler or "")
    return EDGES.get(edge)


def answer_problems(answer: Answer) -> list[str]:
    spec = load()
    if answer.status >= 400:
        return spec.schema_problems("GraphAPIError", answer.body)
    path = spec_path(answer)
    if path is None:
        return [f"no spec path is known for this answer (handler {answer.handler!r}): add it "
                "to EDGES or OBJECTS in tests/conformance/collector.py"]
    op = spec.operation(answer.method, path)
    pointer = spec.response_pointer(op, answer.status)
    if pointer is None:
        return [f"{op.id} documents no JSON answer {answer.status}"]
    return spec.problems(pointer, gaps.adjust_answer(path, answer.body))


def webhook_problems(payload: Any) -> list[str]:
    spec = load()
    return spec.check_webhook(gaps.adjust_webhook(payload))


VOLATILE = frozenset({"wa_id", "recipient_id", "from", "input", "user_id", "message_id",
                      "expiration_timestamp", "fbtrace_id", "sha256", "timestamp", "time",
                      "display_phone_number", "phone_number_id"})
"""Fields whose values differ in every body but whose spec schemas constrain only their
type (checked: no enum, pattern, length or validated format on them). A body is
validated once per *skeleton*: these values replaced by a constant of the same type, and
an ``id`` of at most 200 characters (the least ``maxLength`` the spec gives an id) by
``"0"``, so the thousands of sends and statuses a run makes cost far fewer
validations."""

_MEMO: dict[str, list[str]] = {}


def _skeleton(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _skeleton(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_skeleton(v) for v in value]
    if key in VOLATILE and isinstance(value, str | int) and not isinstance(value, bool):
        return "0" if isinstance(value, str) else 0
    if key == "id" and isinstance(value, str) and len(value) <= 200:
        return "0"  # the spec bounds some ids' length (200 or 256), nothing else
    return value


def _memoised(kind: str, body: Any, check: Any) -> list[str]:
    key = kind + json.dumps(_skeleton(body), sort_keys=True)
    found = _MEMO.get(key)
    if found is None:
        found = _MEMO[key] = check()
    return found


def violations(answers: list[Answer], webhooks: list[Any]) -> Iterator[str]:
    for answer in answers:
        where = f"{answer.method} {spec_path(answer)} {answer.status} {answer.handler}"
        for line in _memoised(where, answer.body, lambda a=answer: answer_problems(a)):
            yield (f"{answer.method} {answer.path} -> {answer.status}: {line}\n"
                   f"    body: {json.dumps(answer.body)[:400]}")
    for webhook in webhooks:
        payload = webhook.payload
        for line in _memoised("webhook", payload, lambda p=payload: webhook_problems(p)):
            yield f"webhook {webhook.field}: {line}\n    body: {json.dumps(payload)[-300:]}"


@pytest.fixture(autouse=True)
def _conformance() -> Iterator[None]:
    """Validate what this test made against the spec, in its teardown."""
    RECORDS.take()
    yield
    answers, webhooks = RECORDS.take()
    started = time.process_time()
    found = list(violations(answers, webhooks))
    RECORDS.seconds += time.process_time() - started
    RECORDS.checked += len(answers) + len(webhooks)
    if found:
        pytest.fail("bodies that do not conform to Meta's OpenAPI description:\n"
                    + "\n".join(found[:20]), pytrace=False)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if RECORDS.checked:
        terminalreporter.write_line(
            f"spec conformance: {RECORDS.checked} Graph answers and webhook bodies checked "
            f"in {RECORDS.seconds:.1f} s of CPU")
