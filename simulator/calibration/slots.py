"""The slots an agency's online booking offers, as far as the booked slot starts show them.

Only slots someone booked leave a trace (an online ticket's ``booked_for``, or a row of the
booking export), so the layout is read from those: the slot length is the most common step
between neighbouring slot starts, the first and last starts bound the day's slots, and the
places per slot are the most bookings seen in one slot on one day (a lower bound of what was
offered: a slot never full does not show its size).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["MAX_SLOT_MIN", "SlotLayout", "slot_layout"]

MAX_SLOT_MIN = 240.0
"""The longest slot a scenario takes (``booking.slot_min``)."""
_LAST_MINUTE = 23 * 60 + 59
_DEFAULT_SLOT_MIN = 15.0


@dataclass(frozen=True, kw_only=True)
class SlotLayout:
    """The slots seen: their length, the first start and the end of the last, places each."""

    slot_min: float
    start: float
    """First slot start (minutes since midnight)."""
    end: float
    """End of the last slot seen."""
    per_slot: int
    starts_seen: int
    """Distinct slot starts booked."""
    off_grid: int
    """Distinct starts that are not a whole number of slots after the first."""
    from_export: bool
    """Places per slot counted in the booking export (else in the online tickets, which miss
    the bookings that never came)."""


def _step(starts: np.ndarray) -> float:
    """The most common step between neighbouring slot starts (the shortest on a tie)."""
    if len(starts) < 2:
        return _DEFAULT_SLOT_MIN
    steps, counts = np.unique(np.diff(starts), return_counts=True)
    return float(min(steps[counts == counts.max()].min(), MAX_SLOT_MIN))


def slot_layout(online: pd.DataFrame, bookings: pd.DataFrame | None) -> SlotLayout | None:
    """The slot layout of one agency from its online tickets (``date``, ``booked_for``) and, if
    given, its rows of the booking export (same columns); ``None`` when nobody booked."""
    export = bookings is not None and len(bookings) > 0
    counted = bookings if export and bookings is not None else online
    if counted.empty:
        return None
    booked = np.round(counted["booked_for"].to_numpy(dtype=float))
    if export:
        booked = np.concatenate([booked, np.round(online["booked_for"].to_numpy(dtype=float))])
    starts = np.unique(booked[np.isfinite(booked)])
    if not len(starts):
        return None
    slot_min = _step(starts)
    first = float(starts[0])
    off_grid = int(np.count_nonzero(np.abs(np.remainder(starts - first, slot_min)) > 1e-9))
    per_slot = int(counted.groupby(["date", "booked_for"]).size().max())
    end = min(float(starts[-1]) + slot_min, float(_LAST_MINUTE))
    if end - first < slot_min:  # a slot starting just before midnight: keep one whole slot
        slot_min = max(end - first, 1.0)
    return SlotLayout(
        slot_min=slot_min,
        start=first,
        end=end,
        per_slot=max(1, min(per_slot, 100)),
        starts_seen=len(starts),
        off_grid=off_grid,
        from_export=export,
    )
