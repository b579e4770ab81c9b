"""Stories of a simulated day, told on tiny hand-made scenarios with fixed service times.

Arrival times are random (Poisson), so each story asks for the first seed whose day has the
visitors it needs (e.g. "exactly two visitors, within one minute") and then checks what must
follow from their recorded arrival times, to the last floating-point bit where the outcome is
exact. Stories that do not depend on the front office run twice: visitors walking in straight to
the agency's queue ("door") and visitors passing a ticket kiosk that takes no time ("kiosk"),
which are different paths through the engine with the same expected outcome.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from simulator.engine import simulate_day
from simulator.metrics import agency_kpis
from simulator.plan import CounterSchedule, Plan, compile_plan
from simulator.records import (
    INFO_STATION,
    KIOSK_STATION,
    OUTCOME_ABANDONED,
    OUTCOME_SERVED,
    OUTCOME_TURNED_AWAY,
    DayRecords,
)
from simulator.scenario import parse_scenario

FRONT = ["door", "kiosk"]
NEVER = {"kind": "fixed", "value_min": 10_000}  # patience longer than any day
INSTANT_KIOSK = {"kiosks": {"count": 1, "service": {"kind": "fixed", "value_min": 0}}}


def _minutes(clock: str) -> float:
    hours, minutes = clock.split(":")
    return int(hours) * 60.0 + int(minutes)


def _scenario(
    *,
    front: str = "door",
    hours: tuple[str, str, str, str] = ("08:00", "08:00", "12:00", "12:00"),
    arrivals: tuple[str, str] = ("08:00", "08:01"),
    visitors: float = 2,
    counters: int = 1,
    service_min: float = 10.0,
    breaks: tuple[dict[str, Any], ...] = (),
    **extra: Any,
) -> dict[str, Any]:
    """A one-agency day: fixed service, nobody gives up, nobody has priority, unless told."""
    tickets_open, service_start, last_ticket, closing = hours
    data: dict[str, Any] = {
        "name": "story",
        "day": {
            "weekday": "tue",
            "hours": {
                "tickets_open": tickets_open,
                "service_start": service_start,
                "last_ticket": last_ticket,
                "closing": closing,
                "breaks": list(breaks),
            },
        },
        "demand": {
            "visitors_per_day": visitors,
            "arrival_profile": [{"start": arrivals[0], "end": arrivals[1], "share": 1.0}],
        },
        "priority_share": 0.0,
        "patience": NEVER,
        "agencies": [
            {
                "id": "a",
                "counters": counters,
                "share": 1.0,
                "service": {"kind": "fixed", "value_min": service_min},
            }
        ],
    }
    if front == "kiosk":
        data["front_office"] = INSTANT_KIOSK
    data.update(extra)
    return data


def _plan(data: dict[str, Any]) -> Plan:
    return compile_plan(parse_scenario(data))


def _day(
    plan: Plan,
    *,
    visitors: int | None = None,
    where: Callable[[DayRecords], bool] = lambda records: True,
) -> DayRecords:
    """The first day (seed 0, 1, ...) with ``visitors`` visitors (if given) where ``where``
    holds."""
    for seed in range(2_000):
        records = simulate_day(plan, seed=seed)
        if (visitors is None or records.n_visitors == visitors) and where(records):
            return records
    raise AssertionError("no seed below 2000 gives the day this story needs")


def _at(records: DayRecords, station: int) -> dict[str, np.ndarray]:
    """The steps at one station, in visitor order."""
    s = records.steps
    mine = s["station"] == station
    order = np.argsort(s["visitor"][mine], kind="stable")
    return {name: column[mine][order] for name, column in s.items()}


# ------------------------------------------------------------------------------ one counter


@pytest.mark.parametrize("front", FRONT)
def test_second_visitor_waits_exactly_the_rest_of_the_first_service(front: str) -> None:
    records = _day(_plan(_scenario(front=front)), visitors=2)
    first, second = records.visitors["arrival"]
    a = _at(records, 0)

    # The first walks up to the idle counter and is served for exactly ten minutes.
    assert a["called"][0] == first
    assert a["end"][0] == first + 10.0
    # The second took a ticket a moment later and is called the instant the counter is free.
    assert a["queued"][1] == second
    assert a["called"][1] == first + 10.0
    assert a["called"][1] - a["queued"][1] == pytest.approx(10.0 - (second - first), abs=1e-12)
    assert a["end"][1] == first + 20.0
    assert list(a["outcome"]) == [OUTCOME_SERVED, OUTCOME_SERVED]
    assert list(a["counter"]) == [0, 0]
    # Without a floor plan nobody walks: they leave the moment their service ends.
    np.testing.assert_array_equal(records.visitors["exit"], a["end"])
    np.testing.assert_array_equal(records.visitors["walk_m"], [0.0, 0.0])


@pytest.mark.parametrize("front", FRONT)
def test_priority_visitor_arriving_later_is_called_before_a_waiting_normal_one(
    front: str,
) -> None:
    plan = _plan(_scenario(front=front, visitors=3, priority_share=0.5))
    records = _day(
        plan,
        visitors=3,
        where=lambda r: list(r.visitors["priority"]) == [False, False, True],
    )
    first, normal, priority = records.visitors["arrival"]
    a = _at(records, 0)

    # Non-preemptive: the first visitor's service is not interrupted by the priority arrival.
    assert a["end"][0] == first + 10.0
    # The priority visitor came last but is called next; the normal one waits for both.
    assert normal < priority < first + 10.0
    assert a["called"][2] == first + 10.0
    assert a["called"][1] == first + 20.0
    assert a["called"][1] - a["queued"][1] > a["called"][2] - a["queued"][2]


@pytest.mark.parametrize("front", FRONT)
def test_impatient_visitor_leaves_when_patience_runs_out_not_when_called(front: str) -> None:
    plan = _plan(_scenario(front=front, patience={"kind": "fixed", "value_min": 4}))
    records = _day(plan, visitors=2)
    second = records.visitors["arrival"][1]
    a = _at(records, 0)

    assert a["outcome"][0] == OUTCOME_SERVED
    # The counter frees at first + 10, but the second visitor gave up four minutes after the
    # ticket, and that is when the record says they left. The counter still calls the ticket
    # when it frees (a no-show call, as in a ticket log).
    first = records.visitors["arrival"][0]
    assert a["outcome"][1] == OUTCOME_ABANDONED
    assert a["end"][1] == second + 4.0
    assert a["called"][1] == first + 10.0
    assert a["counter"][1] == 0
    assert records.visitors["exit"][1] == second + 4.0
    row = agency_kpis(records, plan).set_index("agency").loc["a"]
    assert (row["served"], row["abandoned"]) == (1, 1)


@pytest.mark.parametrize("front", FRONT)
def test_visitor_beyond_the_daily_quota_is_turned_away(front: str) -> None:
    data = _scenario(front=front, visitors=3)
    data["agencies"][0]["daily_quota"] = 2
    plan = _plan(data)
    records = _day(plan, visitors=3)
    a = _at(records, 0)

    assert list(a["outcome"]) == [OUTCOME_SERVED, OUTCOME_SERVED, OUTCOME_TURNED_AWAY]
    assert math.isnan(a["called"][2])
    # Turned away at the kiosk (or door), they leave at once.
    assert records.visitors["exit"][2] == records.visitors["arrival"][2]
    row = agency_kpis(records, plan).set_index("agency").loc["a"]
    assert (row["arrivals"], row["served"], row["turned_away"]) == (3, 2, 1)


@pytest.mark.parametrize("front", FRONT)
def test_arrivals_after_the_last_ticket_are_turned_away(front: str) -> None:
    data = _scenario(
        front=front,
        hours=("08:00", "08:00", "09:00", "10:00"),
        arrivals=("08:00", "10:00"),
        visitors=30,
        counters=3,
        service_min=2.0,
    )
    plan = _plan(data)
    records = simulate_day(plan, seed=1)
    a = _at(records, 0)
    late = a["queued"] > _minutes("09:00")

    assert late.any() and (~late).any()
    assert (a["outcome"][late] == OUTCOME_TURNED_AWAY).all()
    assert (a["outcome"][~late] == OUTCOME_SERVED).all()
    row = agency_kpis(records, plan).set_index("agency").loc["a"]
    assert row["turned_away"] == late.sum()


@pytest.mark.parametrize("front", FRONT)
def test_tickets_taken_before_service_starts_wait_for_opening(front: str) -> None:
    plan = _plan(
        _scenario(
            front=front, hours=("07:30", "08:00", "12:00", "12:00"), arrivals=("07:30", "07:50")
        )
    )
    records = _day(plan, visitors=2)
    a = _at(records, 0)

    assert (a["queued"] < _minutes("08:00")).all()
    assert list(a["called"]) == [_minutes("08:00"), _minutes("08:10")]


def test_ticket_holders_are_served_after_closing_and_overtime_is_measured() -> None:
    plan = _plan(
        _scenario(
            hours=("11:00", "11:00", "12:00", "12:00"), arrivals=("11:50", "12:00"), visitors=8
        )
    )
    records = _day(plan, where=lambda r: r.n_visitors >= 5)
    a = _at(records, 0)
    closing = _minutes("12:00")

    # One counter, ten minutes each: the queue is worked off one by one after closing.
    assert (a["outcome"] == OUTCOME_SERVED).all()
    np.testing.assert_allclose(np.diff(a["end"]), 10.0)
    assert a["end"][-1] > closing + 30.0
    row = agency_kpis(records, plan).set_index("agency").loc["a"]
    assert row["overtime_min"] == pytest.approx(a["end"][-1] - closing)


# ------------------------------------------------------------------------------ the break


def _break_day(front: str) -> tuple[Plan, DayRecords]:
    """Two counters, half staffed from 12:00 to 13:00, and a queue all through the break.

    The day chosen has counter 1 still serving when the break begins, and visitors still
    waiting when it ends.
    """
    data = _scenario(
        front=front,
        hours=("11:00", "11:00", "14:00", "14:00"),
        arrivals=("11:00", "14:00"),
        visitors=40,
        counters=2,
        service_min=7.0,
        breaks=({"start": "12:00", "end": "13:00", "staffed_share": 0.5},),
    )
    plan = _plan(data)

    def busy_over_break_start(records: DayRecords) -> bool:
        a = _at(records, 0)
        one = a["counter"] == 1
        noon = _minutes("12:00")
        one_pm = _minutes("13:00")
        waiting_at_one_pm = (a["queued"] < one_pm) & (a["called"] > one_pm)
        return bool(((a["called"][one] < noon) & (a["end"][one] > noon)).any()) and bool(
            waiting_at_one_pm.any()
        )

    return plan, _day(plan, where=busy_over_break_start)


@pytest.mark.parametrize("front", FRONT)
def test_only_the_staffed_counter_calls_during_the_break(front: str) -> None:
    plan, records = _break_day(front)
    assert plan.agencies[0].schedule == CounterSchedule(
        start=660.0, closing=840.0, breaks=((720.0, 780.0, 1),)
    )
    a = _at(records, 0)
    in_break = (a["called"] >= _minutes("12:00")) & (a["called"] < _minutes("13:00"))

    assert in_break.sum() >= 5
    assert (a["counter"][in_break] == 0).all()
    # Counter 0 never rests while visitors wait: each call follows the previous end.
    zero = (a["counter"] == 0) & in_break
    calls = np.sort(a["called"][zero])
    ends = np.sort(a["end"][(a["counter"] == 0)])
    assert np.isin(calls[1:], ends).all()


@pytest.mark.parametrize("front", FRONT)
def test_counter_going_on_break_finishes_its_visitor_and_returns_at_the_end(front: str) -> None:
    _, records = _break_day(front)
    a = _at(records, 0)
    noon, one_pm = _minutes("12:00"), _minutes("13:00")
    one = a["counter"] == 1
    across = one & (a["called"] < noon) & (a["end"] > noon)

    # The visitor at counter 1 when the break starts gets the full seven minutes ...
    assert across.sum() == 1
    assert a["end"][across][0] == a["called"][across][0] + 7.0
    # ... then counter 1 calls nobody until 13:00, when it calls the next ticket at once.
    after = a["called"][one & (a["called"] > a["called"][across][0])]
    assert after.min() == one_pm


# ------------------------------------------------------------------------ several agencies


def _two_agencies(front: str, **extra: Any) -> dict[str, Any]:
    data = _scenario(front=front, arrivals=("08:00", "10:00"), visitors=40, counters=2, **extra)
    data["agencies"] = [
        {**data["agencies"][0], "share": 0.5},
        {
            "id": "b",
            "counters": 1,
            "share": 0.5,
            "service": {"kind": "fixed", "value_min": 5.0},
        },
    ]
    return data


def test_agency_closed_on_the_weekday_gets_no_visitors_and_no_transfers() -> None:
    data = _two_agencies("kiosk", transfers=[{"from": "a", "to": "b", "share": 1.0}])
    data["agencies"][1]["days_open"] = ["mon", "wed"]
    plan = _plan(data)
    records = simulate_day(plan, seed=3)

    assert records.n_visitors > 0
    assert (records.visitors["agency"] == 0).all()
    assert not (records.steps["station"] == 1).any()
    assert not (records.steps["leg"] == 1).any()
    kpis = agency_kpis(records, plan).set_index("agency")
    assert kpis.loc["b", "arrivals"] == 0
    assert kpis.loc["a", "served"] == records.n_visitors


@pytest.mark.parametrize("front", FRONT)
def test_transferred_visitor_takes_a_second_ticket_at_the_destination(front: str) -> None:
    data = _two_agencies(front, transfers=[{"from": "a", "to": "b", "share": 1.0}])
    if front == "kiosk":
        data["front_office"] = {
            "kiosks": {"count": 1, "service": {"kind": "fixed", "value_min": 1}}
        }
    records = simulate_day(_plan(data), seed=5)
    s = records.steps
    first_leg = (s["station"] == 0) & (s["outcome"] == OUTCOME_SERVED)
    assert first_leg.sum() >= 5

    for step in np.flatnonzero(first_leg):
        visitor = s["visitor"][step]
        at_b = np.flatnonzero((s["visitor"] == visitor) & (s["station"] == 1))
        assert len(at_b) == 1, f"visitor {visitor} should have one ticket at b"
        b = at_b[0]
        assert s["leg"][b] == 1
        if front == "kiosk":
            # Back to the kiosk for the second ticket (one minute), then into b's queue.
            kiosk = np.flatnonzero(
                (s["visitor"] == visitor) & (s["station"] == KIOSK_STATION) & (s["leg"] == 1)
            )
            assert len(kiosk) == 1
            assert s["queued"][kiosk[0]] == s["end"][step]
            assert s["queued"][b] == s["end"][kiosk[0]]
        else:
            assert s["queued"][b] == s["end"][step]
        assert s["end"][b] - s["start"][b] == 5.0
        assert records.visitors["exit"][visitor] == s["end"][b]
    # Visitors of b do not go on anywhere.
    assert not ((s["station"] == 0) & (s["leg"] == 1)).any()


def test_information_desk_and_kiosks_are_used_by_the_right_shares() -> None:
    data = _scenario(
        arrivals=("08:00", "11:00"),
        visitors=3_000,
        counters=30,
        service_min=1.0,
        front_office={
            "info_desk": {"staff": 3, "share": 0.25, "service": {"kind": "fixed", "value_min": 1}},
            "kiosks": {"count": 4, "service": {"kind": "fixed", "value_min": 0.2}},
        },
    )
    records = simulate_day(_plan(data), seed=9)
    s = records.steps
    n = records.n_visitors
    info = s["station"] == INFO_STATION
    kiosk = s["station"] == KIOSK_STATION

    # A quarter ask at the information desk (binomial 99.9% interval) ...
    share = np.unique(s["visitor"][info]).size / n
    assert abs(share - 0.25) <= 3.29 * math.sqrt(0.25 * 0.75 / n), share
    assert info.sum() == np.unique(s["visitor"][info]).size
    # ... everybody takes exactly one ticket at a kiosk, after the desk if they went there ...
    assert kiosk.sum() == n
    assert np.array_equal(np.sort(s["visitor"][kiosk]), np.arange(n))
    kiosk_queued = np.empty(n)
    kiosk_queued[s["visitor"][kiosk]] = s["queued"][kiosk]
    kiosk_end = np.empty(n)
    kiosk_end[s["visitor"][kiosk]] = s["end"][kiosk]
    np.testing.assert_array_equal(kiosk_queued[s["visitor"][info]], s["end"][info])
    # ... and joins the agency's queue with it.
    at_a = s["station"] == 0
    np.testing.assert_array_equal(s["queued"][at_a], kiosk_end[s["visitor"][at_a]])
    np.testing.assert_allclose(s["end"][kiosk] - s["start"][kiosk], 0.2)
    np.testing.assert_allclose(s["end"][info] - s["start"][info], 1.0)


# ------------------------------------------------------------------- invariants of any day


def _staffed(schedule: CounterSchedule, counter: int) -> list[tuple[float, float]]:
    """The intervals when ``counter`` is staffed (open-ended after closing)."""
    spans = [(schedule.start, math.inf)]
    for begin, end, staffed in schedule.breaks:
        if counter < staffed:
            continue
        end = min(end, schedule.closing)
        cut: list[tuple[float, float]] = []
        for lo, hi in spans:
            if end <= lo or begin >= hi:
                cut.append((lo, hi))
                continue
            if lo < begin:
                cut.append((lo, begin))
            if end < hi:
                cut.append((end, hi))
        spans = cut
    return spans


def _invariant_violations(records: DayRecords, plan: Plan) -> list[str]:
    """Breaches of: a staffed idle counter calls a waiting visitor at once, counters only start
    service when staffed, and calls go priority first, then by ticket time."""
    s = records.steps
    problems: list[str] = []
    for agency in plan.agencies:
        mine = (s["station"] == agency.index) & (s["outcome"] != OUTCOME_TURNED_AWAY)
        served = s["outcome"][mine] == OUTCOME_SERVED
        queued, called, end = s["queued"][mine], s["called"][mine], s["end"][mine]
        counter, priority = s["counter"][mine], s["priority"][mine]
        stopped_waiting = np.where(served, called, end)
        waited = stopped_waiting - queued > 1e-9
        # A counter is busy while serving, and for no_show_call_min after calling a ticket
        # whose holder left.
        busy_end = np.where(served, end, called + agency.no_show_call_min)
        for k in range(agency.counters):
            at_k = served & (counter == k)
            calls = sorted(zip(called[at_k], end[at_k], strict=True))
            busy = sorted(zip(called[counter == k], busy_end[counter == k], strict=True))
            staffed = _staffed(agency.schedule, k)
            for start, _ in calls:
                if not any(lo <= start < hi for lo, hi in staffed):
                    problems.append(f"{agency.id} counter {k} called at {start} while off duty")
            for lo, hi in staffed:
                t = lo
                for b_start, b_end in [*busy, (math.inf, math.inf)]:
                    idle_to = min(b_start, hi)
                    if idle_to > t:
                        overlap = np.minimum(stopped_waiting, idle_to) - np.maximum(queued, t)
                        if (waited & (overlap > 1e-7)).any():
                            problems.append(
                                f"{agency.id} counter {k} idle {t:.2f}-{idle_to:.2f} while "
                                "a visitor waited"
                            )
                    t = max(t, b_end)
                    if t >= hi:
                        break
        for i in np.flatnonzero(served):
            waiting = (queued < called[i] - 1e-9) & (stopped_waiting > called[i] + 1e-9)
            ahead = waiting & (
                (priority & ~priority[i]) | ((priority == priority[i]) & (queued < queued[i]))
            )
            if ahead.any():
                problems.append(f"{agency.id}: call at {called[i]:.2f} skipped a visitor ahead")
    return problems


def _busy_day(front: str, breaks: list[dict[str, Any]]) -> dict[str, Any]:
    data = _two_agencies(
        front,
        priority_share=0.3,
        patience={"kind": "exponential", "mean_min": 30},
        transfers=[{"from": "a", "to": "b", "share": 0.2}],
    )
    data["demand"]["arrival_profile"] = [{"start": "08:00", "end": "14:00", "share": 1.0}]
    data["demand"]["visitors_per_day"] = 120
    data["agencies"][0]["counters"] = 4
    data["agencies"][0]["service"] = {"kind": "exponential", "mean_min": 9}
    data["day"]["hours"] |= {"last_ticket": "14:00", "closing": "14:00", "breaks": breaks}
    return data


@pytest.mark.parametrize("front", FRONT)
@pytest.mark.parametrize("staffed_share", [0.0, 0.5])
def test_counters_never_idle_while_visitors_wait_and_call_in_order(
    front: str, staffed_share: float
) -> None:
    plan = _plan(
        _busy_day(front, [{"start": "12:00", "end": "13:00", "staffed_share": staffed_share}])
    )
    for seed in range(8):
        records = simulate_day(plan, seed=seed)
        assert _invariant_violations(records, plan) == [], f"seed {seed}"


@pytest.mark.parametrize(
    ("breaks", "visitors"),
    [
        ([("12:00", "12:30", 0.0), ("12:30", "13:00", 0.25)], 120),
        ([("09:00", "09:20", 1.0), ("10:00", "10:40", 0.0), ("11:40", "12:40", 0.25)], 30),
    ],
    ids=["adjacent", "apart"],
)
def test_counter_staffed_in_a_later_break_is_not_forgotten(
    breaks: list[tuple[str, str, float]], visitors: int
) -> None:
    """Breaks staffing different shares of the counters: a counter that went idle while off
    duty must serve once it is staffed again. Both cases caught the engine before d248894."""
    data = _busy_day("door", [{"start": a, "end": b, "staffed_share": x} for a, b, x in breaks])
    data["demand"]["visitors_per_day"] = visitors
    plan = _plan(data)
    problems = [
        p for seed in range(40) for p in _invariant_violations(simulate_day(plan, seed=seed), plan)
    ]
    assert problems == []


def test_utilisation_counts_only_staffed_time() -> None:
    """Busy days with a half-staffed break: a service running on into the break counts only
    while its counter is staffed, so utilisation stays at or below 1."""
    breaks = [{"start": "12:00", "end": "13:00", "staffed_share": 0.5}]
    plan = _plan(_busy_day("door", breaks))
    for seed in range(5):
        kpis = agency_kpis(simulate_day(plan, seed=seed), plan)
        assert (kpis["utilisation"].dropna() <= 1.0 + 1e-9).all()
