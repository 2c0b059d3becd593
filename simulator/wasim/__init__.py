"""wasim: a local WhatsApp Business Platform (Cloud API) simulator.

The public names load on first use, so that the pytest plugins, which pytest imports in
every run of an environment where wasim is installed, cost next to nothing until a test
asks for a wasim fixture.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wasim.config import Options
    from wasim.errors import GraphError
    from wasim.simulation import Simulator

__version__ = "0.1.0"

__all__ = ["GraphError", "Options", "Simulator", "__version__"]

_HOMES = {"GraphError": "wasim.errors", "Options": "wasim.config",
          "Simulator": "wasim.simulation"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'wasim' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
