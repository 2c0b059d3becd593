"""MkDocs hook: pages generated from the package when the site is built.

``<!-- generated: scenario-steps -->`` in a page becomes the table of scenario step actions
and their keys, read from the JSON Schema that wasim ships (itself generated from the step
registry), so the reference cannot drift from what ``wasim check`` accepts.
"""

from __future__ import annotations

import json
import posixpath
import re
from importlib import resources
from pathlib import Path
from typing import Any

MARKER = "<!-- generated: scenario-steps -->"


def _kind(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return " / ".join(f"`{value}`" for value in schema["enum"])
    kind = schema.get("type")
    if isinstance(kind, list):
        return " or ".join(kind)
    if kind:
        return str(kind)
    if "anyOf" in schema or "oneOf" in schema:
        return "one of several shapes"
    return "any"


def scenario_steps() -> str:
    text = resources.files("wasim.data").joinpath("scenario.schema.json").read_text("utf-8")
    schema = json.loads(text)
    defs = schema["$defs"]
    step = defs["step"]
    actions = [name for name in step["properties"]
               if name in defs and name not in ("expect", "settings")]
    lines = ["| step | takes | what it does |", "|---|---|---|"]
    for name in actions:
        action = defs[name]
        keys = ", ".join(f"`{key}`" for key in action.get("properties", {})) or _kind(action)
        lines.append(f"| `{name}` | {keys} | {action.get('description', '')} |")
    expect = defs["expect"].get("properties", {})
    lines += ["", "Keys of `expect` (checked after the step):", "",
              "| key | value | meaning |", "|---|---|---|"]
    for key, value in expect.items():
        lines.append(f"| `{key}` | {_kind(value)} | {value.get('description', '')} |")
    return "\n".join(lines)


SECTION = re.compile(r"§ ?(\d+(?:\.\d+)?)")
HEADING = re.compile(r"^#{2,3} ((\d+(?:\.\d+)?)\.? .*)$", re.M)


def _slug(heading: str) -> str:
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return re.sub(r"\s+", "-", text)


def rule_anchors(docs_dir: str) -> dict[str, str]:
    """Section number -> anchor of its heading in ``rules.md``."""
    text = (Path(docs_dir) / "rules.md").read_text(encoding="utf-8")
    return {number: _slug(heading) for heading, number in HEADING.findall(text)}


def link_sections(markdown: str, page_path: str, anchors: dict[str, str]) -> str:
    """Each ``§N.N`` outside code becomes a link to its section of the rules page."""
    target = posixpath.relpath("rules.md", posixpath.dirname(page_path) or ".")
    if page_path == "rules.md":
        target = ""

    def link(match: re.Match[str]) -> str:
        anchor = anchors.get(match.group(1))
        return f"[{match.group(0)}]({target}#{anchor})" if anchor else match.group(0)

    parts = re.split(r"(```.*?```|`[^`\n]*`)", markdown, flags=re.S)
    return "".join(part if index % 2 else SECTION.sub(link, part)
                   for index, part in enumerate(parts))


def on_page_markdown(markdown: str, page: Any, config: Any, **_: Any) -> str:
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, scenario_steps())
    return link_sections(markdown, page.file.src_uri, rule_anchors(config["docs_dir"]))
