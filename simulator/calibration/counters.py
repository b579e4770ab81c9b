"""What the counters did: the staffing actually run, and the time a no-show call costs.

A counter that calls tickets is staffed. For each half hour while tickets are issued (after the
last ticket the counters clear the queue, and idle counters show nothing), the counters of an
agency that called at least one ticket are counted on every day; the count reached on the
busiest tenth of the days is the staffing run in that half hour (breaks show as fewer
counters). A no-show call costs the counter the time from that call to its next one, when the
next ticket it called was already waiting at the no-show call (so the counter was not idle,
only calling and waiting for nobody).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.calibration.profiles import BIN_MIN

__all__ = ["NO_SHOW_GAP_MAX_MIN", "CounterPeriod", "no_show_cost", "staffing_profile"]

BUSY_DAYS = 0.9
"""The staffing of a half hour is the count reached on the busiest tenth of days: on quiet days
idle counters call nobody, and on a rare day a counter calls one more ticket at the stroke of
its break (a log keeps whole seconds)."""
NO_SHOW_GAP_MAX_MIN = 30.0
"""Longer gaps after a no-show call are a break or a shift change, not the no-show's cost."""


@dataclass(frozen=True, kw_only=True)
class CounterPeriod:
    """``counters`` counters called tickets between ``start`` and ``end`` (minutes)."""

    start: float
    end: float
    counters: int


def staffing_profile(tickets: pd.DataFrame, *, start: float, end: float) -> list[CounterPeriod]:
    """Counters active per half hour between ``start`` and ``end`` (one agency's tickets)."""
    first = math.floor(start / BIN_MIN) * BIN_MIN
    edges = np.arange(first, max(end, first + BIN_MIN) + BIN_MIN - 1e-9, BIN_MIN)
    calls = tickets[(tickets["counter"] != "") & tickets["called"].notna()]
    counts = np.zeros(len(edges) - 1, dtype=int)
    if not calls.empty:
        which = np.floor((calls["called"].to_numpy() - first) / BIN_MIN).astype(int)
        inside = (which >= 0) & (which < len(counts))
        per_day = (
            pd.DataFrame(
                {
                    "date": calls["date"].to_numpy()[inside],
                    "bin": which[inside],
                    "counter": calls["counter"].to_numpy()[inside],
                }
            )
            .drop_duplicates()
            .groupby(["date", "bin"])
            .size()
            .unstack(fill_value=0)
            .reindex(index=sorted(tickets["date"].unique()), columns=range(len(counts)))
            .fillna(0)
        )
        counts = np.quantile(per_day.to_numpy(), BUSY_DAYS, axis=0, method="higher").astype(int)
    return [
        CounterPeriod(start=float(a), end=float(b), counters=int(c))
        for a, b, c in zip(edges[:-1], edges[1:], counts, strict=True)
    ]


def no_show_cost(tickets: pd.DataFrame) -> tuple[float | None, int]:
    """Median minutes from a no-show call to the counter's next call, while tickets waited,
    and how many such gaps there were (``None`` when there were none)."""
    calls = tickets[(tickets["counter"] != "") & tickets["called"].notna()]
    calls = calls.sort_values(["date", "counter", "called"], kind="stable")
    same = (calls["date"].shift(-1) == calls["date"]) & (
        calls["counter"].shift(-1) == calls["counter"]
    )
    gap = calls["called"].shift(-1) - calls["called"]
    waiting = calls["issued"].shift(-1) <= calls["called"]
    chosen = same & waiting & (calls["outcome"] == "no_show") & (gap <= NO_SHOW_GAP_MAX_MIN)
    gaps = gap[chosen].to_numpy()
    if len(gaps) == 0:
        return None, 0
    return float(np.median(gaps)), len(gaps)
