"""Options of a simulator, validated once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wasim.world.state import World


@dataclass(frozen=True, kw_only=True, slots=True)
class Options:
    """How to build a :class:`~wasim.Simulator`; every option is keyword-only.

    Args:
        world: A world YAML file (``--fixtures``), or a loaded ``World`` (copied);
            ``None`` loads the embedded default.
        seed: Makes every generated id repeatable.
        now: Start time; the simulator's clock is frozen there (moved only by ``advance``).
        webhook_url: Where webhooks are POSTed (overrides the world file).
        app_secret: Key of ``X-Hub-Signature-256`` (overrides the world file).
        verify_token: Token of the subscription handshake (overrides the world file).
        settings: World setting overrides (``window_violation_mode``, ``category_era``...).
    """

    world: str | Path | World | None = None
    seed: int | str | None = None
    now: datetime | str | None = None
    webhook_url: str | None = None
    app_secret: str | None = None
    verify_token: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
