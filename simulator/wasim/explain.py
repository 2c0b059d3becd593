"""What happened, as text: the body of assertion and teardown failures.

A failed assertion shows the last few sends, the customer service window of the customer
concerned and the status of the template concerned, so the reader sees what happened
instead of only what did not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol

from wasim.world.logs import body_text
from wasim.world.models import OutboundMessage
from wasim.world.state import World

LAST_SENDS = 5


class Observed(Protocol):
    """What the explanations read of a simulator."""

    @property
    def world(self) -> World: ...

    def window(self, who: str, phone_number_id: str | None = None) -> dict[str, Any]: ...

    def resolve_customer(self, who: str) -> str: ...

    def now(self) -> datetime: ...


def criteria(values: Mapping[str, Any]) -> str:
    """``to='ana', status='failed'`` for the keywords that were given."""
    return ", ".join(f"{k}={v!r}" for k, v in values.items() if v is not None) or "(any)"


def describe_send(message: OutboundMessage) -> str:
    """One line: time, type, recipient, what it said, where it got to."""
    what = message.type
    if message.template_name:
        what += f" {message.template_name} ({message.template_language})"
    text = body_text(message)
    if text is not None:
        shown = text if len(text) <= 40 else text[:37] + "..."
        what += f" {shown!r}"
    outcome = message.status
    if message.error:
        outcome += f" ({message.error.get('code')} {message.error.get('title')})"
    return f"{message.created_at:%Y-%m-%d %H:%M:%S} {what} to {message.to} -> {outcome}"


def last_sends(sim: Observed, count: int = LAST_SENDS) -> list[str]:
    sent = list(sim.world.messages.values())
    if not sent:
        return ["no message has been sent"]
    shown = sent[-count:]
    head = f"{len(sent)} message(s) sent; the last {len(shown)}:"
    return [head, *(f"  {describe_send(m)}" for m in shown)]


def window_state(sim: Observed, who: str) -> str:
    state = sim.window(who)
    wa_id = sim.resolve_customer(who)
    if state["last_inbound"] is None:
        return f"window of {wa_id}: never opened (the customer has not written)"
    word = "open" if state["open"] else "closed"
    return (f"window of {wa_id}: {word} (customer last wrote {state['last_inbound']}, "
            f"closes {state['closes_at']}; now {sim.now().isoformat()})")


def template_state(sim: Observed, name: str) -> str:
    found = [t for account in sim.world.accounts.values()
             for t in account.templates.values() if t.name == name]
    if not found:
        return f"template {name}: not in the world"
    return "; ".join(f"template {t.name} ({t.language}): {t.status}, {t.category}"
                     + (f", rejected: {t.rejected_reason}"
                        if t.rejected_reason not in (None, "NONE") else "")
                     for t in found)


def context(sim: Observed, *, who: str | None = None,
            templates: Iterable[str] = ()) -> list[str]:
    """The lines that follow a failure headline."""
    lines = last_sends(sim)
    if who is not None:
        lines.append(window_state(sim, who))
    lines.extend(template_state(sim, name) for name in templates)
    return lines


def failure(headline: str, sim: Observed, *, who: str | None = None,
            templates: Iterable[str] = ()) -> str:
    return "\n".join([headline, *(f"  {line}" for line in
                                  context(sim, who=who, templates=templates))])
