"""Floor plans for the app: the shipped ones, loading and checking them once per file version.

Each shipped layout is offered once by name (``korpri-central``), from its GeoJSON file when
there is one (the same plan as the DXF, read faster), else its DXF.
"""

from __future__ import annotations

import functools
from pathlib import Path

from simulator.floorplan.check import CheckReport, check_plan
from simulator.floorplan.load import load_floorplan
from simulator.floorplan.model import FloorPlan
from simulator.scenario import Scenario

__all__ = [
    "DEFAULT_LAYOUT",
    "LAYOUT_SUFFIXES",
    "check_layout",
    "layout_choice",
    "load_floor",
    "shipped_layouts",
]

#: File endings read as floor plans, in order of preference for one layout name.
LAYOUT_SUFFIXES = (".geojson", ".json", ".dxf")
#: The layout used when a scenario names none (the app always shows a floor plan).
DEFAULT_LAYOUT = "korpri-central"


def shipped_layouts(folder: Path) -> dict[str, Path]:
    """Layout name -> file, for every floor plan in ``folder``, sorted by name."""
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for suffix in reversed(LAYOUT_SUFFIXES):
        for path in folder.glob(f"*{suffix}"):
            if path.is_file():
                found[path.stem] = path.resolve()
    return dict(sorted(found.items()))


def layout_choice(scenario: Scenario, shipped: dict[str, Path]) -> str | None:
    """The shipped layout name the scenario uses, ``DEFAULT_LAYOUT`` when it names none, or
    ``None`` when its layout is a file that is not shipped (an upload or a missing file)."""
    if scenario.layout is None:
        return DEFAULT_LAYOUT if DEFAULT_LAYOUT in shipped else next(iter(shipped), None)
    if not isinstance(scenario.layout, str):  # a building is not one shipped layout
        return None
    path = Path(scenario.layout)
    for name, shipped_path in shipped.items():
        if path.resolve() == shipped_path or (
            path.stem == name and path.parent.resolve() == shipped_path.parent
        ):
            return name
    return None


def _version(path: str | Path) -> tuple[str, int, int]:
    resolved = Path(path).resolve()
    stat = resolved.stat()
    return str(resolved), stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=16)
def _load(path: str, modified_ns: int, size: int) -> FloorPlan:
    return load_floorplan(path)


@functools.lru_cache(maxsize=16)
def _check(path: str, modified_ns: int, size: int) -> CheckReport:
    return check_plan(_load(path, modified_ns, size))


def load_floor(path: str | Path) -> FloorPlan:
    """The floor plan in ``path``, read once per file version (raises ``FloorPlanError``)."""
    return _load(*_version(path))


def check_layout(path: str | Path) -> CheckReport:
    """The check report of the floor plan in ``path``, computed once per file version."""
    return _check(*_version(path))
