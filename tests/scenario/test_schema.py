"""The JSON Schema shipped in the package is the one built from the step vocabulary."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from wasim.scenario.schema import build_schema, shipped
from wasim.scenario.steps import ACTIONS

GROWING = ("settings", "customer", "send")
"""Definitions whose properties come from other modules (settings, message types)."""


def _without_growing(schema: dict[str, Any]) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(schema, sort_keys=True))
    for name in GROWING:
        copy["$defs"][name]["properties"] = {}
    return copy


def test_shipped_schema_is_up_to_date() -> None:
    """Regenerate with ``python -m wasim.scenario.schema > simulator/wasim/data/...``.

    A setting or message type added elsewhere does not fail this test (the loader checks
    them anyway); every one the shipped schema names must still exist with its type.
    """
    built, ships = build_schema(), shipped()
    assert _without_growing(ships) == _without_growing(built)
    for name in GROWING:
        current = built["$defs"][name]["properties"]
        for key, spec in ships["$defs"][name]["properties"].items():
            assert current.get(key) == spec, f"{name}.{key}"


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
