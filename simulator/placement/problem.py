"""The placement problem as numbers: the queues and their visits, the layout's slots and
walking costs, the blocks of slots a queue (or a cluster) may take, and what each costs.

A *block* is a set of slots for one queue's counters: all in one slot group (the slots
nearest one waiting zone, :func:`~simulator.floorplan.site.slot_groups`) and *joined*: each
reachable from the others by steps between neighbouring slots. Two slots on one floor are
neighbours when no third slot is nearer to both (the relative neighbourhood graph: along a
row, a slot's neighbours are the slots either side of it, never the one beyond) and they are
at most :data:`LINK_FACTOR` times the median distance between nearest slots apart (a row
ends at a gap). So a queue's counters stand side by side along a row or round a corner,
never at two ends of a wall or with another queue's counter between them. A cluster's
queues take consecutive pieces of one joined set, in walking order.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from simulator.floorplan.building import building_matrix
from simulator.floorplan.model import Building
from simulator.floorplan.site import ZONE_SLACK, front_nodes, slot_groups, waiting_zones, zone_rows
from simulator.inputs import floor_times_for, queue_volumes
from simulator.naming import natural_key
from simulator.plan import Plan
from simulator.scenario import Scenario
from simulator.walking import ENTRANCE, EXIT, INFO

__all__ = [
    "LINK_FACTOR",
    "Block",
    "Costing",
    "Geometry",
    "QueueNeeds",
    "block_cost",
    "block_zone",
    "blocks",
    "cluster_runs",
    "connected",
    "geometry",
    "queue_needs",
    "starts",
]

LINK_FACTOR = 2.0
"""Neighbouring slots are at most this many times the median distance between nearest slots
apart (a wider gap ends a row)."""

Block = tuple[int, ...]
"""Indices of slots (into :attr:`Geometry.slots`), sorted."""


@dataclass(frozen=True, kw_only=True)
class QueueNeeds:
    """What the optimiser needs to know of one queue (an agency's own counters, or a group)."""

    id: str
    counters: int
    regular: float
    """Visits a day at its counters by regular visitors (first visits and transfers in)."""
    priority: float
    """The same by priority visitors."""
    onward: float
    """Share of its visits going on to a transfer (to the kiosk, not the exit)."""
    load: float
    """Its share of the hall's visitors as the zone rule weighs it."""
    cluster: str
    named_zone: str | None
    transfers_to: tuple[tuple[str, float], ...]
    """(queue, share of this queue's visits) going on to that queue."""

    @property
    def visits(self) -> float:
        """Visits a day at its counters."""
        return self.regular + self.priority


def queue_needs(scenario: Scenario, plan: Plan) -> list[QueueNeeds]:
    """Visits per queue and visitor group on the day of ``plan`` (closed agencies get none)."""
    n = len(plan.agencies)
    first = np.array([a.expected_arrivals for a in plan.agencies])
    share_p = np.array([a.priority_share for a in plan.agencies])
    regular, priority, onward = (1 - share_p) * first, share_p * first, np.zeros(n)
    flows: dict[tuple[int, int], float] = {}
    for a in plan.agencies:
        for b, share in a.transfers:
            if plan.agencies[b].open_today:
                regular[b] += first[a.index] * share * (1 - share_p[a.index])
                priority[b] += first[a.index] * share * share_p[a.index]
                onward[a.index] += first[a.index] * share
                flows[(a.index, b)] = first[a.index] * share
    rule = queue_volumes(scenario)
    total_rule = sum(rule.values()) or 1.0
    named = {scenario.queue_of(k): v for k, v in scenario.zones.items()}
    out = []
    for queue in plan.queues:
        members = list(queue.agencies)
        visits = float(sum(regular[m] + priority[m] for m in members))
        clusters = {scenario.agencies[m].cluster for m in members}
        to: dict[str, float] = {}
        for (source, b), volume in flows.items():
            if source in members and visits > 0:
                target = plan.queues[plan.queue_of[b]].id
                to[target] = to.get(target, 0.0) + volume / visits
        out.append(
            QueueNeeds(
                id=queue.id,
                counters=queue.counters,
                regular=float(sum(regular[m] for m in members)),
                priority=float(sum(priority[m] for m in members)),
                onward=float(sum(onward[m] for m in members)) / visits if visits > 0 else 0.0,
                load=rule.get(queue.id, 0.0) / total_rule,
                cluster=clusters.pop() if len(clusters) == 1 else "",
                named_zone=named.get(queue.id),
                transfers_to=tuple(sorted(to.items())),
            )
        )
    return out


@dataclass(frozen=True, kw_only=True, eq=False)
class Geometry:
    """The layout as the optimiser reads it: slots, zones and walking costs between rows of
    the building matrix."""

    slots: tuple[str, ...]
    rows: np.ndarray
    """Matrix row of each slot."""
    group: tuple[str, ...]
    """Slot group of each slot."""
    floor: tuple[str, ...]
    """Level of each slot, as text (a scope like ``group``)."""
    time: np.ndarray
    """The zone rule's walking time between rows (minutes at the normal mean speed)."""
    effort: dict[bool, np.ndarray]
    """Effort between rows (metres, stair and lift minutes as metres), per visitor group
    (``True``: priority visitors, on their own routes)."""
    regular_zones: dict[str, int]
    priority_zones: dict[str, int]
    room: dict[str, float]
    """Share of the hall's visitors each candidate zone may take under the zone rule."""
    front: dict[str, int]
    exits: tuple[int, ...]
    link_m: float
    distance: np.ndarray
    """Metres between slots (infinite between floors)."""
    joined: np.ndarray
    """Whether two slots are neighbours (see the module docstring)."""

    @property
    def candidates(self) -> dict[str, int]:
        """The zones queues wait in first: the regular ones, else the priority ones."""
        return self.regular_zones or self.priority_zones

    @property
    def zones(self) -> dict[str, int]:
        """Every zone and its row."""
        return self.regular_zones | self.priority_zones


def geometry(scenario: Scenario, building: Building) -> Geometry:
    """Slots, zones and walking costs of ``building`` at the scenario's walking settings."""
    walking = scenario.walking
    speed = {False: walking.normal.mean_mps * 60.0, True: walking.priority.mean_mps * 60.0}
    m = building_matrix(
        building,
        times=floor_times_for(scenario),
        speed_mps=walking.normal.mean_mps,
        priority_speed_mps=walking.priority.mean_mps,
    )
    minutes = m.metres / speed[False] + m.extra_min
    rows: dict[str, int] = {}
    level_of: dict[str, int] = {}
    for level, plan in zip(building.levels, building.floors, strict=True):
        for c in plan.counters:
            if c.slot not in rows:
                rows[c.slot] = m.index(f"L{level}/slot:{c.slot}")
                level_of[c.slot] = level
    slots = tuple(sorted(rows, key=natural_key))
    slot_rows = np.array([rows[s] for s in slots], dtype=int)
    groups = slot_groups(building)
    sized = {z.name: z for z in waiting_zones(building)}
    by_row = zone_rows(building, m)
    regular = {z: r for z, r in by_row.items() if not sized[z].priority}
    priority = {z: r for z, r in by_row.items() if sized[z].priority}
    capacity = {z: sized[z].seats + sized[z].standing_capacity for z in regular or priority}
    total = sum(capacity.values()) or 1
    front = front_nodes(m, minutes, slot_rows.tolist())
    exits = tuple(i for i, n in enumerate(m.names) if n.split("/", 1)[1].startswith("exit:"))
    levels = np.array([level_of[s] for s in slots])
    distance = m.metres[np.ix_(slot_rows, slot_rows)].copy()
    distance[levels[:, None] != levels[None, :]] = np.inf
    neighbour = np.where(np.eye(len(slots), dtype=bool), np.inf, distance).min(axis=1)
    finite = neighbour[np.isfinite(neighbour)]
    link = LINK_FACTOR * float(np.median(finite)) if finite.size else math.inf
    return Geometry(
        slots=slots,
        rows=slot_rows,
        group=tuple(groups[s] for s in slots),
        floor=tuple(str(v) for v in levels),
        time=minutes,
        effort={
            False: m.metres + m.extra_min * speed[False],
            True: m.priority_metres + m.priority_extra_min * speed[True],
        },
        regular_zones=regular,
        priority_zones=priority,
        room={z: ZONE_SLACK * c / total for z, c in capacity.items()},
        front=front,
        exits=exits or (front[EXIT],),
        link_m=link,
        distance=distance,
        joined=_neighbourhood(distance, link),
    )


def _neighbourhood(distance: np.ndarray, link: float) -> np.ndarray:
    """Neighbours: no third slot nearer to both, and at most ``link`` metres apart."""
    n = len(distance)
    joined = np.zeros((n, n), dtype=bool)
    for i in range(n):
        for j in range(i + 1, n):
            d = distance[i, j]
            if not d <= link:
                continue
            between = np.maximum(distance[i], distance[j]) < d - 1e-6
            between[[i, j]] = False
            joined[i, j] = joined[j, i] = not between.any()
    return joined


# ---------------------------------------------------------------------------------- blocks
def connected(members: Sequence[int], joined: np.ndarray) -> bool:
    """Whether ``members`` are joined: each reached from the others by steps between
    neighbours (``joined``, :attr:`Geometry.joined`) among them."""
    if not members:
        return True
    seen = {members[0]}
    todo = [members[0]]
    while todo:
        i = todo.pop()
        for j in members:
            if j not in seen and joined[i, j]:
                seen.add(j)
                todo.append(j)
    return len(seen) == len(members)


MAX_SETS = 5_000
"""Most joined sets of slots enumerated per size and scope; past it, the sets grown from each
slot (its nearest, and the runs from it) stand in (a dense grid of slots and a long queue)."""


class _TooMany(Exception):
    pass


def _neighbours(geo: Geometry, scope: Sequence[str]) -> list[set[int]]:
    """Slots joined to each slot: within the link distance, in the same scope."""
    count = len(geo.slots)
    return [
        {j for j in range(count) if scope[j] == scope[i] and geo.joined[i, j]} for i in range(count)
    ]


def _joined_sets(near: list[set[int]], n: int, limit: int) -> list[Block]:
    """Every joined set of ``n`` slots, each once (Wernicke's ESU enumeration: a set is grown
    from its lowest slot by the exclusive neighbours of the slot last added)."""
    out: list[Block] = []

    def extend(
        chosen: frozenset[int], reach: frozenset[int], extension: set[int], root: int
    ) -> None:
        if len(chosen) == n:
            out.append(tuple(sorted(chosen)))
            if len(out) > limit:
                raise _TooMany
            return
        extension = set(extension)
        while extension:
            w = extension.pop()
            exclusive = {u for u in near[w] if u > root and u not in chosen and u not in reach}
            extend(chosen | {w}, reach | near[w] | {w}, extension | exclusive, root)

    for root in range(len(near)):
        extend(
            frozenset({root}),
            frozenset(near[root] | {root}),
            {u for u in near[root] if u > root},
            root,
        )
    return out


def _grown(geo: Geometry, n: int, scope: Sequence[str], near: list[set[int]]) -> list[Block]:
    """Joined sets grown from every slot: its ``n`` nearest, and the runs walking on to the
    nearest next slot one way and the other (when there are too many to enumerate)."""
    d = geo.distance
    found: set[Block] = set()
    for seed in range(len(geo.slots)):
        allowed = [j for j in range(len(geo.slots)) if scope[j] == scope[seed]]
        if len(allowed) < n:
            continue
        ball = sorted(allowed, key=lambda j: (float(d[seed, j]), j))[:n]
        if connected(ball, geo.joined):
            found.add(tuple(sorted(ball)))
        for sign in (1, -1):
            run = [seed]
            while len(run) < n:
                last = run[-1]
                options = [j for j in near[last] if j not in run]
                if not options:
                    break
                steps = {j: (float(d[last, j]), sign * j) for j in options}
                run.append(min(options, key=steps.__getitem__))
            if len(run) == n:
                found.add(tuple(sorted(run)))
    return sorted(found)


def blocks(geo: Geometry, n: int, scope: Sequence[str], *, loose: bool = False) -> list[Block]:
    """Candidate blocks of ``n`` slots within one scope (e.g. :attr:`Geometry.group`): every
    joined set of ``n`` slots (up to :data:`MAX_SETS`, else those grown from each slot); with
    ``loose``, each slot's ``n`` nearest instead (for a queue no joined set can hold)."""
    if loose:
        d = geo.distance
        found = set()
        for seed in range(len(geo.slots)):
            allowed = [j for j in range(len(geo.slots)) if scope[j] == scope[seed]]
            if len(allowed) >= n:
                found.add(tuple(sorted(sorted(allowed, key=lambda j: (float(d[seed, j]), j))[:n])))
        return sorted(found)
    near = _neighbours(geo, scope)
    try:
        return sorted(_joined_sets(near, n, MAX_SETS))
    except _TooMany:
        return _grown(geo, n, scope, near)


def _path_order(geo: Geometry, block: Block, near: list[set[int]]) -> list[int]:
    """The slots of a joined set in walking order: from an end (the slot with the fewest
    neighbours in the set), on to the nearest slot not yet visited."""
    members = set(block)
    start = min(block, key=lambda j: (len(near[j] & members), j))
    order = [start]
    while len(order) < len(block):
        last = order[-1]
        rest = [j for j in block if j not in order]
        order.append(min(rest, key=lambda j: (float(geo.distance[last, j]), j)))
    return order


def cluster_runs(
    geo: Geometry, queues: Sequence[QueueNeeds], scope: Sequence[str]
) -> list[dict[str, Block]]:
    """Ways to put a cluster's queues side by side: a joined set of all their counters in one
    scope, in walking order, cut into consecutive pieces (each joined), one per queue, in
    every order of the queues."""
    total = sum(q.counters for q in queues)
    near = _neighbours(geo, scope)
    seen: set[tuple[tuple[str, Block], ...]] = set()
    out = []
    for joined in blocks(geo, total, scope):
        run = _path_order(geo, joined, near)
        for order in itertools.permutations(queues):
            pieces: dict[str, Block] = {}
            at = 0
            for q in order:
                pieces[q.id] = tuple(sorted(run[at : at + q.counters]))
                at += q.counters
            if not all(connected(p, geo.joined) for p in pieces.values()):
                continue
            key = tuple(sorted(pieces.items()))
            if key not in seen:
                seen.add(key)
                out.append(pieces)
    return out


# ----------------------------------------------------------------------------------- costs
@dataclass(frozen=True, kw_only=True)
class Costing:
    """What one solve assumes: the exit visitors leave by, the kiosk where tickets are
    printed (``None`` without kiosks), and without kiosks where the other queues are."""

    exit: int
    kiosk: int | None
    origin: dict[int, float]
    """Row -> share of first visits starting there when there are no kiosks."""
    previous: Mapping[str, Block]
    """Slots of each queue in the previous round (walks between queues without kiosks)."""


def starts(geo: Geometry, plan: Plan) -> dict[int, float]:
    """Where first visits start without kiosks: the information desk for its share, else
    the entrance."""
    front = plan.front_office
    share = front.info_share if front.info is not None and INFO in geo.front else 0.0
    out = {geo.front[ENTRANCE]: 1.0 - share}
    if share > 0:
        out[geo.front[INFO]] = out.get(geo.front[INFO], 0.0) + share
    return out


def _nearest(geo: Geometry, zones: Mapping[str, int], block: Block) -> str | None:
    """The zone with the least mean rule time to the block's slots (ties: by name), as the
    site's zone rule orders them."""
    if not zones:
        return None
    rows = geo.rows[list(block)]
    return min(zones, key=lambda z: (float(geo.time[zones[z], rows].mean()), z))


def block_zone(geo: Geometry, queue: QueueNeeds, block: Block) -> tuple[str | None, str | None]:
    """(first zone of the queue's regular visitors, of its priority visitors) with the queue
    on ``block``: the zone named for it, else the nearest; for priority visitors the nearest
    priority zone, where the hall also has regular ones."""
    named = queue.named_zone if queue.named_zone in geo.candidates else None
    zone = named or _nearest(geo, geo.candidates, block)
    lift = _nearest(geo, geo.priority_zones, block) if geo.regular_zones else None
    return zone, lift or zone


def block_cost(
    geo: Geometry,
    queue: QueueNeeds,
    block: Block,
    costing: Costing,
    others: Mapping[str, QueueNeeds],
) -> float:
    """Effort a day of the queue's visitors from where their ticket is printed, through their
    zone to its counters on ``block``, and on to the exit (or the kiosk, for a transfer)."""
    rows = geo.rows[list(block)]
    zones = block_zone(geo, queue, block)
    total = 0.0
    for priority, visits in ((False, queue.regular), (True, queue.priority)):
        if visits <= 0:
            continue
        cost = geo.effort[priority]
        name = zones[1] if priority else zones[0]
        zone = geo.zones[name] if name is not None else None
        origin = {costing.kiosk: 1.0} if costing.kiosk is not None else costing.origin
        walk = 0.0
        for start, share in origin.items():
            if zone is not None:
                walk += share * float(cost[start, zone])
            else:
                walk += share * float(cost[start, rows].mean())
        if zone is not None:
            walk += float(cost[zone, rows].mean())
        walk += (1 - queue.onward) * float(cost[rows, costing.exit].mean())
        if costing.kiosk is not None:
            walk += queue.onward * float(cost[rows, costing.kiosk].mean())
        else:
            walk += _onward_without_kiosk(geo, queue, rows, costing, others, priority)
        total += visits * walk
    return total


def _onward_without_kiosk(
    geo: Geometry,
    queue: QueueNeeds,
    rows: np.ndarray,
    costing: Costing,
    others: Mapping[str, QueueNeeds],
    priority: bool,
) -> float:
    """Without kiosks a transfer walks from these counters straight to the second queue's
    zone: costed where that queue was in the previous round."""
    walk = 0.0
    for target, share in queue.transfers_to:
        there = costing.previous.get(target)
        if not there or target not in others:
            continue
        zones = block_zone(geo, others[target], there)
        name = zones[1] if priority else zones[0]
        to = geo.zones[name] if name is not None else int(geo.rows[there[0]])
        walk += share * float(geo.effort[priority][rows, to].mean())
    return walk
