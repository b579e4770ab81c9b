"""Arrival profiles per half hour: the share of a day's tickets issued in each half hour.

The profile of an agency is taken from its first-visit tickets on days its quota did not run
out (on those days the afternoon is missing, not quiet). Walk-ins and online bookings are
profiled apart: bookings come at their slot, walk-ins when they please.
"""

from __future__ import annotations

import math

import numpy as np

from simulator.calibration.hours import HallHours

__all__ = ["BIN_MIN", "cumulative_share", "profile_edges", "profile_shares"]

BIN_MIN = 30.0


def profile_edges(hours: HallHours) -> np.ndarray:
    """Half-hour bin edges from ``tickets_open`` to ``last_ticket`` (rounded outwards)."""
    start = math.floor(hours.tickets_open / BIN_MIN) * BIN_MIN
    end = max(start + BIN_MIN, math.ceil(hours.last_ticket / BIN_MIN) * BIN_MIN)
    return np.arange(start, end + BIN_MIN / 2, BIN_MIN)


def profile_shares(issued: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Share of ``issued`` times in each bin (times outside the bins are left out); zeros
    when there is nothing to count."""
    counts, _ = np.histogram(issued, bins=edges)
    total = counts.sum()
    return counts / total if total else np.zeros(len(edges) - 1)


def cumulative_share(edges: np.ndarray, shares: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Share of the day's arrivals expected by ``when`` (arrivals spread evenly within bins)."""
    cumulative = np.concatenate([[0.0], np.cumsum(shares)])
    return np.interp(when, edges, cumulative)
