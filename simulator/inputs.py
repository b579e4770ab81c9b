"""The edge of the pipeline: files become values here, and nowhere below.

A scenario names its floor plan by path; this module reads that file, keeps what it read keyed
by the file's *content* (so an edited drawing is read again and an unchanged one never is), and
compiles scenario and floor plan into the engine's :class:`~simulator.plan.Plan`. Everything
downstream of :func:`plan_for` works on values only.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from simulator.errors import FloorPlanError, ScenarioError
from simulator.plan import Plan, compile_plan
from simulator.scenario import Scenario, scenario_to_yaml

if TYPE_CHECKING:
    from simulator.floorplan.model import FloorPlan
    from simulator.walking import SiteLayout

__all__ = ["content_sha256", "plan_for", "read_floorplan", "scenario_fingerprint", "site_for"]

_CACHE_SIZE = 32
V = TypeVar("V")


class _ContentCache(Generic[V]):
    """A small least-recently-used map from content keys to values."""

    def __init__(self, size: int = _CACHE_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[object, V] = OrderedDict()

    def get(self, key: object) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: object, value: V) -> V:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)
        return value


_floorplans: _ContentCache[FloorPlan] = _ContentCache()
_sites: _ContentCache[SiteLayout] = _ContentCache()


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


def site_for(scenario: Scenario) -> SiteLayout | None:
    """The walking seam of the scenario's floor plan (``None`` without a layout)."""
    from simulator.floorplan.site import compile_site

    if scenario.layout is None:
        return None
    path = Path(scenario.layout)
    if not path.is_file():
        raise ScenarioError(f"layout file not found: {path}", field="layout")
    floorplan = read_floorplan(path)
    counters = tuple((a.id, a.counters) for a in scenario.agencies)
    slots = tuple((a.id, tuple(a.slots)) for a in scenario.agencies if a.slots)
    key = (floorplan.content_hash, path.stem, counters, slots)
    cached = _sites.get(key)
    if cached is not None:
        return cached
    site = compile_site(
        floorplan, counters=dict(counters), slots=dict(slots) or None, name=path.stem
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
        raise FloorPlanError(f"{source}: layout {scenario.layout}: {exc}") from None


def scenario_fingerprint(scenario: Scenario) -> str:
    """A hash of everything that decides a scenario's results, its drawing's content included
    (the same scenario with a moved but unchanged drawing has the same fingerprint)."""
    layout = scenario.layout
    if layout is not None and Path(layout).is_file():
        layout = "sha256:" + content_sha256(layout)
    text = scenario_to_yaml(scenario.model_copy(update={"layout": layout}))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
