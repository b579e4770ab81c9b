"""Compiles a validated scenario (and optionally a floor plan) into the plan the engine runs.

The plan holds everything in engine units: minutes since midnight, arrival rates per minute in
piecewise-constant bins, the counter schedule of each agency, and the walking seam
(:class:`~simulator.walking.SiteLayout`). It is a plain immutable value: the same plan and seed
always give the same day.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from simulator.distributions import Distribution
from simulator.scenario import ArrivalBin, Booking, Scenario, StaffingPeriod
from simulator.walking import SiteLayout

__all__ = [
    "AgencyPlan",
    "BookingPlan",
    "CounterSchedule",
    "FrontOfficePlan",
    "Plan",
    "QueuePlan",
    "ServicePoint",
    "WalkingSpeeds",
    "compile_plan",
    "stationary_plan",
]


@dataclass(frozen=True, kw_only=True)
class CounterSchedule:
    """When each of an agency's counters is staffed.

    All counters are staffed from ``start`` to ``closing`` except during breaks ``(begin, end,
    staffed)``, when only the first ``staffed`` counters are. Breaks end at closing at the
    latest: after closing every counter keeps serving the tickets already issued (overtime).
    This is the one rule for when a counter works; the engine (:meth:`resume_time`) and the
    utilisation metric (:meth:`staffed_windows`, :meth:`staffed_minutes`) both read it.
    """

    start: float
    closing: float
    breaks: tuple[tuple[float, float, int], ...] = ()

    def resume_time(self, counter: int, now: float) -> float:
        """Earliest time at or after ``now`` when ``counter`` is staffed."""
        if now < self.start:
            now = self.start
        moved = True
        while moved and now < self.closing:
            moved = False
            for begin, end, staffed in self.breaks:
                if begin <= now < end and counter >= staffed:
                    now = min(end, self.closing)
                    moved = True
        return now

    def staffed_windows(self, counter: int) -> list[tuple[float, float]]:
        """The periods between start and closing when ``counter`` is staffed."""
        windows = [(self.start, self.closing)]
        for begin, end, staffed in sorted(self.breaks):
            if counter < staffed:
                continue
            split = []
            for a, b in windows:
                if end <= a or begin >= b:
                    split.append((a, b))
                    continue
                if begin > a:
                    split.append((a, begin))
                if end < b:
                    split.append((end, b))
            windows = split
        return windows

    def staffed_minutes(self, counters: int) -> float:
        """Counter-minutes staffed between start and closing (the capacity before overtime)."""
        total = counters * (self.closing - self.start)
        for begin, end, staffed in self.breaks:
            overlap = max(0.0, min(end, self.closing) - max(begin, self.start))
            total -= overlap * max(0, counters - staffed)
        return total


@dataclass(frozen=True, kw_only=True)
class WalkingSpeeds:
    """Walking speeds of a visitor group (m/s): normal, truncated to [min_mps, max_mps]."""

    mean_mps: float
    sd_mps: float = 0.0
    min_mps: float = 0.3
    max_mps: float = 2.5


@dataclass(frozen=True, kw_only=True)
class BookingPlan:
    """An agency's online booking as the engine sees it (see ``scenario.Booking``)."""

    expected_requests: float
    """Mean booking requests a day (the booked share of the agency's volume)."""
    slot_starts: np.ndarray
    per_slot: int
    no_show: float
    punctuality_mean_min: float
    punctuality_sd_min: float
    grace_min: float
    late_refused: bool
    priority_over_walk_in: bool
    reserved_counters: int
    spill_weights: np.ndarray
    """Weight of each arrival bin for requests beyond the slots (the profile's shape)."""

    @property
    def capacity(self) -> int:
        """Bookings the day's slots can take."""
        return len(self.slot_starts) * self.per_slot


@dataclass(frozen=True, kw_only=True)
class AgencyPlan:
    """One agency as the engine sees it. ``rates_per_min`` are its walk-ins' arrival rates
    (its booked visitors come by their slots, see ``booking``)."""

    id: str
    index: int
    counters: int
    open_today: bool
    bin_edges: np.ndarray
    rates_per_min: np.ndarray
    daily_quota: int | None
    service: Distribution
    priority_share: float
    patience: Distribution | None
    transfers: tuple[tuple[int, float], ...]
    schedule: CounterSchedule
    no_show_call_min: float = 0.0
    walk_in_quota: int | None = None
    booking: BookingPlan | None = None

    @property
    def expected_arrivals(self) -> float:
        """Expected primary arrivals over the day (zero when closed), walk-ins and bookings
        together (bookings that come: within the slots' capacity, without no-shows)."""
        if not self.open_today:
            return 0.0
        walk_ins = float(np.sum(self.rates_per_min * np.diff(self.bin_edges)))
        if self.booking is None:
            return walk_ins
        booked = min(self.booking.expected_requests, self.booking.capacity)
        spill = self.booking.expected_requests - booked
        return walk_ins + spill + booked * (1 - self.booking.no_show)


@dataclass(frozen=True, kw_only=True)
class QueuePlan:
    """One queue and the counters calling from it: an agency's own, or a counter group shared
    by several agencies (each visitor served in their own agency's time)."""

    id: str
    index: int
    counters: int
    schedule: CounterSchedule
    no_show_call_min: float
    agencies: tuple[int, ...]
    reserved_counters: int = 0
    """The first counters, which call booked tickets only (an agency's own counters)."""


@dataclass(frozen=True, kw_only=True)
class ServicePoint:
    """A front-office station (information desk or kiosks)."""

    servers: int
    service: Distribution


@dataclass(frozen=True, kw_only=True)
class FrontOfficePlan:
    """Information desk (used by a share of arrivals) and kiosks (used by all)."""

    info: ServicePoint | None
    info_share: float
    kiosks: ServicePoint | None


@dataclass(frozen=True, kw_only=True)
class Plan:
    """Everything the engine needs for one simulated day."""

    name: str
    agencies: tuple[AgencyPlan, ...]
    tickets_open: float
    service_start: float
    last_ticket: float
    closing: float
    front_office: FrontOfficePlan
    walking_normal: WalkingSpeeds
    walking_priority: WalkingSpeeds
    site: SiteLayout | None = None
    target_wait_min: float = 15.0
    target_share: float = 0.9
    wait_counted_from_min: float = -math.inf
    measured_from_min: float = -math.inf
    """KPIs count the tickets taken at or after this time (the end of the warm-up)."""
    queues: tuple[QueuePlan, ...] = ()
    """The queues and their counters; by default one per agency, its own."""
    agency_ids: tuple[str, ...] = field(init=False)
    queue_of: tuple[int, ...] = field(init=False)
    """Index of the queue serving each agency."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "agency_ids", tuple(a.id for a in self.agencies))
        if not self.queues:
            own = tuple(
                QueuePlan(
                    id=a.id,
                    index=a.index,
                    counters=a.counters,
                    schedule=a.schedule,
                    no_show_call_min=a.no_show_call_min,
                    agencies=(a.index,),
                    reserved_counters=a.booking.reserved_counters if a.booking else 0,
                )
                for a in self.agencies
            )
            object.__setattr__(self, "queues", own)
        queue_of = [-1] * len(self.agencies)
        for queue in self.queues:
            for member in queue.agencies:
                queue_of[member] = queue.index
        if -1 in queue_of:
            missing = self.agencies[queue_of.index(-1)].id
            raise ValueError(f"agency {missing!r} is served by no queue")
        object.__setattr__(self, "queue_of", tuple(queue_of))

    def queue_open(self, queue: QueuePlan) -> bool:
        """Whether any agency the queue serves is open on the simulated day."""
        return any(self.agencies[i].open_today for i in queue.agencies)


def _schedule(
    scenario: Scenario, counters: int, staffing: Sequence[StaffingPeriod] | None
) -> CounterSchedule:
    """Own staffing periods if given, else the day's breaks for ``counters`` counters."""
    hours = scenario.day.hours
    if staffing is not None:
        breaks = tuple((p.start, p.end, p.counters) for p in staffing)
    else:
        breaks = tuple(
            (b.start, b.end, math.ceil(b.staffed_share * counters - 1e-9)) for b in hours.breaks
        )
    return CounterSchedule(start=hours.service_start, closing=hours.closing, breaks=breaks)


def _booking(
    booking: Booking | None, per_day: float, counters: int, weights: np.ndarray
) -> BookingPlan | None:
    if booking is None:
        return None
    return BookingPlan(
        expected_requests=booking.share * per_day,
        slot_starts=np.asarray(booking.slot_starts, dtype=float),
        per_slot=booking.per_slot,
        no_show=booking.no_show,
        punctuality_mean_min=booking.punctuality.mean_min,
        punctuality_sd_min=booking.punctuality.sd_min,
        grace_min=booking.grace_min,
        late_refused=booking.late_policy == "refused",
        priority_over_walk_in=booking.priority_over_walk_in,
        reserved_counters=min(booking.reserved_counters, counters),
        spill_weights=weights / weights.sum(),
    )


def _queues(scenario: Scenario, agencies: Sequence[AgencyPlan]) -> tuple[QueuePlan, ...]:
    """One queue per agency with its own counters, then one per counter group."""
    index = {a.id: a.index for a in agencies}
    queues = [
        QueuePlan(
            id=a.id,
            index=0,
            counters=a.counters,
            schedule=a.schedule,
            no_show_call_min=a.no_show_call_min,
            agencies=(a.index,),
            reserved_counters=a.booking.reserved_counters if a.booking is not None else 0,
        )
        for a in agencies
        if scenario.group_of(a.id) is None
    ]
    for group in scenario.counter_groups:
        queues.append(
            QueuePlan(
                id=group.id,
                index=0,
                counters=group.counters,
                schedule=_schedule(scenario, group.counters, group.staffing),
                no_show_call_min=(
                    group.no_show_call_min
                    if group.no_show_call_min is not None
                    else scenario.no_show_call_min
                ),
                agencies=tuple(index[m] for m in group.agencies),
            )
        )
    return tuple(replace(q, index=i) for i, q in enumerate(queues))


def _profile_rates(profile: Sequence[ArrivalBin]) -> tuple[np.ndarray, np.ndarray]:
    """Bin edges and the arrival rate per minute of one visitor a day (gaps get rate 0)."""
    edges: list[float] = []
    shares: list[float] = []
    for b in sorted(profile, key=lambda b: b.start):
        if edges and edges[-1] < b.start:
            shares.append(0.0)
            edges.append(b.start)
        elif not edges:
            edges.append(b.start)
        shares.append(b.share)
        edges.append(b.end)
    bin_edges = np.asarray(edges, dtype=float)
    share_arr = np.asarray(shares, dtype=float)
    return bin_edges, share_arr / share_arr.sum() / np.diff(bin_edges)


def compile_plan(scenario: Scenario, *, site: SiteLayout | None = None) -> Plan:
    """The engine's plan for ``scenario``, walking on ``site`` (no walking when ``None``)."""
    day_edges, day_rates = _profile_rates(scenario.demand.arrival_profile)
    index = {a.id: i for i, a in enumerate(scenario.agencies)}
    agencies = []
    for i, agency in enumerate(scenario.agencies):
        per_day = scenario.agency_volume(agency)
        booked_share = agency.booking.share if agency.booking is not None else 0.0
        bin_edges, rates = (
            _profile_rates(agency.arrival_profile)
            if agency.arrival_profile is not None
            else (day_edges, day_rates)
        )
        transfers = tuple(
            (index[t.to], t.share) for t in scenario.transfers if t.from_ == agency.id
        )
        agencies.append(
            AgencyPlan(
                id=agency.id,
                index=i,
                counters=agency.counters,
                open_today=scenario.day.weekday in agency.days_open,
                bin_edges=bin_edges,
                rates_per_min=rates * per_day * (1.0 - booked_share),
                daily_quota=agency.daily_quota,
                walk_in_quota=agency.walk_in_quota,
                booking=_booking(
                    agency.booking, per_day, agency.counters, rates * np.diff(bin_edges)
                ),
                service=agency.service_time,
                priority_share=(
                    agency.priority_share
                    if agency.priority_share is not None
                    else scenario.priority_share
                ),
                patience=agency.patience if agency.patience is not None else scenario.patience,
                transfers=transfers,
                schedule=_schedule(scenario, agency.counters, agency.staffing),
                no_show_call_min=(
                    agency.no_show_call_min
                    if agency.no_show_call_min is not None
                    else scenario.no_show_call_min
                ),
            )
        )
    front = scenario.front_office
    info = front.info_desk if front else None
    kiosks = front.kiosks if front else None
    hours = scenario.day.hours
    return Plan(
        name=scenario.name,
        agencies=tuple(agencies),
        queues=_queues(scenario, agencies),
        tickets_open=hours.tickets_open,
        service_start=hours.service_start,
        last_ticket=hours.last_ticket,
        closing=hours.closing,
        front_office=FrontOfficePlan(
            info=ServicePoint(servers=info.staff, service=info.service) if info else None,
            info_share=info.share if info else 0.0,
            kiosks=ServicePoint(servers=kiosks.count, service=kiosks.service) if kiosks else None,
        ),
        walking_normal=WalkingSpeeds(**scenario.walking.normal.model_dump()),
        walking_priority=WalkingSpeeds(**scenario.walking.priority.model_dump()),
        site=site,
        target_wait_min=scenario.target.wait_min,
        target_share=scenario.target.share,
        wait_counted_from_min=(
            hours.service_start if scenario.target.counted_from == "service_start" else -math.inf
        ),
        measured_from_min=(
            hours.tickets_open + scenario.run.warmup_min if scenario.run.warmup_min else -math.inf
        ),
    )


def stationary_plan(
    *,
    arrival_rate_per_min: float,
    servers: int,
    service: Distribution,
    horizon_min: float,
    warmup_min: float = 0.0,
    priority_share: float = 0.0,
    patience: Distribution | None = None,
    no_show_call_min: float = 0.0,
    extra_agencies: Sequence[tuple[str, float, int, Distribution]] = (),
) -> Plan:
    """A constant-rate, always-open single-station plan for validation against queueing theory.

    Opens at time 0, takes tickets until ``horizon_min`` and measures visitors who arrive after
    ``warmup_min``. Patience defaults to infinite (nobody gives up); a counter calling a ticket
    whose holder left loses ``no_show_call_min`` (0, as queueing theory assumes).
    """
    if horizon_min <= warmup_min:
        raise ValueError(f"horizon_min {horizon_min} must exceed warmup_min {warmup_min}")
    schedule = CounterSchedule(start=0.0, closing=horizon_min)
    specs = [("station", arrival_rate_per_min, servers, service), *extra_agencies]
    agencies = tuple(
        AgencyPlan(
            id=agency_id,
            index=i,
            counters=c,
            open_today=True,
            bin_edges=np.array([0.0, horizon_min]),
            rates_per_min=np.array([rate]),
            daily_quota=None,
            service=svc,
            priority_share=priority_share,
            patience=patience,
            transfers=(),
            schedule=schedule,
            no_show_call_min=no_show_call_min,
        )
        for i, (agency_id, rate, c, svc) in enumerate(specs)
    )
    group = WalkingSpeeds(mean_mps=1.2)
    return Plan(
        name="stationary",
        agencies=agencies,
        tickets_open=0.0,
        service_start=0.0,
        last_ticket=horizon_min,
        closing=horizon_min,
        front_office=FrontOfficePlan(info=None, info_share=0.0, kiosks=None),
        walking_normal=group,
        walking_priority=group,
        measured_from_min=warmup_min,
    )
