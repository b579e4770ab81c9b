"""Variants the planner keeps side by side, and what their paired comparison says.

A variant is a run the planner saved: its scenario (layout and counter plan) and its result.
Variants run with the same seed and replications share their random numbers (common random
numbers), so :func:`simulator.compare.paired_differences` pairs them replication by replication
and its 95% intervals are narrow enough to tell layouts apart. This module only chooses what to
compare and puts the verdict into words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from simulator.compare import VERDICT_A, VERDICT_B, VERDICT_SAME, paired_differences
from simulator.experiment import ExperimentResult
from simulator.metrics import OVERALL
from simulator.scenario import Scenario
from simulator.ui.i18n import Translator
from simulator.ui.messages import TranslatedError

__all__ = [
    "COMPARED_KPIS",
    "MAX_VARIANTS",
    "SavedVariant",
    "add_variant",
    "differences",
    "display_names",
    "kpi_label",
    "meets_target",
    "pairable",
    "side_by_side",
    "verdict_sentence",
]

MAX_VARIANTS = 3
#: KPIs compared: display scale, unit of a value, unit of a difference and the kind of
#: quantity (which words say "lower"/"higher": shorter time, fewer people ...), in order.
COMPARED_KPIS: dict[str, tuple[float, str, str, str]] = {
    "wait_p90_min": (1.0, "unit_min", "unit_min", "time"),
    "within_target": (100.0, "unit_pct", "unit_pct_points", "share"),
    "wait_mean_min": (1.0, "unit_min", "unit_min", "time"),
    "abandoned": (1.0, "unit_people", "unit_people", "count"),
    "turned_away": (1.0, "unit_people", "unit_people", "count"),
    "waiting_peak": (1.0, "unit_people", "unit_people", "count"),
    "walk_mean_m": (1.0, "unit_m", "unit_m", "distance"),
}


@dataclass(frozen=True, kw_only=True)
class SavedVariant:
    """One saved run: the planner's name for it (empty: named after its layout and counters
    in the language shown), its scenario, the run key, the result and the layout's name."""

    name: str
    scenario: Scenario
    key: str
    result: ExperimentResult
    layout: str

    def title(self, tr: Translator) -> str:
        """The planner's name, or ``<layout>, <n> counters`` in the language shown."""
        counters = sum(a.counters for a in self.scenario.agencies)
        return self.name or tr("variant_default_name", layout=self.layout, counters=counters)


def display_names(variants: Sequence[SavedVariant], tr: Translator) -> list[str]:
    """Titles of the variants, made unique with ``(2)``, ``(3)`` where two coincide."""
    names: list[str] = []
    for variant in variants:
        name = variant.title(tr)
        count = 1
        while name in names:
            count += 1
            name = f"{variant.title(tr)} ({count})"
        names.append(name)
    return names


def add_variant(
    variants: Sequence[SavedVariant], variant: SavedVariant, tr: Translator
) -> list[SavedVariant]:
    """``variants`` with ``variant`` added; at most :data:`MAX_VARIANTS`, no run twice, and
    names the planner gave unique."""
    if len(variants) >= MAX_VARIANTS:
        raise TranslatedError("variant_full", limit=MAX_VARIANTS)
    for kept in variants:
        if kept.key == variant.key:
            raise TranslatedError("variant_duplicate", name=kept.title(tr))
        if variant.name and kept.name == variant.name:
            raise TranslatedError("variant_name_taken", name=kept.name)
    return [*variants, variant]


def pairable(a: SavedVariant, b: SavedVariant) -> bool:
    """Whether two variants share seed and replications (common random numbers)."""
    return a.result.seed == b.result.seed and a.result.replications == b.result.replications


def differences(base: SavedVariant, other: SavedVariant) -> pd.DataFrame:
    """Overall paired differences ``other - base`` of :data:`COMPARED_KPIS`."""
    diff = paired_differences(base.result, other.result, kpis=tuple(COMPARED_KPIS))
    return diff[diff["agency"] == OVERALL].reset_index(drop=True)


def kpi_label(kpi: str, tr: Translator) -> str:
    """Translated name of a compared KPI."""
    return tr(f"kpi_{kpi}")


def _value(result: ExperimentResult, kpi: str) -> tuple[float, float]:
    scale = COMPARED_KPIS[kpi][0]
    overall = result.overall
    return float(overall[kpi]) * scale, float(overall[f"{kpi}_ci"]) * scale


def _fmt(value: float, digits: int = 1) -> str:
    return "-" if not math.isfinite(value) else f"{value:.{digits}f}"


def side_by_side(variants: Sequence[SavedVariant], *, tr: Translator) -> pd.DataFrame:
    """KPIs (rows) of every variant (columns) as ``mean ± half-width``, and whether the
    target is met."""
    rows: dict[str, list[str]] = {tr("row_layout"): [v.layout for v in variants]}
    rows[tr("row_counters")] = [str(sum(a.counters for a in v.scenario.agencies)) for v in variants]
    rows[tr("row_agencies")] = [str(len(v.scenario.agencies)) for v in variants]
    for kpi, (_, unit, _, _) in COMPARED_KPIS.items():
        cells = []
        for v in variants:
            mean, half = _value(v.result, kpi)
            cells.append(
                "-"
                if not math.isfinite(mean)
                else f"{_fmt(mean)} ± {_fmt(half)}"
                if math.isfinite(half)
                else _fmt(mean)
            )
        label = kpi_label(kpi, tr)
        rows[f"{label[:1].upper()}{label[1:]} ({tr(unit)})"] = cells
    target = variants[0].scenario.target
    label = tr("row_target_met", share=target.share * 100, minutes=target.wait_min)
    rows[label] = [tr("yes") if meets_target(v) else tr("no") for v in variants]
    frame = pd.DataFrame(rows, index=display_names(variants, tr)).T
    frame.index.name = tr("col_kpi")
    return frame


def meets_target(variant: SavedVariant) -> bool:
    """Whether the variant calls its target share of visitors within the target wait."""
    within = float(variant.result.overall["within_target"])
    return math.isfinite(within) and within >= variant.scenario.target.share


def verdict_sentence(row: pd.Series, *, tr: Translator, name_a: str, name_b: str) -> str:
    """One sentence for a row of :func:`differences` (``B - A``): which variant is better for
    the KPI, by how much, with the 95% interval of the difference better - worse; or that the
    difference is not significant, with the interval of ``B - A``."""
    kpi = str(row["kpi"])
    scale, _, unit, quantity = COMPARED_KPIS[kpi]
    low, high = float(row["ci_low"]) * scale, float(row["ci_high"]) * scale
    diff = float(row["diff"]) * scale
    values = {"kpi": kpi_label(kpi, tr), "unit": tr(unit), "a": name_a, "b": name_b}
    if row["verdict"] == VERDICT_SAME:
        threshold = float(row["threshold"]) * scale
        return tr("verdict_same", diff=_fmt(abs(diff), 1), threshold=f"{threshold:g}", **values)
    if not (math.isfinite(low) and math.isfinite(high)):
        return tr("verdict_unknown", **values)
    digits = 2 if max(abs(low), abs(high), abs(diff)) < 1 else 1
    if row["verdict"] in (VERDICT_A, VERDICT_B):
        better, worse = (name_b, name_a) if row["verdict"] == VERDICT_B else (name_a, name_b)
        if row["verdict"] == VERDICT_A:
            diff, low, high = -diff, -high, -low
        direction = tr(f"{'lower' if diff < 0 else 'higher'}_{quantity}")
        return tr(
            "verdict_better",
            better=better,
            worse=worse,
            diff=_fmt(abs(diff), digits),
            direction=direction,
            low=_fmt(low, digits),
            high=_fmt(high, digits),
            **values,
        )
    return tr("verdict_none", low=_fmt(low, digits), high=_fmt(high, digits), **values)
