"""The app's result figures as PNG, drawn once per (figure, run, language, moment) and cached
by Streamlit for every session of the server."""

from __future__ import annotations

from typing import Any

import streamlit as st
from matplotlib.figure import Figure

from simulator.experiment import ExperimentResult
from simulator.floorplan.model import Building, FloorPlan
from simulator.inputs import site_for
from simulator.scenario import Scenario
from simulator.ui import charts, layouts
from simulator.ui.i18n import Translator

__all__ = ["compare_png", "figure_png"]


@st.cache_data(max_entries=96, show_spinner=False)
def figure_png(
    kind: str, key: str, lang: str, minute: float, label: str, _result: Any, _scenario: Any
) -> bytes:
    """A result figure as PNG, drawn once per (figure, run, language, clock time, label)."""
    tr = Translator(lang)
    result: ExperimentResult = _result
    scenario: Scenario = _scenario
    fig: Figure | None
    if kind == "queue":
        fig = charts.queue_figure(result, tr=tr)
    elif kind == "waits":
        fig = charts.waits_figure(result, tr=tr, target_min=scenario.target.wait_min)
    elif kind == "occupancy":
        fig = charts.occupancy_figure(result, tr=tr)
        if fig is None:
            return b""
    else:
        site = site_for(scenario)
        if site is None or not site.agency_slots:
            return b""
        floor: FloorPlan | Building
        if isinstance(scenario.layout, str):
            floor = layouts.load_floor(scenario.layout)
        else:  # a building: every floor, one panel each (the clock picture is per floor)
            levels = scenario.layout_levels()
            floor = Building(
                floors=tuple(layouts.load_floor(f) for f in levels.values()),
                levels=tuple(levels),
                name=label,
            )
            if kind != "plan":
                return b""
        if kind == "plan":
            fig = charts.plan_p90_figure(floor, site, result, tr=tr, layout=label)
        else:
            fig = charts.clock_figure(floor, site, result, minute, tr=tr)  # type: ignore[arg-type]
    return charts.figure_png(fig)


@st.cache_data(max_entries=16, show_spinner=False)
def compare_png(
    keys: tuple[str, ...], names: tuple[str, ...], lang: str, _results: Any, _target: Any
) -> bytes:
    """The comparison chart as PNG, drawn once per (variants, names, language)."""
    figure = charts.compare_figure(
        list(names),
        _results,
        tr=Translator(lang),
        target_min=_target.wait_min,
        target_share=_target.share,
    )
    return charts.figure_png(figure)
