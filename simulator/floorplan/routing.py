"""Shortest walking paths inside the walkable area, around walls, columns and desks.

Method: the walkable area is shrunk by a clearance (``CLEARANCE_M``, half a shoulder width plus
a little), so paths keep that distance from walls and obstacles; corners are mitred, so an
obstacle corner is passed at the clearance along both sides. A shortest path in a polygon only
bends at reflex (inward-pointing) corners, so the graph's vertices are the reflex corners of
the clearance area. Two vertices are joined when the straight segment between them stays inside
the clearance area (a vectorised shapely ``covers`` test). All vertex-to-vertex distances come
from a vectorised Floyd-Warshall in numpy; a distance between two arbitrary points then is a
minimum over the vertices each point sees. Points of interest that lie in the walkable area but
not in the clearance area (a counter stands right at its desk) are snapped to the nearest point
of the clearance area.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient
from shapely.ops import nearest_points

from simulator.floorplan.model import FloorPlan

__all__ = [
    "CLEARANCE_M",
    "MAX_DOOR_SNAP_M",
    "MAX_SNAP_M",
    "PoiMatrix",
    "Router",
    "build_router",
    "poi_matrix",
    "router_for",
]

CLEARANCE_M = 0.3
"""Distance a walking path keeps from walls and obstacles (metres)."""
MAX_SNAP_M = 1.0
"""Farthest a point of interest is moved to reach the clearance area."""
MAX_DOOR_SNAP_M = 1.5
"""Farthest an entrance or exit point is moved (door lines may lie in the wall's thickness)."""
_EPS = 1e-4

XY = tuple[float, float]


def _reflex_vertices(area: BaseGeometry) -> np.ndarray:
    """Corners of ``area`` where its boundary turns away from the interior."""
    out: list[np.ndarray] = []
    for poly in getattr(area, "geoms", [area]):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        poly = orient(poly, sign=1.0)
        for ring in (poly.exterior, *poly.interiors):
            pts = np.asarray(ring.coords)[:-1, :2]
            if len(pts) < 3:
                continue
            prev = np.roll(pts, 1, axis=0)
            nxt = np.roll(pts, -1, axis=0)
            cross = (pts[:, 0] - prev[:, 0]) * (nxt[:, 1] - pts[:, 1]) - (
                pts[:, 1] - prev[:, 1]
            ) * (nxt[:, 0] - pts[:, 0])
            out.append(pts[cross < -1e-12])
    return np.concatenate(out) if out else np.zeros((0, 2))


@dataclass(frozen=True, kw_only=True, eq=False)
class Router:
    """Shortest walking distances in one walkable area (build with :func:`build_router`)."""

    walkable: BaseGeometry
    free: BaseGeometry
    vertices: np.ndarray
    vertex_dist: np.ndarray
    direct: np.ndarray

    @cached_property
    def _test_area(self) -> BaseGeometry:
        area = self.free.buffer(_EPS, join_style="mitre")
        shapely.prepare(area)
        return area

    @cached_property
    def _walk_area(self) -> BaseGeometry:
        area = self.walkable.buffer(1e-3, join_style="mitre")
        shapely.prepare(area)
        return area

    def visible(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Boolean matrix: does the straight segment a[i]-b[j] stay in the clearance area."""
        if len(a) == 0 or len(b) == 0:
            return np.zeros((len(a), len(b)), dtype=bool)
        segs = np.stack(np.broadcast_arrays(a[:, None, :], b[None, :, :]), axis=2)
        lines = shapely.linestrings(segs.reshape(-1, 2, 2))
        return shapely.covers(self._test_area, lines).reshape(len(a), len(b))

    def snap(
        self, x: float, y: float, *, max_m: float = MAX_SNAP_M, door: bool = False
    ) -> XY | None:
        """The point itself if it is in the clearance area, else the nearest point of that area.

        ``None`` when that point is farther than ``max_m`` or (unless ``door``) the short step
        to it would leave the walkable area, i.e. the point cannot be reached.
        """
        p = Point(x, y)
        if self.free.is_empty:
            return None
        if self._test_area.covers(p):
            return (x, y)
        q = nearest_points(self.free, p)[0]
        if q.distance(p) > max_m:
            return None
        if not door and not self._walk_area.covers(LineString([(x, y), (q.x, q.y)])):
            return None
        return (q.x, q.y)

    def _to_vertices(self, pts: np.ndarray) -> np.ndarray:
        """(P, V) straight distances from points to the vertices they see (inf otherwise)."""
        if len(self.vertices) == 0:
            return np.full((len(pts), 0), np.inf)
        vis = self.visible(pts, self.vertices)
        d = np.linalg.norm(pts[:, None, :] - self.vertices[None, :, :], axis=2)
        return np.where(vis, d, np.inf)

    def distances(self, points: Sequence[XY | None]) -> np.ndarray:
        """Shortest walking distance between every pair of points (inf if not connected).

        Points must already be snapped; ``None`` entries (unreachable points) give inf rows.
        """
        n = len(points)
        out = np.full((n, n), np.inf)
        idx = [i for i, p in enumerate(points) if p is not None]
        if not idx:
            return out
        pts = np.array([points[i] for i in idx], dtype=float)
        a = self._to_vertices(pts)
        if a.shape[1]:
            # f[p, j]: shortest distance from point p to vertex j through the graph
            f = np.empty_like(a)
            for r in range(len(pts)):
                f[r] = (a[r][:, None] + self.vertex_dist).min(axis=0)
            via = (f[:, None, :] + a[None, :, :]).min(axis=2)
        else:
            via = np.full((len(pts), len(pts)), np.inf)
        direct = np.linalg.norm(pts[:, None, :] - pts[None, :, :], axis=2)
        seen = self.visible(pts, pts)
        d = np.minimum(via, np.where(seen, direct, np.inf))
        d = np.minimum(d, d.T)
        np.fill_diagonal(d, 0.0)
        ix = np.array(idx)
        out[np.ix_(ix, ix)] = d
        return out

    def route(self, start: XY, end: XY) -> tuple[float, list[XY]]:
        """Shortest path between two snapped points: (length, polyline); (inf, []) if none."""
        s = np.array([start], dtype=float)
        e = np.array([end], dtype=float)
        if self.visible(s, e)[0, 0]:
            return (math.dist(start, end), [start, end])
        a_s = self._to_vertices(s)[0]
        a_e = self._to_vertices(e)[0]
        if len(a_s) == 0:
            return (math.inf, [])
        total = a_s[:, None] + self.vertex_dist + a_e[None, :]
        i, j = np.unravel_index(np.argmin(total), total.shape)
        length = float(total[i, j])
        if not math.isfinite(length):
            return (math.inf, [])
        path: list[XY] = [start, tuple(self.vertices[i])]
        k = int(i)
        while k != j:
            step = self.direct[k] + self.vertex_dist[:, j]
            step[k] = np.inf
            k = int(np.argmin(step))
            path.append(tuple(self.vertices[k]))
        path.append(end)
        return (length, [(float(x), float(y)) for x, y in path])


def build_router(walkable: BaseGeometry, *, clearance_m: float = CLEARANCE_M) -> Router:
    """Visibility graph and all-pairs vertex distances for one walkable area."""
    if walkable.is_empty:
        free = walkable
    else:
        free = walkable.buffer(-clearance_m, join_style="mitre", mitre_limit=2.0)
        free = free.simplify(0.005, preserve_topology=True)
    verts = _reflex_vertices(free)
    router = Router(
        walkable=walkable,
        free=free,
        vertices=verts,
        vertex_dist=np.zeros((0, 0)),
        direct=np.zeros((0, 0)),
    )
    n = len(verts)
    if n == 0:
        return router
    vis = np.zeros((n, n), dtype=bool)
    iu, ju = np.triu_indices(n, k=1)
    chunk = 200_000
    for start in range(0, len(iu), chunk):
        a = verts[iu[start : start + chunk]]
        b = verts[ju[start : start + chunk]]
        lines = shapely.linestrings(np.stack([a, b], axis=1))
        vis[iu[start : start + chunk], ju[start : start + chunk]] = shapely.covers(
            router._test_area, lines
        )
    vis |= vis.T
    d = np.linalg.norm(verts[:, None, :] - verts[None, :, :], axis=2)
    direct = np.where(vis, d, np.inf)
    np.fill_diagonal(direct, 0.0)
    dist = direct.copy()
    for k in range(n):
        np.minimum(dist, dist[:, k, None] + dist[None, k, :], out=dist)
    object.__setattr__(router, "vertex_dist", dist)
    object.__setattr__(router, "direct", direct)
    return router


@lru_cache(maxsize=8)
def router_for(plan: FloorPlan) -> Router:
    """The router of a plan, built once per plan content."""
    return build_router(plan.walkable)


@dataclass(frozen=True, kw_only=True, eq=False)
class PoiMatrix:
    """Walking distances between a plan's points of interest.

    Names: ``entrance:<i>``, ``exit:<i>``, ``kiosk:<i>``, ``info:<i>``, ``counter:<slot>``,
    ``zone:<name>``. ``drawn`` holds the drawn positions, ``points`` the snapped ones (``None``
    when a point is outside the walkable area or cannot reach the clearance area).
    """

    names: tuple[str, ...]
    drawn: tuple[XY, ...]
    points: tuple[XY | None, ...]
    distances_m: np.ndarray

    def index(self, name: str) -> int:
        """Row of ``name`` in the matrix."""
        return self.names.index(name)

    def distance(self, a: str, b: str) -> float:
        """Walking distance between two named points."""
        return float(self.distances_m[self.index(a), self.index(b)])


def zone_point(plan: FloorPlan, router: Router, name: str) -> XY:
    """Representative point of a zone: the clearance-area point of the zone nearest its centroid."""
    zone = next(z for z in plan.zones if z.name == name)
    shape = zone.area.shape
    c = shape.centroid
    inner = shape.intersection(router.free)
    if inner.is_empty:
        return (c.x, c.y)
    q = nearest_points(inner, c)[0]
    return (q.x, q.y)


@lru_cache(maxsize=8)
def poi_matrix(plan: FloorPlan) -> PoiMatrix:
    """All walking distances between the plan's points of interest, computed once per plan."""
    router = router_for(plan)
    walk = plan.walkable.buffer(0.01)
    shapely.prepare(walk)
    names: list[str] = []
    drawn: list[XY] = []
    points: list[XY | None] = []

    def add(name: str, xy: XY, *, door: bool = False) -> None:
        names.append(name)
        drawn.append(xy)
        if door:
            points.append(router.snap(*xy, max_m=MAX_DOOR_SNAP_M, door=True))
        elif walk.covers(Point(xy)):
            points.append(router.snap(*xy))
        else:
            points.append(None)

    for i, xy in enumerate(plan.entrance_points):
        add(f"entrance:{i}", xy, door=True)
    for i, xy in enumerate(plan.exit_points):
        add(f"exit:{i}", xy, door=True)
    for i, s in enumerate(plan.kiosks):
        add(f"kiosk:{i}", (s.x, s.y))
    for i, s in enumerate(plan.infos):
        add(f"info:{i}", (s.x, s.y))
    for c in plan.counters:
        if f"counter:{c.slot}" not in names:
            add(f"counter:{c.slot}", (c.x, c.y))
    for z in plan.zones:
        add(f"zone:{z.name}", zone_point(plan, router, z.name))
    return PoiMatrix(
        names=tuple(names),
        drawn=tuple(drawn),
        points=tuple(points),
        distances_m=router.distances(points),
    )
