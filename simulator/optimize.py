"""The counter optimiser: the fewest counters per agency that meet a p90 wait target.

1. Start from Erlang C: for each agency open that day, the smallest number of counters with
   P(wait <= target) >= 0.9 in M/M/c at its peak-hour arrival rate (plus visitors transferred
   in) and its mean service time.
2. Correct by simulation, all agencies at once: each simulated allocation tells every agency's
   p90 at its own number of counters, because an agency's visitors draw from its own random
   streams (common random numbers) and agencies barely interact (shared kiosks and transfers
   only). An agency that misses the target probes one counter more in the next simulation; one
   that meets it probes one fewer, until each agency knows the smallest count that meets the
   target ("meets": at least 90% of its ticket holders called within the target, the same
   statement as its pooled p90 being within the target).
3. When the counters needed exceed the slots the floor plan has (or ``slots``), counters are
   taken away greedily where they cost least (visitors times minutes of p90 over the target),
   and the agencies that then miss are reported.
4. The final allocation is confirmed in one simulation of the whole hall with fresh random
   numbers (another seed; an agency that misses there gets a counter more, unless a counter no
   longer helps it), and one more simulation with a counter more everywhere says what one more
   counter would buy at each agency (paired p90 reduction, with its 95% interval).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from simulator import __version__
from simulator.compare import DEFAULT_THRESHOLDS, run_paired, threshold_for
from simulator.errors import SimulatorError
from simulator.executors import Executor, InlineExecutor
from simulator.experiment import ExperimentResult
from simulator.inputs import plan_for
from simulator.metrics import OVERALL
from simulator.plan import Plan, compile_plan
from simulator.pooled import QUANTILES, wait_samples
from simulator.queueing import erlang_c_servers_for_target
from simulator.scenario import MAX_COUNTERS_PER_AGENCY, Scenario
from simulator.stats import paired_quantile_difference
from simulator.sweep import with_counters

__all__ = [
    "P90_SHARE",
    "PLATEAU_MIN",
    "PLATEAU_SHARE",
    "AgencyResult",
    "OptimizeResult",
    "erlang_c_start",
    "floor_plan_slots",
    "optimise_counters",
]

_KPI = "wait_p90_min"
P90_SHARE = QUANTILES[_KPI][0]
"""p90 <= target means this share of ticket holders called within the target."""
_MAX_CONFIRM_ROUNDS = 5
PLATEAU_SHARE = DEFAULT_THRESHOLDS["within_target"]
PLATEAU_MIN = threshold_for("wait_p90_min")
"""A counter that raises an agency's share called within the target by less than
:data:`PLATEAU_SHARE` and cuts its p90 by less than :data:`PLATEAU_MIN` (the practical
thresholds of a comparison) buys nothing."""

Progress = Callable[[str], None]


@dataclass(frozen=True, kw_only=True)
class AgencyResult:
    """One agency in the optimiser's answer."""

    agency: str
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
class OptimizeResult:
    """The allocation found, how it does, and what it took."""

    scenario: str
    target_p90_min: float
    slots: int | None
    slots_from: str
    walking: bool
    feasible: bool
    counters: dict[str, int]
    agencies: tuple[AgencyResult, ...]
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
        """The answer as a fixed-width table with a verdict line."""

        def num(value: float, fmt: str = "{:.1f}") -> str:
            return "-" if not math.isfinite(value) else fmt.format(value)

        rows = [
            ["agency", "now", "Erlang C", "best", "p90", "±", "in target", "meets", "+1 cuts p90"]
        ]
        for a in self.agencies:
            rows.append(
                [
                    a.agency + ("" if a.open_today else " (closed)"),
                    str(a.current),
                    str(a.erlang_c),
                    str(a.counters),
                    num(a.p90_min),
                    num(a.p90_ci),
                    num(a.within_target * 100, "{:.0f}%"),
                    "yes" if a.meets else "NO",
                    f"{num(a.one_more_cuts_min)} ± {num(a.one_more_cuts_ci)}",
                ]
            )
        rows.append(
            [
                "overall",
                str(sum(a.current for a in self.agencies)),
                str(sum(a.erlang_c for a in self.agencies)),
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
        for n, cells in enumerate(rows):
            parts = [cells[0].ljust(widths[0])]
            parts += [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
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
            "simulation with other random numbers"
        )
        return "\n".join([head, *lines, verdict, note])

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``--json`` (NaN as null)."""

        def num(value: float) -> float | None:
            return round(value, 4) if math.isfinite(value) else None

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
            "current_total": sum(a.current for a in self.agencies),
            "counters": self.counters,
            "missing": list(self.missing),
            "overall": {
                "p90_min": num(self.overall_p90_min),
                "p90_ci": num(self.overall_p90_ci),
                "within_target": num(self.overall_within),
                "meets": self.overall_meets,
            },
            "agencies": [
                {
                    "id": a.agency,
                    "open_today": a.open_today,
                    "current": a.current,
                    "erlang_c": a.erlang_c,
                    "counters": a.counters,
                    "arrivals": num(a.arrivals),
                    "p90_min": num(a.p90_min),
                    "p90_ci": num(a.p90_ci),
                    "within_target": num(a.within_target),
                    "meets": a.meets,
                    "one_more_counter_cuts_p90_min": num(a.one_more_cuts_min),
                    "one_more_counter_cuts_ci": num(a.one_more_cuts_ci),
                }
                for a in self.agencies
            ],
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
    """Counters per agency from Erlang C at the peak-hour arrival rate (1 when closed)."""
    peak = {a.id: float(a.rates_per_min.max()) if a.open_today else 0.0 for a in plan.agencies}
    inflow = dict.fromkeys(peak, 0.0)
    for agency in plan.agencies:
        for target, share in agency.transfers:
            inflow[plan.agencies[target].id] += peak[agency.id] * share
    start = {}
    for agency in plan.agencies:
        rate = peak[agency.id] + inflow[agency.id]
        if rate <= 0 or not agency.open_today:
            start[agency.id] = 1
            continue
        servers = erlang_c_servers_for_target(
            arrival_rate_per_min=rate,
            service_mean_min=agency.service.mean,
            target_wait_min=target_p90_min,
            target_share=P90_SHARE,
        )
        start[agency.id] = min(MAX_COUNTERS_PER_AGENCY, max(1, servers))
    return start


class _Evaluator:
    """Simulates allocations with one seed and remembers, per agency and count of counters,
    the run that measured it (its pooled figures and its holders' waits)."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        seed: int,
        replications: int,
        executor: Executor,
        progress: Progress | None,
        walking: bool,
    ) -> None:
        self.scenario = scenario
        self.walking = walking
        self.seed = seed
        self.replications = replications
        self.executor = executor
        self.progress = progress
        self.known: dict[tuple[str, int], ExperimentResult] = {}
        self.arrivals: dict[str, float] = {}
        self.simulations = 0
        self.last: ExperimentResult | None = None

    def run(self, allocation: Mapping[str, int], why: str) -> None:
        scenario = with_counters(self.scenario, allocation)
        plan = plan_for(scenario) if self.walking else compile_plan(scenario)
        (result,) = run_paired(
            [plan], seed=self.seed, replications=self.replications, executor=self.executor
        )
        self.simulations += 1
        if self.progress is not None:
            where = "on the floor plan" if self.walking else "queues only"
            self.progress(f"{why}: {sum(allocation.values())} counters, {where}")
        self.last = result
        for agency, count in allocation.items():
            self.known[(agency, count)] = result
            self.arrivals[agency] = float(result.row(agency)["arrivals"])

    def row(self, agency: str, counters: int) -> pd.Series:
        """The run's summary row of ``agency`` at ``counters`` counters."""
        return self.known[(agency, counters)].row(agency)

    def stats(self, agency: str, counters: int) -> tuple[float, float]:
        row = self.row(agency, counters)
        return float(row[_KPI]), float(row[f"{_KPI}_ci"])

    def meets(self, agency: str, counters: int) -> bool:
        return _meets(self.row(agency, counters))

    def within(self, agency: str, counters: int) -> float:
        return float(self.row(agency, counters)["within_target"])

    def excess(self, agency: str, counters: int) -> float:
        """Visitors a day called later than the target beyond the share allowed (what
        missing the target costs)."""
        within = self.within(agency, counters)
        short = max(0.0, P90_SHARE - within) if math.isfinite(within) else 0.0
        return short * max(self.arrivals.get(agency, 0.0), 1.0)

    def helps(self, agency: str, fewer: int, more: int) -> bool:
        """Whether going from ``fewer`` to ``more`` counters makes a practical difference:
        the share within the target rises by :data:`PLATEAU_SHARE` or the p90 falls by
        :data:`PLATEAU_MIN` (a p90 that becomes reachable counts)."""
        gain = self.within(agency, more) - self.within(agency, fewer)
        p90_fewer, p90_more = self.stats(agency, fewer)[0], self.stats(agency, more)[0]
        if math.isinf(p90_fewer) and math.isfinite(p90_more):
            return True
        cut = p90_fewer - p90_more if math.isfinite(p90_fewer) else 0.0
        return gain >= PLATEAU_SHARE or cut >= PLATEAU_MIN

    def cut(self, agency: str, fewer: int, more: int) -> tuple[float, float]:
        """How much the p90 falls from ``fewer`` to ``more`` counters (paired over the same
        days), and its 95% half-width."""
        a, b = self.known[(agency, fewer)], self.known[(agency, more)]
        replications = list(range(self.replications))
        diff, low, high = paired_quantile_difference(
            wait_samples(a.waits, agency, replications),
            wait_samples(b.waits, agency, replications),
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
) -> OptimizeResult:
    """The counters per agency meeting ``target_p90_min`` (overall and at every agency) with
    the fewest counters in total, within ``slots`` (default: the floor plan's counter slots;
    no limit without a layout). Every simulation uses the same seed (common random numbers).

    The search simulates queues without walking (faster, and a probe may need more counters
    than the floor plan has slots); the allocation found is confirmed, and reported, in full
    simulations on the floor plan. What one more counter buys is measured without walking.
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
    ids = [a.id for a in scenario.agencies]
    if slots is not None and slots < len(ids):
        raise SimulatorError(
            f"{slots} counter slots ({slots_from}) cannot hold {len(ids)} agencies with at least "
            "one counter each; expected at least as many slots as agencies"
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
    closed = {a.id for a in plan.agencies if not a.open_today}

    def evaluator(walking: bool, seed: int) -> _Evaluator:
        return _Evaluator(
            scenario,
            seed=seed,
            replications=reps,
            executor=executor if executor is not None else InlineExecutor(),
            progress=progress,
            walking=walking,
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
    if any((a, c) not in queues.known for a, c in allocation.items()):
        queues.run(allocation, "measuring one more counter")
    more = {a: min(MAX_COUNTERS_PER_AGENCY, c + 1) for a, c in allocation.items()}
    queues.run(more, "measuring one more counter")
    agencies = []
    for agency in scenario.agencies:
        aid = agency.id
        p90, p90_half = full.stats(aid, allocation[aid])
        if more[aid] > allocation[aid] and aid not in closed:
            cut, cut_half = queues.cut(aid, allocation[aid], more[aid])
        else:
            cut, cut_half = math.nan, math.nan
        agencies.append(
            AgencyResult(
                agency=aid,
                open_today=aid not in closed,
                current=agency.counters,
                erlang_c=start[aid],
                counters=allocation[aid],
                arrivals=full.arrivals.get(aid, 0.0),
                p90_min=p90,
                p90_ci=p90_half,
                within_target=full.within(aid, allocation[aid]),
                meets=full.meets(aid, allocation[aid]),
                one_more_cuts_min=cut,
                one_more_cuts_ci=cut_half,
            )
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
        overall_p90_min=overall_mean,
        overall_p90_ci=overall_half,
        overall_within=float(overall["within_target"]),
        overall_meets=overall_meets,
        missing=missing,
        simulations=queues.simulations + full.simulations,
        seed=chosen_seed,
        replications=reps,
    )


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
