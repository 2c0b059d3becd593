"""The package's folder rules, read from the import statements of every module (``ast``).

* No import cycle (imports under ``TYPE_CHECKING`` and inside functions count too).
* Only the edges (``api/``, ``asgi.py``, ``delivery/``, ``serve/``, ``testing/`` and,
  lazily, ``cli.py``) import the HTTP stack.
* ``rules/`` is pure: it imports nothing of wasim above the world's models.
* Layers, bottom to top (``LAYERS``): foundations, world and rules, the core, platform,
  templates, the ASGI driver, delivery, the ``Simulator`` facade, api, serve, testing,
  scenario, the command line. Nothing imports upward.
* Only the clock reads the time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "simulator" / "wasim"
HTTP = {"starlette", "uvicorn", "httpx", "respx"}
HTTP_EDGES = ("wasim.api", "wasim.asgi", "wasim.delivery", "wasim.serve", "wasim.testing",
              "wasim.cli")
RULES_MAY_IMPORT = ("wasim.errors", "wasim.clock", "wasim.ids", "wasim.world.models",
                    "wasim.rules")


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imported(path: Path) -> set[str]:
    """Every module name an ``import`` statement of ``path`` names, wherever it stands."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _wasim_imports(path: Path) -> set[str]:
    """The wasim modules ``path`` imports (``from wasim.x import y``: ``wasim.x.y`` when
    that is a module, else ``wasim.x``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in MODULES)
        elif isinstance(node, ast.ImportFrom) and node.module in MODULES and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
    return found - {_module(path)}


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _cycle() -> list[str] | None:
    """One import cycle among wasim's modules, or ``None``."""
    graph = {name: _wasim_imports(path) for name, path in MODULES.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        stack.pop()
        state[node] = 2
        return None

    for name in sorted(graph):
        if name not in state and (found := visit(name)) is not None:
            return found
    return None


def test_the_package_has_no_import_cycle() -> None:
    assert _cycle() is None


LAYERS: tuple[tuple[str, ...], ...] = (
    ("wasim.errors", "wasim.clock", "wasim.ids", "wasim.data"),
    ("wasim.config", "wasim.world", "wasim.rules"),
    ("wasim.core", "wasim.platform.hooks", "wasim.platform.send_hooks"),
    ("wasim.platform",),
    ("wasim.templates",),
    ("wasim.asgi",),
    ("wasim.delivery",),
    ("wasim.explain", "wasim.assertions", "wasim.simulation"),
    ("wasim",),
    ("wasim.api",),
    ("wasim.serve",),
    ("wasim.testing",),
    ("wasim.scenario",),
    ("wasim.commands", "wasim.cli", "wasim.__main__"),
)
"""Bottom to top: a module imports only from its own layer or the layers below."""


def _layer(name: str) -> int:
    """The layer of a module: the one naming its longest prefix."""
    best, depth = -1, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if _within(name, (prefix,)) and prefix.count(".") > depth:
                best, depth = index, prefix.count(".")
    return best


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_module_imports_nothing_from_a_layer_above_its_own(name: str) -> None:
    assert _layer(name) >= 0, f"{name} is in no layer"
    above = sorted(n for n in _wasim_imports(MODULES[name]) if _layer(n) > _layer(name))
    assert above == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not _within(n, HTTP_EDGES)))
def test_only_the_edges_import_the_http_stack(name: str) -> None:
    assert {n.split(".")[0] for n in _imported(MODULES[name])} & HTTP == set()


@pytest.mark.parametrize("name", sorted(n for n in MODULES if _within(n, ("wasim.rules",))))
def test_rules_import_nothing_above_the_world_models(name: str) -> None:
    above = {n for n in _wasim_imports(MODULES[name]) if not _within(n, RULES_MAY_IMPORT)}
    assert above == set()


def test_the_folder_rules_see_every_module() -> None:
    assert {"wasim.simulation", "wasim.core", "wasim.rules.payloads",
            "wasim.api.graph"} <= set(MODULES)
    assert "wasim.world.models" in _wasim_imports(MODULES["wasim.rules.billing"]) or \
        "wasim.world.models" in _wasim_imports(MODULES["wasim.rules.templates"])


def test_only_clock_reads_the_time() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "clock.py":
            continue
        text = path.read_text()
        if "datetime.now(" in text or "time.time()" in text or "utcnow(" in text:
            offenders.append(path.name)
    assert offenders == []


MAX_LINES, MAX_METHODS = 400, 25
FACADES = {"wasim.simulation.Simulator"}
"""Classes whose verbs each delegate in a line or two: exempt from the method limit."""
SHRINKING: set[str] = set()
"""Modules being split by their owners (issue 12); remove each as it shrinks."""


def _sizes() -> list[str]:
    found = []
    for name, path in MODULES.items():
        if name in SHRINKING:
            continue
        source = path.read_text()
        if len(source.splitlines()) > MAX_LINES:
            found.append(f"{name}: {len(source.splitlines())} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ClassDef) and f"{name}.{node.name}" not in FACADES:
                methods = sum(isinstance(b, ast.FunctionDef | ast.AsyncFunctionDef)
                              for b in node.body)
                if methods > MAX_METHODS:
                    found.append(f"{name}.{node.name}: {methods} methods")
    return found


def test_modules_and_classes_stay_small() -> None:
    assert _sizes() == []
