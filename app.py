"""The planner's app: edit a scenario, see its results at once, compare variants on the plan.

Start it with ``streamlit run app.py``. This file only lays out widgets; everything that can be
tested without a browser lives in :mod:`simulator.ui`. It speaks Bahasa Indonesia by default
and English on a switch; every text comes from :mod:`simulator.ui.i18n`.

Every edit reruns the scenario (the screen says so). Results come from one store shared by every
session of the server, computed on one shared pool of worker processes, once per scenario
content; pictures are drawn only for the tab shown.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import streamlit as st

from simulator.errors import SimulatorError
from simulator.executors import LocalExecutor
from simulator.experiment import ExperimentResult
from simulator.inputs import scenario_fingerprint
from simulator.scenario import BuildingLayout, FloorFile, Scenario, load_scenario
from simulator.ui import calibration, changes, files, layouts, runs
from simulator.ui.compare_tab import compare_tab
from simulator.ui.editor_view import (
    UPLOADED_LAYOUT,
    choose,
    editor,
    forget_widgets,
    reset_editor,
)
from simulator.ui.figures import placement_png
from simulator.ui.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    Translator,
    agency_names,
    day_type_label,
)
from simulator.ui.layouts_view import layouts_comparison
from simulator.ui.messages import Message, TranslatedError
from simulator.ui.plan_tab import plan_tab
from simulator.ui.results_tab import results_tab
from simulator.ui.widgets import kpi_strip, layout_label, show_message

ROOT = Path(__file__).resolve().parent
SCENARIO_DIR = ROOT / "scenarios"
LAYOUT_DIR = ROOT / "layouts"
DEFAULT_SCENARIO = "normal-day.yaml"
UPLOADED = "__uploaded__"
SELECT_BOXES = ("scenario_file", "baseline")
SCENARIO_UPLOAD_MB = 20
TABS = ("results", "edit", "plan", "compare", "calibration")
#: A run shows its progress notice once it has taken this long, redrawn at most this often.
#: Until then the dimmed page says it is being recomputed; drawing the notice took the browser
#: about 60 ms of CPU, and each redraw 10-20 ms, from the cores the run computes on.
PROGRESS_AFTER_S = 3.0
PROGRESS_EVERY_S = 1.0

log = logging.getLogger("mpp_app")
state = st.session_state


# ---------------------------------------------------------------- cached, shared by sessions
@st.cache_resource
def worker_pool() -> LocalExecutor:
    """One pool of worker processes for every session, started (and warmed) once."""
    pool = LocalExecutor(jobs=max(1, os.cpu_count() or 1), preload=("simulator.ui.runs",))
    list(pool.map_unordered(abs, range(pool.workers)))  # start the workers now, not on a click
    return pool


@st.cache_resource
def result_store() -> runs.ResultStore:
    """Results of every run on this server, by scenario content, computed on the shared pool."""
    return runs.ResultStore(max_items=48, executor=worker_pool())


@st.cache_resource
def upload_folder() -> Path:
    """Where uploaded floor plans are kept while the server runs."""
    return Path(tempfile.mkdtemp(prefix="mpp-app-layouts-"))


@st.cache_resource
def shipped_scenario(path: str, modified_ns: int) -> Scenario:
    """A shipped scenario file, read once per version."""
    return load_scenario(path)


def layout_options(
    shipped: dict[str, Path], buildings: dict[str, dict[int, Path]]
) -> dict[str, str | BuildingLayout]:
    """The shipped plans and buildings a planner may compare, by the names the editor uses."""
    options: dict[str, str | BuildingLayout] = {}
    for name in layouts.layout_options(shipped, buildings):
        if name in buildings:
            floors = [FloorFile(level=lv, file=str(f)) for lv, f in buildings[name].items()]
            options[name] = BuildingLayout(floors=floors)
        else:
            options[name] = str(shipped[name])
    return options


def scenario_files() -> dict[str, Path]:
    """Shipped scenario files by name, the default first."""
    found = {p.name: p for p in sorted(SCENARIO_DIR.glob("*.yaml")) if p.is_file()}
    return dict(sorted(found.items(), key=lambda item: item[0] != DEFAULT_SCENARIO))


def read_shipped(path: Path) -> Scenario:
    """A shipped scenario, from the cache."""
    return shipped_scenario(str(path), path.stat().st_mtime_ns)


def shipped_buildings() -> dict[str, dict[int, Path]]:
    """Buildings of several floors used by the shipped scenarios (one choice each)."""
    return layouts.shipped_buildings(read_shipped(p) for p in scenario_files().values())


# ---------------------------------------------------------------------------------- helpers
def localise_widgets(tr: Translator) -> None:
    """Replace or hide the few words Streamlit's own widgets write in English.

    The upload button gets a translated label, the dropzone's size line (ours is in the help
    and the caption), the "press Enter" hint and the top-right "Running..." widget are hidden:
    the progress bar in the corner says the same in the chosen language.
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
        # Content being recomputed dims at once after a second, and the progress bar steps to
        # each new value, where Streamlit animates both: every animation frame redrew the page
        # for as long as a run lasted, CPU that the browser took from the run itself when
        # they share a machine (about a tenth of a core per page; bench/app.py).
        '[data-stale="true"]{transition:opacity 0s linear 1s !important;}'
        '[data-testid="stProgress"] *{transition:none !important;}'
        # The run's progress floats at the bottom right, as a notice: in the page's flow it
        # pushed the tabs down when it came and back up when it went.
        ".st-key-run_progress{position:fixed;bottom:1rem;right:1.5rem;width:22rem;"
        "z-index:1000000;}"
        '[data-testid="stLayoutWrapper"]:has(> .st-key-run_progress){position:absolute;}'
        '.st-key-run_progress [data-testid="stProgress"]{background:#fff;'
        "padding:0.25rem 0.75rem 0.5rem;border-radius:0.5rem;box-shadow:0 1px 6px #0003;}"
        ".block-container{padding-top:2.2rem;padding-left:2.2rem;padding-right:2.2rem;}"
        "</style>"
    )


def layout_names() -> dict[str, str]:
    """Stored upload path -> the file name the planner uploaded."""
    names: dict[str, str] = state.setdefault("layout_names", {})
    return names


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
        layouts.check_fits(scenario, names=layout_names())
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
    """Check an uploaded floor plan, alone and against the scenario being edited; when both
    pass it becomes the chosen layout, else it is refused with the reason."""
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
    if not report.ok:
        state["layout_message"] = Message.failure(
            "layout_has_errors", name=upload.name, count=len(report.errors)
        )
        return
    current = state.get("edited") or state.get("base")
    if current is not None:
        trial = current.model_copy(update={"layout": str(path), "placement": {}})
        try:
            layouts.check_fits(trial, names={**layout_names(), str(path): upload.name})
        except TranslatedError as exc:
            state["layout_message"] = Message.failure(exc.key, **exc.values)
            return
    state["uploaded_layout"] = (upload.name, str(path))
    layout_names()[str(path)] = upload.name
    choose("layout_choice", UPLOADED_LAYOUT)
    state["layout_message"] = Message.success("layout_ok", name=upload.name)


def run_with_progress(
    tr: Translator, scenario: Scenario, slot: Any
) -> tuple[str, ExperimentResult] | None:
    """Run (or fetch, or wait for) the scenario, showing progress in ``slot``; errors are
    shown in the planner's words, not raised."""
    bar = None
    started = time.perf_counter()
    drawn = ("", 0.0)
    store = result_store()

    def progress(done: int, total: int) -> None:
        # A bar only for a run that takes a while, redrawn only when it moved and at most
        # once a second: every redraw costs the browser work on the cores the replications
        # run on. A run behind other sessions' runs says so until its turn comes.
        nonlocal bar, drawn
        now = time.perf_counter()
        if now - started < PROGRESS_AFTER_S or now - drawn[1] < PROGRESS_EVERY_S:
            return
        ahead = store.ahead(scenario_fingerprint(scenario)) if done == 0 else 0
        text = tr("waiting_turn", ahead=ahead) if ahead else tr("running", done=done, total=total)
        if text == drawn[0]:
            return
        if bar is None:
            bar = slot.progress(0.0, text=text)
        bar.progress(done / total, text=text)
        drawn = (text, now)

    try:
        layouts.check_fits(scenario, names=layout_names())
        return store.run(scenario, progress=progress)
    except SimulatorError as exc:
        state["run_message"] = Message.of_error(exc)
    except Exception:
        log.exception("run of %s", scenario.name)
        state["run_message"] = Message.failure("error_run_unexpected")
    finally:
        slot.empty()
    return None


def preview(scenario: Scenario) -> bytes | None:
    """The plan with the counters' placement (the edit tab's preview)."""
    try:
        lang = str(state.get("lang", DEFAULT_LANGUAGE))
        return placement_png(scenario_fingerprint(scenario), lang, scenario) or None
    except SimulatorError:
        return None


# ------------------------------------------------------------------------------------- views
def sidebar(tr: Translator) -> Scenario:
    """Language, scenario choice and upload, settings; returns the base scenario."""
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
            base = read_shipped(found[name])
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
            base = read_shipped(found[state["scenario_file"]])
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
    return base


def settings(tr: Translator) -> dict[str, float]:
    """The practical thresholds of the comparison (sidebar); returns them in KPI units."""
    from simulator.ui.variants import thresholds_from

    defaults = {"threshold_wait": 1.0, "threshold_share": 1.0, "threshold_walk": 5.0}
    for key, value in defaults.items():
        state.setdefault(key, value)
    with st.sidebar.expander(tr("settings")):
        st.caption(tr("settings_help"))
        st.number_input(
            tr("threshold_wait"), min_value=0.0, max_value=60.0, step=0.5, key="threshold_wait"
        )
        st.number_input(
            tr("threshold_share"), min_value=0.0, max_value=50.0, step=0.5, key="threshold_share"
        )
        st.number_input(
            tr("threshold_walk"), min_value=0.0, max_value=500.0, step=1.0, key="threshold_walk"
        )
    return thresholds_from(
        float(state["threshold_wait"]),
        float(state["threshold_share"]),
        float(state["threshold_walk"]),
    )


def downloads(
    tr: Translator, base: Scenario, edited: Scenario | None, shipped: dict[str, Path]
) -> None:
    """The scenario as shown (sidebar): YAML on shipped plans, a zip with an uploaded plan; its
    description says what the edits changed. Written on the click, not on every rerun."""
    scenario = edited or base
    uploaded = layout_names()

    def data() -> bytes:
        names = agency_names(base, tr.lang)
        said = changes.scenario_changes(base, scenario, tr, names=names, layout_names=uploaded)
        description = name = None
        if said:
            description = tr("edited_description", base=base.name, changes="; ".join(said))
            name = tr("edited_name", base=base.name)[:200]
        download = files.scenario_download(
            scenario, layouts=shipped, description=description, name=name, file_names=uploaded
        )
        return download.data

    file_name, mime = files.scenario_download_name(scenario, layouts=shipped)
    with st.sidebar:
        st.divider()
        st.download_button(
            tr("download_scenario_zip" if mime == "application/zip" else "download_scenario"),
            data,
            file_name=file_name,
            mime=mime,
            key="download_scenario",
            on_click="ignore",
        )
        st.caption(tr("download_scenario_help"))


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
        forget_widgets()  # the editor's select boxes start again from their kept values
        state.pop("variant_message", None)  # it names a variant in the old language
        # The open tab is kept by its label: the same tab, named in the new language.
        old = Translator(state.get("screen_lang") or DEFAULT_LANGUAGE)
        for name in TABS:
            if state.get("tab") == old(f"tab_{name}"):
                state["tab"] = tr(f"tab_{name}")
        state["screen_lang"] = tr.lang
    return tr


def show_edited(tr: Translator, edited: Scenario | None, slot: Any) -> None:
    """Make the edited scenario's result the one shown: every edit runs at once (a stored
    result comes back at once; one under way for another session is waited for)."""
    if edited is None:
        return
    state.pop("run_message", None)
    outcome = run_with_progress(tr, edited, slot)
    if outcome is not None:
        state["shown"] = (outcome[0], edited, outcome[1])


def main() -> None:
    """Lay out the app for one rerun."""
    tr = translator()
    st.set_page_config(page_title=tr("app_title"), page_icon="🏛️", layout="wide")
    localise_widgets(tr)
    shipped = layouts.shipped_layouts(LAYOUT_DIR)
    buildings = shipped_buildings()
    base = sidebar(tr)
    thresholds = settings(tr)
    base_id = scenario_fingerprint(base)
    if state.get("base_id") != base_id:
        reset_editor(base, shipped, buildings)
        state["base_id"] = base_id
    state["base"] = base

    st.title(tr("app_title"))
    status = st.container()
    strip = st.container()
    with st.container(key="run_progress"):  # a box over the page's corner (CSS above)
        progress_slot = st.empty()
    tabs = st.tabs([tr(f"tab_{name}") for name in TABS], key="tab", on_change="rerun")
    tab = dict(zip(TABS, tabs, strict=True))
    with tab["edit"]:
        edited = editor(
            tr, base, shipped, buildings, on_layout_upload=on_layout_upload, preview=preview
        )
    state["edited"] = edited
    show_edited(tr, edited, progress_slot)
    downloads(tr, base, edited, shipped)

    shown = state.get("shown")
    with status:
        if "run_message" in state:
            show_message(tr, state["run_message"])
            if shown is not None:
                st.warning(tr("stale_error"))
        elif edited is None and shown is not None:
            st.warning(tr("stale_invalid"))
    if tab["calibration"].open:
        with tab["calibration"]:
            calibration.calibration_view(tr, on_continue=use_calibrated)
    if shown is None:
        with tab["results"]:
            st.info(tr("no_results"))
        if tab["compare"].open:
            with tab["compare"]:
                compare_tab(tr, None, None, None, shipped, thresholds=thresholds)
        return
    key, scenario, result = shown
    label = layout_label(tr, scenario, shipped, buildings)
    with strip:
        kpi_strip(tr, scenario, key, result, label)
    if tab["results"].open:
        with tab["results"]:
            results_tab(tr, scenario, key, result, shipped)
    if tab["plan"].open:
        with tab["plan"]:
            plan_tab(tr, scenario, key, result, label)
    if tab["compare"].open:
        with tab["compare"]:
            compare_tab(tr, scenario, key, result, shipped, thresholds=thresholds)
            layouts_comparison(
                tr, scenario, layout_options(shipped, buildings), executor=worker_pool()
            )


# Streamlit runs this file as the module __main__. The worker processes re-import the main
# module under the name __mp_main__ when they start (the fork server's way), and must not lay
# out the app there: outside a session every Streamlit call fails.
if __name__ == "__main__":
    main()
