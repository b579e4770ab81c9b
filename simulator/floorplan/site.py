"""Compile a floor plan and a scenario's counters into the engine seam (:class:`SiteLayout`).

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
from dataclasses import dataclass, field

import numpy as np
from shapely.geometry import Point

from simulator.errors import FloorPlanError, ScenarioError
from simulator.floorplan.assemble import natural_key
from simulator.floorplan.check import check_plan
from simulator.floorplan.model import FloorPlan
from simulator.floorplan.routing import poi_matrix
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
    "PlanSite",
    "assign_slots",
    "compile_site",
    "waiting_zones",
]

LOS_C_M2_PER_PERSON = 0.7
"""Standing room per person at queueing level of service C (HCM/Fruin)."""
SEAT_FOOTPRINT_M2 = 0.5
"""Floor taken by one seat itself (the aisles around it stay standing room)."""

XY = tuple[float, float]


@dataclass(frozen=True, kw_only=True)
class PlanSite(SiteLayout):
    """A :class:`SiteLayout` that also knows where its nodes are and which slots serve whom.

    The engine uses it as a plain ``SiteLayout``; pictures use the extra fields.
    """

    agency_slots: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    positions: Mapping[str, XY] = field(default_factory=dict)

    @property
    def slot_agency(self) -> dict[str, str]:
        """Slot -> agency id, for every assigned slot."""
        return {s: a for a, slots in self.agency_slots.items() for s in slots}


def waiting_zones(plan: FloorPlan) -> tuple[WaitingZone, ...]:
    """The plan's zones with seats and standing capacity at level of service C."""
    out = []
    walkable = plan.walkable
    for z in plan.zones:
        usable = z.area.shape.intersection(walkable).area
        free = max(0.0, usable - SEAT_FOOTPRINT_M2 * len(z.seats))
        out.append(
            WaitingZone(
                name=z.name,
                area_m2=round(usable, 3),
                seats=len(z.seats),
                standing_capacity=math.floor(free / LOS_C_M2_PER_PERSON + 1e-9),
            )
        )
    return tuple(out)


def _slot_groups(plan: FloorPlan) -> dict[str, str]:
    """Slot -> name of the nearest waiting zone (straight-line), the slot's drawing cluster."""
    if not plan.zones:
        return {c.slot: "" for c in plan.counters}
    return {
        c.slot: min(plan.zones, key=lambda z: z.area.shape.distance(Point(c.x, c.y))).name
        for c in plan.counters
    }


def assign_slots(
    plan: FloorPlan,
    *,
    counters: Mapping[str, int],
    slots: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, tuple[str, ...]]:
    """Agency id -> the slots its counters use, in counter order (see module docstring)."""
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
        need = n - len(result[agency])
        if need <= 0:
            continue
        free = [s for s in all_slots if s not in taken]
        if result[agency]:
            home = result[agency]
            mean = np.mean([xy[s] for s in home], axis=0)
            same = [s for s in free if group[s] == group[home[0]]]
            pool = sorted(same, key=lambda s: math.dist(xy[s], mean))
            chosen = pool[:need]
            if len(chosen) < need:
                rest = sorted(
                    (s for s in free if s not in chosen), key=lambda s: math.dist(xy[s], mean)
                )
                chosen += rest[: need - len(chosen)]
        else:
            chosen = []
            for g in dict.fromkeys(group[s] for s in free):
                members = [s for s in free if group[s] == g]
                if len(members) >= need:
                    chosen = members[:need]
                    break
            if not chosen:
                chosen = free[:need]
        if len(chosen) < need:
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
    plan: FloorPlan,
    *,
    counters: Mapping[str, int],
    slots: Mapping[str, Sequence[str]] | None = None,
    name: str = "",
) -> PlanSite:
    """Assign agencies to slots and zones and compute walking distances between the nodes.

    Raises :class:`FloorPlanError` if the plan has errors, :class:`ScenarioError` if the
    counters do not fit the plan's slots.
    """
    report = check_plan(plan)
    if report.errors:
        first = report.errors[0]
        raise FloorPlanError(
            f"floor plan {plan.name!r} has {len(report.errors)} error(s), first: "
            f"{first.message} [{first.where.describe()}]; run 'mpp-sim floorplan check'"
        )
    assignment = assign_slots(plan, counters=counters, slots=slots)
    m = poi_matrix(plan)
    d = m.distances_m

    def idx(prefix: str) -> list[int]:
        return [i for i, n in enumerate(m.names) if n.startswith(prefix + ":")]

    entrances, kiosks, infos, exits = idx("entrance"), idx("kiosk"), idx("info"), idx("exit")
    entrances = [i for i in entrances if m.points[i] is not None] or entrances
    entrance = min(entrances, key=lambda e: (d[e, kiosks].min(), e)) if kiosks else entrances[0]
    chosen: dict[str, int] = {ENTRANCE: entrance}
    if infos:
        chosen[INFO] = min(infos, key=lambda i: (d[entrance, i], i))
    if kiosks:
        chosen[KIOSK] = min(kiosks, key=lambda k: (d[entrance, k], k))
    counter_rows = {a: [m.index(f"counter:{s}") for s in ss] for a, ss in assignment.items()}
    used = [r for rows in counter_rows.values() for r in rows]
    chosen[EXIT] = min(exits, key=lambda e: (float(d[e, used].mean()) if used else 0.0, e))
    agency_zone: dict[str, str] = {}
    zone_rows = {z.name: m.index(f"zone:{z.name}") for z in plan.zones}
    for agency, rows in counter_rows.items():
        if rows and zone_rows:
            best = min(zone_rows, key=lambda z: (float(d[zone_rows[z], rows].mean()), z))
            agency_zone[agency] = best
            chosen[zone_node(agency)] = zone_rows[best]
    for agency, rows in counter_rows.items():
        for k, r in enumerate(rows):
            chosen[counter_node(agency, k)] = r
    nodes = tuple(chosen)
    rows = np.array([chosen[n] for n in nodes], dtype=int)
    dist = d[np.ix_(rows, rows)].copy()
    positions = {}
    for n in nodes:
        p = m.points[chosen[n]] or m.drawn[chosen[n]]
        positions[n] = (round(p[0], 3), round(p[1], 3))
    return PlanSite(
        name=name or plan.name,
        nodes=nodes,
        distances_m=dist,
        zones=waiting_zones(plan),
        agency_zone=agency_zone,
        floorplan_hash=plan.content_hash,
        agency_slots=assignment,
        positions=positions,
    )
