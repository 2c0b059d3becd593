"""The JSON Schema shipped in the package is the one built from the step vocabulary."""

from __future__ import annotations

import jsonschema
import pytest

from simulator.scenario.schema import build_schema, shipped
from simulator.scenario.steps import ACTIONS


def test_shipped_schema_is_up_to_date() -> None:
    assert shipped() == build_schema()


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
