"""The results tab: headline figures, the per-agency table, charts and downloads of a run."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from simulator.experiment import ExperimentResult
from simulator.scenario import Scenario
from simulator.ui import files, tables
from simulator.ui.figures import show_chart
from simulator.ui.i18n import Translator, agency_names, day_type_label
from simulator.ui.widgets import layout_label

__all__ = ["results_tab"]


def results_tab(
    tr: Translator, scenario: Scenario, key: str, result: ExperimentResult, shipped: dict[str, Path]
) -> None:
    """Headline figures, the per-agency table, charts and downloads of the shown run."""
    head = tables.headline(result, scenario)
    within_pct = head.within_target * 100
    if head.target_met:
        st.success(
            tr(
                "target_met",
                share=within_pct,
                minutes=head.target_min,
                goal=head.target_share * 100,
            )
        )
    else:
        st.warning(
            tr(
                "target_missed",
                share=within_pct,
                minutes=head.target_min,
                goal=head.target_share * 100,
            )
        )
    one, two, three, four = st.columns(4)
    one.metric(
        tr("metric_p90"),
        tr("value_minutes", value=head.p90_min),
        delta=tr("delta_vs_target", value=head.p90_min - head.target_min),
        delta_color="inverse",
        help=tr("metric_p90_help", ci=head.p90_ci),
    )
    two.metric(
        tr("metric_within", minutes=head.target_min),
        tr("value_percent", value=within_pct),
        delta=tr("delta_vs_goal", value=within_pct - head.target_share * 100),
        help=tr("metric_within_help", ci=head.within_target_ci * 100),
    )
    three.metric(
        tr("metric_lost"),
        tr("value_lost", turned=head.turned_away, gave_up=head.abandoned),
        help=tr("metric_lost_help"),
    )
    if head.seats:
        four.metric(
            tr("metric_peak"),
            tr("value_peak", peak=head.waiting_peak, seats=head.seats),
            help=tr("metric_peak_help"),
        )
    else:
        four.metric(tr("metric_peak"), "–", help=tr("no_layout_help"))
    st.caption(
        tr(
            "shown_run",
            layout=layout_label(tr, scenario, shipped),
            day=day_type_label(scenario.day.type, tr),
            weekday=tr(f"weekday_{scenario.day.weekday}"),
            agencies=len(scenario.agencies),
            counters=sum(a.counters for a in scenario.agencies),
            replications=result.replications,
            seed=result.seed,
        )
    )

    st.subheader(tr("table_agencies"))
    names = agency_names(scenario, tr.lang)
    frame = tables.agency_results(result, names=names, tr=tr)
    config = {
        column: (
            st.column_config.TextColumn(label)
            if fmt is None
            else st.column_config.NumberColumn(label, format=fmt)
        )
        for column, (label, fmt) in tables.result_columns(tr).items()
    }
    st.dataframe(
        frame,
        hide_index=True,
        column_config=config,
        key="results_table",
        width="stretch",
        height=(len(frame) + 1) * 35 + 3,
        placeholder="–",
    )
    st.caption(tr("table_agencies_help"))
    zones = tables.zone_results(result, tr=tr)
    if len(zones):
        st.subheader(tr("table_zones"))
        st.dataframe(zones, hide_index=True, key="zones_table")

    for kind in ("queue", "waits", "occupancy"):
        show_chart(kind, tr, scenario, key, result)

    st.subheader(tr("downloads"))
    left, right = st.columns(2)
    left.download_button(
        tr("download_csv"),
        files.results_csv(result, names=names),
        file_name="mpp-results.csv",
        mime="text/csv",
        key="download_csv",
        on_click="ignore",
    )
    right.download_button(
        tr("download_replications"),
        files.per_replication_csv(result),
        file_name="mpp-results-per-replication.csv",
        mime="text/csv",
        key="download_replications",
        on_click="ignore",
    )
