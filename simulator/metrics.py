"""KPIs of one simulated day, computed vectorised from its records.

Definitions (minutes):
- *wait*: from taking the ticket to being called, or to giving up for those who gave up.
- *within_target*: share of ticket holders called within the target wait (those who gave up
  count as not called).
- *utilisation*: counter busy time (walk-up plus service) inside the staffed hours, over the
  staffed counter-minutes (breaks with fewer counters staffed are accounted for).
- *queue*: tickets waiting to be called, time-weighted over [tickets open, closing].
- *overtime*: how long after closing the agency's last service ended.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.plan import AgencyPlan, Plan
from simulator.records import (
    OUTCOME_ABANDONED,
    OUTCOME_SERVED,
    OUTCOME_TURNED_AWAY,
    DayRecords,
)
from simulator.stats import mean_ci
from simulator.walking import SiteLayout

__all__ = [
    "AGENCY_KPIS",
    "OVERALL",
    "ZONE_KPIS",
    "ZoneCrowding",
    "agency_kpis",
    "ci_frame",
    "queue_timeline",
    "step_average",
    "step_waits",
    "zone_crowding",
]

OVERALL = "overall"
AGENCY_KPIS = (
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
    "utilisation",
    "queue_mean",
    "queue_max",
    "overtime_min",
    "walk_mean_m",
)
ZONE_KPIS = (
    "seats",
    "standing_capacity",
    "visitors",
    "occupancy_mean",
    "waiting_peak",
    "peak_over_seats",
    "peak_over_capacity",
    "stood_share",
    "walk_mean_m",
)


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


def _wait_row(waits: np.ndarray, called: np.ndarray, target: float) -> dict[str, float]:
    if len(waits) == 0:
        return {
            "wait_mean_min": math.nan,
            "wait_p50_min": math.nan,
            "wait_p90_min": math.nan,
            "wait_p95_min": math.nan,
            "wait_max_min": math.nan,
            "within_target": math.nan,
        }
    p50, p90, p95 = np.percentile(waits, [50, 90, 95])
    return {
        "wait_mean_min": float(waits.mean()),
        "wait_p50_min": float(p50),
        "wait_p90_min": float(p90),
        "wait_p95_min": float(p95),
        "wait_max_min": float(waits.max()),
        "within_target": float(np.mean(called & (waits <= target))),
    }


def step_waits(records: DayRecords, plan: Plan) -> np.ndarray:
    """Each step's wait: from its ticket (or the opening, when the target counts from there)
    to being called, or to giving up; NaN for steps that were turned away."""
    s = records.steps
    served = s["outcome"] == OUTCOME_SERVED
    origin = np.maximum(s["queued"], plan.wait_counted_from_min)
    wait = np.clip(np.where(served, s["called"], s["end"]) - origin, 0.0, None)
    return np.where(s["outcome"] == OUTCOME_TURNED_AWAY, np.nan, wait)


def _busy_staffed(
    called: np.ndarray, end: np.ndarray, counter: np.ndarray, agency: AgencyPlan
) -> float:
    """Counter busy time inside each counter's staffed windows (overruns into breaks and
    overtime are not capacity, so they are not counted as busy either)."""
    busy = 0.0
    for k in range(agency.counters):
        mine = counter == k
        start_k, end_k = called[mine], end[mine]
        for lo, hi in agency.schedule.staffed_windows(k):
            busy += float(np.clip(np.minimum(end_k, hi) - np.maximum(start_k, lo), 0, None).sum())
    return busy


def agency_kpis(records: DayRecords, plan: Plan) -> pd.DataFrame:
    """One row per agency plus an ``overall`` row, columns :data:`AGENCY_KPIS`."""
    s = records.steps
    station = s["station"]
    at_agency = station >= 0
    measured = at_agency & (s["queued"] >= plan.measured_from_min)
    outcome = s["outcome"]
    holder = measured & (outcome != OUTCOME_TURNED_AWAY)
    served = outcome == OUTCOME_SERVED
    wait = step_waits(records, plan)
    edges = np.array([plan.tickets_open, max(plan.closing, plan.tickets_open + 1.0)])
    leave = np.where(served, s["called"], s["end"])
    v = records.visitors
    walk_by_agency = pd.Series(v["walk_m"]).groupby(v["agency"]).mean()

    rows = []
    for agency in plan.agencies:
        mine = measured & (station == agency.index)
        holders = holder & (station == agency.index)
        row: dict[str, float | str] = {
            "agency": agency.id,
            "arrivals": int(mine.sum()),
            "served": int((mine & served).sum()),
            "turned_away": int((mine & (outcome == OUTCOME_TURNED_AWAY)).sum()),
            "abandoned": int((mine & (outcome == OUTCOME_ABANDONED)).sum()),
        }
        row |= _wait_row(wait[holders], served[holders], plan.target_wait_min)
        done = (station == agency.index) & served
        capacity = agency.schedule.staffed_minutes(agency.counters)
        busy = _busy_staffed(s["called"][done], s["end"][done], s["counter"][done], agency)
        row["utilisation"] = busy / capacity if capacity > 0 and agency.open_today else math.nan
        queue, peak = step_average(s["queued"][holders], leave[holders], edges)
        row["queue_mean"] = float(queue[0])
        row["queue_max"] = peak
        last_end = s["end"][done].max() if done.any() else math.nan
        row["overtime_min"] = max(0.0, float(last_end) - plan.closing) if done.any() else 0.0
        row["walk_mean_m"] = float(walk_by_agency.get(agency.index, math.nan))
        rows.append(row)

    overall: dict[str, float | str] = {
        "agency": OVERALL,
        "arrivals": int(measured.sum()),
        "served": int((measured & served).sum()),
        "turned_away": int((measured & (outcome == OUTCOME_TURNED_AWAY)).sum()),
        "abandoned": int((measured & (outcome == OUTCOME_ABANDONED)).sum()),
    }
    overall |= _wait_row(wait[holder], served[holder], plan.target_wait_min)
    capacity = sum(a.schedule.staffed_minutes(a.counters) for a in plan.agencies if a.open_today)
    done = at_agency & served
    busy = sum(
        _busy_staffed(
            s["called"][done & (station == a.index)],
            s["end"][done & (station == a.index)],
            s["counter"][done & (station == a.index)],
            a,
        )
        for a in plan.agencies
    )
    overall["utilisation"] = busy / capacity if capacity > 0 else math.nan
    queue, peak = step_average(s["queued"][holder], leave[holder], edges)
    overall["queue_mean"] = float(queue[0])
    overall["queue_max"] = peak
    overall["overtime_min"] = max((float(r["overtime_min"]) for r in rows), default=0.0)
    overall["walk_mean_m"] = float(v["walk_m"].mean()) if len(v["walk_m"]) else math.nan
    rows.append(overall)
    return pd.DataFrame(rows, columns=["agency", *AGENCY_KPIS])


def queue_timeline(
    records: DayRecords, plan: Plan, *, bin_min: float = 10.0, end: float | None = None
) -> pd.DataFrame:
    """Time-weighted mean queue per agency in bins of ``bin_min`` from tickets open.

    Columns: ``time`` (bin start, minutes since midnight), ``agency``, ``queue``.
    """
    s = records.steps
    stop = end if end is not None else plan.closing + 60.0
    edges = np.arange(plan.tickets_open, stop + bin_min, bin_min)
    served = s["outcome"] == OUTCOME_SERVED
    leave = np.where(served, s["called"], s["end"])
    holder = (s["station"] >= 0) & (s["outcome"] != OUTCOME_TURNED_AWAY)
    frames = []
    for agency in plan.agencies:
        mine = holder & (s["station"] == agency.index)
        level, _ = step_average(s["queued"][mine], leave[mine], edges)
        frames.append(pd.DataFrame({"time": edges[:-1], "agency": agency.id, "queue": level}))
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True, kw_only=True)
class ZoneCrowding:
    """Crowding of the waiting zones on one day."""

    kpis: pd.DataFrame
    timeline: pd.DataFrame
    stood: np.ndarray
    overall_peak: float
    overall_stood_share: float


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


def zone_crowding(
    records: DayRecords, plan: Plan, site: SiteLayout, *, bin_min: float = 10.0
) -> ZoneCrowding:
    """Occupancy of each waiting zone through the day, its peak against seats and standing room
    at level of service C, and the share of visitors who had to stand."""
    s = records.steps
    inside = np.isfinite(s["zone_enter"]) & (s["zone_leave"] > s["zone_enter"])
    zone_of_station = np.array(
        [
            next((i for i, z in enumerate(site.zones) if z.name == site.zone_of(a)), -1)
            for a in plan.agency_ids
        ],
        dtype=int,
    )
    zone = np.full(len(s["station"]), -1)
    at_agency = s["station"] >= 0
    zone[at_agency] = zone_of_station[s["station"][at_agency]] if len(zone_of_station) else -1
    edges = np.arange(plan.tickets_open, plan.closing + 60.0 + bin_min, bin_min)
    walk = records.visitors["walk_m"]
    visitor_zone = (
        zone_of_station[records.visitors["agency"]] if len(zone_of_station) else np.empty(0)
    )
    rows = []
    frames = []
    stood_all = np.zeros(len(zone), dtype=bool)
    for i, z in enumerate(site.zones):
        mine = inside & (zone == i)
        enter, leave = s["zone_enter"][mine], s["zone_leave"][mine]
        stood, peak = _seat_sweep(enter, leave, z.seats)
        stood_all[np.flatnonzero(mine)] = stood
        level, _ = step_average(enter, leave, edges)
        capacity = z.seats + z.standing_capacity
        mean_window = step_average(enter, leave, np.array([plan.tickets_open, plan.closing]))[0]
        rows.append(
            {
                "zone": z.name,
                "seats": z.seats,
                "standing_capacity": z.standing_capacity,
                "visitors": int(mine.sum()),
                "occupancy_mean": float(mean_window[0]),
                "waiting_peak": float(peak),
                "peak_over_seats": peak / z.seats if z.seats else math.inf if peak else 0.0,
                "peak_over_capacity": peak / capacity if capacity else math.inf if peak else 0.0,
                "stood_share": float(stood.mean()) if len(stood) else 0.0,
                "walk_mean_m": float(walk[visitor_zone == i].mean())
                if (visitor_zone == i).any()
                else math.nan,
            }
        )
        frames.append(pd.DataFrame({"time": edges[:-1], "zone": z.name, "occupancy": level}))
    all_in = inside & (zone >= 0)
    _, overall_peak = step_average(s["zone_enter"][all_in], s["zone_leave"][all_in], edges)
    return ZoneCrowding(
        kpis=pd.DataFrame(rows, columns=["zone", *ZONE_KPIS]),
        timeline=(
            pd.concat(frames, ignore_index=True)
            if frames
            else pd.DataFrame(columns=["time", "zone", "occupancy"])
        ),
        stood=stood_all,
        overall_peak=float(overall_peak),
        overall_stood_share=float(stood_all[all_in].mean()) if all_in.any() else 0.0,
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
