"""Bodies of the ``mpp-sim floorplan`` commands (check, route, show), printing to stdout.

The CLI module registers these; they return the exit status and raise
:class:`FloorPlanError` for files that cannot be read (the CLI prints it and exits 2).
Several files are the floors of one building, bottom up (or at the ``levels`` given).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from simulator.errors import FloorPlanError, SimulatorError
from simulator.floorplan.building import FloorTimes, check_building
from simulator.floorplan.check import ScenarioNeeds, check_plan
from simulator.floorplan.draw import draw_building, draw_plan
from simulator.floorplan.load import load_building, load_floorplan
from simulator.floorplan.model import Building, FloorPlan
from simulator.floorplan.routing import poi_matrix, router_for
from simulator.floorplan.site import compile_site

__all__ = [
    "check_command",
    "find_route",
    "route_command",
    "scenario_needs",
    "show_command",
]

XY = tuple[float, float]


def scenario_needs(path: str | Path) -> tuple[ScenarioNeeds, FloorTimes]:
    """What the scenario file at ``path`` asks of a floor plan, and its stair and lift times."""
    from simulator.scenario import load_scenario

    scenario = load_scenario(path)
    needs = ScenarioNeeds(
        name=scenario.name,
        counters={a.id: a.counters for a in scenario.agencies},
        slots={a.id: tuple(a.slots) for a in scenario.agencies if a.slots},
    )
    floors = scenario.walking.floors
    times = FloorTimes(
        stair_up_min=floors.stair_up_min,
        stair_down_min=floors.stair_down_min,
        lift_wait_min=floors.lift_wait_min,
        lift_min_per_floor=floors.lift_min_per_floor,
    )
    return needs, times


def check_command(
    paths: str | Path | Sequence[str | Path],
    as_json: bool = False,
    *,
    levels: Sequence[int] | None = None,
    scenario: str | Path | None = None,
) -> int:
    """Print the check report (text or JSON); 0 when the plan has no errors, else 1.

    One file is one floor plan; several are the floors of a building, reported per floor and
    for the building. With ``scenario``, the plan is also checked against its counters and
    slots.
    """
    files = [paths] if isinstance(paths, str | Path) else list(paths)
    needs, times = scenario_needs(scenario) if scenario is not None else (None, None)
    if len(files) == 1 and not levels:
        report = check_plan(load_floorplan(files[0]), needs=needs)
        data, text, ok = report.to_json(), report.to_text(), report.ok
    else:
        building = load_building(files, levels=levels)
        b_report = check_building(building, times=times, needs=needs)
        data, text, ok = b_report.to_json(), b_report.to_text(), b_report.ok
    print(json.dumps(data, indent=2, ensure_ascii=False) if as_json else text)
    return 0 if ok else 1


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
        return [m.index(f"slot:{name}")]

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
    paths: str | Path | Sequence[str | Path],
    out: str | Path,
    scenario_counters: Mapping[str, int] | None = None,
    values: Mapping[str, float] | None = None,
    *,
    levels: Sequence[int] | None = None,
) -> int:
    """Draw the plan to ``out`` (PNG/SVG/PDF by extension), one panel per floor for several
    files; with counters, label by agency."""
    files = [paths] if isinstance(paths, str | Path) else list(paths)
    layout: FloorPlan | Building
    if len(files) == 1 and not levels:
        layout = load_floorplan(files[0])
        report_ok, n_errors = _errors(check_plan(layout).errors)
    else:
        layout = load_building(files, levels=levels)
        b_report = check_building(layout)
        report_ok = b_report.ok
        n_errors = len(b_report.errors) + sum(len(f.errors) for f in b_report.floors)
    site = None
    if scenario_counters:
        try:
            site = compile_site(layout, counters=scenario_counters)
        except SimulatorError as exc:
            print(f"note: agencies not placed ({exc})")
    title = layout.name + ("" if report_ok else f"  ({n_errors} errors)")
    label = "value per counter" if values else ""
    if isinstance(layout, Building):
        fig = draw_building(
            layout, site=site, counter_values=values, value_label=label, title=title
        )
    else:
        fig = draw_plan(layout, site=site, counter_values=values, title=title, value_label=label)
    try:
        fig.savefig(out)
    except (OSError, ValueError) as exc:
        raise FloorPlanError(f"cannot write picture {out}: {exc}") from exc
    print(f"wrote {out}")
    return 0


def _errors(errors: tuple[object, ...]) -> tuple[bool, int]:
    return (not errors, len(errors))
