"""CSV exports as tables of text, with the line number of every row.

Ticket systems export from Excel and from databases: UTF-8 with or without a BOM, UTF-16
("Unicode text"), commas, semicolons or tabs. This module decodes the bytes, splits the rows
with the standard :mod:`csv` reader (so a row's line number is exact, even after a quoted line
break), and turns a row with the wrong number of fields into a rejected row, not a crash.
Anything that makes the whole file unreadable is one :class:`TicketLogError` line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.errors import TicketLogError

__all__ = ["MAX_LOG_BYTES", "TextTable", "decode_text", "read_bytes", "read_text_table"]

MAX_LOG_BYTES = 200_000_000
"""Largest ticket-log file read (about a million tickets; a year of a busy hall is 150,000)."""

_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


@dataclass(frozen=True, kw_only=True)
class TextTable:
    """The rows of a CSV file as text, each with its line number; rows of the wrong width apart."""

    header: tuple[str, ...]
    frame: pd.DataFrame
    """One string column per header name (cells stripped of surrounding spaces)."""
    lines: pd.Series
    """Line number in the file of each row of ``frame`` (the header is line 1)."""
    bad_rows: tuple[tuple[int, str], ...]
    """(line, reason) of rows that could not be split into the header's columns."""
    encoding: str


def read_bytes(path: str | Path, *, what: str) -> bytes:
    """The bytes of ``path``; a folder, a missing or an over-large file is one clear error."""
    path = Path(path)
    if path.is_dir():
        raise TicketLogError(f"is a folder; expected a {what} CSV file", file=str(path))
    if not path.is_file():
        raise TicketLogError("no such file", file=str(path))
    size = path.stat().st_size
    if size > MAX_LOG_BYTES:
        raise TicketLogError(
            f"file is {size:,} bytes; a {what} may be at most {MAX_LOG_BYTES:,} bytes",
            file=str(path),
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TicketLogError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None


def decode_text(raw: bytes, *, source: str) -> tuple[str, str]:
    """Text and encoding name of an export: UTF-8 (BOM allowed) or UTF-16 with its BOM."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise TicketLogError("the file starts as UTF-16 but is not", file=source) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise TicketLogError(
            f"not UTF-8 text: byte 0x{raw[exc.start]:02x} on line {line}; export the log as "
            "CSV UTF-8 (or UTF-16)",
            file=source,
        ) from None
    if "\x00" in text:
        raise TicketLogError(
            "binary data (NUL bytes): not a CSV text file; export the log as CSV UTF-8",
            file=source,
        )
    return text, "UTF-8"


def _separator_hint(header: list[str], sep: str) -> str:
    if len(header) != 1:
        return ""
    for other, name in _SEPARATOR_NAMES.items():
        if other != sep and other in header[0]:
            flag = "'\\t'" if other == "\t" else f"'{other}'"
            return f"; the file looks {name}-separated: give --sep {flag}"
    return ""


def _fast_split(text: str, sep: str) -> tuple[list[str], pd.DataFrame, np.ndarray] | None:
    """Split with pandas' C parser when the file has no quotes (so row ``i`` is on line
    ``i + 2``) and every row has the header's width; ``None`` otherwise (then
    :func:`_exact_split`)."""
    body = text.lstrip("\r\n")
    skipped = text[: len(text) - len(body)].count("\n")
    try:
        frame = pd.read_csv(
            io.StringIO(body),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_NONE,
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    header = [str(h).strip() for h in frame.columns]
    if len(set(header)) != len(header) or any(h.startswith("Unnamed: ") for h in header):
        return None
    frame.columns = header
    lines = np.arange(len(frame)) + 2 + skipped
    if body.count(sep) != (len(frame) + 1) * (len(header) - 1) or frame.isna().any(axis=None):
        return None  # a short or blank row: pandas pads it; the exact reader reports it
    return header, frame, lines


def _exact_split(
    text: str, sep: str, source: str
) -> tuple[list[str], pd.DataFrame, list[int], list[tuple[int, str]]]:
    """The :mod:`csv` reader, row by row: exact line numbers even after quoted line breaks,
    and rows of the wrong width kept aside as bad rows."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=False)
    try:
        header = next(reader)
        while header == [] or header == [""]:
            header = next(reader)
        header = [h.strip() for h in header]
        width = len(header)
        rows: list[list[str]] = []
        lines: list[int] = []
        bad: list[tuple[int, str]] = []
        for row in reader:
            if len(row) == width:
                rows.append(row)
                lines.append(reader.line_num)
            elif row and any(cell.strip() for cell in row):
                bad.append(
                    (reader.line_num, f"{len(row)} fields, but the header has {width} columns")
                )
    except csv.Error as exc:
        raise TicketLogError(
            f"cannot split line {reader.line_num} into fields: {exc}", file=source
        ) from None
    frame = (
        pd.DataFrame(rows, columns=header, dtype=object)
        if rows
        else pd.DataFrame({h: pd.Series(dtype=object) for h in header})
    )
    return header, frame, lines, bad


def read_text_table(
    raw: bytes, *, source: str, sep: str, what: str, required: tuple[str, ...]
) -> TextTable:
    """Split an export into rows of text; refuse it when it is empty or lacks a required column.

    ``required`` names the columns the file must have (after any column mapping has been
    applied by the caller, pass ``()`` and check later).
    """
    if len(sep) != 1:
        raise TicketLogError(f"the separator must be one character, got {sep!r}", file=source)
    text, encoding = decode_text(raw, source=source)
    if not text.strip():
        raise TicketLogError(
            f"the file is empty; expected a {what} with a header line", file=source
        )
    fast = None if '"' in text else _fast_split(text, sep)
    lines: np.ndarray | list[int]
    if fast is not None:
        header, frame, lines = fast
        bad: list[tuple[int, str]] = []
    else:
        header, frame, lines, bad = _exact_split(text, sep, source)
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise TicketLogError(f"column {duplicated[0]!r} appears twice in the header", file=source)
    missing = [c for c in required if c not in header]
    if missing:
        shown = ", ".join(repr(h) for h in header[:15])
        raise TicketLogError(
            f"required column {missing[0]!r} is missing; the header has {shown}"
            + _separator_hint(header, sep),
            file=source,
        )
    for column in header:
        frame[column] = frame[column].astype(str).str.strip()
    blank = (frame == "").all(axis=1).to_numpy() if len(frame) else np.zeros(0, dtype=bool)
    line_series = pd.Series(np.asarray(lines), dtype="int64")
    if blank.any():
        frame = frame[~blank].reset_index(drop=True)
        line_series = line_series[~blank].reset_index(drop=True)
    if frame.empty and not bad:
        raise TicketLogError(f"the file has a header but no rows; expected a {what}", file=source)
    return TextTable(
        header=tuple(header),
        frame=frame,
        lines=line_series,
        bad_rows=tuple(bad),
        encoding=encoding,
    )
