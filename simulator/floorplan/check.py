"""Check a floor plan: what it holds, and every problem that keeps it from being used.

The report is for two readers: the CLI/app (``to_json``) and the drafter at DPUPR
(``to_text``), so every problem says what is wrong, where (layer or feature, and metres), and
what to do about it.
"""

from __future__ import annotations

import math
from collections import Counter as Tally
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import Point

from simulator.floorplan.model import FloorPlan, Location, Problem, Source
from simulator.floorplan.routing import CLEARANCE_M, poi_matrix

__all__ = [
    "MIN_COUNTER_SPACING_M",
    "MIN_SEAT_AREA_M2",
    "CheckReport",
    "ScenarioNeeds",
    "check_against_scenario",
    "check_plan",
]

MIN_SEAT_AREA_M2 = 0.5
"""Least floor a seat needs in its zone: denser seating is a drafting mistake."""
MIN_COUNTER_SPACING_M = 0.8
"""Two counter positions closer than this cannot both serve a visitor."""

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
    links: tuple[dict[str, object], ...] = ()
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

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
            "stairs_lifts": [dict(k) for k in self.links],
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
            flag = "  (priority)" if z.get("priority") else ""
            lines.append(f"    {z['name']:<24} {z['area_m2']:8.1f} m2  {z['seats']:4d} seats{flag}")
        if self.links:
            lines.append(f"  stairs and lifts: {len(self.links)}")
            for k in self.links:
                lines.append(f"    {k['kind']:<6} {k['link'] or '(no LINK)'}")
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


def _where(source: Source | None, xy: XY | None) -> Location:
    return Location(
        source=source, x=None if xy is None else _r(xy[0]), y=None if xy is None else _r(xy[1])
    )


def check_plan(
    plan: FloorPlan, *, needs: ScenarioNeeds | None = None, upper_floor: bool = False
) -> CheckReport:
    """Check a loaded plan; never raises for problems inside the drawing.

    ``needs``: also check it against a scenario's counters and slots. ``upper_floor``: the
    plan is an upper floor of a building, which needs no entrance of its own (visitors come by
    its stairs and lifts).
    """
    problems: list[Problem] = list(plan.problems)
    dxf = plan.file_format == "dxf"

    def error(message: str, source: Source | None = None, xy: XY | None = None) -> None:
        problems.append(Problem(severity="error", message=message, where=_where(source, xy)))

    def warning(message: str, source: Source | None = None, xy: XY | None = None) -> None:
        problems.append(Problem(severity="warning", message=message, where=_where(source, xy)))

    walkable = plan.walkable
    _check_floor_and_doors(plan, error, warning, upper_floor=upper_floor)
    _check_slots(plan, error)
    _check_density(plan, warning)
    for link in plan.links:
        if not link.link:
            warning(
                f"{link.kind} has no "
                + ("LINK attribute" if dxf else "properties.link")
                + "; it joins no other floor",
                link.source,
                (link.x, link.y),
            )
    for z in plan.zones:
        if not z.seats:
            c = z.area.shape.centroid
            warning(
                f"waiting zone {z.name!r} has no seats (everyone stands)", z.area.source, (c.x, c.y)
            )

    usable = bool(plan.floors) and not walkable.is_empty and bool(plan.entrances or plan.links)
    if usable:
        _check_reachability(plan, error, upper_floor=upper_floor)
    if needs is not None:
        problems.extend(check_against_scenario([plan], needs))

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
            {
                "name": z.name,
                "area_m2": _r(z.area_m2),
                "seats": len(z.seats),
                "priority": z.priority,
            }
            for z in plan.zones
        ),
        kiosks=tuple(_xy(s.x, s.y) for s in plan.kiosks),
        info_desks=tuple(_xy(s.x, s.y) for s in plan.infos),
        entrances=tuple(_xy(*p) for p in plan.entrance_points),
        exits=tuple(_xy(*p) for p in plan.exit_points),
        links=tuple(
            {"kind": k.kind, "link": k.link, "x": _r(k.x), "y": _r(k.y)} for k in plan.links
        ),
        errors=errors,
        warnings=warnings,
    )


def _check_floor_and_doors(
    plan: FloorPlan, error: _Report, warning: _Report, *, upper_floor: bool
) -> None:
    """A floor with walkable area, and an entrance unless the plan is an upper floor."""
    dxf = plan.file_format == "dxf"
    walkable = plan.walkable
    if not plan.floors:
        error(
            "no floor: draw the public area as closed polylines on layer MPP_FLOOR"
            if dxf
            else "no floor: add a feature with properties.kind 'floor' and a Polygon geometry "
            "around the public area",
            None,
            None,
        )
    elif walkable.is_empty or walkable.area < 1.0:
        error("the floor has no walkable area left after removing walls and obstacles", None, None)
    if plan.entrances or upper_floor:
        return
    if plan.links:
        warning(
            "no entrance: this floor can only be an upper floor of a building, reached by its "
            "stairs and lifts (check it with the other floors)",
            None,
            None,
        )
        return
    error(
        "no entrance: draw a line across each door visitors come in by, on MPP_ENTRANCE"
        if dxf
        else "no entrance: add a feature with properties.kind 'entrance' (a LineString across "
        "each door visitors come in by)",
        None,
        None,
    )


def _check_slots(plan: FloorPlan, error: _Report) -> None:
    """Two counters with one slot, naming every position and where each was drawn."""
    tally = Tally(c.slot for c in plan.counters)
    for slot, n in sorted(tally.items()):
        if n < 2:
            continue
        dups = [c for c in plan.counters if c.slot == slot]
        places = ", ".join(
            f"({c.x:.2f}, {c.y:.2f}) [{c.source.describe() if c.source else '?'}]" for c in dups
        )
        error(
            f"{n} counters share slot {slot!r} at {places}; give each a unique "
            + ("SLOT attribute" if plan.file_format == "dxf" else "properties.slot"),
            dups[1].source,
            (dups[1].x, dups[1].y),
        )


def _check_density(plan: FloorPlan, warning: _Report) -> None:
    """Seats packed denser than one per ``MIN_SEAT_AREA_M2``, zones too small for their seats
    once columns and desks are taken out, and counters closer than ``MIN_COUNTER_SPACING_M``."""
    walkable = plan.walkable
    for z in plan.zones:
        n = len(z.seats)
        if not n:
            continue
        c = z.area.shape.centroid
        drawn = z.area_m2
        usable = z.area.shape.intersection(walkable).area
        if drawn / n < MIN_SEAT_AREA_M2:
            warning(
                f"waiting zone {z.name!r} holds {n} seats on {drawn:.1f} m2, one per "
                f"{drawn / n:.2f} m2; a seat needs at least {MIN_SEAT_AREA_M2} m2 (seats drawn "
                "twice, an array too large, or the wrong scale?)",
                z.area.source,
                (c.x, c.y),
            )
        elif usable < n * MIN_SEAT_AREA_M2:
            warning(
                f"waiting zone {z.name!r} is smaller than its seats need: {usable:.1f} m2 are "
                f"walkable (columns and desks taken out) for {n} seats, which need "
                f"{n * MIN_SEAT_AREA_M2:.1f} m2",
                z.area.source,
                (c.x, c.y),
            )
    counters = plan.counters
    if len(counters) < 2:
        return
    xy = np.array([(c.x, c.y) for c in counters])
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    close = np.argwhere(np.triu(d < MIN_COUNTER_SPACING_M, k=1))
    for i, j in close:
        a, b = counters[int(i)], counters[int(j)]
        if a.slot == b.slot:
            continue  # reported as one slot shared
        warning(
            f"counters {a.slot} and {b.slot} are {d[i, j]:.2f} m apart; two visitors need at "
            f"least {MIN_COUNTER_SPACING_M} m (a counter drawn twice?)",
            b.source,
            (b.x, b.y),
        )


@dataclass(frozen=True, kw_only=True)
class ScenarioNeeds:
    """What a scenario asks of a floor plan: counters per agency, and the slots it assigns.

    Built by the caller from a scenario (the floor-plan package does not read scenarios).
    """

    name: str = ""
    counters: Mapping[str, int] = field(default_factory=dict)
    slots: Mapping[str, Sequence[str]] = field(default_factory=dict)


def check_against_scenario(plans: Sequence[FloorPlan], needs: ScenarioNeeds) -> list[Problem]:
    """Problems of using ``plans`` (one per floor) for the scenario ``needs``.

    Warnings: fewer counter slots than the scenario's counters; a slot the scenario gives to an
    agency while the drawing names another (the scenario wins); an AGENCY in the drawing the
    scenario does not have. Errors: a slot the scenario assigns that no floor has.
    """
    out: list[Problem] = []
    counters = [c for plan in plans for c in plan.counters]
    drawn = {c.slot: c for c in counters}
    scenario = f"scenario {needs.name!r}" if needs.name else "the scenario"
    total = sum(needs.counters.values())
    if total > len(drawn):
        need = ", ".join(f"{a} {n}" for a, n in needs.counters.items() if n)
        out.append(
            Problem(
                severity="warning",
                message=f"{scenario} needs {total} counters ({need}) but the plan has only "
                f"{len(drawn)} counter slots",
            )
        )
    for agency, slots in needs.slots.items():
        for slot in slots:
            counter = drawn.get(slot)
            if counter is None:
                out.append(
                    Problem(
                        severity="error",
                        message=f"{scenario} gives slot {slot!r} to {agency!r}, but the plan "
                        f"has no such slot (slots: {', '.join(sorted(drawn)) or 'none'})",
                    )
                )
            elif counter.agency and counter.agency != agency:
                out.append(
                    Problem(
                        severity="warning",
                        message=f"{scenario} places {agency!r} on slot {slot!r}, which the "
                        f"drawing gives to {counter.agency!r}; the scenario's choice is used",
                        where=_where(counter.source, (counter.x, counter.y)),
                    )
                )
    unknown = sorted({c.agency for c in counters if c.agency} - set(needs.counters))
    for agency in unknown:
        first = next(c for c in counters if c.agency == agency)
        out.append(
            Problem(
                severity="warning",
                message=f"the drawing names agency {agency!r} (slot {first.slot}), which "
                f"{scenario} does not have; that slot is free for other agencies",
                where=_where(first.source, (first.x, first.y)),
            )
        )
    return out


def _what_blocks(plan: FloorPlan, xy: XY) -> str:
    p = Point(xy)
    for o in plan.obstacles:
        if o.shape.covers(p):
            where = f" ({o.source.describe()})" if o.source else ""
            return f"inside an obstacle{where}"
    if not plan.floor_shape.buffer(0.01).covers(p):
        return "outside the floor"
    return "inside a wall"


def _check_reachability(plan: FloorPlan, report: _Report, *, upper_floor: bool = False) -> None:
    m = poi_matrix(plan)
    entrances = [i for i, n in enumerate(m.names) if n.startswith("entrance:")]
    if not entrances:  # an upper floor: visitors come by its stairs and lifts
        entrances = [i for i, n in enumerate(m.names) if n.startswith(("stair:", "lift:"))]
    for i in entrances:
        if m.points[i] is None and m.names[i].startswith("entrance:"):
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
        "slot": "counter",
        "zone": "waiting zone",
        "exit": "exit",
        "stair": "stair",
        "lift": "lift",
    }
    walk = plan.walkable.buffer(0.01)
    shapely.prepare(walk)
    for i, name in enumerate(m.names):
        kind, _, key = name.partition(":")
        if kind == "entrance":
            continue
        label = f"{labels[kind]} {key}" if kind in ("slot", "zone") else labels[kind]
        source = _source_of(plan, kind, key)
        xy = m.drawn[i]
        if kind in ("kiosk", "info", "slot", "stair", "lift") and not walk.covers(Point(xy)):
            report(f"{label} is outside the walkable area: {_what_blocks(plan, xy)}", source, xy)
        elif m.points[i] is None:
            report(
                f"{label} has no room to stand: it needs a free space of {CLEARANCE_M:.1f} m "
                "around a visitor within 1 m",
                source,
                xy,
            )
        elif not math.isfinite(from_entrance[i]):
            origin = "any stair or lift" if upper_floor or not plan.entrances else "any entrance"
            report(
                f"{label} cannot be reached from {origin} (closed off by walls or "
                "obstacles, or behind a passage narrower than "
                f"{2 * CLEARANCE_M:.1f} m)",
                source,
                xy,
            )


def _source_of(plan: FloorPlan, kind: str, key: str) -> Source | None:
    if kind == "slot":
        return next((c.source for c in plan.counters if c.slot == key), None)
    if kind in ("stair", "lift"):
        return plan.links[int(key)].source
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
