"""Where ticket holders wait: waiting zones with a capacity, filled as visitors reach them.

Each agency's visitors have an ordered list of zones (:meth:`SiteLayout.zones_for`; priority
visitors' lists start with the priority zones, regular visitors' never hold one). A visitor walks
to the first; if it is full (seats plus standing room at the level of service the layout used)
they walk on to the next, and past the last they wait outside the hall. So no zone ever holds
more people than its capacity, and the spill is counted.

Nothing here schedules an event. Reaching a zone is kept as a pending entry and settled in time
order whenever the occupancy matters (a counter calling someone, or the end of the day), and a
visitor who gave up leaves their zone at their deadline, found by looking at the zone's pending
deadlines before each entry. The outcome is the one a timer per visitor would give.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable

from simulator.records import OUTSIDE
from simulator.walking import ENTRANCE, SiteLayout, waiting_node

__all__ = ["WaitingRoom"]

Walk = Callable[[int, str, str], float]
"""``walk(step, origin, destination)``: adds the walk to the visitor, returns its minutes."""


class WaitingRoom:
    """The waiting zones of one simulated day and who is in them."""

    def __init__(
        self,
        *,
        site: SiteLayout,
        deadline: list[float],
        zone: list[int],
        zone_first: list[int],
        zones_full: list[int],
        zone_enter: list[float],
        zone_leave: list[float],
        walk: Walk,
    ) -> None:
        self.site = site
        self.names = [z.name for z in site.zones]
        self.index = {name: i for i, name in enumerate(self.names)}
        self.capacity = [z.seats + z.standing_capacity for z in site.zones]
        self.occupancy = [0] * len(site.zones)
        self.leaving: list[list[tuple[float, int]]] = [[] for _ in site.zones]
        self.pending: list[tuple[float, int, int]] = []
        self.choices: dict[int, tuple[int, ...]] = {}
        self.deadline = deadline
        self.zone = zone
        self.zone_first = zone_first
        self.zones_full = zones_full
        self.zone_enter = zone_enter
        self.zone_leave = zone_leave
        self.walk = walk
        self.heading: dict[int, tuple[int, float]] = {}
        self.spot: dict[int, str] = {}

    def arrive(self, step: int, *, agency: str, priority: bool, origin: str, now: float) -> None:
        """A new ticket holder sets off from ``origin`` to the first zone of their list."""
        choices = tuple(self.index[z] for z in self.site.zones_for(agency, priority=priority))
        if not choices:  # a floor plan without waiting zones: they wait where they are
            self.spot[step] = origin
            return
        self.choices[step] = choices
        self.zone_first[step] = choices[0]
        arrive = now + self.walk(step, origin, waiting_node(self.names[choices[0]]))
        self._head_for(step, 0, arrive)

    def _head_for(self, step: int, choice: int, at: float) -> None:
        self.heading[step] = (choice, at)
        heapq.heappush(self.pending, (at, step, choice))

    def settle(self, now: float) -> None:
        """Decide every arrival at a zone up to ``now``, in time order."""
        pending = self.pending
        while pending and pending[0][0] <= now:
            at, step, choice = heapq.heappop(pending)
            if self.heading.get(step) != (choice, at):
                continue  # called on the way, or gave up: never arrives
            if self.deadline[step] < at:
                del self.heading[step]  # gave up on the way
                continue
            zone = self.choices[step][choice]
            self._let_out(zone, at)
            if self.occupancy[zone] < self.capacity[zone]:
                del self.heading[step]
                self.occupancy[zone] += 1
                self.zone[step] = zone
                self.zone_enter[step] = at
                heapq.heappush(self.leaving[zone], (self.deadline[step], step))
                continue
            self.zones_full[step] += 1
            if choice + 1 < len(self.choices[step]):
                nxt = self.choices[step][choice + 1]
                walk = self.walk(
                    step, waiting_node(self.names[zone]), waiting_node(self.names[nxt])
                )
                self._head_for(step, choice + 1, at + walk)
            else:
                del self.heading[step]
                walk = self.walk(step, waiting_node(self.names[zone]), ENTRANCE)
                self.zone[step] = OUTSIDE
                self.zone_enter[step] = at + walk

    def _let_out(self, zone: int, now: float) -> None:
        """Those in ``zone`` whose patience ran out by ``now`` have left it at their deadline."""
        leaving = self.leaving[zone]
        while leaving and leaving[0][0] <= now:
            when, step = heapq.heappop(leaving)
            if self.zone[step] == zone and math.isnan(self.zone_leave[step]):
                self.zone_leave[step] = when
                self.occupancy[zone] -= 1

    def call(self, step: int, now: float) -> tuple[str, float]:
        """``step`` is called at ``now``: where the visitor sets off for the counter from, and
        when (later than ``now`` if they are still walking to a zone)."""
        self.settle(now)
        if step in self.spot:
            return self.spot.pop(step), now
        heading = self.heading.pop(step, None)
        if heading is not None:
            choice, at = heading
            return waiting_node(self.names[self.choices[step][choice]]), at
        zone = self.zone[step]
        if zone >= 0:
            self.zone_leave[step] = now
            self.occupancy[zone] -= 1
            return waiting_node(self.names[zone]), now
        if zone == OUTSIDE:
            return ENTRANCE, max(now, self.zone_enter[step])
        return ENTRANCE, now

    def gave_up(self, step: int, when: float, now: float) -> tuple[str, float]:
        """``step``'s holder left at ``when`` (their deadline), found out at ``now`` (when a
        counter calls the ticket): from where and when they head for the exit."""
        self.settle(now)
        if step in self.spot:
            return self.spot.pop(step), when
        heading = self.heading.pop(step, None)
        if heading is not None:
            choice, at = heading
            return waiting_node(self.names[self.choices[step][choice]]), max(when, at)
        zone = self.zone[step]
        if zone >= 0:
            if math.isnan(self.zone_leave[step]):
                self.zone_leave[step] = when
                self.occupancy[zone] -= 1
            return waiting_node(self.names[zone]), when
        return ENTRANCE, when
