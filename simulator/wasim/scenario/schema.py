"""The JSON Schema of scenario files, built from the step vocabulary.

The package ships it as ``simulator/wasim/data/scenario.schema.json`` (for editors: the YAML
language server reads it from a ``# yaml-language-server: $schema=...`` comment); a test
keeps the shipped file equal to :func:`build_schema`. Regenerate with
``python -m wasim.scenario.schema > simulator/wasim/data/scenario.schema.json``.
"""

from __future__ import annotations

import json
from dataclasses import fields
from importlib import resources
from typing import Any

from wasim.scenario.steps import ACTIONS, EXPECT_KEYS, STATUSES, Action
from wasim.world.state import WorldSettings

SCHEMA_FILE = "scenario.schema.json"
_SCALAR: dict[str, Any] = {"type": ["string", "number"]}
_DURATION: dict[str, Any] = {"type": ["string", "number"],
                             "description": "seconds, or units ms s m h d w: 25h, 1d2h30m"}
_INSTANT: dict[str, Any] = {"type": "string", "description": "ISO-8601, e.g. 2026-01-05T09:00:00Z"}
_KEY_TYPES: dict[str, dict[str, Any]] = {
    "to": _SCALAR, "from": _SCALAR, "who": _SCALAR, "recipient": _SCALAR,
    "template": {"type": ["string", "object"]}, "language": {"type": "string"},
    "message": {"type": "string"}, "status": {"type": ["string", "integer"]},
    "code": {"type": "integer"}, "times": {"type": "integer"}, "every": {"type": "integer"},
    "share": {"type": "number"}, "latency_ms": {"type": "number"},
    "reason": {"type": "string"}, "category": {"type": "string"},
    "impending": {"type": "boolean"}, "typing": {"type": "boolean"},
    "opted_out_marketing": {"type": "boolean"}, "name": {"type": "string"},
    "method": {"enum": ["GET", "POST", "DELETE", "PUT", "PATCH"]},
    "path": {"type": "string"}, "components": {"type": "array"},
    "reply_to": {"type": "string"},
    "text": {"type": ["string", "object"]},
    "within": {"oneOf": [_DURATION, {"type": "object", "additionalProperties": False,
                                     "properties": {"real": _DURATION,
                                                    "simulated": _DURATION,
                                                    "step": _DURATION}}]},
}


_REFERENCE: dict[str, Any] = {"type": "string", "pattern": r"^\s*\$\{[^}]+\}\s*$",
                              "description": "a ${variable} standing for the value"}


def _or_reference(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema``, or a ``${...}`` reference where a string would not already do."""
    kind = schema.get("type")
    if kind == "string" or (isinstance(kind, list) and "string" in kind) or not schema:
        return schema
    return {"anyOf": [schema, _REFERENCE]}


def _action(action: Action) -> dict[str, Any]:
    described = {"description": action.summary}
    if action.shape == "duration":
        return {**_DURATION, **described}
    if action.shape == "instant":
        return {**_INSTANT, **described}
    if action.shape == "flag":
        return {"const": True, **described}
    if action.shape == "text":
        return {**_SCALAR, **described}
    mapping: dict[str, Any] = {"type": "object"}
    if action.keys:
        mapping["properties"] = {k: _or_reference(_KEY_TYPES.get(k, {}))
                                 for k in action.keys}
        mapping["additionalProperties"] = False
    if action.name == "settings":
        mapping = _settings()
    if action.required:
        mapping["required"] = list(action.required)
    if action.shape == "text_or_mapping":
        return {"anyOf": [_SCALAR, mapping], **described}
    return {**mapping, **described}


def _settings() -> dict[str, Any]:
    kinds = {"bool": ["boolean"], "int": ["integer"], "float": ["number"], "str": ["string"],
             "None": ["null"]}
    properties: dict[str, Any] = {}
    for item in fields(WorldSettings):
        names = [part.strip() for part in str(item.type).split("|")]
        types = [t for name in names for t in kinds.get(name, [])]
        properties[item.name] = {"type": types} if types else {}
    return {"type": "object", "properties": properties, "additionalProperties": False}


def _expect() -> dict[str, Any]:
    status = {"enum": list(STATUSES)}
    matcher = {"type": "object"}
    properties: dict[str, Any] = {
        "http": {"anyOf": [{"type": "integer"}, {"type": "object", "properties": {
            "status": {"type": "integer"}, "code": {"type": "integer"},
            "subcode": {"type": "integer"}, "message": {"type": "string"},
            "details": {"type": "string"}}, "additionalProperties": False}],
            "description": "the HTTP outcome: a status, or status/code/subcode/message"},
        "status": {**status, "description": "a status the message reached"},
        "statuses": {"type": "array", "items": status,
                     "description": "every status reached, in order"},
        "error": {"anyOf": [{"type": "integer"}, {"type": "object", "required": ["code"],
                  "properties": {"code": {"type": "integer"},
                                 "channel": {"enum": ["sync", "webhook"]},
                                 "title": {"type": "string"}, "details": {"type": "string"},
                                 "message": {"type": "string"}},
                  "additionalProperties": False}],
                  "description": "a Graph error code, in the HTTP answer or a failed webhook"},
        "pricing": {**matcher, "description": "pricing of the status webhooks"},
        "webhooks": {"anyOf": [{"type": "integer"}, {"type": "array", "items": matcher}],
                     "description": "webhooks emitted (count or matchers, in order)"},
        "window": {"anyOf": [{"enum": ["open", "closed"]}, {"type": "object"}],
                   "description": "the customer service window: open/closed or per customer"},
        "template": {**matcher, "description": "the template's record (status, category...)"},
        "response": {**matcher, "description": "the JSON answer (subset)"},
        "record": {**matcher, "description": "the recorded message (subset)"},
        "message": {"type": "string", "description": "the message to check (a wamid)"},
        "messages": {"type": "object", "properties": {
            "to": _SCALAR, "status": status, "type": {"type": "string"},
            "count": {"type": "integer"}}, "additionalProperties": False},
        "received": {"type": "integer",
                     "description": "webhooks the built-in receiver accepted"},
    }
    assert set(properties) == set(EXPECT_KEYS)
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
        "start": _INSTANT, "seed": _SCALAR,
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
                "type": "object", "properties": {k: v for k, v in scenario_props.items()},
                "required": ["name", "steps"], "additionalProperties": False}}},
        "additionalProperties": False,
        "oneOf": [{"required": ["name", "steps"]}, {"required": ["scenarios"]}],
        "$defs": {"step": step, "expect": _expect(), "settings": _settings(),
                  **{name: _action(spec) for name, spec in ACTIONS.items()}},
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
