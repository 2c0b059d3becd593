"""Every step action and expectation, registered by importing its module.

A new step is one class in one of these modules (or a new module imported here): a
subclass of :class:`~wasim.scenario.registry.Action` with a ``name``, or of
:class:`~wasim.scenario.registry.Expectation` with a ``key``. The loader, the runner, the
JSON Schema and the docs' step table all follow from it.
"""

from __future__ import annotations

import importlib

from wasim.scenario.registry import ACTIONS, EXPECTATIONS
from wasim.scenario.steps.kinds import (
    ERROR_CHANNELS,
    INBOUND_TYPES,
    SEND_TYPES,
    STATUSES,
    WINDOW_STATES,
)

MODULES = ("customers", "messages", "templates", "platform", "app", "expect_world",
           "expect_message")
"""The step modules, in the order their steps are listed (in hints, the schema, the docs)."""
for _module in MODULES:
    importlib.import_module(f"{__name__}.{_module}")

EXPECT = "expect"
"""The key of a step's expectations (alone, a step that only checks)."""
STEP_KEYS = ("name", "as", EXPECT)
"""Keys of a step beside its action."""
EXPECT_KEYS = tuple(EXPECTATIONS)
"""What a step (or a standalone ``expect`` step) can check."""

__all__ = ["ACTIONS", "ERROR_CHANNELS", "EXPECT", "EXPECTATIONS", "EXPECT_KEYS",
           "INBOUND_TYPES", "SEND_TYPES", "STATUSES", "STEP_KEYS", "WINDOW_STATES"]
