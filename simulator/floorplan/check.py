"""Check a floor plan: what it holds, and every problem that keeps it from being used.

The report is for two readers: the CLI/app (``to_json``) and the drafter at DPUPR
(``to_text``), so every problem says what is wrong, where (layer or feature, and metres), and
what to do about it.
"""

from __future__ import annotations

import math
from collections import Counter as Tally
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Point

from simulator.floorplan.model import FloorPlan, Problem, Site, Source
from simulator.floorplan.routing import CLEARANCE_M, poi_matrix

__all__ = ["CheckReport", "check_plan"]

XY = tuple[float, float]
_Report = Callable[[str, "Source | None", "XY | None"], None]


def _r(v: float) -> float:
    return round(float(v), 3)


@dataclass(frozen=True, kw_only=True)
class CheckReport:
    """What a plan holds and the problems found in it."""

    name: str
    units: str
    walkable_area_m2: float
    counters: tuple[dict[str, object], ...]
    waiting_zones: tuple[dict[str, object], ...]
    kiosks: tuple[dict[str, float], ...]
    info_desks: tuple[dict[str, float], ...]
    entrances: tuple[dict[str, float], ...]
    exits: tuple[dict[str, float], ...]
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """True when the plan has no errors (warnings allowed)."""
        return not self.errors

    def to_json(self) -> dict[str, object]:
        """The report as plain JSON-able data (keys fixed by the CLI contract)."""
        return {
            "units": self.units,
            "walkable_area_m2": self.walkable_area_m2,
            "counters": [dict(c) for c in self.counters],
            "waiting_zones": [dict(z) for z in self.waiting_zones],
            "kiosks": [dict(k) for k in self.kiosks],
            "info_desks": [dict(k) for k in self.info_desks],
            "entrances": [dict(k) for k in self.entrances],
            "exits": [dict(k) for k in self.exits],
            "errors": [{"message": p.message, "where": p.where.to_json()} for p in self.errors],
            "warnings": [{"message": p.message, "where": p.where.to_json()} for p in self.warnings],
        }

    def to_text(self) -> str:
        """A readable report for the drafter."""
        lines = [
            f"Floor plan check: {self.name or '(unnamed)'}",
            f"  units read: {self.units}",
            f"  walkable area: {self.walkable_area_m2:.1f} m2",
            f"  entrances: {len(self.entrances)}   exits: {len(self.exits)}   "
            f"kiosks: {len(self.kiosks)}   information desks: {len(self.info_desks)}",
            f"  counters: {len(self.counters)}",
        ]
        by_agency: dict[str, list[str]] = {}
        for c in self.counters:
            by_agency.setdefault(str(c["agency"]) or "(no agency)", []).append(str(c["slot"]))
        for agency, slots in by_agency.items():
            lines.append(f"    {agency:<24} {', '.join(slots)}")
        lines.append(f"  waiting zones: {len(self.waiting_zones)}")
        for z in self.waiting_zones:
            lines.append(f"    {z['name']:<24} {z['area_m2']:8.1f} m2  {z['seats']:4d} seats")
        for title, items in (("ERRORS", self.errors), ("WARNINGS", self.warnings)):
            if items:
                lines.append(f"{title} ({len(items)}):")
                lines.extend(f"  - {p.message}  [{p.where.describe()}]" for p in items)
        if self.errors:
            lines.append(f"RESULT: NOT usable - fix the {len(self.errors)} error(s) above.")
        else:
            lines.append("RESULT: usable" + (" (see warnings)" if self.warnings else "") + ".")
        return "\n".join(lines)


def _xy(x: float, y: float) -> dict[str, float]:
    return {"x": _r(x), "y": _r(y)}


def check_plan(plan: FloorPlan) -> CheckReport:
    """Check a loaded plan; never raises for problems inside the drawing."""
    problems: list[Problem] = list(plan.problems)

    def error(message: str, source: Source | None = None, xy: XY | None = None) -> None:
        site = Site(
            source=source, x=None if xy is None else _r(xy[0]), y=None if xy is None else _r(xy[1])
        )
        problems.append(Problem(severity="error", message=message, where=site))

    def warning(message: str, source: Source | None = None, xy: XY | None = None) -> None:
        site = Site(
            source=source, x=None if xy is None else _r(xy[0]), y=None if xy is None else _r(xy[1])
        )
        problems.append(Problem(severity="warning", message=message, where=site))

    walkable = plan.walkable
    if not plan.floors:
        error("no floor: draw the public area as closed polylines on layer MPP_FLOOR")
    elif walkable.is_empty or walkable.area < 1.0:
        error("the floor has no walkable area left after removing walls and obstacles")
    if not plan.entrances:
        error("no entrance: draw a line across each door visitors come in by, on MPP_ENTRANCE")

    tally = Tally(c.slot for c in plan.counters)
    for slot, n in sorted(tally.items()):
        if n > 1:
            dups = [c for c in plan.counters if c.slot == slot]
            places = ", ".join(f"({c.x:.2f}, {c.y:.2f})" for c in dups)
            error(
                f"{n} counters share slot {slot!r} at {places}; give each a unique SLOT",
                dups[1].source,
                (dups[1].x, dups[1].y),
            )

    for z in plan.zones:
        if not z.seats:
            c = z.area.shape.centroid
            warning(
                f"waiting zone {z.name!r} has no seats (everyone stands)", z.area.source, (c.x, c.y)
            )

    usable = bool(plan.floors) and not walkable.is_empty and bool(plan.entrances)
    if usable:
        _check_reachability(plan, error)

    errors = tuple(p for p in problems if p.severity == "error")
    warnings = tuple(p for p in problems if p.severity == "warning")
    return CheckReport(
        name=plan.name,
        units=plan.units,
        walkable_area_m2=_r(walkable.area) if not walkable.is_empty else 0.0,
        counters=tuple(
            {"slot": c.slot, "agency": c.agency, "x": _r(c.x), "y": _r(c.y)} for c in plan.counters
        ),
        waiting_zones=tuple(
            {"name": z.name, "area_m2": _r(z.area_m2), "seats": len(z.seats)} for z in plan.zones
        ),
        kiosks=tuple(_xy(s.x, s.y) for s in plan.kiosks),
        info_desks=tuple(_xy(s.x, s.y) for s in plan.infos),
        entrances=tuple(_xy(*p) for p in plan.entrance_points),
        exits=tuple(_xy(*p) for p in plan.exit_points),
        errors=errors,
        warnings=warnings,
    )


def _what_blocks(plan: FloorPlan, xy: XY) -> str:
    p = Point(xy)
    for o in plan.obstacles:
        if o.shape.covers(p):
            where = f" ({o.source.describe()})" if o.source else ""
            return f"inside an obstacle{where}"
    if not plan.floor_shape.buffer(0.01).covers(p):
        return "outside the floor"
    return "inside a wall"


def _check_reachability(plan: FloorPlan, report: _Report) -> None:
    m = poi_matrix(plan)
    entrances = [i for i, n in enumerate(m.names) if n.startswith("entrance:")]
    for i in entrances:
        if m.points[i] is None:
            src = plan.entrances[int(m.names[i].split(":")[1])].source
            report(
                "entrance is too far from the walkable area (or in a gap narrower than "
                f"{2 * CLEARANCE_M:.1f} m); draw its line across the door opening",
                src,
                m.drawn[i],
            )
    from_entrance = (
        m.distances_m[entrances].min(axis=0) if entrances else np.full(len(m.names), np.inf)
    )
    labels = {
        "kiosk": "kiosk",
        "info": "information desk",
        "counter": "counter",
        "zone": "waiting zone",
        "exit": "exit",
    }
    walk = plan.walkable.buffer(0.01)
    shapely.prepare(walk)
    for i, name in enumerate(m.names):
        kind, _, key = name.partition(":")
        if kind == "entrance":
            continue
        label = f"{labels[kind]} {key}" if kind in ("counter", "zone") else labels[kind]
        source = _source_of(plan, kind, key)
        xy = m.drawn[i]
        if kind in ("kiosk", "info", "counter") and not walk.covers(Point(xy)):
            report(f"{label} is outside the walkable area: {_what_blocks(plan, xy)}", source, xy)
        elif m.points[i] is None:
            report(
                f"{label} has no room to stand: it needs a free space of {CLEARANCE_M:.1f} m "
                "around a visitor within 1 m",
                source,
                xy,
            )
        elif not math.isfinite(from_entrance[i]):
            report(
                f"{label} cannot be reached from any entrance (closed off by walls or "
                "obstacles, or behind a passage narrower than "
                f"{2 * CLEARANCE_M:.1f} m)",
                source,
                xy,
            )


def _source_of(plan: FloorPlan, kind: str, key: str) -> Source | None:
    if kind == "counter":
        return next((c.source for c in plan.counters if c.slot == key), None)
    if kind == "zone":
        return next((z.area.source for z in plan.zones if z.name == key), None)
    if kind == "kiosk":
        return plan.kiosks[int(key)].source
    if kind == "info":
        return plan.infos[int(key)].source
    if kind == "exit":
        items = plan.exits or plan.entrances
        return items[int(key)].source
    return None
