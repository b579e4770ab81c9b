"""Experiment results as plain data for machines (JSON) and as a table for people."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from simulator import __version__
from simulator.experiment import KPI_COLUMNS, ExperimentResult
from simulator.metrics import OVERALL, ZONE_KPIS

__all__ = ["JSON_KPIS", "result_table", "result_to_json"]

#: Every KPI in the JSON output: the agency KPIs plus waiting-zone crowding.
JSON_KPIS = KPI_COLUMNS


def _number(value: Any) -> float | None:
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else round(value, 6)


def _row(row: pd.Series) -> dict[str, Any]:
    out: dict[str, Any] = {key: _number(row[key]) for key in JSON_KPIS}
    out["ci95"] = {key: _number(row[f"{key}_ci"]) for key in JSON_KPIS if f"{key}_ci" in row.index}
    return out


def result_to_json(
    result: ExperimentResult, *, scenario: str, inputs: dict[str, str] | None = None
) -> dict[str, Any]:
    """The ``mpp-sim run --json`` object: means over replications, with 95% half-widths."""
    summary = result.summary
    agencies = [
        {"id": row["agency"], **_row(row)}
        for _, row in summary.iterrows()
        if row["agency"] != OVERALL
    ]
    overall = _row(summary[summary["agency"] == OVERALL].iloc[0])
    zones = [
        {
            "name": row["zone"],
            "priority": bool(row["priority"]),
            "front_office": bool(row["front_office"]),
            "agencies": [a for a in str(row["agencies"]).split(",") if a],
            "peak": _number(row["waiting_peak"]),
            **{key: _number(row[key]) for key in ZONE_KPIS},
        }
        for _, row in result.zones_summary.iterrows()
    ]
    return {
        "scenario": scenario,
        "replications": result.replications,
        "seed": result.seed,
        "version": __version__,
        "inputs": inputs or {},
        "wait_basis": result.wait_basis,
        "target": {
            "wait_min": result.target_wait_min,
            "share": result.target_share,
            "met": result.target_met(),
        },
        "agencies": agencies,
        "overall": overall,
        "zones": zones,
    }


def result_table(result: ExperimentResult) -> str:
    """A fixed-width per-agency table of the main KPIs (means over replications)."""
    columns = [
        ("agency", "agency", "{}"),
        ("arrivals", "arrive", "{:.0f}"),
        ("served", "served", "{:.0f}"),
        ("turned_away", "turned", "{:.0f}"),
        ("abandoned", "gave up", "{:.1f}"),
        ("wait_mean_min", "mean", "{:.1f}"),
        ("wait_p90_min", "p90", "{:.1f}"),
        ("wait_p90_min_ci", "±p90", "{:.1f}"),
        ("within_target", "in target", "{:.0%}"),
        ("utilisation", "util", "{:.0%}"),
        ("overtime_min", "overtime", "{:.0f}"),
    ]
    rows = [[title for _, title, _ in columns]]
    for _, row in result.summary.iterrows():
        cells = []
        for key, _, fmt in columns:
            value = row[key]
            if isinstance(value, float) and not math.isfinite(value):
                cells.append("-")
            else:
                cells.append(fmt.format(value))
        rows.append(cells)
    widths = [max(len(r[i]) for r in rows) for i in range(len(columns))]
    lines = []
    for n, cells in enumerate(rows):
        parts = [cells[0].ljust(widths[0])]
        parts += [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        lines.append("  ".join(parts))
        if n == 0 or n == len(rows) - 2:
            lines.append("-" * len(lines[-1]))
    text = "\n".join(lines)
    text += (
        "\nwaits in minutes, all replications pooled; p90 ± is the 95% confidence half-width;"
        "\np90 '-': not reached (more than 10% of ticket holders gave up before being called)"
    )
    return text
