"""Shares among an agency's first visits (priority, online), and how bookings turn out.

``online_share`` and the punctuality of bookings (check-in time minus booked slot) come from
the log; bookings that never came have no ticket, so their share comes only from the booking
system's export (``--bookings``). The scenario's ``booking.share`` counts booking *requests*
among the agency's visitors, no-shows included, so it is the online share with the no-shows
put back (:attr:`BookingFigures.requested_share`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.calibration.slots import SlotLayout, slot_layout
from simulator.scenario import format_clock

__all__ = ["BookingFigures", "booking_figures"]

GRACE_MIN = 15.0
"""Punctuality is also given as the share who checked in within this many minutes of the slot."""
BOOKED_FIRST_SHARE = 0.05
"""Booked tickets go first (``priority_over_walk_in``) when more of them than this overtook a
regular walk-in issued earlier and still waiting; calling in order of issue never does."""
MIN_RESERVED_CALLS = 20
"""A counter that called at least this many tickets, every one booked, is reserved for bookings."""
_MAX_NO_SHOW = 0.99
_DAY_ZERO = pd.Timestamp("2000-01-01")
_DAY_SPAN = 10_000.0
"""Minutes between two days' keys: more than any clock time."""


@dataclass(frozen=True, kw_only=True)
class BookingFigures:
    """Online bookings of one agency, as far as the log and the booking export show them."""

    online_share: float
    online_tickets: int
    punctuality_mean_min: float | None
    """Mean of check-in minus booked slot (negative: early)."""
    punctuality_sd_min: float | None
    late_share: float | None
    within_grace_share: float | None
    bookings: int | None = None
    no_show_share: float | None = None
    came_without_ticket: int | None = None
    """Bookers who came (``came = 1``) for whom the log has no online ticket that day (refused
    by the quota, or the two systems disagree)."""
    slots: SlotLayout | None = None
    reserved_counters: int = 0
    """Counters that called only booked tickets (at least :data:`MIN_RESERVED_CALLS`)."""
    overtaking_share: float | None = None
    """Of the regular booked tickets called, the share called before a regular walk-in issued
    earlier (``None`` without such tickets)."""

    @property
    def booked_first(self) -> bool:
        """Whether booked tickets were called before walk-ins (more than
        :data:`BOOKED_FIRST_SHARE` overtook; with no evidence, the scenario's default)."""
        return self.overtaking_share is None or self.overtaking_share > BOOKED_FIRST_SHARE

    @property
    def requests_per_visit(self) -> float:
        """Booking requests per first visit seen: the bookers who came, plus those who never
        did (``no_show_share`` of the bookings; none without ``--bookings``)."""
        no_show = min(self.no_show_share or 0.0, _MAX_NO_SHOW)
        return self.online_share / (1.0 - no_show)

    @property
    def volume_factor(self) -> float:
        """The agency's volume in the scenario's sense (walk-ins and booking requests) over its
        first visits in the log."""
        return 1.0 - self.online_share + self.requests_per_visit

    @property
    def requested_share(self) -> float:
        """The scenario's ``booking.share``: booking requests among walk-ins and requests."""
        return self.requests_per_visit / self.volume_factor if self.online_share else 0.0

    def to_json(self) -> dict[str, float | int | str | None]:
        """The figures for the JSON summary (rounded)."""
        layout = self.slots
        return {
            "online_share": round(self.online_share, 4),
            "online_tickets": self.online_tickets,
            "punctuality_mean_min": _round(self.punctuality_mean_min),
            "punctuality_sd_min": _round(self.punctuality_sd_min),
            "late_share": _round(self.late_share),
            "within_grace_share": _round(self.within_grace_share),
            "grace_min": GRACE_MIN,
            "bookings": self.bookings,
            "no_show_share": _round(self.no_show_share),
            "came_without_ticket": self.came_without_ticket,
            "share": round(self.requested_share, 4),
            "slot_min": None if layout is None else round(layout.slot_min, 2),
            "per_slot": None if layout is None else layout.per_slot,
            "from": None if layout is None else format_clock(layout.start),
            "to": None if layout is None else format_clock(layout.end),
            "reserved_counters": self.reserved_counters,
            "overtaking_share": _round(self.overtaking_share),
            "priority_over_walk_in": self.booked_first,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _reserved_counters(every: pd.DataFrame) -> int:
    """Counters whose calls (at least :data:`MIN_RESERVED_CALLS`) were all of booked tickets."""
    called = every[(every["counter"] != "") & every["called"].notna()]
    if called.empty:
        return 0
    calls = called.groupby("counter")["online"].agg(["size", "all"])
    return int(((calls["size"] >= MIN_RESERVED_CALLS) & calls["all"]).sum())


def _overtaking_share(every: pd.DataFrame) -> float | None:
    """Of the regular (not priority) booked tickets called, the share called while a regular
    walk-in issued before them was still waiting (called later). Among tickets called in order
    of issue this is zero; booked tickets called first overtake whenever walk-ins wait."""
    regular = every[~every["priority"] & every["called"].notna()]
    online = regular[regular["online"]]
    if online.empty:
        return None
    walk_ins = regular[~regular["online"]].sort_values(["date", "issued"], kind="stable")
    # one sorted key for (date, time of issue): whole days apart, minutes within
    day = np.timedelta64(1, "D")
    w_day = ((walk_ins["date"] - _DAY_ZERO) // day).to_numpy(dtype=np.int64)
    o_day = ((online["date"] - _DAY_ZERO) // day).to_numpy(dtype=np.int64)
    w_key = w_day * _DAY_SPAN + walk_ins["issued"].to_numpy(dtype=float)
    o_key = o_day * _DAY_SPAN + online["issued"].to_numpy(dtype=float)
    latest = walk_ins.groupby("date", sort=False)["called"].cummax().to_numpy(dtype=float)
    before = np.searchsorted(w_key, o_key, "left") - 1
    same_day = (before >= 0) & (w_day[np.maximum(before, 0)] == o_day)
    waited = np.where(same_day, latest[np.maximum(before, 0)], -np.inf)
    return float(np.mean(waited > online["called"].to_numpy(dtype=float)))


def booking_figures(
    first: pd.DataFrame, bookings: pd.DataFrame | None, every: pd.DataFrame | None = None
) -> BookingFigures:
    """Booking figures of one agency from its first-visit tickets, its bookings (if any) and
    all its tickets (``every``: which counters called only booked tickets)."""
    online = first[first["online"]]
    offset = (online["issued"] - online["booked_for"]).to_numpy()
    has = len(offset) > 0
    bookings_count = no_show_share = came_without = None
    if bookings is not None and len(bookings):
        came = bookings.groupby("date")["came"].sum()
        tickets = online.groupby("date").size().reindex(came.index, fill_value=0)
        bookings_count = len(bookings)
        no_show_share = float(1 - bookings["came"].mean())
        came_without = int(np.maximum(came - tickets, 0).sum())
    return BookingFigures(
        online_share=float(first["online"].mean()) if len(first) else 0.0,
        online_tickets=len(online),
        punctuality_mean_min=float(offset.mean()) if has else None,
        punctuality_sd_min=float(offset.std()) if len(offset) > 1 else None,
        late_share=float((offset > 0).mean()) if has else None,
        within_grace_share=float((np.abs(offset) <= GRACE_MIN).mean()) if has else None,
        bookings=bookings_count,
        no_show_share=no_show_share,
        came_without_ticket=came_without,
        slots=slot_layout(online[["date", "booked_for"]], bookings),
        reserved_counters=_reserved_counters(every) if every is not None and has else 0,
        overtaking_share=_overtaking_share(every) if every is not None and has else None,
    )
