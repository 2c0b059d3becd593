"""The docs site resolves everything the code and the docs point at.

* every ``§N`` / ``§N.N`` cited in the package, the docs, the scenarios and the world files
  is a section of ``docs/rules.md``;
* every ``docs/...`` page (and ``#anchor``) named in the package's messages exists;
* no shipped text cites design documents the package does not ship;
* ``docs/default-world.md`` is the page ``wasim world`` prints for the embedded world.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from wasim.cli import main
from wasim.world.describe import default_world_page, describe
from wasim.world.seed import load_world

from tests.conftest import ROOT

DOCS = ROOT / "docs"
PACKAGE = ROOT / "simulator" / "wasim"
CITED = [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.yaml"), *DOCS.rglob("*.md"),
         *(ROOT / "scenarios").rglob("*.yaml"), *(ROOT / "fixtures").rglob("*.yaml"),
         ROOT / "README.md"]
SECTION = re.compile(r"§ ?(\d+(?:\.\d+)?)")


def slug(heading: str) -> str:
    """The anchor MkDocs gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return re.sub(r"\s+", "-", text)


def rule_sections() -> set[str]:
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    return set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", text, re.M))


def test_the_rules_page_has_the_sections_the_code_cites() -> None:
    sections = rule_sections()
    assert {"1.2", "1.3", "2.1", "4.3", "5.3", "9"} <= sections
    unresolved = [f"{path.relative_to(ROOT)}: §{number}"
                  for path in CITED
                  for number in SECTION.findall(path.read_text(encoding="utf-8"))
                  if number not in sections]
    assert unresolved == []


def test_no_shipped_text_cites_documents_the_package_does_not_ship() -> None:
    offenders = [str(path.relative_to(ROOT)) for path in CITED
                 if re.search(r"style\.md|DESIGN\.md|platform-rules|README\.md#",
                              path.read_text(encoding="utf-8"))]
    assert offenders == []


def _anchors(page: Path) -> set[str]:
    return {slug(heading) for heading in
            re.findall(r"^#+ (.*)$", page.read_text(encoding="utf-8"), re.M)}


def test_every_docs_page_the_package_names_exists_with_its_anchor() -> None:
    named = {match for path in PACKAGE.rglob("*.py")
             for match in re.findall(r"docs/[\w/-]+\.md(?:#[\w-]+)?",
                                     path.read_text(encoding="utf-8"))}
    assert named, "the package names no docs page"
    for reference in named:
        page, _, anchor = reference.partition("#")
        assert (ROOT / page).is_file(), reference
        if anchor:
            assert anchor in _anchors(ROOT / page), reference


def test_the_default_world_page_is_generated_from_the_embedded_world() -> None:
    page = (DOCS / "default-world.md").read_text(encoding="utf-8")
    assert page == default_world_page(), (
        "regenerate it: python -m wasim.world.describe > docs/default-world.md")


def test_wasim_world_prints_the_default_world(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["world"]) == 0
    printed = capsys.readouterr().out
    assert printed == describe(load_world(), "The default world")
    assert "| `ana` | `16505551234` |" in printed
    assert "| `order_confirmation` | en_US | UTILITY | APPROVED |" in printed


def test_wasim_world_prints_any_world_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["world", str(ROOT / "fixtures" / "legacy_world.yaml")]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("# World ")
    assert "SHIPPING_UPDATE" in printed


def test_wasim_world_with_a_missing_file_is_one_line_and_exit_2(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["world", str(tmp_path / "nope.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope.yaml:1:1: cannot read file" in err
