"""Floor plans side by side in the comparison tab: what each plan's counter slots allow the
scenario on screen to reach (:func:`simulator.layout_compare.compare_layouts`).

For each chosen plan: its slots, seats, the fewest counters meeting the target (or that its
slots cannot hold enough), and its best with every slot used (agencies placed by the placement
optimiser): p90 wait, share within target and walking. It takes some seconds per plan, so it
runs on the planner's click and is kept for the session.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from simulator.executors import Executor
from simulator.inputs import scenario_fingerprint
from simulator.scenario import BuildingLayout, Scenario
from simulator.ui.i18n import Translator
from simulator.ui.numbers import number, percent

__all__ = ["comparison_frame", "layouts_comparison"]

LayoutValue = str | BuildingLayout


def comparison_frame(frame: pd.DataFrame, tr: Translator, names: Mapping[str, str]) -> pd.DataFrame:
    """:meth:`LayoutComparison.to_frame` with translated headers and numbers in the screen's
    language; ``names`` maps a plan's file stem to the name the planner chose it by."""
    lang = tr.lang

    def fit(value: Any) -> str:
        return tr("layouts_no_fit") if value is None or value != value else str(int(value))

    return pd.DataFrame(
        {
            tr("col_plan"): [names.get(str(p), str(p)) for p in frame["plan"]],
            tr("col_slots"): frame["slots"].astype(int),
            tr("col_seats"): frame["seats"].astype(int),
            tr("col_counters_fit"): [fit(v) for v in frame["counters_fit"]],
            tr("col_best_counters"): frame["best_counters"].astype(int),
            tr("col_wait_p90"): [number(v, lang) for v in frame["wait_p90_min"]],
            tr("col_within"): [percent(v, lang) for v in frame["within_target"]],
            tr("col_walk"): [number(v, lang, digits=0) for v in frame["walk_mean_m"]],
        }
    )


def layouts_comparison(
    tr: Translator,
    scenario: Scenario,
    options: Mapping[str, LayoutValue],
    *,
    executor: Executor,
) -> None:  # pragma: no cover - Streamlit layout, exercised by the flows
    """The expander: choose plans, compare them on click, show the table."""
    import streamlit as st

    from simulator.errors import SimulatorError
    from simulator.layout_compare import compare_layouts
    from simulator.ui.messages import Message
    from simulator.ui.widgets import show_message

    state = st.session_state
    with st.expander(tr("layouts_title")):
        st.caption(tr("layouts_help"))
        chosen = st.multiselect(
            tr("layouts_choose"),
            list(options),
            default=[o for o in list(options)[:3]],
            key="layouts_chosen",
        )
        key = (scenario_fingerprint(scenario), tuple(chosen))
        if st.button(tr("layouts_run"), key="layouts_run", disabled=not chosen):
            with st.spinner(tr("layouts_running", plans=len(chosen))):
                try:
                    found = compare_layouts(
                        scenario,
                        [options[c] for c in chosen],
                        target_p90_min=scenario.target.wait_min,
                        executor=executor,
                    )
                except SimulatorError as exc:
                    state["layouts_message"] = Message.of_error(exc)
                else:
                    state.pop("layouts_message", None)
                    state["layouts_result"] = (key, found.to_frame())
        if "layouts_message" in state:
            show_message(tr, state["layouts_message"])
        done = state.get("layouts_result")
        if done is not None and done[0] == key:
            stems = {_stem(options[c]): c for c in chosen}
            st.dataframe(comparison_frame(done[1], tr, stems), hide_index=True, width="stretch")
            minutes = number(scenario.target.wait_min, tr.lang, digits=0)
            st.caption(tr("layouts_table_help", minutes=minutes))


def _stem(layout: LayoutValue) -> str:
    """The name :func:`compare_layouts` gives a plan (file name; floors joined by ``+``)."""
    from pathlib import Path

    if isinstance(layout, str):
        return Path(layout).name
    return "+".join(Path(f.file).name for f in sorted(layout.floors, key=lambda f: f.level))
