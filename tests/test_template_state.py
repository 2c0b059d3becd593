from __future__ import annotations

import json

from wasim import Simulator

from tests.conftest import START, WABA_ID
from tests.template_bodies import create_body


def test_a_pending_review_survives_export_and_import() -> None:
    first = Simulator(now=START, seed=7)
    created = first.templates.create(WABA_ID, create_body())
    first.templates.pause("shipping_update")
    state = json.loads(json.dumps(first.export_state()))
    second = Simulator(now=START, seed=9)
    second.import_state(state)
    assert second.templates.resolve("order_shipped").status == "PENDING"
    second.advance("1m")
    assert second.templates.resolve(created["id"]).status == "APPROVED"
    assert second.templates.decision(created["id"])["rule"] == "approve"
    second.advance("3h")
    assert second.templates.resolve("shipping_update").status == "APPROVED"


def test_reset_forgets_created_templates_and_deleted_names() -> None:
    sim = Simulator(now=START, seed=7)
    sim.templates.create(WABA_ID, create_body())
    sim.templates.delete(WABA_ID, {"name": "ticket_update"})
    sim.reset()
    assert [t for t in sim.world.first_account().templates.values()
            if t.name == "order_shipped"] == []
    assert sim.world.template_book.deleted_names == {}
    assert sim.templates.resolve("ticket_update").status == "APPROVED"


def test_template_ids_are_repeatable_with_a_seed() -> None:
    one = Simulator(now=START, seed=11).templates.create(WABA_ID, create_body())
    two = Simulator(now=START, seed=11).templates.create(WABA_ID, create_body())
    assert one == two
