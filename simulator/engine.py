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

import numpy as np
import simpy

from simulator.plan import AgencyPlan, CounterSchedule, Plan
from simulator.records import (
    INFO_STATION,
    KIOSK_STATION,
    OUTCOME_ABANDONED,
    OUTCOME_SERVED,
    OUTCOME_TURNED_AWAY,
    STEP_COLUMNS,
    VISITOR_COLUMNS,
    DayRecords,
)
from simulator.scenario import WalkingGroup
from simulator.streams import stream
from simulator.walking import ENTRANCE, EXIT, INFO, KIOSK, SiteLayout, counter_node, zone_node

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


def _speeds(group: WalkingGroup, rng: np.random.Generator, size: int) -> np.ndarray:
    """Normal walking speeds truncated to the group's range (by redrawing)."""
    speeds = rng.normal(group.mean_mps, group.sd_mps, size)
    for _ in range(50):
        bad = (speeds < group.min_mps) | (speeds > group.max_mps)
        if not bad.any():
            break
        speeds[bad] = rng.normal(group.mean_mps, group.sd_mps, int(bad.sum()))
    return np.clip(speeds, group.min_mps, group.max_mps)


class _Station:
    """Servers that pull steps from a two-class FIFO queue (priority first).

    ``begin(step, server, now)`` records the call and returns how long the server is busy;
    ``finish(step, server, now)`` routes the visitor on. ``deadline[step]`` is when the step's
    visitor gives up waiting (infinite when they never do).
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
        abandon: Callable[[int, float], None],
    ) -> None:
        self.env = env
        self.schedule = schedule
        self.deadline = deadline
        self.begin = begin
        self.finish = finish
        self.abandon = abandon
        self.high: deque[int] = deque()
        self.low: deque[int] = deque()
        self.idle: list[simpy.Event] = []
        for server in range(servers):
            env.process(self._serve(server))

    def put(self, step: int, priority: bool) -> None:
        """Queue a step and wake an idle server, if any."""
        (self.high if priority else self.low).append(step)
        if self.idle:
            self.idle.pop().succeed()

    def _next(self, now: float) -> int:
        deadline = self.deadline
        for queue in (self.high, self.low):
            while queue:
                step = queue.popleft()
                if deadline[step] < now:
                    self.abandon(step, deadline[step])
                    continue
                return step
        return -1

    def _serve(self, server: int) -> Generator[simpy.Event, object, None]:
        env = self.env
        schedule = self.schedule
        while True:
            now = env.now
            resume = schedule.resume_time(server, now)
            if resume > now:
                if (self.high or self.low) and self.idle:
                    self.idle.pop().succeed()
                yield env.timeout(resume - now)
                continue
            step = self._next(now)
            if step < 0:
                wake = env.event()
                self.idle.append(wake)
                yield wake
                continue
            yield env.timeout(self.begin(step, server, now))
            self.finish(step, server, env.now)


class _Day:
    """The state of one simulated day; built, run once, then turned into records."""

    def __init__(self, plan: Plan, *, seed: int, replication: int) -> None:
        self.plan = plan
        self.env = simpy.Environment(initial_time=0.0)
        self.site: SiteLayout | None = plan.site
        self.visitors: dict[str, list] = {name: [] for name in VISITOR_COLUMNS}
        self.steps: dict[str, list] = {name: [] for name in STEP_COLUMNS}
        self.service: list[float] = []
        self.deadline: list[float] = []
        self.zone_arrive: list[float] = []
        self.issued = [0] * len(plan.agencies)
        self._draw(seed, replication)
        self._build_stations()

    # ----------------------------------------------------------------------------- draws
    def _draw(self, seed: int, replication: int) -> None:
        plan = self.plan
        front = plan.front_office
        per_agency = []
        for agency in plan.agencies:

            def rng(purpose: str, owner: str = agency.id) -> np.random.Generator:
                return stream(seed=seed, replication=replication, owner=owner, purpose=purpose)

            times = _arrival_times(agency, rng("arrivals"))
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
            info_t = front.info.service.sample(office, n) if front.info else np.zeros(n)
            kiosk_t = front.kiosks.service.sample(office, n) if front.kiosks else np.zeros(n)
            service = agency.service.sample(rng("service"), n)
            patience = (
                agency.patience.sample(rng("patience"), n)
                if agency.patience is not None
                else np.full(n, INF)
            )
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
                    pat = (
                        dest.patience.sample(moves, n)
                        if dest.patience is not None
                        else np.full(n, INF)
                    )
                    service2[chosen] = svc[chosen]
                    patience2[chosen] = pat[chosen]
                kiosk2 = front.kiosks.service.sample(moves, n) if front.kiosks else np.zeros(n)
            per_agency.append(
                (
                    times,
                    priority,
                    uses_info,
                    speed,
                    info_t,
                    kiosk_t,
                    service,
                    patience,
                    transfer_to,
                    service2,
                    kiosk2,
                    patience2,
                )
            )
        times = np.concatenate([p[0] for p in per_agency]) if per_agency else np.empty(0)
        agency_of = np.concatenate(
            [np.full(len(p[0]), i) for i, p in enumerate(per_agency)]
        ).astype(int)
        order = np.lexsort((agency_of, times))
        columns = [np.concatenate([p[k] for p in per_agency])[order] for k in range(12)]
        self.arrival = columns[0].tolist()
        self.agency_of = agency_of[order].tolist()
        (
            self.priority,
            self.uses_info,
            self.speed,
            self.info_t,
            self.kiosk_t,
            self.service_t,
            self.patience_t,
            self.transfer_to,
            self.service2_t,
            self.kiosk2_t,
            self.patience2_t,
        ) = (c.tolist() for c in columns[1:])
        n = len(self.arrival)
        v = self.visitors
        v["agency"] = list(self.agency_of)
        v["arrival"] = list(self.arrival)
        v["priority"] = list(self.priority)
        v["speed_mps"] = list(self.speed)
        v["walk_m"] = [0.0] * n
        v["exit"] = [NAN] * n

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
        self.counters = [
            _Station(
                env,
                servers=a.counters,
                schedule=a.schedule,
                deadline=self.deadline,
                begin=self._begin_counter,
                finish=self._after_counter,
                abandon=self._abandon,
            )
            for a in plan.agencies
        ]

    # ---------------------------------------------------------------------------- helpers
    def _walk(self, visitor: int, origin: str, destination: str) -> float:
        """Adds the walk to the visitor's distance and returns its duration in minutes."""
        if self.site is None:
            return 0.0
        metres = self.site.distance_m(origin, destination)
        self.visitors["walk_m"][visitor] += metres
        return metres / self.speed[visitor] / 60.0

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
        zone_arrive: float = NAN,
    ) -> int:
        s = self.steps
        step = len(self.service)
        s["visitor"].append(visitor)
        s["station"].append(station)
        s["leg"].append(leg)
        s["priority"].append(self.priority[visitor])
        s["queued"].append(queued)
        s["called"].append(NAN)
        s["start"].append(NAN)
        s["end"].append(NAN)
        s["outcome"].append(OUTCOME_SERVED)
        s["counter"].append(-1)
        s["zone_enter"].append(NAN)
        s["zone_leave"].append(NAN)
        self.service.append(service)
        self.deadline.append(deadline)
        self.zone_arrive.append(zone_arrive)
        return step

    def _leave(self, visitor: int, origin: str, now: float) -> None:
        self.visitors["exit"][visitor] = now + self._walk(visitor, origin, EXIT)

    # ------------------------------------------------------------------------- the visit
    def _arrivals(self) -> Generator[simpy.Event, object, None]:
        env = self.env
        for visitor, time in enumerate(self.arrival):
            if time > env.now:
                yield env.timeout(time - env.now)
            self._arrive(visitor)

    def _arrive(self, visitor: int) -> None:
        now = self.env.now
        if self.info is not None and self.uses_info[visitor]:
            self._later(
                self._walk(visitor, ENTRANCE, INFO),
                lambda: self._queue_front(
                    self.info, visitor, INFO_STATION, self.info_t[visitor], 0
                ),
            )
        elif self.kiosk is not None:
            self._later(
                self._walk(visitor, ENTRANCE, KIOSK),
                lambda: self._queue_front(
                    self.kiosk, visitor, KIOSK_STATION, self.kiosk_t[visitor], 0
                ),
            )
        else:
            self._ticket(visitor, self.agency_of[visitor], 0, now, now, ENTRANCE)

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
        if self.kiosk is not None:
            self._later(
                self._walk(visitor, INFO, KIOSK),
                lambda: self._queue_front(
                    self.kiosk, visitor, KIOSK_STATION, self.kiosk_t[visitor], 0
                ),
            )
        else:
            self._ticket(visitor, self.agency_of[visitor], 0, now, now, INFO)

    def _after_kiosk(self, step: int, server: int, now: float) -> None:
        s = self.steps
        visitor = s["visitor"][step]
        leg = s["leg"][step]
        agency = self.agency_of[visitor] if leg == 0 else self.transfer_to[visitor]
        self._ticket(visitor, agency, leg, now, s["queued"][step], KIOSK)

    def _ticket(
        self, visitor: int, agency: int, leg: int, now: float, asked: float, origin: str
    ) -> None:
        """Issue a ticket for ``agency``, or turn the visitor away.

        The first ticket is refused when the visitor joined the kiosk line after the last-ticket
        time; any ticket is refused when the agency's daily quota is used up.
        """
        plan_agency = self.plan.agencies[agency]
        late = leg == 0 and asked > self.plan.last_ticket
        quota = plan_agency.daily_quota
        full = quota is not None and self.issued[agency] >= quota
        service = self.service_t[visitor] if leg == 0 else self.service2_t[visitor]
        if late or full or not plan_agency.open_today:
            step = self._new_step(visitor, agency, leg, queued=now, service=service)
            self.steps["outcome"][step] = OUTCOME_TURNED_AWAY
            self._leave(visitor, origin, now)
            return
        self.issued[agency] += 1
        patience = self.patience_t[visitor] if leg == 0 else self.patience2_t[visitor]
        zone = zone_node(plan_agency.id)
        zone_arrive = now + self._walk(visitor, origin, zone) if self.site is not None else NAN
        step = self._new_step(
            visitor,
            agency,
            leg,
            queued=now,
            service=service,
            deadline=now + patience,
            zone_arrive=zone_arrive,
        )
        self.counters[agency].put(step, self.priority[visitor])

    def _begin_counter(self, step: int, server: int, now: float) -> float:
        s = self.steps
        visitor = s["visitor"][step]
        s["called"][step] = now
        s["counter"][step] = server
        start = now
        zone_arrive = self.zone_arrive[step]
        if zone_arrive == zone_arrive:  # not NaN: walking on a floor plan
            agency_id = self.plan.agency_ids[s["station"][step]]
            if now > zone_arrive:
                s["zone_enter"][step] = zone_arrive
                s["zone_leave"][step] = now
            start = max(now, zone_arrive) + self._walk(
                visitor, zone_node(agency_id), counter_node(agency_id, server)
            )
        s["start"][step] = start
        end = start + self.service[step]
        s["end"][step] = end
        return end - now

    def _abandon(self, step: int, when: float) -> None:
        s = self.steps
        s["outcome"][step] = OUTCOME_ABANDONED
        s["end"][step] = when
        visitor = s["visitor"][step]
        zone_arrive = self.zone_arrive[step]
        origin = KIOSK
        if zone_arrive == zone_arrive:
            agency_id = self.plan.agency_ids[s["station"][step]]
            origin = zone_node(agency_id)
            if when > zone_arrive:
                s["zone_enter"][step] = zone_arrive
                s["zone_leave"][step] = when
        self._leave(visitor, origin, max(when, zone_arrive) if zone_arrive == zone_arrive else when)

    def _after_counter(self, step: int, server: int, now: float) -> None:
        s = self.steps
        visitor = s["visitor"][step]
        agency_id = self.plan.agency_ids[s["station"][step]]
        here = counter_node(agency_id, server)
        target = self.transfer_to[visitor]
        if s["leg"][step] == 0 and target >= 0 and self.plan.agencies[target].open_today:
            if self.kiosk is not None:
                self._later(
                    self._walk(visitor, here, KIOSK),
                    lambda: self._queue_front(
                        self.kiosk, visitor, KIOSK_STATION, self.kiosk2_t[visitor], 1
                    ),
                )
            else:
                self._ticket(visitor, target, 1, now, now, here)
            return
        self._leave(visitor, here, now)

    # ------------------------------------------------------------------------------- run
    def run(self, replication: int) -> DayRecords:
        self.env.process(self._arrivals())
        self.env.run()
        steps = {name: np.asarray(values) for name, values in self.steps.items()}
        for name in ("visitor", "station", "leg", "outcome", "counter"):
            steps[name] = steps[name].astype(np.int64).reshape(-1)
        steps["priority"] = steps["priority"].astype(bool).reshape(-1)
        for name in ("queued", "called", "start", "end", "zone_enter", "zone_leave"):
            steps[name] = steps[name].astype(float).reshape(-1)
        visitors = {
            "agency": np.asarray(self.visitors["agency"], dtype=np.int64),
            "arrival": np.asarray(self.visitors["arrival"], dtype=float),
            "priority": np.asarray(self.visitors["priority"], dtype=bool),
            "speed_mps": np.asarray(self.visitors["speed_mps"], dtype=float),
            "walk_m": np.asarray(self.visitors["walk_m"], dtype=float),
            "exit": np.asarray(self.visitors["exit"], dtype=float),
        }
        return DayRecords(
            agency_ids=self.plan.agency_ids,
            visitors=visitors,
            steps=steps,
            replication=replication,
        )


def simulate_day(plan: Plan, *, seed: int, replication: int = 0) -> DayRecords:
    """Simulate one day of ``plan`` with the random streams of (``seed``, ``replication``)."""
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    return _Day(plan, seed=seed, replication=replication).run(replication)
