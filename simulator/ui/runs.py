"""Running scenarios for the app: a shared store of results and a run-time estimate that
decides whether an edit may run without the planner pressing Run.

Results are keyed by :func:`~simulator.inputs.scenario_fingerprint` (the scenario with its
drawing's content, replications and seed included), so the same scenario on the same drawing
is simulated once per server, whichever session or temporary file name it came from.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from simulator.experiment import ExperimentResult, Progress, run_experiment
from simulator.inputs import plan_for, scenario_fingerprint
from simulator.plan import Plan
from simulator.scenario import Scenario
from simulator.ui.editing import expected_visitors

__all__ = ["QUICK_RUN_S", "ResultStore", "run_scenario"]

#: Runs expected to take less than this many seconds start without pressing Run.
QUICK_RUN_S = 1.0
#: Seconds per visitor-day assumed before the first run is measured (a cautious guess).
_DEFAULT_S_PER_VISIT = 2e-4


def run_scenario(scenario: Scenario, *, progress: Progress | None = None) -> ExperimentResult:
    """Simulate the scenario on its floor plan with its own replications and seed."""
    return _run_plan(plan_for(scenario), scenario, progress)


def _run_plan(plan: Plan, scenario: Scenario, progress: Progress | None) -> ExperimentResult:
    return run_experiment(
        plan, seed=scenario.run.seed, replications=scenario.run.replications, progress=progress
    )


class ResultStore:
    """Results by :func:`~simulator.inputs.scenario_fingerprint`, the most recent
    ``max_items`` kept; safe across sessions."""

    def __init__(self, *, max_items: int = 24) -> None:
        self._items: OrderedDict[str, ExperimentResult] = OrderedDict()
        self._max = max_items
        self._lock = threading.Lock()
        self._seconds = 0.0
        self._visits = 0.0

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
            self._items[key] = result
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def estimate_s(self, scenario: Scenario) -> float:
        """Expected run time in seconds, from the speed of the runs measured so far."""
        with self._lock:
            per_visit = self._seconds / self._visits if self._visits else _DEFAULT_S_PER_VISIT
        return per_visit * _visits(scenario)

    def run(
        self, scenario: Scenario, *, progress: Progress | None = None
    ) -> tuple[str, ExperimentResult]:
        """The scenario's result: stored, or simulated now (and measured, and stored).

        Only the simulation is timed, not reading the floor plan (done once per drawing)."""
        key = scenario_fingerprint(scenario)
        found = self.get(key)
        if found is not None:
            return key, found
        plan = plan_for(scenario)
        start = time.perf_counter()
        result = _run_plan(plan, scenario, progress)
        elapsed = time.perf_counter() - start
        with self._lock:
            self._seconds += elapsed
            self._visits += _visits(scenario)
        self.put(key, result)
        return key, result


def _visits(scenario: Scenario) -> float:
    return max(1.0, expected_visitors(scenario)) * scenario.run.replications
