"""The counter optimiser: the fewest counters per queue that meet a p90 wait target.

A *queue* is an agency with its own counters or a counter group (its agencies have no
counters of their own; the group's ``counters`` is what changes). Results stay per agency: a
queue *meets* the target when each of its agencies does.

1. Start from Erlang C: for each queue open that day, the smallest number of counters with
   P(wait <= target) >= 0.9 in M/M/c at its peak-hour arrival rate (its agencies' together,
   plus visitors transferred in) and its mean service time.
2. Correct by simulation, all queues at once: each simulated allocation tells every queue's
   p90 at its own number of counters, because an agency's visitors draw from its own random
   streams (common random numbers) and queues barely interact (shared kiosks and transfers
   only). A queue that misses the target probes one counter more in the next simulation; one
   that meets it probes one fewer, until each queue knows the smallest count that meets the
   target ("meets": at least 90% of each of its agencies' ticket holders called within the
   target, the same statement as its pooled p90 being within the target).
3. When the counters needed exceed the slots the floor plan has (or ``slots``), counters are
   taken away greedily where they cost least (visitors beyond the target share), and the
   agencies that then miss are reported.
4. The final allocation is confirmed in one simulation of the whole hall with fresh random
   numbers (another seed; a queue that misses there gets a counter more, unless a counter no
   longer helps it), and one more simulation with a counter more everywhere says what one more
   counter would buy at each queue and agency (paired p90 reduction, with its 95% interval).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator import __version__
from simulator.compare import DEFAULT_THRESHOLDS, run_paired, threshold_for
from simulator.errors import SimulatorError
from simulator.executors import Executor, InlineExecutor
from simulator.experiment import ExperimentResult
from simulator.inputs import plan_for, scenario_fingerprint
from simulator.metrics import OVERALL
from simulator.placement.fit import fit_to_layout
from simulator.plan import Plan, compile_plan
from simulator.pooled import QUANTILES, wait_samples
from simulator.queueing import erlang_c_servers_for_target
from simulator.scenario import MAX_COUNTERS_PER_AGENCY, Scenario
from simulator.stats import paired_quantile_difference, pooled_quantile
from simulator.sweep import with_counters

__all__ = [
    "P90_SHARE",
    "PLATEAU_MIN",
    "PLATEAU_SHARE",
    "AgencyResult",
    "OptimizeResult",
    "QueueResult",
    "QueueRuns",
    "erlang_c_start",
    "floor_plan_slots",
    "optimise_counters",
    "scenario_with",
]

_KPI = "wait_p90_min"
P90_SHARE = QUANTILES[_KPI][0]
"""p90 <= target means this share of ticket holders called within the target."""
_MAX_CONFIRM_ROUNDS = 5
PLATEAU_SHARE = DEFAULT_THRESHOLDS["within_target"]
PLATEAU_MIN = threshold_for("wait_p90_min")
"""A counter that raises a queue's share called within the target by less than
:data:`PLATEAU_SHARE` and cuts its p90 by less than :data:`PLATEAU_MIN` (the practical
thresholds of a comparison) buys nothing."""

Progress = Callable[[str], None]


@dataclass(frozen=True, kw_only=True)
class AgencyResult:
    """One agency in the optimiser's answer; ``current``, ``erlang_c`` and ``counters`` are
    its queue's (its own counters, or its counter group's)."""

    agency: str
    queue: str
    open_today: bool
    current: int
    erlang_c: int
    counters: int
    arrivals: float
    p90_min: float
    p90_ci: float
    within_target: float
    meets: bool
    one_more_cuts_min: float
    one_more_cuts_ci: float


@dataclass(frozen=True, kw_only=True)
class QueueResult:
    """One queue (an agency's own counters, or a counter group) in the optimiser's answer:
    the figures of all its agencies' ticket holders together."""

    queue: str
    agencies: tuple[str, ...]
    open_today: bool
    current: int
    erlang_c: int
    counters: int
    arrivals: float
    p90_min: float
    p90_ci: float
    within_target: float
    meets: bool
    one_more_cuts_min: float
    one_more_cuts_ci: float

    @property
    def is_group(self) -> bool:
        """Whether the queue is a counter group (not one agency's own counters)."""
        return self.agencies != (self.queue,)


@dataclass(frozen=True, kw_only=True)
class OptimizeResult:
    """The allocation found (counters per queue), how it does, and what it took."""

    scenario: str
    target_p90_min: float
    slots: int | None
    slots_from: str
    walking: bool
    feasible: bool
    counters: dict[str, int]
    """Counters per queue: agency id, or counter-group id."""
    agencies: tuple[AgencyResult, ...]
    queues: tuple[QueueResult, ...]
    overall_p90_min: float
    overall_p90_ci: float
    overall_within: float
    overall_meets: bool
    missing: tuple[str, ...]
    simulations: int
    seed: int
    replications: int

    @property
    def total(self) -> int:
        """Counters in the allocation."""
        return sum(self.counters.values())

    def to_text(self) -> str:
        """The answer as a fixed-width table with a verdict line: a row per agency with its
        own counters, a row per counter group followed by its agencies."""

        def num(value: float, fmt: str = "{:.1f}") -> str:
            return "-" if not math.isfinite(value) else fmt.format(value)

        def cells(label: str, r: AgencyResult | QueueResult, counts: bool) -> list[str]:
            return [
                label,
                str(r.current) if counts else "",
                str(r.erlang_c) if counts else "",
                str(r.counters) if counts else "",
                num(r.p90_min),
                num(r.p90_ci),
                num(r.within_target * 100, "{:.0f}%"),
                "yes" if r.meets else "NO",
                f"{num(r.one_more_cuts_min)} ± {num(r.one_more_cuts_ci)}",
            ]

        rows = [
            ["agency", "now", "Erlang C", "best", "p90", "±", "in target", "meets", "+1 cuts p90"]
        ]
        by_agency = {a.agency: a for a in self.agencies}
        for q in self.queues:
            closed = "" if q.open_today else " (closed)"
            if not q.is_group:
                rows.append(cells(q.queue + closed, by_agency[q.queue], True))
                continue
            rows.append(cells(f"{q.queue} (group){closed}", q, True))
            rows += [cells(f"  {a}", by_agency[a], False) for a in q.agencies]
        rows.append(
            [
                "overall",
                str(sum(q.current for q in self.queues)),
                str(sum(q.erlang_c for q in self.queues)),
                str(self.total),
                num(self.overall_p90_min),
                num(self.overall_p90_ci),
                num(self.overall_within * 100, "{:.0f}%"),
                "yes" if self.overall_meets else "NO",
                "",
            ]
        )
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = []
        for n, row in enumerate(rows):
            parts = [row[0].ljust(widths[0])]
            parts += [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
            lines.append("  ".join(parts).rstrip())
            if n in (0, len(rows) - 2):
                lines.append("-" * max(len(x) for x in lines))
        slots = f"{self.slots} slots ({self.slots_from})" if self.slots else "no slot limit"
        slots += ", confirmed on the floor plan" if self.walking else ", no walking"
        head = (
            f"{self.scenario}: target p90 <= {self.target_p90_min:g} min, {slots}, "
            f"{self.replications} replications, seed {self.seed}, "
            f"{self.simulations} simulations"
        )
        if self.feasible:
            verdict = f"{self.total} counters meet the target at every agency and overall."
        else:
            verdict = (
                f"No allocation within the slots meets the target; best found uses {self.total} "
                f"counters and misses at: {', '.join(self.missing)}."
            )
        note = (
            "waits of all replications pooled; p90 '-' means more than 10% were never called; "
            "'meets': at least 90% called within the target, in the search and in a confirming "
            "simulation with other random numbers; a counter group's counters serve its "
            "agencies from one queue"
        )
        return "\n".join([head, *lines, verdict, note])

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``--json`` (NaN as null)."""

        def num(value: float) -> float | None:
            return round(value, 4) if math.isfinite(value) else None

        def figures(r: AgencyResult | QueueResult) -> dict[str, Any]:
            return {
                "open_today": r.open_today,
                "current": r.current,
                "erlang_c": r.erlang_c,
                "counters": r.counters,
                "arrivals": num(r.arrivals),
                "p90_min": num(r.p90_min),
                "p90_ci": num(r.p90_ci),
                "within_target": num(r.within_target),
                "meets": r.meets,
                "one_more_counter_cuts_p90_min": num(r.one_more_cuts_min),
                "one_more_counter_cuts_ci": num(r.one_more_cuts_ci),
            }

        return {
            "scenario": self.scenario,
            "version": __version__,
            "seed": self.seed,
            "replications": self.replications,
            "target_p90_min": self.target_p90_min,
            "slots": self.slots,
            "slots_from": self.slots_from,
            "confirmed_on_floor_plan": self.walking,
            "feasible": self.feasible,
            "total_counters": self.total,
            "current_total": sum(q.current for q in self.queues),
            "counters": self.counters,
            "missing": list(self.missing),
            "overall": {
                "p90_min": num(self.overall_p90_min),
                "p90_ci": num(self.overall_p90_ci),
                "within_target": num(self.overall_within),
                "meets": self.overall_meets,
            },
            "queues": [
                {"id": q.queue, "agencies": list(q.agencies)} | figures(q) for q in self.queues
            ],
            "agencies": [{"id": a.agency, "queue": a.queue} | figures(a) for a in self.agencies],
            "simulations": self.simulations,
        }


def floor_plan_slots(scenario: Scenario) -> int | None:
    """Counter slots drawn in the scenario's floor plan, every floor of a building (``None``
    without a layout)."""
    if scenario.layout is None:
        return None
    from simulator.floorplan.load import load_floorplan

    return sum(len(load_floorplan(f).counters) for f in scenario.layout_files())


def erlang_c_start(plan: Plan, *, target_p90_min: float) -> dict[str, int]:
    """Counters per queue from Erlang C at the peak-hour arrival rate of its agencies
    together (plus transfers in) and their mean service time weighted by it (1 when
    closed)."""
    peak = {a.index: float(a.rates_per_min.max()) if a.open_today else 0.0 for a in plan.agencies}
    inflow = dict.fromkeys(peak, 0.0)
    for agency in plan.agencies:
        for target, share in agency.transfers:
            inflow[target] += peak[agency.index] * share
    start = {}
    for queue in plan.queues:
        rates = {m: peak[m] + inflow[m] for m in queue.agencies}
        rate = sum(rates.values())
        if rate <= 0 or not plan.queue_open(queue):
            start[queue.id] = 1
            continue
        mean = sum(r * plan.agencies[m].service.mean for m, r in rates.items()) / rate
        servers = erlang_c_servers_for_target(
            arrival_rate_per_min=rate,
            service_mean_min=mean,
            target_wait_min=target_p90_min,
            target_share=P90_SHARE,
        )
        start[queue.id] = min(MAX_COUNTERS_PER_AGENCY, max(1, servers))
    return start


class QueueRuns:
    """Runs of queues only (no walking), kept by what decides them: the scenario without its
    layout, the seed and the replications. Optimisations of one scenario on several layouts
    (``layouts compare``) share them, since without walking a layout changes nothing."""

    def __init__(self) -> None:
        self._runs: dict[tuple[str, int, int], ExperimentResult] = {}
        self.reused = 0

    def run(
        self, scenario: Scenario, seed: int, replications: int, executor: Executor | None
    ) -> ExperimentResult:
        """The run of ``scenario`` without walking, simulated once."""
        bare = scenario.model_copy(update={"layout": None, "placement": {}, "zones": {}})
        key = (scenario_fingerprint(bare), seed, replications)
        found = self._runs.get(key)
        if found is not None:
            self.reused += 1
            return found
        (result,) = run_paired(
            [compile_plan(bare)], seed=seed, replications=replications, executor=executor
        )
        self._runs[key] = result
        return result


class _Evaluator:
    """Simulates allocations (counters per queue) with one seed and remembers, per queue and
    count of counters, the run that measured it (its pooled figures and its holders'
    waits)."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        seed: int,
        replications: int,
        executor: Executor,
        progress: Progress | None,
        walking: bool,
        cache: QueueRuns,
    ) -> None:
        self.cache = cache
        self.scenario = scenario
        self.walking = walking
        self.seed = seed
        self.replications = replications
        self.executor = executor
        self.progress = progress
        self.members: dict[str, tuple[str, ...]] = {}
        for agency in scenario.agencies:
            queue = scenario.queue_of(agency.id)
            self.members[queue] = (*self.members.get(queue, ()), agency.id)
        self.known: dict[tuple[str, int], ExperimentResult] = {}
        self.arrivals: dict[str, float] = {}
        self.simulations = 0
        self.last: ExperimentResult | None = None

    def run(self, allocation: Mapping[str, int], why: str) -> None:
        scenario = with_counters(self.scenario, allocation)
        if self.walking:  # a placement that no longer holds a queue's counters gives way
            scenario = fit_to_layout(scenario).scenario
            (result,) = run_paired(
                [plan_for(scenario)],
                seed=self.seed,
                replications=self.replications,
                executor=self.executor,
            )
        else:
            result = self.cache.run(scenario, self.seed, self.replications, self.executor)
        self.simulations += 1
        if self.progress is not None:
            where = "on the floor plan" if self.walking else "queues only"
            self.progress(f"{why}: {sum(allocation.values())} counters, {where}")
        self.last = result
        for queue, count in allocation.items():
            self.known[(queue, count)] = result
            for agency in self.members[queue]:
                self.arrivals[agency] = float(result.row(agency)["arrivals"])
            self.arrivals[queue] = sum(self.arrivals[a] for a in self.members[queue])

    def row(self, agency: str, counters: int) -> pd.Series:
        """The summary row of ``agency`` in the run with ``counters`` at its queue."""
        return self.known[(self.scenario.queue_of(agency), counters)].row(agency)

    def agency_stats(self, agency: str, counters: int) -> tuple[float, float]:
        row = self.row(agency, counters)
        return float(row[_KPI]), float(row[f"{_KPI}_ci"])

    def samples(self, queue: str, counters: int, agencies: Sequence[str]) -> list[np.ndarray]:
        """Per replication, the waits of the holders of ``agencies`` in that run."""
        result = self.known[(queue, counters)]
        reps = list(range(self.replications))
        parts = [wait_samples(result.waits, a, reps) for a in agencies]
        return [np.concatenate([p[r] for p in parts]) for r in reps]

    def stats(self, queue: str, counters: int) -> tuple[float, float]:
        """The queue's pooled p90 (all its agencies' holders) and its 95% half-width."""
        members = self.members[queue]
        if len(members) == 1:
            return self.agency_stats(members[0], counters)
        estimate, low, high = pooled_quantile(self.samples(queue, counters, members), P90_SHARE)
        return estimate, (high - low) / 2 if math.isfinite(low) else math.nan

    def meets(self, queue: str, counters: int) -> bool:
        """Each of the queue's agencies meets the target."""
        return all(_meets(self.row(a, counters)) for a in self.members[queue])

    def within(self, queue: str, counters: int) -> float:
        """Share of the queue's ticket holders (all its agencies) called within the target."""
        members = self.members[queue]
        if len(members) == 1:
            return float(self.row(members[0], counters)["within_target"])
        days = self.known[(queue, counters)].per_replication
        mine = days[days["agency"].isin(members)]
        holders = float(mine["holders"].sum())
        return float(mine["called_within"].sum()) / holders if holders > 0 else math.nan

    def excess(self, queue: str, counters: int) -> float:
        """Visitors a day called later than the target beyond the share allowed, over the
        queue's agencies (what missing the target costs)."""
        total = 0.0
        for agency in self.members[queue]:
            within = float(self.row(agency, counters)["within_target"])
            short = max(0.0, P90_SHARE - within) if math.isfinite(within) else 0.0
            total += short * max(self.arrivals.get(agency, 0.0), 1.0)
        return total

    def helps(self, queue: str, fewer: int, more: int) -> bool:
        """Whether going from ``fewer`` to ``more`` counters makes a practical difference:
        the share within the target rises by :data:`PLATEAU_SHARE` or the p90 falls by
        :data:`PLATEAU_MIN` (a p90 that becomes reachable counts)."""
        gain = self.within(queue, more) - self.within(queue, fewer)
        p90_fewer, p90_more = self.stats(queue, fewer)[0], self.stats(queue, more)[0]
        if math.isinf(p90_fewer) and math.isfinite(p90_more):
            return True
        cut = p90_fewer - p90_more if math.isfinite(p90_fewer) else 0.0
        return gain >= PLATEAU_SHARE or cut >= PLATEAU_MIN

    def cut(
        self, queue: str, fewer: int, more: int, agencies: Sequence[str] | None = None
    ) -> tuple[float, float]:
        """How much the p90 of ``agencies`` (default: the queue's) falls from ``fewer`` to
        ``more`` counters at the queue (paired over the same days), and its 95% half-width."""
        who = agencies if agencies is not None else self.members[queue]
        diff, low, high = paired_quantile_difference(
            self.samples(queue, fewer, who),
            self.samples(queue, more, who),
            P90_SHARE,
            seed=self.seed,
        )
        half = (high - low) / 2 if math.isfinite(low) and math.isfinite(high) else math.nan
        return -diff, half


def _search(ev: _Evaluator, start: dict[str, int], fixed: set[str]) -> dict[str, int]:
    """Smallest count meeting the target for every agency.

    An agency that cannot meet it stops where one more counter no longer helps it (see
    :meth:`_Evaluator.helps`; e.g. when its waits are set by visitors waiting for the opening).
    """
    low = dict.fromkeys(start, 0)
    high: dict[str, int | None] = dict.fromkeys(start, None)
    stuck: dict[str, int] = {}
    probe = dict(start)
    for agency in fixed:
        high[agency] = start[agency]
    while True:
        ev.run(probe, "searching")
        for agency, count in probe.items():
            if agency in fixed or agency in stuck:
                continue
            if ev.meets(agency, count):
                current = high[agency]
                high[agency] = count if current is None else min(current, count)
                continue
            low[agency] = max(low[agency], count)
            below = (agency, count - 1)
            if high[agency] is None and below in ev.known and not ev.helps(*below, count):
                stuck[agency] = count - 1
        nxt = {}
        settled = True
        for agency in probe:
            hi = high[agency]
            if agency in stuck:
                nxt[agency] = stuck[agency]
            elif hi is not None and (hi == 1 or low[agency] >= hi - 1):
                nxt[agency] = hi
            elif hi is None and low[agency] >= MAX_COUNTERS_PER_AGENCY:
                nxt[agency] = MAX_COUNTERS_PER_AGENCY
            else:
                settled = False
                nxt[agency] = low[agency] + 1 if hi is None else hi - 1
        if settled:
            return nxt
        probe = nxt


def _fit_slots(ev: _Evaluator, allocation: dict[str, int], slots: int) -> dict[str, int]:
    """Take counters away where they cost least until the allocation fits the slots."""
    allocation = dict(allocation)
    while sum(allocation.values()) > slots:
        unknown = {a: c - 1 for a, c in allocation.items() if c > 1 and (a, c - 1) not in ev.known}
        if unknown:
            ev.run(allocation | unknown, "fitting the slots")
        candidates = [a for a, c in allocation.items() if c > 1]
        cheapest = min(
            candidates,
            key=lambda a: (
                ev.excess(a, allocation[a] - 1) - ev.excess(a, allocation[a]),
                -allocation[a],
                a,
            ),
        )
        allocation[cheapest] -= 1
    return allocation


def optimise_counters(
    scenario: Scenario,
    *,
    target_p90_min: float,
    slots: int | None = None,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    queue_runs: QueueRuns | None = None,
) -> OptimizeResult:
    """The counters per queue meeting ``target_p90_min`` (overall and at every agency) with
    the fewest counters in total, within ``slots`` (default: the floor plan's counter slots;
    no limit without a layout). Every simulation uses the same seed (common random numbers).

    The search simulates queues without walking (faster, and a probe may need more counters
    than the floor plan has slots); the allocation found is confirmed, and reported, in full
    simulations on the floor plan. What one more counter buys is measured without walking.
    ``queue_runs`` keeps the runs without walking for another call on the same scenario.
    """
    if not math.isfinite(target_p90_min) or target_p90_min <= 0:
        raise SimulatorError(
            f"the target p90 must be a positive number of minutes, got {target_p90_min}"
        )
    reps = replications if replications is not None else scenario.run.replications
    if reps < 2:
        raise SimulatorError(f"the optimiser needs at least 2 replications, got {reps}")
    chosen_seed = seed if seed is not None else scenario.run.seed
    plan_slots = floor_plan_slots(scenario)
    slots_from = "given"
    if slots is None:
        slots = plan_slots
        plans = ", ".join(Path(f).name for f in scenario.layout_files())
        slots_from = f"floor plan {plans}" if slots is not None and plans else "none"
    current = scenario.queue_counters()
    if slots is not None and slots < len(current):
        what = (
            f"{len(current)} queues (agencies and counter groups)"
            if scenario.counter_groups
            else f"{len(current)} agencies"
        )
        raise SimulatorError(
            f"{slots} counter slots ({slots_from}) cannot hold {what} with at least one counter "
            "each; expected at least one slot per agency or counter group"
        )
    scenario = scenario.model_copy(
        update={
            "target": scenario.target.model_copy(
                update={"wait_min": target_p90_min, "share": P90_SHARE}
            )
        }
    )
    plan = compile_plan(scenario)
    start = erlang_c_start(plan, target_p90_min=target_p90_min)
    closed = {q.id for q in plan.queues if not plan.queue_open(q)}
    cache = queue_runs if queue_runs is not None else QueueRuns()

    def evaluator(walking: bool, seed: int) -> _Evaluator:
        return _Evaluator(
            scenario,
            seed=seed,
            replications=reps,
            executor=executor if executor is not None else InlineExecutor(),
            progress=progress,
            walking=walking,
            cache=cache,
        )

    queues = evaluator(False, chosen_seed)
    allocation = _search(queues, start, closed)
    if slots is not None and sum(allocation.values()) > slots:
        allocation = _fit_slots(queues, allocation, slots)
    # Confirmed with fresh random numbers: an allocation that met the target only by the luck
    # of the search's days does not pass twice.
    full = evaluator(
        scenario.layout is not None
        and (plan_slots is None or sum(allocation.values()) <= plan_slots),
        confirmation_seed(chosen_seed),
    )
    allocation = _confirm(full, allocation, slots=slots, plan_slots=plan_slots, closed=closed)
    assert full.last is not None
    overall = full.last.overall
    overall_meets = _overall_meets(full)
    if any((q, c) not in queues.known for q, c in allocation.items()):
        queues.run(allocation, "measuring one more counter")
    more = {q: min(MAX_COUNTERS_PER_AGENCY, c + 1) for q, c in allocation.items()}
    queues.run(more, "measuring one more counter")

    agencies, queue_rows = _results(
        scenario, plan, full, queues, allocation, more, start=start, closed=closed
    )
    missing = tuple(a.agency for a in agencies if not a.meets)
    if not overall_meets:
        missing = (*missing, OVERALL)
    overall_mean, overall_half = float(overall[_KPI]), float(overall[f"{_KPI}_ci"])
    return OptimizeResult(
        scenario=scenario.name,
        target_p90_min=target_p90_min,
        slots=slots,
        slots_from=slots_from,
        walking=full.walking,
        feasible=not missing,
        counters=dict(allocation),
        agencies=tuple(agencies),
        queues=tuple(queue_rows),
        overall_p90_min=overall_mean,
        overall_p90_ci=overall_half,
        overall_within=float(overall["within_target"]),
        overall_meets=overall_meets,
        missing=missing,
        simulations=queues.simulations + full.simulations,
        seed=chosen_seed,
        replications=reps,
    )


def _results(
    scenario: Scenario,
    plan: Plan,
    full: _Evaluator,
    queues: _Evaluator,
    allocation: Mapping[str, int],
    more: Mapping[str, int],
    *,
    start: Mapping[str, int],
    closed: set[str],
) -> tuple[list[AgencyResult], list[QueueResult]]:
    """Rows per agency and per queue: figures from the confirming run (``full``), what one
    more counter buys from the queues-only runs."""
    current = scenario.queue_counters()
    open_today = {a.id for a in plan.agencies if a.open_today}

    def one_more(queue: str, agencies: Sequence[str] | None = None) -> tuple[float, float]:
        if more[queue] > allocation[queue] and queue not in closed:
            return queues.cut(queue, allocation[queue], more[queue], agencies)
        return math.nan, math.nan

    agencies = []
    for agency in scenario.agencies:
        queue = scenario.queue_of(agency.id)
        p90, p90_half = full.agency_stats(agency.id, allocation[queue])
        cut, cut_half = one_more(queue, [agency.id])
        agencies.append(
            AgencyResult(
                agency=agency.id,
                queue=queue,
                open_today=agency.id in open_today,
                current=current[queue],
                erlang_c=start[queue],
                counters=allocation[queue],
                arrivals=full.arrivals.get(agency.id, 0.0),
                p90_min=p90,
                p90_ci=p90_half,
                within_target=float(full.row(agency.id, allocation[queue])["within_target"]),
                meets=_meets(full.row(agency.id, allocation[queue])),
                one_more_cuts_min=cut,
                one_more_cuts_ci=cut_half,
            )
        )
    queue_rows = []
    for queue, count in allocation.items():
        p90, p90_half = full.stats(queue, count)
        cut, cut_half = one_more(queue)
        queue_rows.append(
            QueueResult(
                queue=queue,
                agencies=full.members[queue],
                open_today=queue not in closed,
                current=current[queue],
                erlang_c=start[queue],
                counters=count,
                arrivals=full.arrivals.get(queue, 0.0),
                p90_min=p90,
                p90_ci=p90_half,
                within_target=full.within(queue, count),
                meets=full.meets(queue, count),
                one_more_cuts_min=cut,
                one_more_cuts_ci=cut_half,
            )
        )
    return agencies, queue_rows


def scenario_with(scenario: Scenario, result: OptimizeResult) -> tuple[Scenario, list[str]]:
    """The scenario with the counters found, ready to run on its layout: a queue whose
    placement no longer holds its counters is placed by the default rule (said in the
    notes). Raises :class:`SimulatorError` when the counters do not fit the layout's slots
    (an allocation within ``--slots`` larger than the plan)."""
    from simulator.errors import ScenarioError

    fitted = fit_to_layout(with_counters(scenario, result.counters))
    try:
        plan_for(fitted.scenario)
    except ScenarioError as exc:
        raise SimulatorError(
            f"the {result.total} counters found do not fit the scenario's layout ({exc.detail}); "
            "no scenario written"
        ) from None
    return fitted.scenario, fitted.notes()


def _confirm(
    full: _Evaluator,
    allocation: dict[str, int],
    *,
    slots: int | None,
    plan_slots: int | None,
    closed: set[str],
) -> dict[str, int]:
    """Simulate the allocation; while an agency (or the hall) misses and slots are left, give
    the worst a counter more. A counter that does not raise its agency's share within the
    target by :data:`PLATEAU_SHARE` is taken back and that agency left as it is (its waits
    are set by something else, such as the queue before the opening). Ends on a simulation
    of the allocation it returns."""
    allocation = dict(allocation)
    stuck: set[str] = set()
    added: str | None = None
    for _ in range(_MAX_CONFIRM_ROUNDS):
        full.run(allocation, "confirming")
        if added is not None and not full.helps(added, allocation[added] - 1, allocation[added]):
            allocation[added] -= 1
            stuck.add(added)
            full.run(allocation, "confirming")
        room = slots is None or sum(allocation.values()) < slots
        growable = [
            a
            for a in allocation
            if allocation[a] < MAX_COUNTERS_PER_AGENCY and a not in closed and a not in stuck
        ]
        failing = [a for a in growable if not full.meets(a, allocation[a])]
        if not failing and not _overall_meets(full) and growable:
            failing = [max(growable, key=lambda a: (full.excess(a, allocation[a]), a))]
        if not room or not failing:
            return allocation
        added = max(failing, key=lambda a: (full.excess(a, allocation[a]), a))
        allocation[added] += 1
        if full.walking and plan_slots is not None and sum(allocation.values()) > plan_slots:
            allocation[added] -= 1
            return allocation
    full.run(allocation, "confirming")  # out of rounds right after adding a counter
    return allocation


def confirmation_seed(seed: int) -> int:
    """The seed of the confirming simulations: other days than the search's."""
    return (seed + 1) % 2**63


def _meets(row: pd.Series) -> bool:
    """The optimiser's test, on the run's one basis: at least 90% of the ticket holders were
    called within the target (the same statement as the pooled p90 being within it). An
    agency without ticket holders meets it. Luck is guarded against by asking it of two
    simulations with different random numbers: the search's and the confirmation's."""
    within = float(row["within_target"])
    return not math.isfinite(within) or within >= P90_SHARE


def _overall_meets(ev: _Evaluator) -> bool:
    assert ev.last is not None
    return _meets(ev.last.overall)
