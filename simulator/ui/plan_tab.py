"""The floor-plan tab: counters coloured by p90 wait, and the hall at any moment of the day."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from simulator.experiment import ExperimentResult
from simulator.scenario import Scenario
from simulator.ui import editing
from simulator.ui.figures import figure_png
from simulator.ui.i18n import Translator

__all__ = ["plan_tab"]


def plan_tab(
    tr: Translator, scenario: Scenario, key: str, result: ExperimentResult, label: str
) -> None:
    """The floor plan coloured by p90 wait, and the plan at any moment of the day."""
    if scenario.layout is None:
        st.info(tr("no_layout_help"))
        return
    lang = tr.lang
    st.image(figure_png("plan", key, lang, 0.0, label, result, scenario), width="stretch")
    hours = scenario.day.hours
    start = editing.clock_time(hours.tickets_open)
    end = editing.clock_time(min(hours.closing + 50.0, 23 * 60 + 50))
    chosen = st.session_state.get("clock")
    if not isinstance(chosen, dt.time) or not start <= chosen <= end:
        st.session_state["clock"] = max(start, min(end, dt.time(10, 0)))
    st.slider(
        tr("clock"),
        min_value=start,
        max_value=end,
        step=dt.timedelta(minutes=10),
        format="HH:mm",
        key="clock",
        help=tr("clock_help"),
    )
    minute = st.session_state["clock"].hour * 60.0 + st.session_state["clock"].minute
    st.image(figure_png("clock", key, lang, minute, "", result, scenario), width="stretch")
