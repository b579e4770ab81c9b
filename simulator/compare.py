"""Paired comparison of variants under common random numbers (CRN).

Two variants run with the same seed and replication numbers draw the same arrivals, services and
patience for every agency they share (streams are keyed by seed, replication and agency id). The
difference B - A of a KPI is then taken replication by replication, which cancels most of the
day-to-day noise: a 95% confidence interval of the mean paired difference (Student's t) is far
narrower than the difference of two independent intervals, and identical variants differ by
exactly zero. The verdict says which variant is better for each KPI, knowing whether lower or
higher is better, or that the interval contains zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from simulator.errors import SimulatorError
from simulator.executors import Executor, InlineExecutor
from simulator.experiment import ExperimentResult, ReplicationResult, combine, run_replication
from simulator.plan import Plan
from simulator.stats import t_quantile_975

__all__ = [
    "DEFAULT_KPIS",
    "KPI_BETTER",
    "VERDICT_A",
    "VERDICT_B",
    "VERDICT_NONE",
    "comparison_table",
    "paired_differences",
    "run_paired",
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
)

VERDICT_A = "A better"
VERDICT_B = "B better"
VERDICT_NONE = "no significant difference"

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
    "verdict",
)


def _verdict(diff: float, low: float, high: float, better: str) -> str:
    if not (math.isfinite(low) and math.isfinite(high)) or low <= 0.0 <= high:
        return VERDICT_NONE
    b_is_lower = diff < 0
    return VERDICT_B if b_is_lower == (better == "lower") else VERDICT_A


def paired_differences(
    a: ExperimentResult,
    b: ExperimentResult,
    *,
    kpis: Sequence[str] = DEFAULT_KPIS,
) -> pd.DataFrame:
    """Per agency (and ``overall``) and KPI: means of A and B, mean paired difference B - A with
    its 95% confidence interval, and a verdict (``"A better"``, ``"B better"`` or
    ``"no significant difference"``).

    Pairs are replications with the same number in both results; agencies in only one of them
    are left out. Replications where a KPI is undefined (NaN, e.g. an agency without visitors)
    drop out of that KPI's pairs; ``n`` says how many pairs remain. Fewer than two pairs give no
    interval and no verdict. Both results must come from the same seed, or nothing is paired.
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
    rows = []
    groups = dict(tuple(merged.groupby("agency", sort=False)))
    for agency in order:
        group = groups[agency].sort_values("replication")
        for kpi in kpis:
            va = group[f"{kpi}_a"].to_numpy(dtype=float)
            vb = group[f"{kpi}_b"].to_numpy(dtype=float)
            keep = np.isfinite(va) & np.isfinite(vb)
            va, vb = va[keep], vb[keep]
            n = int(keep.sum())
            d = vb - va
            mean_d = float(d.mean()) if n else math.nan
            half = (
                t_quantile_975(n - 1) * float(d.std(ddof=1)) / math.sqrt(n) if n >= 2 else math.nan
            )
            better = KPI_BETTER[kpi]
            rows.append(
                {
                    "agency": agency,
                    "kpi": kpi,
                    "better": better,
                    "n": n,
                    "mean_a": float(va.mean()) if n else math.nan,
                    "mean_b": float(vb.mean()) if n else math.nan,
                    "diff": mean_d,
                    "ci_low": mean_d - half,
                    "ci_high": mean_d + half,
                    "verdict": _verdict(mean_d, mean_d - half, mean_d + half, better),
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
    return [combine(plan.name, seed, results) for plan, results in zip(plans, done, strict=True)]


def _fmt(value: float, digits: int = 2) -> str:
    return "-" if not math.isfinite(value) else f"{value:.{digits}f}"


def comparison_table(diff: pd.DataFrame, *, name_a: str, name_b: str, all_rows: bool) -> str:
    """A fixed-width table of :func:`paired_differences`: every ``overall`` row, and agency rows
    with a significant difference (all of them when ``all_rows``)."""
    shown = (
        diff
        if all_rows
        else diff[(diff["agency"] == "overall") | (diff["verdict"] != VERDICT_NONE)]
    )
    header = ["agency", "kpi", "A", "B", "B - A", "95% CI", "verdict"]
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
                verdict,
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    for n, cells in enumerate(rows):
        parts = [
            c.ljust(w) if i in (0, 1, 6) else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("-" * len(lines[-1]))
    hidden = len(diff) - len(shown)
    if hidden:
        lines.append(f"({hidden} agency rows with no significant difference not shown)")
    return "\n".join(lines)
