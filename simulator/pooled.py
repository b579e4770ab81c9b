"""A run's figures: every simulated day pooled into one figure per KPI, with 95% intervals.

Figures a planner reads must not contradict each other, so a run's wait figures are those of all
its simulated visitors together: the p90 is the 90th percentile of every holder's wait over all
replications, the share within target is the share of all holders called within it, and so
``p90 <= target`` exactly when that share is at least 90%. (Averaging each day's p90 and each
day's share would not keep that promise.) Intervals treat replications as the independent units:
ratio figures by the delta method, percentiles by inverting the interval of the pooled share
(:mod:`simulator.stats`). Figures of a day as a whole (visitors, longest queue, overtime) are
means over days with Student-t intervals.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulator.metrics import AGENCY_KPIS, OVERALL
from simulator.stats import mean_ci, pooled_quantile, ratio_ci

__all__ = [
    "DAY_MEANS",
    "QUANTILES",
    "RATIOS",
    "RUN_KPIS",
    "SUM_COLUMNS",
    "summarise",
    "wait_samples",
]

RUN_KPIS = (*AGENCY_KPIS, "waiting_peak", "stood_share", "overflow_share")
"""Every KPI of a run's summary (each with a ``<kpi>_ci`` 95% half-width)."""

RATIOS: dict[str, tuple[str, str]] = {
    "wait_mean_min": ("wait_sum", "called"),
    "within_target": ("called_within", "holders"),
    "waited_share": ("waited", "holders"),
    "wait_mean_priority_min": ("wait_sum_priority", "called_priority"),
    "wait_mean_regular_min": ("wait_sum_regular", "called_regular"),
    "wait_before_opening_mean_min": ("before_sum", "called"),
    "wait_after_opening_mean_min": ("after_sum", "called"),
    "share_arrived_before_opening": ("early", "holders"),
    "utilisation": ("busy_min", "capacity_min"),
    "walk_mean_m": ("walk_sum_m", "walkers"),
    "stood_share": ("stood", "zone_visitors"),
    "wait_mean_booked_min": ("wait_sum_booked", "called_booked"),
    "within_target_booked": ("called_within_booked", "holders_booked"),
    "wait_mean_walk_in_min": ("wait_sum_walk_in", "called_walk_in"),
    "within_target_walk_in": ("called_within_walk_in", "holders_walk_in"),
    "booking_no_show_share": ("booking_no_shows", "bookings"),
    "slot_fill": ("bookings", "slot_capacity"),
    "lateness_mean_min": ("lateness_sum", "booked_came"),
    "late_share": ("late_arrivals", "booked_came"),
    "overflow_share": ("overflowed", "zone_bound"),
}
"""KPI -> (numerator, denominator) summed over the days."""

QUANTILES: dict[str, tuple[float, str | None]] = {
    "wait_p50_min": (0.5, None),
    "wait_p90_min": (0.9, None),
    "wait_p95_min": (0.95, None),
    "wait_p90_priority_min": (0.9, "priority"),
    "wait_p90_regular_min": (0.9, "regular"),
    "wait_p90_booked_min": (0.9, "booked"),
    "wait_p90_walk_in_min": (0.9, "walk_in"),
}
"""KPI -> (quantile, holders it covers) of the pooled waits."""

DAY_MEANS = tuple(k for k in RUN_KPIS if k not in RATIOS and k not in QUANTILES)
"""KPIs of a day as a whole, averaged over days."""

SUM_COLUMNS = tuple(dict.fromkeys(c for pair in RATIOS.values() for c in pair))
"""The per-day sums that pooling needs besides the KPIs themselves (kept by sweeps)."""


_GROUPS: dict[str, tuple[str, object]] = {
    "priority": ("priority", True),
    "regular": ("priority", False),
    "booked": ("channel", 1),
    "walk_in": ("channel", 0),
}
"""Holder groups of the per-group percentiles: (column of the waits, value)."""


def wait_samples(
    waits: pd.DataFrame, agency: str, replications: Sequence[int], group: str | None = None
) -> list[np.ndarray]:
    """The holders' waits of ``agency`` (every agency for ``overall``), one array per
    replication in ``replications``; only ``priority`` or ``regular`` holders if ``group``."""
    if agency != OVERALL:
        waits = waits[waits["agency"] == agency]
    by_rep = dict(tuple(waits.groupby("replication", sort=False))) if len(waits) else {}
    out = []
    for r in replications:
        frame = by_rep.get(r)
        if frame is None:
            out.append(np.empty(0))
            continue
        values = frame["wait_min"].to_numpy(dtype=float)
        if group is not None:
            column, flag = _GROUPS[group]
            values = values[frame[column].to_numpy() == flag]
        out.append(values)
    return out


def _split_by_replication(
    waits: pd.DataFrame, replications: Sequence[int]
) -> list[dict[str, np.ndarray]]:
    """Per replication in ``replications``: the waits and the group columns, as arrays."""
    columns = ["wait_min", *dict.fromkeys(column for column, _ in _GROUPS.values())]
    empty = {c: np.empty(0) for c in columns}
    if not len(waits):
        return [empty for _ in replications]
    order = np.argsort(waits["replication"].to_numpy(), kind="stable")
    reps = waits["replication"].to_numpy()[order]
    arrays = {c: waits[c].to_numpy()[order] for c in columns}
    arrays["wait_min"] = arrays["wait_min"].astype(float)
    out = []
    for r in replications:
        lo, hi = np.searchsorted(reps, r, side="left"), np.searchsorted(reps, r, side="right")
        out.append({c: a[lo:hi] for c, a in arrays.items()} if hi > lo else empty)
    return out


def _quantile_columns(waits: pd.DataFrame, replications: Sequence[int]) -> dict[str, float]:
    """The percentiles of :data:`QUANTILES` of one agency's (or every agency's) ``waits``."""
    days = _split_by_replication(waits, replications)
    out: dict[str, float] = {}
    for kpi, (q, group) in QUANTILES.items():
        if group is None:
            samples = [day["wait_min"] for day in days]
        else:
            column, flag = _GROUPS[group]
            samples = [day["wait_min"][day[column] == flag] for day in days]
        estimate, low, high = pooled_quantile(samples, q)
        out[kpi] = estimate
        out[f"{kpi}_ci"] = (high - low) / 2 if math.isfinite(low) else math.nan
    return out


def summarise(per_replication: pd.DataFrame, waits: pd.DataFrame) -> pd.DataFrame:
    """One row per agency (and ``overall``): each KPI of :data:`RUN_KPIS` and its half-width.

    ``per_replication`` holds each day's KPI rows with their pooling sums; ``waits`` each day's
    holders (:func:`simulator.metrics.holder_waits` plus ``replication``).
    """
    frame = per_replication
    replications = sorted(frame["replication"].unique().tolist())
    by_agency = dict(tuple(waits.groupby("agency", sort=False))) if len(waits) else {}
    # each column read once as an array, then sliced per agency (a column read per agency and
    # KPI cost more than all the arithmetic)
    needed = dict.fromkeys([*DAY_MEANS, *(c for pair in RATIOS.values() for c in pair)])
    arrays = {c: frame[c].to_numpy(dtype=float) for c in needed if c in frame}
    day_of = frame["replication"].to_numpy()
    rows = []
    for group, positions in frame.groupby("agency", sort=False).indices.items():
        agency = str(group)
        days = positions[np.argsort(day_of[positions], kind="stable")]
        row: dict[str, object] = {"agency": agency}
        for kpi in DAY_MEANS:
            mean, half = mean_ci(arrays[kpi][days])
            row[kpi], row[f"{kpi}_ci"] = mean, half
        for kpi, (num, den) in RATIOS.items():
            if num not in arrays or den not in arrays:
                row[kpi], row[f"{kpi}_ci"] = math.nan, math.nan
                continue
            value, half = ratio_ci(arrays[num][days], arrays[den][days])
            row[kpi], row[f"{kpi}_ci"] = value, half
        mine = waits if agency == OVERALL else by_agency.get(agency, waits.iloc[:0])
        row |= _quantile_columns(mine, replications)
        rows.append(row)
    columns = ["agency", *(c for kpi in RUN_KPIS for c in (kpi, f"{kpi}_ci"))]
    return pd.DataFrame(rows).reindex(columns=columns)
