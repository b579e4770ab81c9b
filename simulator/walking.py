"""The seam between floor plans and the engine: walking distances and waiting zones.

A floor plan is compiled (by :mod:`simulator.floorplan`) into a :class:`SiteLayout`: the walking
distance between the named points a visitor passes, and the waiting zone each agency's visitors
use. The engine sees only this object, never geometry. Without a floor plan every distance is
zero and nobody is placed in a zone, which is the pure queueing model used for validation.

Node names:
``entrance``, ``info``, ``kiosk``, ``exit``, ``zone:<agency>`` (the point where that agency's
visitors wait) and ``counter:<agency>:<k>`` (the k-th counter of the agency, from 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "ENTRANCE",
    "EXIT",
    "INFO",
    "KIOSK",
    "SiteLayout",
    "WaitingZone",
    "counter_node",
    "waiting_node",
    "zone_node",
]

ENTRANCE = "entrance"
INFO = "info"
KIOSK = "kiosk"
EXIT = "exit"


def zone_node(agency_id: str) -> str:
    """Name of the point where visitors of ``agency_id`` wait."""
    return f"zone:{agency_id}"


def waiting_node(zone_name: str) -> str:
    """Name of the point of waiting zone ``zone_name`` where its visitors are counted."""
    return f"waiting:{zone_name}"


def counter_node(agency_id: str, k: int) -> str:
    """Name of the k-th counter (0-based) of ``agency_id``."""
    return f"counter:{agency_id}:{k}"


@dataclass(frozen=True, kw_only=True)
class WaitingZone:
    """A waiting zone: seats, and standing room at level of service C on its free area."""

    name: str
    area_m2: float
    seats: int
    standing_capacity: int
    floor: int = 0
    priority: bool = False

    def __post_init__(self) -> None:
        if self.seats < 0 or self.standing_capacity < 0 or self.area_m2 < 0:
            raise ValueError(
                f"waiting zone {self.name!r}: negative size "
                f"(area_m2={self.area_m2}, seats={self.seats}, "
                f"standing_capacity={self.standing_capacity})"
            )


@dataclass(frozen=True, kw_only=True)
class SiteLayout:
    """Walking distances (metres) between named points, and the zone each agency waits in.

    A walk from ``a`` to ``b`` covers ``distances_m[a, b]`` metres at the visitor's own speed
    plus ``extra_min[a, b]`` fixed minutes (stairs and lifts between floors; zero on one floor).
    Priority visitors may take other routes (the lift where there is one):
    ``priority_distances_m`` and ``priority_extra_min``, which default to the normal ones.

    For pictures, a layout compiled from a floor plan also says which counter slots serve each
    agency (``agency_slots``) and where its nodes are (``positions``, metres); both are empty
    without a floor plan.
    """

    name: str
    nodes: tuple[str, ...]
    distances_m: np.ndarray
    zones: tuple[WaitingZone, ...] = ()
    agency_zone: Mapping[str, str] = field(default_factory=dict)
    floorplan_hash: str = ""
    extra_min: np.ndarray | None = None
    priority_distances_m: np.ndarray | None = None
    priority_extra_min: np.ndarray | None = None
    agency_zones: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The zones an agency's regular visitors try, in order (default: its ``agency_zone``)."""
    priority_zones: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The zones its priority visitors try, in order (default: the regular ones)."""
    front_zone: str | None = None
    """The zone where the kiosk and information-desk lines stand (crowding only)."""
    agency_slots: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The counter slots of the floor plan serving each agency, in counter order (pictures)."""
    positions: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    """Where each node is on its floor, in metres (pictures)."""

    def __post_init__(self) -> None:
        n = len(self.nodes)
        for label in ("distances_m", "extra_min", "priority_distances_m", "priority_extra_min"):
            matrix = getattr(self, label)
            if matrix is not None and matrix.shape != (n, n):
                raise ValueError(
                    f"{label} has shape {matrix.shape}, expected ({n}, {n}) for {n} nodes"
                )
        if len(set(self.nodes)) != n:
            raise ValueError("node names must be unique")
        zone_names = {z.name for z in self.zones}
        for agency, zone in self.agency_zone.items():
            if zone not in zone_names:
                raise ValueError(f"agency {agency!r} assigned to unknown zone {zone!r}")
        by_name = {z.name: z for z in self.zones}
        for label, lists in (
            ("agency_zones", self.agency_zones),
            ("priority_zones", self.priority_zones),
        ):
            for agency, names in lists.items():
                unknown = [n for n in names if n not in zone_names]
                if unknown:
                    raise ValueError(f"{label}[{agency!r}] names unknown zone {unknown[0]!r}")
                if label == "agency_zones" and any(by_name[n].priority for n in names):
                    raise ValueError(
                        f"agency_zones[{agency!r}] sends regular visitors to a priority zone"
                    )
        object.__setattr__(self, "_index", {name: i for i, name in enumerate(self.nodes)})

    def distance_m(self, a: str, b: str) -> float:
        """Shortest walking distance from node ``a`` to node ``b``; 0 for a node not drawn."""
        index: dict[str, int] = self._index  # type: ignore[attr-defined]
        i = index.get(a)
        j = index.get(b)
        if i is None or j is None:
            return 0.0
        return float(self.distances_m[i, j])

    def leg(self, a: str, b: str, *, priority: bool) -> tuple[float, float]:
        """The walk from ``a`` to ``b``: (metres, fixed extra minutes); (0, 0) for a node not
        drawn. Priority visitors take their own routes where the layout gives them."""
        index: dict[str, int] = self._index  # type: ignore[attr-defined]
        i = index.get(a)
        j = index.get(b)
        if i is None or j is None:
            return 0.0, 0.0
        metres = self.distances_m
        extra = self.extra_min
        if priority:
            if self.priority_distances_m is not None:
                metres = self.priority_distances_m
            if self.priority_extra_min is not None:
                extra = self.priority_extra_min
        return float(metres[i, j]), float(extra[i, j]) if extra is not None else 0.0

    def zones_for(self, agency_id: str, *, priority: bool) -> tuple[str, ...]:
        """The waiting zones a visitor of ``agency_id`` tries, in order."""
        if priority and agency_id in self.priority_zones:
            return self.priority_zones[agency_id]
        if agency_id in self.agency_zones:
            return self.agency_zones[agency_id]
        zone = self.agency_zone.get(agency_id)
        return (zone,) if zone is not None else ()

    @property
    def slot_agency(self) -> dict[str, str]:
        """Slot -> agency id, for every assigned slot."""
        return {s: a for a, slots in self.agency_slots.items() for s in slots}

    def zone_of(self, agency_id: str) -> str | None:
        """Name of the waiting zone used by ``agency_id``'s visitors, if the plan has one."""
        return self.agency_zone.get(agency_id)
