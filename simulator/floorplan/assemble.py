"""Turn raw drawn elements (from either loader) into one validated :class:`FloorPlan`.

Loaders only translate their file format into :class:`RawElement` objects in metres; every rule
about what the elements mean (closing, repairing, numbering slots, naming zones, placing seats,
refusing absurd coordinates) lives here, once, so DXF and GeoJSON give the same model.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import shapely
from shapely.geometry import Point, Polygon
from shapely.geometry.polygon import orient

from simulator.floorplan.model import (
    Area,
    Counter,
    FloorPlan,
    Line,
    Link,
    Location,
    Problem,
    Source,
    Spot,
    Zone,
    circle_ring,
    round_m,
)
from simulator.naming import natural_key

__all__ = [
    "AREA_KINDS",
    "CLOSE_GAP_M",
    "KINDS",
    "MAX_COORDINATE_M",
    "MAX_COUNTERS",
    "MIN_AREA_M2",
    "POINT_KINDS",
    "PRIORITY_WORDS",
    "RawElement",
    "assemble",
    "is_priority",
]

KINDS = (
    "floor",
    "wall",
    "obstacle",
    "entrance",
    "exit",
    "counter",
    "waiting",
    "seat",
    "kiosk",
    "info",
    "stair",
    "lift",
)
AREA_KINDS = ("floor", "obstacle", "waiting")
POINT_KINDS = ("counter", "seat", "kiosk", "info", "stair", "lift")
PRIORITY_WORDS = ("prioritas", "priority")
"""A waiting zone whose name contains one of these (any case) is a priority zone."""
TRUE_WORDS = ("yes", "true", "1", "ya", "y")

MAX_COORDINATE_M = 10_000.0
"""Coordinates farther than 10 km from the origin are taken as a units or drafting mistake."""
MAX_COUNTERS = 500
"""Most counters a plan may hold."""
MIN_AREA_M2 = 0.01
"""Polygons smaller than this (10 cm x 10 cm) count as having no area."""
CLOSE_GAP_M = 0.05
"""An outline whose ends are this close is closed silently; a wider gap is an error."""

XY = tuple[float, float]


@dataclass(frozen=True, kw_only=True)
class RawElement:
    """One drawn element in metres, before interpretation.

    ``shape`` is ``point``, ``line`` (``closed`` says whether the drafter closed it),
    ``polygon`` (with ``holes``), ``circle`` (``coords`` holds the centre) or ``text``.
    """

    kind: str
    shape: str
    coords: tuple[XY, ...]
    source: Source
    closed: bool = False
    holes: tuple[tuple[XY, ...], ...] = ()
    radius: float = 0.0
    slot: str = ""
    agency: str = ""
    name: str = ""
    priority: str = ""
    link: str = ""


def is_priority(name: str, flag: str) -> bool:
    """A zone is a priority zone when its flag says yes/true/1 or its name says priority."""
    lowered = name.lower()
    return flag.strip().lower() in TRUE_WORDS or any(w in lowered for w in PRIORITY_WORDS)


def _dedupe(coords: Iterable[Sequence[float]]) -> tuple[XY, ...]:
    out: list[XY] = []
    for xy in coords:
        p = (round_m(xy[0]), round_m(xy[1]))
        if not out or out[-1] != p:
            out.append(p)
    return tuple(out)


def _canonical_ring(coords: Sequence[XY]) -> tuple[XY, ...]:
    """Ring without repeated end, rotated to start at its smallest vertex, then closed."""
    pts = list(coords)
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts = pts[:-1]
    start = pts.index(min(pts))
    pts = pts[start:] + pts[:start]
    return (*pts, pts[0])


def _to_area(poly: Polygon, source: Source) -> Area:
    poly = orient(poly, sign=1.0)
    ext = _canonical_ring(_dedupe(poly.exterior.coords))
    holes = tuple(sorted(_canonical_ring(_dedupe(h.coords)) for h in poly.interiors))
    return Area(exterior=ext, holes=holes, source=source)


class _Builder:
    """Collects problems while interpreting raw elements (one instance per load)."""

    def __init__(self, file_format: str) -> None:
        self.problems: list[Problem] = []
        self.dxf = file_format == "dxf"

    def point_hint(self) -> str:
        """How to draw a point element, in the file's own terms."""
        return "a point or block reference" if self.dxf else "a Point feature"

    def error(self, message: str, source: Source | None, xy: XY | None = None) -> None:
        self._add("error", message, source, xy)

    def warning(self, message: str, source: Source | None, xy: XY | None = None) -> None:
        self._add("warning", message, source, xy)

    def _add(self, severity: str, message: str, source: Source | None, xy: XY | None) -> None:
        site = Location(
            source=source,
            x=None if xy is None else round_m(xy[0]),
            y=None if xy is None else round_m(xy[1]),
        )
        self.problems.append(Problem(severity=severity, message=message, where=site))

    def coords_ok(self, raw: RawElement) -> bool:
        for x, y in (*raw.coords, *(p for h in raw.holes for p in h)):
            if not (math.isfinite(x) and math.isfinite(y)):
                self.error(f"{raw.kind}: coordinate is not a number", raw.source)
                return False
            if abs(x) > MAX_COORDINATE_M or abs(y) > MAX_COORDINATE_M:
                self.error(
                    f"{raw.kind}: coordinate ({x:.6g}, {y:.6g}) m is more than 10 km from the "
                    "origin; check the drawing units ($INSUNITS) and move the plan near (0, 0)",
                    raw.source,
                )
                return False
        if raw.shape == "circle" and not (
            math.isfinite(raw.radius) and 0 <= raw.radius <= MAX_COORDINATE_M
        ):
            self.error(
                f"{raw.kind}: circle radius {raw.radius:.6g} m is not usable (expected 0 to "
                f"{MAX_COORDINATE_M:.0f} m)",
                raw.source,
            )
            return False
        return True

    def areas(self, raw: RawElement) -> list[Area]:
        """The element as valid polygons; problems recorded, unusable shapes dropped."""
        what = "waiting zone" if raw.kind == "waiting" else raw.kind
        if raw.shape == "circle":
            cx, cy = raw.coords[0]
            r = round_m(raw.radius)
            if math.pi * r * r < MIN_AREA_M2:
                self.error(f"{what} circle has (almost) no area", raw.source, raw.coords[0])
                return []
            ring = circle_ring(round_m(cx), round_m(cy), r)
            return [_to_area(Polygon(ring), raw.source)]
        if raw.shape == "line":
            pts = _dedupe(raw.coords)
            if not raw.closed and len(pts) > 2:
                gap = math.dist(pts[0], pts[-1])
                if gap > CLOSE_GAP_M:
                    self.error(
                        f"{what} outline is not closed (gap of {gap:.2f} m between its ends at "
                        f"({pts[0][0]:.2f}, {pts[0][1]:.2f}) and ({pts[-1][0]:.2f}, "
                        f"{pts[-1][1]:.2f})); "
                        + ("close the polyline" if self.dxf else "use a Polygon geometry"),
                        raw.source,
                        pts[0],
                    )
                    return []
            holes: tuple[tuple[XY, ...], ...] = ()
        elif raw.shape == "polygon":
            pts = _dedupe(raw.coords)
            holes = tuple(_dedupe(h) for h in raw.holes)
        else:
            self.error(
                f"a {what} must be a closed polygon{' or circle' if raw.kind != 'floor' else ''}, "
                f"found a {raw.shape}",
                raw.source,
                raw.coords[0] if raw.coords else None,
            )
            return []
        first = pts[0] if pts else None
        if len(set(pts)) < 3:
            self.error(
                f"{what} has zero area (fewer than three distinct corners)", raw.source, first
            )
            return []
        poly = Polygon(pts, [h for h in holes if len(set(h)) >= 3])
        if poly.is_valid:
            if poly.area < MIN_AREA_M2:
                self.error(f"{what} has zero area ({poly.area:.4f} m2)", raw.source, first)
                return []
            return [_to_area(poly, raw.source)]
        reason = shapely.is_valid_reason(poly)
        where = _reason_xy(reason) or first
        fixed = shapely.make_valid(poly)
        parts = [
            g
            for g in getattr(fixed, "geoms", [fixed])
            if isinstance(g, Polygon) and g.area >= MIN_AREA_M2
        ]
        if not parts:
            self.error(f"{what} has zero area ({reason})", raw.source, where)
            return []
        if len(parts) > 1:
            self.error(
                f"{what} polygon crosses itself ({reason}) and falls apart into {len(parts)} "
                "pieces; redraw it as a simple outline",
                raw.source,
                where,
            )
            return []
        self.warning(f"{what} polygon had to be repaired ({reason})", raw.source, where)
        return [_to_area(parts[0], raw.source)]

    def wall_or_door(self, raw: RawElement) -> list[Area | Line]:
        if raw.shape == "line" and not raw.closed:
            pts = _dedupe(raw.coords)
            if len(pts) < 2:
                self.error(f"{raw.kind} line has zero length", raw.source, raw.coords[0])
                return []
            return [Line(coords=pts, source=raw.source)]
        if raw.shape == "point":
            self.error(
                f"an {raw.kind} must be a line across the opening or a polygon, found a point",
                raw.source,
                raw.coords[0],
            )
            return []
        return list(self.areas(raw))

    def point(self, raw: RawElement) -> XY | None:
        if raw.shape in ("point", "circle"):
            return (round_m(raw.coords[0][0]), round_m(raw.coords[0][1]))
        self.error(
            f"a {raw.kind} must be {self.point_hint()}, found a {raw.shape}",
            raw.source,
            raw.coords[0] if raw.coords else None,
        )
        return None


def _reason_xy(reason: str) -> XY | None:
    m = re.search(r"\[([-\d.eE+]+)\s+([-\d.eE+]+)\]", reason)
    return (float(m.group(1)), float(m.group(2))) if m else None


def _line_key(e: Area | Line) -> tuple[object, ...]:
    return (0, e.coords) if isinstance(e, Line) else (1, e.exterior, e.holes)


def _number_slots(counters: list[tuple[str, str, XY, Source]]) -> list[Counter]:
    """Counters sorted by slot; unlabelled ones get C01, C02 ... in order of position."""
    used = {slot for slot, _, _, _ in counters if slot}
    missing = sorted((i for i, c in enumerate(counters) if not c[0]), key=lambda i: counters[i][2])
    labels: list[str] = []
    n = 0
    while len(labels) < len(missing):
        n += 1
        if f"C{n:02d}" not in used:
            labels.append(f"C{n:02d}")
    label_of = dict(zip(missing, labels, strict=True))
    out = [
        Counter(slot=slot or label_of[i], agency=agency, x=xy[0], y=xy[1], source=src)
        for i, (slot, agency, xy, src) in enumerate(counters)
    ]
    return sorted(out, key=lambda c: (natural_key(c.slot), c.x, c.y))


@dataclass(kw_only=True)
class _Parts:
    """The elements of one drawing by kind, as :meth:`add` interprets them."""

    floors: list[Area] = field(default_factory=list)
    obstacles: list[Area] = field(default_factory=list)
    lines: dict[str, list[Area | Line]] = field(
        default_factory=lambda: {"wall": [], "entrance": [], "exit": []}
    )
    counters: list[tuple[str, str, XY, Source]] = field(default_factory=list)
    zone_areas: list[tuple[Area, str, str]] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    texts: list[tuple[XY, str]] = field(default_factory=list)
    spots: dict[str, list[Spot]] = field(
        default_factory=lambda: {"seat": [], "kiosk": [], "info": []}
    )

    def add(self, raw: RawElement, b: _Builder) -> None:
        """Interpret one raw element (with usable coordinates)."""
        if raw.shape == "text":
            if raw.kind == "waiting" and raw.name.strip():
                self.texts.append((raw.coords[0], raw.name.strip()))
        elif raw.kind == "floor":
            self.floors.extend(b.areas(raw))
        elif raw.kind == "obstacle":
            self.obstacles.extend(b.areas(raw))
        elif raw.kind == "waiting":
            self.zone_areas.extend((a, raw.name.strip(), raw.priority) for a in b.areas(raw))
        elif raw.kind in self.lines:
            self.lines[raw.kind].extend(b.wall_or_door(raw))
        elif raw.kind in POINT_KINDS:
            xy = b.point(raw)
            if xy is not None:
                self._point(raw, xy)

    def _point(self, raw: RawElement, xy: XY) -> None:
        if raw.kind == "counter":
            self.counters.append((raw.slot.strip(), raw.agency.strip(), xy, raw.source))
        elif raw.kind in ("stair", "lift"):
            self.links.append(
                Link(kind=raw.kind, link=raw.link.strip(), x=xy[0], y=xy[1], source=raw.source)
            )
        else:
            self.spots[raw.kind].append(Spot(x=xy[0], y=xy[1], source=raw.source))


def assemble(
    raws: Sequence[RawElement],
    *,
    units: str,
    name: str = "",
    problems: Sequence[Problem] = (),
    file_format: str = "dxf",
) -> FloorPlan:
    """Interpret raw elements as a floor plan, recording every problem found.

    ``file_format`` (``dxf`` or ``geojson``) decides the words of the messages.
    """
    b = _Builder(file_format)
    b.problems.extend(problems)
    parts = _Parts()
    for raw in raws:
        if raw.coords and b.coords_ok(raw):
            parts.add(raw, b)
    counters, seats = parts.counters, parts.spots["seat"]
    if len(counters) > MAX_COUNTERS:
        b.error(
            f"the plan has {len(counters)} counters; at most {MAX_COUNTERS} are supported",
            None,
        )

    zones = _make_zones(b, parts.zone_areas, parts.texts, seats)
    in_zones = {id(s) for z in zones for s in z.seats}
    stray = sorted((s for s in seats if id(s) not in in_zones), key=lambda s: (s.x, s.y))
    if stray:
        b.warning(
            f"{len(stray)} seat(s) lie outside every waiting zone and are not counted",
            stray[0].source,
            (stray[0].x, stray[0].y),
        )

    def spots(items: list[Spot]) -> tuple[Spot, ...]:
        return tuple(sorted(items, key=lambda s: (s.x, s.y)))

    return FloorPlan(
        floors=tuple(sorted(parts.floors, key=_line_key)),
        walls=tuple(sorted(parts.lines["wall"], key=_line_key)),
        obstacles=tuple(sorted(parts.obstacles, key=_line_key)),
        entrances=tuple(sorted(parts.lines["entrance"], key=_line_key)),
        exits=tuple(sorted(parts.lines["exit"], key=_line_key)),
        counters=tuple(_number_slots(counters)),
        zones=zones,
        stray_seats=tuple(stray),
        kiosks=spots(parts.spots["kiosk"]),
        infos=spots(parts.spots["info"]),
        links=tuple(sorted(parts.links, key=lambda k: (k.kind, natural_key(k.link), k.x, k.y))),
        units=units,
        name=name,
        file_format=file_format,
        problems=tuple(b.problems),
    )


def _make_zones(
    b: _Builder,
    zone_areas: list[tuple[Area, str, str]],
    texts: list[tuple[XY, str]],
    seats: list[Spot],
) -> tuple[Zone, ...]:
    named: list[tuple[Area, str, bool]] = []
    for area, given, flag in sorted(zone_areas, key=lambda z: _line_key(z[0])):
        label = given
        if not label:
            written = [t for xy, t in texts if area.shape.covers(Point(xy))]
            label = written[0] if written else ""
        named.append((area, label, is_priority(label, flag)))
    taken = {label for _, label, _ in named if label}
    counter = 0
    seen: set[str] = set()
    result: list[Zone] = []
    ordered = sorted(seats, key=lambda s: (s.x, s.y))
    seat_points = shapely.points([(s.x, s.y) for s in ordered]) if ordered else None
    for area, label, priority in named:
        if not label:
            counter += 1
            while f"zone-{counter}" in taken:
                counter += 1
            label = f"zone-{counter}"
        if label in seen:
            new = label
            k = 2
            while new in seen or new in taken:
                new = f"{label}-{k}"
                k += 1
            c = area.shape.centroid
            b.warning(
                f"two waiting zones are named {label!r}; this one is renamed {new!r}",
                area.source,
                (c.x, c.y),
            )
            label = new
        seen.add(label)
        inside: tuple[Spot, ...] = ()
        if seat_points is not None:
            covered = shapely.covers(area.shape, seat_points)
            inside = tuple(s for s, hit in zip(ordered, covered, strict=True) if hit)
        result.append(Zone(name=label, area=area, seats=inside, priority=priority))
    # a seat inside two overlapping zones belongs to the first only
    claimed: set[int] = set()
    final: list[Zone] = []
    for z in result:
        own = tuple(s for s in z.seats if id(s) not in claimed)
        claimed.update(id(s) for s in own)
        final.append(Zone(name=z.name, area=z.area, seats=own, priority=z.priority))
    return tuple(sorted(final, key=lambda z: natural_key(z.name)))
