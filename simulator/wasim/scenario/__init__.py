"""YAML scenarios: load, check and run conversation scripts against the simulator.

``load_path(file)`` reads a file into :class:`Scenario` objects (raising located
:class:`~wasim.world.source.SourceError`), ``run_scenario(scenario)`` runs one in a fresh
simulator and returns a :class:`ScenarioResult`.
"""

from __future__ import annotations

from wasim.scenario.loader import load_path, load_text
from wasim.scenario.model import Scenario, ScenarioResult, Step, StepResult
from wasim.scenario.runner import RunOptions, run_scenario

__all__ = ["RunOptions", "Scenario", "ScenarioResult", "Step", "StepResult", "load_path",
           "load_text", "run_scenario"]
