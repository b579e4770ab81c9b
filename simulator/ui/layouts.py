"""Floor plans for the app: the shipped ones, loading and checking them once per file version.

Each shipped layout is offered once by name (``korpri-central``), from its GeoJSON file when
there is one (the same plan as the DXF, read faster), else its DXF. A building of several floors
(a shipped scenario's ``layout: floors:``) is offered as one choice named after what its floors'
names share (``korpri-2f``), and its floors are not offered alone.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path

from simulator.floorplan.check import CheckReport, check_plan
from simulator.floorplan.load import load_floorplan
from simulator.floorplan.model import FloorPlan
from simulator.scenario import Scenario

__all__ = [
    "DEFAULT_LAYOUT",
    "LAYOUT_SUFFIXES",
    "building_name",
    "check_layout",
    "layout_choice",
    "layout_options",
    "load_floor",
    "shipped_buildings",
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


def building_name(files: Iterable[str | Path]) -> str:
    """A building's name: what the names of its floors' files share (``korpri-2f`` for
    ``korpri-2f-ground`` and ``korpri-2f-upper``), else their names joined by ``+``."""
    stems = [Path(f).stem for f in files]
    parts = [stem.split("-") for stem in stems]
    shared: list[str] = []
    for words in zip(*parts, strict=False):
        if len(set(words)) != 1:
            break
        shared.append(words[0])
    return "-".join(shared) if len(stems) > 1 and shared else " + ".join(stems)


def shipped_buildings(scenarios: Iterable[Scenario]) -> dict[str, dict[int, Path]]:
    """Buildings of several floors used by the shipped ``scenarios``: name -> level -> file."""
    found: dict[str, dict[int, Path]] = {}
    for scenario in scenarios:
        if scenario.layout is None or isinstance(scenario.layout, str):
            continue
        levels = {lv: Path(f).resolve() for lv, f in scenario.layout_levels().items()}
        found.setdefault(building_name(levels.values()), levels)
    return dict(sorted(found.items()))


def layout_options(
    shipped: Mapping[str, Path], buildings: Mapping[str, Mapping[int, Path]]
) -> list[str]:
    """The layouts a planner chooses from: single plans that are no building's floor, then
    the buildings."""
    floors = {path.stem for levels in buildings.values() for path in levels.values()}
    return [name for name in shipped if name not in floors] + list(buildings)


def layout_choice(
    scenario: Scenario,
    shipped: dict[str, Path],
    buildings: Mapping[str, Mapping[int, Path]] | None = None,
) -> str | None:
    """The shipped layout (or building) name the scenario uses, ``DEFAULT_LAYOUT`` when it names
    none, or ``None`` when its layout is not shipped (an upload or a missing file)."""
    if scenario.layout is None:
        return DEFAULT_LAYOUT if DEFAULT_LAYOUT in shipped else next(iter(shipped), None)
    if not isinstance(scenario.layout, str):
        levels = {lv: Path(f).resolve() for lv, f in scenario.layout_levels().items()}
        for name, known in (buildings or {}).items():
            if {lv: Path(f).resolve() for lv, f in known.items()} == levels:
                return name
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


def check_fits(scenario: Scenario, *, names: Mapping[str, str] | None = None) -> None:
    """Check that the scenario's counters fit its floor plan (or building), in words a planner
    reads: too few counter slots, a placed slot the plan lacks, or any other mismatch (the
    checker's own line, the server's file names replaced by ``names``: stored file -> name the
    planner knows). Raises :class:`~simulator.ui.messages.TranslatedError`."""
    from simulator.errors import SimulatorError
    from simulator.inputs import site_for
    from simulator.ui.messages import TranslatedError

    files = scenario.layout_files()
    if not files:
        return
    names = dict(names or {})
    label = " + ".join(names.get(f, Path(f).stem) for f in files)
    try:
        slots = [c.slot for f in files for c in load_floor(f).counters]
    except SimulatorError:
        raise TranslatedError("layout_unreadable", layout=label) from None
    counters = scenario.total_counters
    if counters > len(slots):
        raise TranslatedError(
            "layout_too_few_slots", layout=label, slots=len(slots), counters=counters
        )
    missing = sorted(set(scenario.placement) - set(slots))
    if missing:
        raise TranslatedError("layout_slot_missing", layout=label, slots=", ".join(missing[:5]))
    try:
        site_for(scenario)
    except SimulatorError as exc:
        detail = str(exc)
        for stored, known in names.items():
            detail = detail.replace(stored, known).replace(Path(stored).stem, Path(known).stem)
        raise TranslatedError("layout_unfit", layout=label, detail=detail) from None
