"""The floor-plan tab: counters coloured by p90 wait, and the day played on the plan."""

from __future__ import annotations

import streamlit as st

from simulator.experiment import ExperimentResult
from simulator.scenario import Scenario
from simulator.ui.figures import show_plan, show_playback
from simulator.ui.i18n import Translator

__all__ = ["plan_tab"]


def plan_tab(
    tr: Translator, scenario: Scenario, key: str, result: ExperimentResult, label: str
) -> None:
    """The floor plan coloured by p90 wait (full names on hover), and one day played on it
    (zones filling, tickets waiting, any minute of the day)."""
    if scenario.layout is None:
        st.info(tr("no_layout_help"))
        return
    show_plan(tr, scenario, key, result, label)
    show_playback(tr, scenario, key, label)
