"""Online bookings of one agency's day, drawn before the day starts.

The day's booking requests are Poisson around the booked share of the agency's volume. They take
the slots the agency offers (``per_slot`` each), each request a place drawn at random among the
places left, until none is left; requests beyond the slots come as walk-ins, at times drawn from
the agency's arrival profile. A share ``no_show`` of the bookings never come (their place stays
booked); the others arrive at their slot's start plus a normal punctuality offset (negative:
early). Everything comes from the agency's own ``booking`` stream.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.plan import AgencyPlan, BookingPlan

__all__ = ["DayBookings", "draw_bookings"]


@dataclass(frozen=True, kw_only=True)
class DayBookings:
    """One agency's bookings on one day."""

    slot: np.ndarray
    """Start of each booking's slot (minutes since midnight)."""
    came: np.ndarray
    """Whether each booking's visitor came."""
    arrival: np.ndarray
    """Arrival of each booking's visitor at the hall (NaN for those who did not come)."""
    spill: np.ndarray
    """Arrival times of the requests the slots could not take: they come as walk-ins."""


def _profile_times(
    agency: AgencyPlan, booking: BookingPlan, rng: np.random.Generator, count: int
) -> np.ndarray:
    """``count`` times drawn from the agency's arrival profile."""
    edges = agency.bin_edges
    bins = rng.choice(len(booking.spill_weights), size=count, p=booking.spill_weights)
    return np.sort(edges[bins] + rng.random(count) * np.diff(edges)[bins])


def draw_bookings(
    agency: AgencyPlan, booking: BookingPlan, rng: np.random.Generator
) -> DayBookings:
    """The day's bookings of ``agency`` from ``rng`` (its ``booking`` stream)."""
    requests = int(rng.poisson(booking.expected_requests)) if agency.open_today else 0
    booked = min(requests, booking.capacity)
    places = np.sort(rng.choice(booking.capacity, size=booked, replace=False))
    slot = booking.slot_starts[places // booking.per_slot]
    came = rng.random(booked) >= booking.no_show
    offset = rng.normal(booking.punctuality_mean_min, booking.punctuality_sd_min, booked)
    arrival = np.where(came, slot + offset, np.nan)
    spill = _profile_times(agency, booking, rng, requests - booked)
    return DayBookings(slot=slot, came=came, arrival=arrival, spill=spill)
