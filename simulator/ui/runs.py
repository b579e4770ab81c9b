"""Running scenarios for the app: a key per scenario content, a shared store of results, and a
run-time estimate that decides whether an edit may run without the planner pressing Run.

The key hashes the scenario as YAML with its layout replaced by the floor-plan file's SHA-256,
so the same scenario on the same drawing is simulated once per server, whichever session or
temporary file name it came from. Replications and seed are part of the scenario.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from simulator.experiment import ExperimentResult, run_experiment
from simulator.inputs import plan_for
from simulator.output import file_sha256
from simulator.plan import Plan
from simulator.scenario import Scenario, scenario_to_yaml
from simulator.ui.editing import expected_visitors

__all__ = ["QUICK_RUN_S", "ResultStore", "run_key", "run_scenario"]

#: Runs expected to take less than this many seconds start without pressing Run.
QUICK_RUN_S = 1.0
#: Seconds per visitor-day assumed before the first run is measured (a cautious guess).
_DEFAULT_S_PER_VISIT = 2e-4


@functools.lru_cache(maxsize=64)
def _file_hash(path: str, modified_ns: int, size: int) -> str:
    return file_sha256(path)


def run_key(scenario: Scenario) -> str:
    """A hash of everything that decides the scenario's results (including the drawing)."""
    layout = scenario.layout
    if layout is not None:
        path = Path(layout)
        if path.is_file():
            stat = path.stat()
            layout = "sha256:" + _file_hash(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    text = scenario_to_yaml(scenario.model_copy(update={"layout": layout}))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def run_scenario(
    scenario: Scenario, *, progress: Callable[[int, int], None] | None = None
) -> ExperimentResult:
    """Simulate the scenario on its floor plan with its own replications and seed."""
    return _run_plan(plan_for(scenario), scenario, progress)


def _run_plan(
    plan: Plan, scenario: Scenario, progress: Callable[[int, int], None] | None
) -> ExperimentResult:
    return run_experiment(
        plan, seed=scenario.run.seed, replications=scenario.run.replications, progress=progress
    )


class ResultStore:
    """Results by :func:`run_key`, the most recent ``max_items`` kept; safe across sessions."""

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
        self, scenario: Scenario, *, progress: Callable[[int, int], None] | None = None
    ) -> tuple[str, ExperimentResult]:
        """The scenario's result: stored, or simulated now (and measured, and stored).

        Only the simulation is timed, not reading the floor plan (done once per drawing)."""
        key = run_key(scenario)
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
