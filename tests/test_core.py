"""The core and its features: plugging, reset in place, state parts, locked verbs."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import pytest
from wasim import Simulator
from wasim.clock import Job
from wasim.core import Feature, JobHandler

START = "2026-03-02T09:00:00+00:00"


class Counter(Feature):
    """A feature with a state part, a job and a reset."""

    part = "counter"

    def __init__(self) -> None:
        self.count = 0
        self.resets = 0

    def jobs(self) -> Mapping[str, JobHandler]:
        return {"count": self.bump}

    def bump(self, job: Job) -> None:
        self.count += job.data["by"]

    def reset(self) -> None:
        self.resets += 1
        self.count = 0

    def export(self) -> Any:
        return {"count": self.count}

    def load(self, data: Any) -> None:
        self.count = data["count"] if data else 0


class RecordingLock:
    """An RLock that counts how often it was taken."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.taken = 0

    def __enter__(self) -> None:
        self._lock.acquire()
        self.taken += 1

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def test_a_plugged_feature_runs_its_jobs_resets_and_exports_its_part() -> None:
    sim = Simulator(now=START)
    counter = Counter()
    sim.plug(counter)
    sim._core.schedule.add(sim.now(), "count", {"by": 2})
    sim.advance("1s")
    assert counter.count == 2
    state = sim.export_state()
    assert state["parts"]["counter"] == {"count": 2}
    sim.reset()
    assert (counter.count, counter.resets) == (0, 1)
    sim.import_state(state)
    assert counter.count == 2


def test_an_unplugged_features_part_waits_for_the_next_of_its_kind() -> None:
    sim = Simulator(now=START)
    first = Counter()
    sim.plug(first)
    first.count = 5
    sim._core.unplug(first)
    assert sim.export_state()["parts"]["counter"] == {"count": 5}
    second = Counter()
    sim.plug(second)
    assert second.count == 5


def test_reset_and_import_keep_the_same_world_object() -> None:
    sim = Simulator(now=START)
    world = sim.world
    sim.customer("ana").says("hi")
    state = sim.export_state()
    sim.reset()
    assert sim.world is world and world.inbound == []
    sim.import_state(state)
    assert sim.world is world and len(world.inbound) == 1


@pytest.mark.parametrize("verb", [
    lambda sim: sim.templates.approve("new_feature"),
    lambda sim: sim.phones.view(sim.phone_number_id),
    lambda sim: sim.media.upload(b"x", "image/png"),
    lambda sim: sim.tokens.add(),
    lambda sim: sim.faults.add(path="messages", code=131000),
    lambda sim: sim.limits.usage(),
    lambda sim: sim.inbound("ana", "hi"),
    lambda sim: sim.set_progression("immediate"),
    lambda sim: sim.update_settings({"read_after": 5}),
], ids=["templates", "phones", "media", "tokens", "faults", "limits", "inbound",
        "progression", "settings"])
def test_the_python_verbs_take_the_simulators_lock(verb: Any) -> None:
    sim = Simulator(now=START)
    lock = RecordingLock()
    sim._core.lock = lock  # type: ignore[assignment]
    verb(sim)
    assert lock.taken >= 1
