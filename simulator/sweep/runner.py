"""Running a sweep: every (variant, replication) not yet stored, on any executor, then its outputs.

The unit of work is one (variant, replication). Units are handed to the executor as plans,
simulated wherever the executor runs them, and stored as they finish; the outputs are then
assembled from the store in a fixed order, so they never depend on ``--jobs``, the executor or
interruptions. With a precision goal, replications are added in batches, and which variants get
more depends only on stored numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from simulator import __version__
from simulator.errors import ScenarioError, SimulatorError
from simulator.executors import Executor, InlineExecutor
from simulator.experiment import Progress, run_replication
from simulator.inputs import plan_for
from simulator.plan import Plan
from simulator.scenario import MAX_REPLICATIONS
from simulator.sweep.outputs import Precision, write_outputs
from simulator.sweep.plots import write_plots
from simulator.sweep.results import (
    assemble,
    overall_half_widths,
    param_columns,
    summarise,
    variant_waits,
)
from simulator.sweep.spec import Sweep
from simulator.sweep.store import RunStore, encode_run, run_key
from simulator.sweep.variants import Variant, describe, expand

__all__ = ["SweepResult", "run_sweep"]

#: Replications a variant starts with when a precision goal is set (fewer give no interval).
_PRECISION_START = 3


@dataclass(frozen=True, kw_only=True)
class SweepResult:
    """What a sweep produced: the tables written and how the work went."""

    results: pd.DataFrame
    summary: pd.DataFrame
    replications: dict[str, int]
    half_widths: dict[str, float]
    ran: int
    reused: int
    out: Path
    files: tuple[Path, ...] = field(default=())


@dataclass(frozen=True, kw_only=True)
class _Unit:
    """One (variant, replication) to simulate; small and picklable."""

    key: str
    plan: Plan
    seed: int
    replication: int
    meta: dict[str, Any]


def _simulate(unit: _Unit) -> tuple[str, bytes]:
    """Worker side: simulate one day and encode its KPIs for the store."""
    result = run_replication(unit.plan, seed=unit.seed, replication=unit.replication)
    return unit.key, encode_run(result.kpis, result.waits, unit.meta)


@dataclass(kw_only=True)
class _Tally:
    """How the work goes: runs simulated, reused from the store, finished, and to do."""

    progress: Progress | None
    ran: int = 0
    reused: int = 0
    done: int = 0
    total: int = 0

    def planned(self, *, todo: int, reused: int) -> None:
        """A batch of ``todo`` runs starts; ``reused`` were found in the store."""
        self.total += todo
        self.reused += reused
        self._report()

    def finished(self) -> None:
        """One run was simulated and stored."""
        self.done += 1
        self.ran += 1
        self._report()

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.done, self.total)


def _plan(variant: Variant, source: str) -> Plan:
    try:
        return plan_for(variant.scenario)
    except SimulatorError as exc:
        raise ScenarioError(
            f"variant {variant.id} ({describe(variant.params)}): {exc}", file=source
        ) from None


def _units(sweep: Sweep, pending: Mapping[str, tuple[Variant, int]]) -> Iterator[_Unit]:
    """The work, with plans compiled as it is handed out (overlapping with the workers)."""
    compiled: tuple[str, Plan] | None = None
    for key, (variant, replication) in pending.items():
        if compiled is None or compiled[0] != variant.id:
            compiled = (variant.id, _plan(variant, sweep.source))
        meta = {
            "key": key,
            "version": __version__,
            "seed": sweep.seed,
            "replication": replication,
            "scenario_sha256": variant.scenario_sha256,
            "floorplan_sha256": variant.floorplan_sha256,
        }
        yield _Unit(key=key, plan=compiled[1], seed=sweep.seed, replication=replication, meta=meta)


def _run_batch(
    sweep: Sweep,
    variants: Sequence[Variant],
    todo: Mapping[str, range],
    *,
    store: RunStore,
    executor: Executor,
    tally: _Tally,
) -> None:
    """Simulate and store the replications ``todo[variant.id]`` that are not stored yet."""
    pending: dict[str, tuple[Variant, int]] = {}
    reused = 0
    for variant in variants:
        for replication in todo.get(variant.id, range(0)):
            key = run_key(variant, seed=sweep.seed, replication=replication)
            if key in pending:
                continue
            if store.has(key):
                reused += 1
                continue
            pending[key] = (variant, replication)
    tally.planned(todo=len(pending), reused=reused)
    for _, (key, payload) in executor.map_unordered(_simulate, _units(sweep, pending)):
        store.put(key, payload)
        tally.finished()


def _more_replications(
    variants: Sequence[Variant],
    replications: Mapping[str, int],
    half_widths: Mapping[str, float],
    precision: Precision,
) -> dict[str, range]:
    """The replications to add to each variant whose half-width is not yet below the goal:
    enough by the square-root law, at least one more, at most double, within the cap."""
    todo: dict[str, range] = {}
    for variant in variants:
        n = replications[variant.id]
        half = half_widths[variant.id]
        goal = precision.half_width_min
        if (math.isfinite(half) and half < goal) or n >= precision.max_replications:
            continue
        needed = math.ceil(n * (half / goal) ** 2) if math.isfinite(half) else 2 * n
        grown = min(precision.max_replications, max(n + 1, min(2 * n, needed)))
        todo[variant.id] = range(n, grown)
    return todo


def _check_precision(precision: float | None, max_replications: int) -> Precision | None:
    if precision is not None and not precision > 0:
        raise SimulatorError(
            f"precision must be a positive number of minutes (a 95% half-width), got {precision}"
        )
    if not 1 <= max_replications <= MAX_REPLICATIONS:
        raise SimulatorError(
            f"max_replications must be between 1 and {MAX_REPLICATIONS}, got {max_replications}"
        )
    if precision is None:
        return None
    return Precision(half_width_min=precision, max_replications=max_replications)


def run_sweep(
    sweep: Sweep,
    *,
    out: str | Path,
    executor: Executor | None = None,
    precision: float | None = None,
    max_replications: int = 200,
    progress: Progress | None = None,
    plots: bool = True,
) -> SweepResult:
    """Run every variant of ``sweep`` (skipping stored runs) and write the outputs to ``out``.

    With ``precision`` (minutes), replications are added in batches until the 95% half-width of
    each variant's overall p90 wait is below it, or ``max_replications`` is reached; which
    variants get more depends only on stored numbers, so it is the same on any executor.
    ``progress(done, total)`` is called as runs finish (``total`` grows between batches).
    """
    out = Path(out)
    goal = _check_precision(precision, max_replications)
    store = RunStore(out)
    runner = executor if executor is not None else InlineExecutor()
    tally = _Tally(progress=progress)
    variants = expand(sweep)
    first = sweep.replications
    if goal is not None:
        first = min(max(first, _PRECISION_START), goal.max_replications)
    replications = {v.id: first for v in variants}
    todo = {v.id: range(first) for v in variants}
    while True:
        _run_batch(sweep, variants, todo, store=store, executor=runner, tally=tally)
        half_widths = overall_half_widths(store, variants, replications, sweep.seed)
        todo = {} if goal is None else _more_replications(variants, replications, half_widths, goal)
        if not todo:
            break
        replications.update({variant_id: reps.stop for variant_id, reps in todo.items()})
    results = assemble(store, variants, replications, sweep.seed)
    waits = variant_waits(store, variants, replications, sweep.seed)
    summary = summarise(results, waits, params=param_columns(variants))
    files = write_outputs(
        out,
        sweep,
        variants,
        replications=replications,
        half_widths=half_widths,
        results=results,
        summary=summary,
        precision=goal,
    )
    if plots:
        files += write_plots(summary, variants, out / "plots")
    return SweepResult(
        results=results,
        summary=summary,
        replications=replications,
        half_widths=half_widths,
        ran=tally.ran,
        reused=tally.reused,
        out=out,
        files=files,
    )
