"""The walking cost model: how far a day's visitors walk on a compiled site, expected.

Each open agency's expected visitors walk the engine's path (:mod:`simulator.engine`): from
the entrance to the information desk (its share of them) and the kiosk, to the first waiting
zone of their list, to their queue's counters (used equally), and to the exit; a transfer
walks back to the kiosk for a new ticket and on through the second agency's zone and counter.
Queueing is left out (a zone found full, visitors giving up or turned away), so the estimate
is what the placement decides, and a short simulation says how close it comes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simulator.plan import Plan
from simulator.walking import ENTRANCE, EXIT, INFO, KIOSK, counter_node, waiting_node

__all__ = ["WalkEstimate", "walk_estimate"]

Leg = Callable[[str, str, bool], np.ndarray]
"""(from node, to node, priority) -> [metres, minutes, effort metres] of one walk."""


@dataclass(frozen=True, kw_only=True)
class WalkEstimate:
    """Expected walking per visitor of the day (transfers included): ``metres``, ``minutes``
    (at the groups' mean speeds, stairs and lifts included) and ``effort_m`` (metres, plus
    stair and lift minutes as the metres the visitor would walk in that time; on one floor
    the same as ``metres``)."""

    metres: float
    minutes: float
    effort_m: float

    def to_json(self) -> dict[str, float]:
        """Plain data, rounded."""
        return {
            "metres_per_visitor": round(self.metres, 2),
            "minutes_per_visitor": round(self.minutes, 3),
            "effort_m_per_visitor": round(self.effort_m, 2),
        }


def walk_estimate(plan: Plan) -> WalkEstimate:
    """The cost model applied to ``plan`` on its site (zero without a site)."""
    site = plan.site
    if site is None:
        return WalkEstimate(metres=0.0, minutes=0.0, effort_m=0.0)
    speeds = {
        False: plan.walking_normal.mean_mps * 60.0,
        True: plan.walking_priority.mean_mps * 60.0,
    }
    queue_ids = [plan.queues[q].id for q in plan.queue_of]
    counters = {q.id: q.counters for q in plan.queues}
    front = plan.front_office
    kiosks = front.kiosks is not None
    info_share = front.info_share if front.info is not None else 0.0

    def leg(a: str, b: str, priority: bool) -> np.ndarray:
        metres, extra = site.leg(a, b, priority=priority)
        speed = speeds[priority]
        return np.array([metres, metres / speed + extra, metres + extra * speed])

    def to_counters(agency: int, origin: str, priority: bool) -> tuple[np.ndarray, list[str]]:
        """From ``origin`` through the agency's first zone to its queue's counters."""
        queue = queue_ids[agency]
        nodes = [counter_node(queue, k) for k in range(counters[queue])]
        zones = site.zones_for(plan.agencies[agency].id, priority=priority)
        start = origin
        walk = np.zeros(3)
        if zones:
            start = waiting_node(zones[0])
            walk += leg(origin, start, priority)
        return walk + _mean(leg, [start], nodes, priority), nodes

    totals = np.zeros(3)
    visitors = 0.0
    for agency in plan.agencies:
        if not agency.open_today or agency.expected_arrivals <= 0:
            continue
        onward = [(b, s) for b, s in agency.transfers if plan.agencies[b].open_today]
        for priority, share in ((True, agency.priority_share), (False, 1 - agency.priority_share)):
            count = agency.expected_arrivals * share
            if count <= 0:
                continue
            if kiosks:
                walk = info_share * (leg(ENTRANCE, INFO, priority) + leg(INFO, KIOSK, priority))
                walk = walk + (1 - info_share) * leg(ENTRANCE, KIOSK, priority)
                there, nodes = to_counters(agency.index, KIOSK, priority)
                walk = walk + there
            else:
                from_info, nodes = to_counters(agency.index, INFO, priority)
                from_door, _ = to_counters(agency.index, ENTRANCE, priority)
                walk = info_share * (leg(ENTRANCE, INFO, priority) + from_info)
                walk = walk + (1 - info_share) * from_door
            walk = walk + (1 - sum(s for _, s in onward)) * _mean(leg, nodes, [EXIT], priority)
            for target, s in onward:
                if kiosks:
                    second, after = to_counters(target, KIOSK, priority)
                    walk = walk + s * (_mean(leg, nodes, [KIOSK], priority) + second)
                else:
                    parts = [to_counters(target, n, priority) for n in nodes]
                    second = sum((p[0] for p in parts), np.zeros(3)) / max(len(parts), 1)
                    after = parts[0][1] if parts else []
                    walk = walk + s * second
                walk = walk + s * _mean(leg, after, [EXIT], priority)
            totals += count * walk
            visitors += count
    per = totals / visitors if visitors > 0 else totals
    return WalkEstimate(metres=float(per[0]), minutes=float(per[1]), effort_m=float(per[2]))


def _mean(leg: Leg, origins: list[str], targets: list[str], priority: bool) -> np.ndarray:
    """Mean walk from each of ``origins`` to each of ``targets``."""
    pairs = [(a, b) for a in origins for b in targets]
    if not pairs:
        return np.zeros(3)
    return sum((leg(a, b, priority) for a, b in pairs), np.zeros(3)) / len(pairs)
