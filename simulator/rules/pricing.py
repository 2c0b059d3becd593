"""What a delivered message costs under per-message pricing (PMP, §7.3).

Free: every non-template message (service, only possible inside the window) and a
utility template inside an open window. Charged: marketing and authentication templates
always, utility templates outside the window. (CBP and free-entry-point windows are
built on top of this by the webhooks issue.)
"""

from __future__ import annotations

from typing import Any

from simulator.rules.categories import pricing_category


def pmp_pricing(message_type: str, template_category: str | None,
                in_window: bool) -> dict[str, Any]:
    """The ``pricing`` object of a status webhook under PMP (§7.3)."""
    if message_type != "template" or template_category is None:
        return {"billable": False, "pricing_model": "PMP", "type": "free_customer_service",
                "category": "service"}
    category = pricing_category(template_category)
    if category == "utility" and in_window:
        return {"billable": False, "pricing_model": "PMP", "type": "free_customer_service",
                "category": "utility"}
    return {"billable": True, "pricing_model": "PMP", "type": "regular", "category": category}
