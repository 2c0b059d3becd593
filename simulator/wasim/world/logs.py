"""Journals with keyword filters: what a test asserts on.

Each log is a :class:`~wasim.world.journal.Journal` (``.last``, ``len()``, iteration,
indexing) whose ``filter()`` also takes keywords: ``sent.filter(to="ana", status="failed",
error=131047)``. Keywords left out match everything; a ``predicate`` may be combined.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from wasim.world.journal import Journal, RequestRecord, Webhook
from wasim.world.models import InboundMessage, OutboundMessage

Resolve = Callable[[str], str]
Text = str | re.Pattern[str]


def _same(wanted: Any, actual: Any) -> bool:
    return wanted is None or wanted == actual


def text_matches(wanted: Text | None, actual: str | None) -> bool:
    """Exact text, or a compiled pattern searched in the text."""
    if wanted is None:
        return True
    if actual is None:
        return False
    if isinstance(wanted, re.Pattern):
        return wanted.search(actual) is not None
    return wanted == actual


def body_text(message: OutboundMessage | InboundMessage) -> str | None:
    """The text of a text message (``None`` for other types)."""
    content = message.body if isinstance(message, OutboundMessage) else message.message
    text = content.get("text")
    return text.get("body") if isinstance(text, dict) else None


def error_code(message: OutboundMessage) -> int | None:
    return message.error.get("code") if message.error else None


class SentLog(Journal[OutboundMessage]):
    """Accepted outbound messages, oldest first.

    Args:
        items: The messages.
        resolve: Turns a contact alias or name into a ``wa_id``.
        seen: Called with the messages a filter returned (marks failures inspected).
    """

    def __init__(self, items: list[OutboundMessage], resolve: Resolve,
                 seen: Callable[[list[OutboundMessage]], None] | None = None) -> None:
        super().__init__(items)
        self._resolve = resolve
        self._seen = seen

    def filter(self, predicate: Callable[[OutboundMessage], bool] | None = None, *,
               to: str | None = None, type: str | None = None, template: str | None = None,
               status: str | None = None, error: int | None = None,
               text: Text | None = None) -> SentLog:
        """Messages matching every given keyword.

        Args:
            predicate: Any extra test.
            to: Recipient (alias, name, wa_id, or the ``to`` the client sent).
            type: Message type (``text``, ``template`` ...).
            template: Template name.
            status: Latest status (``accepted``, ``sent``, ``delivered``, ``read``,
                ``failed``).
            error: Error code of a failed message (``131047``).
            text: Exact body of a text message, or a compiled regex searched in it.
        """
        wa_id = self._resolve(to) if to is not None else None
        found = [m for m in self
                 if (to is None or m.to == wa_id or m.input == to)
                 and _same(type, m.type) and _same(template, m.template_name)
                 and _same(status, m.status) and _same(error, error_code(m))
                 and text_matches(text, body_text(m))
                 and (predicate is None or predicate(m))]
        if self._seen is not None and (status == "failed" or error is not None):
            self._seen(found)
        return SentLog(found, self._resolve, self._seen)


class ReceivedLog(Journal[InboundMessage]):
    """Messages customers sent to the business, oldest first."""

    def __init__(self, items: list[InboundMessage], resolve: Resolve) -> None:
        super().__init__(items)
        self._resolve = resolve

    def filter(self, predicate: Callable[[InboundMessage], bool] | None = None, *,
               from_: str | None = None, type: str | None = None,
               text: Text | None = None) -> ReceivedLog:
        """Messages from ``from_`` (alias or wa_id), of ``type``, with ``text``."""
        wa_id = self._resolve(from_) if from_ is not None else None
        found = [m for m in self
                 if _same(wa_id, m.from_wa_id) and _same(type, m.type)
                 and text_matches(text, body_text(m))
                 and (predicate is None or predicate(m))]
        return ReceivedLog(found, self._resolve)


def _status_of(webhook: Webhook) -> dict[str, Any] | None:
    statuses = webhook.value.get("statuses") if webhook.field == "messages" else None
    return statuses[0] if statuses else None


class WebhookLog(Journal[Webhook]):
    """Every webhook the platform emitted, oldest first."""

    def __init__(self, items: list[Webhook], resolve: Resolve) -> None:
        super().__init__(items)
        self._resolve = resolve

    def filter(self, predicate: Callable[[Webhook], bool] | None = None, *,
               field: str | None = None, status: str | None = None,
               to: str | None = None, error: int | None = None,
               message_id: str | None = None) -> WebhookLog:
        """Webhooks of ``field``; status webhooks by ``status``, recipient, error code, id."""
        wa_id = self._resolve(to) if to is not None else None
        found = []
        for webhook in self:
            if not _same(field, webhook.field) or (predicate and not predicate(webhook)):
                continue
            if status is None and to is None and error is None and message_id is None:
                found.append(webhook)
                continue
            event = _status_of(webhook)
            codes = [e.get("code") for e in (event or {}).get("errors", [])]
            if (event is not None and _same(status, event.get("status"))
                    and _same(wa_id, event.get("recipient_id"))
                    and _same(message_id, event.get("id"))
                    and (error is None or error in codes)):
                found.append(webhook)
        return WebhookLog(found, self._resolve)


class RequestLog(Journal[RequestRecord]):
    """Graph API calls as the HTTP edge saw them, oldest first."""

    def filter(self, predicate: Callable[[RequestRecord], bool] | None = None, *,
               method: str | None = None, path: str | None = None,
               status_code: int | None = None, error: int | None = None,
               implemented: bool | None = None) -> RequestLog:
        """Calls by method, path (exact, or ``re.Pattern``), HTTP status, error code."""
        found = [r for r in self
                 if _same(method, r.method) and text_matches(path, r.path)
                 and _same(status_code, r.status_code) and _same(error, r.error_code)
                 and _same(implemented, r.implemented)
                 and (predicate is None or predicate(r))]
        return RequestLog(found)
