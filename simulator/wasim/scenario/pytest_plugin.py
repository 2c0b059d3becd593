"""Collect scenario files as pytest items: one item per scenario.

Registered through its own ``pytest11`` entry point (``wasim_scenarios``). Files whose
name matches the ``wasim_scenario_patterns`` ini option (default ``*.wasim.yaml``) are
collected; a malformed file is a collection error reading ``file:line:column: ...``; a
failing scenario fails with its failing step, expected and happened. ``--wasim-app URL``
runs scenarios that expect an app's sends against that app (skipped otherwise).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # loaded when a scenario file is collected, not at every pytest start
    from wasim.scenario.model import Scenario

DEFAULT_PATTERNS = ["*.wasim.yaml", "*.wasim.yml"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("wasim_scenario_patterns", type="args", default=DEFAULT_PATTERNS,
                  help="file name patterns collected as wasim scenarios "
                       "(default: *.wasim.yaml *.wasim.yml)")
    group = parser.getgroup("wasim", "wasim scenarios")
    group.addoption("--wasim-app", metavar="URL", default=None,
                    help="webhook URL of an app under test for scenarios with expect_sent")
    group.addoption("--wasim-port", type=int, default=8787,
                    help="loopback port of the simulator served for --wasim-app")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    patterns = parent.config.getini("wasim_scenario_patterns")
    if any(fnmatch.fnmatch(file_path.name, p) for p in patterns):
        collector: pytest.Collector = ScenarioFile.from_parent(parent, path=file_path)
        return collector
    return None


class ScenarioFile(pytest.File):
    """A scenario file: one item per scenario in it."""

    def collect(self) -> Iterator[pytest.Item]:
        from wasim.scenario.loader import load_path
        from wasim.world.source import SourceError

        try:
            scenarios = load_path(self.path)
        except SourceError as exc:
            raise self.CollectError(str(exc)) from None
        for scenario in scenarios:
            yield ScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)


class ScenarioFailed(Exception):
    """A scenario whose step failed; the message is the failing step."""


class ScenarioItem(pytest.Item):
    """One scenario run as a test."""

    def __init__(self, *, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario

    def runtest(self) -> None:
        from wasim.scenario.runner import RunOptions, run_scenario

        config = self.config
        options = RunOptions(app_url=config.getoption("wasim_app"),
                             port=config.getoption("wasim_port"), app_flag="--wasim-app")
        result = run_scenario(self.scenario, options)
        if result.steps and all(r.outcome == "skipped" for r in result.steps):
            pytest.skip(result.steps[0].happened)
        if not result.ok:
            raise ScenarioFailed(result.failure_text())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.scenario.line - 1, f"scenario: {self.scenario.name}"
