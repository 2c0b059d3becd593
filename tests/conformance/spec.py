"""Meta's OpenAPI description of the Cloud API (tests/data/meta-openapi), loaded once per
process, repaired where it cannot be used as published, and validated against with
``jsonschema`` (OpenAPI 3.1 schemas are JSON Schema 2020-12; ``$ref`` s resolve through a
``referencing`` registry holding the whole document).

The repairs, each applied by :func:`repair` and listed in tests/data/meta-openapi/README.md:

R1. A YAML key that is not a string (a response code written as the number 200) is made a
    string: JSON Schema documents have string keys only.
R2. ``components.parameterGroups``, which is not an OpenAPI component and is never
    referenced, is dropped.
R3. The webhook schemas were merged into ``components.schemas`` with their names renamed on
    collision (``TextMessage_2``, ``BaseMessageProperties_1``...), but the ``$ref`` s inside
    that block still name the originals, which are the *send* schemas. Inside the block
    (from ``WebhookPayload`` to the end) a ``$ref`` to a name that has a renamed twin in the
    block points at the twin.
R4. ``allOf: [{$ref: Base}, {additionalProperties: false, properties: ...}]`` refuses every
    object (the second branch does not see Base's properties); the restriction moves to
    ``unevaluatedProperties: false`` on the ``allOf`` owner, which means what was meant.
R5. An OpenAPI 3.0 ``nullable: true`` (meaningless in 3.1) becomes ``type: [T, "null"]``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SPEC_FILE = (Path(__file__).resolve().parent.parent / "data" / "meta-openapi"
             / "business-messaging-api_v23.0.yaml")
URI = "urn:meta-openapi:v23.0"
WEBHOOK_PATH = "/whatsapp/webhooks"
METHODS = ("get", "post", "delete")


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            yield current
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def _string_keys(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _string_keys(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_string_keys(v) for v in node]
    return node


def _webhook_twins(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    root = spec["paths"][WEBHOOK_PATH]["post"]["requestBody"]["content"][
        "application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    names = list(schemas)
    block = names[names.index(root):]
    twins = {}
    for name in block:
        match = re.fullmatch(r"(.+)_\d+", name)
        if match and match.group(1) in schemas and match.group(1) not in block:
            twins[match.group(1)] = name
    prefix = "#/components/schemas/"
    for name in block:
        for node in _walk(schemas[name]):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(prefix) and ref[len(prefix):] in twins:
                node["$ref"] = prefix + twins[ref[len(prefix):]]


def _all_of_closed(spec: dict[str, Any]) -> None:
    for node in _walk(spec["components"]["schemas"]):
        branches = node.get("allOf")
        if isinstance(branches, list):
            closed = [b for b in branches
                      if isinstance(b, dict) and b.get("additionalProperties") is False]
            for branch in closed:
                del branch["additionalProperties"]
            if closed:
                node.setdefault("unevaluatedProperties", False)


def _nullable(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("nullable") is True and isinstance(node.get("type"), str):
            node["type"] = [node.pop("type"), "null"]
            del node["nullable"]
        for key, value in node.items():
            if key not in ("example", "examples"):
                _nullable(value)
    elif isinstance(node, list):
        for value in node:
            _nullable(value)


def repair(raw: dict[str, Any], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The spec with repairs R1-R5 applied (see the module docstring), but those in
    ``skip`` (R3 or R4: the tests show each is needed)."""
    spec: dict[str, Any] = _string_keys(raw)
    spec["components"].pop("parameterGroups", None)
    if "R3" not in skip:
        _webhook_twins(spec)
    if "R4" not in skip:
        _all_of_closed(spec)
    _nullable(spec["components"])
    _nullable(spec["paths"])
    return spec


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    body: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.body.get("operationId", f"{self.method.upper()} {self.path}"))


class Spec:
    """The repaired spec and validators for its schemas, its operations and webhooks."""

    def __init__(self, raw: dict[str, Any], skip: tuple[str, ...] = ()) -> None:
        self.doc = repair(raw, skip)
        self.registry: Registry[Any] = Registry().with_resource(
            URI, DRAFT202012.create_resource(self.doc))
        self._validators: dict[str, Draft202012Validator] = {}

    # --- lookups -----------------------------------------------------------------------

    def operations(self) -> Iterator[Operation]:
        for path, item in self.doc["paths"].items():
            for method in METHODS:
                if isinstance(item.get(method), dict):
                    yield Operation(method, path, item[method])

    def operation(self, method: str, path: str) -> Operation:
        body = self.doc["paths"][path][method.lower()]
        return Operation(method.lower(), path, body)

    def resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            node = self.pointer(node["$ref"][1:])
        return node

    def pointer(self, pointer: str) -> Any:
        node: Any = self.doc
        for part in pointer.lstrip("/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    # --- validation --------------------------------------------------------------------

    def _validator(self, pointer: str) -> Draft202012Validator:
        validator = self._validators.get(pointer)
        if validator is None:
            validator = Draft202012Validator({"$ref": f"{URI}#{pointer}"},
                                             registry=self.registry)
            self._validators[pointer] = validator
        return validator

    def problems(self, pointer: str, instance: Any) -> list[str]:
        """Every violation of the schema at JSON pointer ``pointer``, one line each."""
        lines = []
        for error in self._validator(pointer).iter_errors(instance):
            lines.extend(_describe(error))
        return sorted(set(lines))

    def schema_problems(self, name: str, instance: Any) -> list[str]:
        return self.problems(f"/components/schemas/{name}", instance)

    def request_problems(self, op: Operation, body: Any) -> list[str]:
        return self.problems(_escape("paths", op.path, op.method, "requestBody", "content",
                                     "application/json", "schema"), body)

    def response_pointer(self, op: Operation, status: int) -> str | None:
        """The pointer of the JSON schema of ``op`` 's answer ``status``, if documented."""
        responses = op.body.get("responses", {})
        key = str(status)
        if key not in responses:
            return None
        response = self.resolve(responses[key])
        if "application/json" not in response.get("content", {}):
            return None
        if "$ref" in responses[key]:
            base = responses[key]["$ref"][1:]
        else:
            base = _escape("paths", op.path, op.method, "responses", key)
        return base + _escape("content", "application/json", "schema")

    def webhook_fields(self) -> list[str]:
        payload = self.schema("WebhookPayload")
        entry = self.resolve(payload["properties"]["entry"]["items"])
        change = self.resolve(entry["properties"]["changes"]["items"])
        return list(change["properties"]["field"]["enum"])

    def schema(self, name: str) -> dict[str, Any]:
        schema: dict[str, Any] = self.doc["components"]["schemas"][name]
        return schema

    # --- the checks tests call ---------------------------------------------------------

    def op(self, op_id: str) -> Operation:
        for operation in self.operations():
            if operation.body.get("operationId") == op_id:
                return operation
        raise KeyError(op_id)

    def check_request(self, body: Any, op: str) -> list[str]:
        """Violations of operation ``op`` 's request body schema."""
        return self.request_problems(self.op(op), body)

    def check_response(self, body: Any, op: str, status: int = 200) -> list[str]:
        """Violations of operation ``op`` 's documented JSON answer ``status``."""
        operation = self.op(op)
        pointer = self.response_pointer(operation, status)
        if pointer is None:
            return [f"{op} documents no JSON answer {status}"]
        return self.problems(pointer, body)

    def check_schema(self, name: str, body: Any) -> list[str]:
        return self.schema_problems(name, body)

    def check_error(self, body: Any) -> list[str]:
        """Violations of the Graph error envelope (``GraphAPIError``)."""
        return self.schema_problems("GraphAPIError", body)

    def check_webhook(self, payload: Any) -> list[str]:
        """Violations of the ``POST /whatsapp/webhooks`` body schema, as published; a change
        whose ``field`` the spec does not describe is checked for its envelope only."""
        covered = set(self.webhook_fields())
        skipped = [f"$.entry[{i}].changes[{j}]"
                   for i, entry in enumerate(payload.get("entry", []))
                   for j, change in enumerate(entry.get("changes", []))
                   if change.get("field") not in covered]
        problems = self.request_problems(self.operation("post", WEBHOOK_PATH), payload)
        return [line for line in problems if not any(line.startswith(p) for p in skipped)]

    def examples(self, op: Operation) -> Iterator[tuple[str, Any]]:
        """The request examples of ``op`` (name, value)."""
        body = self.resolve(op.body.get("requestBody"))
        if not isinstance(body, dict):
            return
        media = body.get("content", {}).get("application/json", {})
        for name, example in (media.get("examples") or {}).items():
            example = self.resolve(example)
            if isinstance(example, dict) and "value" in example:
                yield name, example["value"]


def _escape(*parts: str) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def _describe(error: Any) -> list[str]:
    """The leaf violations of one jsonschema error: for ``oneOf`` / ``anyOf`` those of the
    branch that came closest (the one with the fewest, deepest errors)."""
    where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                          for p in error.absolute_path)
    if error.validator in ("oneOf", "anyOf") and error.context:
        by_branch: dict[int, list[Any]] = {}
        for sub in error.context:
            by_branch.setdefault(sub.schema_path[0], []).append(sub)
        best = min(by_branch.values(), key=_distance)
        return [line for sub in best for line in _describe(sub)]
    return [f"{where}: {error.message}"]


def _distance(errors: list[Any]) -> tuple[int, int, int]:
    """How far a ``oneOf`` branch is from the instance: a branch for another ``type``
    (its ``type`` enum refused) is farthest; then fewer, deeper errors are nearer."""
    wrong_kind = any(e.validator in ("enum", "const") and list(e.absolute_path)[-1:] == ["type"]
                     for e in errors)
    return (int(wrong_kind), -max(len(e.absolute_path) for e in errors), len(errors))


@functools.lru_cache(maxsize=1)
def load() -> Spec:
    """The vendored spec, parsed and repaired once per process (about half a second)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with SPEC_FILE.open(encoding="utf-8") as handle:
        raw = yaml.load(handle, Loader=loader)
    return Spec(raw)
