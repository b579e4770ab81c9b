"""Synthetic queue-ticket logs from known parameters, independent of the simulator's engine.

A small event-driven simulation in plain Python/numpy: per agency, several counters pulling
from two FIFO queues (priority first); walk-ins and online bookings (with ``booked_for`` and a
booking export); a daily quota; patience (a visitor gone when called is a ``no_show`` and
costs the counter a fixed time); breaks with fewer counters; transfers linked by ``visit``.
Calibration must recover the parameters from the log this writes (tests/calibration) and
bench/calibrate.py times it on a year of tickets.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["AgencyTruth", "Truth", "default_truth", "generate", "write_log"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PRIORITY_WORDS = ("lansia", "disabilitas", "hamil", "anak", "1")
NORMAL_WORDS = ("reguler", "0")


@dataclass(frozen=True, kw_only=True)
class AgencyTruth:
    """One agency's true parameters."""

    id: str
    letter: str
    visitors_per_day: float
    counters: int
    break_counters: int
    services: tuple[tuple[str, float, str, float, float], ...]
    """(code, share, kind 'lognormal'/'gamma'/'exponential', mean_min, cv)."""
    patience_mean_min: float
    priority_share: float
    online_share: float
    quota: int | None = None
    no_show_call_min: float = 1.0
    with_service_column: bool = False

    @property
    def service_mean(self) -> float:
        return sum(share * mean for _, share, _, mean, _ in self.services)

    @property
    def service_cv(self) -> float:
        second = sum(
            share * (mean**2) * (1 + (cv if kind != "exponential" else 1.0) ** 2)
            for _, share, kind, mean, cv in self.services
        )
        mean = self.service_mean
        return math.sqrt(second - mean**2) / mean


@dataclass(frozen=True, kw_only=True)
class Truth:
    """Everything the generator draws from."""

    agencies: tuple[AgencyTruth, ...]
    transfers: tuple[tuple[str, str, float], ...]
    multipliers: dict[str, float]
    """Per day type: mon ... fri and post-holiday."""
    profile: tuple[float, ...]
    """Shares of a day's arrivals per half hour from ``tickets_open``."""
    first_date: str = "2024-01-01"
    weeks: int = 26
    holidays: tuple[str, ...] = ()
    tickets_open: float = 7.5 * 60
    service_start: float = 8 * 60
    last_ticket: float = 14.5 * 60
    break_start: float = 12 * 60
    break_end: float = 13 * 60
    reset: float = 17 * 60
    punctuality_mean_min: float = -4.0
    punctuality_sd_min: float = 8.0
    booking_no_show: float = 0.15
    slots: tuple[float, ...] = field(default=tuple(8 * 60 + 30 * i for i in range(13)))

    def day_type(self, date: pd.Timestamp) -> str:
        holidays = {pd.Timestamp(h) for h in self.holidays}
        day = date - pd.Timedelta(days=1)
        for _ in range(14):
            if day in holidays:
                return "post-holiday"
            if day.weekday() < 5:
                break
            day -= pd.Timedelta(days=1)
        return WEEKDAYS[date.weekday()]

    def dates(self) -> list[pd.Timestamp]:
        holidays = {pd.Timestamp(h) for h in self.holidays}
        start = pd.Timestamp(self.first_date)
        days = [start + pd.Timedelta(days=i) for i in range(self.weeks * 7)]
        return [d for d in days if d.weekday() < 5 and d not in holidays]


def default_truth(weeks: int = 26) -> Truth:
    """Three agencies: a busy one with a quota and two services, a smaller one, and a bank that
    only receives transfers."""
    return Truth(
        agencies=(
            AgencyTruth(
                id="capil",
                letter="A",
                visitors_per_day=160,
                counters=4,
                break_counters=2,
                services=(("ktp", 0.6, "lognormal", 6.0, 0.5), ("kk", 0.4, "gamma", 9.0, 0.4)),
                patience_mean_min=45.0,
                priority_share=0.12,
                online_share=0.25,
                quota=215,
                no_show_call_min=1.0,
                with_service_column=True,
            ),
            AgencyTruth(
                id="samsat",
                letter="B",
                visitors_per_day=80,
                counters=2,
                break_counters=1,
                services=(("", 1.0, "lognormal", 8.0, 0.6),),
                patience_mean_min=60.0,
                priority_share=0.08,
                online_share=0.10,
                no_show_call_min=0.5,
            ),
            AgencyTruth(
                id="bank",
                letter="C",
                visitors_per_day=0,
                counters=1,
                break_counters=1,
                services=(("", 1.0, "exponential", 4.0, 1.0),),
                patience_mean_min=90.0,
                priority_share=0.0,
                online_share=0.0,
                no_show_call_min=0.5,
            ),
        ),
        transfers=(("capil", "bank", 0.15), ("samsat", "bank", 0.30)),
        multipliers={
            "mon": 1.3,
            "tue": 1.0,
            "wed": 1.0,
            "thu": 1.0,
            "fri": 0.8,
            "post-holiday": 1.6,
        },
        profile=(
            0.10, 0.12, 0.12, 0.11, 0.10, 0.09, 0.08, 0.06, 0.05, 0.04, 0.04, 0.04, 0.03, 0.02
        ),
        weeks=weeks,
        holidays=tuple(
            h
            for h in (
                "2024-02-08", "2024-03-11", "2024-03-29", "2024-04-10", "2024-04-11",
                "2024-04-12", "2024-05-01", "2024-05-09", "2024-05-23", "2024-06-17",
                "2024-08-16", "2024-09-16", "2024-10-31", "2024-12-25", "2024-12-26",
            )
            if pd.Timestamp(h) < pd.Timestamp("2024-01-01") + pd.Timedelta(weeks=weeks)
        ),
    )  # fmt: skip


def _durations(
    rng: np.random.Generator, kind: str, mean: float, cv: float, size: int
) -> np.ndarray:
    if kind == "exponential":
        return rng.exponential(mean, size)
    if kind == "gamma":
        shape = 1 / cv**2
        return rng.gamma(shape, mean / shape, size)
    sigma = math.sqrt(math.log1p(cv**2))
    return rng.lognormal(math.log(mean) - sigma**2 / 2, sigma, size)


@dataclass
class _Ticket:
    agency: int
    issued: float
    priority: bool
    service: float
    service_code: str
    patience: float
    visit: str
    leg: int
    online: bool = False
    booked_for: float = math.nan
    called: float = math.nan
    ended: float = math.nan
    counter: int = -1
    outcome: str = "not_called"
    label: str = ""


class _Day:
    """One day of the hall: tickets issued, counters pulling, transfers moving on."""

    def __init__(self, truth: Truth, rng: np.random.Generator, date: pd.Timestamp) -> None:
        self.t = truth
        self.rng = rng
        self.date = date
        self.index = {a.id: i for i, a in enumerate(truth.agencies)}
        n = len(truth.agencies)
        self.queues = [(deque(), deque()) for _ in range(n)]  # type: list[tuple[deque[_Ticket], deque[_Ticket]]]
        self.busy = [[False] * a.counters for a in truth.agencies]
        self.waking = [[False] * a.counters for a in truth.agencies]
        self.issued = [0] * n
        self.events: list[tuple[float, int, str, tuple]] = []
        self.seq = 0
        self.tickets: list[_Ticket] = []
        self.bookings: list[tuple[str, float, int]] = []

    def push(self, time: float, kind: str, payload: tuple) -> None:
        self.seq += 1
        heapq.heappush(self.events, (time, self.seq, kind, payload))

    def on_duty(self, a: int, counter: int, now: float) -> float:
        """``now`` if the counter works then, else when it resumes."""
        t = self.t
        if now < t.service_start:
            return t.service_start
        agency = t.agencies[a]
        if t.break_start <= now < t.break_end and counter >= agency.break_counters:
            return t.break_end
        return now

    def draw_service(self, a: int) -> tuple[float, str]:
        agency = self.t.agencies[a]
        shares = np.array([s[1] for s in agency.services])
        k = int(self.rng.choice(len(shares), p=shares / shares.sum()))
        code, _, kind, mean, cv = agency.services[k]
        return float(_durations(self.rng, kind, mean, cv, 1)[0]), code

    def new_ticket(
        self,
        a: int,
        now: float,
        *,
        priority: bool,
        visit: str,
        leg: int,
        online: bool = False,
        booked_for: float = math.nan,
    ) -> _Ticket | None:
        agency = self.t.agencies[a]
        if agency.quota is not None and self.issued[a] >= agency.quota:
            return None
        self.issued[a] += 1
        service, code = self.draw_service(a)
        ticket = _Ticket(
            agency=a,
            issued=now,
            priority=priority,
            service=service,
            service_code=code,
            patience=float(self.rng.exponential(agency.patience_mean_min)),
            visit=visit,
            leg=leg,
            online=online,
            booked_for=booked_for,
            label=f"{agency.letter}{self.issued[a]:03d}",
        )
        self.tickets.append(ticket)
        (self.queues[a][0] if priority else self.queues[a][1]).append(ticket)
        self.wake_idle(a, now)
        return ticket

    def wake_idle(self, a: int, now: float) -> None:
        for counter in range(self.t.agencies[a].counters):
            if not self.busy[a][counter]:
                self.dispatch(a, counter, now)

    def dispatch(self, a: int, counter: int, now: float) -> None:
        if self.busy[a][counter]:
            return
        high, low = self.queues[a]
        if not high and not low:
            return
        resume = self.on_duty(a, counter, now)
        if resume > now:
            if not self.waking[a][counter]:
                self.waking[a][counter] = True
                self.push(resume, "resume", (a, counter))
            return
        ticket = high.popleft() if high else low.popleft()
        ticket.called = now
        ticket.counter = counter
        self.busy[a][counter] = True
        agency = self.t.agencies[a]
        if ticket.issued + ticket.patience < now:
            ticket.outcome = "no_show"
            self.push(now + agency.no_show_call_min, "free", (a, counter))
            return
        ticket.ended = now + ticket.service
        ticket.outcome = "served"
        if ticket.leg == 0:
            u = self.rng.random()
            edge = 0.0
            for source, target, share in self.t.transfers:
                if source != agency.id:
                    continue
                if edge <= u < edge + share:
                    ticket.outcome = "transferred"
                    self.push(ticket.ended, "transfer", (self.index[target], ticket))
                edge += share
        self.push(ticket.ended, "free", (a, counter))

    def arrivals(self) -> None:
        t = self.t
        day_type = t.day_type(self.date)
        mult = t.multipliers[day_type]
        shares = np.asarray(t.profile) / sum(t.profile)
        edges = t.tickets_open + 30.0 * np.arange(len(shares) + 1)
        rng = self.rng
        visit = 0
        for a, agency in enumerate(t.agencies):
            volume = agency.visitors_per_day * mult
            walk = rng.poisson(volume * (1 - agency.online_share))
            bins = rng.choice(len(shares), size=walk, p=shares)
            times = edges[bins] + rng.random(walk) * 30.0
            online = rng.poisson(volume * agency.online_share)
            slots = np.asarray(t.slots)[rng.integers(0, len(t.slots), online)]
            offsets = rng.normal(t.punctuality_mean_min, t.punctuality_sd_min, online)
            came = np.clip(slots + offsets, t.tickets_open, t.last_ticket - 1e-6)
            for when in times:
                visit += 1
                self.push(float(when), "arrive", (a, f"V{visit}", False, math.nan))
            for when, slot in zip(came, slots, strict=True):
                visit += 1
                self.push(float(when), "arrive", (a, f"V{visit}", True, float(slot)))
                self.bookings.append((agency.id, float(slot), 1))
            no_shows = rng.poisson(online * t.booking_no_show / (1 - t.booking_no_show))
            for slot in np.asarray(t.slots)[rng.integers(0, len(t.slots), no_shows)]:
                self.bookings.append((agency.id, float(slot), 0))

    def run(self) -> None:
        self.arrivals()
        while self.events:
            now, _, kind, payload = heapq.heappop(self.events)
            if now > self.t.reset:
                break
            if kind == "arrive":
                a, visit, online, booked = payload
                priority = bool(self.rng.random() < self.t.agencies[a].priority_share)
                self.new_ticket(
                    a, now, priority=priority, visit=visit, leg=0, online=online, booked_for=booked
                )
            elif kind == "transfer":
                a, previous = payload
                self.new_ticket(a, now, priority=previous.priority, visit=previous.visit, leg=1)
            elif kind == "free":
                a, counter = payload
                self.busy[a][counter] = False
                self.dispatch(a, counter, now)
            elif kind == "resume":
                a, counter = payload
                self.waking[a][counter] = False
                self.dispatch(a, counter, now)


def _clock(minutes: np.ndarray, *, seconds: bool = True) -> np.ndarray:
    finite = np.isfinite(minutes)
    total = np.where(finite, np.round(np.nan_to_num(minutes) * 60), 0).astype(np.int64)
    if not seconds:
        total = total // 60 * 60
    h, rest = np.divmod(total, 3600)
    m, s = np.divmod(rest, 60)
    text = pd.Series(h).astype(str).str.zfill(2) + ":" + pd.Series(m).astype(str).str.zfill(2)
    if seconds:
        text = text + ":" + pd.Series(s).astype(str).str.zfill(2)
    return np.where(finite, text.to_numpy(), "")


def generate(truth: Truth, *, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ticket log and the booking export of ``truth``'s days, as text tables."""
    rng = np.random.default_rng(seed)
    rows: list[tuple] = []
    booking_rows: list[tuple] = []
    for date in truth.dates():
        day = _Day(truth, rng, date)
        day.run()
        iso = f"{date:%Y-%m-%d}"
        for tk in day.tickets:
            rows.append((iso, tk))
        booking_rows += [(iso, a, slot, came) for a, slot, came in day.bookings]
    agencies = truth.agencies
    tickets = [tk for _, tk in rows]
    issued = np.array([tk.issued for tk in tickets])
    called = np.array([tk.called for tk in tickets])
    ended = np.array([tk.ended for tk in tickets])
    booked = np.array([tk.booked_for for tk in tickets])
    words = rng.integers(0, 5, len(tickets))
    plain = rng.integers(0, 2, len(tickets))
    log = pd.DataFrame(
        {
            "date": [d for d, _ in rows],
            "ticket": [tk.label for tk in tickets],
            "agency": [agencies[tk.agency].id for tk in tickets],
            "service": [tk.service_code for tk in tickets],
            "channel": ["online" if tk.online else "walk_in" for tk in tickets],
            "booked_for": _clock(booked, seconds=False),
            "priority": [
                PRIORITY_WORDS[w] if tk.priority else NORMAL_WORDS[p]
                for tk, w, p in zip(tickets, words, plain, strict=True)
            ],
            "issued_at": _clock(issued),
            "called_at": _clock(called),
            "ended_at": _clock(ended),
            "counter": [
                f"{agencies[tk.agency].letter}-{tk.counter + 1}" if tk.counter >= 0 else ""
                for tk in tickets
            ],
            "outcome": [tk.outcome for tk in tickets],
            "visit": [f"{d}-{tk.visit}" for d, tk in rows],
        }
    )
    log.loc[log["channel"] == "online", "booked_for"] = _clock(
        booked[(log["channel"] == "online").to_numpy()], seconds=False
    )
    bookings = pd.DataFrame(booking_rows, columns=["date", "agency", "booked_for", "came"])
    bookings["booked_for"] = _clock(bookings["booked_for"].to_numpy(dtype=float), seconds=False)
    return log, bookings


def write_log(
    folder: Path, truth: Truth, *, seed: int = 1
) -> tuple[Path, Path, Path, pd.DataFrame]:
    """Write tickets.csv, bookings.csv and holidays.csv into ``folder``; also return the log."""
    log, bookings = generate(truth, seed=seed)
    tickets = folder / "tickets.csv"
    log.to_csv(tickets, index=False)
    booking_file = folder / "bookings.csv"
    bookings.to_csv(booking_file, index=False)
    holidays = folder / "holidays.csv"
    pd.DataFrame({"date": list(truth.holidays)}).to_csv(holidays, index=False)
    return tickets, booking_file, holidays, log


def hall_truth(copies: int = 2, weeks: int = 52) -> Truth:
    """``copies`` of the default hall's agencies side by side (ids suffixed ``-2``, ...): a year
    of two copies is about 150,000 tickets, a busy hall's year (bench/calibrate.py)."""
    base = default_truth(weeks=weeks)
    agencies = []
    transfers = []
    for k in range(copies):
        suffix = "" if k == 0 else f"-{k + 1}"
        for a in base.agencies:
            agencies.append(
                AgencyTruth(
                    **{
                        **a.__dict__,
                        "id": a.id + suffix,
                        "letter": chr(ord(a.letter) + 3 * k),
                        "visitors_per_day": a.visitors_per_day * 1.1,
                    }
                )
            )
        transfers += [(f + suffix, t + suffix, s) for f, t, s in base.transfers]
    return Truth(**{**base.__dict__, "agencies": tuple(agencies), "transfers": tuple(transfers)})
