"""Buildings with several floors: routes across floors by stair and lift, and the check.

Each floor's points of interest come with their walking distances on that floor
(:func:`~simulator.floorplan.routing.poi_matrix`). Stairs and lifts with the same ``link`` on
two floors join those floors: a climb costs fixed minutes (:class:`FloorTimes`) and no metres.
The building-level matrix then holds, between every two points of the building, the metres
walked and the fixed minutes of the quickest route: for everyone by stairs or lifts, whichever
is quicker at the group's mean walking speed, and for priority visitors by lift wherever a lift
route exists (stairs only where no lift goes).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from simulator.floorplan.check import CheckReport, ScenarioNeeds, check_against_scenario, check_plan
from simulator.floorplan.model import Building, Location, Problem
from simulator.floorplan.routing import poi_matrix

__all__ = [
    "BuildingMatrix",
    "BuildingReport",
    "FloorTimes",
    "building_matrix",
    "check_building",
    "floor_name",
    "zone_names",
]

XY = tuple[float, float]


@dataclass(frozen=True, kw_only=True)
class FloorTimes:
    """Minutes to change floors: per storey climbed or descended by stair, and for a lift its
    waiting time plus its ride per storey."""

    stair_up_min: float = 0.5
    stair_down_min: float = 0.4
    lift_wait_min: float = 1.0
    lift_min_per_floor: float = 0.1


def floor_name(level: int) -> str:
    """How a level is named in messages: ``floor 0 (ground)``, ``floor 1``."""
    return "floor 0 (ground)" if level == 0 else f"floor {level}"


def zone_names(building: Building) -> dict[tuple[int, str], str]:
    """(level, zone name on that floor) -> its name in the building: the same unless two
    floors use one name, when the upper ones get ``-L<level>``."""
    out: dict[tuple[int, str], str] = {}
    taken: set[str] = set()
    for level, plan in zip(building.levels, building.floors, strict=True):
        for z in plan.zones:
            name = z.name if z.name not in taken else f"{z.name}-L{level}"
            taken.add(name)
            out[(level, z.name)] = name
    return out


@dataclass(frozen=True, kw_only=True, eq=False)
class BuildingMatrix:
    """Routes between every two points of interest of a building.

    ``names``: ``L<level>/<name on the floor>`` (see :class:`~.routing.PoiMatrix`); ``levels``
    the level of each; ``metres`` and ``extra_min`` the quickest route for everyone,
    ``priority_metres`` and ``priority_extra_min`` the routes priority visitors take.
    """

    names: tuple[str, ...]
    levels: tuple[int, ...]
    drawn: tuple[XY, ...]
    points: tuple[XY | None, ...]
    metres: np.ndarray
    extra_min: np.ndarray
    priority_metres: np.ndarray
    priority_extra_min: np.ndarray

    def index(self, name: str) -> int:
        """Row of ``name``."""
        return self.names.index(name)


def _quickest(
    metres: np.ndarray, extra: np.ndarray, speed_mps: float
) -> tuple[np.ndarray, np.ndarray]:
    """All-pairs quickest routes (Floyd-Warshall on minutes), returning their metres and fixed
    minutes."""
    per_min = speed_mps * 60.0
    time = metres / per_min + extra
    m, e = metres.copy(), extra.copy()
    for k in range(len(time)):
        through = time[:, k, None] + time[None, k, :]
        better = through < time - 1e-12
        if better.any():
            time = np.where(better, through, time)
            m = np.where(better, m[:, k, None] + m[None, k, :], m)
            e = np.where(better, e[:, k, None] + e[None, k, :], e)
    return m, e


def building_matrix(
    building: Building,
    *,
    times: FloorTimes | None = None,
    speed_mps: float = 1.2,
    priority_speed_mps: float = 0.9,
) -> BuildingMatrix:
    """Metres and fixed minutes between every two points of interest of ``building``."""
    times = times or FloorTimes()
    names: list[str] = []
    levels: list[int] = []
    drawn: list[XY] = []
    points: list[XY | None] = []
    blocks: list[np.ndarray] = []
    for level, plan in zip(building.levels, building.floors, strict=True):
        m = poi_matrix(plan)
        names.extend(f"L{level}/{n}" for n in m.names)
        levels.extend([level] * len(m.names))
        drawn.extend(m.drawn)
        points.extend(m.points)
        blocks.append(m.distances_m)
    n = len(names)
    metres = np.full((n, n), np.inf)
    at = 0
    for block in blocks:
        k = len(block)
        metres[at : at + k, at : at + k] = block
        at += k
    extra = np.where(np.isfinite(metres), 0.0, np.inf)
    lift_metres, lift_extra = metres.copy(), extra.copy()
    links = _link_rows(building, names)
    for (kind, _label), rows in links.items():
        for i in rows:
            for j in rows:
                if levels[i] == levels[j] or points[i] is None or points[j] is None:
                    continue
                storeys = abs(levels[j] - levels[i])
                if kind == "lift":
                    minutes = times.lift_wait_min + times.lift_min_per_floor * storeys
                elif levels[j] > levels[i]:
                    minutes = times.stair_up_min * storeys
                else:
                    minutes = times.stair_down_min * storeys
                metres[i, j] = 0.0
                extra[i, j] = minutes
                if kind == "lift":
                    lift_metres[i, j] = 0.0
                    lift_extra[i, j] = minutes
    normal_m, normal_e = _quickest(metres, extra, speed_mps)
    any_m, any_e = _quickest(metres, extra, priority_speed_mps)
    lift_m, lift_e = _quickest(lift_metres, lift_extra, priority_speed_mps)
    by_lift = np.isfinite(lift_m)
    return BuildingMatrix(
        names=tuple(names),
        levels=tuple(levels),
        drawn=tuple(drawn),
        points=tuple(points),
        metres=normal_m,
        extra_min=normal_e,
        priority_metres=np.where(by_lift, lift_m, any_m),
        priority_extra_min=np.where(by_lift, lift_e, any_e),
    )


def _link_rows(building: Building, names: Sequence[str]) -> dict[tuple[str, str], list[int]]:
    """(kind, link label) -> rows of the building matrix holding that stair or lift."""
    index = {name: i for i, name in enumerate(names)}
    out: dict[tuple[str, str], list[int]] = {}
    for level, plan in zip(building.levels, building.floors, strict=True):
        for i, link in enumerate(plan.links):
            if link.link:
                row = index[f"L{level}/{link.kind}:{i}"]
                out.setdefault((link.kind, link.link), []).append(row)
    return out


@dataclass(frozen=True, kw_only=True)
class BuildingReport:
    """Each floor's check report and what was found about the building as a whole."""

    name: str
    levels: tuple[int, ...]
    floors: tuple[CheckReport, ...]
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """True when neither a floor nor the building has an error."""
        return not self.errors and all(f.ok for f in self.floors)

    def to_json(self) -> dict[str, object]:
        """``{"floors": [{"level", "file", ...floor report}], "building": {errors, warnings}}``."""

        def problems(items: tuple[Problem, ...]) -> list[dict[str, object]]:
            return [{"message": p.message, "where": p.where.to_json()} for p in items]

        return {
            "floors": [
                {"level": level, "file": report.name, **report.to_json()}
                for level, report in zip(self.levels, self.floors, strict=True)
            ],
            "building": {"errors": problems(self.errors), "warnings": problems(self.warnings)},
        }

    def to_text(self) -> str:
        """Each floor's report, then the building's findings and result."""
        parts = []
        for level, report in zip(self.levels, self.floors, strict=True):
            parts.append(f"=== {floor_name(level)} ===\n{report.to_text()}")
        lines = [f"=== building: {len(self.floors)} floors ==="]
        for title, items in (("ERRORS", self.errors), ("WARNINGS", self.warnings)):
            if items:
                lines.append(f"{title} ({len(items)}):")
                lines.extend(f"  - {p.message}  [{p.where.describe()}]" for p in items)
        bad = sum(len(f.errors) for f in self.floors) + len(self.errors)
        if bad:
            lines.append(f"RESULT: building NOT usable - fix the {bad} error(s) above.")
        else:
            lines.append("RESULT: building usable" + (" (see warnings)." if self.warnings else "."))
        parts.append("\n".join(lines))
        return "\n\n".join(parts)


def check_building(
    building: Building, *, times: FloorTimes | None = None, needs: ScenarioNeeds | None = None
) -> BuildingReport:
    """Check every floor and the building: an entrance somewhere, slots unique across floors,
    stairs and lifts that join floors, and every counter, kiosk, information desk, waiting
    zone and exit reachable from an entrance through them."""
    floors = tuple(
        check_plan(plan, upper_floor=level != min(building.levels) or not plan.entrances)
        for level, plan in zip(building.levels, building.floors, strict=True)
    )
    problems: list[Problem] = []

    def add(severity: str, message: str, where: Location | None = None) -> None:
        problems.append(Problem(severity=severity, message=message, where=where or Location()))

    def add_at(severity: str, message: str, where: Location) -> None:
        add(severity, message, where)

    if not any(plan.entrances for plan in building.floors):
        add("error", "no floor of the building has an entrance")
    problems.extend(_slots_and_names(building))
    problems.extend(_lone_links(building))
    if needs is not None:
        problems.extend(check_against_scenario(building.floors, needs))
    floors_ok = all(report.ok for report in floors)
    if floors_ok and not any(p.severity == "error" for p in problems):
        _check_reach(building, times, add_at)
    return BuildingReport(
        name=building.name,
        levels=building.levels,
        floors=floors,
        errors=tuple(p for p in problems if p.severity == "error"),
        warnings=tuple(p for p in problems if p.severity == "warning"),
    )


def _slots_and_names(building: Building) -> list[Problem]:
    """A slot on two floors (error) and zones renamed because two floors use one name."""
    out: list[Problem] = []
    seen: dict[str, int] = {}
    for level, plan in zip(building.levels, building.floors, strict=True):
        for c in plan.counters:
            if c.slot in seen and seen[c.slot] != level:
                out.append(
                    Problem(
                        severity="error",
                        message=f"slot {c.slot!r} is on {floor_name(seen[c.slot])} and on "
                        f"{floor_name(level)}; slots must be unique in the building",
                        where=Location(source=c.source, x=c.x, y=c.y),
                    )
                )
            seen.setdefault(c.slot, level)
    for (level, old), new in zone_names(building).items():
        if old != new:
            out.append(
                Problem(
                    severity="warning",
                    message=f"waiting zone {old!r} on {floor_name(level)} has the name of a zone "
                    f"on another floor; it is called {new!r} in the building",
                )
            )
    return out


def _lone_links(building: Building) -> list[Problem]:
    """Warnings for a stair or lift label found on one floor only."""
    labels: dict[tuple[str, str], set[int]] = {}
    for level, plan in zip(building.levels, building.floors, strict=True):
        for link in plan.links:
            if link.link:
                labels.setdefault((link.kind, link.link), set()).add(level)
    return [
        Problem(
            severity="warning",
            message=f"{kind} {label!r} is only on {floor_name(min(levels))}; it joins no other "
            "floor",
        )
        for (kind, label), levels in sorted(labels.items())
        if len(levels) < 2
    ]


def _check_reach(
    building: Building, times: FloorTimes | None, add: Callable[[str, str, Location], None]
) -> None:
    """Errors for points no route from any entrance reaches (through stairs and lifts)."""
    m = building_matrix(building, times=times)
    entrances = [i for i, n in enumerate(m.names) if n.split("/", 1)[1].startswith("entrance:")]
    if not entrances:
        return
    cost = m.metres + m.extra_min
    reach = cost[entrances].min(axis=0)
    kinds = {"slot": "counter", "kiosk": "kiosk", "info": "information desk", "exit": "exit"}
    kinds["zone"] = "waiting zone"
    for i, name in enumerate(m.names):
        level_part, local = name.split("/", 1)
        kind, _, key = local.partition(":")
        if kind not in kinds or math.isfinite(reach[i]) or m.points[i] is None:
            continue
        level = int(level_part[1:])
        label = f"{kinds[kind]} {key}" if kind in ("slot", "zone") else kinds[kind]
        add(
            "error",
            f"{label} on {floor_name(level)} cannot be reached from any entrance of the "
            "building: no stair or lift leads to it",
            Location(x=round(m.drawn[i][0], 3), y=round(m.drawn[i][1], 3)),
        )
