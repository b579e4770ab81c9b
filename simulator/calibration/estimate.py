"""Every estimate calibration makes, per agency and for the hall, from one checked ticket log.

This is the one place that decides which tickets feed which estimator (first visits for
demand, served tickets for service times, called tickets for patience ...); the estimators
themselves live one idea per module next to it.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from simulator.calibration.companions import Bookings
from simulator.calibration.counters import CounterPeriod, no_show_cost, staffing_profile
from simulator.calibration.daytypes import DAY_TYPE_ORDER, POST_HOLIDAY, day_types, weekday_of
from simulator.calibration.hours import HallHours, hall_hours
from simulator.calibration.patience import PatienceFit, fit_patience
from simulator.calibration.profiles import profile_edges, profile_shares
from simulator.calibration.service_times import ServiceFit, empirical_alternative, fit_durations
from simulator.calibration.shares import BookingFigures, booking_figures
from simulator.calibration.ticketlog import TicketLog
from simulator.calibration.visits import first_visits, transfer_counts
from simulator.calibration.volumes import Volumes, agency_volumes
from simulator.distributions import Empirical
from simulator.scenario import MAX_AGENCIES

__all__ = [
    "AgencyEstimate",
    "Calibration",
    "ServiceEstimate",
    "TransferEstimate",
    "estimate",
    "without_walking",
]

MIN_SERVICE_FIT = 20
"""A service with fewer timed visits than this is fitted together with the agency's others."""
MAX_SERVICES = 100


@dataclass(frozen=True, kw_only=True)
class ServiceEstimate:
    """Service times of one agency: one fit, or one fit per service (``components``)."""

    fit: ServiceFit
    """The fit over all of the agency's services (used when there are no components)."""
    components: tuple[tuple[str, float, ServiceFit], ...]
    """(service code, share of timed visits, fit), when the log has a ``service`` column."""
    durations: np.ndarray = field(repr=False)
    empirical: Empirical = field(repr=False)
    walk_min: float = 0.0
    """Minutes of walking to the counter subtracted from every duration (``--layout``)."""

    @property
    def kind(self) -> str:
        """``mixture`` with one fit per service, else the chosen family."""
        return "mixture" if self.components else self.fit.best.kind


@dataclass(frozen=True, kw_only=True)
class AgencyEstimate:
    """Everything estimated for one agency."""

    id: str
    tickets: int
    first_visits: int
    volumes: Volumes
    profile: np.ndarray
    """Shares of first visits per half hour of :attr:`Calibration.edges`."""
    walk_in_profile: np.ndarray
    online_profile: np.ndarray
    service: ServiceEstimate | None
    patience: PatienceFit | None
    no_show_call_min: float | None
    no_show_gaps: int
    priority_share: float
    booking: BookingFigures
    staffing: tuple[CounterPeriod, ...]

    @property
    def counters(self) -> int:
        """The most counters seen calling in one half hour (at least one)."""
        return max([1, *(p.counters for p in self.staffing)])


@dataclass(frozen=True, kw_only=True)
class TransferEstimate:
    """Share of ``source``'s served first visits sent on to ``target``."""

    source: str
    target: str
    share: float
    count: int


@dataclass(frozen=True, kw_only=True)
class Calibration:
    """The estimates of one ticket log."""

    log: TicketLog
    hours: HallHours
    dates: dict[pd.Timestamp, str]
    reference_type: str
    edges: np.ndarray
    hall_profile: np.ndarray
    agencies: tuple[AgencyEstimate, ...]
    transfers: tuple[TransferEstimate, ...]
    patience: PatienceFit | None
    no_show_call_min: float | None
    priority_share: float
    notes: tuple[str, ...]
    holidays_given: bool
    bookings_source: str | None

    @property
    def day_type_counts(self) -> dict[str, int]:
        """Dates of each day type, in :data:`DAY_TYPE_ORDER`."""
        counts = Counter(self.dates.values())
        return {t: counts[t] for t in DAY_TYPE_ORDER if counts[t]}

    @property
    def tickets(self) -> pd.DataFrame:
        """The valid tickets, with ``first`` (first visit) and ``day_type`` columns."""
        return _with_columns(self.log.tickets, self.dates)

    def day_type_weekday(self, day_type: str) -> str:
        """The weekday a day type falls on (the most common one for ``post-holiday``)."""
        if day_type != POST_HOLIDAY:
            return day_type
        weekdays = Counter(weekday_of(d) for d, t in self.dates.items() if t == day_type)
        return weekdays.most_common(1)[0][0] if weekdays else "mon"


def _with_columns(tickets: pd.DataFrame, dates: dict[pd.Timestamp, str]) -> pd.DataFrame:
    out = tickets.copy()
    out["first"] = first_visits(tickets)
    out["day_type"] = out["date"].map(dates)
    return out


def _reference_type(counts: dict[str, int]) -> str:
    """The day type the scenario simulates by default: the most frequent, mid-week first."""
    preference = ("tue", "wed", "thu", "mon", "fri", "sat", "sun", POST_HOLIDAY)
    most = max(counts.values())
    return next(t for t in preference if counts.get(t) == most)


def _service_estimate(
    timed: pd.DataFrame, by_service: bool, walk_min: float = 0.0
) -> ServiceEstimate | None:
    durations = (timed["ended"] - timed["called"]).to_numpy() - walk_min
    if len(durations) < 2:
        return None
    overall = fit_durations(durations)
    components: list[tuple[str, float, ServiceFit]] = []
    if by_service:
        codes = timed["service"].where(timed["service"] != "", "(none)")
        sizes = codes.value_counts()
        big = [c for c in sizes.index if sizes[c] >= MIN_SERVICE_FIT][: MAX_SERVICES - 1]
        small = codes[~codes.isin(big)]
        if len(big) > 1 or (len(big) == 1 and len(small)):
            for code in big:
                values = durations[(codes == code).to_numpy()]
                components.append(
                    (str(code)[:200], len(values) / len(durations), fit_durations(values))
                )
            if len(small) >= 2:
                values = durations[(~codes.isin(big)).to_numpy()]
                components.append(("(other)", len(values) / len(durations), fit_durations(values)))
            elif len(small) == 1:
                components = []
    return ServiceEstimate(
        fit=overall,
        components=tuple(components),
        durations=durations,
        empirical=empirical_alternative(durations),
        walk_min=walk_min,
    )


def without_walking(calibration: Calibration, walk_min: dict[str, float]) -> Calibration:
    """The calibration with each agency's service times refitted after subtracting its walk
    from the waiting zone to the counter (minutes per agency, from the floor plan)."""
    tickets = calibration.log.tickets
    agencies = []
    for agency in calibration.agencies:
        timed = tickets[
            (tickets["agency"] == agency.id) & tickets["outcome"].isin(("served", "transferred"))
        ]
        service = _service_estimate(
            timed, calibration.log.has("service"), walk_min.get(agency.id, 0.0)
        )
        agencies.append(replace(agency, service=service))
    return replace(calibration, agencies=tuple(agencies))


def _patience(tickets: pd.DataFrame) -> PatienceFit | None:
    called = tickets[tickets["called"].notna()]
    waits = (called["called"] - called["issued"]).to_numpy()
    no_show = (called["outcome"] == "no_show").to_numpy()
    return fit_patience(waits[no_show], waits[~no_show])


def estimate(
    log: TicketLog,
    *,
    holidays: frozenset[pd.Timestamp] | None = None,
    bookings: Bookings | None = None,
) -> Calibration:
    """Estimate every calibrated value from a checked ticket log (and its companion files)."""
    notes: list[str] = []
    dates = day_types(sorted(log.tickets["date"].unique()), holidays or frozenset())
    tickets = _with_columns(log.tickets, dates)
    agency_ids = sorted(tickets["agency"].unique())
    if len(agency_ids) > MAX_AGENCIES:
        from simulator.errors import TicketLogError

        raise TicketLogError(
            f"the log has {len(agency_ids)} agencies; a scenario holds at most {MAX_AGENCIES}",
            file=log.source,
        )
    if not log.has("visit"):
        notes.append("no visit column: every ticket counts as a first visit, no transfers")
    if not log.has("counter"):
        notes.append("no counter column: the staffing profile cannot be seen (one counter)")
    hours = hall_hours(tickets)
    edges = profile_edges(hours)
    first_all = tickets[tickets["first"]]
    counts = Counter(dates.values())
    reference = _reference_type(dict(counts))
    by_agency = dict(tuple(tickets.groupby("agency", sort=True)))
    booking_frames = dict(tuple(bookings.frame.groupby("agency"))) if bookings is not None else {}
    estimates = []
    quota_dates: set[tuple[str, pd.Timestamp]] = set()
    for agency_id in agency_ids:
        every = by_agency[agency_id]
        first = every[every["first"]]
        pre = agency_volumes(
            first,
            every,
            dates=dates,
            last_ticket=hours.last_ticket,
            edges=edges,
            shares=profile_shares(first["issued"].to_numpy(), edges),
        )
        full_days = ~first["date"].isin([q.date for q in pre.quota_days])
        kept = first[full_days] if full_days.any() else first
        profile = profile_shares(kept["issued"].to_numpy(), edges)
        volumes = agency_volumes(
            first, every, dates=dates, last_ticket=hours.last_ticket, edges=edges, shares=profile
        )
        quota_dates |= {(agency_id, q.date) for q in volumes.quota_days}
        timed = every[every["outcome"].isin(("served", "transferred"))]
        cost, gaps = no_show_cost(every)
        estimates.append(
            AgencyEstimate(
                id=agency_id,
                tickets=len(every),
                first_visits=len(first),
                volumes=volumes,
                profile=profile,
                walk_in_profile=profile_shares(kept[~kept["online"]]["issued"].to_numpy(), edges),
                online_profile=profile_shares(kept[kept["online"]]["issued"].to_numpy(), edges),
                service=_service_estimate(timed, log.has("service")),
                patience=_patience(every),
                no_show_call_min=cost,
                no_show_gaps=gaps,
                priority_share=float(first["priority"].mean()) if len(first) else 0.0,
                booking=booking_figures(first, booking_frames.get(agency_id), every),
                staffing=tuple(
                    staffing_profile(every, start=hours.service_start, end=hours.last_ticket)
                ),
            )
        )
    moves = transfer_counts(tickets)
    served_first = (
        first_all[first_all["outcome"].isin(("served", "transferred"))].groupby("agency").size()
    )
    transfers = tuple(
        TransferEstimate(
            source=str(row["from"]),
            target=str(row["to"]),
            share=float(row["count"]) / float(served_first.get(row["from"], 0) or math.inf),
            count=int(row["count"]),
        )
        for _, row in moves.iterrows()
        if served_first.get(row["from"], 0) > 0
    )
    full_hall = first_all[
        ~pd.Series(list(zip(first_all["agency"], first_all["date"], strict=True)))
        .isin(quota_dates)
        .to_numpy()
    ]
    hall_profile = profile_shares(full_hall["issued"].to_numpy(), edges)
    if not hall_profile.any():
        hall_profile = profile_shares(first_all["issued"].to_numpy(), edges)
    costs = [a.no_show_call_min for a in estimates if a.no_show_call_min is not None]
    weights = [a.no_show_gaps for a in estimates if a.no_show_call_min is not None]
    return Calibration(
        log=log,
        hours=hours,
        dates=dates,
        reference_type=reference,
        edges=edges,
        hall_profile=hall_profile,
        agencies=tuple(estimates),
        transfers=transfers,
        patience=_patience(tickets),
        no_show_call_min=float(np.average(costs, weights=weights)) if costs else None,
        priority_share=float(first_all["priority"].mean()),
        notes=tuple(notes),
        holidays_given=holidays is not None,
        bookings_source=bookings.source if bookings is not None else None,
    )
