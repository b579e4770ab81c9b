"""The comparison tab: keep up to three variants and compare them pairwise under common random
numbers, with an HTML report to download."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import streamlit as st

from simulator.errors import SimulatorError
from simulator.experiment import ExperimentResult
from simulator.scenario import Scenario
from simulator.ui import changes, variants
from simulator.ui.colours import variant_colours
from simulator.ui.figures import compare_png, figure_png, show_compare_charts
from simulator.ui.i18n import Translator, day_type_label
from simulator.ui.messages import Message
from simulator.ui.numbers import number
from simulator.ui.report import comparison_report
from simulator.ui.widgets import layout_label, show_message

__all__ = ["compare_tab"]

state = st.session_state


def _save_current(
    tr: Translator,
    kept: list[variants.SavedVariant],
    current: variants.SavedVariant,
) -> list[variants.SavedVariant]:
    """The name box and Save button for the run shown; returns the variants kept after it.
    A variant saved without a name is named after its layout and its counters against the
    first variant (``Kompak +5 loket``)."""
    delta = changes.counter_delta(kept[0].scenario, current.scenario) if kept else None
    current = dataclasses.replace(current, delta=delta)
    left, right = st.columns([3, 1])
    left.text_input(tr("variant_name"), key="variant_name", placeholder=current.title(tr))
    right.write("")
    if right.button(tr("save_variant"), key="save_variant", width="stretch"):
        name = " ".join((state.get("variant_name") or "").replace(",", " ").split())
        variant = dataclasses.replace(current, name=name)
        try:
            state["variants"] = variants.add_variant(kept, variant, tr)
            state["variant_message"] = Message.success("variant_saved", name=variant.title(tr))
        except SimulatorError as exc:
            state["variant_message"] = Message.of_error(exc)
        return list(state["variants"])
    return kept


def _kept_list(tr: Translator, kept: list[variants.SavedVariant], names: list[str]) -> None:
    """One line per kept variant, each with a Remove button."""
    for index, (variant, name) in enumerate(zip(kept, names, strict=True)):
        left, right = st.columns([4, 1])
        left.markdown(
            tr(
                "variant_line",
                letter="ABC"[index],
                name=name,
                layout=changes.layout_nickname(variant.layout, tr),
                counters=variant.scenario.total_counters,
                day=day_type_label(variant.scenario.day.type, tr),
            )
        )
        if right.button(tr("remove_variant"), key=f"remove_variant_{index}"):
            state["variants"] = [v for v in kept if v is not variant]
            state.pop("variant_message", None)
            st.rerun()


def _baseline_first(
    tr: Translator, kept: list[variants.SavedVariant], names: list[str]
) -> tuple[list[variants.SavedVariant], list[str]]:
    """The planner's choice of baseline, and the variants and their titles with it first."""
    if state.get("baseline") not in range(len(kept)):
        state["baseline"] = 0
    st.selectbox(
        tr("baseline"),
        range(len(kept)),
        format_func=lambda i: names[i],
        key="baseline",
        placeholder=tr("choose"),
    )
    first = state["baseline"]
    order = [first, *[i for i in range(len(kept)) if i != first]]
    return [kept[i] for i in order], [names[i] for i in order]


def _target_lines(tr: Translator, ordered: list[variants.SavedVariant], titles: list[str]) -> None:
    """Which variants meet the baseline's service target, and which do not."""
    target = ordered[0].scenario.target
    values = {"share": target.share * 100, "minutes": target.wait_min}
    meeting = [t for v, t in zip(ordered, titles, strict=True) if variants.meets_target(v)]
    missing = [t for v, t in zip(ordered, titles, strict=True) if not variants.meets_target(v)]
    if meeting:
        st.success(tr("compare_target_yes", names=", ".join(meeting), **values))
    if missing:
        st.warning(tr("compare_target_no", names=", ".join(missing)))


def _verdicts(
    tr: Translator,
    ordered: list[variants.SavedVariant],
    titles: list[str],
    thresholds: dict[str, float],
) -> None:
    """One sentence per variant against the reference, the statistics behind an expander."""
    st.subheader(tr("compare_verdicts"))
    for other, title in zip(ordered[1:], titles[1:], strict=True):
        sentence = variants.variant_sentence(
            ordered[0], other, tr=tr, name_a=titles[0], name_b=title, thresholds=thresholds
        )
        st.markdown(f"- {sentence}")
    st.caption(
        tr(
            "compare_thresholds",
            wait=number(thresholds["wait_min"], tr.lang),
            share=number(thresholds["within_target"] * 100, tr.lang),
            walk=number(thresholds["walk_mean_m"], tr.lang, digits=0),
        )
    )
    with st.expander(tr("compare_statistics")):
        for other, title in zip(ordered[1:], titles[1:], strict=True):
            st.markdown(f"**{tr('compare_pair_title', a=titles[0], b=title)}**")
            if not variants.pairable(ordered[0], other):
                st.warning(tr("compare_not_paired"))
                continue
            table = variants.statistics_table(ordered[0], other, tr=tr, thresholds=thresholds)
            st.dataframe(table, hide_index=True, width="stretch")
        st.caption(tr("report_method"))


def _report_button(
    tr: Translator,
    ordered: list[variants.SavedVariant],
    titles: list[str],
    chart: bytes,
    thresholds: dict[str, float],
) -> None:
    """Download the comparison as one self-contained HTML file (made on the click)."""

    def report() -> bytes:
        figures = [(tr("chart_compare_p90"), chart)]
        for v, title in zip(ordered, titles, strict=True):
            if v.scenario.layout is not None:
                png = figure_png("plan", v.key, tr.lang, 0.0, v.layout, v.result, v.scenario)
                figures.append((title, png))
        text = comparison_report(
            ordered,
            tr=tr,
            figures=figures,
            created=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            thresholds=thresholds,
        )
        return text.encode("utf-8")

    st.download_button(
        tr("download_report"),
        report,
        file_name="mpp-comparison.html",
        mime="text/html",
        key="download_report",
        on_click="ignore",
    )


def compare_tab(
    tr: Translator,
    scenario: Scenario | None,
    key: str | None,
    result: ExperimentResult | None,
    shipped: dict[str, Path],
    *,
    thresholds: dict[str, float],
) -> None:
    """Keep up to three variants and compare each with the reference in one sentence, under
    common random numbers and the practical ``thresholds``."""
    kept: list[variants.SavedVariant] = state.setdefault("variants", [])
    st.caption(tr("compare_help", limit=variants.MAX_VARIANTS))
    if scenario is not None and key is not None and result is not None:
        layout = layout_label(tr, scenario, shipped)
        current = variants.SavedVariant(
            name="", scenario=scenario, key=key, result=result, layout=layout
        )
        kept = _save_current(tr, kept, current)
    if "variant_message" in state:
        show_message(tr, state["variant_message"])
    names = variants.display_names(kept, tr)
    _kept_list(tr, kept, names)
    if len(kept) < 2:
        st.info(tr("compare_need_two"))
        return
    ordered, titles = _baseline_first(tr, kept, names)
    _target_lines(tr, ordered, titles)
    _verdicts(tr, ordered, titles, thresholds)
    st.subheader(tr("compare_side_by_side"))
    table = variants.side_by_side(ordered, tr=tr)
    st.dataframe(table, key="compare_table", height=(len(table) + 1) * 35 + 3)
    target = ordered[0].scenario.target
    colours = variant_colours(titles, state.get("variant_colours"))
    state["variant_colours"] = {**state.get("variant_colours", {}), **colours}
    keys = [v.key for v in ordered]
    results = [v.result for v in ordered]
    show_compare_charts(tr, keys, titles, colours, results, target)
    chart = compare_png(
        tuple(keys), tuple(titles), tuple(colours[t] for t in titles), tr.lang, results, target
    )
    _report_button(tr, ordered, titles, chart, thresholds)
