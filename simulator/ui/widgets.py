"""Small pieces of screen shared by the app's tabs: messages, the name of a layout and the KPI
strip above every tab."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import streamlit as st

from simulator.experiment import ExperimentResult
from simulator.scenario import Scenario
from simulator.ui import kpis, layouts
from simulator.ui.i18n import Translator, day_type_label
from simulator.ui.messages import Message

__all__ = ["kpi_strip", "layout_label", "show_message"]


def show_message(tr: Translator, message: Message) -> None:
    """Show a stored message in the current language, coloured by its level."""
    show = {"error": st.error, "warning": st.warning, "success": st.success}
    show.get(message.level, st.info)(message.text(tr))


def layout_label(
    tr: Translator,
    scenario: Scenario,
    shipped: dict[str, Path],
    buildings: Mapping[str, Mapping[int, Path]] | None = None,
) -> str:
    """How a scenario's layout is named on screen."""
    if scenario.layout is None:
        return tr("layout_none")
    name = layouts.layout_choice(scenario, shipped, buildings)
    if name is not None:
        return name
    if not isinstance(scenario.layout, str):  # a building: what its floors' names share
        return layouts.building_name(scenario.layout_files())
    names: dict[str, str] = st.session_state.get("layout_names", {})
    return Path(names.get(scenario.layout, scenario.layout)).stem


def kpi_strip(
    tr: Translator, scenario: Scenario, key: str, result: ExperimentResult, layout: str
) -> None:
    """The figures a meeting looks at first, with traffic lights, what they are results of,
    and the sentence on the wait before opening when it matters."""
    st.html(kpis.strip_html(kpis.kpi_cards(result, scenario, tr), tr, run=key[:16]))
    note = kpis.before_opening_note(result, scenario, tr)
    if note:
        st.markdown(f"<div style='font-size:0.85rem'>💡 {note}</div>", unsafe_allow_html=True)
    st.caption(
        tr(
            "shown_run",
            layout=layout,
            day=day_type_label(scenario.day.type, tr),
            weekday=tr(f"weekday_{scenario.day.weekday}"),
            agencies=len(scenario.agencies),
            counters=scenario.total_counters,
            replications=result.replications,
            seed=result.seed,
        )
    )
