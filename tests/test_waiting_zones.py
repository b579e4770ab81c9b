"""Waiting zones with a capacity: visitors fill their first zone, spill to the next when it is
full and outside past the last; priority zones hold priority visitors only; and the crowding
figures count all of it (tests on a hand-made layout, so every number is known)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from simulator.engine import simulate_day
from simulator.experiment import run_experiment
from simulator.metrics import step_average
from simulator.plan import Plan, compile_plan
from simulator.records import OUTSIDE, DayRecords
from simulator.scenario import parse_scenario
from simulator.walking import SiteLayout, WaitingZone, counter_node, waiting_node

ZONES = (
    WaitingZone(name="small", area_m2=6.0, seats=2, standing_capacity=2),
    WaitingZone(name="hall", area_m2=100.0, seats=20, standing_capacity=20),
    WaitingZone(name="prioritas", area_m2=4.0, seats=2, standing_capacity=1, priority=True),
)


def _site(*, counters: int, hall_capacity: int = 40) -> SiteLayout:
    zones = (
        ZONES[0],
        replace(
            ZONES[1], seats=hall_capacity // 2, standing_capacity=hall_capacity - hall_capacity // 2
        ),
        ZONES[2],
    )
    nodes = ("entrance", "kiosk", "exit", *(waiting_node(z.name) for z in zones))
    nodes += tuple(counter_node("a", k) for k in range(counters))
    xy = {"entrance": (0, 0), "kiosk": (2, 0), "exit": (0, 1), "waiting:small": (5, 0)}
    xy |= {"waiting:hall": (12, 0), "waiting:prioritas": (4, 3)}
    xy |= {counter_node("a", k): (6 + k, 4) for k in range(counters)}
    points = np.array([xy[n] for n in nodes], dtype=float)
    distances = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=2)
    return SiteLayout(
        name="test hall",
        nodes=nodes,
        distances_m=distances,
        zones=zones,
        agency_zone={"a": "small"},
        agency_zones={"a": ("small", "hall")},
        priority_zones={"a": ("prioritas", "small", "hall")},
        front_zone="hall",
    )


def _plan(
    *, visitors: float = 150, counters: int = 2, hall_capacity: int = 40, **extra: Any
) -> Plan:
    data: dict[str, Any] = {
        "name": "zones",
        "day": {
            "hours": {
                "tickets_open": "07:30",
                "service_start": "08:00",
                "last_ticket": "12:00",
                "closing": "12:00",
            }
        },
        "demand": {
            "visitors_per_day": visitors,
            "arrival_profile": [{"start": "07:30", "end": "12:00", "share": 1}],
        },
        "priority_share": 0.2,
        "patience": {"kind": "exponential", "mean_min": 60},
        "front_office": {"kiosks": {"count": 1, "service": {"kind": "fixed", "value_min": 0.3}}},
        "agencies": [
            {
                "id": "a",
                "counters": counters,
                "share": 1.0,
                "service": {"kind": "exponential", "mean_min": 4},
            }
        ],
    }
    data.update(extra)
    return compile_plan(
        parse_scenario(data), site=_site(counters=counters, hall_capacity=hall_capacity)
    )


def _occupancy_peak(records: DayRecords, zone: int) -> float:
    s = records.steps
    inside = (s["zone"] == zone) & (s["zone_leave"] > s["zone_enter"])
    edges = np.array([0.0, 2000.0])
    return step_average(s["zone_enter"][inside], s["zone_leave"][inside], edges)[1]


@pytest.mark.parametrize("seed", range(8))
def test_no_zone_ever_holds_more_than_its_capacity_and_the_spill_is_counted(seed: int) -> None:
    plan = _plan()
    records = simulate_day(plan, seed=seed)
    s = records.steps
    holders = (s["station"] == 0) & (s["zone_first"] >= 0)
    for i, zone in enumerate(plan.site.zones):
        assert _occupancy_peak(records, i) <= zone.seats + zone.standing_capacity
    # the small zone fills on a busy morning, and the next visitors wait in the hall
    spilled = holders & (s["zone_first"] == 0) & (s["zone"] == 1)
    assert spilled.any()
    assert _occupancy_peak(records, 0) == 4


@pytest.mark.parametrize("seed", range(8))
def test_only_priority_visitors_wait_in_a_priority_zone(seed: int) -> None:
    records = simulate_day(_plan(), seed=seed)
    s = records.steps
    in_priority_zone = s["zone"] == 2
    assert in_priority_zone.any()
    assert s["priority"][in_priority_zone].all()
    # and priority visitors try it first
    assert (s["zone_first"][(s["station"] == 0) & s["priority"]] == 2).all()


def test_when_every_zone_is_full_visitors_wait_outside_and_it_is_counted() -> None:
    plan = _plan(visitors=300, counters=1, hall_capacity=6)
    records = simulate_day(plan, seed=1)
    s = records.steps
    outside = s["zone"] == OUTSIDE
    assert outside.any()
    for i, zone in enumerate(plan.site.zones):
        assert _occupancy_peak(records, i) <= zone.seats + zone.standing_capacity
    result = run_experiment(plan, seed=1, replications=2)
    zones = result.zones_summary.set_index("zone")
    assert zones.loc["small", "overflow_share"] > 0
    assert zones.loc["hall", "overflow_share"] > 0  # found full, went outside
    assert zones.loc["small", "overflow_share"] >= zones.loc["hall", "overflow_share"]
    assert bool(zones.loc["prioritas", "priority"]) and not bool(zones.loc["hall", "priority"])
    overall = result.overall
    assert 0 < overall["overflow_share"] < 1
    assert zones.loc["small", "agencies"] == "a"


def test_the_kiosk_line_counts_in_the_crowding_where_it_stands() -> None:
    """Everyone arrives in the half hour before the opening and the kiosk is slow: the line
    stands in the hall, so the hall's peak counts it, over and above those seated there."""
    plan = _plan(
        visitors=80,
        demand={
            "visitors_per_day": 80,
            "arrival_profile": [{"start": "07:30", "end": "07:40", "share": 1}],
        },
        front_office={"kiosks": {"count": 1, "service": {"kind": "fixed", "value_min": 0.5}}},
    )
    result = run_experiment(plan, seed=2, replications=2)
    zones = result.zones_summary.set_index("zone")
    assert bool(zones.loc["hall", "front_office"])
    records = simulate_day(plan, seed=2)
    s = records.steps
    in_hall = (s["zone"] == 1) & (s["zone_leave"] > s["zone_enter"])
    waiting_only = step_average(
        s["zone_enter"][in_hall], s["zone_leave"][in_hall], np.array([0.0, 2000.0])
    )[1]
    assert zones.loc["hall", "waiting_peak"] > waiting_only


def test_a_layout_without_zones_still_walks() -> None:
    site = replace(
        _site(counters=2),
        zones=(),
        agency_zone={},
        agency_zones={},
        priority_zones={},
        front_zone=None,
    )
    data_plan = _plan()
    plan = replace(data_plan, site=site)
    records = simulate_day(plan, seed=3)
    assert (records.steps["zone"] == -1).all()
    assert records.visitors["walk_m"].mean() > 0


def test_visitors_called_on_their_way_to_a_zone_did_not_overflow() -> None:
    """A quiet day in a big hall: nobody finds a zone full, so nobody overflowed, although
    many are called before they reach their zone."""
    plan = _plan(visitors=30, counters=3, hall_capacity=60)
    records = simulate_day(plan, seed=4)
    s = records.steps
    assert ((s["zone"] == -1) & (s["zone_first"] >= 0)).any()  # called on the way
    assert (s["zones_full"] == 0).all()
    result = run_experiment(plan, seed=4, replications=2)
    assert result.overall["overflow_share"] == 0.0
