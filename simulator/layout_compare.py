"""Layouts side by side: what each floor plan's counter slots allow a scenario to reach.

A layout's worth is the counters it can hold and the waits those allow. For each plan (a
floor plan, or a building of several floors) the scenario is moved onto it (a placement or
named zone the plan cannot take is dropped and said), and then:

1. **Counters that fit.** :func:`~simulator.optimize.optimise_counters` within the plan's
   slots: ``counters_fit`` is the fewest counters meeting the target at every agency and
   overall, or ``None`` when the slots cannot hold enough.
2. **Best.** Every slot used: the counters left over after (1) go one at a time where they
   cut waiting most (the largest drop in people waiting on average, measured by simulation
   of one counter more at every queue, queues being independent under common random
   numbers). Agencies are placed on the plan by the placement optimiser
   (:mod:`simulator.placement`), or by the default rule when asked.
3. **The best allocation on the plan**: one simulation with walking, on the same days for
   every plan (the scenario's seed), gives ``wait_p90_min`` and ``within_target`` (overall),
   the peak of visitors waiting in zones, the share sent on from a full zone, and walking.
   Each plan after the first is compared with the first, paired, with the practical
   thresholds of :mod:`simulator.compare` ("about the same" below them).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from simulator import __version__
from simulator.compare import paired_differences, run_paired
from simulator.errors import SimulatorError
from simulator.executors import Executor
from simulator.experiment import ExperimentResult
from simulator.floorplan.site import as_building, waiting_zones
from simulator.inputs import layout_for, plan_for
from simulator.metrics import OVERALL
from simulator.optimize import P90_SHARE, QueueRuns, optimise_counters
from simulator.placement import optimise_placement
from simulator.placement.fit import fit_to_layout
from simulator.plan import compile_plan
from simulator.scenario import MAX_COUNTERS_PER_AGENCY, BuildingLayout, Scenario
from simulator.sweep import with_counters

__all__ = [
    "COMPARED_KPIS",
    "LayoutComparison",
    "LayoutRow",
    "Placement",
    "compare_layouts",
    "on_layout",
]

Placement = Literal["optimised", "default"]
Progress = Callable[[str], None]
COMPARED_KPIS = ("wait_p90_min", "within_target", "walk_mean_m")
"""The KPIs each plan's best run is compared on with the first plan's."""
_PLACED_BY = {"optimised": "the placement optimiser", "default": "the default rule"}


@dataclass(frozen=True, kw_only=True)
class LayoutRow:
    """One plan: what it holds, the fewest counters meeting the target, and its best."""

    plan: str
    slots: int
    seats: int
    standing_capacity: int
    counters_fit: int | None
    best_counters: int | None
    best_allocation: dict[str, int]
    wait_p90_min: float
    wait_p90_ci: float
    within_target: float
    waiting_peak: float
    overflow_share: float
    walk_mean_m: float
    vs_first: dict[str, dict[str, Any]]
    notes: tuple[str, ...]

    @property
    def best_within(self) -> bool:
        """Whether the best allocation meets the target overall (p90 within it)."""
        return math.isfinite(self.within_target) and self.within_target >= P90_SHARE

    def to_json(self) -> dict[str, Any]:
        """Plain data (NaN as null)."""
        return {
            "plan": self.plan,
            "slots": self.slots,
            "seats": self.seats,
            "standing_capacity": self.standing_capacity,
            "counters_fit": self.counters_fit,
            "best": {
                "counters": self.best_counters,
                "wait_p90_min": _num(self.wait_p90_min),
                "wait_p90_ci": _num(self.wait_p90_ci),
                "within_target": _num(self.within_target),
                "meets_target": self.best_within if self.best_counters else None,
                "allocation": self.best_allocation,
            },
            "waiting_peak": _num(self.waiting_peak),
            "overflow_share": _num(self.overflow_share),
            "walk_mean_m": _num(self.walk_mean_m),
            "vs_first": self.vs_first,
            "notes": list(self.notes),
        }


@dataclass(frozen=True, kw_only=True)
class LayoutComparison:
    """Every plan's row, and how they were measured."""

    scenario: str
    target_p90_min: float
    replications: int
    seed: int
    placement: Placement
    rows: tuple[LayoutRow, ...]

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "scenario": self.scenario,
            "version": __version__,
            "target_p90_min": self.target_p90_min,
            "replications": self.replications,
            "seed": self.seed,
            "placement": self.placement,
            "plans": [r.to_json() for r in self.rows],
        }

    def to_frame(self) -> pd.DataFrame:
        """A plan a row, the best's figures flattened (``best_counters``, ``wait_p90_min``
        ...), for tables in the app."""
        return pd.DataFrame(
            [
                {
                    "plan": r.plan,
                    "slots": r.slots,
                    "seats": r.seats,
                    "standing_capacity": r.standing_capacity,
                    "counters_fit": r.counters_fit,
                    "best_counters": r.best_counters,
                    "wait_p90_min": r.wait_p90_min,
                    "within_target": r.within_target,
                    "waiting_peak": r.waiting_peak,
                    "overflow_share": r.overflow_share,
                    "walk_mean_m": r.walk_mean_m,
                }
                for r in self.rows
            ]
        )

    def to_text(self) -> str:
        """A table, a plan a row, and what each differs from the first in."""
        header = [
            "plan",
            "slots",
            "seats",
            "standing",
            "fit",
            "best",
            "p90",
            "in target",
            "peak",
            "overflow",
            "walk m",
        ]
        rows = [header]
        for r in self.rows:
            rows.append(
                [
                    r.plan,
                    str(r.slots),
                    str(r.seats),
                    str(r.standing_capacity),
                    str(r.counters_fit) if r.counters_fit is not None else "-",
                    str(r.best_counters) if r.best_counters is not None else "-",
                    _fmt(r.wait_p90_min),
                    _fmt(r.within_target * 100, "{:.0f}%"),
                    _fmt(r.waiting_peak, "{:.0f}"),
                    _fmt(r.overflow_share * 100, "{:.1f}%"),
                    _fmt(r.walk_mean_m),
                ]
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        lines = []
        for n, cells in enumerate(rows):
            parts = [cells[0].ljust(widths[0])]
            parts += [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
            lines.append("  ".join(parts).rstrip())
            if n == 0:
                lines.append("-" * len(lines[-1]))
        head = (
            f"{self.scenario}: target p90 <= {self.target_p90_min:g} min, "
            f"{self.replications} replications, seed {self.seed}, agencies placed by "
            f"{_PLACED_BY[self.placement]}"
        )
        out = [head, *lines]
        first = self.rows[0].plan if self.rows else ""
        for r in self.rows[1:]:
            if r.vs_first:
                said = "; ".join(
                    f"{kpi} {v['diff']:+.2f}" + f" ({v['verdict']})"
                    if v["diff"] is not None
                    else f"{kpi} - ({v['verdict']})"
                    for kpi, v in r.vs_first.items()
                )
                out.append(f"{r.plan} vs {first}: {said}")
        for r in self.rows:
            out += [f"note ({r.plan}): {n}" for n in r.notes]
        out.append(
            "fit: fewest counters meeting the target at every agency and overall ('-': the "
            "slots cannot); best: every slot used, extra counters where they cut waiting most; "
            "p90, in target, peak (people waiting in zones), overflow (sent on from a full "
            "zone) and walk of the best, all replications pooled"
        )
        return "\n".join(out)


def _num(value: float) -> float | None:
    return round(float(value), 4) if math.isfinite(value) else None


def _fmt(value: float, fmt: str = "{:.1f}") -> str:
    return fmt.format(value) if math.isfinite(value) else "-"


def on_layout(scenario: Scenario, layout: str | BuildingLayout) -> tuple[Scenario, list[str]]:
    """The scenario moved onto another floor plan or building: what of its placement and
    named zones the new layout cannot take is dropped (said in the notes)."""
    moved = scenario.model_copy(update={"layout": layout})
    fitted = fit_to_layout(moved)
    return fitted.scenario, fitted.notes()


def _name(layout: str | BuildingLayout) -> str:
    if isinstance(layout, str):
        return Path(layout).name
    return "+".join(Path(f.file).name for f in sorted(layout.floors, key=lambda f: f.level))


def compare_layouts(
    scenario: Scenario,
    layouts: Sequence[str | BuildingLayout],
    *,
    target_p90_min: float,
    replications: int | None = None,
    seed: int | None = None,
    placement: Placement = "optimised",
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> LayoutComparison:
    """Compare ``layouts`` (floor-plan files, or buildings) for ``scenario`` at the target
    (see the module docstring). Every simulation of every plan uses the same seed."""
    if not layouts:
        raise SimulatorError("layouts compare needs at least one floor plan")
    if placement not in _PLACED_BY:
        raise SimulatorError(f"placement {placement!r}: expected optimised or default")
    reps = replications if replications is not None else scenario.run.replications
    chosen_seed = seed if seed is not None else scenario.run.seed
    target = scenario.target.model_copy(update={"wait_min": target_p90_min, "share": P90_SHARE})
    base = scenario.model_copy(update={"target": target})
    say = progress or (lambda _message: None)
    rows: list[LayoutRow] = []
    runs: list[ExperimentResult | None] = []
    shared = QueueRuns()
    for layout in layouts:
        say(f"{_name(layout)}: optimising counters within its slots")
        row, run = _one_layout(
            base,
            layout,
            target_p90_min=target_p90_min,
            replications=reps,
            seed=chosen_seed,
            placement=placement,
            executor=executor,
            progress=progress,
            queue_runs=shared,
        )
        rows.append(row)
        runs.append(run)
    first = runs[0]
    compared = []
    for row, run in zip(rows, runs, strict=True):
        vs = {} if run is None or first is None or run is first else _versus(first, run)
        compared.append(_with(row, vs_first=vs))
    return LayoutComparison(
        scenario=scenario.name,
        target_p90_min=target_p90_min,
        replications=reps,
        seed=chosen_seed,
        placement=placement,
        rows=tuple(compared),
    )


def _with(row: LayoutRow, *, vs_first: dict[str, dict[str, Any]]) -> LayoutRow:
    return replace(row, vs_first=vs_first)


def _versus(first: ExperimentResult, other: ExperimentResult) -> dict[str, dict[str, Any]]:
    """The paired difference other - first of each compared KPI, overall, with its verdict."""
    table = paired_differences(first, other, kpis=COMPARED_KPIS)
    overall = table[table["agency"] == OVERALL]
    return {
        str(r["kpi"]): {
            "diff": _num(r["diff"]),
            "ci_low": _num(r["ci_low"]),
            "ci_high": _num(r["ci_high"]),
            "threshold": float(r["threshold"]),
            "verdict": str(r["verdict"])
            .replace("A better", "first better")
            .replace("B better", "this better"),
        }
        for _, r in overall.iterrows()
    }


def _one_layout(
    scenario: Scenario,
    layout: str | BuildingLayout,
    *,
    target_p90_min: float,
    replications: int,
    seed: int,
    placement: Placement,
    executor: Executor | None,
    progress: Progress | None,
    queue_runs: QueueRuns,
) -> tuple[LayoutRow, ExperimentResult | None]:
    moved, notes = on_layout(scenario, layout)
    plan_layout = layout_for(moved)
    assert plan_layout is not None
    building = as_building(plan_layout)
    zones = waiting_zones(building)
    slots = len({c.slot for c in building.counters})
    queues = moved.queue_counters()
    empty = LayoutRow(
        plan=_name(layout),
        slots=slots,
        seats=sum(z.seats for z in zones),
        standing_capacity=sum(z.standing_capacity for z in zones),
        counters_fit=None,
        best_counters=None,
        best_allocation={},
        wait_p90_min=math.nan,
        wait_p90_ci=math.nan,
        within_target=math.nan,
        waiting_peak=math.nan,
        overflow_share=math.nan,
        walk_mean_m=math.nan,
        vs_first={},
        notes=tuple(notes),
    )
    if slots < len(queues):
        note = f"{slots} slots cannot hold {len(queues)} queues with a counter each"
        return _with_notes(empty, note), None
    found = optimise_counters(
        moved,
        target_p90_min=target_p90_min,
        slots=slots,
        replications=replications,
        seed=seed,
        executor=executor,
        progress=progress,
        queue_runs=queue_runs,
    )
    allocation = _fill(moved, dict(found.counters), slots, replications, seed, executor, queue_runs)
    best = fit_to_layout(with_counters(moved, allocation)).scenario
    if placement == "optimised":
        best = optimise_placement(best, simulate=False).scenario
    (run,) = run_paired([plan_for(best)], seed=seed, replications=replications, executor=executor)
    overall = run.overall
    return (
        replace(
            empty,
            counters_fit=found.total if found.feasible else None,
            best_counters=sum(allocation.values()),
            best_allocation=allocation,
            wait_p90_min=float(overall["wait_p90_min"]),
            wait_p90_ci=float(overall["wait_p90_min_ci"]),
            within_target=float(overall["within_target"]),
            waiting_peak=float(overall["waiting_peak"]),
            overflow_share=float(overall["overflow_share"]),
            walk_mean_m=float(overall["walk_mean_m"]),
        ),
        run,
    )


def _with_notes(row: LayoutRow, *notes: str) -> LayoutRow:
    return replace(row, notes=(*row.notes, *notes))


def _fill(
    scenario: Scenario,
    allocation: dict[str, int],
    slots: int,
    replications: int,
    seed: int,
    executor: Executor | None,
    queue_runs: QueueRuns,
) -> dict[str, int]:
    """Give the slots left over to the queues where one more counter cuts waiting most (the
    people waiting on average, their agencies together), a few at a time: each round
    simulates one counter more at every queue (queues only; a queue's figures depend on its
    own counters under common random numbers)."""
    day = compile_plan(scenario)
    open_queues = [q.id for q in day.queues if day.queue_open(q)]
    growable = [q for q in open_queues if allocation[q] < MAX_COUNTERS_PER_AGENCY]
    members = {q.id: [day.agencies[m].id for m in q.agencies] for q in day.queues}
    known: dict[tuple[str, int], float] = {}

    def measure(counts: Mapping[str, int]) -> None:
        result = queue_runs.run(with_counters(scenario, counts), seed, replications, executor)
        waiting = result.summary.set_index("agency")["queue_mean"]
        for queue, count in counts.items():
            known[(queue, count)] = float(sum(waiting[a] for a in members[queue]))

    left = slots - sum(allocation.values())
    if left <= 0 or not growable:
        return allocation
    measure(allocation)
    while left > 0 and growable:
        more = {q: allocation[q] + 1 for q in growable}
        if any((q, c) not in known for q, c in more.items()):
            measure(allocation | more)
        gain = {q: known[(q, allocation[q])] - known[(q, more[q])] for q in growable}
        ranked = sorted(growable, key=lambda q: (-gain[q], q))[: max(1, math.ceil(left / 3))]
        for queue in ranked:
            allocation[queue] += 1
        left -= len(ranked)
        growable = [q for q in growable if allocation[q] < MAX_COUNTERS_PER_AGENCY]
    return allocation
