"""The planner's app: edit a scenario, run it, compare layouts on the floor plan.

Start it with ``streamlit run app.py``. This file only lays out widgets; everything that can be
tested without a browser lives in :mod:`simulator.ui`. It speaks Bahasa Indonesia by default
and English on a switch; every text comes from :mod:`simulator.ui.i18n`.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import streamlit as st

from simulator.errors import SimulatorError
from simulator.experiment import ExperimentResult
from simulator.inputs import scenario_fingerprint
from simulator.scenario import (
    MAX_REPLICATIONS,
    MAX_VISITORS_PER_DAY,
    WEEKDAYS,
    Scenario,
    load_scenario,
)
from simulator.ui import calibration, editing, files, layouts, runs
from simulator.ui.compare_tab import compare_tab
from simulator.ui.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    Translator,
    agency_names,
    day_type_label,
)
from simulator.ui.messages import Message
from simulator.ui.plan_tab import plan_tab
from simulator.ui.results_tab import results_tab
from simulator.ui.widgets import layout_label, show_message

ROOT = Path(__file__).resolve().parent
SCENARIO_DIR = ROOT / "scenarios"
LAYOUT_DIR = ROOT / "layouts"
DEFAULT_SCENARIO = "normal-day.yaml"
UPLOADED = "__uploaded__"
NO_LAYOUT = "__none__"
UPLOADED_LAYOUT = "__uploaded_layout__"
SELECT_BOXES = ("scenario_file", "weekday", "day_type", "layout_choice", "baseline")
SCENARIO_UPLOAD_MB = 20
LAYOUT_UPLOAD_MB = 100

log = logging.getLogger("mpp_app")
state = st.session_state


# ---------------------------------------------------------------- cached, shared by sessions
@st.cache_resource
def result_store() -> runs.ResultStore:
    """Results of every run on this server, by scenario content."""
    return runs.ResultStore(max_items=32)


@st.cache_resource
def upload_folder() -> Path:
    """Where uploaded floor plans are kept while the server runs."""
    return Path(tempfile.mkdtemp(prefix="mpp-app-layouts-"))


@st.cache_resource
def shipped_scenario(path: str, modified_ns: int) -> Scenario:
    """A shipped scenario file, read once per version."""
    return load_scenario(path)


def scenario_files() -> dict[str, Path]:
    """Shipped scenario files by name, the default first."""
    found = {p.name: p for p in sorted(SCENARIO_DIR.glob("*.yaml")) if p.is_file()}
    return dict(sorted(found.items(), key=lambda item: item[0] != DEFAULT_SCENARIO))


# ---------------------------------------------------------------------------------- helpers
def localise_widgets(tr: Translator) -> None:
    """Replace or hide the few words Streamlit's own widgets write in English.

    The upload button gets a translated label, the dropzone's size line (ours is in the help
    and the caption), the "press Enter" hint and the top-right "Running..." widget are hidden:
    the progress bar in the sidebar says the same in the chosen language.
    """
    label = tr("upload_button").replace("\\", "").replace('"', "")
    st.html(
        "<style>"
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
        "{font-size:0;}"
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after'
        f'{{content:"{label}";font-size:0.875rem;}}'
        '[data-testid="stFileUploaderDropzoneInstructions"]{display:none;}'
        '[data-testid="InputInstructions"]{display:none;}'
        '[data-testid="stStatusWidget"]{visibility:hidden;}'
        "</style>"
    )


def on_scenario_upload() -> None:
    """Validate an uploaded scenario; on success it becomes the scenario being edited."""
    upload = state.get("upload_scenario")
    state.pop("upload_message", None)
    if upload is None:
        return
    try:
        scenario, dropped = files.read_scenario_upload(
            upload.getvalue(), upload.name, layouts=layouts.shipped_layouts(LAYOUT_DIR)
        )
    except SimulatorError as exc:
        state["upload_message"] = Message.of_error(exc)
        return
    except Exception:
        log.exception("scenario upload %s", upload.name)
        state["upload_message"] = Message.failure("error_upload_unexpected")
        return
    state["uploaded_scenario"] = (upload.name, scenario)
    state["scenario_file"] = UPLOADED
    if dropped:
        state["upload_message"] = Message.warning("upload_layout_dropped", layout=dropped)
    else:
        state["upload_message"] = Message.success("upload_ok", name=upload.name)


def use_calibrated(name: str, scenario: Scenario) -> None:
    """The calibrated scenario becomes the scenario being edited (as an uploaded one)."""
    state["uploaded_scenario"] = (name, scenario)
    state["scenario_file"] = UPLOADED
    state["upload_message"] = Message.success("calib_continued")


def on_layout_upload() -> None:
    """Check an uploaded floor plan; when usable it becomes the chosen layout."""
    upload = state.get("upload_layout")
    state.pop("layout_report", None)
    state.pop("layout_message", None)
    if upload is None:
        return
    try:
        path = files.store_layout_upload(upload.getvalue(), upload.name, folder=upload_folder())
        report = layouts.check_layout(path)
    except SimulatorError as exc:
        state["layout_message"] = Message.of_error(exc)
        return
    except Exception:
        log.exception("layout upload %s", upload.name)
        state["layout_message"] = Message.failure("error_upload_unexpected")
        return
    state["layout_report"] = report
    if report.ok:
        state["uploaded_layout"] = (upload.name, str(path))
        state.setdefault("layout_names", {})[str(path)] = Path(upload.name).stem
        state["layout_choice"] = UPLOADED_LAYOUT
        state["layout_message"] = Message.success("layout_ok", name=upload.name)
    else:
        state["layout_message"] = Message.failure(
            "layout_has_errors", name=upload.name, count=len(report.errors)
        )


def reset_editor(base: Scenario, shipped: dict[str, Path]) -> None:
    """Put the base scenario's values into every editor widget."""
    choice = layouts.layout_choice(base, shipped)
    hours = base.day.hours
    state.update(
        {
            "weekday": base.day.weekday,
            "day_type": base.day.type,
            "visitors": round(base.demand.visitors_per_day),
            "replications": base.run.replications,
            "seed": base.run.seed,
            "layout_choice": choice if choice is not None else NO_LAYOUT,
            "wait_from_opening": base.target.counted_from == "service_start",
            **{
                f"hour_{name}": editing.clock_time(getattr(hours, name))
                for name in editing.HOUR_FIELDS
            },
        }
    )
    # A table editor keeps its edits in the browser: a new key starts a fresh table.
    if "agency_table_key" in state:
        state.pop(state["agency_table_key"], None)
    state["editor_generation"] = state.get("editor_generation", 0) + 1
    state["agency_table_key"] = f"agency_table_{state['editor_generation']}"


def run_with_progress(
    tr: Translator, scenario: Scenario, slot: Any
) -> tuple[str, ExperimentResult] | None:
    """Run (or fetch) the scenario, showing progress in ``slot``; errors are shown, not raised."""
    total = scenario.run.replications
    bar = slot.progress(0.0, text=tr("running", done=0, total=total))

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=tr("running", done=done, total=total))

    try:
        return result_store().run(scenario, progress=progress)
    except SimulatorError as exc:
        state["run_message"] = Message.of_error(exc)
    except Exception:
        log.exception("run of %s", scenario.name)
        state["run_message"] = Message.failure("error_run_unexpected")
    finally:
        slot.empty()
    return None


# ------------------------------------------------------------------------------------- views
def sidebar(tr: Translator, shipped: dict[str, Path]) -> tuple[Scenario, bool, Any]:
    """Language, scenario choice and upload, Run; returns the base scenario, whether Run was
    pressed, and a slot for the progress bar."""
    with st.sidebar:
        st.radio(
            tr("language"),
            LANGUAGES,
            format_func=lambda code: LANGUAGE_NAMES[code],
            key="lang",
            horizontal=True,
        )
        found = scenario_files()
        options = list(found)
        uploaded = state.get("uploaded_scenario")
        if uploaded is not None:
            options.append(UPLOADED)
        if state.get("scenario_file") not in options:
            state["scenario_file"] = DEFAULT_SCENARIO if DEFAULT_SCENARIO in found else options[0]

        def scenario_option(name: str) -> str:
            if name == UPLOADED and uploaded is not None:
                return tr("scenario_uploaded", name=uploaded[0])
            path = found[name]
            base = shipped_scenario(str(path), path.stat().st_mtime_ns)
            return tr("scenario_option", day=day_type_label(base.day.type, tr), file=name)

        st.selectbox(
            tr("scenario"),
            options,
            format_func=scenario_option,
            key="scenario_file",
            placeholder=tr("choose"),
        )
        if state["scenario_file"] == UPLOADED and uploaded is not None:
            base = uploaded[1]
        else:
            path = found[state["scenario_file"]]
            base = shipped_scenario(str(path), path.stat().st_mtime_ns)
        st.file_uploader(
            tr("upload_scenario"),
            key="upload_scenario",
            on_change=on_scenario_upload,
            max_upload_size=SCENARIO_UPLOAD_MB,
            help=tr("upload_scenario_help"),
        )
        st.caption(tr("upload_scenario_help"))
        if "upload_message" in state:
            show_message(tr, state["upload_message"])
        st.divider()
        pressed = st.button(tr("run"), key="run", type="primary", width="stretch")
        slot = st.empty()
    return base, pressed, slot


def editor(tr: Translator, base: Scenario, shipped: dict[str, Path]) -> Scenario | None:
    """Every edit of the scenario; returns the edited scenario, or ``None`` with a message."""
    st.subheader(tr("edit_day"))
    left, middle, right = st.columns(3)
    left.selectbox(
        tr("weekday"),
        WEEKDAYS,
        format_func=lambda d: tr(f"weekday_{d}"),
        key="weekday",
        placeholder=tr("choose"),
    )
    day_types = list(base.demand.day_types)
    if state.get("day_type") not in day_types:
        state["day_type"] = base.day.type
    middle.selectbox(
        tr("day_type"),
        day_types,
        format_func=lambda d: tr(
            "day_type_option", label=day_type_label(d, tr), factor=base.demand.day_types[d]
        ),
        key="day_type",
        placeholder=tr("choose"),
    )
    right.number_input(
        tr("visitors"),
        min_value=1,
        max_value=int(MAX_VISITORS_PER_DAY),
        step=10,
        key="visitors",
        help=tr("visitors_help"),
    )

    st.subheader(tr("edit_agencies"))
    st.caption(tr("agencies_help"))
    names = agency_names(base, tr.lang)
    table = editing.agency_table(base, names=names)
    edited = st.data_editor(
        table,
        key=state["agency_table_key"],
        hide_index=True,
        num_rows="fixed",
        height=(len(table) + 1) * 35 + 3,
        disabled=["agency", "name"],
        width="stretch",
        column_config={
            "join": st.column_config.CheckboxColumn(tr("col_join"), width="small"),
            "agency": st.column_config.TextColumn(tr("col_agency")),
            "name": st.column_config.TextColumn(tr("col_name"), width="medium"),
            "counters": st.column_config.NumberColumn(
                tr("col_counters"), min_value=1, max_value=50, step=1, format="%d"
            ),
            "share_pct": st.column_config.NumberColumn(
                tr("col_share"), min_value=0.01, max_value=100.0, step=0.01, format="%.2f"
            ),
            "service_median_min": st.column_config.NumberColumn(
                tr("col_service"), min_value=0.1, max_value=600.0, step=0.1, format="%.1f"
            ),
        },
    )
    joined = edited[edited["join"].astype(bool)]
    st.caption(
        tr(
            "agencies_summary",
            joined=len(joined),
            total=len(edited),
            counters=int(joined["counters"].fillna(0).sum()),
            share=float(edited["share_pct"].fillna(0).sum()),
        )
    )

    st.subheader(tr("edit_hours"))
    columns = st.columns(len(editing.HOUR_FIELDS))
    for column, name in zip(columns, editing.HOUR_FIELDS, strict=True):
        column.time_input(tr(f"hour_{name}"), key=f"hour_{name}", step=dt.timedelta(minutes=5))
    st.checkbox(tr("wait_from_opening"), key="wait_from_opening", help=tr("wait_from_opening_help"))

    st.subheader(tr("edit_layout"))
    layout_path = layout_editor(tr, shipped)

    st.subheader(tr("edit_run"))
    left, right = st.columns(2)
    left.number_input(
        tr("replications"),
        min_value=1,
        max_value=MAX_REPLICATIONS,
        step=1,
        key="replications",
        help=tr("replications_help"),
    )
    right.number_input(tr("seed"), min_value=0, step=1, key="seed", help=tr("seed_help"))

    edits = editing.Edits(
        weekday=state["weekday"],
        day_type=state["day_type"],
        visitors_per_day=float(state["visitors"]),
        hours={name: state[f"hour_{name}"] for name in editing.HOUR_FIELDS},
        wait_from_opening=bool(state.get("wait_from_opening", False)),
        agencies=edited,
        layout=layout_path,
        replications=int(state["replications"]),
        seed=int(state["seed"]),
    )
    try:
        scenario = editing.build_scenario(base, edits)
    except SimulatorError as exc:
        state["edit_message"] = Message.of_error(exc)
        show_message(tr, state["edit_message"])
        return None
    state.pop("edit_message", None)
    st.caption(tr("expected_visitors", visitors=round(editing.expected_visitors(scenario))))
    return scenario


def layout_editor(tr: Translator, shipped: dict[str, Path]) -> str | None:
    """Pick a shipped layout or upload one (its check report shown); returns the file path."""
    options = list(shipped)
    uploaded = state.get("uploaded_layout")
    if uploaded is not None:
        options.append(UPLOADED_LAYOUT)
    options.append(NO_LAYOUT)
    if state.get("layout_choice") not in options:
        state["layout_choice"] = options[0]

    def label(option: str) -> str:
        if option == NO_LAYOUT:
            return tr("layout_none")
        if option == UPLOADED_LAYOUT and uploaded is not None:
            return tr("layout_uploaded", name=uploaded[0])
        return option

    st.selectbox(
        tr("layout"), options, format_func=label, key="layout_choice", placeholder=tr("choose")
    )
    st.file_uploader(
        tr("upload_layout"),
        key="upload_layout",
        on_change=on_layout_upload,
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
                    area=report.walkable_area_m2,
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
    choice = state["layout_choice"]
    if choice == NO_LAYOUT:
        return None
    if choice == UPLOADED_LAYOUT and uploaded is not None:
        return uploaded[1]
    return str(shipped[choice])


# -------------------------------------------------------------------------------------- main
def translator() -> Translator:
    """The translator of the chosen language, with select boxes redrawn after a switch."""
    if state.get("lang") not in LANGUAGES:
        state["lang"] = DEFAULT_LANGUAGE
    tr = Translator(state["lang"])
    if state.get("screen_lang") != tr.lang:
        # The browser keeps showing a select box's chosen option in the old language; setting
        # each value again makes Streamlit send it, and the browser redraw it, translated.
        for key in SELECT_BOXES:
            if key in state:
                state[key] = state[key]
        state["screen_lang"] = tr.lang
    return tr


def show_edited(tr: Translator, edited: Scenario | None, pressed: bool, slot: Any) -> None:
    """Make the edited scenario's result the one shown: stored, or run now when Run was
    pressed, the run is quick, or nothing is shown yet."""
    if edited is None:
        if pressed:
            state["run_message"] = Message.failure("error_cannot_run")
        return
    store = result_store()
    key = scenario_fingerprint(edited)
    stored = store.get(key)
    quick = store.estimate_s(edited) < runs.QUICK_RUN_S
    if stored is None and (pressed or quick or "shown" not in state):
        state.pop("run_message", None)
        outcome = run_with_progress(tr, edited, slot)
        if outcome is not None:
            stored = outcome[1]
    if stored is not None:
        state.pop("run_message", None)
        state["shown"] = (key, edited, stored)


def main() -> None:
    """Lay out the app for one rerun."""
    tr = translator()
    st.set_page_config(page_title=tr("app_title"), page_icon="🏛️", layout="wide")
    localise_widgets(tr)
    shipped = layouts.shipped_layouts(LAYOUT_DIR)
    base, pressed, progress_slot = sidebar(tr, shipped)
    base_id = scenario_fingerprint(base)
    if state.get("base_id") != base_id:
        reset_editor(base, shipped)
        state["base_id"] = base_id

    st.title(tr("app_title"))
    st.caption(tr("app_subtitle"))
    status = st.container()
    tab_results, tab_edit, tab_plan, tab_compare, tab_calibration = st.tabs(
        [
            tr("tab_results"),
            tr("tab_edit"),
            tr("tab_plan"),
            tr("tab_compare"),
            tr("tab_calibration"),
        ]
    )
    with tab_calibration:
        calibration.calibration_view(tr, on_continue=use_calibrated)
    with tab_edit:
        edited = editor(tr, base, shipped)
    show_edited(tr, edited, pressed, progress_slot)

    shown = state.get("shown")
    with status:
        if "run_message" in state:
            show_message(tr, state["run_message"])
        if shown is not None and edited is not None and shown[0] != scenario_fingerprint(edited):
            st.warning(tr("stale"))
    with st.sidebar:
        if shown is not None:
            st.caption(tr("sidebar_shown", layout=layout_label(tr, shown[1], shipped)))
        st.download_button(
            tr("download_scenario"),
            files.scenario_download(edited or base, layouts=shipped),
            file_name="mpp-scenario.yaml",
            mime="application/x-yaml",
            key="download_scenario",
            on_click="ignore",
        )
    if shown is None:
        with tab_results:
            st.info(tr("no_results"))
        with tab_compare:
            compare_tab(tr, None, None, None, shipped)
        return
    key, scenario, result = shown
    with tab_results:
        results_tab(tr, scenario, key, result, shipped)
    with tab_plan:
        plan_tab(tr, scenario, key, result, layout_label(tr, scenario, shipped))
    with tab_compare:
        compare_tab(tr, scenario, key, result, shipped)


main()
