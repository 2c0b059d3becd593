"""The JSON Schema of scenario files, generated from the step registry.

The package ships it as ``simulator/wasim/data/scenario.schema.json`` (for editors: the YAML
language server reads it from a ``# yaml-language-server: $schema=...`` comment); a test
keeps the shipped file equal to :func:`build_schema`. Regenerate with
``python -m wasim.scenario.schema > simulator/wasim/data/scenario.schema.json``.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from wasim.scenario.registry import INSTANT, SCALAR, settings_schema
from wasim.scenario.steps import ACTIONS, EXPECTATIONS

SCHEMA_FILE = "scenario.schema.json"


def _expect() -> dict[str, Any]:
    properties = {key: expectation.fragment for key, expectation in EXPECTATIONS.items()}
    return {"type": "object", "properties": properties, "additionalProperties": False}


def build_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file."""
    actions = {name: {"$ref": f"#/$defs/{name}"} for name in ACTIONS}
    step = {
        "type": "object",
        "properties": {"name": {"type": "string", "description": "a label for reports"},
                       "as": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
                              "description": "save the result as a variable"},
                       "expect": {"$ref": "#/$defs/expect"}, **actions},
        "additionalProperties": False,
        "oneOf": [*({"required": [name]} for name in ACTIONS),
                  {"required": ["expect"],
                   "not": {"anyOf": [{"required": [name]} for name in ACTIONS]}}],
    }
    scenario_props: dict[str, Any] = {
        "name": {"type": "string"}, "description": {"type": "string"},
        "start": INSTANT, "seed": SCALAR,
        "world": {"anyOf": [{"type": "string"}, {"type": "object"}],
                  "description": "default, a world file (relative path) or inline accounts, "
                                 "contacts and templates"},
        "settings": {"$ref": "#/$defs/settings"},
        "vars": {"type": "object"},
        "steps": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/step"}},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:wasim:scenario",
        "title": "wasim scenario file",
        "type": "object",
        "properties": {**scenario_props, "scenarios": {
            "type": "array", "minItems": 1, "items": {
                "type": "object", "properties": dict(scenario_props),
                "required": ["name", "steps"], "additionalProperties": False}}},
        "additionalProperties": False,
        "oneOf": [{"required": ["name", "steps"], "not": {"required": ["scenarios"]}},
                  {"required": ["scenarios"], "not": {"required": ["steps"]}}],
        "$defs": {"step": step, "expect": _expect(), "settings": settings_schema(),
                  **{name: action.schema() for name, action in ACTIONS.items()}},
    }


def dumps() -> str:
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


def shipped() -> dict[str, Any]:
    """The schema file shipped in the package."""
    text = resources.files("wasim.data").joinpath(SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


if __name__ == "__main__":  # pragma: no cover
    print(dumps(), end="")
