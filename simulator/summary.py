"""Experiment results as plain data for machines (JSON) and as a table for people."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from simulator import __version__
from simulator.experiment import KPI_COLUMNS, ExperimentResult
from simulator.metrics import OVERALL, ZONE_KPIS

__all__ = ["JSON_KPIS", "channel_table", "result_table", "result_to_json"]

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


Column = tuple[str, str, str]
"""(summary column, title, format) of one column of a text table."""

_AGENCY_COLUMNS: tuple[Column, ...] = (
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
)

_CHANNEL_GROUPS: tuple[tuple[str, tuple[Column, ...]], ...] = (
    ("", (("agency", "agency", "{}"),)),
    (
        "booked",
        (
            ("wait_mean_booked_min", "mean", "{:.1f}"),
            ("wait_p90_booked_min", "p90", "{:.1f}"),
            ("wait_p90_booked_min_ci", "±p90", "{:.1f}"),
            ("within_target_booked", "in target", "{:.0%}"),
        ),
    ),
    (
        "walk-in",
        (
            ("wait_mean_walk_in_min", "mean", "{:.1f}"),
            ("wait_p90_walk_in_min", "p90", "{:.1f}"),
            ("wait_p90_walk_in_min_ci", "±p90", "{:.1f}"),
            ("within_target_walk_in", "in target", "{:.0%}"),
        ),
    ),
    (
        "bookings",
        (
            ("bookings", "booked", "{:.1f}"),
            ("booking_no_show_share", "no-show", "{:.0%}"),
            ("slot_fill", "fill", "{:.0%}"),
            ("lateness_mean_min", "late min", "{:+.1f}"),
            ("late_share", "late", "{:.0%}"),
            ("late_refused", "refused", "{:.1f}"),
        ),
    ),
    (
        "walk-in quota",
        (("walk_in_turned_away", "turned", "{:.1f}"),),
    ),
    (
        "reserved",
        (("reserved_idle_min", "idle min", "{:.0f}"),),
    ),
)


def _cell(value: Any, fmt: str) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "-"
    return fmt.format(value)


def _text_table(
    summary: pd.DataFrame,
    groups: Sequence[tuple[str, Sequence[Column]]],
    *,
    group_titles: bool,
) -> str:
    """Fixed-width rows of ``summary`` (the last one, ``overall``, set apart by a rule), with a
    line of group titles above the column titles when ``group_titles``."""
    columns = [c for _, cols in groups for c in cols]
    rows = [[title for _, title, _ in columns]]
    rows += [[_cell(row[key], fmt) for key, _, fmt in columns] for _, row in summary.iterrows()]
    widths = [max(len(r[i]) for r in rows) for i in range(len(columns))]
    if group_titles:
        # each group at least as wide as its title; the extra width goes to its first column
        start = 0
        for title, cols in groups:
            span = sum(widths[start : start + len(cols)]) + 2 * (len(cols) - 1)
            widths[start] += max(0, len(title) - span)
            start += len(cols)

    def line(cells: list[str]) -> str:
        parts = [cells[0].ljust(widths[0])]
        parts += [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join(parts)

    lines = []
    if group_titles:
        heads, start = [], 0
        for title, cols in groups:
            span = sum(widths[start : start + len(cols)]) + 2 * (len(cols) - 1)
            heads.append(title.center(span) if title else " " * span)
            start += len(cols)
        lines.append("  ".join(heads).rstrip())
    for n, cells in enumerate(rows):
        lines.append(line(cells))
        if n == 0 or n == len(rows) - 2:
            lines.append("-" * len(lines[-1]))
    return "\n".join(lines)


def result_table(result: ExperimentResult) -> str:
    """A fixed-width per-agency table of the main KPIs (means over replications)."""
    text = _text_table(result.summary, [("", _AGENCY_COLUMNS)], group_titles=False)
    text += (
        "\nwaits in minutes, all replications pooled; p90 ± is the 95% confidence half-width;"
        "\np90 '-': not reached (more than 10% of ticket holders gave up before being called)"
    )
    return text


def channel_table(result: ExperimentResult, agencies: Sequence[str]) -> str:
    """The figures per channel (booked, walk-in) of ``agencies`` (those with online booking or a
    walk-in quota) and of the whole hall: waits on the run's basis, bookings and their
    no-shows, slot fill, lateness, walk-ins turned away by their quota, reserved counters'
    idle time. Empty when ``agencies`` is."""
    if not agencies:
        return ""
    summary = result.summary
    shown = summary[summary["agency"].isin([*agencies, OVERALL])]
    text = "by channel (agencies with online booking or a walk-in quota; overall: every agency)\n"
    text += _text_table(shown, _CHANNEL_GROUPS, group_titles=True)
    text += (
        "\nbooked: booked tickets, waited from the ticket (early arrivals wait for their slot);"
        "\nwalk-in: all other tickets (late bookers let in as walk-ins, transfers);"
        "\nbookings per day: booked, share who never came, share of the slots' places taken "
        "(fill),"
        "\n  mean arrival minus slot start (negative: early), share beyond the grace, late "
        "bookers refused;"
        "\nwalk-in quota: walk-ins turned away per day; reserved: staffed minutes per day the "
        "counters"
        "\n  reserved for bookings had no booked ticket to call (no-shows, empty slots)"
    )
    return text
