"""The day's KPIs per agency, computed for all agencies at once, equal a recomputation agency
by agency from the records (the plain definition, kept here as the reference)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.engine import simulate_day
from simulator.inputs import plan_for
from simulator.metrics import (
    AGENCY_KPIS,
    OVERALL,
    POOLED_SUMS,
    _day_steps,
    agency_kpis,
    step_average,
    wait_quantile,
)
from simulator.plan import Plan
from simulator.records import (
    OUTCOME_TURNED_AWAY,
    REFUSED_LATE_BOOKING,
    REFUSED_WALK_IN_QUOTA,
    DayRecords,
)
from simulator.scenario import load_scenario

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_agency_figure_equals_its_recomputation_agency_by_agency(path: Path) -> None:
    plan = plan_for(load_scenario(path))
    for replication in range(2):
        records = simulate_day(plan, seed=11, replication=replication)
        fast = agency_kpis(records, plan)
        slow = reference_agency_kpis(records, plan)
        assert list(fast.columns) == list(slow.columns)
        assert list(fast["agency"]) == [*plan.agency_ids, OVERALL]
        for column in fast.columns[1:]:
            assert fast[column].dtype == slow[column].dtype, column
            np.testing.assert_allclose(
                fast[column].to_numpy(float),
                slow[column].to_numpy(float),
                rtol=1e-9,
                atol=1e-9,
                err_msg=f"{path.stem}, replication {replication}: {column}",
            )


def test_the_shipped_days_exercise_what_the_recomputation_checks() -> None:
    """The comparison above means something only if the days have what it compares."""
    plans = [plan_for(load_scenario(path)) for path in SCENARIOS]
    seen = pd.concat(reference_agency_kpis(simulate_day(plan, seed=11), plan) for plan in plans)
    for column in ("abandoned", "turned_away", "bookings", "holders_priority", "early"):
        assert seen[column].sum() > 0, column
    assert (seen["holders"] == 0).any()  # an agency nobody came to: NaN figures


def _wait_figures(
    wait: np.ndarray,
    called: np.ndarray,
    groups: dict[str, np.ndarray],
    before: np.ndarray,
    early: np.ndarray,
    target: float,
) -> dict[str, float]:
    """Wait KPIs and pooling sums of one group of holders (see the module's basis)."""
    n = len(wait)
    within = int(np.sum(called & (wait <= target)))
    waited = int(np.sum(wait > 0))
    mine_called = wait[called]
    row: dict[str, float] = {
        "holders": n,
        "called": int(called.sum()),
        "called_within": within,
        "waited": waited,
        "wait_sum": float(mine_called.sum()),
        "before_sum": float(before[called].sum()),
        "after_sum": float(mine_called.sum() - before[called].sum()),
        "early": int(early.sum()),
        "wait_mean_min": float(mine_called.mean()) if len(mine_called) else math.nan,
        "wait_p50_min": wait_quantile(wait, 0.5),
        "wait_p90_min": wait_quantile(wait, 0.9),
        "wait_p95_min": wait_quantile(wait, 0.95),
        "wait_max_min": float(mine_called.max()) if len(mine_called) else math.nan,
        "within_target": within / n if n else math.nan,
        "waited_share": waited / n if n else math.nan,
        "share_arrived_before_opening": float(early.mean()) if n else math.nan,
    }
    before_mean = float(before[called].mean()) if len(mine_called) else math.nan
    row["wait_before_opening_mean_min"] = before_mean
    row["wait_after_opening_mean_min"] = row["wait_mean_min"] - before_mean
    for label, group in groups.items():
        group_called = called & group
        group_within = int(np.sum(group_called & (wait <= target)))
        row[f"holders_{label}"] = int(group.sum())
        row[f"called_{label}"] = int(group_called.sum())
        row[f"called_within_{label}"] = group_within
        row[f"wait_sum_{label}"] = float(wait[group_called].sum())
        row[f"wait_mean_{label}_min"] = (
            float(wait[group_called].mean()) if group_called.any() else math.nan
        )
        row[f"wait_p90_{label}_min"] = wait_quantile(wait[group], 0.9)
        row[f"within_target_{label}"] = group_within / group.sum() if group.any() else math.nan
    return row


def _booking_figures(records: DayRecords, plan: Plan, agencies: Sequence[int]) -> dict[str, float]:
    """Online booking of ``agencies`` on one day: bookings against the slots offered, those
    who never came, how punctual those who came were, and how many came too late."""
    b = records.bookings
    mine = np.isin(b["agency"], agencies) if len(b.get("agency", ())) else np.zeros(0, bool)
    bookings = int(mine.sum())
    no_shows = int((mine & ~b["came"]).sum()) if bookings else 0
    offered = [plan.agencies[i] for i in agencies if plan.agencies[i].open_today]
    capacity = sum(a.booking.capacity for a in offered if a.booking is not None)
    v = records.visitors
    came = np.isin(v["agency"], agencies) & (v["channel"] == 1)
    lateness = v["arrival"][came] - v["slot"][came]
    grace_of = np.asarray(
        [a.booking.grace_min if a.booking is not None else 0.0 for a in plan.agencies] or [0.0]
    )
    grace = grace_of[v["agency"][came]]
    late = int(np.sum(lateness > grace))
    return {
        "bookings": bookings,
        "booking_no_shows": no_shows,
        "booking_no_show_share": no_shows / bookings if bookings else math.nan,
        "slot_capacity": capacity,
        "slot_fill": bookings / capacity if capacity else math.nan,
        "booked_came": int(came.sum()),
        "lateness_sum": float(lateness.sum()),
        "lateness_mean_min": float(lateness.mean()) if len(lateness) else math.nan,
        "late_arrivals": late,
        "late_share": late / len(lateness) if len(lateness) else math.nan,
    }


def reference_agency_kpis(records: DayRecords, plan: Plan) -> pd.DataFrame:
    """The KPIs recomputed agency by agency, each figure from its own masks: the definition
    that :func:`~simulator.metrics.agency_kpis` computes for all agencies at once."""
    s = records.steps
    d = _day_steps(records, plan)
    station, measured, holder, served = d.station, d.measured, d.holder, d.served
    outcome, abandoned, wait, before, early = s["outcome"], d.abandoned, d.wait, d.before, d.early
    leave, edges, queue_busy, reserved_idle = d.leave, d.edges, d.queue_busy, d.reserved_idle
    v = records.visitors
    walk = pd.Series(v["walk_m"]).groupby(v["agency"])
    walk_sum, walkers = walk.sum(), walk.count()

    def row_for(mine: np.ndarray, holders: np.ndarray) -> dict[str, float]:
        row: dict[str, float] = {
            "arrivals": int(mine.sum()),
            "served": int((mine & served).sum()),
            "turned_away": int((mine & (outcome == OUTCOME_TURNED_AWAY)).sum()),
            "abandoned": int((mine & abandoned).sum()),
        }
        priority = s["priority"][holders]
        booked = s["channel"][holders] == 1
        row |= _wait_figures(
            wait[holders],
            served[holders],
            {"priority": priority, "regular": ~priority, "booked": booked, "walk_in": ~booked},
            before[holders],
            early[holders],
            plan.target_wait_min,
        )
        row["walk_in_turned_away"] = int((mine & (s["refused"] == REFUSED_WALK_IN_QUOTA)).sum())
        row["late_refused"] = int((mine & (s["refused"] == REFUSED_LATE_BOOKING)).sum())
        queue, peak = step_average(s["queued"][holders], leave[holders], edges)
        row["queue_mean"] = float(queue[0])
        row["queue_max"] = peak
        return row

    rows = []
    for agency in plan.agencies:
        here = station == agency.index
        queue = plan.queues[plan.queue_of[agency.index]]
        row: dict[str, float | str] = {"agency": agency.id, "counters": queue.counters}
        row |= row_for(measured & here, holder & here)
        # An agency sharing a counter group shows the group's utilisation.
        busy, capacity = queue_busy[queue.index]
        row["busy_min"] = busy
        row["capacity_min"] = capacity
        row["utilisation"] = busy / capacity if capacity > 0 else math.nan
        finished = here & served
        row["overtime_min"] = (
            max(0.0, float(s["end"][finished].max()) - plan.closing) if finished.any() else 0.0
        )
        walked, walking = float(walk_sum.get(agency.index, 0.0)), int(walkers.get(agency.index, 0))
        row["walk_sum_m"] = walked
        row["walkers"] = walking
        row["walk_mean_m"] = walked / walking if walking else math.nan
        row |= _booking_figures(records, plan, [agency.index])
        row["reserved_idle_min"] = reserved_idle[queue.index]
        rows.append(row)

    overall: dict[str, float | str] = {
        "agency": OVERALL,
        "counters": sum(q.counters for q in plan.queues if plan.queue_open(q)),
    }
    overall |= row_for(measured, holder)
    overall |= _booking_figures(records, plan, [a.index for a in plan.agencies])
    overall["reserved_idle_min"] = sum(reserved_idle)
    busy_all = sum(busy for busy, _ in queue_busy)
    capacity_all = sum(capacity for _, capacity in queue_busy)
    overall["busy_min"] = busy_all
    overall["capacity_min"] = capacity_all
    overall["utilisation"] = busy_all / capacity_all if capacity_all > 0 else math.nan
    overall["overtime_min"] = max((float(r["overtime_min"]) for r in rows), default=0.0)
    overall["walk_sum_m"] = float(v["walk_m"].sum())
    overall["walkers"] = len(v["walk_m"])
    overall["walk_mean_m"] = float(v["walk_m"].mean()) if len(v["walk_m"]) else math.nan
    rows.append(overall)
    return pd.DataFrame(rows, columns=["agency", *AGENCY_KPIS, *POOLED_SUMS])
