"""Running scenarios for the app: one store of results for every session of the server, one
pool of worker processes, and one computation per scenario however many sessions ask for it.

Results are keyed by :func:`~simulator.inputs.scenario_fingerprint` (the scenario with its
drawing's content, replications and seed included), so the same scenario on the same drawing
is simulated once per server, whichever session or temporary file name it came from. Every
computation runs on a thread of its own, and every session that asks for the scenario, the
first included, waits for it: a second session never starts a second computation, and a
session interrupted by a rerun leaves the computation to finish and be stored. Replications
run on the shared :class:`~simulator.executors.Executor`, the shortest computation's first
(:mod:`simulator.ui.turns`); each draws from its own random streams, so the result does not
depend on how the work was shared.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from simulator.executors import Executor, InlineExecutor
from simulator.experiment import (
    ExperimentResult,
    Progress,
    ReplicationResult,
    combine,
    run_experiment,
    run_replication,
)
from simulator.inputs import plan_for, scenario_fingerprint
from simulator.plan import Plan
from simulator.scenario import Scenario
from simulator.ui.turns import ShortestFirst

__all__ = ["ResultStore", "run_scenario"]

#: How often a waiting session looks at its computation's progress (the end wakes it at once);
#: each look takes the server's interpreter from the sessions drawing their pages.
_POLL_S = 0.1


def run_scenario(scenario: Scenario, *, progress: Progress | None = None) -> ExperimentResult:
    """Simulate the scenario on its floor plan with its own replications and seed, here."""
    return run_experiment(
        plan_for(scenario),
        seed=scenario.run.seed,
        replications=scenario.run.replications,
        progress=progress,
    )


#: Replications go to a worker in batches of up to this many, about this many batches per
#: worker: each task sends the plan again and costs the server's interpreter its messages, so
#: batches of 3 halved that cost on a 30-replication day (50 -> 25 ms), while ten tasks still
#: share out evenly between two workers.
_MAX_BATCH = 5
_BATCHES_PER_WORKER = 4


def batches(total: int, *, workers: int) -> list[range]:
    """The replications ``0 .. total - 1`` in consecutive batches for ``workers`` workers."""
    size = max(1, min(_MAX_BATCH, total // (workers * _BATCHES_PER_WORKER)))
    return [range(start, min(start + size, total)) for start in range(0, total, size)]


def _replicate(task: tuple[Plan, int, range]) -> list[ReplicationResult]:
    """A batch of replications in a worker process (a top-level function, so it pickles)."""
    plan, seed, replications = task
    return [run_replication(plan, seed=seed, replication=r) for r in replications]


@dataclass
class _Job:
    """A computation under way: how far it got, and its outcome once ``done`` is set."""

    total: int
    finished: int = 0
    result: ExperimentResult | None = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


class ResultStore:
    """Results by :func:`~simulator.inputs.scenario_fingerprint`, the most recent
    ``max_items`` kept, computed on ``executor`` (here when none); safe across sessions."""

    def __init__(self, *, max_items: int = 24, executor: Executor | None = None) -> None:
        self._items: OrderedDict[str, ExperimentResult] = OrderedDict()
        self._running: dict[str, _Job] = {}
        self._max = max_items
        self._lock = threading.Lock()
        self._executor = executor if executor is not None else InlineExecutor()
        self._turns = ShortestFirst()  # computations of different scenarios share the pool

    def get(self, key: str) -> ExperimentResult | None:
        """The stored result for ``key``, if any."""
        with self._lock:
            result = self._items.get(key)
            if result is not None:
                self._items.move_to_end(key)
            return result

    def put(self, key: str, result: ExperimentResult) -> None:
        """Keep ``result`` under ``key``, dropping the oldest beyond ``max_items``."""
        with self._lock:
            self._put(key, result)

    def _put(self, key: str, result: ExperimentResult) -> None:
        self._items[key] = result
        self._items.move_to_end(key)
        while len(self._items) > self._max:
            self._items.popitem(last=False)

    def run(
        self, scenario: Scenario, *, progress: Progress | None = None
    ) -> tuple[str, ExperimentResult]:
        """The scenario's result: stored, being computed for another session (then waited
        for), or computed now. ``progress(done, total)`` follows the replications."""
        key = scenario_fingerprint(scenario)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return key, found
            job = self._running.get(key)
            mine = job is None
            if job is None:
                job = self._running[key] = _Job(total=scenario.run.replications)
        if mine:
            # Computed apart from the session's script, so a rerun that interrupts the session
            # neither stops it nor loses it: the next run of the same scenario finds it.
            threading.Thread(
                target=self._compute, args=(key, scenario, job), daemon=True, name="mpp-run"
            ).start()
        while not job.done.wait(_POLL_S):
            if progress is not None:
                progress(job.finished, job.total)
        if progress is not None:
            progress(job.total, job.total)
        if job.error is not None:
            raise job.error
        assert job.result is not None
        return key, job.result

    def _compute(self, key: str, scenario: Scenario, job: _Job) -> None:
        """Run the replications on the shared executor; publish the outcome to waiters."""
        try:
            plan = plan_for(scenario)
            seed = scenario.run.seed
            parts = batches(job.total, workers=self._executor.workers)
            tasks = [(plan, seed, batch) for batch in parts]
            results: list[ReplicationResult] = []
            sizes = [len(batch) for batch in parts]
            with self._turns.turn(tasks, name=key, sizes=sizes) as handed_out:
                for _, batch_results in self._executor.map_unordered(_replicate, handed_out):
                    results.extend(batch_results)
                    job.finished += len(batch_results)
            # summarised here: 0.06 s for a 30-replication day, less than sending the
            # replications to a worker and the summary back (0.1 s)
            job.result = combine(plan, seed, results)
        except BaseException as exc:  # handed to every session waiting for this scenario
            job.error = exc
        finally:
            with self._lock:
                if job.result is not None:
                    self._put(key, job.result)
                self._running.pop(key, None)
            job.done.set()

    def ahead(self, key: str) -> int:
        """How many other computations the pool serves before that of ``key`` (0 when it is
        being served, done, or unknown)."""
        return self._turns.ahead(key)

    def finished(self, key: str) -> int | None:
        """Replications done of the computation of ``key`` under way (``None`` if none)."""
        with self._lock:
            job = self._running.get(key)
            return None if job is None else job.finished
