"""The documentation as one text: the README followed by every page under ``docs/``.

Tests that keep the docs true to the code read sections from here, wherever a section
lives, so moving a section between pages does not silence its check.
"""

from __future__ import annotations

import re

from tests.conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
DOCS = "\n".join(page.read_text(encoding="utf-8") for page in PAGES)


def section(title: str) -> str:
    """The text under ``## title`` up to the next ``## `` heading, on whichever page."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |^# |\Z)", DOCS, re.M | re.S)
    assert match, f"no page of the docs has a '## {title}' section"
    return match.group(1)
