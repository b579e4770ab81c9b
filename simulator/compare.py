"""Paired comparison of variants under common random numbers (CRN).

Two variants run with the same seed and replication numbers draw the same arrivals, services and
patience for every agency they share (streams are keyed by seed, replication and agency id). The
difference B - A of a KPI is taken on the run's one basis (:mod:`simulator.pooled`: all days
pooled), and its 95% interval from the replication pairs, which cancels most of the day-to-day
noise: identical variants differ by exactly zero.

The verdict reads like a planner: a difference smaller than the KPI's *practical threshold*
(default 1 minute of wait, 1 percentage point of share within target, 5 m of walking) is
"about the same", whatever its interval says; a larger one is "B better" or "A better" when the
interval excludes zero (knowing whether lower or higher is better), else "no clear difference".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from simulator.errors import SimulatorError
from simulator.executors import Executor, InlineExecutor
from simulator.experiment import ExperimentResult, ReplicationResult, combine, run_replication
from simulator.plan import Plan
from simulator.pooled import QUANTILES, RATIOS, wait_samples
from simulator.stats import (
    half_width,
    paired_quantile_difference,
    paired_ratio_difference,
)

__all__ = [
    "DEFAULT_KPIS",
    "DEFAULT_THRESHOLDS",
    "KPI_BETTER",
    "VERDICT_A",
    "VERDICT_B",
    "VERDICT_NONE",
    "VERDICT_NO_DATA",
    "VERDICT_SAME",
    "comparison_table",
    "paired_differences",
    "practical_thresholds",
    "run_paired",
    "threshold_for",
    "verdict",
]

#: Whether a lower or a higher value of each KPI is better for visitors and the service.
KPI_BETTER: dict[str, Literal["lower", "higher"]] = {
    "served": "higher",
    "turned_away": "lower",
    "abandoned": "lower",
    "wait_mean_min": "lower",
    "wait_p50_min": "lower",
    "wait_p90_min": "lower",
    "wait_p95_min": "lower",
    "wait_max_min": "lower",
    "within_target": "higher",
    "waited_share": "lower",
    "wait_mean_priority_min": "lower",
    "wait_p90_priority_min": "lower",
    "wait_mean_regular_min": "lower",
    "wait_p90_regular_min": "lower",
    "wait_after_opening_mean_min": "lower",
    "queue_mean": "lower",
    "queue_max": "lower",
    "overtime_min": "lower",
    "walk_mean_m": "lower",
    "waiting_peak": "lower",
    "stood_share": "lower",
}

#: The KPIs compared unless the caller asks for others.
DEFAULT_KPIS = (
    "wait_mean_min",
    "wait_p90_min",
    "within_target",
    "abandoned",
    "turned_away",
    "overtime_min",
    "walk_mean_m",
)

#: Differences smaller than these are "about the same" to a planner (KPI units).
DEFAULT_THRESHOLDS: dict[str, float] = {
    "served": 1.0,
    "turned_away": 1.0,
    "abandoned": 1.0,
    "within_target": 0.01,
    "waited_share": 0.01,
    "stood_share": 0.01,
    "queue_mean": 1.0,
    "queue_max": 1.0,
    "waiting_peak": 1.0,
    "overtime_min": 5.0,
    "walk_mean_m": 5.0,
}
WAIT_THRESHOLD_MIN = 1.0
"""Threshold of every wait KPI (``wait_*_min``) not listed in :data:`DEFAULT_THRESHOLDS`."""

VERDICT_A = "A better"
VERDICT_B = "B better"
VERDICT_SAME = "about the same"
VERDICT_NONE = "no clear difference"
VERDICT_NO_DATA = "no visitors"

COLUMNS = (
    "agency",
    "kpi",
    "better",
    "n",
    "mean_a",
    "mean_b",
    "diff",
    "ci_low",
    "ci_high",
    "threshold",
    "verdict",
)


SHARE_KPIS = ("within_target", "waited_share", "stood_share")
"""KPIs that are shares (0-1): their threshold is set in percentage points."""


def practical_thresholds(
    *,
    p90_min: float = WAIT_THRESHOLD_MIN,
    share_pp: float = DEFAULT_THRESHOLDS["within_target"] * 100,
    walk_m: float = DEFAULT_THRESHOLDS["walk_mean_m"],
) -> dict[str, float]:
    """The thresholds a planner states in three numbers: minutes of every wait figure (the
    p90 and the others), percentage points of every share (within target first), metres of
    walking; the other KPIs keep :data:`DEFAULT_THRESHOLDS`. Refuses negative or non-finite
    settings (naming the setting)."""
    for name, value in (("p90_min", p90_min), ("share_pp", share_pp), ("walk_m", walk_m)):
        if not math.isfinite(value) or value < 0:
            raise SimulatorError(f"practical threshold {name} must be a number >= 0, got {value!r}")
    out = dict(DEFAULT_THRESHOLDS)
    out["wait_min"] = p90_min
    out |= dict.fromkeys(SHARE_KPIS, share_pp / 100.0)
    out["walk_mean_m"] = walk_m
    return out


def threshold_for(kpi: str, thresholds: Mapping[str, float] | None = None) -> float:
    """The practical threshold of ``kpi`` (``thresholds`` overrides the defaults)."""
    merged = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    if kpi in merged:
        return merged[kpi]
    return merged.get("wait_min", WAIT_THRESHOLD_MIN) if kpi.endswith("_min") else 0.0


def verdict(diff: float, low: float, high: float, better: str, threshold: float) -> str:
    """The planner's reading of a difference B - A and its 95% interval."""
    if math.isnan(diff):
        return VERDICT_NO_DATA
    if abs(diff) < threshold or diff == 0.0:
        return VERDICT_SAME
    if not (math.isfinite(low) and math.isfinite(high)) or low <= 0.0 <= high:
        return VERDICT_NONE
    b_is_lower = diff < 0
    return VERDICT_B if b_is_lower == (better == "lower") else VERDICT_A


def paired_differences(
    a: ExperimentResult,
    b: ExperimentResult,
    *,
    kpis: Sequence[str] = DEFAULT_KPIS,
    thresholds: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Per agency (and ``overall``) and KPI: A's and B's figures (the runs' own summaries),
    the difference B - A with its 95% paired interval, the practical threshold and the verdict.

    Pairs are replications with the same number in both results; agencies in only one of them
    are left out. ``n`` counts the pairs. Both results must come from the same seed, or nothing
    is paired.
    """
    if a.seed != b.seed:
        raise SimulatorError(
            f"results are not paired: seed {a.seed} vs {b.seed}; run both with the same seed"
        )
    unknown = [k for k in kpis if k not in KPI_BETTER]
    if unknown:
        raise SimulatorError(
            f"cannot compare KPI {unknown[0]!r}: expected one of {', '.join(KPI_BETTER)}"
        )
    left = a.per_replication
    right = b.per_replication
    merged = left.merge(right, on=["replication", "agency"], suffixes=("_a", "_b"), sort=False)
    order = [x for x in dict.fromkeys(left["agency"]) if x in set(right["agency"])]
    summary_a = a.summary.set_index("agency")
    summary_b = b.summary.set_index("agency")
    rows = []
    groups = dict(tuple(merged.groupby("agency", sort=False)))
    for agency in order:
        group = groups[agency].sort_values("replication")
        replications = group["replication"].tolist()
        n = len(replications)
        for kpi in kpis:
            mean_a = float(summary_a.loc[agency, kpi])
            mean_b = float(summary_b.loc[agency, kpi])
            if kpi in RATIOS:
                num, den = RATIOS[kpi]
                diff, half = paired_ratio_difference(
                    group[f"{num}_a"].to_numpy(float),
                    group[f"{den}_a"].to_numpy(float),
                    group[f"{num}_b"].to_numpy(float),
                    group[f"{den}_b"].to_numpy(float),
                )
                low, high = diff - half, diff + half
            elif kpi in QUANTILES:
                q, who = QUANTILES[kpi]
                diff, low, high = paired_quantile_difference(
                    wait_samples(a.waits, agency, replications, who),
                    wait_samples(b.waits, agency, replications, who),
                    q,
                    seed=a.seed,
                )
            else:
                va = group[f"{kpi}_a"].to_numpy(dtype=float)
                vb = group[f"{kpi}_b"].to_numpy(dtype=float)
                keep = np.isfinite(va) & np.isfinite(vb)
                d = vb[keep] - va[keep]
                diff = float(d.mean()) if d.size else math.nan
                half = half_width(d)
                low, high = diff - half, diff + half
            better = KPI_BETTER[kpi]
            threshold = threshold_for(kpi, thresholds)
            rows.append(
                {
                    "agency": agency,
                    "kpi": kpi,
                    "better": better,
                    "n": n,
                    "mean_a": mean_a,
                    "mean_b": mean_b,
                    "diff": diff,
                    "ci_low": low,
                    "ci_high": high,
                    "threshold": threshold,
                    "verdict": verdict(diff, low, high, better, threshold),
                }
            )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _run_one(task: tuple[Plan, int, int]) -> ReplicationResult:
    plan, seed, replication = task
    return run_replication(plan, seed=seed, replication=replication)


def run_paired(
    plans: Sequence[Plan],
    *,
    seed: int,
    replications: int,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[ExperimentResult]:
    """Run every plan with the same seed and replications 0..n-1 (common random numbers).

    Replications of all plans share the executor's workers; ``progress(done, total)`` is called
    after each one. Results come back in the order of ``plans``.
    """
    if replications < 1:
        raise SimulatorError(f"replications must be at least 1, got {replications}")
    tasks = [(plan, seed, r) for plan in plans for r in range(replications)]
    runner = executor if executor is not None else InlineExecutor()
    done: list[list[ReplicationResult]] = [[] for _ in plans]
    for count, (index, result) in enumerate(runner.map_unordered(_run_one, tasks), start=1):
        done[index // replications].append(result)
        if progress is not None:
            progress(count, len(tasks))
    return [combine(plan, seed, results) for plan, results in zip(plans, done, strict=True)]


def _fmt(value: float, digits: int = 2) -> str:
    return "-" if not math.isfinite(value) else f"{value:.{digits}f}"


def comparison_table(diff: pd.DataFrame, *, name_a: str, name_b: str, all_rows: bool) -> str:
    """A fixed-width table of :func:`paired_differences`: every ``overall`` row, and agency rows
    with a significant difference (all of them when ``all_rows``)."""
    shown = (
        diff
        if all_rows
        else diff[(diff["agency"] == "overall") | diff["verdict"].isin([VERDICT_A, VERDICT_B])]
    )
    header = ["agency", "kpi", "A", "B", "B - A", "95% CI", "same if |B - A| <", "verdict"]
    rows = [header]
    for _, row in shown.iterrows():
        verdict = row["verdict"]
        verdict = {VERDICT_A: f"A better ({name_a})", VERDICT_B: f"B better ({name_b})"}.get(
            verdict, verdict
        )
        rows.append(
            [
                str(row["agency"]),
                str(row["kpi"]),
                _fmt(row["mean_a"]),
                _fmt(row["mean_b"]),
                _fmt(row["diff"]),
                f"[{_fmt(row['ci_low'])}, {_fmt(row['ci_high'])}]",
                _fmt(row["threshold"]),
                verdict,
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    for n, cells in enumerate(rows):
        parts = [
            c.ljust(w) if i in (0, 1, 7) else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("-" * len(lines[-1]))
    hidden = len(diff) - len(shown)
    if hidden:
        lines.append(f"({hidden} agency rows about the same or with no clear difference not shown)")
    return "\n".join(lines)
