"""The app's pictures, drawn once per (picture, run, language) and cached by Streamlit for
every session of the server: the interactive charts (Vega-Lite specs), the floor plan and the
day played on it (self-contained HTML pages shown in an iframe), and the PNG figures of the
comparison report.

A run is known by its fingerprint (:func:`simulator.inputs.scenario_fingerprint`), so an edit
that changes nothing is never drawn twice, and pictures of a tab not drawn cost nothing. The
``show_*`` functions are what the tabs call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st
from matplotlib.figure import Figure

from simulator.experiment import ExperimentResult
from simulator.floorplan.model import Building, FloorPlan
from simulator.inputs import site_for
from simulator.scenario import Scenario, Target
from simulator.ui import charts, interactive, layouts, plan_view, playback
from simulator.ui.i18n import Translator, agency_names

__all__ = [
    "chart_spec",
    "compare_png",
    "compare_specs",
    "figure_png",
    "placement_png",
    "plan_page",
    "playback_page",
    "show_chart",
    "show_compare_charts",
    "show_plan",
    "show_playback",
]

PLAYBACK_SCROLL_PX = 860
"""Height of the day played on the plan of a building (its floors scroll inside)."""


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
    keys: tuple[str, ...],
    names: tuple[str, ...],
    colours: tuple[str, ...],
    lang: str,
    _results: Any,
    _target: Any,
) -> bytes:
    """The comparison chart as PNG (for the report), drawn once per (variants, names,
    colours, language); each variant in its own colour."""
    figure = charts.compare_figure(
        list(names),
        _results,
        tr=Translator(lang),
        target_min=_target.wait_min,
        target_share=_target.share,
        colours=list(colours),
    )
    return charts.figure_png(figure)


# ------------------------------------------------------------------- interactive pictures
@st.cache_data(max_entries=96, show_spinner=False)
def chart_spec(kind: str, key: str, lang: str, _result: Any, _scenario: Any) -> dict | None:
    """The Vega-Lite spec of a result chart (``queue``, ``waits`` or ``occupancy``), built once
    per (chart, run, language); ``None`` when the run has nothing to show (no zones). Not
    validated against the schema again here (a third of the cost): the tests validate them."""
    tr = Translator(lang)
    result: ExperimentResult = _result
    scenario: Scenario = _scenario
    if kind == "queue":
        chart = interactive.queue_chart(result, tr=tr, names=agency_names(scenario, lang))
    elif kind == "waits":
        chart = interactive.waits_chart(result, tr=tr, target_min=scenario.target.wait_min)
    elif kind == "occupancy":
        chart = interactive.occupancy_chart(result, tr=tr)
    else:
        raise ValueError(f"unknown chart {kind!r}; expected queue, waits or occupancy")
    return None if chart is None else chart.to_dict(validate=False)


def show_chart(
    kind: str, tr: Translator, scenario: Scenario, key: str, result: ExperimentResult
) -> None:
    """Draw one result chart of the shown run (nothing when it has nothing to show)."""
    spec = chart_spec(kind, key, tr.lang, result, scenario)
    if spec is not None:
        st.vega_lite_chart(spec, width="stretch", key=f"chart_{kind}")


@st.cache_data(max_entries=16, show_spinner=False)
def compare_specs(
    keys: tuple[str, ...],
    names: tuple[str, ...],
    colours: tuple[str, ...],
    lang: str,
    _results: Any,
    _target: Any,
) -> tuple[dict, dict]:
    """The comparison charts' specs (p90 and share within target; share called within each
    wait), once per (variants, names, colours, language)."""
    tr = Translator(lang)
    target: Target = _target
    by_name = dict(zip(names, colours, strict=True))
    bars = interactive.compare_chart(
        names,
        _results,
        by_name,
        tr=tr,
        target_min=target.wait_min,
        target_share=target.share,
    )
    lines = interactive.compare_waits_chart(
        names, _results, by_name, tr=tr, target_min=target.wait_min
    )
    return bars.to_dict(validate=False), lines.to_dict(validate=False)


def show_compare_charts(
    tr: Translator,
    keys: Sequence[str],
    names: Sequence[str],
    colours: Mapping[str, str],
    results: Sequence[ExperimentResult],
    target: Target,
) -> None:
    """Draw the comparison charts, each variant in its own colour (``colours``: by name)."""
    bars, lines = compare_specs(
        tuple(keys), tuple(names), tuple(colours[n] for n in names), tr.lang, list(results), target
    )
    st.vega_lite_chart(bars, key="chart_compare")
    st.vega_lite_chart(lines, width="stretch", key="chart_compare_waits")


@st.cache_data(max_entries=32, show_spinner=False)
def plan_page(key: str, lang: str, label: str, _result: Any, _scenario: Any) -> tuple[str, int]:
    """The floor plan coloured by p90 wait (HTML page) and its height in pixels; ("", 0)
    without a floor plan."""
    scenario: Scenario = _scenario
    site = site_for(scenario)
    building = plan_view.building_of(scenario)
    if site is None or building is None:
        return "", 0
    tr = Translator(lang)
    page = plan_view.plan_page(
        scenario, site, _result, tr=tr, title=tr("chart_plan_p90", layout=label), building=building
    )
    hall = plan_view.hall_of(building)
    height = hall.height_px() + plan_view.PLAN_CHROME_PX
    return page, height if not hall.titled else height + 40


def show_plan(
    tr: Translator, scenario: Scenario, key: str, result: ExperimentResult, label: str
) -> None:
    """Draw the floor plan of the shown run with every counter coloured by its p90 wait and
    its full agency name on hover."""
    page, height = plan_page(key, tr.lang, label, result, scenario)
    if page:
        st.iframe(page, height=height)


@st.cache_data(max_entries=8, show_spinner=False)
def playback_page(key: str, lang: str, label: str, _scenario: Any) -> tuple[str, int]:
    """The day played on the plan (HTML page) and its height in pixels (a building's floors
    scroll inside it); ("", 0) without a floor plan."""
    scenario: Scenario = _scenario
    site = site_for(scenario)
    building = plan_view.building_of(scenario)
    if site is None or building is None:
        return "", 0
    tr = Translator(lang)
    plan, records = playback.one_day(scenario)
    played = playback.playback_data(scenario, plan, records, site, building, tr=tr)
    page = playback.playback_html(played, tr=tr, title=tr("pb_title", name=label))
    if played.hall.titled:
        return page, PLAYBACK_SCROLL_PX
    return page, played.hall.height_px() + playback.PLAYBACK_CHROME_PX


def show_playback(tr: Translator, scenario: Scenario, key: str, label: str) -> None:
    """Draw the day played on the plan (play, pause, speed, any minute) and a button to
    download it as one HTML file that plays offline."""
    page, height = playback_page(key, tr.lang, label, scenario)
    if not page:
        return
    st.caption(tr("pb_caption"))
    st.iframe(page, height=height)
    st.download_button(
        tr("pb_download"),
        page.encode("utf-8"),
        file_name=f"mpp-hari-{label}.html" if tr.lang == "id" else f"mpp-day-{label}.html",
        mime="text/html",
        key="download_playback",
        on_click="ignore",
    )


@st.cache_data(max_entries=16, show_spinner=False)
def placement_png(key: str, lang: str, _scenario: Any) -> bytes:
    """The plan (every floor of a building) with each slot labelled by whom it serves: the
    edit tab's preview of a placement, drawn once per scenario content."""
    scenario: Scenario = _scenario
    site = site_for(scenario)
    if site is None:
        return b""
    levels = scenario.layout_levels()
    if isinstance(scenario.layout, str):
        floor = layouts.load_floor(scenario.layout)
        return charts.figure_png(charts.placement_figure(floor, site, tr=Translator(lang)))
    building = Building(
        floors=tuple(layouts.load_floor(f) for f in levels.values()),
        levels=tuple(levels),
        name=layouts.building_name(levels.values()),
    )
    return charts.figure_png(charts.placement_figure(building, site, tr=Translator(lang)))
