"""The ticket log's companion files: public holidays and the online booking system's bookings.

Both are small CSVs in the same forms of text as the log (UTF-8 or UTF-16, any separator).
Unlike the log, a broken row here is an error: the files are short and typed by hand or exported
whole, and a wrong holiday or booking would silently shift every estimate built on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.calibration.csvfile import read_bytes, read_text_table
from simulator.calibration.ticketlog import parse_clock
from simulator.errors import TicketLogError

__all__ = ["Bookings", "read_bookings", "read_holidays"]


def _dates(values: pd.Series, lines: pd.Series, *, source: str) -> pd.Series:
    parsed = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise TicketLogError(
            f"line {lines.iloc[i]}: date {values.iloc[i]!r} is not a date YYYY-MM-DD",
            file=source,
        )
    return parsed


def read_holidays(path: str | Path, *, sep: str = ",") -> frozenset[pd.Timestamp]:
    """The public holidays listed in a CSV with a ``date`` column."""
    source = str(path)
    table = read_text_table(
        read_bytes(path, what="holiday list"),
        source=source,
        sep=sep,
        what="holiday list",
        required=("date",),
    )
    if table.bad_rows:
        line, reason = table.bad_rows[0]
        raise TicketLogError(f"line {line}: {reason}", file=source)
    return frozenset(_dates(table.frame["date"], table.lines, source=source))


@dataclass(frozen=True, kw_only=True)
class Bookings:
    """One row per online booking: ``date``, ``agency``, ``booked_for`` (minutes), ``came``
    (bool) and ``service`` (``""`` when the file has none)."""

    frame: pd.DataFrame
    source: str


def read_bookings(path: str | Path, *, sep: str = ",") -> Bookings:
    """The bookings exported by the online booking system (a booking that never came has no
    ticket, so this is the only place it shows)."""
    source = str(path)
    table = read_text_table(
        read_bytes(path, what="booking list"),
        source=source,
        sep=sep,
        what="booking list",
        required=("date", "agency", "booked_for", "came"),
    )
    if table.bad_rows:
        line, reason = table.bad_rows[0]
        raise TicketLogError(f"line {line}: {reason}", file=source)
    frame = table.frame
    dates = _dates(frame["date"], table.lines, source=source)
    booked, bad = parse_clock(frame["booked_for"], seconds=False)
    bad |= np.isnan(booked)
    came_text = frame["came"]
    bad_came = ~came_text.isin(("0", "1")).to_numpy()
    for mask, column, expected in (
        (bad, "booked_for", "a time HH:MM"),
        (bad_came, "came", "1 (came) or 0 (did not)"),
    ):
        if mask.any():
            i = int(np.flatnonzero(mask)[0])
            raise TicketLogError(
                f"line {table.lines.iloc[i]}: {column} {frame[column].iloc[i]!r}: expected "
                f"{expected}",
                file=source,
            )
    return Bookings(
        frame=pd.DataFrame(
            {
                "date": dates,
                "agency": frame["agency"],
                "booked_for": booked,
                "came": (came_text == "1").to_numpy(),
                "service": frame["service"] if "service" in frame.columns else "",
            }
        ),
        source=source,
    )
