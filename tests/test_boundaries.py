"""Domain modules never import the HTTP stack."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "simulator" / "wasim"
HTTP = {"starlette", "uvicorn", "httpx", "respx"}
DOMAIN = ["types", "errors", "clock", "ids", "models", "state", "backend", "webhooks",
          "harness", "seed", "journal", "yamlsrc", "yamlread", "config", "lifecycle",
          "calls", "send_hooks", "faults", "tokens", "limiter", "media", "phones", "platform"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def _domain_files() -> list[Path]:
    files = [PACKAGE / f"{name}.py" for name in DOMAIN if (PACKAGE / f"{name}.py").exists()]
    return files + sorted((PACKAGE / "rules").glob("*.py"))


@pytest.mark.parametrize("path", _domain_files(), ids=lambda p: p.stem)
def test_domain_module_does_not_import_http_libraries(path: Path) -> None:
    assert _imports(path) & HTTP == set()


def test_only_clock_reads_the_time() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "clock.py":
            continue
        text = path.read_text()
        if "datetime.now(" in text or "time.time()" in text or "utcnow(" in text:
            offenders.append(path.name)
    assert offenders == []
