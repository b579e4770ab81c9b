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
from simulator.floorplan.building import (
    BuildingMatrix,
    FloorTimes,
    building_matrix,
    check_building,
    zone_names,
)
from simulator.floorplan.check import check_plan
from simulator.floorplan.model import Building, FloorPlan
from simulator.naming import natural_key
from simulator.walking import (
    ENTRANCE,
    EXIT,
    INFO,
    KIOSK,
    SiteLayout,
    WaitingZone,
    counter_node,
    waiting_node,
    zone_node,
)

__all__ = [
    "LOS_C_M2_PER_PERSON",
    "SEAT_FOOTPRINT_M2",
    "ZONE_SLACK",
    "as_building",
    "assign_slots",
    "compile_site",
    "front_nodes",
    "slot_groups",
    "waiting_zones",
    "zone_rows",
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


def slot_groups(building: Building) -> dict[str, str]:
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
    _check_counts(plan, counters, all_slots)
    taken: dict[str, str] = {}
    result: dict[str, list[str]] = {a: [] for a in counters}
    for agency, listed in (slots or {}).items():
        if agency in counters:
            _take_listed(plan, agency, counters[agency], list(listed), all_slots, taken)
            result[agency].extend(list(listed)[: counters[agency]])
    explicit = {a for a in (slots or {}) if a in counters}
    _take_drawn(plan, {a: n for a, n in counters.items() if a not in explicit}, taken, result)
    group = slot_groups(plan)
    xy = {c.slot: (c.x, c.y) for c in plan.counters}
    for agency, n in counters.items():
        missing = n - len(result[agency])
        if missing <= 0:
            continue
        free = [s for s in all_slots if s not in taken]
        chosen = _free_slots(free, result[agency], missing, group, xy)
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


def _take_drawn(
    plan: Building,
    counters: Mapping[str, int],
    taken: dict[str, str],
    result: dict[str, list[str]],
) -> None:
    """Give each agency the free slots the drawing names it on (its AGENCY attribute)."""
    drawn: dict[str, list[str]] = {}
    for c in sorted(plan.counters, key=lambda c: natural_key(c.slot)):
        if c.agency and c.slot not in taken:
            drawn.setdefault(c.agency, []).append(c.slot)
    for agency, n in counters.items():
        for s in drawn.get(agency, [])[:n]:
            if s not in taken:
                taken[s] = agency
                result[agency].append(s)


def _check_counts(plan: Building, counters: Mapping[str, int], all_slots: list[str]) -> None:
    """Whole numbers of counters, and no more of them than the plan has slots."""
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


def _take_listed(
    plan: Building,
    agency: str,
    n: int,
    listed: list[str],
    all_slots: list[str],
    taken: dict[str, str],
) -> None:
    """Take the first ``n`` of the slots a scenario lists for ``agency``, checking them."""
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
    for s in listed[:n]:
        taken[s] = agency


def _free_slots(
    free: list[str],
    home: list[str],
    missing: int,
    group: Mapping[str, str],
    xy: Mapping[str, tuple[float, float]],
) -> list[str]:
    """Free slots for an agency: nearest its slots so far (in their group first), else all in
    one group with room, else the first free ones."""
    if home:
        mean = np.mean([xy[s] for s in home], axis=0)
        same = [s for s in free if group[s] == group[home[0]]]
        chosen = sorted(same, key=lambda s: math.dist(xy[s], mean))[:missing]
        if len(chosen) < missing:
            rest = sorted(
                (s for s in free if s not in chosen), key=lambda s: math.dist(xy[s], mean)
            )
            chosen += rest[: missing - len(chosen)]
        return chosen
    for g in dict.fromkeys(group[s] for s in free):
        members = [s for s in free if group[s] == g]
        if len(members) >= missing:
            return members[:missing]
    return free[:missing]


def compile_site(
    layout: FloorPlan | Building,
    *,
    counters: Mapping[str, int],
    slots: Mapping[str, Sequence[str]] | None = None,
    name: str = "",
    floor_times: FloorTimes | None = None,
    speed_mps: float = 1.2,
    priority_speed_mps: float = 0.9,
    agency_queue: Mapping[str, str] | None = None,
    volumes: Mapping[str, float] | None = None,
    zones: Mapping[str, str] | None = None,
) -> SiteLayout:
    """Place the queues' counters on slots, give every agency its waiting zones, and compute
    the walks between the nodes.

    ``counters`` and ``slots`` are per queue: an agency with its own counters, or a counter
    group (``agency_queue`` says which queue each agency's visitors join; by default each
    agency is its own). ``volumes`` (expected visitors per queue) and ``zones`` (a zone the
    scenario names for a queue or agency) feed the zone rule of :func:`_zone_choice`.
    ``layout`` is one floor plan or a building; for a building the walks cross floors by stair
    and lift (``floor_times``), chosen as the quickest at the group's mean walking speed, and
    priority visitors take the lift where there is one. Raises :class:`FloorPlanError` if the
    plan has errors, :class:`ScenarioError` if the counters do not fit the plan's slots.
    """
    building = as_building(layout)
    single = not isinstance(layout, Building)
    _refuse_errors(layout, building, floor_times)
    assignment = assign_slots(building, counters=counters, slots=slots)
    m = building_matrix(
        building, times=floor_times, speed_mps=speed_mps, priority_speed_mps=priority_speed_mps
    )
    cost = m.metres / (speed_mps * 60.0) + m.extra_min
    slot_row: dict[str, int] = {}
    for level, plan in zip(building.levels, building.floors, strict=True):
        for c in plan.counters:
            slot_row.setdefault(c.slot, m.index(f"L{level}/slot:{c.slot}"))
    counter_rows = {a: [slot_row[s] for s in ss] for a, ss in assignment.items()}
    chosen = front_nodes(m, cost, [r for rows in counter_rows.values() for r in rows])
    queue_of = dict(agency_queue) if agency_queue is not None else {q: q for q in counters}
    named = {queue_of.get(k, k): v for k, v in (zones or {}).items()}
    choice = _zone_choice(
        building,
        m,
        cost,
        counter_rows,
        volumes=volumes or dict.fromkeys(counter_rows, 1.0),
        named=named,
    )
    zone_row = zone_rows(building, m)
    for zone, row in zone_row.items():
        chosen[waiting_node(zone)] = row
    regular = {a: choice[q][0] for a, q in queue_of.items() if q in choice}
    lifted = {a: choice[q][1] for a, q in queue_of.items() if q in choice}
    for agency, tries in regular.items():
        chosen[zone_node(agency)] = zone_row[tries[0]]
    for queue, rows in counter_rows.items():
        for k, r in enumerate(rows):
            chosen[counter_node(queue, k)] = r
    front_row = chosen.get(KIOSK, chosen[ENTRANCE])
    front_zone = min(zone_row, key=lambda z: (cost[front_row, zone_row[z]], z), default=None)
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
        agency_zone={a: tries[0] for a, tries in regular.items()},
        agency_zones=regular,
        priority_zones=lifted,
        front_zone=front_zone,
        floorplan_hash=(building.floors[0].content_hash if single else building.content_hash),
        extra_min=None if single else m.extra_min[grid].copy(),
        priority_distances_m=None if single else m.priority_metres[grid].copy(),
        priority_extra_min=None if single else m.priority_extra_min[grid].copy(),
        agency_slots=assignment,
        positions=positions,
    )


def _refuse_errors(
    layout: FloorPlan | Building, building: Building, floor_times: FloorTimes | None
) -> None:
    """Raise :class:`FloorPlanError` for a plan (or building) with errors, naming the first."""
    if isinstance(layout, FloorPlan):
        errors = list(check_plan(layout).errors)
        if not layout.entrances and not errors:
            raise FloorPlanError(
                f"floor plan {layout.name!r} has no entrance; alone (not as an upper floor of a "
                "building) it needs one"
            )
    else:
        report = check_building(building, times=floor_times)
        errors = [p for f in report.floors for p in f.errors] + list(report.errors)
    if errors:
        first = errors[0]
        raise FloorPlanError(
            f"floor plan {building.name or layout_name(building)!r} has {len(errors)} error(s), "
            f"first: {first.message} [{first.where.describe()}]; run 'mpp-sim floorplan check'"
        )


def front_nodes(m: BuildingMatrix, cost: np.ndarray, used: list[int]) -> dict[str, int]:
    """Rows of the entrance (nearest a kiosk), kiosk and information desk (nearest that
    entrance) and exit (least mean time from the counters used)."""

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
    chosen[EXIT] = min(exits, key=lambda e: (float(cost[used, e].mean()) if used else 0.0, e))
    return chosen


ZONE_SLACK = 1.25
"""How far a zone may be loaded beyond its share of the hall's waiting capacity before the next
queue (by expected visitors) goes to its next-nearest zone instead."""


def _zone_choice(
    building: Building,
    m: BuildingMatrix,
    cost: np.ndarray,
    counter_rows: Mapping[str, list[int]],
    *,
    volumes: Mapping[str, float],
    named: Mapping[str, str],
) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Queue -> (the zones its regular visitors try, the zones its priority visitors try).

    The rule weighs capacity against walking. Queues take their first zone in order of
    expected visitors, busiest first: the zone with the least mean time to the queue's
    counters among those whose load (expected visitors of the queues already there, this one
    included) stays within :data:`ZONE_SLACK` times their share of the hall's waiting capacity
    (seats plus standing room); when none has room, the zone with the most room left. A zone
    the scenario names for the queue (``named``) comes first instead. The other regular zones
    follow, nearest first: where visitors go when the zones before are full. Priority zones
    hold priority visitors only: theirs try them first (nearest first), then the regular list.
    """
    names = zone_names(building)
    regular: dict[str, int] = {}
    priority: dict[str, int] = {}
    capacity: dict[str, int] = {}
    for zone in waiting_zones(building):
        capacity[zone.name] = zone.seats + zone.standing_capacity
    for level, plan in zip(building.levels, building.floors, strict=True):
        for z in plan.zones:
            row = m.index(f"L{level}/zone:{z.name}")
            (priority if z.priority else regular)[names[(level, z.name)]] = row
    candidates = regular or priority
    total_volume = sum(volumes.get(q, 0.0) for q in counter_rows) or 1.0
    total_capacity = sum(capacity[z] for z in candidates) or 1
    load = dict.fromkeys(candidates, 0.0)
    out: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    busiest_first = sorted(counter_rows, key=lambda q: (-volumes.get(q, 0.0), q))
    for queue in busiest_first:
        rows = counter_rows[queue]
        if not rows or not candidates:
            continue

        def time_to(zones: Mapping[str, int], zone: str, rows: list[int] = rows) -> float:
            return float(cost[zones[zone], rows].mean())

        nearest = sorted(candidates, key=lambda z: (time_to(candidates, z), z))
        share = volumes.get(queue, 0.0) / total_volume

        def fits(zone: str, share: float = share) -> bool:
            room = ZONE_SLACK * capacity[zone] / total_capacity
            return load[zone] + share <= room + 1e-12

        first = named.get(queue)
        if first not in candidates:
            first = next(
                (z for z in nearest if fits(z)),
                max(nearest, key=lambda z: capacity[z] / total_capacity - load[z]),
            )
        load[first] += share
        tries = (first, *(z for z in nearest if z != first))
        lift = tuple(sorted(priority, key=lambda z: (time_to(priority, z), z))) if regular else ()
        out[queue] = (tries, (*lift, *tries))
    return out


def zone_rows(building: Building, m: BuildingMatrix) -> dict[str, int]:
    """Every zone's name (floor-qualified in a building) and its row in the matrix."""
    names = zone_names(building)
    return {
        names[(level, z.name)]: m.index(f"L{level}/zone:{z.name}")
        for level, plan in zip(building.levels, building.floors, strict=True)
        for z in plan.zones
    }


def layout_name(building: Building) -> str:
    """A name for a building: its floors' names joined with ``+``."""
    return " + ".join(plan.name for plan in building.floors)
