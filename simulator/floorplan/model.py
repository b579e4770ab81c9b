"""The floor-plan model: what a drawing says, in metres, independent of the file format.

Both loaders (DXF and GeoJSON) build exactly this model, so everything downstream (check,
routing, compiling into the engine seam, pictures) sees one thing. Coordinates are rounded to
the millimetre and every collection is kept in a canonical order, so the same plan drawn in
two formats compares equal. Where an element came from (layer and entity, or feature index)
is kept for messages but left out of the comparison.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from functools import cached_property

import shapely
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

__all__ = [
    "ARC_DEVIATION_M",
    "WALL_THICKNESS_M",
    "Area",
    "Building",
    "Counter",
    "FloorPlan",
    "Line",
    "Link",
    "Location",
    "Problem",
    "Source",
    "Spot",
    "Zone",
    "circle_ring",
    "round_m",
]

WALL_THICKNESS_M = 0.15
"""Thickness given to a wall drawn as an open line."""

ARC_DEVIATION_M = 0.01
"""Largest distance between a true arc or circle and its flattened polygon (standard: < 2 cm)."""

XY = tuple[float, float]


def round_m(value: float) -> float:
    """Round a length in metres to the millimetre (the model's resolution)."""
    rounded = round(float(value), 3)
    return 0.0 if rounded == 0 else rounded


def circle_ring(x: float, y: float, r: float) -> tuple[XY, ...]:
    """A circle as a closed ring whose chords stay within ``ARC_DEVIATION_M`` of the circle.

    Both loaders call this with the same rounded centre and radius, so a circle gives the
    same vertices whichever format it came from.
    """
    if r <= ARC_DEVIATION_M:
        n = 8
    else:
        n = max(8, math.ceil(math.pi / math.acos(1.0 - ARC_DEVIATION_M / r)))
    pts = tuple(
        (
            round_m(x + r * math.cos(2 * math.pi * i / n)),
            round_m(y + r * math.sin(2 * math.pi * i / n)),
        )
        for i in range(n)
    )
    return (*pts, pts[0])


@dataclass(frozen=True, kw_only=True)
class Source:
    """Where an element was drawn.

    DXF: the ``layer`` it ended up on, the number (``index``) and ``handle`` of the model-space
    entity, and for content of a block reference the ``block`` path inside it (``HALL > ROW``).
    GeoJSON: ``layer`` is empty and ``index`` is the feature's index in ``features``.
    """

    layer: str = ""
    index: int
    handle: str = ""
    block: str = ""

    @property
    def is_feature(self) -> bool:
        """True for a GeoJSON feature."""
        return not self.layer

    def describe(self) -> str:
        """Short human text, e.g. ``layer MPP_COUNTER, entity 12 (handle 2F)`` or
        ``feature 3``."""
        if self.is_feature:
            return f"feature {self.index}"
        handle = f"handle {self.handle}" if self.handle else ""
        block = f"in block {self.block}" if self.block else ""
        extra = ", ".join(p for p in (handle, block) if p)
        return f"layer {self.layer}, entity {self.index}" + (f" ({extra})" if extra else "")

    def to_json(self) -> dict[str, object]:
        """JSON form: ``{"feature": i}`` or ``{"layer", "index", "handle", "block"}``."""
        if self.is_feature:
            return {"feature": self.index}
        return {
            "layer": self.layer,
            "index": self.index,
            "handle": self.handle,
            "block": self.block,
        }


@dataclass(frozen=True, kw_only=True)
class Location:
    """A place in the plan a problem refers to: its source and a position in metres."""

    source: Source | None = None
    x: float | None = None
    y: float | None = None

    def to_json(self) -> dict[str, object]:
        """JSON form: the source's fields (feature, or layer/index/handle/block) and x, y."""
        out = self.source.to_json() if self.source is not None else {}
        return {**out, "x": self.x, "y": self.y}

    def describe(self) -> str:
        """Readable text such as ``layer MPP_COUNTER, entity 3 at (4.20, 7.50) m``."""
        parts = []
        if self.source is not None:
            parts.append(self.source.describe())
        if self.x is not None and self.y is not None:
            parts.append(f"at ({self.x:.2f}, {self.y:.2f}) m")
        return " ".join(parts) if parts else "whole drawing"


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One finding about a drawing: an error makes the plan unusable, a warning does not."""

    severity: str
    message: str
    where: Location = field(default_factory=Location)

    def __post_init__(self) -> None:
        if self.severity not in ("error", "warning"):
            raise ValueError(f"severity must be 'error' or 'warning', got {self.severity!r}")


@dataclass(frozen=True, kw_only=True)
class Area:
    """A closed polygon in metres: exterior ring and optional holes (rings repeat their start)."""

    exterior: tuple[XY, ...]
    holes: tuple[tuple[XY, ...], ...] = ()
    source: Source | None = field(default=None, compare=False)

    @cached_property
    def shape(self) -> Polygon:
        """The polygon as a shapely geometry."""
        return Polygon(self.exterior, self.holes)


@dataclass(frozen=True, kw_only=True)
class Line:
    """An open polyline in metres (a wall drawn as a line, or a door drawn across its opening)."""

    coords: tuple[XY, ...]
    source: Source | None = field(default=None, compare=False)

    @cached_property
    def shape(self) -> LineString:
        """The polyline as a shapely geometry."""
        return LineString(self.coords)


@dataclass(frozen=True, kw_only=True)
class Spot:
    """A point element: seat, kiosk or information desk position."""

    x: float
    y: float
    source: Source | None = field(default=None, compare=False)


@dataclass(frozen=True, kw_only=True)
class Counter:
    """One service position: where the visitor stands to be served."""

    slot: str
    agency: str
    x: float
    y: float
    source: Source | None = field(default=None, compare=False)


@dataclass(frozen=True, kw_only=True)
class Link:
    """A stair or lift: where a visitor on this floor steps onto it, and the ``link`` label
    that joins it to the same stair or lift on other floors."""

    kind: str
    link: str
    x: float
    y: float
    source: Source | None = field(default=None, compare=False)


@dataclass(frozen=True, kw_only=True)
class Zone:
    """A waiting zone with its name and the seats drawn inside it."""

    name: str
    area: Area
    seats: tuple[Spot, ...] = ()
    priority: bool = False

    @property
    def area_m2(self) -> float:
        """Area of the zone in square metres."""
        return float(self.area.shape.area)


def _door_point(element: Area | Line) -> XY:
    """Representative point of an entrance or exit: middle of its line, or its centroid."""
    if isinstance(element, Line):
        p = element.shape.interpolate(0.5, normalized=True)
    else:
        p = element.shape.centroid
        if not element.shape.contains(p):
            p = element.shape.representative_point()
    return (round_m(p.x), round_m(p.y))


@dataclass(frozen=True, kw_only=True)
class FloorPlan:
    """A floor plan in metres. ``problems`` holds what the loader found (kept out of equality)."""

    floors: tuple[Area, ...] = ()
    walls: tuple[Area | Line, ...] = ()
    obstacles: tuple[Area, ...] = ()
    entrances: tuple[Area | Line, ...] = ()
    exits: tuple[Area | Line, ...] = ()
    counters: tuple[Counter, ...] = ()
    zones: tuple[Zone, ...] = ()
    stray_seats: tuple[Spot, ...] = ()
    kiosks: tuple[Spot, ...] = ()
    infos: tuple[Spot, ...] = ()
    links: tuple[Link, ...] = ()
    units: str = field(default="m", compare=False)
    name: str = field(default="", compare=False)
    file_format: str = field(default="dxf", compare=False)
    problems: tuple[Problem, ...] = field(default=(), compare=False)

    def __hash__(self) -> int:
        return hash(self.content_hash)

    @cached_property
    def content_hash(self) -> str:
        """sha256 of the model's canonical JSON: equal plans have equal hashes."""
        payload = json.dumps(self._canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(payload.encode()).hexdigest()

    def _canonical(self) -> dict[str, object]:
        def geom(e: Area | Line) -> object:
            if isinstance(e, Line):
                return {"line": e.coords}
            return {"ext": e.exterior, "holes": e.holes}

        return {
            "floors": [geom(a) for a in self.floors],
            "walls": [geom(a) for a in self.walls],
            "obstacles": [geom(a) for a in self.obstacles],
            "entrances": [geom(a) for a in self.entrances],
            "exits": [geom(a) for a in self.exits],
            "counters": [(c.slot, c.agency, c.x, c.y) for c in self.counters],
            "zones": [
                (z.name, geom(z.area), [(s.x, s.y) for s in z.seats], z.priority)
                for z in self.zones
            ],
            "stray_seats": [(s.x, s.y) for s in self.stray_seats],
            "kiosks": [(s.x, s.y) for s in self.kiosks],
            "infos": [(s.x, s.y) for s in self.infos],
            "links": [(k.kind, k.link, k.x, k.y) for k in self.links],
        }

    @property
    def entrance_points(self) -> tuple[XY, ...]:
        """One point per entrance (middle of its line or centroid of its polygon)."""
        return tuple(_door_point(e) for e in self.entrances)

    @property
    def exit_points(self) -> tuple[XY, ...]:
        """One point per exit; the entrances when no exit is drawn."""
        return tuple(_door_point(e) for e in (self.exits or self.entrances))

    @cached_property
    def floor_shape(self) -> BaseGeometry:
        """Union of the floor polygons (area visitors may enter, walls not yet removed)."""
        return shapely.union_all([a.shape for a in self.floors])

    @cached_property
    def blocked_shape(self) -> BaseGeometry:
        """Union of walls (open lines thickened) and obstacles."""
        parts: list[BaseGeometry] = []
        for w in self.walls:
            if isinstance(w, Line):
                parts.append(
                    w.shape.buffer(WALL_THICKNESS_M / 2, cap_style="flat", join_style="mitre")
                )
            else:
                parts.append(w.shape)
        parts.extend(o.shape for o in self.obstacles)
        return shapely.union_all(parts)

    @cached_property
    def walkable(self) -> BaseGeometry:
        """Walkable area: floor minus walls minus obstacles."""
        return self.floor_shape.difference(self.blocked_shape)

    @property
    def seats(self) -> tuple[Spot, ...]:
        """Every seat, those in zones first."""
        return tuple(s for z in self.zones for s in z.seats) + self.stray_seats

    def counter(self, slot: str) -> Counter:
        """The counter with label ``slot`` (KeyError if there is none)."""
        for c in self.counters:
            if c.slot == slot:
                return c
        raise KeyError(slot)


@dataclass(frozen=True, kw_only=True)
class Building:
    """Floors of one building, bottom up: ``levels[i]`` is the level of ``floors[i]`` (0 is the
    ground floor). Each floor is drawn in its own coordinates; stairs and lifts with the same
    ``link`` on two floors join them."""

    floors: tuple[FloorPlan, ...]
    levels: tuple[int, ...]
    name: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.floors:
            raise ValueError("a building needs at least one floor")
        if len(self.levels) != len(self.floors):
            raise ValueError(
                f"a building needs one level per floor, got {len(self.levels)} levels for "
                f"{len(self.floors)} floors"
            )
        if len(set(self.levels)) != len(self.levels):
            raise ValueError(f"two floors share a level: {list(self.levels)}")

    def __hash__(self) -> int:
        return hash(self.content_hash)

    @cached_property
    def content_hash(self) -> str:
        """sha256 over each floor's content hash and level."""
        payload = json.dumps(
            [[lv, f.content_hash] for lv, f in zip(self.levels, self.floors, strict=True)]
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def floor(self, level: int) -> FloorPlan:
        """The floor plan at ``level`` (KeyError if there is none)."""
        for lv, plan in zip(self.levels, self.floors, strict=True):
            if lv == level:
                return plan
        raise KeyError(level)

    @property
    def counters(self) -> tuple[Counter, ...]:
        """Every counter of every floor."""
        return tuple(c for f in self.floors for c in f.counters)

    def level_of_slot(self, slot: str) -> int:
        """The level of the floor holding counter ``slot`` (KeyError if none)."""
        for lv, plan in zip(self.levels, self.floors, strict=True):
            if any(c.slot == slot for c in plan.counters):
                return lv
        raise KeyError(slot)
