"""What the Graph seam tells platform rules about a call, and what they answer.

``wasim.api.graph.graph_endpoint`` builds a :class:`GraphCall` for every
authenticated Graph request and asks the features' ``on_call`` hooks (through the
core's ``admit``) for an :class:`Interference` (a delay, an error, or both). Rate
limits and fault injection live behind this seam, so neither needs to know Starlette.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from wasim.errors import GraphError
from wasim.world.models import Token


class GraphCall(NamedTuple):
    """One authenticated Graph request: ``path`` is the URL path with its version.

    A named tuple: immutable, and made per request at a fraction of a frozen
    dataclass's cost.
    """

    method: str
    path: str
    token: Token

    @property
    def segments(self) -> list[str]:
        """The path after the version: ``["106540352242922", "messages"]``."""
        parts = [p for p in self.path.split("/") if p]
        return parts[1:] if parts and parts[0].startswith("v") else parts


@dataclass(frozen=True, slots=True)
class Interference:
    """A hook's answer: wait ``delay`` real seconds, then fail with ``error`` if set."""

    delay: float = 0.0
    error: GraphError | None = None


CallHook = Callable[[GraphCall], Interference | None]
