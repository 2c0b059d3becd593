"""wasim: a local WhatsApp Business Platform (Cloud API) simulator."""

from __future__ import annotations

from wasim.config import Options
from wasim.errors import GraphError
from wasim.simulation import Simulator

__version__ = "0.1.0"

__all__ = ["GraphError", "Options", "Simulator", "__version__"]
