"""Files the planner uploads and downloads: scenarios (YAML), floor plans, results (CSV).

Uploads go through the same loaders as files on disk (:func:`~simulator.scenario.load_scenario`,
:func:`~simulator.floorplan.load.load_floorplan`), after a size and format check of our own, so the
app refuses exactly what the command line refuses, with a message the app can translate
(:class:`~simulator.ui.messages.TranslatedError`) or the loader's own one.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from simulator.errors import FloorPlanError, ScenarioError
from simulator.experiment import ExperimentResult
from simulator.floorplan.limits import MAX_FILE_BYTES
from simulator.output import atomic_write_bytes
from simulator.scenario import Scenario, load_scenario, scenario_to_yaml
from simulator.ui.layouts import LAYOUT_SUFFIXES, load_floor
from simulator.ui.messages import TranslatedError
from simulator.ui.numbers import csv_options
from simulator.yaml_input import MAX_SCENARIO_BYTES

__all__ = [
    "SCENARIO_SUFFIXES",
    "Download",
    "per_replication_csv",
    "read_scenario_upload",
    "results_csv",
    "scenario_download",
    "store_layout_upload",
]

SCENARIO_SUFFIXES = (".yaml", ".yml")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_LAYOUT_LINE = re.compile(r"(?m)^layout:(.*)$\n?")


@dataclass(frozen=True, kw_only=True)
class Download:
    """A file to download: its bytes, its name and its type."""

    data: bytes
    file_name: str
    mime: str


def _check_upload(data: bytes, name: str, *, suffixes: tuple[str, ...], limit: int) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in suffixes:
        raise TranslatedError("error_upload_format", name=name, expected=", ".join(suffixes))
    if len(data) > limit:
        raise TranslatedError(
            "error_upload_too_big", name=name, size_kb=len(data) // 1024, limit_kb=limit // 1024
        )
    if not data:
        raise TranslatedError("error_upload_empty", name=name)
    return suffix


def read_scenario_upload(
    data: bytes, name: str, *, layouts: Mapping[str, Path]
) -> tuple[Scenario, str | None]:
    """Validate an uploaded scenario file with :func:`load_scenario`.

    The upload is read as if it lay in ``scenarios/`` next to the shipped ``layouts/``, so
    ``layout: ../layouts/korpri-central.geojson`` works as on disk, and a plan named by any path
    ending in a shipped plan's file name (a download of this app, made on another machine) is
    that shipped plan. A layout that is not a shipped floor plan (a file elsewhere, or one next
    to the upload that never came with it) is dropped, so an upload never makes the server read
    a file of its choosing. Returns the scenario and the name of a dropped layout (or ``None``).
    """
    suffix = _check_upload(data, name, suffixes=SCENARIO_SUFFIXES, limit=MAX_SCENARIO_BYTES)
    shipped_dir = next(iter(layouts.values())).parent if layouts else None
    with tempfile.TemporaryDirectory(prefix="mpp-upload-") as folder:
        root = Path(folder)
        (root / "scenarios").mkdir()
        if shipped_dir is not None:
            (root / "layouts").symlink_to(shipped_dir, target_is_directory=True)
            data = _shipped_by_name(data, shipped_dir)
        path = root / "scenarios" / f"scenario{suffix}"
        path.write_bytes(data)
        dropped = None
        try:
            scenario = _load_upload(path, name)
        except ScenarioError as exc:
            if exc.field != "layout":
                raise
            text = path.read_text(encoding="utf-8-sig")
            found = _LAYOUT_LINE.search(text)
            dropped = Path(found.group(1).strip().strip("'\"")).name if found else "?"
            path.write_text(_LAYOUT_LINE.sub("", text), encoding="utf-8")
            scenario = _load_upload(path, name)
    if scenario.layout is None:
        return scenario, dropped
    if not isinstance(scenario.layout, str):  # a building: only of shipped floors
        if shipped_dir is not None and all(
            Path(f).parent == shipped_dir for f in scenario.layout_files()
        ):
            return scenario, None
        files = ", ".join(Path(f).name for f in scenario.layout_files())
        return scenario.model_copy(update={"layout": None}), files
    wanted = Path(scenario.layout)
    if shipped_dir is not None and wanted.parent == shipped_dir and wanted.stem in layouts:
        return scenario.model_copy(update={"layout": str(layouts[wanted.stem])}), None
    return scenario.model_copy(update={"layout": None}), wanted.name


_PLAN_PATH = re.compile(
    r"(?P<path>[^\s'\"{}\[\],]*[/\\])?(?P<file>[A-Za-z0-9._-]+\.(?:geojson|json|dxf))\b"
)


def _shipped_by_name(data: bytes, shipped_dir: Path) -> bytes:
    """The uploaded text with every plan path whose file name is a shipped plan's rewritten to
    ``../layouts/<file>`` (bytes that are not UTF-8 are left for the loader to refuse)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data

    def shipped(match: re.Match[str]) -> str:
        file = match.group("file")
        return f"../layouts/{file}" if (shipped_dir / file).is_file() else match.group(0)

    return _PLAN_PATH.sub(shipped, text).encode("utf-8")


def _load_upload(path: Path, name: str) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        raise ScenarioError(exc.detail, file=name, field=exc.field) from None


def store_layout_upload(data: bytes, name: str, *, folder: Path) -> Path:
    """Save an uploaded floor plan under a name made from its content, and load it once.

    Raises :class:`~simulator.ui.messages.TranslatedError` for a wrong file type or size and
    :class:`~simulator.errors.FloorPlanError` for a drawing that cannot be read at all.
    """
    suffix = _check_upload(data, name, suffixes=LAYOUT_SUFFIXES, limit=MAX_FILE_BYTES)
    digest = hashlib.sha256(data).hexdigest()[:12]
    stem = _SAFE.sub("-", Path(name).stem).strip("-.")[:60] or "layout"
    path = folder / f"{stem}-{digest}{suffix}"
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
    try:
        load_floor(path)
    except FloorPlanError as exc:
        # keep no drawing that cannot be read, and name the planner's file, not the server's
        path.unlink(missing_ok=True)
        raise FloorPlanError(str(exc).replace(str(path), name)) from None
    return path


def _shipped_path(file: str, layouts: Mapping[str, Path]) -> Path | None:
    """The shipped plan ``file`` is (any plan file of the shipped plans' folder, DXF or
    GeoJSON), or ``None`` for any other file."""
    resolved = Path(file).resolve()
    folders = {p.resolve().parent for p in layouts.values()}
    return resolved if resolved.parent in folders and resolved.is_file() else None


def scenario_download_name(scenario: Scenario, *, layouts: Mapping[str, Path]) -> tuple[str, str]:
    """The file name and type :func:`scenario_download` gives, known without writing it: a
    YAML file on shipped plans, a zip with an uploaded one."""
    if all(_shipped_path(file, layouts) is not None for file in scenario.layout_files()):
        return "mpp-scenario.yaml", "application/x-yaml"
    return "mpp-scenario.zip", "application/zip"


def scenario_download(
    scenario: Scenario,
    *,
    layouts: Mapping[str, Path],
    description: str | None = None,
    name: str | None = None,
    file_names: Mapping[str, str] | None = None,
) -> Download:
    """The scenario to save anywhere and run from there.

    A scenario on shipped plans names them by absolute path, so it runs from any folder of
    this installation (and an upload of it finds the shipped plan again by its name). A
    scenario on an uploaded plan comes as a zip of ``scenario.yaml`` and the plan beside it,
    under the name it was uploaded with (``file_names``: stored path -> that name).
    ``description`` and ``name`` replace the scenario's own (what the edits made of it).
    """
    update: dict[str, object] = {}
    if description is not None:
        update["description"] = description
    if name is not None:
        update["name"] = name
    extra: dict[str, Path] = {}

    def written(file: str) -> str:
        shipped = _shipped_path(file, layouts)
        if shipped is not None:
            return str(shipped)
        path = Path(file)
        given = Path((file_names or {}).get(file, path.name)).name
        chosen = given if extra.get(given, path) == path else path.name
        extra[chosen] = path
        return chosen

    layout = scenario.layout
    if isinstance(layout, str):
        layout = written(layout)
    elif layout is not None:
        floors = [f.model_copy(update={"file": written(f.file)}) for f in layout.floors]
        layout = layout.model_copy(update={"floors": floors})
    text = scenario_to_yaml(scenario.model_copy(update={**update, "layout": layout}))
    file_name, mime = scenario_download_name(scenario, layouts=layouts)
    if mime != "application/zip":
        return Download(data=text.encode("utf-8"), file_name=file_name, mime=mime)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mpp-scenario/scenario.yaml", text)
        for inside, path in extra.items():
            archive.write(path, f"mpp-scenario/{inside}")
    return Download(data=buffer.getvalue(), file_name=file_name, mime=mime)


#: Columns of the results that are shares (0-1); downloads give them in percent, renamed.
_SHARE_COLUMNS = (
    "within_target",
    "waited_share",
    "share_arrived_before_opening",
    "utilisation",
    "within_target_booked",
    "within_target_walk_in",
    "booking_no_show_share",
    "slot_fill",
    "late_share",
    "stood_share",
    "overflow_share",
)


def _shares_in_percent(frame: pd.DataFrame) -> pd.DataFrame:
    """Shares (and their half-widths) as percentages under ``_pct`` names: one unit per
    column, whatever spreadsheet opens the file."""
    renamed = {}
    frame = frame.copy()
    for column in _SHARE_COLUMNS:
        for name in (column, f"{column}_ci"):
            if name in frame:
                frame[name] = frame[name] * 100.0
                renamed[name] = name.replace(column, f"{column}_pct", 1)
    return frame.rename(columns=renamed)


def _csv(frame: pd.DataFrame, lang: str) -> bytes:
    options = csv_options(lang)
    text = frame.to_csv(
        index=False, float_format="%.6g", sep=options["sep"], decimal=options["decimal"]
    )
    return text.encode("utf-8")


def results_csv(
    result: ExperimentResult, *, names: Mapping[str, str] | None = None, lang: str = "en"
) -> bytes:
    """The per-agency summary (means and 95% half-widths) as UTF-8 CSV in ``lang``'s number
    style (Indonesian: ``;`` between columns, decimal comma); shares in percent."""
    frame = _shares_in_percent(result.summary)
    if names:
        frame.insert(1, "name", [names.get(a, a) for a in frame["agency"]])
    frame.insert(0, "scenario", result.name)
    frame.insert(1, "seed", result.seed)
    frame.insert(2, "replications", result.replications)
    return _csv(frame, lang)


def per_replication_csv(result: ExperimentResult, *, lang: str = "en") -> bytes:
    """Every replication's KPIs per agency as UTF-8 CSV (for one's own statistics), in
    ``lang``'s number style; shares in percent."""
    return _csv(_shares_in_percent(result.per_replication), lang)
