"""The sweep file: a base scenario and a grid of changes, checked strictly like a scenario.

:func:`load_sweep` reads the file through :func:`~simulator.yaml_input.read_yaml_file`,
validates it, loads the base scenario it names and checks the grid against that scenario
(known agencies and day types, resolvable layouts, booking levers only where the base scenario
books, at most :data:`MAX_VARIANTS` combinations).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    field_validator,
)

from simulator.errors import ScenarioError
from simulator.inputs import content_sha256
from simulator.scenario import (
    MAX_COUNTERS_PER_AGENCY,
    MAX_REPLICATIONS,
    Booking,
    Scenario,
    load_scenario,
    scenario_to_data,
)
from simulator.yaml_input import explain_validation_error, read_yaml_file

__all__ = [
    "BOOKING_LEVERS",
    "MAX_VARIANTS",
    "BookingLevers",
    "Sweep",
    "SweepGrid",
    "load_sweep",
    "parse_sweep",
]

MAX_VARIANTS = 5_000
"""Most combinations a sweep's grid may have (each one runs for every replication)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Counters = Annotated[int, Field(ge=1, le=MAX_COUNTERS_PER_AGENCY, strict=True)]


def _number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"got {value!r}: expected a number")
    return value


Number = Annotated[int | float, PlainValidator(_number)]
"""A lever's value as written (an int stays an int); its range is checked by the scenario's
own ``Booking``."""
Levels = Annotated[list[Number], Field(min_length=1, max_length=50)]

BOOKING_LEVERS = ("share", "slot_min", "per_slot", "reserved_counters")
"""The fields of an agency's ``booking`` a sweep may vary, in expansion order."""


def _unique(values: list[Any], what: str) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} is listed twice")
        seen.append(value)
    return values


class BookingLevers(_Strict):
    """Values to try for one agency's booking fields (each one a dimension of the grid)."""

    share: Levels | None = None
    slot_min: Levels | None = None
    per_slot: Levels | None = None
    reserved_counters: Levels | None = None

    @field_validator(*BOOKING_LEVERS)
    @classmethod
    def _levels_unique(cls, value: list[Any] | None) -> list[Any] | None:
        return None if value is None else _unique(value, "value")

    def levels(self) -> list[tuple[str, list[int | float]]]:
        """(field, values) of the fields given, in :data:`BOOKING_LEVERS` order."""
        return [(f, list(v)) for f in BOOKING_LEVERS if (v := getattr(self, f)) is not None]


class SweepGrid(_Strict):
    """The dimensions of a sweep; each one left out keeps the base scenario's value."""

    counters: dict[str, Annotated[list[Counters], Field(min_length=1, max_length=50)]] = {}
    volume: (
        Annotated[
            list[Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)]],
            Field(min_length=1, max_length=100),
        ]
        | None
    ) = None
    layouts: (
        Annotated[
            list[Annotated[str, Field(min_length=1, max_length=500)] | None],
            Field(min_length=1, max_length=50),
        ]
        | None
    ) = None
    day_types: Annotated[list[str], Field(min_length=1, max_length=20)] | None = None
    agencies_out: (
        Annotated[
            list[Annotated[list[str], Field(max_length=60)]], Field(min_length=1, max_length=200)
        ]
        | None
    ) = None
    booking: dict[str, BookingLevers] = {}

    @field_validator("counters")
    @classmethod
    def _counters_unique(cls, value: dict[str, list[int]]) -> dict[str, list[int]]:
        for agency, options in value.items():
            _unique(options, f"counters of {agency!r}:")
        return value

    @field_validator("volume", "layouts", "day_types")
    @classmethod
    def _values_unique(cls, value: list[Any] | None) -> list[Any] | None:
        return None if value is None else _unique(value, "value")

    @field_validator("agencies_out")
    @classmethod
    def _sets_unique(cls, value: list[list[str]] | None) -> list[list[str]] | None:
        if value is None:
            return None
        for group in value:
            _unique(group, "agency")
        _unique([sorted(group) for group in value], "agency set")
        return value

    def combinations(self) -> int:
        """How many variants the grid makes (the product of its dimensions' sizes)."""
        sizes = [len(v) for v in self.counters.values()]
        sizes += [len(v) for levers in self.booking.values() for _, v in levers.levels()]
        for values in (self.volume, self.layouts, self.day_types, self.agencies_out):
            sizes.append(len(values) if values else 1)
        return math.prod(sizes)


class _SweepFile(_Strict):
    base: Annotated[str, Field(min_length=1, max_length=500)]
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    seed: Annotated[int, Field(ge=0, lt=2**63, strict=True)] | None = None
    replications: Annotated[int, Field(ge=1, le=MAX_REPLICATIONS, strict=True)] | None = None
    grid: SweepGrid


@dataclass(frozen=True, kw_only=True)
class Sweep:
    """A checked sweep: its base scenario (loaded), seed, replications and grid.

    ``layout_paths`` pairs each grid layout as written in the file with its resolved path
    (``(None, None)`` for ``null``, no floor plan).
    """

    name: str
    source: str
    base_file: str
    base: Scenario
    base_sha256: str
    sweep_sha256: str
    seed: int
    replications: int
    grid: SweepGrid
    layout_paths: tuple[tuple[str | None, str | None], ...] = ()


def _check_booking_levers(grid: SweepGrid, base: Scenario, source: str, known: str) -> None:
    """Each booking lever names an agency of the base scenario that books, and each of its
    values would make a valid booking there (checked by the scenario's own rules)."""
    ids = [a.id for a in base.agencies]
    written = {a["id"]: a.get("booking") for a in scenario_to_data(base)["agencies"]}
    for agency_id, levers in grid.booking.items():
        where = f"grid.booking.{agency_id}"
        if agency_id not in ids:
            raise ScenarioError(
                f"unknown agency {agency_id!r}; the base scenario has {known}",
                file=source,
                field=where,
            )
        data = written[agency_id]
        if data is None:
            raise ScenarioError(
                f"agency {agency_id!r} has no booking in the base scenario; the levers change "
                "an existing booking, so give it a booking: block (as scenarios/"
                "monday-booking.yaml does)",
                file=source,
                field=where,
            )
        if not levers.levels():
            raise ScenarioError(
                f"no lever given; expected one or more of {', '.join(BOOKING_LEVERS)}",
                file=source,
                field=where,
            )
        for lever, values in levers.levels():
            for i, value in enumerate(values):
                try:
                    Booking.model_validate(data | {lever: value})
                except ValidationError as exc:
                    detail = exc.errors(include_url=False)[0]["msg"]
                    raise ScenarioError(
                        f"got {value!r}: {detail.removeprefix('Value error, ')}",
                        file=source,
                        field=f"{where}.{lever}[{i}]",
                    ) from None


def _check_against_base(grid: SweepGrid, base: Scenario, source: str) -> None:
    ids = [a.id for a in base.agencies]
    known = ", ".join(ids[:30])
    _check_booking_levers(grid, base, source, known)
    queues = list(base.queue_counters())
    for agency in grid.counters:
        if agency not in queues:
            shared = base.group_of(agency)
            why = (
                f"{agency!r} is served by counter group {shared.id!r}; vary the group's counters"
                if shared is not None
                else f"unknown agency {agency!r} (or counter group)"
            )
            raise ScenarioError(
                f"{why}; the base scenario's queues are {', '.join(queues[:30])}",
                file=source,
                field=f"grid.counters.{agency}",
            )
    for i, day_type in enumerate(grid.day_types or []):
        if day_type not in base.demand.day_types:
            raise ScenarioError(
                f"day type {day_type!r} is not one of the base scenario's demand.day_types "
                f"{sorted(base.demand.day_types)}",
                file=source,
                field=f"grid.day_types[{i}]",
            )
    for i, group in enumerate(grid.agencies_out or []):
        for agency in group:
            if agency not in ids:
                raise ScenarioError(
                    f"unknown agency {agency!r}; the base scenario has {known}",
                    file=source,
                    field=f"grid.agencies_out[{i}]",
                )
        if set(group) >= set(ids):
            raise ScenarioError(
                "leaves every agency out; at least one must take part",
                file=source,
                field=f"grid.agencies_out[{i}]",
            )


def _resolve_layouts(
    grid: SweepGrid, folder: Path, source: str
) -> tuple[tuple[str | None, str | None], ...]:
    layouts: list[tuple[str | None, str | None]] = []
    for i, layout in enumerate(grid.layouts or []):
        if layout is None:
            layouts.append((None, None))
            continue
        path = (folder / layout).resolve()
        if not path.is_file():
            raise ScenarioError(
                f"layout {layout!r} not found (looked for {path})",
                file=source,
                field=f"grid.layouts[{i}]",
            )
        layouts.append((layout, str(path)))
    return tuple(layouts)


def _validate(data: Any, source: str) -> _SweepFile:
    if data is None:
        raise ScenarioError("the file is empty; expected a sweep mapping", file=source)
    if not isinstance(data, dict):
        raise ScenarioError(
            f"expected a mapping with base and grid at the top level, got {type(data).__name__}",
            file=source,
        )
    try:
        return _SweepFile.model_validate(data)
    except ValidationError as exc:
        loc = exc.errors(include_url=False)[0]["loc"]
        hint = (
            f"an agency's booking levers are {', '.join(BOOKING_LEVERS)}; see docs/batch.md"
            if tuple(loc[:2]) == ("grid", "booking") and len(loc) == 4
            else "a sweep file has base, name, seed, replications and grid "
            "(counters, volume, layouts, day_types, agencies_out, booking); see docs/batch.md"
        )
        raise explain_validation_error(exc, data, source, unknown_key_hint=hint) from None


def parse_sweep(data: Any, *, source: str, folder: Path, sweep_sha256: str = "") -> Sweep:
    """Validate already-parsed sweep data; relative paths are resolved against ``folder``."""
    spec = _validate(data, source)
    base_path = folder / spec.base
    if not base_path.is_file():
        raise ScenarioError(
            f"base scenario {spec.base!r} not found (looked for {base_path})",
            file=source,
            field="base",
        )
    base = load_scenario(base_path)
    _check_against_base(spec.grid, base, source)
    layouts = _resolve_layouts(spec.grid, folder, source)
    total = spec.grid.combinations()
    if total > MAX_VARIANTS:
        raise ScenarioError(
            f"the grid has {total:,} combinations; a sweep may have at most {MAX_VARIANTS:,}",
            file=source,
            field="grid",
        )
    return Sweep(
        name=spec.name or Path(source).stem,
        source=source,
        base_file=spec.base,
        base=base,
        base_sha256=content_sha256(base_path),
        sweep_sha256=sweep_sha256,
        seed=spec.seed if spec.seed is not None else base.run.seed,
        replications=spec.replications if spec.replications is not None else base.run.replications,
        grid=spec.grid,
        layout_paths=layouts,
    )


def load_sweep(path: str | Path) -> Sweep:
    """Read and validate a sweep file and the base scenario it names."""
    path = Path(path)
    data, raw = read_yaml_file(path, kind="sweep file")
    return parse_sweep(
        data, source=str(path), folder=path.parent, sweep_sha256=hashlib.sha256(raw).hexdigest()
    )
