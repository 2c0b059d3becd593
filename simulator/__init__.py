"""wasim: a local WhatsApp Business Platform (Cloud API) simulator."""

from __future__ import annotations

from simulator.config import Options
from simulator.errors import GraphError
from simulator.harness import Simulator

__version__ = "0.1.0"

__all__ = ["GraphError", "Options", "Simulator", "__version__"]
