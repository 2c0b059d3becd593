"""The status progression of accepted outbound messages (§5.2), per world and per contact.

A progression policy says when a ``sent`` message becomes ``delivered`` and then ``read``:
``immediate`` (at once; ``delivered`` is then skipped, as the platform does when both
happen together), after N simulated seconds, or ``manual`` (only when the test forces it).
The world's policy is its ``delivered_after`` / ``read_after`` settings; a contact may
override it (kept in ``world.progression``, so it is exported with the world).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wasim.errors import INVALID_PARAMETER
from wasim.world.state import World

POLICIES = {"immediate": (0.0, 0.0), "manual": (None, None)}
"""Named policies: (delivered_after, read_after) in simulated seconds (None: manual)."""

_UNSET: Any = object()


@dataclass(frozen=True, slots=True)
class Progression:
    """Seconds from ``sent`` to ``delivered`` and from ``delivered`` to ``read``."""

    delivered_after: float | None
    read_after: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"delivered_after": self.delivered_after, "read_after": self.read_after}


def progression_for(world: World, wa_id: str) -> Progression:
    """The policy that applies to messages to ``wa_id``: the contact's, else the world's."""
    return Progression(*delays_for(world, wa_id))


def delays_for(world: World, wa_id: str) -> tuple[float | None, float | None]:
    """``(delivered_after, read_after)`` of :func:`progression_for`, as a plain pair."""
    override = world.progression.get(wa_id)
    settings = world.settings
    if not override:
        return settings.delivered_after, settings.read_after
    return (override.get("delivered_after", settings.delivered_after),
            override.get("read_after", settings.read_after))


def _seconds(name: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise INVALID_PARAMETER(f"{name} must be a number of seconds >= 0 or null, got {value!r}")
    return float(value)


def resolve(policy: str | None, delivered_after: Any = _UNSET,
            read_after: Any = _UNSET) -> dict[str, float | None]:
    """Turn a named policy and/or explicit delays into the fields to store."""
    values: dict[str, float | None] = {}
    if policy is not None:
        if policy not in POLICIES:
            raise INVALID_PARAMETER(
                f"unknown progression policy {policy!r}; use immediate, manual, or "
                f"delivered_after / read_after seconds")
        values["delivered_after"], values["read_after"] = POLICIES[policy]
    if delivered_after is not _UNSET:
        values["delivered_after"] = _seconds("delivered_after", delivered_after)
    if read_after is not _UNSET:
        values["read_after"] = _seconds("read_after", read_after)
    if not values:
        raise INVALID_PARAMETER("give a policy (immediate, manual) or delivered_after / "
                                "read_after seconds")
    return values


def set_progression(world: World, wa_id: str | None, values: dict[str, float | None]) -> None:
    """Apply ``values`` to the world's settings, or to one contact when ``wa_id`` is given."""
    if wa_id is None:
        world.settings.update(dict(values))
        return
    world.progression.setdefault(wa_id, {}).update(values)


def is_voice(body: dict[str, Any]) -> bool:
    """An audio message sent as a voice note: it reaches ``played`` after ``read`` (§5.2)."""
    audio = body.get("audio")
    return body.get("type") == "audio" and isinstance(audio, dict) and audio.get("voice") is True
