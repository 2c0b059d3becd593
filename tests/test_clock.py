"""One clock: it follows freezegun, runs delayed work in order,
and nothing else in the package reads the simulated time."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from wasim import Simulator
from wasim.clock import Clock, parse_duration
from wasim.core import Feature, JobHandler
from wasim.errors import GraphError

from tests.conftest import ANA, ROOT, text_message

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_an_unfrozen_clock_follows_freezegun() -> None:
    with freeze_time(T0) as frozen:
        clock = Clock()
        assert clock.now() == T0
        frozen.tick(timedelta(hours=2))
        assert clock.now() == T0 + timedelta(hours=2)
        clock.advance(timedelta(minutes=5))  # an offset on top of the frozen source
        frozen.tick(timedelta(minutes=1))
        assert clock.now() == T0 + timedelta(hours=2, minutes=6)


def test_the_window_edges_follow_freezegun_time() -> None:
    with freeze_time(T0) as frozen:
        sim = Simulator(seed=1)
        sim.customer("ana").says("hi")
        frozen.tick(timedelta(hours=23, minutes=59, seconds=59))
        assert sim.window("ana")["open"] is True
        inside = sim.send(text_message())["messages"][0]["id"]
        frozen.tick(timedelta(seconds=1))
        assert sim.window("ana")["open"] is False
        outside = sim.send(text_message())["messages"][0]["id"]
    assert sim.message(inside).status == "delivered"
    assert sim.message(outside).status == "failed"
    assert sim.message(outside).error is not None
    assert sim.message(outside).error["code"] == 131047


def test_delayed_work_runs_when_freezegun_time_passes_it() -> None:
    with freeze_time(T0) as frozen:
        sim = Simulator(seed=1, settings={"delivered_after": 10})
        sim.customer("ana").says("hi")
        wamid = sim.send(text_message())["messages"][0]["id"]
        frozen.tick(timedelta(seconds=9))
        sim.tick()
        assert sim.message(wamid).status == "sent"
        frozen.tick(timedelta(seconds=1))
        sim.tick()
        assert sim.message(wamid).status == "delivered"
        assert sim.message(wamid).statuses[-1].at == T0 + timedelta(seconds=10)


class Probe(Feature):
    """A feature whose ``probe`` jobs call ``run``."""

    def __init__(self, run: JobHandler) -> None:
        self.run = run

    def jobs(self) -> Mapping[str, JobHandler]:
        return {"probe": self.run}


def test_advance_runs_scheduled_work_in_due_order_at_its_own_time() -> None:
    sim = Simulator(now=T0)
    seen: list[tuple[str, datetime]] = []
    sim.plug(Probe(lambda job: seen.append((job.data["name"], sim.now()))))
    for name, hours in (("b", 3), ("a", 1), ("c", 2), ("c2", 2), ("late", 6)):
        sim._core.schedule.add(T0 + timedelta(hours=hours), "probe", {"name": name})
    sim.advance("5h")
    assert seen == [("a", T0 + timedelta(hours=1)), ("c", T0 + timedelta(hours=2)),
                    ("c2", T0 + timedelta(hours=2)), ("b", T0 + timedelta(hours=3))]
    assert sim.now() == T0 + timedelta(hours=5)
    assert [job.data["name"] for job in sim._core.schedule.pending()] == ["late"]


def test_a_delivered_status_is_stamped_at_its_due_time_within_a_long_advance() -> None:
    sim = Simulator(now=T0, settings={"delivered_after": 30})
    sim.customer("ana").says("hi")
    wamid = sim.send(text_message(to=ANA))["messages"][0]["id"]
    sim.advance("25h")
    [sent, delivered] = sim.message(wamid).statuses
    assert (sent.at, delivered.at) == (T0, T0 + timedelta(seconds=30))


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("25h", 90000), ("1d2h30m", 95400), ("90s", 90), ("500ms", 0.5), ("90", 90),
     (90, 90), (1.5, 1.5), ("1w", 604800)],
)
def test_durations(text: str | float, seconds: float) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["soon", "", "5 parsecs", True, None, ["1h"]])
def test_bad_durations_are_a_100_error(text: object) -> None:
    with pytest.raises(GraphError) as caught:
        parse_duration(text)  # type: ignore[arg-type]
    assert caught.value.code == 100


def test_the_clock_never_runs_back() -> None:
    with pytest.raises(GraphError):
        Clock(start=T0).advance(timedelta(seconds=-1))


READS_OF_TIME = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
                 ("date", "today"), ("time", "time"), ("time", "time_ns")}


def test_only_the_clock_module_reads_the_time() -> None:
    """Real time for simulated purposes comes from simulator/wasim/clock.py alone
    (``time.monotonic``/``perf_counter`` for latencies and timeouts are not simulated time)."""
    offenders = []
    for path in sorted((ROOT / "simulator").rglob("*.py")):
        if path.name == "clock.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and (node.func.value.id, node.func.attr) in READS_OF_TIME):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
