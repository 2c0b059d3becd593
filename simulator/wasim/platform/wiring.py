"""Wiring of the platform surface into one simulator: faults, tokens, limits, media,
phone numbers. ``Simulator.__init__`` builds one :class:`Platform`; it registers the
Graph call hooks, the send hooks and the reset hooks, and sets ``sim.media_info``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wasim.platform.faults import Faults
from wasim.platform.limits import Limiter
from wasim.platform.media import MediaStore
from wasim.platform.phones import Phones
from wasim.platform.tokens import Tokens

if TYPE_CHECKING:
    from wasim.simulation import Simulator


class Platform:
    """The platform features of ``sim`` (each also reachable as ``sim.<feature>``)."""

    def __init__(self, sim: Simulator) -> None:
        self.faults = Faults(lambda: sim.world.settings, sim.resolve_customer)
        self.tokens = Tokens(lambda: sim.world, sim.clock, sim.ids)
        sim.call_hooks.append(self.faults.on_call)
        sim.backend.send_hooks.append(self.faults)
        sim.on_reset.append(self.faults.reset)
        self.limits = Limiter(lambda: sim.world, sim.clock)
        sim.call_hooks.append(self.limits.on_call)
        sim.backend.send_hooks.append(self.limits)
        sim.on_reset.append(self.limits.clear)
        self.media = MediaStore(lambda: sim.world, sim.clock, sim.ids)
        sim.backend.send_hooks.append(self.media)
        sim.media_info = self.media.info
        self.phones = Phones(lambda: sim.world, sim.clock)
        sim.backend.send_hooks.insert(0, self.phones)
