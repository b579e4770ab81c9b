"""Visitors per day by day type, and the days an agency's daily quota ran out.

The log shows only visitors who got a ticket. On a day the quota ran out, later visitors were
refused and left no trace, so that day's count under-counts demand. Such days are found (the
daily count reaches the agency's largest count again and again, and the last ticket is printed
well before the hall's last-ticket time) and their demand is estimated from the tickets
issued before the quota ran out divided by the share of a day's visitors who, by the profile
of the agency's other days, have arrived by then. The estimate is marked as such.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.calibration.daytypes import DAY_TYPE_ORDER, weekday_of
from simulator.calibration.profiles import cumulative_share

__all__ = ["QuotaDay", "Volumes", "agency_volumes", "find_quota"]

QUOTA_EARLY_MIN = 30.0
"""A quota is recognised only if it ran out at least this long before the last-ticket time on
some day (a day that merely ends at its largest count is no evidence of a quota)."""
MIN_SHARE_BEFORE_QUOTA = 0.05


@dataclass(frozen=True, kw_only=True)
class QuotaDay:
    """A day on which the agency's quota ran out, and when (the last ticket's issue time)."""

    date: pd.Timestamp
    time_min: float


@dataclass(frozen=True, kw_only=True)
class Volumes:
    """One agency's demand: per date, and its mean per day type."""

    quota: int | None
    quota_days: tuple[QuotaDay, ...]
    per_date: pd.Series
    """First visits (demand) per date the agency was open; estimated on quota days."""
    by_type: dict[str, float]
    days_open: tuple[str, ...]


def find_quota(
    tickets: pd.DataFrame, *, last_ticket: float
) -> tuple[int | None, tuple[QuotaDay, ...]]:
    """The agency's daily quota and the days it ran out, from all its tickets (transfers
    included, as the kiosk counts them)."""
    counts = tickets.groupby("date").size()
    if counts.empty:
        return None, ()
    top = int(counts.max())
    at_top = counts.index[counts == top]
    if len(at_top) < 2:
        return None, ()
    last_issue = tickets[tickets["date"].isin(at_top)].groupby("date")["issued"].max()
    if not (last_issue < last_ticket - QUOTA_EARLY_MIN).any():
        return None, ()
    days = tuple(
        QuotaDay(date=pd.Timestamp(d), time_min=float(t))  # type: ignore[arg-type]
        for d, t in last_issue.sort_index().items()
    )
    return top, days


def agency_volumes(
    first: pd.DataFrame,
    every: pd.DataFrame,
    *,
    dates: dict[pd.Timestamp, str],
    last_ticket: float,
    edges: np.ndarray,
    shares: np.ndarray,
) -> Volumes:
    """Demand of one agency from its first-visit tickets ``first`` and all its tickets
    ``every``; ``dates`` maps each date of the log to its day type; ``edges``/``shares`` is the
    agency's arrival profile (to scale up quota days)."""
    quota, quota_days = find_quota(every, last_ticket=last_ticket)
    seen = every.groupby("date").size()
    weekday_dates: dict[str, list[pd.Timestamp]] = {}
    for d in dates:
        weekday_dates.setdefault(weekday_of(d), []).append(d)
    days_open = tuple(
        w
        for w in DAY_TYPE_ORDER
        if w in weekday_dates
        and sum(1 for d in weekday_dates[w] if d in seen.index) * 2 > len(weekday_dates[w])
    )
    open_dates = sorted(d for d in dates if weekday_of(d) in days_open)
    per_date = first.groupby("date").size().reindex(open_dates, fill_value=0).astype(float)
    for day in quota_days:
        before = first[(first["date"] == day.date) & (first["issued"] <= day.time_min)]
        reached = float(cumulative_share(edges, shares, np.array([day.time_min]))[0])
        if reached >= MIN_SHARE_BEFORE_QUOTA and day.date in per_date.index:
            per_date.loc[day.date] = len(before) / reached  # type: ignore[call-overload]
    types = pd.Series({d: dates[d] for d in open_dates}, dtype=object)
    by_type = {
        t: float(per_date[types.index[types == t]].mean())
        for t in DAY_TYPE_ORDER
        if (types == t).any()
    }
    return Volumes(
        quota=quota,
        quota_days=quota_days,
        per_date=per_date,
        by_type=by_type,
        days_open=days_open,
    )
