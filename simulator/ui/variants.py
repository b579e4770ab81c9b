"""Variants the planner keeps side by side, and what their paired comparison says.

A variant is a run the planner saved: its scenario (layout and counter plan) and its result.
Variants run with the same seed and replications share their random numbers (common random
numbers), so :func:`simulator.compare.paired_differences` pairs them replication by replication
and its 95% intervals are narrow enough to tell layouts apart. This module only chooses what to
compare and puts the verdict into words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from simulator.compare import (
    VERDICT_A,
    VERDICT_B,
    VERDICT_NONE,
    VERDICT_SAME,
    paired_differences,
)
from simulator.experiment import ExperimentResult
from simulator.metrics import OVERALL
from simulator.scenario import Scenario
from simulator.ui.changes import layout_nickname
from simulator.ui.i18n import Translator
from simulator.ui.messages import TranslatedError
from simulator.ui.numbers import number

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
    "statistics_table",
    "thresholds_from",
    "variant_sentence",
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

    #: Counters more than the first variant kept when this one was saved (``None``: it was
    #: the first): its default name says so in the language shown, ``Kompak +5 loket``.
    delta: int | None = None

    def title(self, tr: Translator) -> str:
        """The planner's name, or the layout's nickname and the counters (against the first
        variant) in the language shown; never a comma."""
        if self.name:
            return self.name
        nickname = layout_nickname(self.layout, tr)
        if self.delta is None:
            return tr(
                "variant_name_counters", layout=nickname, counters=self.scenario.total_counters
            )
        if self.delta == 0:
            return tr("variant_name_same", layout=nickname)
        return tr("variant_name_delta", layout=nickname, delta=f"{self.delta:+d}")


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


def differences(
    base: SavedVariant, other: SavedVariant, *, thresholds: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Overall paired differences ``other - base`` of :data:`COMPARED_KPIS`, judged against
    the practical ``thresholds`` (KPI units; ``wait_min`` for every wait)."""
    diff = paired_differences(
        base.result, other.result, kpis=tuple(COMPARED_KPIS), thresholds=thresholds
    )
    return diff[diff["agency"] == OVERALL].reset_index(drop=True)


def thresholds_from(wait_min: float, share_points: float, walk_m: float) -> dict[str, float]:
    """The practical thresholds of the settings (minutes, percentage points, metres) in the
    units of :func:`simulator.compare.paired_differences`."""
    return {"wait_min": wait_min, "within_target": share_points / 100.0, "walk_mean_m": walk_m}


def kpi_label(kpi: str, tr: Translator) -> str:
    """Translated name of a compared KPI."""
    return tr(f"kpi_{kpi}")


def _value(result: ExperimentResult, kpi: str) -> tuple[float, float]:
    scale = COMPARED_KPIS[kpi][0]
    overall = result.overall
    return float(overall[kpi]) * scale, float(overall[f"{kpi}_ci"]) * scale


def _fmt(value: float, lang: str, digits: int = 1) -> str:
    return number(value, lang, digits=digits)


def _value_text(kpi: str, value: float, tr: Translator) -> str:
    """A KPI's value with its unit, a p90 that is not reached in words."""
    if kpi.startswith("wait_p") and math.isinf(value):
        return tr("p90_not_reached")
    scale, unit, _, _ = COMPARED_KPIS[kpi]
    digits = 0 if unit in ("unit_pct", "unit_m") else 1
    text = _fmt(value * scale, tr.lang, digits)
    return f"{text}%" if unit == "unit_pct" else f"{text} {tr(unit)}"


def side_by_side(variants: Sequence[SavedVariant], *, tr: Translator) -> pd.DataFrame:
    """KPIs (rows) of every variant (columns) as ``mean ± half-width``, and whether the
    target is met."""
    rows: dict[str, list[str]] = {tr("row_layout"): [v.layout for v in variants]}
    rows[tr("row_counters")] = [str(v.scenario.total_counters) for v in variants]
    rows[tr("row_agencies")] = [str(len(v.scenario.agencies)) for v in variants]
    for kpi, (_, unit, _, _) in COMPARED_KPIS.items():
        cells = []
        for v in variants:
            mean, half = _value(v.result, kpi)
            if math.isinf(mean) and kpi.startswith("wait_p"):
                cells.append(tr("p90_not_reached"))
                continue
            cells.append(
                "–"
                if not math.isfinite(mean)
                else f"{_fmt(mean, tr.lang)} ± {_fmt(half, tr.lang)}"
                if math.isfinite(half)
                else _fmt(mean, tr.lang)
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


#: The KPIs the one sentence per variant speaks of, in order.
SENTENCE_KPIS = ("wait_p90_min", "within_target", "abandoned", "walk_mean_m")


def _clause(row: pd.Series, tr: Translator) -> tuple[str, str]:
    """One KPI of the sentence, and its verdict as ``better``, ``worse``, ``same`` or
    ``unclear`` (from B's side)."""
    kpi = str(row["kpi"])
    scale, _, unit, quantity = COMPARED_KPIS[kpi]
    label = kpi_label(kpi, tr)
    a, b = _value_text(kpi, float(row["mean_a"]), tr), _value_text(kpi, float(row["mean_b"]), tr)
    verdict = row["verdict"]
    if verdict == VERDICT_SAME:
        return tr("clause_same", kpi=label, b=b), "same"
    if verdict not in (VERDICT_A, VERDICT_B):
        return tr("clause_unclear", kpi=label, a=a, b=b), "unclear"
    diff = float(row["diff"]) * scale
    if not math.isfinite(diff):
        word = "better" if verdict == VERDICT_B else "worse"
        return tr("clause_values", kpi=label, a=a, b=b), word
    digits = 0 if unit in ("unit_pct_points", "unit_m") and abs(diff) >= 1 else 1
    direction = tr(f"{'lower' if diff < 0 else 'higher'}_{quantity}")
    text = tr(
        "clause_changed",
        kpi=label,
        a=a,
        b=b,
        diff=_fmt(abs(diff), tr.lang, digits),
        unit=tr(unit),
        direction=direction,
    )
    return text, "better" if verdict == VERDICT_B else "worse"


def variant_sentence(
    base: SavedVariant,
    other: SavedVariant,
    *,
    tr: Translator,
    name_a: str,
    name_b: str,
    thresholds: Mapping[str, float] | None = None,
) -> str:
    """One sentence for a variant against the reference: better, worse, about the same or
    mixed, and why, KPI by KPI (differences under the practical threshold are "about the
    same"; the statistics are in :func:`statistics_table`)."""
    if not pairable(base, other):
        return tr("sentence_not_paired", a=name_a, b=name_b)
    rows = {str(r["kpi"]): r for _, r in differences(base, other, thresholds=thresholds).iterrows()}
    clauses = [_clause(rows[kpi], tr) for kpi in SENTENCE_KPIS if kpi in rows]
    words = {w for _, w in clauses}
    if "better" in words and "worse" in words:
        overall = "mixed"
    elif "better" in words:
        overall = "better"
    elif "worse" in words:
        overall = "worse"
    elif words == {"same"}:
        overall = "same"
    else:
        overall = "unclear"
    return tr(f"sentence_{overall}", a=name_a, b=name_b, details="; ".join(c for c, _ in clauses))


def statistics_table(
    base: SavedVariant,
    other: SavedVariant,
    *,
    tr: Translator,
    thresholds: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The statistics behind a sentence: each KPI's values, the paired difference with its
    95% interval, the practical threshold and the verdict, written in the screen's language."""
    diff = differences(base, other, thresholds=thresholds)
    rows = []
    for _, row in diff.iterrows():
        kpi = str(row["kpi"])
        scale, _, unit, _ = COMPARED_KPIS[kpi]
        digits = 2 if unit == "unit_pct_points" else 1
        low, high = float(row["ci_low"]) * scale, float(row["ci_high"]) * scale
        rows.append(
            {
                tr("col_kpi"): kpi_label(kpi, tr),
                "A": _value_text(kpi, float(row["mean_a"]), tr),
                "B": _value_text(kpi, float(row["mean_b"]), tr),
                tr("col_diff"): f"{_fmt(float(row['diff']) * scale, tr.lang, digits)} {tr(unit)}",
                tr("col_diff_ci"): (
                    f"{_fmt(low, tr.lang, digits)} … {_fmt(high, tr.lang, digits)}"
                    if math.isfinite(low) and math.isfinite(high)
                    else "–"
                ),
                tr(
                    "col_threshold"
                ): f"{_fmt(float(row['threshold']) * scale, tr.lang, 1)} {tr(unit)}",
                tr("col_verdict"): tr(f"verdict_word_{_verdict_key(str(row['verdict']))}"),
            }
        )
    return pd.DataFrame(rows)


def _verdict_key(verdict: str) -> str:
    return {
        VERDICT_A: "a",
        VERDICT_B: "b",
        VERDICT_SAME: "same",
        VERDICT_NONE: "none",
    }.get(verdict, "no_data")
