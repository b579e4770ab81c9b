"""The edit tab: every lever of the scenario, turned into a validated scenario on each rerun.

Every edit reruns the scenario at once (the screen says so): the day and its volume, the
agencies (joins, days open, counters, share, service time), online booking, counter groups,
opening hours, the floor plan or building and the counters' placement on its slots, the
replications and seed. Widget values live in the session under their keys; the logic that turns
them into a scenario is :mod:`simulator.ui.editing`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from simulator.errors import SimulatorError
from simulator.inputs import scenario_fingerprint, site_for
from simulator.scenario import MAX_REPLICATIONS, MAX_VISITORS_PER_DAY, WEEKDAYS, Scenario
from simulator.ui import editing, layouts
from simulator.ui.i18n import Translator, agency_names, day_type_label
from simulator.ui.messages import Message
from simulator.ui.numbers import number
from simulator.ui.widgets import show_message

__all__ = [
    "NO_LAYOUT",
    "UPLOADED_LAYOUT",
    "choose",
    "editor",
    "forget_widgets",
    "layout_value",
    "reset_editor",
]

NO_LAYOUT = "__none__"
#: The placement table's value for a slot that serves nobody (shown in words).
EMPTY_SLOT = "-"
UPLOADED_LAYOUT = "__uploaded_layout__"
LAYOUT_UPLOAD_MB = 100
_ROW_PX = 35

state = st.session_state


def reset_editor(
    base: Scenario, shipped: dict[str, Path], buildings: Mapping[str, Mapping[int, Path]]
) -> None:
    """Put the base scenario's values into every editor widget."""
    choice = layouts.layout_choice(base, shipped, buildings)
    hours = base.day.hours
    kept = {
        "weekday": base.day.weekday,
        "day_type": base.day.type,
        "visitors": round(base.demand.visitors_per_day),
        "replications": base.run.replications,
        "seed": base.run.seed,
        "layout_choice": choice if choice is not None else NO_LAYOUT,
        "wait_from_opening": base.target.counted_from == "service_start",
        "booking_agencies": [a.id for a in base.agencies if a.booking is not None],
        "placement_show": False,
    }
    state["editor_kept"] = kept
    state.update(kept)  # set through the session: the browser's widgets take these values
    state["hour_defaults"] = {
        name: editing.clock_time(getattr(hours, name)) for name in editing.HOUR_FIELDS
    }
    # A table editor keeps its edits in the browser: a new key starts a fresh table.
    state["editor_generation"] = state.get("editor_generation", 0) + 1
    state["base_layout"] = base.layout


#: Editor widgets whose values live in the session under their keys. Each is also drawn with
#: its last value as its default (kept in ``editor_kept``): a widget in a tab not shown is
#: unmounted by the browser and, mounted again, starts from its default, not from the session.
#: (Streamlit logs that a default and a session value meet; .streamlit/config.toml silences it.)
KEPT = (
    "weekday",
    "day_type",
    "visitors",
    "wait_from_opening",
    "booking_agencies",
    "layout_choice",
    "replications",
    "seed",
    "placement_show",
)


def kept(key: str) -> Any:
    """The editor value of ``key``: the widget's, else the last one kept."""
    return state[key] if key in state else state.get("editor_kept", {}).get(key)


def choose(key: str, value: Any) -> None:
    """Set an editor value from code (a callback, or before its widget is drawn)."""
    state.setdefault("editor_kept", {})[key] = value
    state[key] = value


def forget_widgets() -> None:
    """Send every editor value to the browser again (after a language switch, so select boxes
    show their option in the new language)."""
    keep_values()
    for key in KEPT:
        if key in state:
            state[key] = state[key]


def keep_values() -> None:
    """Copy the editor's values, the defaults of the next run's widgets."""
    values = state.setdefault("editor_kept", {})
    values.update({key: state[key] for key in KEPT if key in state})


def _table_key(name: str) -> str:
    return f"{name}_{state.get('editor_generation', 0)}"


def layout_value(
    choice: str,
    shipped: dict[str, Path],
    buildings: Mapping[str, Mapping[int, Path]],
) -> str | dict[int, str] | None:
    """The layout an editor choice stands for: a file, a building (level -> file), none."""
    if choice == NO_LAYOUT:
        return None
    if choice == UPLOADED_LAYOUT:
        uploaded = state.get("uploaded_layout")
        return uploaded[1] if uploaded is not None else None
    if choice in buildings:
        return {lv: str(path) for lv, path in buildings[choice].items()}
    if choice in shipped:
        return str(shipped[choice])
    return None


def _day_section(tr: Translator, base: Scenario) -> None:
    st.subheader(tr("edit_day"))
    left, middle, right = st.columns(3)
    left.selectbox(
        tr("weekday"),
        WEEKDAYS,
        index=WEEKDAYS.index(kept("weekday")),
        format_func=lambda d: tr(f"weekday_{d}"),
        key="weekday",
        placeholder=tr("choose"),
    )
    day_types = list(base.demand.day_types)
    if kept("day_type") not in day_types:
        choose("day_type", base.day.type)
    middle.selectbox(
        tr("day_type"),
        day_types,
        index=day_types.index(kept("day_type")),
        format_func=lambda d: tr(
            "day_type_option",
            label=day_type_label(d, tr),
            factor=number(base.demand.day_types[d], tr.lang, digits=2).rstrip("0").rstrip(",."),
        ),
        key="day_type",
        placeholder=tr("choose"),
    )
    right.number_input(
        tr("visitors"),
        value=int(kept("visitors")),
        min_value=1,
        max_value=int(MAX_VISITORS_PER_DAY),
        step=10,
        key="visitors",
        help=tr("visitors_help"),
    )


def _agency_section(tr: Translator, base: Scenario) -> pd.DataFrame:
    st.subheader(tr("edit_agencies"))
    st.caption(tr("agencies_help"))
    names = agency_names(base, tr.lang)
    table = editing.agency_table(base, names=names)
    edited = st.data_editor(
        table,
        key=_table_key("agency_table"),
        hide_index=True,
        num_rows="fixed",
        height=(len(table) + 1) * _ROW_PX + 3,
        disabled=["agency", "name"],
        width="stretch",
        column_config={
            "join": st.column_config.CheckboxColumn(tr("col_join"), width="small"),
            "agency": None,
            "name": st.column_config.TextColumn(tr("col_name"), width="medium"),
            "days_open": st.column_config.MultiselectColumn(
                tr("col_days"),
                options=list(WEEKDAYS),
                format_func=lambda d: tr(f"wd_{d}"),
                help=tr("col_days_edit_help"),
                width="medium",
            ),
            "counters": st.column_config.NumberColumn(
                tr("col_counters"),
                min_value=0,
                max_value=50,
                step=1,
                format="%d",
                help=tr("col_counters_edit_help"),
            ),
            "share_pct": st.column_config.NumberColumn(
                tr("col_share"), min_value=0.01, max_value=100.0, step=0.01, format="%.4g"
            ),
            "service_median_min": st.column_config.NumberColumn(
                tr("col_service"), min_value=0.1, max_value=600.0, step=0.1, format="%.4g"
            ),
        },
    )
    joined = edited[edited["join"].astype(bool)]
    st.caption(
        tr(
            "agencies_summary",
            joined=len(joined),
            total=len(edited),
            counters=int(joined["counters"].fillna(0).sum())
            + sum(g.counters for g in base.counter_groups),
            share=number(float(edited["share_pct"].fillna(0).sum()), tr.lang, digits=2),
        )
    )
    return edited


def _group_section(tr: Translator, base: Scenario) -> pd.DataFrame | None:
    if not base.counter_groups:
        return None
    st.subheader(tr("edit_groups"))
    st.caption(tr("groups_help"))
    names = agency_names(base, tr.lang) | {
        g.id: (g.name_id or g.name_en) if tr.lang == "id" else (g.name_en or g.name_id)
        for g in base.counter_groups
    }
    table = editing.group_table(base, names=names)
    return st.data_editor(
        table,
        key=_table_key("group_table"),
        hide_index=True,
        num_rows="fixed",
        disabled=["group", "name", "agencies"],
        width="stretch",
        column_config={
            "group": None,
            "name": st.column_config.TextColumn(tr("col_group"), width="medium"),
            "agencies": st.column_config.TextColumn(tr("col_group_agencies"), width="large"),
            "counters": st.column_config.NumberColumn(
                tr("col_counters"), min_value=1, max_value=50, step=1, format="%d"
            ),
        },
    )


def _booking_section(tr: Translator, base: Scenario) -> pd.DataFrame:
    st.subheader(tr("edit_booking"))
    st.caption(tr("booking_help"))
    names = agency_names(base, tr.lang)
    ids = [a.id for a in base.agencies if base.group_of(a.id) is None]
    chosen = [a for a in kept("booking_agencies") or [] if a in ids]
    if chosen != list(kept("booking_agencies") or []):
        choose("booking_agencies", chosen)
    st.multiselect(
        tr("booking_agencies"),
        ids,
        default=chosen,
        format_func=lambda a: names.get(a, a),
        key="booking_agencies",
        placeholder=tr("booking_none"),
    )
    selected = list(state["booking_agencies"])
    table = editing.booking_table(base, selected, names=names)
    if not selected:
        return table
    return st.data_editor(
        table,
        key=f"{_table_key('booking_table')}_{'-'.join(selected)}",
        hide_index=True,
        num_rows="fixed",
        disabled=["agency", "name"],
        width="stretch",
        column_config={
            "agency": None,
            "name": st.column_config.TextColumn(tr("col_name"), width="medium"),
            "share_pct": st.column_config.NumberColumn(
                tr("col_booking_share"), min_value=0.0, max_value=100.0, step=5.0, format="%.0f"
            ),
            "slot_min": st.column_config.NumberColumn(
                tr("col_booking_slot"), min_value=5, max_value=240, step=5, format="%d"
            ),
            "per_slot": st.column_config.NumberColumn(
                tr("col_booking_per_slot"), min_value=1, max_value=100, step=1, format="%d"
            ),
            "reserved_counters": st.column_config.NumberColumn(
                tr("col_booking_reserved"), min_value=0, max_value=50, step=1, format="%d"
            ),
        },
    )


def _hours_section(tr: Translator) -> dict[str, dt.time]:
    """The opening hours. Time inputs take their first value as an argument under a key that
    changes with the base scenario: one whose value was put in the session (and that sat in
    a tab not yet shown) showed the clock time when the tab opened."""
    st.subheader(tr("edit_hours"))
    columns = st.columns(len(editing.HOUR_FIELDS))
    defaults: dict[str, dt.time] = state["hour_defaults"]
    chosen = {}
    for column, name in zip(columns, editing.HOUR_FIELDS, strict=True):
        chosen[name] = column.time_input(
            tr(f"hour_{name}"),
            value=defaults[name],
            key=_table_key(f"hour_{name}"),
            step=dt.timedelta(minutes=5),
        )
    st.checkbox(
        tr("wait_from_opening"),
        value=bool(kept("wait_from_opening")),
        key="wait_from_opening",
        help=tr("wait_from_opening_help"),
    )
    return {name: value for name, value in chosen.items() if value is not None}


def _placement_section(tr: Translator, scenario: Scenario) -> dict[str, str] | None:
    """The slots of the plan and whom each serves, editable (shown on the planner's wish).
    The table starts from the placement of ``scenario`` (the edits without any placement of
    the planner's) and keeps the planner's changes while that scenario stays the same.
    Returns the planner's placement when they changed it, else ``None``."""
    if scenario.layout is None or not state.get("placement_show"):
        return None
    try:
        site = site_for(scenario)
    except SimulatorError:
        return None
    if site is None:
        return None
    names = agency_names(scenario, tr.lang)
    owners = list(scenario.queue_counters())
    drawn = {c.slot for f in scenario.layout_files() for c in layouts.load_floor(f).counters}
    slots = sorted(drawn | set(site.slot_agency), key=_natural)
    fingerprint = scenario_fingerprint(scenario)[:12]
    start = _proposal(tr, scenario, fingerprint) or site.slot_agency
    table = pd.DataFrame({"slot": slots, "owner": [start.get(s) or EMPTY_SLOT for s in slots]})
    edited: pd.DataFrame = st.data_editor(
        table,
        key=f"{_table_key('placement_table')}_{fingerprint}_{len(state.get('proposals', {}))}",
        hide_index=True,
        num_rows="fixed",
        disabled=["slot"],
        height=min(len(table) + 1, 12) * _ROW_PX + 3,
        column_config={
            "slot": st.column_config.TextColumn(tr("col_slot"), width="small"),
            "owner": st.column_config.SelectboxColumn(
                tr("col_owner"),
                options=[EMPTY_SLOT, *owners],
                format_func=lambda a: (
                    tr("slot_empty") if a in (EMPTY_SLOT, None, "") else (names.get(str(a), str(a)))
                ),
                width="large",
            ),
        },
    )
    placed = {
        str(r["slot"]): str(r["owner"])
        for r in edited.to_dict("records")
        if r["owner"] and r["owner"] != EMPTY_SLOT
    }
    shown = {s: a for s, a in site.slot_agency.items() if a}
    return placed if placed != shown else None


def _proposal(tr: Translator, scenario: Scenario, fingerprint: str) -> dict[str, str] | None:
    """The placement optimiser's proposal for ``scenario`` (shortest walking, clusters side
    by side: :func:`simulator.placement.optimise.optimise_placement`), once asked for; it
    fills the table, where the planner may still change it."""
    from simulator.placement.optimise import optimise_placement

    proposals: dict[str, dict[str, str]] = state.setdefault("proposals", {})
    if st.button(
        tr("placement_optimise"), key="placement_optimise", help=tr("placement_optimise_help")
    ):
        try:
            found = optimise_placement(scenario, simulate=False)
        except SimulatorError as exc:
            state["placement_message"] = Message.of_error(exc)
        else:
            proposals[fingerprint] = found.placement
            state["placement_message"] = Message.success(
                "placement_optimised",
                before=number(found.before.metres, tr.lang, digits=0),
                after=number(found.after.metres, tr.lang, digits=0),
            )
    if "placement_message" in state:
        show_message(tr, state["placement_message"])
    return proposals.get(fingerprint)


def _natural(slot: str) -> tuple[Any, ...]:
    from simulator.naming import natural_key

    return tuple(natural_key(slot))


def _layout_section(
    tr: Translator,
    shipped: dict[str, Path],
    buildings: Mapping[str, Mapping[int, Path]],
    on_upload: Callable[[], None],
) -> None:
    st.subheader(tr("edit_layout"))
    options = layouts.layout_options(shipped, buildings)
    uploaded = state.get("uploaded_layout")
    if uploaded is not None:
        options.append(UPLOADED_LAYOUT)
    options.append(NO_LAYOUT)
    if kept("layout_choice") not in options:
        choose("layout_choice", options[0])

    def label(option: str) -> str:
        if option == NO_LAYOUT:
            return tr("layout_none")
        if option == UPLOADED_LAYOUT and uploaded is not None:
            return tr("layout_uploaded", name=uploaded[0])
        if option in buildings:
            return tr("layout_building", name=option, floors=len(buildings[option]))
        return option

    st.selectbox(
        tr("layout"),
        options,
        index=options.index(kept("layout_choice")),
        format_func=label,
        key="layout_choice",
        placeholder=tr("choose"),
    )
    st.file_uploader(
        tr("upload_layout"),
        key="upload_layout",
        on_change=on_upload,
        max_upload_size=LAYOUT_UPLOAD_MB,
        help=tr("upload_layout_help"),
    )
    st.caption(tr("upload_layout_help"))
    if "layout_message" in state:
        show_message(tr, state["layout_message"])
    report = state.get("layout_report")
    if report is not None:
        with st.expander(tr("check_report"), expanded=not report.ok):
            st.markdown(
                tr(
                    "check_summary",
                    counters=len(report.counters),
                    zones=len(report.waiting_zones),
                    seats=sum(int(z["seats"]) for z in report.waiting_zones),
                    area=number(report.walkable_area_m2, tr.lang, digits=0),
                    kiosks=len(report.kiosks),
                    entrances=len(report.entrances),
                    errors=len(report.errors),
                    warnings=len(report.warnings),
                )
            )
            problems = [*report.errors, *report.warnings]
            if problems:
                st.caption(tr("check_problems"))
                st.code("\n".join(f"- {p.message} [{p.where.describe()}]" for p in problems))


def _run_section(tr: Translator) -> None:
    st.subheader(tr("edit_run"))
    left, right = st.columns(2)
    left.number_input(
        tr("replications"),
        value=int(kept("replications")),
        min_value=1,
        max_value=MAX_REPLICATIONS,
        step=1,
        key="replications",
        help=tr("replications_help"),
    )
    right.number_input(
        tr("seed"),
        value=int(kept("seed")),
        min_value=0,
        step=1,
        key="seed",
        help=tr("seed_help"),
    )


def editor(
    tr: Translator,
    base: Scenario,
    shipped: dict[str, Path],
    buildings: Mapping[str, Mapping[int, Path]],
    *,
    on_layout_upload: Callable[[], None],
    preview: Callable[[Scenario], bytes | None],
) -> Scenario | None:
    """Every edit of the scenario; returns the edited scenario, or ``None`` with a message."""
    st.info(tr("edit_behaviour"))
    _day_section(tr, base)
    agencies = _agency_section(tr, base)
    groups = _group_section(tr, base)
    bookings = _booking_section(tr, base)
    hours = _hours_section(tr)
    _layout_section(tr, shipped, buildings, on_layout_upload)
    _run_section(tr)
    keep_values()
    edits = editing.Edits(
        weekday=state["weekday"],
        day_type=state["day_type"],
        visitors_per_day=float(state["visitors"]),
        hours=hours,
        wait_from_opening=bool(state.get("wait_from_opening", False)),
        agencies=agencies,
        bookings=bookings,
        groups=groups,
        layout=layout_value(state["layout_choice"], shipped, buildings),
        replications=int(state["replications"]),
        seed=int(state["seed"]),
    )
    # A layout other than the base scenario's drops the base's placement (its slots are the
    # old plan's); the placement table then starts from the new plan's own.
    placement: dict[str, str] | None = None
    if _files(edits.layout) != set(base.layout_files()) and base.placement:
        placement = {}
    try:
        scenario = editing.build_scenario(base, _with(edits, placement))
    except SimulatorError as exc:
        state["edit_message"] = Message.of_error(exc)
        show_message(tr, state["edit_message"])
        return None
    if scenario.layout is not None:
        st.toggle(
            tr("placement_show"),
            value=bool(kept("placement_show")),
            key="placement_show",
            help=tr("placement_help"),
        )
    placed = _placement_section(tr, scenario)
    if placed is not None:
        try:
            scenario = editing.build_scenario(base, _with(edits, placed))
        except SimulatorError as exc:
            state["edit_message"] = Message.of_error(exc)
            show_message(tr, state["edit_message"])
            return None
    if scenario.layout is not None and state.get("placement_show"):
        png = preview(scenario)
        if png:
            st.image(png, caption=tr("placement_preview"), width="stretch")
    state.pop("edit_message", None)
    st.caption(
        tr(
            "expected_visitors",
            visitors=number(editing.expected_visitors(scenario), tr.lang, digits=0),
        )
    )
    return scenario


def _files(layout: str | Mapping[int, str] | None) -> set[str]:
    if layout is None:
        return set()
    return {layout} if isinstance(layout, str) else set(layout.values())


def _with(edits: editing.Edits, placement: dict[str, str] | None) -> editing.Edits:
    if placement is None:
        return edits
    from dataclasses import replace

    return replace(edits, placement=placement)
