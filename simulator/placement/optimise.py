"""``optimise_placement``: propose a placement, compile it, and say what it saves."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.compare import paired_differences, run_paired
from simulator.errors import ScenarioError, SimulatorError
from simulator.executors import Executor
from simulator.floorplan.model import Building, FloorPlan
from simulator.floorplan.site import as_building
from simulator.inputs import layout_for, plan_for, site_for
from simulator.metrics import OVERALL
from simulator.naming import natural_key
from simulator.placement.problem import (
    Block,
    Costing,
    Geometry,
    QueueNeeds,
    connected,
    geometry,
    queue_needs,
    starts,
)
from simulator.placement.solve import SOLVER, Solution, solve
from simulator.placement.walk import WalkEstimate, walk_estimate
from simulator.plan import compile_plan
from simulator.scenario import Scenario, parse_scenario, scenario_to_data
from simulator.walking import KIOSK, SiteLayout

__all__ = [
    "PlacementResult",
    "QueuePlacement",
    "SimulatedWalk",
    "optimise_placement",
    "placement_of",
    "with_placement",
]

Progress = Callable[[str], None]


def placement_of(site: SiteLayout) -> dict[str, str]:
    """Slot -> queue of a compiled site (the placement it used), in slot order."""
    pairs = site.slot_agency
    return {s: pairs[s] for s in sorted(pairs, key=natural_key)}


def with_placement(scenario: Scenario, placement: Mapping[str, str]) -> Scenario:
    """The same scenario with every queue placed by ``placement`` (slot -> agency or counter
    group); the agencies' own ``slots`` are dropped (a queue is placed one way only)."""
    data = scenario_to_data(scenario)
    for agency in data["agencies"]:
        agency.pop("slots", None)
    data["placement"] = {s: placement[s] for s in sorted(placement, key=natural_key)}
    return parse_scenario(data, source=f"scenario {scenario.name!r} with a new placement")


@dataclass(frozen=True, kw_only=True)
class QueuePlacement:
    """One queue before and after: its slots and the first zone of its regular visitors."""

    queue: str
    counters: int
    visits: float
    before: tuple[str, ...]
    after: tuple[str, ...]
    zone_before: str | None
    zone_after: str | None


@dataclass(frozen=True, kw_only=True)
class SimulatedWalk:
    """``walk_mean_m`` of a short run before and after over the same days (common random
    numbers), and the paired difference after - before with its 95% interval."""

    replications: int
    seed: int
    before_m: float
    after_m: float
    diff_m: float
    ci_low: float
    ci_high: float
    verdict: str

    def to_json(self) -> dict[str, Any]:
        """Plain data, rounded (NaN as null)."""

        def num(v: float) -> float | None:
            return round(v, 3) if math.isfinite(v) else None

        return {
            "replications": self.replications,
            "seed": self.seed,
            "walk_mean_m_before": num(self.before_m),
            "walk_mean_m_after": num(self.after_m),
            "diff_m": num(self.diff_m),
            "ci_low": num(self.ci_low),
            "ci_high": num(self.ci_high),
            "verdict": self.verdict,
        }


@dataclass(frozen=True, kw_only=True)
class PlacementResult:
    """The placement found, what it saves, and how it was found."""

    scenario: Scenario
    """The same scenario with ``placement`` filled: it runs as it is."""
    layout: str
    before_from: str
    """What placed the queues before (the scenario, the drawing's AGENCY attributes, free
    slots by the default rule)."""
    placement: dict[str, str]
    queues: tuple[QueuePlacement, ...]
    before: WalkEstimate
    after: WalkEstimate
    simulated: SimulatedWalk | None
    split_queues: tuple[str, ...]
    """Queues whose counters are not together (one slot group, joined) after."""
    split_clusters: tuple[str, ...]
    """Clusters not side by side after (slots in several slot groups, or not joined)."""
    before_split_queues: tuple[str, ...]
    before_split_clusters: tuple[str, ...]
    relaxed: tuple[str, ...]
    """Constraints that had to give way, in words (empty when every one held)."""
    solve_s: float
    link_m: float
    candidates: int

    @property
    def together(self) -> bool:
        """Whether every queue's counters and every cluster stay together."""
        return not self.split_queues and not self.split_clusters

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``--json``."""

        def kept(queues: Sequence[str], clusters: Sequence[str]) -> dict[str, list[str]]:
            return {"split_queues": list(queues), "split_clusters": list(clusters)}

        return {
            "scenario": self.scenario.name,
            "layout": self.layout,
            "solver": SOLVER,
            "solve_s": round(self.solve_s, 3),
            "candidates": self.candidates,
            "link_m": round(self.link_m, 3) if math.isfinite(self.link_m) else None,
            "before_from": self.before_from,
            "before": self.before.to_json()
            | kept(self.before_split_queues, self.before_split_clusters),
            "after": self.after.to_json() | kept(self.split_queues, self.split_clusters),
            "saved_m_per_visitor": round(self.before.metres - self.after.metres, 2),
            "simulated": self.simulated.to_json() if self.simulated is not None else None,
            "together": self.together,
            "relaxed": list(self.relaxed),
            "placement": self.placement,
            "queues": [
                {
                    "queue": q.queue,
                    "counters": q.counters,
                    "visits": round(q.visits, 2),
                    "slots_before": list(q.before),
                    "slots_after": list(q.after),
                    "zone_before": q.zone_before,
                    "zone_after": q.zone_after,
                }
                for q in self.queues
            ],
        }

    def to_text(self) -> str:
        """The queues' slots and zones before and after, and the walking saved."""
        rows = [["queue", "counters", "visits", "before", "after", "waits in (after)"]]
        for q in self.queues:
            rows.append(
                [
                    q.queue,
                    str(q.counters),
                    f"{q.visits:.0f}",
                    _slot_list(q.before),
                    _slot_list(q.after),
                    q.zone_after or "-",
                ]
            )
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = []
        for n, cells in enumerate(rows):
            parts = [
                c.rjust(w) if i in (1, 2) else c.ljust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            ]
            lines.append("  ".join(parts).rstrip())
            if n == 0:
                lines.append("-" * len(lines[-1]))
        b, a = self.before, self.after
        out = [f"{self.scenario.name}: placement on {self.layout}", *lines]
        out.append(
            f"walking per visitor (cost model): before {b.metres:.1f} m ({b.minutes:.2f} min), "
            f"after {a.metres:.1f} m ({a.minutes:.2f} min), {b.metres - a.metres:.1f} m less"
        )
        s = self.simulated
        if s is not None:
            out.append(
                f"walking per visitor (simulated, {s.replications} paired days, seed {s.seed}): "
                f"before {s.before_m:.1f} m, after {s.after_m:.1f} m, after - before "
                f"{s.diff_m:+.1f} m [{s.ci_low:+.1f}, {s.ci_high:+.1f}]: {s.verdict}"
            )
        out.append(
            f"before: placed by {self.before_from}"
            + _kept(self.before_split_queues, self.before_split_clusters)
        )
        out.append(
            f"after: {SOLVER}, {self.candidates} candidates, {self.solve_s:.1f} s"
            + _kept(self.split_queues, self.split_clusters)
        )
        out += [f"note: {r}" for r in self.relaxed]
        return "\n".join(out)


def _kept(queues: Sequence[str], clusters: Sequence[str]) -> str:
    parts = []
    if queues:
        parts.append(f"counters apart at {', '.join(queues)}")
    if clusters:
        parts.append(f"clusters not side by side: {', '.join(clusters)}")
    if not parts:
        return "; every queue's counters together, every cluster side by side"
    return "; " + "; ".join(parts)


def _slot_list(slots: Sequence[str]) -> str:
    return ",".join(slots) if len(slots) <= 3 else f"{slots[0]}-{slots[-1]} ({len(slots)})"


def optimise_placement(
    scenario: Scenario,
    *,
    simulate: bool = True,
    replications: int = 3,
    seed: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> PlacementResult:
    """A placement of every queue on the layout's slots that minimises the visitors' walking
    (:mod:`simulator.placement`), costed before and after by
    :func:`~simulator.placement.walk.walk_estimate` on the compiled sites and, when
    ``simulate``, by a short paired run (``replications`` days; ``seed`` default the
    scenario's).

    Raises :class:`SimulatorError` without a layout and :class:`ScenarioError` when the
    counters do not fit the slots.
    """
    layout = layout_for(scenario)
    if layout is None:
        raise SimulatorError(f"scenario {scenario.name!r} has no layout to place agencies on")
    building = as_building(layout)
    say = progress or (lambda _message: None)
    before_site = site_for(scenario)
    assert before_site is not None
    day = compile_plan(scenario)
    needs = queue_needs(scenario, day)
    geo = geometry(scenario, building)
    wanted = sum(q.counters for q in needs)
    if wanted > len(geo.slots):
        raise ScenarioError(
            f"the scenario needs {wanted} counters but the layout has {len(geo.slots)} slots",
            field="counters",
        )
    started = time.perf_counter()
    solutions = _solutions(
        geo, needs, before_site, kiosks=day.front_office.kiosks is not None, origin=starts(geo, day)
    )
    best: tuple[float, Solution, Scenario, SiteLayout] | None = None
    for solution in solutions:
        placement = {geo.slots[s]: queue for queue, block in solution.blocks.items() for s in block}
        moved = with_placement(scenario, placement)
        site = site_for(moved)
        assert site is not None
        effort = walk_estimate(compile_plan(moved, site=site)).effort_m
        if best is None or effort < best[0] - 1e-9:
            best = (effort, solution, moved, site)
    assert best is not None
    _, solution, moved, after_site = best
    solve_s = time.perf_counter() - started
    say(f"placement found in {solve_s:.1f} s ({len(solutions)} programme(s))")
    simulated = None
    if simulate:
        say(f"simulating {replications} days before and after (common random numbers)")
        simulated = _simulate(scenario, moved, replications, seed, executor)
    return PlacementResult(
        scenario=moved,
        layout=_layout_name(scenario),
        before_from=_describe_before(scenario, before_site, layout),
        placement=placement_of(after_site),
        queues=tuple(
            QueuePlacement(
                queue=q.id,
                counters=q.counters,
                visits=q.visits,
                before=tuple(before_site.agency_slots.get(q.id, ())),
                after=tuple(after_site.agency_slots.get(q.id, ())),
                zone_before=_first_zone(before_site, scenario, q.id),
                zone_after=_first_zone(after_site, moved, q.id),
            )
            for q in needs
        ),
        before=walk_estimate(compile_plan(scenario, site=before_site)),
        after=walk_estimate(compile_plan(moved, site=after_site)),
        simulated=simulated,
        split_queues=_split_queues(geo, after_site),
        split_clusters=_split_clusters(geo, after_site, needs),
        before_split_queues=_split_queues(geo, before_site),
        before_split_clusters=_split_clusters(geo, before_site, needs),
        relaxed=solution.relaxed,
        solve_s=solve_s,
        link_m=geo.link_m,
        candidates=_count_candidates(geo, needs),
    )


def _solutions(
    geo: Geometry,
    needs: Sequence[QueueNeeds],
    before: SiteLayout,
    *,
    kiosks: bool,
    origin: dict[int, float],
) -> list[Solution]:
    """One solution per exit visitors might leave by (the site's rule picks the exit nearest
    the counters used); without kiosks a second round costs the walks between queues linked
    by transfers where the first round put them."""
    index = {s: i for i, s in enumerate(geo.slots)}
    kiosk = geo.front.get(KIOSK) if kiosks else None
    linked = any(q.transfers_to for q in needs)
    rounds = 2 if kiosk is None and linked else 1
    out = []
    for exit_row in geo.exits:
        previous: Mapping[str, Block] = {
            q: tuple(sorted(index[s] for s in slots)) for q, slots in before.agency_slots.items()
        }
        for _ in range(rounds):
            costing = Costing(exit=exit_row, kiosk=kiosk, origin=origin, previous=previous)
            solution = solve(geo, needs, costing)
            out.append(solution)
            previous = solution.blocks
    return out


def _count_candidates(geo: Geometry, needs: Sequence[QueueNeeds]) -> int:
    from simulator.placement.problem import blocks

    sizes = {q.counters for q in needs}
    per_size = {n: len(blocks(geo, n, geo.group)) for n in sizes}
    return sum(per_size[q.counters] for q in needs)


def _split_queues(geo: Geometry, site: SiteLayout) -> tuple[str, ...]:
    """Queues whose counters are not all in one slot group, joined."""
    index = {s: i for i, s in enumerate(geo.slots)}
    out = []
    for queue, slots in site.agency_slots.items():
        members = [index[s] for s in slots]
        if len(members) > 1 and (
            len({geo.group[i] for i in members}) > 1 or not connected(members, geo.joined)
        ):
            out.append(queue)
    return tuple(out)


def _split_clusters(
    geo: Geometry, site: SiteLayout, needs: Sequence[QueueNeeds]
) -> tuple[str, ...]:
    """Clusters (of two or more queues) not side by side: their slots not all in one slot
    group, or not joined."""
    index = {s: i for i, s in enumerate(geo.slots)}
    slots: dict[str, list[int]] = {}
    members: dict[str, int] = {}
    for q in needs:
        if q.cluster:
            members[q.cluster] = members.get(q.cluster, 0) + 1
            slots.setdefault(q.cluster, []).extend(
                index[s] for s in site.agency_slots.get(q.id, ())
            )
    return tuple(
        sorted(
            c
            for c, mine in slots.items()
            if members[c] > 1
            and (len({geo.group[i] for i in mine}) > 1 or not connected(mine, geo.joined))
        )
    )


def _describe_before(scenario: Scenario, site: SiteLayout, layout: FloorPlan | Building) -> str:
    """Which rule placed the queues of the scenario as it is."""
    own = {s for slots in scenario.queue_slots().values() for s in slots}
    drawn = {c.slot for c in as_building(layout).counters if c.agency}
    used = set(site.slot_agency)
    parts = []
    if used & own:
        parts.append("the scenario's placement")
    if (used - own) & drawn:
        parts.append("the drawing's AGENCY attributes")
    if used - own - drawn:
        parts.append("free slots (the default rule)")
    return " and ".join(parts) or "the default rule"


def _layout_name(scenario: Scenario) -> str:
    levels = scenario.layout_levels()
    if isinstance(scenario.layout, str):
        return levels[0]
    return " + ".join(f"floor {level}: {file}" for level, file in levels.items())


def _first_zone(site: SiteLayout, scenario: Scenario, queue: str) -> str | None:
    """The first waiting zone of the queue's regular visitors."""
    member = next((a.id for a in scenario.agencies if scenario.queue_of(a.id) == queue), queue)
    zones = site.zones_for(member, priority=False)
    return zones[0] if zones else None


def _simulate(
    before: Scenario,
    after: Scenario,
    replications: int,
    seed: int | None,
    executor: Executor | None,
) -> SimulatedWalk:
    """``walk_mean_m`` before and after over the same days (common random numbers)."""
    chosen = seed if seed is not None else before.run.seed
    a, b = run_paired(
        [plan_for(before), plan_for(after)],
        seed=chosen,
        replications=replications,
        executor=executor,
    )
    table = paired_differences(a, b, kpis=("walk_mean_m",))
    row = table[table["agency"] == OVERALL].iloc[0]
    return SimulatedWalk(
        replications=replications,
        seed=chosen,
        before_m=float(row["mean_a"]),
        after_m=float(row["mean_b"]),
        diff_m=float(row["diff"]),
        ci_low=float(row["ci_low"]),
        ci_high=float(row["ci_high"]),
        verdict=str(row["verdict"]),
    )
