"""YAML scenarios: load, check and run conversation scripts against the simulator.

``load_path(file)`` reads a file into :class:`Scenario` objects (raising located
:class:`~wasim.world.source.SourceError`), ``run_scenario(scenario)`` runs one in a fresh
simulator and returns a :class:`ScenarioResult`. The names load on first use (the pytest
collector of scenario files imports this package at every pytest start).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wasim.scenario.loader import load_path, load_text
    from wasim.scenario.model import Scenario, ScenarioResult, Step, StepResult
    from wasim.scenario.runner import RunOptions, run_scenario

__all__ = ["RunOptions", "Scenario", "ScenarioResult", "Step", "StepResult", "load_path",
           "load_text", "run_scenario"]

_HOMES = {"load_path": "loader", "load_text": "loader", "Scenario": "model",
          "ScenarioResult": "model", "Step": "model", "StepResult": "model",
          "RunOptions": "runner", "run_scenario": "runner"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'wasim.scenario' has no attribute {name!r}")
    value = getattr(import_module(f"wasim.scenario.{home}"), name)
    globals()[name] = value
    return value
