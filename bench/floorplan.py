"""Time the floor-plan check and the walking routes on halls with many columns, and compare the
routing methods.

Run: ``python bench/floorplan.py`` (about 5 minutes: the old method alone takes most of it on
1,000 columns), ``--columns 500`` for a quicker look, ``--skip-old`` to leave the old method
out. Every method runs in its own process, so each peak memory is its own. Prints figures;
asserts nothing.

Halls: ``columns`` square columns (0.4 m) on a 2 m grid, with a row of counters along the
north wall, an entrance and a kiosk. Methods (all give the walking distance between every two
points of interest of the plan, the work a check does):

* ``old``: the method before issue 12: visibility between every two reflex corners tested
  with shapely (``covers`` on the clearance area), all-pairs corner distances by numpy
  Floyd-Warshall.
* ``pruned-vg``: a pruned visibility graph: only tangent legs are candidates, each tested
  against the obstacles a spatial index (shapely STRtree) finds along it; Dijkstra (scipy).
* ``navmesh``: a navigation mesh: constrained Delaunay triangulation of the clearance area,
  Dijkstra between triangles (through the midpoints of shared edges) for a corridor, the
  funnel algorithm for the shortest path inside it. Fast, but a corridor chosen by midpoints
  is not always the one holding the shortest path.
* ``merged``: the shipped method on a hall whose columns stand in pairs 0.4 m apart, closer
  than twice the clearance: the shrinking by the clearance merges each pair into one obstacle
  (``merged-pairs`` vertices), which is what merging obstacles closer than the clearance buys.
* ``shipped``: :mod:`simulator.floorplan.routing`: tangent legs found by triangle expansion on
  the constrained triangulation, Dijkstra (scipy).

The 1,000-column figure is the time of ``check_plan`` (every route included) with the shipped
method; the ratio compares each method's time for the routes with the old method's.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from simulator.floorplan import routing  # noqa: E402
from simulator.floorplan.assemble import RawElement, assemble  # noqa: E402
from simulator.floorplan.check import check_plan  # noqa: E402
from simulator.floorplan.model import FloorPlan, Source  # noqa: E402
from simulator.floorplan.routing import (  # noqa: E402
    _corner_rings,
    build_router,
    clearance_area,
    poi_matrix,
    triangulate,
)

__all__ = ["column_hall", "main"]

METHODS = ("old", "pruned-vg", "navmesh", "shipped", "merged")


def _rect(kind: str, x0: float, y0: float, x1: float, y1: float, i: int) -> RawElement:
    return RawElement(
        kind=kind,
        shape="polygon",
        coords=((x0, y0), (x1, y0), (x1, y1), (x0, y1)),
        source=Source(layer=kind, index=i),
    )


def column_hall(columns: int = 1000, *, pairs: bool = False) -> FloorPlan:
    """A hall with ``columns`` 0.4 m columns on a 2 m grid (or in pairs 0.4 m apart), counters
    along the north wall, an entrance and a kiosk in the south."""
    nx = round(math.sqrt(columns * 1.6))
    ny = max(1, columns // nx)
    w, h = 2.0 + 2.0 * nx, 6.0 + 2.0 * ny
    raws = [_rect("floor", 0, 0, w, h, 0)]
    raws.append(
        RawElement(
            kind="entrance",
            shape="line",
            coords=((w / 2 - 2, 0.0), (w / 2 + 2, 0.0)),
            source=Source(layer="entrance", index=0),
        )
    )
    i = 0
    for a in range(nx):
        for b in range(ny):
            x, y = 2.0 + 2.0 * a, 5.0 + 2.0 * b
            if pairs and a % 2:
                x -= 1.2  # 0.4 m from its neighbour: one obstacle once shrunk
            i += 1
            raws.append(_rect("obstacle", x - 0.2, y - 0.2, x + 0.2, y + 0.2, i))
    for k in range(nx):
        raws.append(
            RawElement(
                kind="counter",
                shape="point",
                coords=((2.0 + 2.0 * k + 1.0, h - 0.5),),
                source=Source(layer="counter", index=k),
            )
        )
    raws.append(
        RawElement(
            kind="kiosk",
            shape="point",
            coords=((w / 2, 2.0),),
            source=Source(layer="kiosk", index=0),
        )
    )
    return assemble(raws, units="m", name=f"hall-{i}-columns")


# --- the methods ---------------------------------------------------------------------------


def old_distances(walkable: object, points: list[tuple[float, float] | None]) -> np.ndarray:
    """The routing before issue 12: all-pairs shapely visibility, Floyd-Warshall."""
    free = clearance_area(walkable)  # type: ignore[arg-type]
    verts, _, _ = _corner_rings(free)
    test = free.buffer(1e-4, join_style="mitre")
    shapely.prepare(test)

    def visible(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        segs = np.stack(np.broadcast_arrays(a[:, None, :], b[None, :, :]), axis=2)
        lines = shapely.linestrings(segs.reshape(-1, 2, 2))
        return shapely.covers(test, lines).reshape(len(a), len(b))

    n = len(verts)
    vis = np.zeros((n, n), dtype=bool)
    iu, ju = np.triu_indices(n, k=1)
    for s in range(0, len(iu), 200_000):
        lines = shapely.linestrings(
            np.stack([verts[iu[s : s + 200_000]], verts[ju[s : s + 200_000]]], axis=1)
        )
        vis[iu[s : s + 200_000], ju[s : s + 200_000]] = shapely.covers(test, lines)
    vis |= vis.T
    d = np.linalg.norm(verts[:, None, :] - verts[None, :, :], axis=2)
    dist = np.where(vis, d, np.inf)
    np.fill_diagonal(dist, 0.0)
    for k in range(n):
        np.minimum(dist, dist[:, k, None] + dist[None, k, :], out=dist)
    idx = [i for i, p in enumerate(points) if p is not None]
    pts = np.array([points[i] for i in idx], dtype=float)
    a = np.where(visible(pts, verts), np.linalg.norm(pts[:, None] - verts[None], axis=2), np.inf)
    f = np.empty_like(a)
    for r in range(len(pts)):
        f[r] = (a[r][:, None] + dist).min(axis=0)
    via = (f[:, None, :] + a[None, :, :]).min(axis=2)
    direct = np.where(visible(pts, pts), np.linalg.norm(pts[:, None] - pts[None], axis=2), np.inf)
    out = np.full((len(points), len(points)), np.inf)
    res = np.minimum(via, direct)
    res = np.minimum(res, res.T)
    np.fill_diagonal(res, 0.0)
    out[np.ix_(idx, idx)] = res
    return out


def pruned_vg_distances(walkable: object, points: list[tuple[float, float] | None]) -> np.ndarray:
    """Tangent-only candidate legs, each tested against the obstacles an STRtree finds."""
    free = clearance_area(walkable)  # type: ignore[arg-type]
    verts, before, after = _corner_rings(free)
    test = free.buffer(1e-4, join_style="mitre")
    minx, miny, maxx, maxy = test.bounds
    blocked = shapely.box(minx - 1, miny - 1, maxx + 1, maxy + 1).difference(test)
    parts = shapely.get_parts(blocked)
    tree = shapely.STRtree(parts)

    def tangent(at: np.ndarray, frm: np.ndarray) -> np.ndarray:
        d = verts[at] - frm
        sb = d[:, 0] * (before[at] - verts[at])[:, 1] - d[:, 1] * (before[at] - verts[at])[:, 0]
        sa = d[:, 0] * (after[at] - verts[at])[:, 1] - d[:, 1] * (after[at] - verts[at])[:, 0]
        return sb * sa >= -1e-12

    idx = [i for i, p in enumerate(points) if p is not None]
    pts = np.array([points[i] for i in idx], dtype=float)
    nodes = np.concatenate([verts, pts])
    nv = len(verts)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    iu, ju = np.triu_indices(len(nodes), k=1)
    keep = np.ones(len(iu), dtype=bool)
    for end in (iu, ju):
        other = ju if end is iu else iu
        at_vertex = end < nv
        keep[at_vertex] &= tangent(end[at_vertex], nodes[other[at_vertex]])
    iu, ju = iu[keep], ju[keep]
    for s in range(0, len(iu), 100_000):
        a, b = iu[s : s + 100_000], ju[s : s + 100_000]
        lines = shapely.linestrings(np.stack([nodes[a], nodes[b]], axis=1))
        hit, _ = tree.query(lines, predicate="intersects")
        free_leg = np.ones(len(a), dtype=bool)
        free_leg[hit] = False
        rows.append(a[free_leg])
        cols.append(b[free_leg])
    r, c = np.concatenate(rows), np.concatenate(cols)
    w = np.maximum(np.hypot(*(nodes[r] - nodes[c]).T), 1e-12)
    graph = coo_matrix((w, (r, c)), shape=(len(nodes), len(nodes))).tocsr()
    d = dijkstra(graph, directed=False, indices=np.arange(nv, len(nodes)))[:, nv:]
    out = np.full((len(points), len(points)), np.inf)
    d = np.minimum(d, d.T)
    np.fill_diagonal(d, 0.0)
    out[np.ix_(idx, idx)] = d
    return out


def _funnel(
    start: np.ndarray, end: np.ndarray, portals: list[tuple[np.ndarray, np.ndarray]]
) -> float:
    """Length of the shortest path through a corridor (simple stupid funnel algorithm)."""

    def area2(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
        return float((c[0] - a[0]) * (b[1] - a[1]) - (b[0] - a[0]) * (c[1] - a[1]))

    gates = [(start, start), *portals, (end, end)]
    path = [start]
    apex, left, right = start, gates[0][0], gates[0][1]
    ai = li = ri = 0
    i = 1
    while i < len(gates):
        pl, pr = gates[i]
        if area2(apex, right, pr) <= 0.0:
            if np.array_equal(apex, right) or area2(apex, left, pr) > 0.0:
                right, ri = pr, i
            else:
                path.append(left)
                apex, ai = left, li
                left, right, li, ri = apex, apex, ai, ai
                i = ai + 1
                continue
        if area2(apex, left, pl) >= 0.0:
            if np.array_equal(apex, left) or area2(apex, right, pl) < 0.0:
                left, li = pl, i
            else:
                path.append(right)
                apex, ai = right, ri
                left, right, li, ri = apex, apex, ai, ai
                i = ai + 1
                continue
        i += 1
    path.append(end)
    return float(sum(np.hypot(*(b - a)) for a, b in itertools.pairwise(path)))


def navmesh_distances(walkable: object, points: list[tuple[float, float] | None]) -> np.ndarray:
    """Corridor by Dijkstra between triangle-edge midpoints, then the funnel."""
    free = clearance_area(walkable)  # type: ignore[arg-type]
    mesh = triangulate(free)
    tri, nbr, p = mesh.triangles, mesh.neighbours, mesh.points
    centre = p[tri].mean(axis=1)
    r, c, w = [], [], []
    for k in range(3):
        ok = nbr[:, k] >= 0
        a, b = tri[ok, (k + 1) % 3], tri[ok, (k + 2) % 3]
        mid = (p[a] + p[b]) / 2
        t, u = np.flatnonzero(ok), nbr[ok, k]
        r.append(t)
        c.append(u)
        w.append(np.hypot(*(centre[t] - mid).T) + np.hypot(*(centre[u] - mid).T))
    graph = coo_matrix(
        (np.maximum(np.concatenate(w), 1e-12), (np.concatenate(r), np.concatenate(c))),
        shape=(len(tri), len(tri)),
    ).tocsr()
    idx = [i for i, q in enumerate(points) if q is not None]
    pts = np.array([points[i] for i in idx], dtype=float)
    holder_p, holder_t = mesh.tree.query(shapely.points(pts), predicate="intersects")
    home = np.full(len(pts), -1)
    home[holder_p[::-1]] = holder_t[::-1]
    out = np.full((len(points), len(points)), np.inf)
    _, before = dijkstra(graph, directed=False, indices=home, return_predecessors=True)
    for i in range(len(pts)):
        for j in range(i + 1, len(pts)):
            chain = [home[j]]
            while chain[-1] != home[i] and chain[-1] >= 0:
                chain.append(before[i, chain[-1]])
            if chain[-1] < 0:
                continue
            chain.reverse()
            portals = []
            for t, u in itertools.pairwise(chain):
                k = int(np.flatnonzero(nbr[t] == u)[0])
                a, b = p[tri[t, (k + 1) % 3]], p[tri[t, (k + 2) % 3]]
                portals.append((b, a))  # (left, right) walking from t into u
            d = _funnel(pts[i], pts[j], portals)
            out[idx[i], idx[j]] = out[idx[j], idx[i]] = d
    np.fill_diagonal(out, 0.0)
    return out


def shipped_distances(walkable: object, points: list[tuple[float, float] | None]) -> np.ndarray:
    """The shipped router."""
    return build_router(walkable).distances(points)  # type: ignore[arg-type]


# --- running one method in its own process ---------------------------------------------------


def _one(method: str, columns: int, out: Path) -> None:
    plan = column_hall(columns, pairs=method == "merged")
    points = list(poi_matrix(plan).points)  # snapped points, the same for every method
    walkable = plan.walkable
    start = time.perf_counter()
    if method == "old":
        d = old_distances(walkable, points)
    elif method == "pruned-vg":
        d = pruned_vg_distances(walkable, points)
    elif method == "navmesh":
        d = navmesh_distances(walkable, points)
    else:
        d = shipped_distances(walkable, points)
    routes_s = time.perf_counter() - start
    extra: dict[str, object] = {}
    if method in ("shipped", "merged"):
        fresh = column_hall(columns, pairs=method == "merged")
        routing._routers.clear()  # the check must build everything itself
        routing._matrices.clear()
        start = time.perf_counter()
        report = check_plan(fresh)
        extra["check_s"] = time.perf_counter() - start
        extra["errors"] = len(report.errors)
        router = build_router(walkable)
        extra["vertices"] = len(router.vertices)
        extra["legs"] = len(router.edges)
        extra["obstacles"] = len(plan.obstacles)
        extra["holes"] = sum(len(g.interiors) for g in shapely.get_parts(router.free))
    np.save(out, d)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"routes_s": routes_s, "peak_mb": peak_mb, "points": len(points), **extra}))


def _run(method: str, columns: int, folder: Path) -> dict[str, object] | None:
    out = folder / f"{method}.npy"
    done = subprocess.run(
        [sys.executable, __file__, "--one", method, "--columns", str(columns), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"  {method}: failed ({done.stderr.strip().splitlines()[-1:]})")
        return None
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    result["distances"] = np.load(out)
    return result


def _error(d: np.ndarray, ref: np.ndarray) -> str:
    both = np.isfinite(ref) & (ref > 0)
    if not both.any():
        return "n/a"
    if not np.array_equal(np.isfinite(d), np.isfinite(ref)):
        return "connects other points"
    rel = np.abs(d[both] - ref[both]) / ref[both]
    return f"max {100 * rel.max():.3f}%, mean {100 * rel.mean():.4f}%"


def main(argv: list[str] | None = None) -> None:
    """Run every method on the hall and print time, memory and error against the old one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, default=1000)
    parser.add_argument("--skip-old", action="store_true")
    parser.add_argument("--one", choices=METHODS, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        _one(args.one, args.columns, args.out)
        return
    print(f"hall with {args.columns} columns (0.4 m, 2 m grid); each method in its own process")
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for method in METHODS:
            if method == "old" and args.skip_old:
                continue
            found = _run(method, args.columns, Path(folder))
            if found is not None:
                results[method] = found
    ref = results.get("old", results.get("shipped"))
    base = results.get("old")
    for method, r in results.items():
        line = f"  {method:<10} routes {r['routes_s']:8.2f} s   peak {r['peak_mb']:6.0f} MB"
        if base is not None and method != "old":
            line += f"   {float(base['routes_s']) / float(r['routes_s']):7.1f}x faster than old"
        if ref is not None and method not in ("old", "merged"):
            line += f"   distances vs {'old' if base is not None else 'shipped'}: "
            line += _error(r["distances"], ref["distances"])  # type: ignore[arg-type]
        print(line)
    shipped = results.get("shipped")
    if shipped is not None and base is not None:
        ratio = float(base["routes_s"]) / float(shipped["routes_s"])
        old = f" (old method: routes alone {base['routes_s']:.1f} s, peak {base['peak_mb']:.0f} MB"
        old += f"; shipped {ratio:.0f}x faster)"
    else:
        old = ""
    if shipped is not None:
        print(
            f"shipped: {shipped['vertices']} corners, {shipped['legs']} tangent legs, "
            f"{shipped['points']} points of interest"
        )
        print(
            f"figure: check_plan with every route of the {args.columns}-column hall "
            f"in {shipped['check_s']:.2f} s, peak {shipped['peak_mb']:.0f} MB{old}"
        )
    merged = results.get("merged")
    if merged is not None:
        print(
            f"merged: {merged['obstacles']} columns in pairs 0.4 m apart become "
            f"{merged['holes']} obstacles of the clearance area ({merged['vertices']} corners); "
            f"check {merged['check_s']:.2f} s"
        )


if __name__ == "__main__":
    main()
