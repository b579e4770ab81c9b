"""Bodies of the ``mpp-sim floorplan`` commands (check, route, show), printing to stdout.

The CLI module registers these; they return the exit status and raise
:class:`FloorPlanError` for files that cannot be read (the CLI prints it and exits 2).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path

from simulator.errors import FloorPlanError, SimulatorError
from simulator.floorplan.check import check_plan
from simulator.floorplan.draw import draw_plan
from simulator.floorplan.load import load_floorplan
from simulator.floorplan.model import FloorPlan
from simulator.floorplan.routing import poi_matrix, router_for
from simulator.floorplan.site import compile_site

__all__ = ["check_command", "find_route", "route_command", "show_command"]

XY = tuple[float, float]


def check_command(path: str | Path, as_json: bool = False) -> int:
    """Print the check report (text or JSON); 0 when the plan has no errors, else 1."""
    report = check_plan(load_floorplan(path))
    if as_json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        print(report.to_text())
    return 0 if report.ok else 1


def find_route(plan: FloorPlan, to: str, frm: str = "entrance") -> tuple[float, list[XY]]:
    """Shortest walk to counter slot ``to`` from ``entrance``, ``kiosk``, ``info`` or a slot.

    For ``entrance``/``kiosk``/``info`` the one nearest the target is used. Returns
    ``(distance_m, path)``; ``(inf, [])`` when no path exists.
    """
    m = poi_matrix(plan)
    slots = [c.slot for c in plan.counters]

    def rows(name: str) -> list[int]:
        if name in ("entrance", "kiosk", "info"):
            found = [i for i, n in enumerate(m.names) if n.startswith(name + ":")]
            if not found:
                raise FloorPlanError(f"{plan.name}: the plan has no {name}")
            return found
        if name not in slots:
            raise FloorPlanError(
                f"{plan.name}: no counter slot {name!r}; slots are {', '.join(slots) or 'none'}"
            )
        return [m.index(f"counter:{name}")]

    target = rows(to)[0]
    start = min(rows(frm), key=lambda i: (m.distances_m[i, target], i))
    a, b = m.points[start], m.points[target]
    if a is None or b is None or not math.isfinite(m.distances_m[start, target]):
        return (math.inf, [])
    return router_for(plan).route(a, b)


def route_command(path: str | Path, to: str, frm: str = "entrance", as_json: bool = False) -> int:
    """Print the shortest walking route to slot ``to``; 1 when there is none."""
    plan = load_floorplan(path)
    distance, route = find_route(plan, to, frm)
    found = math.isfinite(distance)
    if as_json:
        print(
            json.dumps(
                {
                    "distance_m": round(distance, 3) if found else None,
                    "path": [[round(x, 3), round(y, 3)] for x, y in route],
                }
            )
        )
    elif found:
        print(f"{frm} -> {to}: {distance:.1f} m walking")
        for x, y in route:
            print(f"  ({x:.2f}, {y:.2f})")
    else:
        print(f"{frm} -> {to}: no walking route (run 'mpp-sim floorplan check {path}')")
    return 0 if found else 1


def show_command(
    path: str | Path,
    out: str | Path,
    scenario_counters: Mapping[str, int] | None = None,
    values: Mapping[str, float] | None = None,
) -> int:
    """Draw the plan to ``out`` (PNG/SVG/PDF by extension); with counters, label by agency."""
    plan = load_floorplan(path)
    site = None
    if scenario_counters:
        try:
            site = compile_site(plan, counters=scenario_counters)
        except SimulatorError as exc:
            print(f"note: agencies not placed ({exc})")
    report = check_plan(plan)
    title = f"{plan.name}" + ("" if report.ok else f"  ({len(report.errors)} errors)")
    fig = draw_plan(
        plan,
        site=site,
        counter_values=values,
        title=title,
        value_label="value per counter" if values else "",
    )
    try:
        fig.savefig(out)
    except (OSError, ValueError) as exc:
        raise FloorPlanError(f"cannot write picture {out}: {exc}") from exc
    print(f"wrote {out}")
    return 0
