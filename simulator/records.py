"""Columnar records of one simulated day: one row per visitor and one row per step.

A *step* is one visit to a station: the information desk, a ticket kiosk, or an agency's
counters. Times are minutes since midnight; a value that does not apply is NaN. KPIs are computed
from these arrays afterwards (:mod:`simulator.metrics`), never during the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "INFO_STATION",
    "KIOSK_STATION",
    "NO_ZONE",
    "OUTCOME_ABANDONED",
    "OUTCOME_SERVED",
    "OUTCOME_TURNED_AWAY",
    "OUTSIDE",
    "REFUSED_CLOSED",
    "REFUSED_LAST_TICKET",
    "REFUSED_LATE_BOOKING",
    "REFUSED_NONE",
    "REFUSED_QUOTA",
    "REFUSED_WALK_IN_QUOTA",
    "DayRecords",
]

#: Station codes in ``steps["station"]``: agencies are 0, 1, ...; the front office is negative.
INFO_STATION = -1
KIOSK_STATION = -2

#: Codes in ``steps["zone"]`` besides a zone's index (``steps["zone_first"]`` is its first
#: choice, ``steps["zones_full"]`` how many zones it found full before waiting).
NO_ZONE = -1
"""Never waited in a zone: called on the way, no zones on the plan, or no floor plan."""
OUTSIDE = -2
"""Found every zone of its list full and waited outside the hall."""

#: Why a step was turned away (``steps["refused"]``; 0 for a ticket issued).
REFUSED_NONE = 0
REFUSED_LAST_TICKET = 1
"""A walk-in who joined the kiosk line after the last-ticket time."""
REFUSED_CLOSED = 2
"""The agency is closed that weekday."""
REFUSED_QUOTA = 3
"""The agency's daily quota was used up."""
REFUSED_WALK_IN_QUOTA = 4
"""The agency's walk-in quota was used up."""
REFUSED_LATE_BOOKING = 5
"""A booked visitor came later than the grace and the late policy refuses them."""

OUTCOME_SERVED = 0
OUTCOME_ABANDONED = 1
OUTCOME_TURNED_AWAY = 2

VISITOR_COLUMNS = (
    "agency",
    "arrival",
    "priority",
    "channel",
    "slot",
    "speed_mps",
    "walk_m",
    "exit",
)
"""``channel``: 0 walk-in, 1 booked online; ``slot``: the booked slot's start (NaN for walk-ins)."""
STEP_COLUMNS = (
    "visitor",
    "station",
    "leg",
    "priority",
    "queued",
    "called",
    "start",
    "end",
    "outcome",
    "refused",
    "channel",
    "counter",
    "zone",
    "zone_first",
    "zones_full",
    "zone_enter",
    "zone_leave",
)


@dataclass(frozen=True)
class DayRecords:
    """Everything that happened to every visitor on one simulated day."""

    agency_ids: tuple[str, ...]
    visitors: dict[str, np.ndarray]
    steps: dict[str, np.ndarray]
    replication: int = 0
    bookings: dict[str, np.ndarray] = field(default_factory=dict)
    """The day's online bookings: ``agency``, ``slot`` (its start), ``came``."""

    @property
    def n_visitors(self) -> int:
        """Number of visitors who came."""
        return len(self.visitors["arrival"])

    def visitors_frame(self) -> pd.DataFrame:
        """Visitors as a DataFrame, with the agency as its id."""
        frame = pd.DataFrame(self.visitors)
        frame["agency"] = np.asarray(self.agency_ids, dtype=object)[frame["agency"].to_numpy()]
        frame.insert(0, "replication", self.replication)
        return frame

    def steps_frame(self) -> pd.DataFrame:
        """Steps as a DataFrame, with the station named (``info``, ``kiosk`` or an agency id)."""
        frame = pd.DataFrame(self.steps)
        names = np.asarray(("kiosk", "info", *self.agency_ids), dtype=object)
        frame["station"] = names[frame["station"].to_numpy() + 2]
        outcome = np.asarray(("served", "abandoned", "turned_away"), dtype=object)
        frame["outcome"] = outcome[frame["outcome"].to_numpy()]
        frame.insert(0, "replication", self.replication)
        return frame
