"""Column mapping: another ticket system's export, renamed and recoded into the log standard.

A small YAML file says, for each column of the standard, which column of the export holds it
(or a fixed value), how its clock or date is written, and which of its values mean ours, e.g.::

    date: {column: tanggal, format: "%d/%m/%Y"}
    ticket: no_antrian
    agency: {column: instansi, values: {DUKCAPIL: disdukcapil, SAMSAT: samsat}}
    issued_at: {column: waktu_ambil, format: "%d/%m/%Y %H:%M:%S"}
    outcome: {column: status, values: {SELESAI: served, TIDAK_HADIR: no_show, BATAL: not_called}}
    channel: {value: walk_in}
    clock_format: "%H.%M.%S"

A column of the standard the mapping does not name is taken from the export's column of the
same name, if there is one. Values a ``values`` table does not list are kept as they are (and
then rejected by the row rules if they mean nothing). See docs/calibration.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Self

import pandas as pd
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from simulator.errors import TicketLogError
from simulator.yaml_input import explain_validation_error, read_yaml_file

__all__ = ["ColumnMapping", "ColumnSource", "apply_mapping", "load_mapping"]

Name = Annotated[str, Field(min_length=1, max_length=200)]
TIME_COLUMNS = ("issued_at", "called_at", "ended_at")


class ColumnSource(BaseModel):
    """Where one column of the standard comes from: an export column or a fixed value."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: Name | None = None
    value: Annotated[str, Field(max_length=200)] | None = None
    values: Annotated[dict[str, str], Field(max_length=10_000)] = {}
    format: Annotated[str, Field(min_length=1, max_length=100)] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.column is None) == (self.value is None):
            raise ValueError("give exactly one of column (the export's column) or value")
        return self


def _column_name(value: object) -> object:
    """A bare string names the export's column."""
    return {"column": value} if isinstance(value, str) else value


Source = Annotated[ColumnSource, BeforeValidator(_column_name)]


class ColumnMapping(BaseModel):
    """Where each column of the ticket-log standard is found in an export."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: Source | None = None
    ticket: Source | None = None
    agency: Source | None = None
    service: Source | None = None
    channel: Source | None = None
    booked_for: Source | None = None
    priority: Source | None = None
    issued_at: Source | None = None
    called_at: Source | None = None
    ended_at: Source | None = None
    counter: Source | None = None
    outcome: Source | None = None
    visit: Source | None = None
    clock_format: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    """strftime format of every time column without its own ``format`` (e.g. ``%H.%M.%S``)."""
    date_format: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    """strftime format of the date column when it has no ``format`` (e.g. ``%d/%m/%Y``)."""

    def source(self, name: str) -> ColumnSource | None:
        """Where column ``name`` of the standard comes from (``None``: not mapped)."""
        given: ColumnSource | None = getattr(self, name)
        return given


def load_mapping(path: str | Path) -> ColumnMapping:
    """Read a column-mapping YAML file (safe loader, size caps), strictly validated."""
    data, _ = read_yaml_file(path, kind="column mapping")
    if not isinstance(data, dict):
        raise TicketLogError("expected a mapping of column names at the top level", file=str(path))
    try:
        return ColumnMapping.model_validate(data)
    except ValidationError as exc:
        raise explain_validation_error(
            exc, data, str(path), unknown_key_hint="not a column of the ticket-log standard"
        ) from None


def _reformat(values: pd.Series, fmt: str, out: str) -> pd.Series:
    """Rewrite values written as ``fmt`` in the standard's form ``out``; keep unparseable ones
    as they are, so the row rules reject them quoting what the export held."""
    parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    rewritten = parsed.dt.strftime(out)
    return rewritten.where(parsed.notna(), values)


def apply_mapping(
    frame: pd.DataFrame, mapping: ColumnMapping | None, *, standard: tuple[str, ...]
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The export as the standard's columns, and the export's columns no column came from."""
    if mapping is None:
        used = [c for c in frame.columns if c in standard]
        unknown = tuple(c for c in frame.columns if c not in standard)
        return frame[used], unknown
    out: dict[str, pd.Series] = {}
    used_columns: set[str] = set()
    for name in standard:
        source = mapping.source(name)
        if source is None:
            if name in frame.columns:
                out[name] = frame[name]
                used_columns.add(name)
            continue
        if source.column is not None:
            if source.column not in frame.columns:
                shown = ", ".join(repr(c) for c in list(frame.columns)[:15])
                raise TicketLogError(
                    f"the mapping takes {name!r} from column {source.column!r}, which the "
                    f"export does not have; it has {shown}"
                )
            values = frame[source.column]
            used_columns.add(source.column)
        else:
            values = pd.Series(source.value or "", index=frame.index, dtype=object)
        if source.values:
            values = values.map(source.values).fillna(values)
        fmt = source.format
        if name in TIME_COLUMNS:
            fmt = fmt or mapping.clock_format
            if fmt:
                values = _reformat(values, fmt, "%H:%M:%S")
        elif name == "booked_for" and (fmt or mapping.clock_format):
            values = _reformat(values, fmt or mapping.clock_format or "", "%H:%M")
        elif name == "date" and (fmt or mapping.date_format):
            values = _reformat(values, fmt or mapping.date_format or "", "%Y-%m-%d")
        out[name] = values.astype(object)
    unknown = tuple(c for c in frame.columns if c not in used_columns)
    return pd.DataFrame(out, index=frame.index), unknown
