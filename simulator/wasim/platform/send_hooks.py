"""The seam where platform rules join a send (``Backend.send``).

Each :class:`SendHook` sees the attempt three times: ``check`` may refuse it
synchronously (raise a ``GraphError``), ``async_failure`` may turn an accepted send into
a ``failed`` status webhook, and ``accepted`` records what went through.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from wasim.errors import GraphError
from wasim.rules.payloads import SendRequest
from wasim.world.models import Contact, OutboundMessage, PhoneNumber
from wasim.world.state import BusinessAccount


class SendAttempt(NamedTuple):
    """A parsed send from ``phone`` to ``contact`` at ``now``.

    A named tuple: immutable, and made per request at a fraction of a frozen
    dataclass's cost.
    """

    account: BusinessAccount
    phone: PhoneNumber
    contact: Contact
    request: SendRequest
    now: datetime


class SendHook:
    """A platform rule applied to sends; every method defaults to doing nothing."""

    def check(self, attempt: SendAttempt) -> None:
        """Raise a ``GraphError`` to refuse the send in the HTTP response."""

    def async_failure(self, attempt: SendAttempt, in_window: bool,
                      category: str | None) -> GraphError | None:
        """An error to report in a ``failed`` status webhook instead of delivering."""
        return None

    def accepted(self, attempt: SendAttempt, message: OutboundMessage, failed: bool) -> None:
        """The send was accepted (HTTP 200); ``failed`` when a failure webhook follows."""
