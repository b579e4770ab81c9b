"""The results tab: the per-agency overview (fits the screen), its details on expand, the
waiting zones, charts and downloads of the run shown. The headline figures are in the KPI
strip above every tab (:func:`simulator.ui.widgets.kpi_strip`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import streamlit as st

from simulator.experiment import ExperimentResult
from simulator.scenario import Scenario
from simulator.ui import files, tables
from simulator.ui.figures import show_chart
from simulator.ui.i18n import Translator, agency_names

__all__ = ["results_tab"]

_ROW_PX = 35
#: Width of the agency-name column: long names are cut (full name on hover), so the whole
#: overview fits a 1440-pixel screen.
_NAME_PX = 250


def _overview(tr: Translator, scenario: Scenario, result: ExperimentResult) -> None:
    """The per-agency overview, coloured against the target, and why an agency has no
    visitors today."""
    names = agency_names(scenario, tr.lang)
    frame = tables.agency_overview(result, scenario, names=names, tr=tr)
    labels = tables.overview_columns(tr)
    config = {
        column: st.column_config.Column(
            label, help=help_text, width=_NAME_PX if column == "name" else "small"
        )
        for column, (label, help_text) in labels.items()
    }
    st.dataframe(
        tables.overview_style(
            frame, tr, target_min=scenario.target.wait_min, goal=scenario.target.share
        ),
        hide_index=True,
        column_config=config,
        key="results_table",
        width="stretch",
        height=(len(frame) + 1) * _ROW_PX + 3,
        placeholder="–",
    )
    closed = tables.closed_agencies(scenario)
    if closed:
        weekday = tr(f"weekday_{scenario.day.weekday}")
        lines = [
            tr(
                "closed_today",
                name=names.get(a, a),
                days=tables.days_label(scenario.agency(a).days_open, tr, long=True),
                weekday=weekday,
            )
            for a in closed
        ]
        st.caption(" ".join(lines))
    groups = [
        tr(
            "group_line",
            group=g.name_id or g.name_en or g.id,
            agencies=", ".join(names.get(a, a) for a in g.agencies),
            counters=g.counters,
        )
        for g in scenario.counter_groups
    ]
    if groups:
        st.caption(" ".join(groups))
    st.caption(tr("table_agencies_help"))
    with st.expander(tr("details_title")):
        details = tables.agency_details(result, names=names, tr=tr)
        st.dataframe(
            tables.details_style(details, tr),
            hide_index=True,
            column_config={
                c: st.column_config.Column(label)
                for c, label in tables.details_columns(
                    tr, bookings="slot_fill_pct" in details.columns
                ).items()
            },
            key="details_table",
            height=(len(details) + 1) * _ROW_PX + 3,
            placeholder="–",
        )
        st.caption(tr("details_help"))


def results_tab(
    tr: Translator, scenario: Scenario, key: str, result: ExperimentResult, shipped: dict[str, Path]
) -> None:
    """The per-agency overview and details, waiting zones, charts and downloads of the run."""
    st.subheader(tr("table_agencies"))
    _overview(tr, scenario, result)
    zones = tables.zone_results(result, tr=tr)
    if len(zones):
        st.subheader(tr("table_zones"))
        wide: dict[str, int | Literal["small"]] = {
            tr("col_zone"): 200,
            tr("col_zone_agencies"): 300,
        }
        st.dataframe(
            zones,
            hide_index=True,
            key="zones_table",
            width="stretch",
            column_config={
                str(c): st.column_config.Column(width=wide.get(str(c), "small")) for c in zones
            },
        )
        st.caption(tr("table_zones_help"))

    lang = tr.lang
    for kind in ("queue", "waits", "occupancy"):
        show_chart(kind, tr, scenario, key, result)

    st.subheader(tr("downloads"))
    names = agency_names(scenario, lang)
    left, right = st.columns(2)
    left.download_button(
        tr("download_csv"),
        lambda: files.results_csv(result, names=names, lang=lang),
        file_name="mpp-results.csv",
        mime="text/csv",
        key="download_csv",
        on_click="ignore",
    )
    right.download_button(
        tr("download_replications"),
        lambda: files.per_replication_csv(result, lang=lang),
        file_name="mpp-results-per-replication.csv",
        mime="text/csv",
        key="download_replications",
        on_click="ignore",
    )
    st.caption(tr("downloads_help"))
