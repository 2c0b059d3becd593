"""Teardown checks of the ``whatsapp_sim`` fixture, each with a named opt-out.

Every check returns a problem paragraph (empty when all is well) naming what went wrong,
what to look at, the option that turns the check off and the docs page explaining it.
"""

from __future__ import annotations

from wasim import explain
from wasim.delivery.engine import DeliveryEngine
from wasim.simulation import RE_ENGAGEMENT, Simulator

DOCS_PAGE = "docs/pytest.md#teardown-checks"


def _opt_out(option: str) -> str:
    return (f"  (turn this check off with @pytest.mark.whatsapp_sim({option}=False); "
            f"see {DOCS_PAGE})")


def unimplemented_endpoints(sim: Simulator) -> str:
    """Graph calls that reached a path or method wasim does not implement."""
    calls = sim.requests.filter(implemented=False)
    if not calls:
        return ""
    lines = [f"{len(calls)} Graph API call(s) hit an endpoint wasim does not implement:"]
    lines += [f"  {c.method} {c.path} -> {c.status_code} (code {c.error_code})" for c in calls]
    return "\n".join([*lines, "  the supported endpoints are listed in "
                      "docs/reference/endpoints.md",
                      _opt_out("assert_all_endpoints_implemented")])


def undelivered_ids(engine: DeliveryEngine) -> list[str]:
    """Webhooks never delivered: only failed attempts, still pending, or dropped."""
    ok = {a.webhook_id for a in engine.attempts if a.ok}
    ids = [a.webhook_id for a in engine.attempts if not a.ok]
    ids += [d.webhook_id for d in engine.pending()]
    ids += [d.webhook_id for d in engine.dropped]
    return [i for i in dict.fromkeys(ids) if i not in ok]


def undelivered_webhooks(sim: Simulator) -> str:
    """Webhooks the app under test did not accept (not 200, error, pending or dropped)."""
    engine = sim.delivery
    if engine is None:
        return ""
    ids = undelivered_ids(engine)
    if not ids:
        return ""
    lines = [f"{len(ids)} webhook(s) could not be delivered to the app under test:"]
    for webhook_id in ids:
        tries = [a for a in engine.attempts if a.webhook_id == webhook_id]
        last = tries[-1] if tries else None
        why = ("never attempted" if last is None else
               f"{len(tries)} attempt(s), last: status {last.status_code}, error {last.error}")
        lines.append(f"  {webhook_id}: {why}")
    return "\n".join([*lines, _opt_out("assert_all_webhooks_delivered")])


def _seen_by_app(sim: Simulator, message_id: str) -> bool:
    engine = sim.delivery
    if engine is None:
        return False
    ids = {w.id for w in sim.webhooks.filter(message_id=message_id, status="failed")}
    return any(a.ok and a.webhook_id in ids for a in engine.attempts)


def uninspected_window_failures(sim: Simulator) -> str:
    """Free-form sends that failed with 131047 and that neither test nor app looked at."""
    missed = [m for m in sim.world.messages.values()
              if m.error and m.error.get("code") == RE_ENGAGEMENT
              and not sim.inspected(m.id) and not _seen_by_app(sim, m.id)]
    if not missed:
        return ""
    lines = [f"{len(missed)} message(s) failed with 131047 (outside the customer service "
             "window) and nothing looked at the failure:"]
    lines += [f"  {m.id}: {explain.describe_send(m)}" for m in missed]
    lines.append("  inspect them with whatsapp_sim.assert_failed(...) or "
                 "whatsapp_sim.sent.filter(error=131047)")
    return "\n".join([*lines, _opt_out("assert_window_failures_inspected")])
