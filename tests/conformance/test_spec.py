"""The conformance machinery itself: the vendored spec is Meta's as published, the checker
refuses what the spec refuses (so a green run means something), the repairs are needed,
and every Graph route wasim serves is held against a spec operation."""

from __future__ import annotations

import copy
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from wasim.api import graph_routes, objects

from tests.conformance import collector
from tests.conformance.spec import SPEC_FILE, Spec, load

README = SPEC_FILE.parent / "README.md"

STATUS = {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [
    {"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "statuses": [{"id": "wamid.X", "status": "delivered", "timestamp": "1750000000",
                      "recipient_id": "16505551234"}]}}]}]}


def test_the_vendored_spec_is_the_published_file_its_readme_names() -> None:
    digest = hashlib.sha256(SPEC_FILE.read_bytes()).hexdigest()
    assert f"sha256 `{digest}`" in README.read_text(encoding="utf-8")
    assert (SPEC_FILE.parent / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_the_spec_own_webhook_examples_conform_once_repaired() -> None:
    spec = load()
    examples = dict(spec.examples(spec.operation("post", "/whatsapp/webhooks")))
    assert len(examples) == 16
    for name, payload in examples.items():
        if any(c["field"] == "messages" for e in payload["entry"] for c in e["changes"]):
            assert spec.check_webhook(payload) == [], name


def test_without_the_webhook_ref_repair_a_valid_webhook_is_refused() -> None:
    """R3 is needed: as published, a webhook's message refs point at the send schemas."""
    spec = load()
    payload = dict(spec.examples(spec.operation("post", "/whatsapp/webhooks")))["Text Message"]
    assert spec.check_webhook(payload) == []
    assert Spec(_raw(), skip=("R3",)).check_webhook(payload) != []


def test_without_the_all_of_repair_a_valid_text_send_is_refused() -> None:
    """R4 is needed: an ``allOf`` closed by ``additionalProperties`` refuses every send."""
    body = {"messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "16505551234", "type": "text", "text": {"body": "hello"}}
    assert load().check_request(body, op="sendMessage") == []
    assert Spec(_raw(), skip=("R4",)).check_request(body, op="sendMessage") != []


def _raw() -> Any:
    return yaml.load(SPEC_FILE.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


@pytest.mark.parametrize(("change", "violation"), [
    (lambda s: s["statuses"][0].update(status="queued"), "'queued' is not one of"),
    (lambda s: s["statuses"][0].pop("recipient_id"), "'recipient_id' is a required property"),
    (lambda s: s["statuses"][0].update(timestamp=1750000000), "is not of type 'string'"),
    (lambda s: s["metadata"].pop("phone_number_id"), "'phone_number_id' is a required"),
])
def test_the_checker_refuses_a_broken_status_webhook(change: Any, violation: str) -> None:
    spec = load()
    assert spec.check_webhook(STATUS) == []
    broken = copy.deepcopy(STATUS)
    change(broken["entry"][0]["changes"][0]["value"])
    problems = spec.check_webhook(broken)
    assert problems and any(violation in line for line in problems), problems


@pytest.mark.parametrize(("body", "violation"), [
    ({"error": {"message": "x", "type": "OAuthException"}}, "'code' is a required property"),
    ({"error": {"message": "x", "type": "OAuthException", "code": "100"}},
     "'100' is not of type 'integer'"),
])
def test_the_checker_refuses_a_broken_error_envelope(body: Any, violation: str) -> None:
    problems = load().check_error(body)
    assert any(violation in line for line in problems), problems


def test_the_checker_refuses_a_send_answer_with_an_unknown_message_status() -> None:
    body = {"messaging_product": "whatsapp", "contacts": [{"input": "1", "wa_id": "1"}],
            "messages": [{"id": "wamid.X", "message_status": "queued"}]}
    problems = load().check_response(body, op="sendMessage")
    assert any("'queued' is not one of" in line for line in problems), problems


def test_every_graph_edge_and_object_handler_wasim_serves_has_a_spec_path() -> None:
    spec = load()
    edges = {m.group(1) for r in graph_routes()
             if (m := re.fullmatch(r"/\{version\}/\{object_id\}/(\w+)", getattr(r, "path", "")))}
    assert edges <= set(collector.EDGES)
    handlers = {getattr(h, "__name__", "") for hs in objects.OBJECT_HANDLERS.values()
                for h in hs}
    assert handlers <= set(collector.OBJECTS)
    for path in {*collector.EDGES.values(), *collector.OBJECTS.values()}:
        assert path in spec.doc["paths"], path


def test_the_spec_is_read_from_the_project_not_from_outside_it() -> None:
    root = Path(__file__).resolve().parents[2]
    assert SPEC_FILE.is_relative_to(root / "tests" / "data")


def test_the_collector_reports_a_broken_answer_and_webhook_despite_its_memo() -> None:
    """The memo keys on a skeleton (ids and timestamps replaced): an enum broken in a body
    whose skeleton was seen valid is still caught."""
    good = {"messaging_product": "whatsapp", "contacts": [{"input": "1", "wa_id": "1"}],
            "messages": [{"id": "wamid.A", "message_status": "accepted"}]}
    bad = copy.deepcopy(good)
    bad["messages"][0].update(id="wamid.B", message_status="queued")
    answer = collector.Answer("POST", "/v23.0/106540352242922/messages", 200, good, None)
    assert list(collector.violations([answer], [])) == []
    answer.body = bad
    assert any("'queued' is not one of" in line for line in collector.violations([answer], []))

    class Hook:
        field = "messages"

        def __init__(self, payload: Any) -> None:
            self.payload = payload

    broken = copy.deepcopy(STATUS)
    broken["entry"][0]["changes"][0]["value"]["statuses"][0].update(id="wamid.Z",
                                                                    status="queued")
    assert list(collector.violations([], [Hook(STATUS)])) == []
    assert any("'queued' is not one of" in line
               for line in collector.violations([], [Hook(broken)]))
