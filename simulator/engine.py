"""The discrete-event engine: one simulated day of an MPP, every visitor, on SimPy.

Design (see docs/architecture.md): every random quantity of a visitor is drawn up front, per
agency, from that agency's own named streams, so variants share their random numbers. Counters
*pull*: each counter is one SimPy process taking the next ticket from its agency's two FIFO
queues (priority first, non-preemptive); a visitor is data in that queue, not a process. Giving up
needs no timer: a ticket whose patience ran out before it is called is recorded as gone at the
moment the patience ran out. Walking between stations is a timed callback. The information desk
and the kiosks are stations of the same kind.

The day: arrive -> (information desk) -> kiosk: ticket, or turned away after the last ticket or
when the agency's daily quota is used up -> walk to the agency's waiting zone -> called ->
walk to the counter -> service -> maybe a second agency (new ticket at the kiosk) -> exit.
Counters follow the agency's schedule (service start, breaks with part of the counters staffed)
and after closing serve everyone who still holds a ticket (overtime).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Generator
from typing import Any

import numpy as np
import simpy

from simulator.bookings import DayBookings, draw_bookings
from simulator.plan import AgencyPlan, CounterSchedule, Plan, WalkingSpeeds
from simulator.records import (
    INFO_STATION,
    KIOSK_STATION,
    NO_ZONE,
    OUTCOME_ABANDONED,
    OUTCOME_SERVED,
    OUTCOME_TURNED_AWAY,
    REFUSED_CLOSED,
    REFUSED_LAST_TICKET,
    REFUSED_LATE_BOOKING,
    REFUSED_NONE,
    REFUSED_QUOTA,
    REFUSED_WALK_IN_QUOTA,
    STEP_COLUMNS,
    DayRecords,
)
from simulator.streams import stream
from simulator.waiting_room import WaitingRoom
from simulator.walking import ENTRANCE, EXIT, INFO, KIOSK, SiteLayout, counter_node

__all__ = ["simulate_day"]

NAN = math.nan
INF = math.inf


def _arrival_times(agency: AgencyPlan, rng: np.random.Generator) -> np.ndarray:
    """Non-homogeneous Poisson arrivals with a piecewise-constant rate, sorted."""
    if not agency.open_today:
        return np.empty(0)
    lengths = np.diff(agency.bin_edges)
    counts = rng.poisson(agency.rates_per_min * lengths)
    starts = np.repeat(agency.bin_edges[:-1], counts)
    widths = np.repeat(lengths, counts)
    return np.sort(starts + rng.random(counts.sum()) * widths)


def _speeds(group: WalkingSpeeds, rng: np.random.Generator, size: int) -> np.ndarray:
    """Normal walking speeds truncated to the group's range (by redrawing)."""
    speeds = rng.normal(group.mean_mps, group.sd_mps, size)
    for _ in range(50):
        bad = (speeds < group.min_mps) | (speeds > group.max_mps)
        if not bad.any():
            break
        speeds[bad] = rng.normal(group.mean_mps, group.sd_mps, int(bad.sum()))
    return np.clip(speeds, group.min_mps, group.max_mps)


_DRAWN = (
    "arrival",
    "channel",
    "slot",
    "priority",
    "uses_info",
    "speed",
    "info",
    "kiosk",
    "service",
    "patience",
    "transfer_to",
    "service2",
    "kiosk2",
    "patience2",
)
"""What is drawn for every visitor before the day starts (see :func:`_agency_draws`)."""


def _agency_draws(
    plan: Plan, agency: AgencyPlan, *, seed: int, replication: int
) -> tuple[dict[str, np.ndarray], DayBookings | None]:
    """The draws of one agency's visitors, each purpose from the agency's own stream, and
    its bookings of the day (``None`` without online booking)."""

    def rng(purpose: str) -> np.random.Generator:
        return stream(seed=seed, replication=replication, owner=agency.id, purpose=purpose)

    front = plan.front_office
    times = _arrival_times(agency, rng("arrivals"))
    channel = np.zeros(len(times), dtype=np.int64)
    slot = np.full(len(times), NAN)
    booked: DayBookings | None = None
    if agency.booking is not None:
        booked = draw_bookings(agency, agency.booking, rng("booking"))
        came = booked.came
        times = np.concatenate([times, booked.spill, booked.arrival[came]])
        channel = np.concatenate([channel, np.zeros(len(booked.spill), np.int64)])
        channel = np.concatenate([channel, np.ones(int(came.sum()), np.int64)])
        slot = np.concatenate([slot, np.full(len(booked.spill), NAN), booked.slot[came]])
        order = np.argsort(times, kind="stable")
        times, channel, slot = times[order], channel[order], slot[order]
    n = len(times)
    attrs = rng("visitors")
    priority = attrs.random(n) < agency.priority_share
    uses_info = attrs.random(n) < front.info_share
    speed = np.where(
        priority,
        _speeds(plan.walking_priority, attrs, n),
        _speeds(plan.walking_normal, attrs, n),
    )
    office = rng("front-office")
    transfer_to = np.full(n, -1)
    service2 = np.zeros(n)
    kiosk2 = np.zeros(n)
    patience2 = np.full(n, INF)
    if agency.transfers:
        moves = rng("transfer")
        u = moves.random(n)
        edge = 0.0
        for target, share in agency.transfers:
            chosen = (u >= edge) & (u < edge + share)
            transfer_to[chosen] = target
            edge += share
            dest = plan.agencies[target]
            svc = dest.service.sample(moves, n)
            pat = dest.patience.sample(moves, n) if dest.patience is not None else np.full(n, INF)
            service2[chosen] = svc[chosen]
            patience2[chosen] = pat[chosen]
        kiosk2 = front.kiosks.service.sample(moves, n) if front.kiosks else np.zeros(n)
    return {
        "arrival": times,
        "channel": channel,
        "slot": slot,
        "priority": priority,
        "uses_info": uses_info,
        "speed": speed,
        "info": front.info.service.sample(office, n) if front.info else np.zeros(n),
        "kiosk": front.kiosks.service.sample(office, n) if front.kiosks else np.zeros(n),
        "service": agency.service.sample(rng("service"), n),
        "patience": (
            agency.patience.sample(rng("patience"), n)
            if agency.patience is not None
            else np.full(n, INF)
        ),
        "transfer_to": transfer_to,
        "service2": service2,
        "kiosk2": kiosk2,
        "patience2": patience2,
    }, booked


def _bookings_table(
    drawn: list[tuple[dict[str, np.ndarray], DayBookings | None]],
) -> dict[str, np.ndarray]:
    """The day's bookings of every agency: ``agency``, ``slot``, ``came``."""
    parts = [(i, b) for i, (_, b) in enumerate(drawn) if b is not None]
    if not parts:
        return {
            "agency": np.empty(0, np.int64),
            "slot": np.empty(0),
            "came": np.empty(0, bool),
        }
    return {
        "agency": np.concatenate([np.full(len(b.slot), i, np.int64) for i, b in parts]),
        "slot": np.concatenate([b.slot for _, b in parts]).astype(float),
        "came": np.concatenate([b.came for _, b in parts]).astype(bool),
    }


_STEP_DTYPES: dict[str, type] = {
    "visitor": np.int64,
    "station": np.int64,
    "leg": np.int64,
    "outcome": np.int64,
    "refused": np.int64,
    "channel": np.int64,
    "counter": np.int64,
    "zone": np.int64,
    "zone_first": np.int64,
    "zones_full": np.int64,
    "priority": bool,
}
"""Type of each step column (the others are times in minutes)."""

REGULAR = 0
PRIORITY = 1
BOOKED = 2
"""Ticket classes, called in the order booked (once the slot has started, when bookings go
first), priority, regular; first come first served within each."""


class _Station:
    """Servers that pull steps from FIFO queues of three classes (booked, priority, regular).

    ``begin(step, server, now)`` records the call and returns how long the server is busy;
    ``finish(step, server, now)`` routes the visitor on; ``abandon(step, server, now)`` records
    a ticket whose holder gave up before ``now``, when a server calls it (the server then loses
    ``no_show_call_min``). ``deadline[step]`` is when the step's visitor gives up waiting.

    **One rule picks the server for every ticket:** a ticket that arrives while servers are
    free goes to the free, staffed server with the lowest number; a ticket that has to wait
    goes to the first server to become available (the lowest number among those available at
    the same instant). Tickets arrive either by :meth:`put` (after the kiosk, or a transfer) or,
    for an agency whose visitors go straight from the door to its queue, from a pre-drawn
    ``door`` of (time, step, priority). The door is read lazily: the server the rule gives a
    door arrival claims it in advance and waits for it in the same timeout as its service,
    saving an event per visitor; the outcome is the one :meth:`put` would give.

    Invariant: a parked (idle) server is staffed. A parked server whose break begins leaves
    the park at the break's start and comes back at its end.
    """

    def __init__(
        self,
        env: simpy.Environment,
        *,
        servers: int,
        schedule: CounterSchedule,
        deadline: list[float],
        begin: Callable[[int, int, float], float],
        finish: Callable[[int, int, float], None],
        abandon: Callable[[int, int, float], None],
        no_show_call_min: float = 0.0,
        reserved: int = 0,
        door: list[float] | None = None,
        door_steps: list[int] | None = None,
        door_priority: list[bool] | None = None,
    ) -> None:
        self.env = env
        self.servers = servers
        self.schedule = schedule
        self.deadline = deadline
        self.begin = begin
        self.finish = finish
        self.abandon = abandon
        self.no_show_call_min = no_show_call_min
        self.booked: deque[int] = deque()
        self.high: deque[int] = deque()
        self.low: deque[int] = deque()
        self.queues = (self.low, self.high, self.booked)
        self.reserved = reserved
        self.unreserved = ((1 << servers) - 1) & ~((1 << reserved) - 1)
        self.door = door or []
        self.door_steps = door_steps or []
        self.door_priority = door_priority or []
        self.door_next = 0
        # When each server is next available: end of its service, end of its break, or when
        # it parked. ``parked`` is a bit mask of the parked servers, ``wake`` their events.
        self.available = [schedule.start] * servers
        self.wake: list[simpy.Event | None] = [None] * servers
        self.parked = 0
        self.has_breaks = bool(schedule.breaks)
        self.resume_events: dict[float, list[int]] = {}
        self.resume_signal: list[simpy.Event | None] = [None] * servers
        for server in range(servers):
            env.process(self._serve(server))

    # ------------------------------------------------------------------ tickets arriving
    def put(self, step: int, ticket_class: int) -> None:
        """Queue a step of ``ticket_class`` (:data:`REGULAR`, :data:`PRIORITY` or
        :data:`BOOKED`); the lowest-numbered parked (free, staffed) server that may call it
        does (counters reserved for bookings call booked tickets only)."""
        self.queues[ticket_class].append(step)
        self._wake_lowest(ticket_class)

    def _wake_lowest(self, ticket_class: int = 0) -> None:
        parked = self.parked if ticket_class == BOOKED else self.parked & self.unreserved
        if parked:
            self._wake((parked & -parked).bit_length() - 1)

    def _wake(self, server: int) -> None:
        event = self.wake[server]
        assert event is not None
        self.wake[server] = None
        self.parked &= ~(1 << server)
        event.succeed()

    def _admit_due(self, now: float) -> None:
        """Queue every door arrival due by ``now`` (in arrival order)."""
        door = self.door
        i = self.door_next
        steps = self.door_steps
        priority = self.door_priority
        n = len(door)
        while i < n and door[i] <= now:
            (self.high if priority[i] else self.low).append(steps[i])
            i += 1
        self.door_next = i

    def _taker(self, due: float) -> int:
        """The server the rule gives a door arrival at ``due``: the lowest-numbered one that
        is free and staffed then (-1 if none; the arrival then waits for the first server)."""
        available = self.available
        if not self.has_breaks:
            for server in range(self.servers):
                if available[server] <= due:
                    return server
            return -1
        resume = self.schedule.resume_time
        for server in range(self.servers):
            if available[server] <= due and resume(server, due) == due:
                return server
        return -1

    def _hand_on_door(self) -> None:
        """After a claim: wake the parked server that the next door arrival belongs to."""
        if self.parked and self.door_next < len(self.door):
            taker = self._taker(self.door[self.door_next])
            if taker >= 0 and self.parked & (1 << taker):
                self._wake(taker)

    # ------------------------------------------------------------------- server schedule
    def _off_until(self, server: int, until: float) -> simpy.Event:
        """An event firing at ``until`` for ``server``; servers resuming at the same instant
        are released in the order of their numbers (one timeout for all of them)."""
        waiting = self.resume_events.get(until)
        if waiting is None:
            waiting = self.resume_events[until] = []
            self.env.timeout(until - self.env.now).callbacks.append(
                lambda _event: self._release(until)
            )
        waiting.append(server)
        signal = self.env.event()
        self.resume_signal[server] = signal
        return signal

    def _release(self, until: float) -> None:
        for server in sorted(self.resume_events.pop(until)):
            signal = self.resume_signal[server]
            self.resume_signal[server] = None
            assert signal is not None
            signal.succeed()

    def _park(self, server: int, now: float) -> simpy.Event:
        """Park a free server until a ticket wakes it, or until its next break begins."""
        event = self.env.event()
        self.wake[server] = event
        self.available[server] = now
        self.parked |= 1 << server
        if self.has_breaks:
            begins = self._next_break(server, now)
            if begins < INF:
                self.env.timeout(begins - now).callbacks.append(
                    lambda _event: self._break_begins(server, event)
                )
        return event

    def _break_begins(self, server: int, event: simpy.Event) -> None:
        if self.wake[server] is event:
            self._wake(server)

    def _next_break(self, server: int, now: float) -> float:
        closing = self.schedule.closing
        return min(
            (
                begin
                for begin, _end, staffed in self.schedule.breaks
                if begin > now and server >= staffed and begin < closing
            ),
            default=INF,
        )

    # ---------------------------------------------------------------------- the server
    # The engine's hot loop stays one function: taking the ticket search out into a method
    # cost 7% of the engine's speed (bench/engine.py, best of 5, twice).
    def _serve(self, server: int) -> Generator[simpy.Event, object, None]:  # noqa: C901
        """One counter's day: wait until staffed, call the next ticket (priority first,
        recording and paying for holders who gave up), serve it, or claim the next door
        arrival the rule gives it, or park until woken."""
        env = self.env
        schedule = self.schedule
        door = self.door
        n_door = len(door)
        available = self.available
        begin = self.begin
        finish = self.finish
        timeout = env.timeout
        has_breaks = self.has_breaks
        booked = self.booked
        high = self.high
        low = self.low
        reserved = self.reserved
        deadline = self.deadline
        abandon = self.abandon
        cost = self.no_show_call_min
        yield self._off_until(server, schedule.start)
        while True:
            now = env.now
            if self.door_next < n_door and door[self.door_next] <= now:
                self._admit_due(now)
            if has_breaks:
                resume = schedule.resume_time(server, now)
                if resume > now:
                    available[server] = resume
                    if self.parked and (self.booked or self.high or self.low):
                        self._wake_lowest(BOOKED if self.booked else REGULAR)
                    yield self._off_until(server, resume)
                    continue
            step = -1
            missed = False
            while booked:
                step = booked.popleft()
                if deadline[step] >= now:
                    break
                abandon(step, server, now)
                step = -1
                if cost:
                    missed = True
                    break
            if step < 0 and not missed and server >= reserved:
                while high:
                    step = high.popleft()
                    if deadline[step] >= now:
                        break
                    abandon(step, server, now)
                    step = -1
                    if cost:
                        missed = True
                        break
                if step < 0 and not missed:
                    while low:
                        step = low.popleft()
                        if deadline[step] >= now:
                            break
                        abandon(step, server, now)
                        step = -1
                        if cost:
                            missed = True
                            break
            if missed:
                # The holder of the ticket called has left: the counter loses the call's time.
                available[server] = now + cost
                yield timeout(cost)
                continue
            if step >= 0:
                if self.parked and (self.booked or self.high or self.low):
                    self._wake_lowest(BOOKED if self.booked else REGULAR)
                busy = begin(step, server, now)
                available[server] = now + busy
                yield timeout(busy)
                finish(step, server, env.now)
                continue
            if self.door_next < n_door:
                due = door[self.door_next]
                if self._taker(due) == server:
                    step = self.door_steps[self.door_next]
                    self.door_next += 1
                    busy = begin(step, server, due)
                    available[server] = due + busy
                    self._hand_on_door()
                    yield timeout(due - now + busy)
                    finish(step, server, env.now)
                    continue
            yield self._park(server, now)


class _Day:
    """The state of one simulated day; built, run once, then turned into records."""

    def __init__(self, plan: Plan, *, seed: int, replication: int) -> None:
        self.plan = plan
        self.env = simpy.Environment(initial_time=0.0)
        self.site: SiteLayout | None = plan.site
        self.issued = [0] * len(plan.agencies)
        self.walk_ins = [0] * len(plan.agencies)
        self.last_ticket = plan.last_ticket
        self._draw(seed, replication)
        self._allocate_steps()
        self._build_stations()

    # ----------------------------------------------------------------------------- draws
    def _draw(self, seed: int, replication: int) -> None:
        """Every random quantity of every visitor, per agency from its own streams, then
        merged into arrival order (ties broken by agency)."""
        plan = self.plan
        drawn = [
            _agency_draws(plan, agency, seed=seed, replication=replication)
            for agency in plan.agencies
        ]
        per_agency = [d for d, _ in drawn]
        self.bookings = _bookings_table(drawn)
        times = np.concatenate([d["arrival"] for d in per_agency]) if per_agency else np.empty(0)
        agency_of = np.concatenate(
            [np.full(len(d["arrival"]), i) for i, d in enumerate(per_agency)]
        ).astype(int)
        order = np.lexsort((agency_of, times))
        columns = {name: np.concatenate([d[name] for d in per_agency])[order] for name in _DRAWN}
        self.arrays = columns
        self.arrival = columns["arrival"].tolist()
        self.agency_of = agency_of[order].tolist()
        self.channel = columns["channel"].tolist()
        self.slot = columns["slot"].tolist()
        self.priority = columns["priority"].tolist()
        self.uses_info = columns["uses_info"].tolist()
        self.speed = columns["speed"].tolist()
        self.info_t = columns["info"].tolist()
        self.kiosk_t = columns["kiosk"].tolist()
        self.service_t = columns["service"].tolist()
        self.patience_t = columns["patience"].tolist()
        self.transfer_to = columns["transfer_to"].tolist()
        self.service2_t = columns["service2"].tolist()
        self.kiosk2_t = columns["kiosk2"].tolist()
        self.patience2_t = columns["patience2"].tolist()
        n = len(self.arrival)
        self.agency_array = agency_of[order]
        self.walk_m = [0.0] * n
        self.exit_time = [NAN] * n

    def _allocate_steps(self) -> None:
        """Pre-size the step columns: at most one step per station a visitor can pass."""
        n = len(self.arrival)
        transfers = sum(1 for t in self.transfer_to if t >= 0)
        info = sum(self.uses_info) if self.plan.front_office.info is not None else 0
        kiosk = n if self.plan.front_office.kiosks is not None else 0
        capacity = n + info + kiosk + 2 * transfers
        self.n_steps = 0
        defaults = {
            "outcome": OUTCOME_SERVED,
            "refused": REFUSED_NONE,
            "channel": 0,
            "counter": -1,
            "leg": 0,
            "priority": False,
        }
        self.steps: dict[str, list[Any]] = {
            name: [defaults.get(name, NAN)] * capacity for name in STEP_COLUMNS
        }
        self.service = [NAN] * capacity
        self.deadline = [INF] * capacity
        steps = self.steps
        for name in ("zone", "zone_first"):
            steps[name] = [NO_ZONE] * capacity
        steps["zones_full"] = [0] * capacity
        self.room = (
            WaitingRoom(
                site=self.site,
                deadline=self.deadline,
                zone=steps["zone"],
                zone_first=steps["zone_first"],
                zones_full=steps["zones_full"],
                zone_enter=steps["zone_enter"],
                zone_leave=steps["zone_leave"],
                walk=lambda step, a, b: self._walk(steps["visitor"][step], a, b),
            )
            if self.site is not None
            else None
        )

    # -------------------------------------------------------------------------- stations
    def _build_stations(self) -> None:
        plan = self.plan
        env = self.env
        front = plan.front_office
        always = CounterSchedule(start=plan.tickets_open, closing=INF)
        self.info = (
            _Station(
                env,
                servers=front.info.servers,
                schedule=always,
                deadline=self.deadline,
                begin=self._begin_front,
                finish=self._after_info,
                abandon=self._abandon,
            )
            if front.info and front.info_share > 0
            else None
        )
        self.kiosk = (
            _Station(
                env,
                servers=front.kiosks.servers,
                schedule=always,
                deadline=self.deadline,
                begin=self._begin_front,
                finish=self._after_kiosk,
                abandon=self._abandon,
            )
            if front.kiosks
            else None
        )
        # Visitors who go straight from the door to a queue (no front office, no transfers into
        # an agency the queue serves, no bookings) are admitted by the queue's counters.
        direct = self.info is None and self.kiosk is None
        receives = {plan.queue_of[target] for a in plan.agencies for target, _ in a.transfers}
        receives |= {plan.queue_of[a.index] for a in plan.agencies if a.booking is not None}
        self.door_visitors: list[list[int]] = [[] for _ in plan.agencies]
        self.walk_in: list[int] = []
        for visitor, agency in enumerate(self.agency_of):
            if direct and plan.queue_of[agency] not in receives:
                self.door_visitors[agency].append(visitor)
            else:
                self.walk_in.append(visitor)
        self.queue_ids = [plan.queues[plan.queue_of[a.index]].id for a in plan.agencies]
        stations = []
        for queue in plan.queues:
            issued = [
                self._issue_at_door(plan.agencies[i], self.door_visitors[i]) for i in queue.agencies
            ]
            times = [t for tickets in issued for t in tickets[0]]
            steps = [t for tickets in issued for t in tickets[1]]
            priority = [t for tickets in issued for t in tickets[2]]
            if len(issued) > 1:  # several agencies share the queue: their doors in time order
                order = sorted(range(len(times)), key=lambda k: (times[k], steps[k]))
                times = [times[k] for k in order]
                steps = [steps[k] for k in order]
                priority = [priority[k] for k in order]
            stations.append(
                _Station(
                    env,
                    servers=queue.counters,
                    schedule=queue.schedule,
                    deadline=self.deadline,
                    begin=self._begin_counter,
                    finish=self._after_counter,
                    abandon=self._abandon,
                    no_show_call_min=queue.no_show_call_min,
                    reserved=queue.reserved_counters,
                    door=times,
                    door_steps=steps,
                    door_priority=priority,
                )
            )
        self.counters = [stations[plan.queue_of[a.index]] for a in plan.agencies]

    def _issue_at_door(
        self, agency: AgencyPlan, visitors: list[int]
    ) -> tuple[list[float], list[int], list[bool]]:
        """Issue (vectorised) the tickets of visitors who go from the door to ``agency``.

        Their tickets depend on nothing that happens during the day (no kiosk, no transfers in),
        so the same rules as :meth:`_ticket` apply up front: taken when the visitor arrives or
        when tickets open, whichever is later; refused after the last ticket, when the agency is
        closed or its quota is used up. Returns the admitted tickets' times, step
        numbers and priority flags, in arrival order.
        """
        if not visitors:
            return [], [], []
        who = np.asarray(visitors, dtype=np.int64)
        a = self.arrays
        arrived = a["arrival"][who]
        time = np.maximum(arrived, self.plan.tickets_open)  # the door opens at tickets_open
        reason = np.where(arrived > self.last_ticket, REFUSED_LAST_TICKET, REFUSED_NONE)
        if not agency.open_today:
            reason[:] = REFUSED_CLOSED
        for quota, code in (
            (agency.daily_quota, REFUSED_QUOTA),
            (agency.walk_in_quota, REFUSED_WALK_IN_QUOTA),
        ):
            if quota is not None:
                over = (np.cumsum(reason == REFUSED_NONE) > quota) & (reason == REFUSED_NONE)
                reason[over] = code
        refused = reason != REFUSED_NONE
        admitted = ~refused
        n = len(who)
        base = self.n_steps
        self.n_steps = base + n
        steps = np.arange(base, base + n)
        priority = a["priority"][who]
        s = self.steps
        s["visitor"][base : base + n] = who.tolist()
        s["station"][base : base + n] = [agency.index] * n
        s["priority"][base : base + n] = priority.tolist()
        s["queued"][base : base + n] = time.tolist()
        s["outcome"][base : base + n] = np.where(
            refused, OUTCOME_TURNED_AWAY, OUTCOME_SERVED
        ).tolist()
        s["refused"][base : base + n] = reason.tolist()
        self.service[base : base + n] = a["service"][who].tolist()
        self.deadline[base : base + n] = np.where(admitted, time + a["patience"][who], INF).tolist()
        self.issued[agency.index] = int(admitted.sum())
        self.walk_ins[agency.index] = int(admitted.sum())
        exit_time = np.full(n, NAN)
        exit_time[refused] = time[refused]
        if self.site is not None:
            speed_m_per_min = a["speed"][who] * 60.0
            to_exit, to_exit_extra = self._legs(ENTRANCE, EXIT, priority)
            exit_time[refused] += (to_exit / speed_m_per_min + to_exit_extra)[refused]
            walk = self.walk_m
            for visitor, metres in zip(
                who[refused].tolist(), to_exit[refused].tolist(), strict=True
            ):
                walk[visitor] += metres
            assert self.room is not None
            for step, holder, when in zip(
                steps[admitted].tolist(),
                priority[admitted].tolist(),
                time[admitted].tolist(),
                strict=True,
            ):
                self.room.arrive(step, agency=agency.id, priority=holder, origin=ENTRANCE, now=when)
        for visitor, when in zip(who[refused].tolist(), exit_time[refused].tolist(), strict=True):
            self.exit_time[visitor] = when
        return time[admitted].tolist(), steps[admitted].tolist(), priority[admitted].tolist()

    # ---------------------------------------------------------------------------- helpers
    def _walk(self, visitor: int, origin: str, destination: str) -> float:
        """Adds the walk to the visitor's distance and returns its duration in minutes."""
        if self.site is None:
            return 0.0
        metres, extra = self.site.leg(origin, destination, priority=self.priority[visitor])
        self.walk_m[visitor] += metres
        return float(metres / self.speed[visitor] / 60.0 + extra)

    def _legs(
        self, origin: str, destination: str, priority: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Metres and fixed minutes of one walk for visitors with the given priority flags."""
        assert self.site is not None
        normal = self.site.leg(origin, destination, priority=False)
        first = self.site.leg(origin, destination, priority=True)
        metres = np.where(priority, first[0], normal[0])
        extra = np.where(priority, first[1], normal[1])
        return metres, extra

    def _later(self, delay: float, action: Callable[[], None]) -> None:
        if delay <= 0.0:
            action()
            return
        event = self.env.timeout(delay)
        event.callbacks.append(lambda _event: action())

    def _new_step(
        self,
        visitor: int,
        station: int,
        leg: int,
        *,
        queued: float,
        service: float,
        deadline: float = INF,
    ) -> int:
        s = self.steps
        step = self.n_steps
        self.n_steps = step + 1
        s["visitor"][step] = visitor
        s["station"][step] = station
        s["leg"][step] = leg
        s["priority"][step] = self.priority[visitor]
        s["queued"][step] = queued
        self.service[step] = service
        self.deadline[step] = deadline
        return step

    def _leave(self, visitor: int, origin: str, now: float) -> None:
        self.exit_time[visitor] = now + self._walk(visitor, origin, EXIT)

    # ------------------------------------------------------------------------- the visit
    def _arrivals(self) -> Generator[simpy.Event, object, None]:
        env = self.env
        arrival = self.arrival
        for visitor in self.walk_in:
            time = arrival[visitor]
            if time > env.now:
                yield env.timeout(time - env.now)
            self._arrive(visitor)

    def _arrive(self, visitor: int) -> None:
        now = self.env.now
        info, kiosk = self.info, self.kiosk
        if info is not None and self.uses_info[visitor]:
            self._later(
                self._walk(visitor, ENTRANCE, INFO),
                lambda: self._queue_front(info, visitor, INFO_STATION, self.info_t[visitor], 0),
            )
        elif kiosk is not None:
            self._later(
                self._walk(visitor, ENTRANCE, KIOSK),
                lambda: self._queue_front(kiosk, visitor, KIOSK_STATION, self.kiosk_t[visitor], 0),
            )
        elif now < self.plan.tickets_open:
            # Before tickets open, visitors wait at the door and take their tickets in arrival
            # order when it opens.
            self._later(
                self.plan.tickets_open - now,
                lambda: self._ticket_and_queue(
                    visitor, self.agency_of[visitor], 0, self.env.now, now, ENTRANCE
                ),
            )
        else:
            self._ticket_and_queue(visitor, self.agency_of[visitor], 0, now, now, ENTRANCE)

    def _queue_front(
        self, station: _Station, visitor: int, code: int, service: float, leg: int
    ) -> None:
        step = self._new_step(visitor, code, leg, queued=self.env.now, service=service)
        station.put(step, self.priority[visitor])

    def _begin_front(self, step: int, server: int, now: float) -> float:
        s = self.steps
        s["called"][step] = now
        s["start"][step] = now
        s["end"][step] = now + self.service[step]
        s["counter"][step] = server
        return self.service[step]

    def _after_info(self, step: int, server: int, now: float) -> None:
        visitor = self.steps["visitor"][step]
        kiosk = self.kiosk
        if kiosk is not None:
            self._later(
                self._walk(visitor, INFO, KIOSK),
                lambda: self._queue_front(kiosk, visitor, KIOSK_STATION, self.kiosk_t[visitor], 0),
            )
        else:
            self._ticket_and_queue(visitor, self.agency_of[visitor], 0, now, now, INFO)

    def _after_kiosk(self, step: int, server: int, now: float) -> None:
        s = self.steps
        visitor = s["visitor"][step]
        leg = s["leg"][step]
        agency = self.agency_of[visitor] if leg == 0 else self.transfer_to[visitor]
        self._ticket_and_queue(visitor, agency, leg, now, s["queued"][step], KIOSK)

    def _ticket_and_queue(
        self, visitor: int, agency: int, leg: int, now: float, asked: float, origin: str
    ) -> None:
        step = self._ticket(visitor, agency, leg, now, asked, origin)
        if step < 0:
            return
        station = self.counters[agency]
        booking = self.plan.agencies[agency].booking
        if self.steps["channel"][step] and booking is not None and booking.priority_over_walk_in:
            slot = self.slot[visitor]
            if slot > now:  # called before walk-ins once the slot has started, not earlier
                self._later(slot - now, lambda: station.put(step, BOOKED))
            else:
                station.put(step, BOOKED)
        else:
            station.put(step, PRIORITY if self.priority[visitor] else REGULAR)

    def _ticket(
        self, visitor: int, agency: int, leg: int, now: float, asked: float, origin: str
    ) -> int:
        """Issue a ticket (a new step) for ``agency``, or turn the visitor away (-1).

        A walk-in's first ticket is refused when they joined the kiosk line after the
        last-ticket time, or once the walk-in quota is used up; a booked visitor's is a booked
        ticket, unless they came later than the grace after their slot's start (then refused,
        or a walk-in's ticket, as the late policy says). Any ticket is refused when the agency
        is closed or its daily quota is used up.
        """
        plan_agency = self.plan.agencies[agency]
        booking = plan_agency.booking
        booked = leg == 0 and booking is not None and self.channel[visitor] == 1
        reason = REFUSED_NONE
        if booked and booking is not None and asked > self.slot[visitor] + booking.grace_min:
            booked = False
            if booking.late_refused:
                reason = REFUSED_LATE_BOOKING
        walk_in = leg == 0 and not booked
        quota = plan_agency.daily_quota
        walk_in_quota = plan_agency.walk_in_quota
        if reason:
            pass
        elif not plan_agency.open_today:
            reason = REFUSED_CLOSED
        elif walk_in and asked > self.last_ticket:
            reason = REFUSED_LAST_TICKET
        elif quota is not None and self.issued[agency] >= quota:
            reason = REFUSED_QUOTA
        elif walk_in and walk_in_quota is not None and self.walk_ins[agency] >= walk_in_quota:
            reason = REFUSED_WALK_IN_QUOTA
        service = self.service_t[visitor] if leg == 0 else self.service2_t[visitor]
        if reason:
            step = self._new_step(visitor, agency, leg, queued=now, service=service)
            self.steps["outcome"][step] = OUTCOME_TURNED_AWAY
            self.steps["refused"][step] = reason
            self._leave(visitor, origin, now)
            return -1
        self.issued[agency] += 1
        self.walk_ins[agency] += walk_in
        patience = self.patience_t[visitor] if leg == 0 else self.patience2_t[visitor]
        # A booked visitor early for a slot that is called from its start waits for it
        # patiently: their patience runs from the slot.
        patient_from = now
        if booked and booking is not None and booking.priority_over_walk_in:
            patient_from = max(now, self.slot[visitor])
        step = self._new_step(
            visitor, agency, leg, queued=now, service=service, deadline=patient_from + patience
        )
        self.steps["channel"][step] = int(booked)
        if self.room is not None:
            self.room.arrive(
                step,
                agency=plan_agency.id,
                priority=self.priority[visitor],
                origin=origin,
                now=now,
            )
        return step

    def _begin_counter(self, step: int, server: int, now: float) -> float:
        s = self.steps
        visitor = s["visitor"][step]
        s["called"][step] = now
        s["counter"][step] = server
        start = now
        if self.room is not None:  # walking on a floor plan, from where they wait
            origin, ready = self.room.call(step, now)
            counter = counter_node(self.queue_ids[s["station"][step]], server)
            start = ready + self._walk(visitor, origin, counter)
        s["start"][step] = start
        end = start + self.service[step]
        s["end"][step] = end
        return end - now

    def _abandon(self, step: int, server: int, now: float) -> None:
        """The holder of ``step`` gave up at their deadline; ``server`` calls the ticket at
        ``now`` and finds nobody (a no-show call, as ticket logs record it)."""
        s = self.steps
        when = self.deadline[step]
        s["outcome"][step] = OUTCOME_ABANDONED
        s["called"][step] = now
        s["counter"][step] = server
        s["end"][step] = when
        visitor = s["visitor"][step]
        if self.room is None:
            self.exit_time[visitor] = when
            return
        origin, left = self.room.gave_up(step, when, now)
        self._leave(visitor, origin, left)

    def _after_counter(self, step: int, server: int, now: float) -> None:
        s = self.steps
        visitor = s["visitor"][step]
        target = self.transfer_to[visitor]
        if target < 0 and self.site is None:
            self.exit_time[visitor] = now
            return
        here = counter_node(self.queue_ids[s["station"][step]], server)
        if s["leg"][step] == 0 and target >= 0 and self.plan.agencies[target].open_today:
            kiosk = self.kiosk
            if kiosk is not None:
                self._later(
                    self._walk(visitor, here, KIOSK),
                    lambda: self._queue_front(
                        kiosk, visitor, KIOSK_STATION, self.kiosk2_t[visitor], 1
                    ),
                )
            else:
                self._ticket_and_queue(visitor, target, 1, now, now, here)
            return
        self._leave(visitor, here, now)

    # ------------------------------------------------------------------------------- run
    def run(self, replication: int) -> DayRecords:
        self.env.process(self._arrivals())
        self.env.run()
        if self.room is not None:
            self.room.settle(INF)
        used = self.n_steps
        steps: dict[str, np.ndarray] = {
            name: np.array(values[:used], dtype=_STEP_DTYPES.get(name, float))
            for name, values in self.steps.items()
        }
        a = self.arrays
        visitors = {
            "agency": self.agency_array.astype(np.int64),
            "arrival": a["arrival"].astype(float),
            "priority": a["priority"].astype(bool),
            "channel": a["channel"].astype(np.int64),
            "slot": a["slot"].astype(float),
            "speed_mps": a["speed"].astype(float),
            "walk_m": np.array(self.walk_m, dtype=float),
            "exit": np.array(self.exit_time, dtype=float),
        }
        return DayRecords(
            agency_ids=self.plan.agency_ids,
            visitors=visitors,
            steps=steps,
            replication=replication,
            bookings=self.bookings,
        )


def simulate_day(plan: Plan, *, seed: int, replication: int = 0) -> DayRecords:
    """Simulate one day of ``plan`` with the random streams of (``seed``, ``replication``)."""
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    return _Day(plan, seed=seed, replication=replication).run(replication)
