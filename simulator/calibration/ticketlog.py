"""The queue-ticket log (docs/calibration.md): read, every row checked, typed.

Each rule of the log standard is checked on whole columns at once (a year of 150,000 tickets
reads in about a second). A row that breaks a rule is kept aside with its line number and the
first rule it breaks, so the caller can count and show every one; nothing is silently dropped.
What survives is a :class:`TicketLog` whose ``tickets`` table has typed columns: clock times
as minutes since midnight (NaN when empty), dates as ``datetime64``, flags as booleans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.calibration.csvfile import read_bytes, read_text_table
from simulator.calibration.mapping import ColumnMapping, apply_mapping
from simulator.errors import TicketLogError

__all__ = [
    "COLUMNS",
    "OUTCOMES",
    "REQUIRED",
    "TicketLog",
    "parse_clock",
    "read_ticket_log",
    "ticket_log_from_bytes",
]

REQUIRED = ("date", "ticket", "agency", "issued_at", "outcome")
COLUMNS = (
    "date",
    "ticket",
    "agency",
    "service",
    "channel",
    "booked_for",
    "priority",
    "issued_at",
    "called_at",
    "ended_at",
    "counter",
    "outcome",
    "visit",
)
OUTCOMES = ("served", "no_show", "not_called", "transferred")
PRIORITY_VALUES = {
    "0": False,
    "1": True,
    "reguler": False,
    "lansia": True,
    "disabilitas": True,
    "hamil": True,
    "anak": True,
}
_AGENCY_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, kw_only=True)
class TicketLog:
    """The valid tickets of a log, the rows rejected, and what else the file held."""

    source: str
    tickets: pd.DataFrame
    """One row per valid ticket: ``line``, ``date`` (datetime64), ``ticket``, ``agency``,
    ``service`` (``""`` if none), ``online`` (bool), ``booked_for`` (minutes or NaN),
    ``priority`` (bool), ``issued``, ``called``, ``ended`` (minutes since midnight, NaN when
    empty), ``counter`` (``""`` if none), ``outcome``, ``visit`` (``""`` if none)."""
    rejected: pd.DataFrame
    """Columns ``line`` and ``reason``, in line order."""
    rows_read: int
    columns: tuple[str, ...]
    """The standard's columns the file had (after mapping)."""
    unknown_columns: tuple[str, ...]
    encoding: str

    def has(self, column: str) -> bool:
        """Whether the log had the standard column ``column``."""
        return column in self.columns


def _fixed_width_clock(text: np.ndarray, *, seconds: bool) -> tuple[np.ndarray, np.ndarray]:
    """Minutes of the values written exactly ``HH:MM:SS`` (or ``HH:MM``), and which those are.

    Reads the characters as bytes in whole-column numpy arithmetic: a year of tickets in a
    few milliseconds, where a regular expression per value takes a second.
    """
    width = 8 if seconds else 5
    lengths = np.char.str_len(text.astype(str))
    candidate = lengths == width
    result = np.full(len(text), np.nan)
    if not candidate.any():
        return result, candidate
    raw = np.char.encode(text[candidate].astype(str), "ascii", errors="replace")
    chars = np.frombuffer(raw.astype(f"S{width}").tobytes(), dtype=np.uint8).reshape(-1, width)
    digits = chars.astype(int) - ord("0")
    digit_positions = [0, 1, 3, 4, 6, 7] if seconds else [0, 1, 3, 4]
    colon_positions = [2, 5] if seconds else [2]
    ok = ((digits[:, digit_positions] >= 0) & (digits[:, digit_positions] <= 9)).all(axis=1)
    ok &= (chars[:, colon_positions] == ord(":")).all(axis=1)
    hours = digits[:, 0] * 10 + digits[:, 1]
    minutes = digits[:, 3] * 10 + digits[:, 4]
    value = hours * 60.0 + minutes
    ok &= (hours < 24) & (minutes < 60)
    if seconds:
        secs = digits[:, 6] * 10 + digits[:, 7]
        ok &= secs < 60
        value = value + secs / 60.0
    index = np.flatnonzero(candidate)
    result[index[ok]] = value[ok]
    parsed = np.zeros(len(text), dtype=bool)
    parsed[index[ok]] = True
    return result, parsed


def parse_clock(
    values: pd.Series, *, seconds: bool, decimal: str = "."
) -> tuple[np.ndarray, np.ndarray]:
    """Clock texts as minutes since midnight, and a mask of the non-empty ones that are bad.

    ``HH:MM:SS`` (a fraction of a second after ``decimal`` allowed) when ``seconds``, else
    ``HH:MM``; an hour may have one digit. Empty cells are NaN and not bad.
    """
    text = values.astype(str).to_numpy(dtype=object)
    result, parsed = _fixed_width_clock(text, seconds=seconds)
    empty = text == ""
    rest = ~parsed & ~empty
    if rest.any():
        pattern = (
            r"^(\d{1,2}):(\d{2}):(\d{2})(?:" + re.escape(decimal) + r"(\d{1,6}))?$"
            if seconds
            else r"^(\d{1,2}):(\d{2})$"
        )
        parts = pd.Series(text[rest]).str.extract(pattern)
        hours = pd.to_numeric(parts[0], errors="coerce").to_numpy(dtype=float)
        minutes = pd.to_numeric(parts[1], errors="coerce").to_numpy(dtype=float)
        value = hours * 60 + minutes
        ok = (hours < 24) & (minutes < 60)
        if seconds:
            secs = pd.to_numeric(parts[2], errors="coerce").to_numpy(dtype=float)
            fraction = pd.to_numeric("0." + parts[3].fillna("0"), errors="coerce")
            value = value + (secs + fraction.to_numpy(dtype=float)) / 60
            ok &= secs < 60
        ok &= np.isfinite(value)
        result[rest] = np.where(ok, value, np.nan)
    bad = ~empty & np.isnan(result)
    return result, bad


class _Rules:
    """Collects, per row, the first rule it breaks."""

    def __init__(self, n: int) -> None:
        self.reason = np.full(n, "", dtype=object)

    def fail(self, mask: np.ndarray, reasons: str | list[str] | np.ndarray) -> None:
        """Give rows in ``mask`` (not already rejected) ``reasons`` (one, or one per row)."""
        fresh = np.asarray(mask, dtype=bool) & (self.reason == "")
        if not fresh.any():
            return
        if isinstance(reasons, str):
            self.reason[fresh] = reasons
        else:
            chosen = np.asarray(reasons, dtype=object)[fresh[np.asarray(mask, dtype=bool)]]
            self.reason[fresh] = chosen

    @property
    def ok(self) -> np.ndarray:
        return self.reason == ""


def _quoted(prefix: str, values: pd.Series, mask: np.ndarray, suffix: str) -> list[str]:
    """One reason per masked row, quoting the row's value (cut to 40 characters)."""
    return [f"{prefix} {v[:40]!r} {suffix}" for v in values[mask]]


def _check_rows(frame: pd.DataFrame, *, decimal: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The typed table of every row and the reason each broken row is rejected (``""``: ok)."""
    n = len(frame)
    rules = _Rules(n)

    def column(name: str) -> pd.Series:
        return frame[name] if name in frame.columns else pd.Series("", index=frame.index)

    date_text = column("date")
    dates = pd.to_datetime(date_text, format="%Y-%m-%d", errors="coerce")
    bad_date = (dates.isna() | ~date_text.str.match(_DATE)).to_numpy()
    rules.fail(bad_date, _quoted("date", date_text, bad_date, "is not a date YYYY-MM-DD"))
    ticket = column("ticket")
    rules.fail((ticket == "").to_numpy(), "ticket is empty")
    agency = column("agency")
    bad_agency = ~agency.str.match(_AGENCY_ID).to_numpy(dtype=bool)
    rules.fail(
        bad_agency,
        _quoted("agency", agency, bad_agency, "is not an agency id (a-z, 0-9, '-', '_'; map it)"),
    )
    outcome = column("outcome")
    bad_outcome = ~outcome.isin(OUTCOMES).to_numpy()
    rules.fail(
        bad_outcome,
        _quoted("outcome", outcome, bad_outcome, f"is not one of {', '.join(OUTCOMES)}"),
    )
    channel = column("channel")
    bad_channel = ~channel.isin(("", "walk_in", "online")).to_numpy()
    rules.fail(bad_channel, _quoted("channel", channel, bad_channel, "is not walk_in or online"))
    online = (channel == "online").to_numpy()
    priority_text = column("priority").str.lower()
    priority_flag = priority_text.map(PRIORITY_VALUES)
    bad_priority = (priority_flag.isna() & (priority_text != "")).to_numpy()
    rules.fail(
        bad_priority,
        _quoted(
            "priority",
            column("priority"),
            bad_priority,
            "is not 0, 1, reguler, lansia, disabilitas, hamil or anak",
        ),
    )
    booked_text = column("booked_for")
    booked, bad_booked = parse_clock(booked_text, seconds=False)
    rules.fail(bad_booked, _quoted("booked_for", booked_text, bad_booked, "is not HH:MM"))
    rules.fail(online & np.isnan(booked), "an online ticket needs booked_for (HH:MM)")
    times = {}
    for name in ("issued_at", "called_at", "ended_at"):
        text = column(name)
        minutes, bad = parse_clock(text, seconds=True, decimal=decimal)
        hint = "is not a time of the day HH:MM:SS"
        other = "," if decimal == "." else "."
        if bad.any() and text[bad].str.contains(re.escape(other), regex=True).any():
            hint += f" (decimal mark {other!r}: give --decimal '{other}')"
        rules.fail(bad, _quoted(name, text, bad, hint))
        times[name] = minutes
    issued, called, ended = times["issued_at"], times["called_at"], times["ended_at"]
    rules.fail(np.isnan(issued), "issued_at is empty")
    has_called = ~np.isnan(called)
    has_ended = ~np.isnan(ended)
    served = outcome.isin(("served", "transferred")).to_numpy()
    rules.fail(served & ~has_called, "a served or transferred ticket needs called_at")
    rules.fail(served & ~has_ended, "a served or transferred ticket needs ended_at")
    no_show = (outcome == "no_show").to_numpy()
    rules.fail(no_show & ~has_called, "a no_show ticket needs called_at")
    rules.fail(no_show & has_ended, "a no_show ticket has no ended_at")
    not_called = (outcome == "not_called").to_numpy()
    rules.fail(
        not_called & (has_called | has_ended), "a not_called ticket has no called_at/ended_at"
    )
    with np.errstate(invalid="ignore"):
        rules.fail(has_called & (called < issued), "called_at is before issued_at")
        rules.fail(has_ended & (ended < called), "ended_at is before called_at")
    typed = pd.DataFrame(
        {
            "date": dates,
            "ticket": ticket,
            "agency": agency,
            "service": column("service"),
            "online": online,
            "booked_for": booked,
            "priority": priority_flag.fillna(0).astype(bool).to_numpy(),
            "issued": issued,
            "called": called,
            "ended": ended,
            "counter": column("counter"),
            "outcome": outcome,
            "visit": column("visit"),
        }
    )
    ok_rows = typed[rules.ok]
    duplicate = np.zeros(n, dtype=bool)
    duplicate[np.flatnonzero(rules.ok)] = ok_rows.duplicated(
        ["date", "agency", "ticket"], keep="first"
    ).to_numpy()
    if duplicate.any():
        reasons = [
            f"ticket {t!r} appears twice on {d:%Y-%m-%d} at {a}"
            for t, d, a in typed.loc[duplicate, ["ticket", "date", "agency"]].itertuples(
                index=False
            )
        ]
        rules.fail(duplicate, reasons)
    return typed, rules.reason


def ticket_log_from_bytes(
    raw: bytes,
    *,
    source: str,
    sep: str = ",",
    decimal: str = ".",
    mapping: ColumnMapping | None = None,
) -> TicketLog:
    """Read a ticket log from the bytes of its file (the app's upload, or a file's content)."""
    if decimal not in {".", ","}:
        raise TicketLogError(f"the decimal mark must be '.' or ',', got {decimal!r}", file=source)
    if decimal == sep:
        raise TicketLogError(
            f"the decimal mark {decimal!r} cannot also be the separator", file=source
        )
    table = read_text_table(
        raw,
        source=source,
        sep=sep,
        what="ticket log",
        required=() if mapping is not None else REQUIRED,
    )
    try:
        frame, unknown = apply_mapping(table.frame, mapping, standard=COLUMNS)
    except TicketLogError as exc:
        raise TicketLogError(exc.detail, file=source) from None
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise TicketLogError(
            f"required column {missing[0]!r} is neither in the export nor in the mapping",
            file=source,
        )
    typed, reason = _check_rows(frame, decimal=decimal)
    lines = table.lines.to_numpy()
    ok = reason == ""
    tickets = typed[ok].reset_index(drop=True)
    tickets.insert(0, "line", lines[ok])
    rejected = pd.concat(
        [
            pd.DataFrame({"line": lines[~ok], "reason": reason[~ok]}),
            pd.DataFrame(table.bad_rows, columns=["line", "reason"]),
        ],
        ignore_index=True,
    )
    rejected = rejected.sort_values("line", kind="stable").reset_index(drop=True)
    rows_read = len(frame) + len(table.bad_rows)
    if tickets.empty:
        first = rejected.iloc[0]
        raise TicketLogError(
            f"all {rows_read:,} rows are broken; the first, line {first['line']}: "
            f"{first['reason']}",
            file=source,
        )
    return TicketLog(
        source=source,
        tickets=tickets,
        rejected=rejected,
        rows_read=rows_read,
        columns=tuple(frame.columns),
        unknown_columns=unknown,
        encoding=table.encoding,
    )


def read_ticket_log(
    path: str | Path,
    *,
    sep: str = ",",
    decimal: str = ".",
    mapping: ColumnMapping | None = None,
) -> TicketLog:
    """Read and check the ticket log in ``path`` (see :func:`ticket_log_from_bytes`)."""
    raw = read_bytes(path, what="ticket log")
    return ticket_log_from_bytes(raw, source=str(path), sep=sep, decimal=decimal, mapping=mapping)
