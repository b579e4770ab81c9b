"""Shortest walking paths inside the walkable area, around walls, columns and desks.

Method (exact, and fast on halls with thousands of columns; ``bench/floorplan.py`` measures it
against the alternatives):

1. The walkable area is shrunk by a clearance (``CLEARANCE_M``, half a shoulder width plus a
   little), so paths keep that distance from walls and obstacles; corners are mitred, so an
   obstacle corner is passed at the clearance along both sides. Obstacles closer together than
   twice the clearance merge in this step: nobody walks between them.
2. The *clearance area* is cut into triangles by a constrained Delaunay triangulation (GEOS,
   through shapely): every triangle lies inside the area, and its edges on the area's boundary
   are walls of the triangulation.
3. A shortest path in a polygon only bends at its reflex (inward-pointing) corners, and every leg
   of it touches the corners at both its ends without cutting into them (it is *tangent*). Which
   corners see each other is found by sweeping from every corner through the triangles: a sweep
   crosses one triangle edge after another, keeping the wedge of directions not yet blocked,
   and stops at walls of the triangulation (triangle expansion; exact, vectorised in numpy, and
   its cost grows with what each corner sees, not with the square of the number of corners).
4. Only tangent legs are kept, and shortest distances between the points asked for come from
   Dijkstra's algorithm on that graph (scipy), the points joined to the corners they see by the
   same sweep.

Points of interest that lie in the walkable area but not in the clearance area (a counter
stands right at its desk) are snapped to the nearest point of the clearance area.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import shapely
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient
from shapely.ops import nearest_points

from simulator.floorplan.model import FloorPlan

__all__ = [
    "CLEARANCE_M",
    "MAX_DOOR_SNAP_M",
    "MAX_SNAP_M",
    "Mesh",
    "PoiMatrix",
    "Router",
    "build_router",
    "poi_matrix",
    "router_for",
    "triangulate",
]

CLEARANCE_M = 0.3
"""Distance a walking path keeps from walls and obstacles (metres)."""
MAX_SNAP_M = 1.0
"""Farthest a point of interest is moved to reach the clearance area."""
MAX_DOOR_SNAP_M = 1.5
"""Farthest an entrance or exit point is moved (door lines may lie in the wall's thickness)."""
_EPS = 1e-4
_SIN_TOL = 1e-9
"""Directions closer than this (as a sine) count as one: a leg that grazes a corner is free."""

XY = tuple[float, float]


@dataclass(frozen=True, kw_only=True, eq=False)
class Mesh:
    """A triangulation of the clearance area.

    ``points``: (n, 2) corners; ``triangles``: (t, 3) corner indices, counter-clockwise;
    ``neighbours[t, k]``: the triangle across the edge opposite corner ``k`` of triangle ``t``,
    -1 where that edge is on the area's boundary.
    """

    points: np.ndarray
    triangles: np.ndarray
    neighbours: np.ndarray

    @cached_property
    def tree(self) -> shapely.STRtree:
        """Spatial index of the triangles (to find the ones holding a point)."""
        corners = self.points[self.triangles]
        rings = np.concatenate([corners, corners[:, :1]], axis=1)
        return shapely.STRtree(np.asarray(shapely.polygons(rings), dtype=object))


def triangulate(area: BaseGeometry) -> Mesh:
    """Constrained Delaunay triangulation of ``area`` with triangle adjacency."""
    empty = Mesh(
        points=np.zeros((0, 2)),
        triangles=np.zeros((0, 3), dtype=np.int64),
        neighbours=np.zeros((0, 3), dtype=np.int64),
    )
    if area.is_empty:
        return empty
    parts = shapely.get_parts(shapely.constrained_delaunay_triangles(area))
    if len(parts) == 0:
        return empty
    rings = shapely.get_coordinates(shapely.get_exterior_ring(parts)).reshape(len(parts), 4, 2)
    corners = rings[:, :3, :].copy()
    signed = (corners[:, 1, 0] - corners[:, 0, 0]) * (corners[:, 2, 1] - corners[:, 0, 1]) - (
        corners[:, 1, 1] - corners[:, 0, 1]
    ) * (corners[:, 2, 0] - corners[:, 0, 0])
    corners[signed < 0] = corners[signed < 0][:, ::-1]
    points, inverse = np.unique(corners.reshape(-1, 2), axis=0, return_inverse=True)
    triangles = inverse.reshape(-1, 3).astype(np.int64)
    n_tri = len(triangles)
    start = np.concatenate([triangles[:, 1], triangles[:, 2], triangles[:, 0]])
    end = np.concatenate([triangles[:, 2], triangles[:, 0], triangles[:, 1]])
    owner = np.tile(np.arange(n_tri), 3)
    corner = np.repeat(np.arange(3), n_tri)
    key = np.minimum(start, end) * len(points) + np.maximum(start, end)
    order = np.argsort(key, kind="stable")
    shared = key[order][1:] == key[order][:-1]
    first, second = order[:-1][shared], order[1:][shared]
    neighbours = np.full((n_tri, 3), -1, dtype=np.int64)
    neighbours[owner[first], corner[first]] = owner[second]
    neighbours[owner[second], corner[second]] = owner[first]
    return Mesh(points=points, triangles=triangles, neighbours=neighbours)


def _corner_rings(area: BaseGeometry) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every reflex corner of ``area`` with the corners before and after it on its ring."""
    here: list[np.ndarray] = []
    before: list[np.ndarray] = []
    after: list[np.ndarray] = []
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
            reflex = cross < -1e-12
            here.append(pts[reflex])
            before.append(prev[reflex])
            after.append(nxt[reflex])
    if not here:
        empty = np.zeros((0, 2))
        return empty, empty, empty
    return np.concatenate(here), np.concatenate(before), np.concatenate(after)


def _cross(ax: np.ndarray, ay: np.ndarray, bx: np.ndarray, by: np.ndarray) -> np.ndarray:
    return ax * by - ay * bx


@dataclass(frozen=True, kw_only=True)
class _Sweep:
    """What a sweep saw: (source, mesh corner) pairs, and optionally every wedge it crossed."""

    source: np.ndarray
    corner: np.ndarray
    wedges: tuple[np.ndarray, ...] = ()


def _sweep(
    mesh: Mesh,
    origin: np.ndarray,
    source: np.ndarray,
    triangle: np.ndarray,
    right: np.ndarray,
    left: np.ndarray,
    *,
    keep_wedges: bool = False,
) -> _Sweep:
    """Triangle expansion: from each source point, through the edge (right, left) of the
    triangle it looks into, and on through every edge the wedge of free directions crosses.

    ``origin[source]`` is where each sweep starts; ``triangle`` the triangle entered across
    the mesh edge from corner ``right`` to corner ``left`` (as seen from the source).
    """
    pts = mesh.points
    tri = mesh.triangles
    nbr = mesh.neighbours
    found_s: list[np.ndarray] = []
    found_c: list[np.ndarray] = []
    wedges: list[np.ndarray] = []
    ox, oy = origin[source, 0], origin[source, 1]
    rx, ry = pts[right, 0] - ox, pts[right, 1] - oy
    lx, ly = pts[left, 0] - ox, pts[left, 1] - oy
    src, tt, a, b = source, triangle, right, left
    while len(src):
        if keep_wedges:
            wedges.append(np.stack([src, tt, rx, ry, lx, ly]))
        corners = tri[tt]
        ka = (corners == a[:, None]).argmax(axis=1)
        kb = (corners == b[:, None]).argmax(axis=1)
        kw = 3 - ka - kb
        w = corners[np.arange(len(tt)), kw]
        wx, wy = pts[w, 0] - ox, pts[w, 1] - oy
        c_right = _cross(rx, ry, wx, wy)
        c_left = _cross(wx, wy, lx, ly)
        norm_w = np.hypot(wx, wy)
        seen = (c_right >= -_SIN_TOL * np.hypot(rx, ry) * norm_w) & (
            c_left >= -_SIN_TOL * norm_w * np.hypot(lx, ly)
        )
        found_s.append(src[seen])
        found_c.append(w[seen])
        # across (a, w): directions right of w; across (w, b): directions left of w
        n1 = nbr[tt, kb]
        n2 = nbr[tt, ka]
        go1 = (n1 >= 0) & (c_right > 0)
        go2 = (n2 >= 0) & (c_left > 0)
        l1x, l1y = np.where(c_left > 0, wx, lx), np.where(c_left > 0, wy, ly)
        r2x, r2y = np.where(c_right > 0, wx, rx), np.where(c_right > 0, wy, ry)
        src = np.concatenate([src[go1], src[go2]])
        tt = np.concatenate([n1[go1], n2[go2]])
        a, b = np.concatenate([a[go1], w[go2]]), np.concatenate([w[go1], b[go2]])
        rx, ry = np.concatenate([rx[go1], r2x[go2]]), np.concatenate([ry[go1], r2y[go2]])
        lx, ly = np.concatenate([l1x[go1], lx[go2]]), np.concatenate([l1y[go1], ly[go2]])
        ox, oy = origin[src, 0], origin[src, 1]
    empty = np.zeros(0, dtype=np.int64)
    return _Sweep(
        source=np.concatenate(found_s) if found_s else empty,
        corner=np.concatenate(found_c) if found_c else empty,
        wedges=tuple(wedges),
    )


@dataclass(frozen=True, kw_only=True, eq=False)
class Router:
    """Shortest walking distances in one walkable area (build with :func:`build_router`).

    ``vertices``: the reflex corners of the clearance area (graph nodes); ``edges``: (m, 2)
    pairs of vertices joined by a free tangent leg, with ``lengths``.
    """

    walkable: BaseGeometry
    free: BaseGeometry
    mesh: Mesh
    vertices: np.ndarray
    mesh_index: np.ndarray
    before: np.ndarray
    after: np.ndarray
    edges: np.ndarray
    lengths: np.ndarray

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

    @cached_property
    def _vertex_of_corner(self) -> np.ndarray:
        out = np.full(len(self.mesh.points), -1, dtype=np.int64)
        out[self.mesh_index] = np.arange(len(self.mesh_index))
        return out

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

    def _tangent_at(self, vertex: np.ndarray, frm: np.ndarray) -> np.ndarray:
        """Whether the line from points ``frm`` to ``vertex`` only touches the vertex's corner.

        It does when both neighbours of the corner lie on one side of it.
        """
        v = self.vertices[vertex]
        d = v - frm
        side_b = _cross(d[:, 0], d[:, 1], *(self.before[vertex] - v).T)
        side_a = _cross(d[:, 0], d[:, 1], *(self.after[vertex] - v).T)
        scale = np.hypot(d[:, 0], d[:, 1])
        return side_b * side_a >= -((_SIN_TOL * scale) ** 2)

    def _joins(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Legs from points (not corners) to the vertices and to each other points they see:
        (point, vertex) pairs and (point, point) pairs."""
        mesh = self.mesh
        empty = np.zeros(0, dtype=np.int64)
        if len(mesh.triangles) == 0 or len(pts) == 0:
            return empty, empty, empty, empty
        holder_p, holder_t = mesh.tree.query(shapely.points(pts), predicate="intersects")
        tri = mesh.triangles[holder_t]
        corner_xy = mesh.points[tri]  # (h, 3, 2)
        rel = corner_xy - pts[holder_p][:, None, :]
        # first corners seen: the corners of a triangle holding the point
        at_corner = np.hypot(rel[..., 0], rel[..., 1]) <= 1e-9
        direct_p = np.repeat(holder_p, 3)[~at_corner.ravel()]
        direct_c = tri.ravel()[~at_corner.ravel()]
        # sweeps across each edge of a holding triangle the point is not on
        src: list[np.ndarray] = []
        into: list[np.ndarray] = []
        rgt: list[np.ndarray] = []
        lft: list[np.ndarray] = []
        for k in range(3):
            i, j = (k + 1) % 3, (k + 2) % 3
            width = _cross(rel[:, i, 0], rel[:, i, 1], rel[:, j, 0], rel[:, j, 1])
            scale = np.hypot(*rel[:, i].T) * np.hypot(*rel[:, j].T)
            nb = mesh.neighbours[holder_t, k]
            go = (width > _SIN_TOL * scale) & (nb >= 0)
            src.append(holder_p[go])
            into.append(nb[go])
            rgt.append(tri[go, i])
            lft.append(tri[go, j])
        seen = _sweep(
            mesh,
            pts,
            np.concatenate(src),
            np.concatenate(into),
            np.concatenate(rgt),
            np.concatenate(lft),
            keep_wedges=True,
        )
        pv_p = np.concatenate([direct_p, seen.source])
        pv_c = np.concatenate([direct_c, seen.corner])
        vertex = self._vertex_of_corner[pv_c]
        keep = vertex >= 0
        pv_p, vertex = pv_p[keep], vertex[keep]
        if len(pv_p):
            tangent = self._tangent_at(vertex, pts[pv_p])
            pv_p, vertex = pv_p[tangent], vertex[tangent]
        pp_a, pp_b = self._point_pairs(pts, holder_p, holder_t, seen.wedges)
        return pv_p, vertex, pp_a, pp_b

    def _point_pairs(
        self,
        pts: np.ndarray,
        holder_p: np.ndarray,
        holder_t: np.ndarray,
        wedges: tuple[np.ndarray, ...],
    ) -> tuple[np.ndarray, np.ndarray]:
        """(a, b) pairs of points that see each other: in one triangle, or b inside a wedge of
        a's sweep in the triangle that holds b."""
        order = np.argsort(holder_t, kind="stable")
        by_tri_t, by_tri_p = holder_t[order], holder_p[order]
        same_a: list[np.ndarray] = []
        same_b: list[np.ndarray] = []
        for t in np.unique(holder_t):
            members = np.unique(by_tri_p[by_tri_t == t])
            if len(members) > 1:
                ia, ib = np.meshgrid(members, members)
                same_a.append(ia.ravel())
                same_b.append(ib.ravel())
        if wedges:
            w = np.concatenate(wedges, axis=1)
            src, tt = w[0].astype(np.int64), w[1].astype(np.int64)
            lo = np.searchsorted(by_tri_t, tt, side="left")
            hi = np.searchsorted(by_tri_t, tt, side="right")
            count = hi - lo
            rows = np.repeat(np.arange(len(tt)), count)
            offset = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(count.sum())
            other = by_tri_p[offset]
            s = src[rows]
            dx, dy = pts[other, 0] - pts[s, 0], pts[other, 1] - pts[s, 1]
            rx, ry, lx, ly = w[2][rows], w[3][rows], w[4][rows], w[5][rows]
            norm = np.hypot(dx, dy)
            inside = (_cross(rx, ry, dx, dy) >= -_SIN_TOL * np.hypot(rx, ry) * norm) & (
                _cross(dx, dy, lx, ly) >= -_SIN_TOL * norm * np.hypot(lx, ly)
            )
            same_a.append(s[inside])
            same_b.append(other[inside])
        if not same_a:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        return np.concatenate(same_a), np.concatenate(same_b)

    def _graph(self, pts: np.ndarray) -> tuple[csr_matrix, int]:
        """The corner graph plus ``pts`` as extra nodes (numbered after the corners)."""
        n_v = len(self.vertices)
        pv_p, pv_v, pp_a, pp_b = self._joins(pts)
        rows = np.concatenate([self.edges[:, 0], pv_p + n_v, pp_a + n_v])
        cols = np.concatenate([self.edges[:, 1], pv_v, pp_b + n_v])
        weights = np.concatenate(
            [
                self.lengths,
                np.hypot(*(pts[pv_p] - self.vertices[pv_v]).T) if len(pv_p) else [],
                np.hypot(*(pts[pp_a] - pts[pp_b]).T) if len(pp_a) else [],
            ]
        )
        # a zero-length leg would vanish from a sparse matrix: give it a tiny length
        weights = np.maximum(weights, 1e-12)
        n = n_v + len(pts)
        graph = coo_matrix((weights, (rows, cols)), shape=(n, n)).tocsr()
        return graph, n_v

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
        graph, n_v = self._graph(pts)
        d = dijkstra(graph, directed=False, indices=np.arange(n_v, n_v + len(pts)))
        d = d[:, n_v:]
        d[d < 1e-9] = 0.0
        d = np.minimum(d, d.T)
        np.fill_diagonal(d, 0.0)
        ix = np.array(idx)
        out[np.ix_(ix, ix)] = d
        return out

    def route(self, start: XY, end: XY) -> tuple[float, list[XY]]:
        """Shortest path between two snapped points: (length, polyline); (inf, []) if none."""
        pts = np.array([start, end], dtype=float)
        graph, n_v = self._graph(pts)
        found, came_from = dijkstra(
            graph, directed=False, indices=np.array([n_v]), return_predecessors=True
        )
        d, before = found[0], came_from[0]
        length = float(d[n_v + 1])
        if not math.isfinite(length):
            return (math.inf, [])
        nodes = [n_v + 1]
        while nodes[-1] != n_v:
            nodes.append(int(before[nodes[-1]]))
        path: list[XY] = []
        for node in reversed(nodes):
            x, y = pts[node - n_v] if node >= n_v else self.vertices[node]
            path.append((float(x), float(y)))
        return (length, path)


def clearance_area(walkable: BaseGeometry, *, clearance_m: float = CLEARANCE_M) -> BaseGeometry:
    """The walkable area shrunk by the clearance (where the centre of a walker may be)."""
    if walkable.is_empty:
        return walkable
    free = walkable.buffer(-clearance_m, join_style="mitre", mitre_limit=2.0)
    return free.simplify(0.005, preserve_topology=True)


def build_router(walkable: BaseGeometry, *, clearance_m: float = CLEARANCE_M) -> Router:
    """Triangulation, corner visibility and the tangent-leg graph of one walkable area."""
    free = clearance_area(walkable, clearance_m=clearance_m)
    mesh = triangulate(free)
    vertices, before, after = _corner_rings(free)
    # mesh index of every reflex corner (the triangulation keeps the area's corners)
    index_of = {(float(x), float(y)): i for i, (x, y) in enumerate(mesh.points)}
    mesh_index = np.array(
        [index_of.get((float(x), float(y)), -1) for x, y in vertices], dtype=np.int64
    )
    found = mesh_index >= 0
    vertices, before, after, mesh_index = (
        vertices[found],
        before[found],
        after[found],
        mesh_index[found],
    )
    router = Router(
        walkable=walkable,
        free=free,
        mesh=mesh,
        vertices=vertices,
        mesh_index=mesh_index,
        before=before,
        after=after,
        edges=np.zeros((0, 2), dtype=np.int64),
        lengths=np.zeros(0),
    )
    if len(vertices) < 2:
        return router
    tri = mesh.triangles
    vertex_of = router._vertex_of_corner
    # sweeps start from each corner into every triangle around it
    owner = np.repeat(np.arange(len(tri)), 3)
    corner = np.tile(np.arange(3), len(tri))
    source = vertex_of[tri.ravel()]
    at = source >= 0
    owner, corner, source = owner[at], corner[at], source[at]
    right = tri[owner, (corner + 1) % 3]
    left = tri[owner, (corner + 2) % 3]
    into = mesh.neighbours[owner, corner]
    go = into >= 0
    seen = _sweep(mesh, vertices, source[go], into[go], right[go], left[go])
    a = np.concatenate([source, source, seen.source])
    b = vertex_of[np.concatenate([right, left, seen.corner])]
    keep = (b >= 0) & (a != b)
    a, b = a[keep], b[keep]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    pair = np.unique(lo * len(vertices) + hi)
    lo, hi = pair // len(vertices), pair % len(vertices)
    tangent = router._tangent_at(lo, vertices[hi]) & router._tangent_at(hi, vertices[lo])
    lo, hi = lo[tangent], hi[tangent]
    object.__setattr__(router, "edges", np.stack([lo, hi], axis=1))
    object.__setattr__(router, "lengths", np.hypot(*(vertices[lo] - vertices[hi]).T))
    return router


_routers: weakref.WeakKeyDictionary[FloorPlan, Router] = weakref.WeakKeyDictionary()
_matrices: weakref.WeakKeyDictionary[FloorPlan, PoiMatrix] = weakref.WeakKeyDictionary()


def router_for(plan: FloorPlan) -> Router:
    """The router of a plan, built once per plan object (kept while the plan lives)."""
    router = _routers.get(plan)
    if router is None:
        router = _routers[plan] = build_router(plan.walkable)
    return router


@dataclass(frozen=True, kw_only=True, eq=False)
class PoiMatrix:
    """Walking distances between a plan's points of interest.

    Names: ``entrance:<i>``, ``exit:<i>``, ``kiosk:<i>``, ``info:<i>``, ``slot:<slot>`` (a
    counter position), ``zone:<name>``, ``stair:<i>`` and ``lift:<i>``. ``drawn`` holds the
    drawn positions, ``points`` the snapped ones (``None`` when a point is outside the walkable
    area or cannot reach the clearance area).
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


def _snapped(router: Router, walk: BaseGeometry, xy: XY, *, door: bool) -> XY | None:
    """A point of interest moved into the clearance area (``None`` when it cannot be)."""
    if door:
        return router.snap(*xy, max_m=MAX_DOOR_SNAP_M, door=True)
    if walk.covers(Point(xy)):
        return router.snap(*xy)
    return None


def poi_matrix(plan: FloorPlan) -> PoiMatrix:
    """All walking distances between the plan's points of interest, computed once per plan
    object."""
    cached = _matrices.get(plan)
    if cached is not None:
        return cached
    router = router_for(plan)
    walk = plan.walkable.buffer(0.01)
    shapely.prepare(walk)
    named: list[tuple[str, XY, bool]] = []  # name, drawn position, is a door
    named += [(f"entrance:{i}", xy, True) for i, xy in enumerate(plan.entrance_points)]
    named += [(f"exit:{i}", xy, True) for i, xy in enumerate(plan.exit_points)]
    named += [(f"kiosk:{i}", (s.x, s.y), False) for i, s in enumerate(plan.kiosks)]
    named += [(f"info:{i}", (s.x, s.y), False) for i, s in enumerate(plan.infos)]
    slots = {f"slot:{c.slot}": (c.x, c.y) for c in reversed(plan.counters)}
    named += [
        (name, slots[name], False)
        for name in dict.fromkeys(f"slot:{c.slot}" for c in plan.counters)
    ]
    named += [(f"zone:{z.name}", zone_point(plan, router, z.name), False) for z in plan.zones]
    named += [(f"{k.kind}:{i}", (k.x, k.y), False) for i, k in enumerate(plan.links)]
    names = [name for name, _, _ in named]
    drawn = [xy for _, xy, _ in named]
    points = [_snapped(router, walk, xy, door=door) for _, xy, door in named]
    matrix = PoiMatrix(
        names=tuple(names),
        drawn=tuple(drawn),
        points=tuple(points),
        distances_m=router.distances(points),
    )
    _matrices[plan] = matrix
    return matrix
