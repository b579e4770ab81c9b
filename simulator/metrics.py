"""KPIs of one simulated day, computed vectorised from its records.

**The wait basis** (one for every wait figure of a run; ``WAIT_BASIS`` says it in the JSON):
- *who*: ticket holders at an agency (visitors turned away hold no ticket), whose ticket was
  taken after the warm-up;
- *from*: the ticket, or the opening of the counters for a ticket taken before it when the
  target counts from ``service_start``, or the slot's start for a booked visitor who came
  early (booked tickets are not called before their slot);
- *to*: being called to a counter. A holder who gave up was never called: they count as not
  called within any time, so they are above every percentile and outside the target, and the
  mean wait is the mean of those called. So ``p90 <= target`` and "at least 90% called within
  the target" are one statement (percentiles are the inverted empirical CDF: the smallest wait
  within which that share of holders was called; infinite when fewer were ever called).

Other definitions (minutes):
- *before/after opening*: the part of a called holder's wait before the counters open (holding a
  ticket early), and the rest; they add up to the wait;
- *utilisation*: counter busy time (walk-up, service, and calls of tickets whose holder left)
  inside the staffed hours, over the staffed counter-minutes;
- *queue*: tickets waiting to be called, time-weighted over [tickets open, closing];
- *overtime*: how long after closing the agency's last service ended.

Each day's row also carries the sums (:data:`POOLED_SUMS`) from which figures over several days
are pooled (:mod:`simulator.pooled`): a run's headline figures are those of all its simulated
visitors together, never averages of daily percentiles, so they cannot contradict each other.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.plan import Plan, QueuePlan
from simulator.records import (
    OUTCOME_ABANDONED,
    OUTCOME_SERVED,
    OUTCOME_TURNED_AWAY,
    OUTSIDE,
    REFUSED_LATE_BOOKING,
    REFUSED_WALK_IN_QUOTA,
    DayRecords,
)
from simulator.stats import inverted_cdf_index, mean_ci
from simulator.walking import SiteLayout

__all__ = [
    "AGENCY_KPIS",
    "OVERALL",
    "POOLED_SUMS",
    "WAIT_COLUMNS",
    "ZONE_COLUMNS",
    "ZONE_KPIS",
    "ZoneCrowding",
    "agency_kpis",
    "ci_frame",
    "holder_waits",
    "queue_timeline",
    "step_average",
    "step_waits",
    "wait_basis",
    "wait_origin",
    "wait_quantile",
    "zone_crowding",
]

OVERALL = "overall"
AGENCY_KPIS = (
    "counters",
    "arrivals",
    "served",
    "turned_away",
    "abandoned",
    "wait_mean_min",
    "wait_p50_min",
    "wait_p90_min",
    "wait_p95_min",
    "wait_max_min",
    "within_target",
    "waited_share",
    "wait_mean_priority_min",
    "wait_p90_priority_min",
    "wait_mean_regular_min",
    "wait_p90_regular_min",
    "wait_before_opening_mean_min",
    "wait_after_opening_mean_min",
    "share_arrived_before_opening",
    "utilisation",
    "queue_mean",
    "queue_max",
    "overtime_min",
    "walk_mean_m",
    "wait_mean_booked_min",
    "wait_p90_booked_min",
    "within_target_booked",
    "wait_mean_walk_in_min",
    "wait_p90_walk_in_min",
    "within_target_walk_in",
    "bookings",
    "booking_no_shows",
    "booking_no_show_share",
    "slot_fill",
    "lateness_mean_min",
    "late_share",
    "late_refused",
    "walk_in_turned_away",
    "reserved_idle_min",
)
BOOKING_KPIS = AGENCY_KPIS[AGENCY_KPIS.index("wait_mean_booked_min") :]
"""The KPIs of online booking and of the two channels (booked, walk-in)."""
POOLED_SUMS = (
    "holders",
    "called",
    "called_within",
    "waited",
    "wait_sum",
    "before_sum",
    "after_sum",
    "early",
    "holders_priority",
    "called_priority",
    "wait_sum_priority",
    "holders_regular",
    "called_regular",
    "wait_sum_regular",
    "holders_booked",
    "called_booked",
    "called_within_booked",
    "wait_sum_booked",
    "holders_walk_in",
    "called_walk_in",
    "called_within_walk_in",
    "wait_sum_walk_in",
    "slot_capacity",
    "booked_came",
    "lateness_sum",
    "late_arrivals",
    "busy_min",
    "capacity_min",
    "walk_sum_m",
    "walkers",
)
"""Per-day sums behind the ratio KPIs, so several days pool into one figure."""
WAIT_COLUMNS = ("agency", "wait_min", "called", "priority", "channel", "before_opening_min")
"""Columns of :func:`holder_waits`: one row per ticket holder."""
ZONE_COLUMNS = ("priority", "agencies", "front_office")
"""What a zone is: a priority zone, the agencies whose visitors it is the first choice of (or
who waited in it), and whether the kiosk lines stand in it."""
ZONE_KPIS = (
    "seats",
    "standing_capacity",
    "visitors",
    "occupancy_mean",
    "waiting_peak",
    "peak_over_seats",
    "peak_over_capacity",
    "stood_share",
    "overflow_share",
    "walk_mean_m",
)


def wait_basis(plan: Plan) -> dict[str, object]:
    """The wait basis of ``plan``'s KPIs, as the run's JSON states it."""
    return {
        "who": "ticket holders",
        "from": "ticket" if plan.wait_counted_from_min == -math.inf else "service_start",
        "booked_from": "the later of the ticket and the slot's start",
        "to": "called",
        "gave_up": "never called: outside the target and above every percentile; "
        "not in the mean wait",
        "percentile": "inverted empirical CDF over all replications pooled",
        "warmup_min": (
            0.0
            if plan.measured_from_min == -math.inf
            else plan.measured_from_min - plan.tickets_open
        ),
    }


def wait_quantile(waits: np.ndarray, q: float) -> float:
    """The smallest wait within which a share ``q`` of ``waits`` (inf = never called) fall;
    inf when fewer than that share were called, NaN without waits."""
    if len(waits) == 0:
        return math.nan
    ordered = np.sort(waits)  # for a few hundred values, far cheaper than numpy.quantile
    if math.isnan(ordered[-1]):  # NaN sorts last
        return math.nan
    return float(ordered[inverted_cdf_index(len(ordered), q)])


def step_average(
    enter: np.ndarray, leave: np.ndarray, edges: np.ndarray
) -> tuple[np.ndarray, float]:
    """Time-weighted mean count of intervals [enter, leave) in each bin of ``edges``, and max."""
    if len(enter) == 0:
        return np.zeros(len(edges) - 1), 0.0
    times = np.concatenate([enter, leave])
    deltas = np.concatenate([np.ones(len(enter)), -np.ones(len(leave))])
    order = np.lexsort((deltas, times))  # leaves before enters at equal times
    times = times[order]
    level = np.cumsum(deltas[order])
    peak = float(level.max()) if len(level) else 0.0
    # integral of the step function up to each event time
    area = np.concatenate([[0.0], np.cumsum(level[:-1] * np.diff(times))])

    def integral(t: np.ndarray) -> np.ndarray:
        idx = np.searchsorted(times, t, side="right") - 1
        out = np.zeros(len(t))
        inside = idx >= 0
        out[inside] = area[idx[inside]] + level[idx[inside]] * (t[inside] - times[idx[inside]])
        return out

    totals = integral(edges)
    return np.diff(totals) / np.diff(edges), peak


def wait_origin(records: DayRecords, plan: Plan) -> np.ndarray:
    """When each step's wait starts: its ticket; the opening, for a ticket taken before it
    when the target counts from there; the slot's start, for a booked visitor who came early
    to an agency that calls bookings from their slot (they cannot be called before it)."""
    s = records.steps
    origin: np.ndarray = np.maximum(s["queued"], plan.wait_counted_from_min)
    slot_first = np.asarray(
        [a.booking is not None and a.booking.priority_over_walk_in for a in plan.agencies]
        or [False]
    )
    booked = (s["channel"] == 1) & (s["station"] >= 0)
    booked &= slot_first[np.clip(s["station"], 0, None)]
    if booked.any():
        slot = records.visitors["slot"][s["visitor"]]
        origin = np.where(booked, np.maximum(origin, slot), origin)
    return origin


def step_waits(records: DayRecords, plan: Plan) -> np.ndarray:
    """Each step's wait on the run's basis: from :func:`wait_origin` to being called; inf for
    a holder who gave up (never called); NaN for a step that holds no ticket (turned away)."""
    s = records.steps
    origin = wait_origin(records, plan)
    wait = np.clip(s["called"] - origin, 0.0, None)
    wait = np.where(s["outcome"] == OUTCOME_ABANDONED, math.inf, wait)
    return np.where(s["outcome"] == OUTCOME_TURNED_AWAY, np.nan, wait)


def _holders(records: DayRecords, plan: Plan) -> np.ndarray:
    """Mask of the steps counted in wait KPIs: ticket holders at agencies after the warm-up."""
    s = records.steps
    mask: np.ndarray = (
        (s["station"] >= 0)
        & (s["queued"] >= plan.measured_from_min)
        & (s["outcome"] != OUTCOME_TURNED_AWAY)
    )
    return mask


def holder_waits(records: DayRecords, plan: Plan) -> pd.DataFrame:
    """One row per ticket holder (:data:`WAIT_COLUMNS`): agency id, wait on the run's basis
    (inf for those who gave up), whether called, priority, and the part of the wait before
    the counters opened."""
    s = records.steps
    holder = _holders(records, plan)
    wait = step_waits(records, plan)[holder]
    called = s["outcome"][holder] == OUTCOME_SERVED
    origin = wait_origin(records, plan)[holder]
    before = np.clip(np.minimum(s["called"][holder], plan.service_start) - origin, 0.0, None)
    return pd.DataFrame(
        {
            "agency": np.asarray(plan.agency_ids, dtype=object)[s["station"][holder]],
            "wait_min": wait,
            "called": called,
            "priority": s["priority"][holder],
            "channel": s["channel"][holder],
            "before_opening_min": np.where(called, before, np.nan),
        }
    )


def _reserved_idle(
    queue: QueuePlan, called: np.ndarray, end: np.ndarray, counter: np.ndarray
) -> float:
    """Staffed minutes the counters reserved for bookings spent with nobody to call."""
    idle = 0.0
    for k in range(queue.reserved_counters):
        mine = counter == k
        for lo, hi in queue.schedule.staffed_windows(k):
            busy = np.clip(np.minimum(end[mine], hi) - np.maximum(called[mine], lo), 0, None)
            idle += (hi - lo) - float(busy.sum())
    return idle


def _busy_staffed(
    called: np.ndarray, end: np.ndarray, counter: np.ndarray, queue: QueuePlan
) -> float:
    """Counter busy time inside each counter's staffed windows (overruns into breaks and
    overtime are not capacity, so they are not counted as busy either)."""
    busy = 0.0
    for k in range(queue.counters):
        mine = counter == k
        start_k, end_k = called[mine], end[mine]
        for lo, hi in queue.schedule.staffed_windows(k):
            busy += float(np.clip(np.minimum(end_k, hi) - np.maximum(start_k, lo), 0, None).sum())
    return busy


def _queue_busy(
    records: DayRecords, plan: Plan, busy_end: np.ndarray, counted: np.ndarray
) -> list[tuple[float, float]]:
    """(busy minutes, staffed counter-minutes) of each queue's counters."""
    s = records.steps
    queue_of_step = np.asarray(plan.queue_of or (0,))[np.clip(s["station"], 0, None)]
    out = []
    for queue in plan.queues:
        done = counted & (queue_of_step == queue.index)
        busy = _busy_staffed(s["called"][done], busy_end[done], s["counter"][done], queue)
        capacity = queue.schedule.staffed_minutes(queue.counters) if plan.queue_open(queue) else 0.0
        out.append((busy, capacity))
    return out


def _group_quantile(group: np.ndarray, values: np.ndarray, groups: int, q: float) -> np.ndarray:
    """:func:`wait_quantile` of each group's ``values`` at once (NaN for an empty group)."""
    counts = np.bincount(group, minlength=groups)
    ordered = values[np.lexsort((values, group))]  # by group, then value (NaN last)
    starts = np.cumsum(counts) - counts
    out = np.full(groups, math.nan)
    has = counts > 0
    n = counts[has]
    virtual = n * q - 1  # inverted_cdf_index, element by element
    previous = np.floor(virtual)
    index = np.where(virtual - previous == 0, previous, previous + 1)
    index = np.clip(index, 0, n - 1).astype(np.int64) + starts[has]
    last = ordered[starts[has] + n - 1]
    out[has] = np.where(np.isnan(last), math.nan, ordered[index])
    return out


def _group_queue(
    group: np.ndarray, groups: int, enter: np.ndarray, leave: np.ndarray, window: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each group's time-weighted mean number of intervals [enter, leave) over ``window``
    (its two ends), and its peak: :func:`step_average` of every group at once."""
    start, stop = window
    inside = np.clip(np.minimum(leave, stop) - np.maximum(enter, start), 0.0, None)
    mean = np.bincount(group, weights=inside, minlength=groups) / (stop - start)
    times = np.concatenate([enter, leave])
    deltas = np.concatenate([np.ones(len(enter)), -np.ones(len(leave))])
    owner = np.concatenate([group, group])
    order = np.lexsort((deltas, times, owner))  # by group, time, leaves before enters
    # Every interval's enter and leave are both counted, so the running count over all
    # groups is back to 0 where each group's events end: it is each group's own level.
    level = np.cumsum(deltas[order])
    peak = np.zeros(groups)
    np.maximum.at(peak, owner[order], level)
    return mean, peak


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` where ``den > 0``, NaN elsewhere."""
    out = np.full(len(den), math.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _wait_columns(
    group: np.ndarray,
    groups: int,
    wait: np.ndarray,
    called: np.ndarray,
    kinds: dict[str, np.ndarray],
    before: np.ndarray,
    early: np.ndarray,
    target: float,
) -> dict[str, np.ndarray]:
    """Wait KPIs and pooling sums (see the module's basis) of every group of holders at once:
    ``group`` numbers each holder's group, ``kinds`` are masks of holders split by kind."""

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(group[mask], minlength=groups)

    def total(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.bincount(group[mask], weights=values[mask], minlength=groups).astype(float)

    holders = np.bincount(group, minlength=groups)
    n_called = count(called)
    within = count(called & (wait <= target))
    waited = count(wait > 0)
    wait_sum = total(called, wait)
    before_sum = total(called, before)
    wait_max = np.full(groups, -math.inf)
    np.maximum.at(wait_max, group[called], wait[called])
    n_early = count(early)
    wait_mean = _ratio(wait_sum, n_called)
    before_mean = _ratio(before_sum, n_called)
    out = {
        "holders": holders,
        "called": n_called,
        "called_within": within,
        "waited": waited,
        "wait_sum": wait_sum,
        "before_sum": before_sum,
        "after_sum": wait_sum - before_sum,
        "early": n_early,
        "wait_mean_min": wait_mean,
        "wait_p50_min": _group_quantile(group, wait, groups, 0.5),
        "wait_p90_min": _group_quantile(group, wait, groups, 0.9),
        "wait_p95_min": _group_quantile(group, wait, groups, 0.95),
        "wait_max_min": np.where(n_called > 0, wait_max, math.nan),
        "within_target": _ratio(within, holders),
        "waited_share": _ratio(waited, holders),
        "share_arrived_before_opening": _ratio(n_early, holders),
        "wait_before_opening_mean_min": before_mean,
        "wait_after_opening_mean_min": wait_mean - before_mean,
    }
    for label, kind in kinds.items():
        kind_called = called & kind
        kind_holders = count(kind)
        kind_within = count(kind_called & (wait <= target))
        kind_sum = total(kind_called, wait)
        out[f"holders_{label}"] = kind_holders
        out[f"called_{label}"] = count(kind_called)
        out[f"called_within_{label}"] = kind_within
        out[f"wait_sum_{label}"] = kind_sum
        out[f"wait_mean_{label}_min"] = _ratio(kind_sum, out[f"called_{label}"])
        out[f"wait_p90_{label}_min"] = _group_quantile(group[kind], wait[kind], groups, 0.9)
        out[f"within_target_{label}"] = _ratio(kind_within, kind_holders)
    return out


def _booking_columns(
    records: DayRecords, plan: Plan, group_of: np.ndarray, groups: int
) -> dict[str, np.ndarray]:
    """Online booking of every group of agencies (``group_of[agency index]``) on one day:
    bookings against the slots offered, those who never came, how punctual those who came
    were, and how many came too late."""
    b = records.bookings
    booked_agency = b.get("agency", np.zeros(0, np.int64))
    came_flag = b.get("came", np.zeros(0, bool)).astype(bool)
    bookings = np.bincount(group_of[booked_agency], minlength=groups)
    no_shows = np.bincount(group_of[booked_agency[~came_flag]], minlength=groups)
    capacity_of = np.asarray(
        [a.booking.capacity if a.open_today and a.booking is not None else 0 for a in plan.agencies]
        or [0],
        dtype=np.int64,
    )
    capacity = np.zeros(groups, np.int64)
    np.add.at(capacity, group_of, capacity_of[: len(group_of)])
    v = records.visitors
    came = v["channel"] == 1
    lateness = v["arrival"][came] - v["slot"][came]
    grace_of = np.asarray(
        [a.booking.grace_min if a.booking is not None else 0.0 for a in plan.agencies] or [0.0]
    )
    who = group_of[v["agency"][came]]
    late_mask = lateness > grace_of[v["agency"][came]]
    came_count = np.bincount(who, minlength=groups)
    lateness_sum = np.bincount(who, weights=lateness, minlength=groups).astype(float)
    late = np.bincount(who[late_mask], minlength=groups)
    return {
        "bookings": bookings,
        "booking_no_shows": no_shows,
        "booking_no_show_share": _ratio(no_shows, bookings),
        "slot_capacity": capacity,
        "slot_fill": _ratio(bookings, capacity),
        "booked_came": came_count,
        "lateness_sum": lateness_sum,
        "lateness_mean_min": _ratio(lateness_sum, came_count),
        "late_arrivals": late,
        "late_share": _ratio(late, came_count),
    }


@dataclass(frozen=True)
class _DaySteps:
    """Per-step arrays of one day that every agency's figures are read from."""

    station: np.ndarray
    measured: np.ndarray
    """At an agency, ticket taken after the warm-up."""
    holder: np.ndarray
    served: np.ndarray
    abandoned: np.ndarray
    wait: np.ndarray
    before: np.ndarray
    """The part of the wait before the counters opened."""
    early: np.ndarray
    """Arrived (or queued, for a later leg) before the counters opened."""
    leave: np.ndarray
    """When the holder left the queue: called, or gave up."""
    edges: np.ndarray
    """The window the queue is averaged over: tickets open to closing."""
    queue_busy: list[tuple[float, float]]
    reserved_idle: list[float]


def _day_steps(records: DayRecords, plan: Plan) -> _DaySteps:
    """The per-step arrays of ``records`` (see :class:`_DaySteps`) and each queue's busy and
    reserved-idle minutes."""
    s = records.steps
    station = s["station"]
    at_agency = station >= 0
    served = s["outcome"] == OUTCOME_SERVED
    abandoned = s["outcome"] == OUTCOME_ABANDONED
    origin = wait_origin(records, plan)
    first_arrival = records.visitors["arrival"][s["visitor"]]
    # A counter is busy while serving, and for the call of a ticket whose holder had left.
    no_show_cost = np.asarray([plan.queues[q].no_show_call_min for q in plan.queue_of] or [0.0])
    busy_end = np.where(served, s["end"], s["called"] + no_show_cost[np.clip(station, 0, None)])
    counted = at_agency & (served | (abandoned & np.isfinite(s["called"])))
    queue_of_step = np.asarray(plan.queue_of or (0,))[np.clip(station, 0, None)]
    reserved_idle = [
        _reserved_idle(
            q,
            s["called"][counted & (queue_of_step == q.index)],
            busy_end[counted & (queue_of_step == q.index)],
            s["counter"][counted & (queue_of_step == q.index)],
        )
        if q.reserved_counters and plan.queue_open(q)
        else 0.0
        for q in plan.queues
    ]
    return _DaySteps(
        station=station,
        measured=at_agency & (s["queued"] >= plan.measured_from_min),
        holder=_holders(records, plan),
        served=served,
        abandoned=abandoned,
        wait=step_waits(records, plan),
        before=np.clip(np.minimum(s["called"], plan.service_start) - origin, 0.0, None),
        early=np.where(s["leg"] == 0, first_arrival, s["queued"]) < plan.service_start,
        leave=np.where(served, s["called"], s["end"]),
        edges=np.array([plan.tickets_open, max(plan.closing, plan.tickets_open + 1.0)]),
        queue_busy=_queue_busy(records, plan, busy_end, counted),
        reserved_idle=reserved_idle,
    )


def agency_kpis(records: DayRecords, plan: Plan) -> pd.DataFrame:
    """One row per agency plus an ``overall`` row: columns :data:`AGENCY_KPIS` and the sums
    :data:`POOLED_SUMS`. Every figure of every agency is computed at once, grouped by agency
    (a loop over agencies cost a quarter of a replication in numpy's per-call overhead)."""
    s = records.steps
    n = len(plan.agencies)
    d = _day_steps(records, plan)
    station, measured, served, abandoned = d.station, d.measured, d.served, d.abandoned
    outcome = s["outcome"]
    wait, before, early, leave, edges = d.wait, d.before, d.early, d.leave, d.edges
    queue_busy, reserved_idle = d.queue_busy, d.reserved_idle
    at_agency = station >= 0
    h = np.flatnonzero(d.holder)
    priority = s["priority"][h]
    booked = s["channel"][h] == 1
    kinds = {"priority": priority, "regular": ~priority, "booked": booked, "walk_in": ~booked}

    def columns(group_of: np.ndarray, groups: int) -> dict[str, np.ndarray]:
        """The figures of each group of agencies (``group_of[agency index]``)."""
        at = group_of[np.clip(station, 0, None)]

        def count(mask: np.ndarray) -> np.ndarray:
            return np.bincount(at[mask], minlength=groups)

        out = {
            "arrivals": count(measured),
            "served": count(measured & served),
            "turned_away": count(measured & (outcome == OUTCOME_TURNED_AWAY)),
            "abandoned": count(measured & abandoned),
        }
        out |= _wait_columns(
            at[h], groups, wait[h], served[h], kinds, before[h], early[h], plan.target_wait_min
        )
        out["walk_in_turned_away"] = count(measured & (s["refused"] == REFUSED_WALK_IN_QUOTA))
        out["late_refused"] = count(measured & (s["refused"] == REFUSED_LATE_BOOKING))
        out["queue_mean"], out["queue_max"] = _group_queue(
            at[h], groups, s["queued"][h], leave[h], edges
        )
        return out | _booking_columns(records, plan, group_of, groups)

    per_agency = columns(np.arange(max(n, 1)), n)
    overall = columns(np.zeros(max(n, 1), np.int64), 1)

    queue_of_agency = np.asarray(plan.queue_of or (0,))[:n]
    busy = np.asarray([b for b, _ in queue_busy] or [0.0])[queue_of_agency]
    capacity = np.asarray([c for _, c in queue_busy] or [0.0])[queue_of_agency]
    per_agency["counters"] = np.asarray([plan.queues[q].counters for q in queue_of_agency])
    per_agency["busy_min"], per_agency["capacity_min"] = busy, capacity
    per_agency["utilisation"] = _ratio(busy, capacity)
    last_end = np.full(n, -math.inf)
    finished = at_agency & served
    np.maximum.at(last_end, station[finished], s["end"][finished])
    per_agency["overtime_min"] = np.where(
        np.isfinite(last_end), np.maximum(0.0, last_end - plan.closing), 0.0
    )
    v = records.visitors
    known = v["agency"] >= 0
    per_agency["walk_sum_m"] = np.bincount(
        v["agency"][known], weights=v["walk_m"][known], minlength=n
    )[:n]
    per_agency["walkers"] = np.bincount(v["agency"][known], minlength=n)[:n]
    per_agency["walk_mean_m"] = _ratio(per_agency["walk_sum_m"], per_agency["walkers"])
    per_agency["reserved_idle_min"] = np.asarray(reserved_idle or [0.0])[queue_of_agency]

    busy_all = sum(b for b, _ in queue_busy)
    capacity_all = sum(c for _, c in queue_busy)
    overall["counters"] = np.array([sum(q.counters for q in plan.queues if plan.queue_open(q))])
    overall["busy_min"], overall["capacity_min"] = np.array([busy_all]), np.array([capacity_all])
    overall["utilisation"] = _ratio(overall["busy_min"], overall["capacity_min"])
    overall["overtime_min"] = np.array([max(per_agency["overtime_min"].max(initial=0.0), 0.0)])
    overall["walk_sum_m"] = np.array([float(v["walk_m"].sum())])
    overall["walkers"] = np.array([len(v["walk_m"])])
    overall["walk_mean_m"] = _ratio(overall["walk_sum_m"], overall["walkers"])
    overall["reserved_idle_min"] = np.array([sum(reserved_idle)])

    columns_in_order = [*AGENCY_KPIS, *POOLED_SUMS]
    return pd.DataFrame(
        {
            "agency": [*plan.agency_ids, OVERALL],
            **{c: np.concatenate([per_agency[c][:n], overall[c]]) for c in columns_in_order},
        }
    )


def queue_timeline(
    records: DayRecords, plan: Plan, *, bin_min: float = 10.0, end: float | None = None
) -> pd.DataFrame:
    """Time-weighted mean queue per agency in bins of ``bin_min`` from tickets open.

    Columns: ``time`` (bin start, minutes since midnight), ``agency``, ``queue``.
    """
    s = records.steps
    stop = end if end is not None else plan.closing + 60.0
    edges = np.arange(plan.tickets_open, stop + bin_min, bin_min)
    leave = np.where(s["outcome"] == OUTCOME_SERVED, s["called"], s["end"])
    holder = (s["station"] >= 0) & (s["outcome"] != OUTCOME_TURNED_AWAY)
    levels = []
    for agency in plan.agencies:
        mine = holder & (s["station"] == agency.index)
        levels.append(step_average(s["queued"][mine], leave[mine], edges)[0])
    bins = len(edges) - 1
    return pd.DataFrame(
        {
            "time": np.tile(edges[:-1], len(levels)),
            "agency": [agency.id for agency in plan.agencies for _ in range(bins)],
            "queue": np.concatenate(levels) if levels else np.empty(0),
        }
    )


@dataclass(frozen=True, kw_only=True)
class ZoneCrowding:
    """Crowding of the waiting zones on one day."""

    kpis: pd.DataFrame
    timeline: pd.DataFrame
    stood: np.ndarray
    overall_peak: float
    overall_stood_share: float
    overflowed: np.ndarray
    """Per step: it wanted a zone and waited elsewhere (another zone or outside)."""


def _seat_sweep(enter: np.ndarray, leave: np.ndarray, seats: int) -> tuple[np.ndarray, int]:
    """Who had to stand (first come, first seated; a freed seat goes to the longest standing)."""
    n = len(enter)
    stood = np.zeros(n, dtype=bool)
    times = np.concatenate([enter, leave])
    kind = np.concatenate([np.ones(n, dtype=int), np.zeros(n, dtype=int)])
    who = np.concatenate([np.arange(n), np.arange(n)])
    order = np.lexsort((kind, times))
    seated = np.zeros(n, dtype=bool)
    present = np.zeros(n, dtype=bool)
    standing: list[int] = []
    head = 0
    free = seats
    peak = 0
    count = 0
    for idx in order:
        person = int(who[idx])
        if kind[idx] == 1:
            present[person] = True
            count += 1
            peak = max(peak, count)
            if free > 0:
                free -= 1
                seated[person] = True
            else:
                stood[person] = True
                standing.append(person)
        else:
            present[person] = False
            count -= 1
            if seated[person]:
                seated[person] = False
                while head < len(standing) and not present[standing[head]]:
                    head += 1
                if head < len(standing):
                    seated[standing[head]] = True
                    head += 1
                else:
                    free += 1
    return stood, peak


def _front_lines(records: DayRecords, plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """When people stood in the kiosk and information-desk lines, and at the door before
    tickets open: (enter, leave) of each."""
    s = records.steps
    front = (s["station"] < 0) & (s["called"] > s["queued"])
    enter, leave = [s["queued"][front]], [s["called"][front]]
    arrival = records.visitors["arrival"][s["visitor"]]
    door = (s["station"] >= 0) & (s["leg"] == 0) & (s["queued"] > arrival)
    if plan.front_office.kiosks is None and plan.front_office.info is None:
        enter.append(arrival[door])
        leave.append(s["queued"][door])
    return np.concatenate(enter), np.concatenate(leave)


def _zone_attempts(
    records: DayRecords, plan: Plan, site: SiteLayout
) -> tuple[np.ndarray, np.ndarray]:
    """Per zone: how many visitors reached it, and how many of them found it full and went on
    (every zone before the one a visitor waited in was full; all of them for those outside)."""
    s = records.steps
    index = {z.name: i for i, z in enumerate(site.zones)}
    tried = np.zeros(len(site.zones), dtype=int)
    turned = np.zeros(len(site.zones), dtype=int)
    bound = np.flatnonzero((s["station"] >= 0) & (s["zones_full"] > 0))
    for step in bound.tolist():
        agency = plan.agency_ids[s["station"][step]]
        names = site.zones_for(agency, priority=bool(s["priority"][step]))
        for name in names[: s["zones_full"][step]]:
            tried[index[name]] += 1
            turned[index[name]] += 1
    entered = s["zone"][(s["station"] >= 0) & (s["zone"] >= 0)]
    tried += np.bincount(entered, minlength=len(site.zones))
    return tried, turned


def zone_crowding(
    records: DayRecords, plan: Plan, site: SiteLayout, *, bin_min: float = 10.0
) -> ZoneCrowding:
    """Occupancy of each waiting zone through the day, its peak against seats and standing room
    at level of service C, who had to stand, and who found it full and waited elsewhere. The
    kiosk and information-desk lines count in the crowding of the zone where they stand."""
    s = records.steps
    zone = s["zone"]
    first = s["zone_first"]
    inside = (zone >= 0) & np.isfinite(s["zone_enter"]) & (s["zone_leave"] > s["zone_enter"])
    wanted = first >= 0
    # waited elsewhere: in another zone, or outside (not those called on their way to it)
    overflowed = wanted & (((zone >= 0) & (zone != first)) | (zone == OUTSIDE))
    edges = np.arange(plan.tickets_open, plan.closing + 60.0 + bin_min, bin_min)
    window = np.array([plan.tickets_open, plan.closing])
    walk = records.visitors["walk_m"]
    waited_in = np.full(records.n_visitors, -1)
    waited_in[s["visitor"][inside]] = zone[inside]
    agency_names = np.asarray(plan.agency_ids, dtype=object)
    tried, turned = _zone_attempts(records, plan, site)
    front_enter, front_leave = _front_lines(records, plan)
    front = next((i for i, z in enumerate(site.zones) if z.name == site.front_zone), -1)
    rows = []
    frames = []
    stood_all = np.zeros(len(zone), dtype=bool)
    for i, z in enumerate(site.zones):
        mine = inside & (zone == i)
        enter, leave = s["zone_enter"][mine], s["zone_leave"][mine]
        stood, _ = _seat_sweep(enter, leave, z.seats)
        stood_all[np.flatnonzero(mine)] = stood
        if i == front:  # the kiosk lines stand here too
            enter = np.concatenate([enter, front_enter])
            leave = np.concatenate([leave, front_leave])
        level, peak = step_average(enter, leave, edges)
        capacity = z.seats + z.standing_capacity
        wants = wanted & (first == i)
        served_here = sorted(
            {*agency_names[s["station"][wants]], *agency_names[s["station"][mine]]}
        )
        rows.append(
            {
                "zone": z.name,
                "priority": z.priority,
                "agencies": ",".join(str(a) for a in served_here),
                "front_office": i == front,
                "seats": z.seats,
                "standing_capacity": z.standing_capacity,
                "visitors": int(mine.sum()),
                "occupancy_mean": float(step_average(enter, leave, window)[0][0]),
                "waiting_peak": float(peak),
                "peak_over_seats": peak / z.seats if z.seats else math.inf if peak else 0.0,
                "peak_over_capacity": peak / capacity if capacity else math.inf if peak else 0.0,
                "stood_share": float(stood.mean()) if len(stood) else 0.0,
                "overflow_share": turned[i] / tried[i] if tried[i] else 0.0,
                "walk_mean_m": (
                    float(walk[waited_in == i].mean()) if (waited_in == i).any() else math.nan
                ),
            }
        )
        frames.append(pd.DataFrame({"time": edges[:-1], "zone": z.name, "occupancy": level}))
    all_in = inside & (zone >= 0)
    _, overall_peak = step_average(
        np.concatenate([s["zone_enter"][all_in], front_enter if front >= 0 else []]),
        np.concatenate([s["zone_leave"][all_in], front_leave if front >= 0 else []]),
        edges,
    )
    return ZoneCrowding(
        kpis=pd.DataFrame(rows, columns=["zone", *ZONE_COLUMNS, *ZONE_KPIS]),
        timeline=(
            pd.concat(frames, ignore_index=True)
            if frames
            else pd.DataFrame(columns=["time", "zone", "occupancy"])
        ),
        stood=stood_all,
        overall_peak=float(overall_peak),
        overall_stood_share=float(stood_all[all_in].mean()) if all_in.any() else 0.0,
        overflowed=overflowed,
    )


def ci_frame(per_replication: pd.DataFrame, key: str, columns: Sequence[str]) -> pd.DataFrame:
    """Mean and 95% half-width across replications of each column, per value of ``key``."""
    rows = []
    for name, group in per_replication.groupby(key, sort=False):
        row: dict[str, object] = {key: name}
        for column in columns:
            mean, half = mean_ci(group[column].to_numpy(dtype=float))
            row[column] = mean
            row[f"{column}_ci"] = half
        rows.append(row)
    return pd.DataFrame(rows)
