"""Solving the placement: a mixed-integer programme over candidate blocks (HiGHS through
:func:`scipy.optimize.milp`), its constraints relaxed in a stated order when they cannot all
hold, and a linear assignment (:func:`scipy.optimize.linear_sum_assignment`) as the last
resort.

One binary variable per candidate (a block for a queue, or a run cut into pieces for a
cluster); each queue (or cluster) takes one candidate, each slot serves at most one queue,
and each waiting zone's load (the zone rule's volumes of the queues whose nearest zone it is)
stays within the rule's bound, so the site's rule then sends each queue to that very zone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp

from simulator.placement.problem import (
    Block,
    Costing,
    Geometry,
    QueueNeeds,
    block_cost,
    block_zone,
    blocks,
    cluster_runs,
)

__all__ = ["SOLVER", "Solution", "solve"]

SOLVER = "HiGHS mixed-integer programme (scipy.optimize.milp)"
TIME_LIMIT_S = 60.0
"""Longest one programme may take; past it the best placement found so far is used."""

Candidate = dict[str, Block]
"""Queue -> its block, for the queues of one unit (a queue alone, or a cluster)."""
Cost = Callable[[str, Block], float]
"""(queue, block) -> effort a day of the queue's visitors with the queue on that block."""


@dataclass(frozen=True, kw_only=True)
class Solution:
    """Each queue's block, and what had to give way to find it."""

    blocks: dict[str, Block]
    relaxed: tuple[str, ...]
    """The constraints relaxed, in words (empty when every one held)."""


@dataclass(frozen=True, kw_only=True)
class _Stage:
    clusters: str
    """``side by side`` (runs), ``one group``, ``fewest groups``."""
    scope: str
    """``group`` (blocks within one slot group) or ``floor``."""
    zone_bound: bool
    note: str


_STAGES = (
    _Stage(clusters="side by side", scope="group", zone_bound=True, note=""),
    _Stage(
        clusters="one group",
        scope="group",
        zone_bound=True,
        note="clusters could not all stand side by side: each stays in one slot group",
    ),
    _Stage(
        clusters="fewest groups",
        scope="group",
        zone_bound=True,
        note="clusters could not all stay in one slot group: they spread over the fewest",
    ),
    _Stage(
        clusters="fewest groups",
        scope="floor",
        zone_bound=True,
        note="queues could not all keep their counters in one slot group: a queue's counters "
        "may span slot groups on one floor",
    ),
    _Stage(
        clusters="fewest groups",
        scope="floor",
        zone_bound=False,
        note="the zone rule's capacity bound could not hold: a zone may get more visitors "
        "than its share",
    ),
)


def solve(geo: Geometry, needs: Sequence[QueueNeeds], costing: Costing) -> Solution:
    """The cheapest placement under every constraint that can hold (see the module)."""
    by_id = {q.id: q for q in needs}
    clusters: dict[str, list[QueueNeeds]] = {}
    for q in needs:
        if q.cluster:
            clusters.setdefault(q.cluster, []).append(q)
    clusters = {c: qs for c, qs in clusters.items() if len(qs) > 1}
    relaxed: list[str] = []
    cost_of: dict[tuple[str, Block], float] = {}

    def cost(queue: str, block: Block) -> float:
        key = (queue, block)
        if key not in cost_of:
            cost_of[key] = block_cost(geo, by_id[queue], block, costing, by_id)
        return cost_of[key]

    for stage in _STAGES:
        own, notes = _queue_blocks(geo, needs, stage.scope)
        units: dict[str, list[Candidate]] = {}
        apart = dict(clusters)
        if stage.clusters == "side by side":
            for name, members in clusters.items():
                runs = cluster_runs(geo, members, geo.group)
                if runs:
                    units[f"cluster:{name}"] = runs
                    del apart[name]
                else:
                    notes.append(
                        f"cluster {name} has no run of slots long enough to stand side by side: "
                        "it stays in one slot group"
                    )
        grouped = {q.id for c in clusters if c not in apart for q in clusters[c]}
        units |= {q.id: [{q.id: b} for b in own[q.id]] for q in needs if q.id not in grouped}
        found = _programme(
            geo,
            needs,
            units,
            cost,
            zone_bound=stage.zone_bound,
            clusters=apart,
            clusters_hard=stage.clusters != "fewest groups",
        )
        if found is not None:
            extra = [n for n in (*notes, stage.note) if n]
            return Solution(blocks=found, relaxed=tuple(dict.fromkeys([*relaxed, *extra])))
        if stage.note:
            relaxed.append(stage.note)
    return _one_by_one(geo, needs, cost)


def _queue_blocks(
    geo: Geometry, needs: Sequence[QueueNeeds], scope: str
) -> tuple[dict[str, list[Block]], list[str]]:
    """Each queue's candidate blocks: joined in one slot group, else joined on one floor,
    else its nearest slots in one group or floor (said in the notes)."""
    tries = [("group", False), ("floor", False)] if scope == "group" else [("floor", False)]
    tries += [("group", True), ("floor", True)]
    cache: dict[tuple[int, str, bool], list[Block]] = {}
    out: dict[str, list[Block]] = {}
    notes = []
    for q in needs:
        for kind, loose in tries:
            key = (q.counters, kind, loose)
            if key not in cache:
                where = geo.group if kind == "group" else geo.floor
                cache[key] = blocks(geo, q.counters, where, loose=loose)
            if cache[key]:
                out[q.id] = cache[key]
                if q.counters > 1 and (loose or kind != scope):
                    how = "the slots nearest each other" if loose else "joined on one floor"
                    notes.append(
                        f"{q.id}'s {q.counters} counters cannot be joined in one slot group: {how}"
                    )
                break
        else:
            out[q.id] = []
    return out, notes


class _Rows:
    """Rows of a sparse constraint matrix, added one at a time."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []

    def add(self, entries: Sequence[tuple[int, float]], lower: float, upper: float) -> None:
        r = len(self.lower)
        for c, v in entries:
            self.rows.append(r)
            self.cols.append(c)
            self.vals.append(v)
        self.lower.append(lower)
        self.upper.append(upper)

    def constraint(self, n_vars: int) -> LinearConstraint:
        a = sparse.csr_array((self.vals, (self.rows, self.cols)), shape=(len(self.lower), n_vars))
        return LinearConstraint(a, np.array(self.lower), np.array(self.upper))


def _programme(
    geo: Geometry,
    needs: Sequence[QueueNeeds],
    units: Mapping[str, list[Candidate]],
    cost: Cost,
    *,
    zone_bound: bool,
    clusters: Mapping[str, list[QueueNeeds]],
    clusters_hard: bool,
) -> dict[str, Block] | None:
    """Solve one mixed-integer programme; ``None`` when it has no solution.

    Variables: one per candidate (``columns``), then one per (cluster, slot group) saying the
    cluster uses that group (``spread``), for the clusters placed queue by queue.
    """
    if any(not candidates for candidates in units.values()):
        return None
    by_id = {q.id: q for q in needs}
    columns = [(unit, pieces) for unit, candidates in units.items() for pieces in candidates]
    walk = np.array([sum(cost(q, b) for q, b in pieces.items()) for _, pieces in columns])
    groups = sorted(set(geo.group))
    pairs = [(c, g) for c in clusters for g in groups]
    spread = {pair: len(columns) + i for i, pair in enumerate(pairs)}
    n_vars = len(columns) + len(spread)
    rows = _Rows()
    _assignment_rows(columns, rows)
    if zone_bound and len(geo.candidates) > 1:
        _zone_rows(geo, by_id, columns, rows)
    for name, members in clusters.items():
        ids = {q.id for q in members}
        for j, (_, pieces) in enumerate(columns):
            for qid in ids & set(pieces):
                group = geo.group[pieces[qid][0]]
                rows.add([(j, 1.0), (spread[(name, group)], -1.0)], -np.inf, 0.0)
        if clusters_hard:
            rows.add([(spread[(name, g)], 1.0) for g in groups], 1.0, 1.0)
    constraints = [rows.constraint(n_vars)]
    if clusters and not clusters_hard:
        # Lexicographic: first the fewest (cluster, slot group) pairs, then the least walking.
        used = np.concatenate([np.zeros(len(columns)), np.ones(len(spread))])
        first = _milp(used, constraints)
        if first is None:
            return None
        constraints.append(LinearConstraint(used[None, :], -np.inf, round(first[1]) + 0.5))
    found = _milp(np.concatenate([walk, np.zeros(len(spread))]), constraints)
    if found is None:
        return None
    chosen: dict[str, Block] = {}
    for j, (_, pieces) in enumerate(columns):
        if found[0][j] > 0.5:
            chosen |= pieces
    return chosen


def _assignment_rows(columns: Sequence[tuple[str, Candidate]], rows: _Rows) -> None:
    """Each unit (a queue, or a cluster) takes one candidate; each slot serves at most one."""
    of_unit: dict[str, list[int]] = {}
    of_slot: dict[int, list[int]] = {}
    for j, (unit, pieces) in enumerate(columns):
        of_unit.setdefault(unit, []).append(j)
        for block in pieces.values():
            for s in block:
                of_slot.setdefault(s, []).append(j)
    for js in of_unit.values():
        rows.add([(j, 1.0) for j in js], 1.0, 1.0)
    for js in of_slot.values():
        rows.add([(j, 1.0) for j in js], -np.inf, 1.0)


def _milp(
    objective: np.ndarray, constraints: list[LinearConstraint]
) -> tuple[np.ndarray, float] | None:
    """Binary variables, HiGHS; the solution and its objective, or ``None`` when there is
    none (a solution found by the time limit counts)."""
    n = len(objective)
    result = milp(
        objective,
        integrality=np.ones(n, dtype=int),
        bounds=Bounds(np.zeros(n), np.ones(n)),
        constraints=constraints,
        options={"time_limit": TIME_LIMIT_S, "mip_rel_gap": 1e-7},
    )
    if result.x is None:
        return None
    return np.asarray(result.x), float(result.fun)


def _zone_rows(
    geo: Geometry,
    by_id: Mapping[str, QueueNeeds],
    columns: Sequence[tuple[str, Candidate]],
    rows: _Rows,
) -> None:
    """Each candidate zone's load within the zone rule's bound (zones named by the scenario
    take their queues' load as given)."""
    fixed = dict.fromkeys(geo.candidates, 0.0)
    for q in by_id.values():
        if q.named_zone in fixed:
            fixed[q.named_zone] += q.load
    loads: dict[str, dict[int, float]] = {z: {} for z in geo.candidates}
    for j, (_, pieces) in enumerate(columns):
        for qid, block in pieces.items():
            q = by_id[qid]
            if q.named_zone in fixed or q.load <= 0:
                continue
            zone, _ = block_zone(geo, q, block)
            if zone is not None:
                loads[zone][j] = loads[zone].get(j, 0.0) + q.load
    for zone, entries in loads.items():
        rows.add(list(entries.items()), -np.inf, geo.room[zone] - fixed[zone] + 1e-9)


def _one_by_one(geo: Geometry, needs: Sequence[QueueNeeds], cost: Cost) -> Solution:
    """Last resort: every counter on its own slot by a linear assignment, each costed as if
    its queue waited in the zone nearest that slot."""
    counters = [q for q in needs for _ in range(q.counters)]
    matrix = np.array(
        [[cost(q.id, (s,)) / max(q.counters, 1) for s in range(len(geo.slots))] for q in counters]
    )
    r, c = linear_sum_assignment(matrix)
    chosen: dict[str, list[int]] = {}
    for i, j in zip(r, c, strict=True):
        chosen.setdefault(counters[i].id, []).append(int(j))
    return Solution(
        blocks={q: tuple(sorted(v)) for q, v in chosen.items()},
        relaxed=(
            "no placement keeps every queue's counters together: counters placed one by one "
            "(linear assignment)",
        ),
    )
