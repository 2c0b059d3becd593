"""The JSON Schema shipped in the package is the one generated from the step registry."""

from __future__ import annotations

import jsonschema
import pytest
from wasim.scenario.schema import build_schema, shipped
from wasim.scenario.steps import ACTIONS, EXPECTATIONS


def test_shipped_schema_is_the_one_generated_from_the_registry() -> None:
    """Regenerate with ``python -m wasim.scenario.schema > simulator/wasim/data/...``."""
    assert shipped() == build_schema()


def test_each_step_and_expectation_class_gives_its_own_fragment() -> None:
    defs = build_schema()["$defs"]
    assert {name: defs[name] for name in ACTIONS} == {
        name: action.schema() for name, action in ACTIONS.items()}
    assert defs["expect"]["properties"] == {
        key: expectation.fragment for key, expectation in EXPECTATIONS.items()}


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(shipped())


def test_schema_names_every_action() -> None:
    assert set(ACTIONS) <= set(shipped()["$defs"])


@pytest.mark.parametrize("document", [
    pytest.param({"name": "x", "steps": [{"sned": {"to": "ana"}}]}, id="unknown-step"),
    pytest.param({"name": "x", "steps": [{"send": {"to": "ana", "text": "a"},
                                          "advance": "1h"}]}, id="two-actions"),
    pytest.param({"name": "x", "steps": [{"advance": "1h",
                                          "expect": {"status": "delivred"}}]}, id="bad-status"),
    pytest.param({"steps": [{"advance": "1h"}]}, id="no-name"),
])
def test_schema_refuses_what_the_loader_refuses(document: dict[str, object]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(shipped()).validate(document)
