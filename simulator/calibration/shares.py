"""Shares among an agency's first visits (priority, online), and how bookings turn out.

``online_share`` and the punctuality of bookings (check-in time minus booked slot) come from
the log; bookings that never came have no ticket, so their share comes only from the booking
system's export (``--bookings``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["BookingFigures", "booking_figures"]

GRACE_MIN = 15.0
"""Punctuality is also given as the share who checked in within this many minutes of the slot."""


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

    def to_json(self) -> dict[str, float | int | None]:
        """The figures for the JSON summary (rounded)."""
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
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def booking_figures(first: pd.DataFrame, bookings: pd.DataFrame | None) -> BookingFigures:
    """Booking figures of one agency from its first-visit tickets and its bookings (if any)."""
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
    )
