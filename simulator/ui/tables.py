"""What the results screen shows in numbers: the headline figures and the per-agency table.

Tables keep numbers as numbers (so the app's table sorts them) under stable column names;
:func:`result_columns` gives each column its translated label and display format.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from simulator.experiment import ExperimentResult
from simulator.metrics import OVERALL
from simulator.scenario import Scenario
from simulator.ui.i18n import Translator

__all__ = ["Headline", "agency_results", "headline", "result_columns", "zone_results"]

#: (column, label key, printf format) of the per-agency table, in order.
_RESULT_COLUMNS = (
    ("agency", "col_agency", None),
    ("name", "col_name", None),
    ("arrivals", "col_arrivals", "%.0f"),
    ("served", "col_served", "%.0f"),
    ("turned_away", "col_turned_away", "%.1f"),
    ("abandoned", "col_abandoned", "%.1f"),
    ("wait_mean_min", "col_wait_mean", "%.1f"),
    ("wait_p90_min", "col_wait_p90", "%.1f"),
    ("wait_p90_min_ci", "col_ci", "± %.1f"),
    ("within_target_pct", "col_within", "%.0f%%"),
    ("within_target_pct_ci", "col_ci", "± %.0f%%"),
    ("utilisation_pct", "col_utilisation", "%.0f%%"),
    ("queue_max", "col_queue_max", "%.1f"),
    ("walk_mean_m", "col_walk", "%.0f"),
)


@dataclass(frozen=True, kw_only=True)
class Headline:
    """The four figures a meeting looks at first (means over replications, 95% half-widths)."""

    p90_min: float
    p90_ci: float
    within_target: float
    within_target_ci: float
    turned_away: float
    abandoned: float
    waiting_peak: float
    seats: int
    target_min: float
    target_share: float

    @property
    def target_met(self) -> bool:
        """Whether the target share of visitors is called within the target wait."""
        return math.isfinite(self.within_target) and self.within_target >= self.target_share


def headline(result: ExperimentResult, scenario: Scenario) -> Headline:
    """The headline figures of ``result``; seats are those of all waiting zones together."""
    overall = result.overall
    seats = int(result.zones_summary["seats"].sum()) if len(result.zones_summary) else 0
    return Headline(
        p90_min=float(overall["wait_p90_min"]),
        p90_ci=float(overall["wait_p90_min_ci"]),
        within_target=float(overall["within_target"]),
        within_target_ci=float(overall["within_target_ci"]),
        turned_away=float(overall["turned_away"]),
        abandoned=float(overall["abandoned"]),
        waiting_peak=float(overall["waiting_peak"]),
        seats=seats,
        target_min=scenario.target.wait_min,
        target_share=scenario.target.share,
    )


def agency_results(
    result: ExperimentResult, *, names: Mapping[str, str], tr: Translator
) -> pd.DataFrame:
    """One row per agency and a last row for all agencies together (columns of
    :func:`result_columns`; shares in percent)."""
    frame = result.summary.copy()
    frame["name"] = [
        tr("overall") if a == OVERALL else names.get(str(a), str(a)) for a in frame["agency"]
    ]
    frame["agency"] = [tr("overall_id") if a == OVERALL else a for a in frame["agency"]]
    for column in ("within_target", "utilisation"):
        frame[f"{column}_pct"] = frame[column] * 100.0
    frame["within_target_pct_ci"] = frame["within_target_ci"] * 100.0
    return frame[[c for c, _, _ in _RESULT_COLUMNS]].reset_index(drop=True)


def result_columns(tr: Translator) -> dict[str, tuple[str, str | None]]:
    """Column -> (translated label, printf format) for :func:`agency_results`."""
    return {column: (tr(key), fmt) for column, key, fmt in _RESULT_COLUMNS}


def zone_results(result: ExperimentResult, *, tr: Translator) -> pd.DataFrame:
    """Waiting zones: seats, peak, peak over seats and share who stood, translated headers."""
    zones = result.zones_summary
    if not len(zones):
        return pd.DataFrame()
    return pd.DataFrame(
        {
            tr("col_zone"): zones["zone"],
            tr("col_seats"): zones["seats"].astype(int),
            tr("col_standing"): zones["standing_capacity"].round(0).astype(int),
            tr("col_peak"): zones["waiting_peak"].round(1),
            tr("col_stood"): (zones["stood_share"] * 100).round(1),
        }
    )
