"""Files the planner uploads and downloads: scenarios (YAML), floor plans, results (CSV).

Uploads go through the same loaders as files on disk (:func:`~simulator.scenario.load_scenario`,
:func:`~simulator.floorplan.load.load_floorplan`), after a size and format check of our own, so the
app refuses exactly what the command line refuses, with a message the app can translate
(:class:`~simulator.ui.messages.TranslatedError`) or the loader's own one.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from simulator.errors import FloorPlanError, ScenarioError
from simulator.experiment import ExperimentResult
from simulator.floorplan.limits import MAX_FILE_BYTES
from simulator.output import atomic_write_bytes
from simulator.scenario import Scenario, load_scenario, scenario_to_yaml
from simulator.ui.layouts import LAYOUT_SUFFIXES, load_floor
from simulator.ui.messages import TranslatedError
from simulator.yaml_input import MAX_SCENARIO_BYTES

__all__ = [
    "SCENARIO_SUFFIXES",
    "per_replication_csv",
    "read_scenario_upload",
    "results_csv",
    "scenario_download",
    "store_layout_upload",
]

SCENARIO_SUFFIXES = (".yaml", ".yml")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_LAYOUT_LINE = re.compile(r"(?m)^layout:(.*)$\n?")


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
    ``layout: ../layouts/korpri-central.geojson`` works as on disk. A layout that is not a
    shipped floor plan (a file elsewhere, or one next to the upload that never came with it) is
    dropped, so an upload never makes the server read a file of its choosing. Returns the
    scenario and the name of a dropped layout (or ``None``).
    """
    suffix = _check_upload(data, name, suffixes=SCENARIO_SUFFIXES, limit=MAX_SCENARIO_BYTES)
    shipped_dir = next(iter(layouts.values())).parent if layouts else None
    with tempfile.TemporaryDirectory(prefix="mpp-upload-") as folder:
        root = Path(folder)
        (root / "scenarios").mkdir()
        if shipped_dir is not None:
            (root / "layouts").symlink_to(shipped_dir, target_is_directory=True)
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
    if not isinstance(scenario.layout, str):  # a building's floors are not read from uploads
        files = ", ".join(Path(f).name for f in scenario.layout_files())
        return scenario.model_copy(update={"layout": None}), files
    wanted = Path(scenario.layout)
    if shipped_dir is not None and wanted.parent == shipped_dir and wanted.stem in layouts:
        return scenario.model_copy(update={"layout": str(layouts[wanted.stem])}), None
    return scenario.model_copy(update={"layout": None}), wanted.name


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


def scenario_download(scenario: Scenario, *, layouts: Mapping[str, Path]) -> str:
    """The scenario as YAML to save next to the shipped ones in ``scenarios/``.

    A shipped layout is written as ``../layouts/<file>``; an uploaded one by its file name
    only (keep the drawing next to the scenario).
    """
    shipped = {p.resolve() for p in layouts.values()}

    def written(file: str) -> str:
        path = Path(file)
        return f"../layouts/{path.name}" if path.resolve() in shipped else path.name

    layout = scenario.layout
    if isinstance(layout, str):
        layout = written(layout)
    elif layout is not None:
        floors = [f.model_copy(update={"file": written(f.file)}) for f in layout.floors]
        layout = layout.model_copy(update={"floors": floors})
    return scenario_to_yaml(scenario.model_copy(update={"layout": layout}))


def results_csv(result: ExperimentResult, *, names: Mapping[str, str] | None = None) -> bytes:
    """The per-agency summary (means and 95% half-widths) as UTF-8 CSV."""
    frame = result.summary.copy()
    if names:
        frame.insert(1, "name", [names.get(a, a) for a in frame["agency"]])
    frame.insert(0, "scenario", result.name)
    frame.insert(1, "seed", result.seed)
    frame.insert(2, "replications", result.replications)
    return frame.to_csv(index=False, float_format="%.6g").encode("utf-8")


def per_replication_csv(result: ExperimentResult) -> bytes:
    """Every replication's KPIs per agency as UTF-8 CSV (for one's own statistics)."""
    frame: pd.DataFrame = result.per_replication
    return frame.to_csv(index=False, float_format="%.6g").encode("utf-8")
