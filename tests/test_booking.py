"""Online booking: stories whose outcome is exact, an independent recursion for a random day,
and the invariants of booked-first calling on random days."""

from __future__ import annotations

import heapq
from typing import Any

import numpy as np
import pytest

from simulator.engine import simulate_day
from simulator.experiment import run_experiment
from simulator.plan import Plan, compile_plan
from simulator.records import (
    OUTCOME_ABANDONED,
    OUTCOME_SERVED,
    OUTCOME_TURNED_AWAY,
    REFUSED_LATE_BOOKING,
    REFUSED_WALK_IN_QUOTA,
    DayRecords,
)
from simulator.scenario import parse_scenario

NEVER = {"kind": "fixed", "value_min": 10_000}


def _plan(
    *,
    booking: dict[str, Any],
    visitors: float = 40,
    counters: int = 1,
    service: dict[str, Any] | None = None,
    **agency: Any,
) -> Plan:
    data = {
        "name": "booking",
        "day": {
            "hours": {
                "tickets_open": "08:00",
                "service_start": "08:00",
                "last_ticket": "14:00",
                "closing": "14:00",
            }
        },
        "demand": {
            "visitors_per_day": visitors,
            "arrival_profile": [{"start": "08:00", "end": "14:00", "share": 1.0}],
        },
        "priority_share": 0.0,
        "patience": NEVER,
        "agencies": [
            {
                "id": "a",
                "counters": counters,
                "share": 1.0,
                "service": service or {"kind": "fixed", "value_min": 5},
                "booking": {"from": "08:00", "to": "12:00", "slot_min": 15} | booking,
                **agency,
            }
        ],
    }
    return compile_plan(parse_scenario(data))


def _booked(records: DayRecords) -> dict[str, np.ndarray]:
    s = records.steps
    mine = (s["station"] == 0) & (records.visitors["channel"][s["visitor"]] == 1)
    out = {k: v[mine] for k, v in s.items()}
    out["slot"] = records.visitors["slot"][s["visitor"][mine]]
    out["arrival"] = records.visitors["arrival"][s["visitor"][mine]]
    return out


def test_punctual_bookings_the_counter_can_serve_never_wait() -> None:
    """On time to the second, 5-minute services, one booking per 15-minute slot (requests
    beyond the slots, who would come as walk-ins, are turned away by a walk-in quota of 0):
    every booked visitor is called at the start of their slot."""
    plan = _plan(booking={"share": 1.0, "per_slot": 1}, visitors=30, walk_in_quota=0)
    for seed in range(5):
        b = _booked(simulate_day(plan, seed=seed))
        assert len(b["called"]) > 5
        np.testing.assert_array_equal(b["called"], b["slot"])
        assert (b["channel"] == 1).all()


@pytest.mark.parametrize("policy", ["refused", "walk_in"])
def test_a_booked_visitor_beyond_the_grace_is_handled_as_the_policy_says(policy: str) -> None:
    plan = _plan(
        booking={
            "share": 1.0,
            "per_slot": 1,
            "punctuality": {"mean_min": 20, "sd_min": 0},
            "grace_min": 10,
            "late_policy": policy,
        },
        visitors=10,
    )
    b = _booked(simulate_day(plan, seed=1))
    assert len(b["queued"]) > 3
    if policy == "refused":
        assert (b["outcome"] == OUTCOME_TURNED_AWAY).all()
        assert (b["refused"] == REFUSED_LATE_BOOKING).all()
    else:
        assert (b["outcome"] == OUTCOME_SERVED).all()
        assert (b["channel"] == 0).all()  # a walk-in's ticket


def test_overbooking_by_one_gives_the_waits_of_a_hand_computation() -> None:
    """Four bookings a slot where one counter serves three (5 minutes each, 15-minute slots),
    nobody misses a booking, walk-ins are turned away: the fourth of each slot spills into the
    next one, and every wait is the hand computation's."""
    plan = _plan(booking={"share": 1.0, "per_slot": 4}, visitors=400, walk_in_quota=0)
    records = simulate_day(plan, seed=3)
    b = _booked(records)
    order = np.lexsort((b["arrival"], b["slot"]))
    slots = b["slot"][order]
    assert len(slots) == 16 * 4  # every place booked: the rest asked too late and walked in
    free = 0.0
    expected = []
    for slot in slots:
        call = max(slot, free)
        expected.append(call - slot)
        free = call + 5.0
    np.testing.assert_allclose(b["called"][order] - slots, expected, atol=1e-9)
    assert expected[:5] == [0.0, 5.0, 10.0, 15.0, 5.0]
    s = records.steps
    assert ((s["refused"] == REFUSED_WALK_IN_QUOTA) == (s["outcome"] == OUTCOME_TURNED_AWAY)).all()


def _recursion(records: DayRecords, counters: int) -> tuple[np.ndarray, np.ndarray]:
    """Independent recomputation: booked tickets become callable at their slot's start (or on
    arrival, if later) and go before walk-ins; first come first served within each class; the
    first counter to free up (the lowest number among free ones) calls the next ticket."""
    s = records.steps
    v = records.visitors
    booked = s["channel"] == 1
    eligible = np.where(booked, np.maximum(s["queued"], v["slot"][s["visitor"]]), s["queued"])
    service = s["end"] - s["start"]
    pending = sorted(range(len(eligible)), key=lambda i: (eligible[i], s["queued"][i], i))
    waiting: list[list[tuple[float, float, int]]] = [[], []]
    free = [480.0] * counters
    called = np.full(len(eligible), np.nan)
    head = 0
    t = 0.0
    while head < len(pending) or waiting[0] or waiting[1]:
        ready = 0.0 if waiting[0] or waiting[1] else eligible[pending[head]]
        t = max(t, min(free), ready)  # the next call: a counter free and a ticket callable
        while head < len(pending) and eligible[pending[head]] <= t:
            i = pending[head]
            heapq.heappush(waiting[0 if booked[i] else 1], (eligible[i], s["queued"][i], i))
            head += 1
        k = min(c for c in range(counters) if free[c] <= t)
        i = heapq.heappop(waiting[0] if waiting[0] else waiting[1])[2]
        called[i] = t
        free[k] = t + service[i]
    return called, s["called"]


@pytest.mark.parametrize("seed", range(4))
def test_a_random_day_matches_an_independent_recursion(seed: int) -> None:
    """Booked arrivals with punctuality noise, exponential service, two counters, booked first,
    walk-ins besides: every call time as the recursion computes it."""
    plan = _plan(
        booking={
            "share": 0.6,
            "per_slot": 2,
            "punctuality": {"mean_min": -3, "sd_min": 6},
            "grace_min": 240,
        },
        visitors=80,
        counters=2,
        service={"kind": "exponential", "mean_min": 6},
    )
    records = simulate_day(plan, seed=seed)
    expected, called = _recursion(records, 2)
    assert (records.steps["channel"] == 1).sum() > 10 and (records.steps["channel"] == 0).sum() > 10
    np.testing.assert_allclose(called, expected, atol=1e-9)


def _invariant_breaches(records: DayRecords, reserved: int) -> list[str]:
    s = records.steps
    v = records.visitors
    at = (s["station"] == 0) & (s["outcome"] != OUTCOME_TURNED_AWAY)
    booked = at & (s["channel"] == 1)
    slot = v["slot"][s["visitor"]]
    ready = np.maximum(s["queued"], slot)
    gone = np.where(s["outcome"] == OUTCOME_ABANDONED, s["end"], s["called"])
    problems = []
    early = booked & (s["called"] < slot - 1e-9)
    if early.any():
        problems.append(f"{int(early.sum())} booked called before their slot")
    for i in np.flatnonzero(at & (s["channel"] == 0) & (s["outcome"] == OUTCOME_SERVED)):
        t = s["called"][i]
        blocked = booked & (ready < t - 1e-9) & (gone > t + 1e-9)
        if blocked.any():
            problems.append(f"walk-in called at {t:.2f} while a booked visitor was due")
    if reserved:
        walk_in_on_reserved = (
            at & (s["channel"] == 0) & (s["counter"] < reserved) & (s["outcome"] == OUTCOME_SERVED)
        )
        if walk_in_on_reserved.any():
            problems.append("a reserved counter called a walk-in")
    return problems


@pytest.mark.parametrize("reserved", [0, 1])
def test_booked_first_invariants_on_random_days(reserved: int) -> None:
    plan = _plan(
        booking={
            "share": 0.5,
            "per_slot": 3,
            "no_show": 0.2,
            "punctuality": {"mean_min": -5, "sd_min": 10},
            "reserved_counters": reserved,
        },
        visitors=150,
        counters=3,
        service={"kind": "exponential", "mean_min": 5},
        patience={"kind": "exponential", "mean_min": 45},
    )
    for seed in range(10):
        assert _invariant_breaches(simulate_day(plan, seed=seed), reserved) == [], seed


def test_booking_figures_per_channel() -> None:
    plan = _plan(
        booking={
            "share": 0.5,
            "per_slot": 2,
            "no_show": 0.25,
            "punctuality": {"mean_min": 2, "sd_min": 4},
            "reserved_counters": 1,
        },
        visitors=120,
        counters=2,
        service={"kind": "exponential", "mean_min": 5},
    )
    result = run_experiment(plan, seed=4, replications=6)
    row = result.row("a")
    assert 0 < row["slot_fill"] <= 1
    assert abs(row["booking_no_show_share"] - 0.25) < 0.1
    assert abs(row["lateness_mean_min"] - 2) < 1.5
    assert row["wait_mean_booked_min"] < row["wait_mean_walk_in_min"]
    assert row["reserved_idle_min"] > 0
    per_rep = result.per_replication.query("agency == 'a'")
    assert (per_rep["bookings"] == per_rep["booking_no_shows"] + per_rep["booked_came"]).all()


def test_an_early_booked_visitor_waits_from_the_slot_and_is_patient_until_it() -> None:
    """Booked visitors 20 minutes early with 10 minutes of patience: they wait for their slot
    (they cannot be called before it), so nobody gives up, everyone is called at the slot's
    start and their wait, counted from the slot, is zero."""
    plan = _plan(
        booking={"share": 1.0, "per_slot": 1, "punctuality": {"mean_min": -20, "sd_min": 0}},
        visitors=30,
        walk_in_quota=0,
        patience={"kind": "fixed", "value_min": 10},
    )
    records = simulate_day(plan, seed=2)
    b = _booked(records)
    assert len(b["called"]) > 5
    assert (b["outcome"] == OUTCOME_SERVED).all()
    np.testing.assert_array_equal(b["called"], b["slot"])
    row = run_experiment(plan, seed=2, replications=2).row("a")
    assert row["wait_mean_booked_min"] == 0.0 and row["within_target_booked"] == 1.0
