"""The ``assert_*`` verbs of a simulator: each failure shows what happened instead."""

from __future__ import annotations

from typing import Protocol

from wasim import explain
from wasim.world.logs import SentLog, Text, error_code
from wasim.world.models import OutboundMessage

RE_ENGAGEMENT = 131047


class Asserted(explain.Observed, Protocol):
    """What the assertions read of a simulator."""

    @property
    def sent(self) -> SentLog: ...

    def flush(self, timeout: float = 5.0) -> None: ...


def assert_sent(sim: Asserted, *, to: str | None, type: str | None, template: str | None,
                status: str | None, text: Text | None, count: int | None
                ) -> OutboundMessage:
    __tracebackhide__ = True
    sim.flush()
    found = sim.sent.filter(to=to, type=type, template=template, status=status, text=text)
    if not found or (count is not None and len(found) != count):
        wanted = explain.criteria({"to": to, "type": type, "template": template,
                                   "status": status, "text": text})
        headline = (f"no message sent matching {wanted}" if not found else
                    f"{len(found)} message(s) sent matching {wanted}, expected {count}")
        raise AssertionError(explain.failure(headline, sim, who=to,
                                             templates=[template] if template else []))
    return found.last


def assert_not_sent(sim: Asserted, *, to: str | None, type: str | None,
                    template: str | None, text: Text | None) -> None:
    __tracebackhide__ = True
    sim.flush()
    found = sim.sent.filter(to=to, type=type, template=template, text=text)
    if found:
        wanted = explain.criteria({"to": to, "type": type, "template": template,
                                   "text": text})
        raise AssertionError(explain.failure(
            f"{len(found)} message(s) sent matching {wanted}, expected none", sim,
            who=to, templates=[template] if template else []))


def assert_failed(sim: Asserted, *, to: str | None, code: int,
                  type: str | None) -> OutboundMessage:
    __tracebackhide__ = True
    sim.flush()
    found = sim.sent.filter(to=to, type=type, status="failed", error=code)
    if not found:
        wanted = explain.criteria({"to": to, "type": type})
        codes = sorted({c for m in sim.sent.filter(to=to) if (c := error_code(m))})
        seen = f"failure codes seen: {codes}" if codes else "no send failed"
        raise AssertionError(explain.failure(
            f"no message failed with {code} matching {wanted} ({seen})", sim, who=to))
    return found.last


def assert_window(sim: Asserted, who: str, *, open: bool) -> None:
    __tracebackhide__ = True
    if sim.window(who)["open"] != open:
        word = "open" if open else "closed"
        raise AssertionError(explain.failure(f"expected the window of {who} to be {word}",
                                             sim, who=who))


def assert_template_status(sim: Asserted, name: str, status: str, *,
                           language: str | None) -> None:
    __tracebackhide__ = True
    found = [t for a in sim.world.accounts.values() for t in a.templates.values()
             if t.name == name and (language is None or t.language == language)]
    if not found or any(t.status != status for t in found):
        raise AssertionError(explain.failure(
            f"expected template {name} to be {status}", sim, templates=[name]))
