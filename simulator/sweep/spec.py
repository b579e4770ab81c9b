"""The sweep file: a base scenario and a grid of changes, checked strictly like a scenario.

:func:`load_sweep` reads the file through :func:`~simulator.yaml_input.read_yaml_file`,
validates it, loads the base scenario it names and checks the grid against that scenario
(known agencies and day types, resolvable layouts, at most :data:`MAX_VARIANTS` combinations).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from simulator.errors import ScenarioError
from simulator.inputs import content_sha256
from simulator.scenario import MAX_COUNTERS_PER_AGENCY, MAX_REPLICATIONS, Scenario, load_scenario
from simulator.yaml_input import explain_validation_error, read_yaml_file

__all__ = ["MAX_VARIANTS", "Sweep", "SweepGrid", "load_sweep", "parse_sweep"]

MAX_VARIANTS = 5_000
"""Most combinations a sweep's grid may have (each one runs for every replication)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Counters = Annotated[int, Field(ge=1, le=MAX_COUNTERS_PER_AGENCY, strict=True)]


def _unique(values: list[Any], what: str) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} is listed twice")
        seen.append(value)
    return values


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


def _check_against_base(grid: SweepGrid, base: Scenario, source: str) -> None:
    ids = [a.id for a in base.agencies]
    known = ", ".join(ids[:30])
    for agency in grid.counters:
        if agency not in ids:
            raise ScenarioError(
                f"unknown agency {agency!r}; the base scenario has {known}",
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
        raise explain_validation_error(
            exc,
            data,
            source,
            unknown_key_hint=(
                "a sweep file has base, name, seed, replications and grid "
                "(counters, volume, layouts, day_types, agencies_out); see docs/batch.md"
            ),
        ) from None


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
