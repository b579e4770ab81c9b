"""Time the floor-plan check and the full walking-distance matrix on a large synthetic plan.

A 90 m x 40 m hall with columns on a 6 m grid, desk islands and 100 counters along the walls
and islands. Run: ``python bench/floorplan.py``. Prints seconds; asserts nothing.
"""

from __future__ import annotations

import time

from simulator.floorplan.assemble import RawElement, assemble
from simulator.floorplan.check import check_plan
from simulator.floorplan.model import FloorPlan, Source
from simulator.floorplan.routing import poi_matrix, router_for

__all__ = ["main", "synthetic_plan"]


def _rect(kind: str, x0: float, y0: float, x1: float, y1: float, i: int) -> RawElement:
    return RawElement(
        kind=kind,
        shape="polygon",
        coords=((x0, y0), (x1, y0), (x1, y1), (x0, y1)),
        source=Source(layer=kind, index=i),
    )


def synthetic_plan(n_counters: int = 100) -> FloorPlan:
    """A large hall with ``n_counters`` counters, about 70 columns and 8 desk islands."""
    w, h = 90.0, 40.0
    raws = [_rect("floor", 0, 0, w, h, 0)]
    raws.append(
        RawElement(
            kind="entrance",
            shape="line",
            coords=((40.0, 0.0), (44.0, 0.0)),
            source=Source(layer="entrance", index=0),
        )
    )
    i = 0
    for x in range(6, int(w), 6):
        for y in range(8, int(h) - 4, 6):
            i += 1
            raws.append(_rect("obstacle", x - 0.25, y - 0.25, x + 0.25, y + 0.25, i))
    raws.append(_rect("obstacle", 0, 3, 2, h - 3, 900))  # west desk strip
    raws.append(_rect("obstacle", 3, h - 2, w - 3, h, 901))  # north desk strip
    islands = [(12.0 + 10.0 * k, 14.0) for k in range(8)]
    for k, (x, y) in enumerate(islands):
        raws.append(_rect("obstacle", x, y, x + 2, y + 10, 950 + k))
    spots: list[tuple[float, float]] = [(2.0, 4.0 + 1.8 * k) for k in range(18)]
    spots += [(4.0 + 1.8 * k, h - 2) for k in range(46)]
    for x, y in islands:
        spots += [(x, y + 1 + 2.2 * k) for k in range(4)] + [
            (x + 2, y + 1 + 2.2 * k) for k in range(4)
        ]
    for k, (x, y) in enumerate(spots[:n_counters]):
        raws.append(
            RawElement(
                kind="counter",
                shape="point",
                coords=((x, y),),
                source=Source(layer="counter", index=k),
                slot=f"K{k + 1:03d}",
            )
        )
    raws.append(
        RawElement(
            kind="kiosk",
            shape="point",
            coords=((42.0, 4.0),),
            source=Source(layer="kiosk", index=0),
        )
    )
    for k in range(4):
        raws.append(_rect("waiting", 10 + 20 * k, 4, 26 + 20 * k, 12, 990 + k))
    return assemble(raws, units="m", name="synthetic-100")


def main() -> None:
    """Build the plan, then time the check (which builds the route matrix) and a rebuild."""
    t0 = time.perf_counter()
    plan = synthetic_plan()
    t1 = time.perf_counter()
    report = check_plan(plan)
    t2 = time.perf_counter()
    router_for.cache_clear()
    poi_matrix.cache_clear()
    router = router_for(plan)
    t3 = time.perf_counter()
    matrix = poi_matrix(plan)
    t4 = time.perf_counter()
    print(
        f"plan: {len(plan.counters)} counters, {len(plan.obstacles)} obstacles, "
        f"{len(router.vertices)} graph vertices, {len(matrix.names)} points of interest; "
        f"{len(report.errors)} errors"
    )
    print(f"build model      {t1 - t0:7.3f} s")
    print(f"check (incl. all routes) {t2 - t1:7.3f} s")
    print(f"visibility graph + all-pairs vertex distances {t3 - t2:7.3f} s")
    print(f"point-of-interest distance matrix {t4 - t3:7.3f} s")


if __name__ == "__main__":
    main()
