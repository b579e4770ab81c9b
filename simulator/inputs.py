"""The edge of the pipeline: files become values here, and nowhere below.

A scenario names its floor plan by path; this module reads that file, keeps what it read keyed
by the file's *content* (so an edited drawing is read again and an unchanged one never is), and
compiles scenario and floor plan into the engine's :class:`~simulator.plan.Plan`. Everything
downstream of :func:`plan_for` works on values only.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from simulator.errors import FloorPlanError, ScenarioError
from simulator.plan import Plan, compile_plan
from simulator.scenario import BuildingLayout, Scenario, scenario_to_yaml

if TYPE_CHECKING:
    from simulator.floorplan.building import FloorTimes
    from simulator.floorplan.model import Building, FloorPlan
    from simulator.walking import SiteLayout

__all__ = [
    "content_sha256",
    "floor_times_for",
    "layout_for",
    "plan_for",
    "queue_volumes",
    "read_floorplan",
    "scenario_fingerprint",
    "site_for",
]

_CACHE_SIZE = 32
V = TypeVar("V")


class _ContentCache(Generic[V]):
    """A small least-recently-used map from content keys to values, safe across threads (the
    app's sessions share it)."""

    def __init__(self, size: int = _CACHE_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[object, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: object) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: object, value: V) -> V:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
            return value


_floorplans: _ContentCache[FloorPlan] = _ContentCache()
_sites: _ContentCache[SiteLayout] = _ContentCache()
_fingerprints: _ContentCache[str] = _ContentCache(size=256)


def content_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (raises :class:`ScenarioError` when it cannot be read)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError as exc:
        raise ScenarioError(f"cannot read {path}: {exc.strerror or exc}", field="layout") from None


def read_floorplan(path: str | Path) -> FloorPlan:
    """The floor plan in ``path``, read once per file content."""
    from simulator.floorplan.load import load_floorplan

    key = (str(Path(path).resolve()), content_sha256(path))
    cached = _floorplans.get(key)
    return cached if cached is not None else _floorplans.put(key, load_floorplan(path))


def layout_for(scenario: Scenario) -> FloorPlan | Building | None:
    """The scenario's floor plan, or its building of several floors (``None`` without a
    layout); each floor read once per file content."""
    from simulator.floorplan.model import Building as BuildingPlan

    levels = scenario.layout_levels()
    if not levels:
        return None
    floors = {}
    for level, file in levels.items():
        path = Path(file)
        if not path.is_file():
            raise ScenarioError(f"layout file not found: {path}", field="layout")
        floors[level] = read_floorplan(path)
    if isinstance(scenario.layout, str):
        return floors[0]
    return BuildingPlan(
        floors=tuple(floors.values()),
        levels=tuple(floors),
        name=" + ".join(Path(f).stem for f in levels.values()),
    )


def floor_times_for(scenario: Scenario) -> FloorTimes | None:
    """Minutes to change floors in the scenario's building (``None`` for one floor plan)."""
    from simulator.floorplan.building import FloorTimes

    if not isinstance(scenario.layout, BuildingLayout):
        return None
    f = scenario.walking.floors
    return FloorTimes(
        stair_up_min=f.stair_up_min,
        stair_down_min=f.stair_down_min,
        lift_wait_min=f.lift_wait_min,
        lift_min_per_floor=f.lift_min_per_floor,
    )


def queue_volumes(scenario: Scenario) -> dict[str, float]:
    """Expected visitors per queue (an agency's own, or its counter group's), the day type
    applied: what the zone rule weighs (see :func:`simulator.floorplan.site.compile_site`)."""
    volumes: dict[str, float] = {}
    for agency in scenario.agencies:
        queue = scenario.queue_of(agency.id)
        volumes[queue] = volumes.get(queue, 0.0) + scenario.agency_volume(agency)
    return volumes


def site_for(scenario: Scenario) -> SiteLayout | None:
    """The walking seam of the scenario's floor plan or building (``None`` without a layout).

    Each floor is read once per file content; the compiled layout is kept by the floors'
    content, the agencies' counters and slots, and the walking settings that choose routes.
    """
    from simulator.floorplan.model import Building as BuildingPlan
    from simulator.floorplan.site import compile_site

    layout = layout_for(scenario)
    if layout is None:
        return None
    single = not isinstance(layout, BuildingPlan)
    floors = layout.floors if isinstance(layout, BuildingPlan) else (layout,)
    levels = scenario.layout_levels()
    counters = tuple(scenario.queue_counters().items())
    slots = tuple(scenario.queue_slots().items())
    agency_queue = tuple((a.id, scenario.queue_of(a.id)) for a in scenario.agencies)
    volumes = queue_volumes(scenario)
    volume_key = tuple(sorted((q, round(v, 6)) for q, v in volumes.items()))
    zones = tuple(sorted(scenario.zones.items()))
    stem = Path(levels[0] if single else next(iter(levels.values()))).stem
    walking = scenario.walking
    key = (
        tuple((lv, f.content_hash) for lv, f in zip(levels, floors, strict=True)),
        single,
        stem,
        counters,
        slots,
        agency_queue,
        volume_key,
        zones,
        walking.floors if not single else None,
        (walking.normal.mean_mps, walking.priority.mean_mps) if not single else None,
    )
    cached = _sites.get(key)
    if cached is not None:
        return cached
    site = compile_site(
        layout,
        counters=dict(counters),
        slots=dict(slots) or None,
        name=stem if single else layout.name,
        floor_times=floor_times_for(scenario),
        speed_mps=walking.normal.mean_mps,
        priority_speed_mps=walking.priority.mean_mps,
        agency_queue=dict(agency_queue),
        volumes=volumes,
        zones=dict(zones),
    )
    return _sites.put(key, site)


def plan_for(scenario: Scenario, *, source: str | None = None) -> Plan:
    """Scenario + its floor plan -> the engine's plan (the first arrow of the data flow).

    ``source`` names the scenario file in errors about fitting it onto its floor plan.
    """
    try:
        return compile_plan(scenario, site=site_for(scenario))
    except ScenarioError as exc:
        if source is None or exc.file:
            raise
        raise ScenarioError(exc.detail, file=source, field=exc.field or "layout") from None
    except FloorPlanError as exc:
        if source is None:
            raise
        files = ", ".join(scenario.layout_files())
        raise FloorPlanError(f"{source}: layout {files}: {exc}") from None


def _file_stamp(file: str) -> tuple[str, int, int] | str:
    try:
        stat = Path(file).stat()
    except OSError:
        return file
    return (file, stat.st_mtime_ns, stat.st_size)


def scenario_fingerprint(scenario: Scenario) -> str:
    """A hash of everything that decides a scenario's results, its drawing's content included
    (the same scenario with a moved but unchanged drawing has the same fingerprint).

    Remembered by the scenario's JSON and its drawings' modification times and sizes: the app
    asks several times per screen, and the YAML the hash is of takes 25 ms to write."""
    key = (scenario.model_dump_json(), tuple(_file_stamp(f) for f in scenario.layout_files()))
    known = _fingerprints.get(key)
    return known if known is not None else _fingerprints.put(key, _fingerprint(scenario))


def _fingerprint(scenario: Scenario) -> str:
    layout: object = scenario.layout
    if isinstance(layout, str) and Path(layout).is_file():
        layout = "sha256:" + content_sha256(layout)
    elif layout is not None and not isinstance(layout, str):
        layout = None
    text = scenario_to_yaml(scenario.model_copy(update={"layout": layout}))
    floors = {
        level: "sha256:" + content_sha256(file) if Path(file).is_file() else file
        for level, file in scenario.layout_levels().items()
    }
    if not isinstance(scenario.layout, str) and floors:
        text += "\nfloors: " + repr(sorted(floors.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
