"""Compile a floor plan (or a building of several floors) and a scenario's counters into the
engine seam (:class:`~simulator.walking.SiteLayout`).

Slot assignment, in order of precedence: the scenario's ``slots`` for an agency; then the
drawing's AGENCY attributes; then free slots. An agency needing free slots takes them from one
slot group (the counters nearest the same waiting zone) when one group has room, so its
counters stay together; otherwise it takes free slots in slot order.

Waiting-zone capacity: seats as drawn, plus standing room at level of service C
(``LOS_C_M2_PER_PERSON`` = 0.7 m2 per person) on the zone's free area, which is the zone's
walkable area (the zone minus any column or desk inside it) minus ``SEAT_FOOTPRINT_M2``
(0.5 m2) per seat.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from shapely.geometry import Point

from simulator.errors import FloorPlanError, ScenarioError
from simulator.floorplan.assemble import natural_key
from simulator.floorplan.building import (
    FloorTimes,
    building_matrix,
    check_building,
    zone_names,
)
from simulator.floorplan.check import check_plan
from simulator.floorplan.model import Building, FloorPlan
from simulator.walking import (
    ENTRANCE,
    EXIT,
    INFO,
    KIOSK,
    SiteLayout,
    WaitingZone,
    counter_node,
    zone_node,
)

__all__ = [
    "LOS_C_M2_PER_PERSON",
    "SEAT_FOOTPRINT_M2",
    "as_building",
    "assign_slots",
    "compile_site",
    "waiting_zones",
]

LOS_C_M2_PER_PERSON = 0.7
"""Standing room per person at queueing level of service C (HCM/Fruin)."""
SEAT_FOOTPRINT_M2 = 0.5
"""Floor taken by one seat itself (the aisles around it stay standing room)."""

XY = tuple[float, float]


def as_building(layout: FloorPlan | Building) -> Building:
    """A single floor plan as a building of one floor (level 0)."""
    if isinstance(layout, Building):
        return layout
    return Building(floors=(layout,), levels=(0,), name=layout.name)


def waiting_zones(layout: FloorPlan | Building) -> tuple[WaitingZone, ...]:
    """Every zone with its seats, standing capacity at level of service C, floor and whether
    it is a priority zone."""
    building = as_building(layout)
    names = zone_names(building)
    out = []
    for level, plan in zip(building.levels, building.floors, strict=True):
        walkable = plan.walkable
        for z in plan.zones:
            usable = z.area.shape.intersection(walkable).area
            free = max(0.0, usable - SEAT_FOOTPRINT_M2 * len(z.seats))
            out.append(
                WaitingZone(
                    name=names[(level, z.name)],
                    area_m2=round(usable, 3),
                    seats=len(z.seats),
                    standing_capacity=math.floor(free / LOS_C_M2_PER_PERSON + 1e-9),
                    floor=level,
                    priority=z.priority,
                )
            )
    return tuple(out)


def _slot_groups(building: Building) -> dict[str, str]:
    """Slot -> the nearest waiting zone on its floor (straight-line), the slot's cluster."""
    out: dict[str, str] = {}
    for level, plan in zip(building.levels, building.floors, strict=True):
        for c in plan.counters:
            if plan.zones:
                near = min(plan.zones, key=lambda z: z.area.shape.distance(Point(c.x, c.y)))
                out[c.slot] = f"L{level}/{near.name}"
            else:
                out[c.slot] = f"L{level}/"
    return out


def assign_slots(
    layout: FloorPlan | Building,
    *,
    counters: Mapping[str, int],
    slots: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, tuple[str, ...]]:
    """Agency id -> the slots its counters use, in counter order (see module docstring)."""
    plan = as_building(layout)
    all_slots = sorted({c.slot for c in plan.counters}, key=natural_key)
    for agency, n in counters.items():
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ScenarioError(
                f"agency {agency!r}: number of counters must be a whole number >= 0, got {n!r}",
                field="counters",
            )
    total = sum(counters.values())
    if total > len(all_slots):
        need = ", ".join(f"{a} {n}" for a, n in counters.items() if n)
        raise ScenarioError(
            f"the scenario needs {total} counters ({need}) but floor plan {plan.name!r} has only "
            f"{len(all_slots)} counter slots; use a plan with more slots or fewer counters",
            field="counters",
        )
    taken: dict[str, str] = {}
    result: dict[str, list[str]] = {a: [] for a in counters}
    for agency, listed in (slots or {}).items():
        if agency not in counters:
            continue
        n = counters[agency]
        for s in listed:
            if s not in all_slots:
                raise ScenarioError(
                    f"agency {agency!r} is assigned slot {s!r}, which floor plan "
                    f"{plan.name!r} does not have (slots: {', '.join(all_slots)})",
                    field=f"slots.{agency}",
                )
            if s in taken and taken[s] != agency:
                raise ScenarioError(
                    f"slot {s!r} is assigned to both {taken[s]!r} and {agency!r}",
                    field=f"slots.{agency}",
                )
        if len(listed) < n:
            raise ScenarioError(
                f"agency {agency!r} has {n} counters but only {len(listed)} slot(s) are assigned "
                f"to it ({', '.join(listed) or 'none'}); assign {n - len(listed)} more slot(s) "
                "or lower its counters",
                field=f"slots.{agency}",
            )
        for s in list(listed)[:n]:
            taken[s] = agency
            result[agency].append(s)
    explicit = {a for a in (slots or {}) if a in counters}
    drawn: dict[str, list[str]] = {}
    for c in sorted(plan.counters, key=lambda c: natural_key(c.slot)):
        if c.agency and c.slot not in taken:
            drawn.setdefault(c.agency, []).append(c.slot)
    for agency, n in counters.items():
        if agency in explicit:
            continue
        for s in drawn.get(agency, [])[:n]:
            if s not in taken:
                taken[s] = agency
                result[agency].append(s)
    group = _slot_groups(plan)
    xy = {c.slot: (c.x, c.y) for c in plan.counters}
    for agency, n in counters.items():
        missing = n - len(result[agency])
        if missing <= 0:
            continue
        free = [s for s in all_slots if s not in taken]
        if result[agency]:
            home = result[agency]
            mean = np.mean([xy[s] for s in home], axis=0)
            same = [s for s in free if group[s] == group[home[0]]]
            pool = sorted(same, key=lambda s: math.dist(xy[s], mean))
            chosen = pool[:missing]
            if len(chosen) < missing:
                rest = sorted(
                    (s for s in free if s not in chosen), key=lambda s: math.dist(xy[s], mean)
                )
                chosen += rest[: missing - len(chosen)]
        else:
            chosen = []
            for g in dict.fromkeys(group[s] for s in free):
                members = [s for s in free if group[s] == g]
                if len(members) >= missing:
                    chosen = members[:missing]
                    break
            if not chosen:
                chosen = free[:missing]
        if len(chosen) < missing:
            raise ScenarioError(
                f"agency {agency!r} needs {n} counters but only {len(chosen) + len(result[agency])}"
                f" slot(s) are still free in floor plan {plan.name!r}",
                field="counters",
            )
        for s in chosen:
            taken[s] = agency
        result[agency].extend(sorted(chosen, key=natural_key))
    return {a: tuple(v) for a, v in result.items()}


def compile_site(
    layout: FloorPlan | Building,
    *,
    counters: Mapping[str, int],
    slots: Mapping[str, Sequence[str]] | None = None,
    name: str = "",
    floor_times: FloorTimes | None = None,
    speed_mps: float = 1.2,
    priority_speed_mps: float = 0.9,
) -> SiteLayout:
    """Assign agencies to slots and zones and compute the walks between the nodes.

    ``layout`` is one floor plan or a building; for a building the walks cross floors by stair
    and lift (``floor_times``), chosen as the quickest at the group's mean walking speed, and
    priority visitors take the lift where there is one. Raises :class:`FloorPlanError` if the
    plan has errors, :class:`ScenarioError` if the counters do not fit the plan's slots.
    """
    building = as_building(layout)
    single = not isinstance(layout, Building)
    if single:
        assert isinstance(layout, FloorPlan)
        report = check_plan(layout)
        errors = list(report.errors)
        if not layout.entrances and not errors:
            raise FloorPlanError(
                f"floor plan {layout.name!r} has no entrance; alone (not as an upper floor of a "
                "building) it needs one"
            )
    else:
        building_report = check_building(building, times=floor_times)
        errors = [p for f in building_report.floors for p in f.errors] + list(
            building_report.errors
        )
    if errors:
        first = errors[0]
        raise FloorPlanError(
            f"floor plan {building.name or layout_name(building)!r} has {len(errors)} error(s), "
            f"first: {first.message} [{first.where.describe()}]; run 'mpp-sim floorplan check'"
        )
    assignment = assign_slots(building, counters=counters, slots=slots)
    m = building_matrix(
        building, times=floor_times, speed_mps=speed_mps, priority_speed_mps=priority_speed_mps
    )
    cost = m.metres / (speed_mps * 60.0) + m.extra_min

    def idx(prefix: str) -> list[int]:
        return [i for i, n in enumerate(m.names) if n.split("/", 1)[1].startswith(prefix + ":")]

    entrances, kiosks, infos, exits = idx("entrance"), idx("kiosk"), idx("info"), idx("exit")
    entrances = [i for i in entrances if m.points[i] is not None] or entrances
    entrance = min(entrances, key=lambda e: (cost[e, kiosks].min(), e)) if kiosks else entrances[0]
    chosen: dict[str, int] = {ENTRANCE: entrance}
    if infos:
        chosen[INFO] = min(infos, key=lambda i: (cost[entrance, i], i))
    if kiosks:
        chosen[KIOSK] = min(kiosks, key=lambda k: (cost[entrance, k], k))
    slot_row: dict[str, int] = {}
    for level, plan in zip(building.levels, building.floors, strict=True):
        for c in plan.counters:
            slot_row.setdefault(c.slot, m.index(f"L{level}/slot:{c.slot}"))
    counter_rows = {a: [slot_row[s] for s in ss] for a, ss in assignment.items()}
    used = [r for rows in counter_rows.values() for r in rows]
    chosen[EXIT] = min(exits, key=lambda e: (float(cost[used, e].mean()) if used else 0.0, e))
    names = zone_names(building)
    zone_rows: dict[str, int] = {}
    regular: dict[str, int] = {}
    for level, plan in zip(building.levels, building.floors, strict=True):
        for z in plan.zones:
            row = m.index(f"L{level}/zone:{z.name}")
            zone_rows[names[(level, z.name)]] = row
            if not z.priority:
                regular[names[(level, z.name)]] = row
    candidates = regular or zone_rows
    agency_zone: dict[str, str] = {}
    for agency, rows in counter_rows.items():
        if rows and candidates:
            best = min(candidates, key=lambda z: (float(cost[candidates[z], rows].mean()), z))
            agency_zone[agency] = best
            chosen[zone_node(agency)] = candidates[best]
    for agency, rows in counter_rows.items():
        for k, r in enumerate(rows):
            chosen[counter_node(agency, k)] = r
    nodes = tuple(chosen)
    node_rows = np.array([chosen[n] for n in nodes], dtype=int)
    grid = np.ix_(node_rows, node_rows)
    positions = {}
    for n in nodes:
        p = m.points[chosen[n]] or m.drawn[chosen[n]]
        positions[n] = (round(p[0], 3), round(p[1], 3))
    return SiteLayout(
        name=name or building.name or layout_name(building),
        nodes=nodes,
        distances_m=m.metres[grid].copy(),
        zones=waiting_zones(building),
        agency_zone=agency_zone,
        floorplan_hash=(building.floors[0].content_hash if single else building.content_hash),
        extra_min=None if single else m.extra_min[grid].copy(),
        priority_distances_m=None if single else m.priority_metres[grid].copy(),
        priority_extra_min=None if single else m.priority_extra_min[grid].copy(),
        agency_slots=assignment,
        positions=positions,
    )


def layout_name(building: Building) -> str:
    """A name for a building: its floors' names joined with ``+``."""
    return " + ".join(plan.name for plan in building.floors)
