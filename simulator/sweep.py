"""Sweeps: a base scenario and a grid of changes, every combination replicated, stored as it runs.

A sweep file (YAML, checked strictly like a scenario) names a base scenario and a grid::

    base: ../normal-day.yaml          # relative to the sweep file
    seed: 2023                        # default: the base scenario's run.seed
    replications: 5                   # default: the base scenario's run.replications
    grid:
      counters: {disdukcapil: [4, 5, 6], samsat: [2, 3]}
      volume: [1.0, 1.2]              # visitor volume multiplier
      layouts: [../../layouts/korpri-central.geojson, null]
      day_types: [normal, monday]
      agencies_out: [[], [taspen]]    # agencies left out of the hall

Every combination is a *variant*; the unit of work is one (variant, replication). Each finished
unit is written at once, atomically, to ``DIR/runs/<key>.json`` where the key hashes everything
that decides its numbers: the variant's canonical scenario, the floor-plan file's bytes, the
seed, the replication number and the package version. A rerun skips every key already stored, so
an interrupted sweep loses nothing that finished, and the outputs are always assembled from the
store in a fixed order: they never depend on ``--jobs``, the executor, or interruptions.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from simulator import __version__
from simulator.errors import ScenarioError, SimulatorError
from simulator.executors import Executor, InlineExecutor
from simulator.experiment import KPI_COLUMNS, run_replication
from simulator.inputs import plan_for
from simulator.metrics import OVERALL
from simulator.output import atomic_write_bytes, file_sha256, write_json, write_table
from simulator.plan import Plan
from simulator.scenario import (
    MAX_COUNTERS_PER_AGENCY,
    MAX_REPLICATIONS,
    Scenario,
    explain_validation_error,
    load_scenario,
    read_yaml_file,
    scenario_to_data,
)
from simulator.stats import t_quantile_975

__all__ = [
    "MAX_VARIANTS",
    "PRECISION_KPI",
    "RunStore",
    "Sweep",
    "SweepGrid",
    "SweepResult",
    "Variant",
    "expand",
    "load_sweep",
    "parse_sweep",
    "run_key",
    "run_sweep",
    "scenario_digest",
    "summarise",
    "with_counters",
]

MAX_VARIANTS = 5_000
#: The KPI whose overall confidence half-width ``--precision`` controls.
PRECISION_KPI = "wait_p90_min"
RUN_FORMAT = "mpp-sim-run/1"
SWEEP_FORMAT = "mpp-sim-sweep/1"
COUNT_KPIS = ("arrivals", "served", "turned_away", "abandoned")
STORED_COLUMNS = ("agency", *KPI_COLUMNS)

Progress = Callable[[int, int], None]


# ------------------------------------------------------------------------------- the file


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


class _SweepFile(_Strict):
    base: Annotated[str, Field(min_length=1, max_length=500)]
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    seed: Annotated[int, Field(ge=0, lt=2**63, strict=True)] | None = None
    replications: Annotated[int, Field(ge=1, le=MAX_REPLICATIONS, strict=True)] | None = None
    grid: SweepGrid


@dataclass(frozen=True, kw_only=True)
class Sweep:
    """A checked sweep: its base scenario (loaded), seed, replications and grid."""

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


def _explain(error: ValidationError, data: Any, source: str) -> ScenarioError:
    return explain_validation_error(
        error,
        data,
        source,
        unknown_key_hint=(
            "a sweep file has base, name, seed, replications and grid "
            "(counters, volume, layouts, day_types, agencies_out); see docs/batch.md"
        ),
    )


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


def parse_sweep(data: Any, *, source: str, folder: Path, sweep_sha256: str = "") -> Sweep:
    """Validate already-parsed sweep data; relative paths are resolved against ``folder``."""
    if data is None:
        raise ScenarioError("the file is empty; expected a sweep mapping", file=source)
    if not isinstance(data, dict):
        raise ScenarioError(
            f"expected a mapping with base and grid at the top level, got {type(data).__name__}",
            file=source,
        )
    try:
        spec = _SweepFile.model_validate(data)
    except ValidationError as exc:
        raise _explain(exc, data, source) from None
    base_path = folder / spec.base
    if not base_path.is_file():
        raise ScenarioError(
            f"base scenario {spec.base!r} not found (looked for {base_path})",
            file=source,
            field="base",
        )
    base = load_scenario(base_path)
    _check_against_base(spec.grid, base, source)
    layouts: list[tuple[str | None, str | None]] = []
    for i, layout in enumerate(spec.grid.layouts or []):
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
    sizes = [len(v) for v in spec.grid.counters.values()]
    sizes += [len(v or []) or 1 for v in (spec.grid.volume, spec.grid.layouts)]
    sizes += [len(v or []) or 1 for v in (spec.grid.day_types, spec.grid.agencies_out)]
    total = math.prod(sizes)
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
        base_sha256=file_sha256(base_path),
        sweep_sha256=sweep_sha256,
        seed=spec.seed if spec.seed is not None else base.run.seed,
        replications=spec.replications if spec.replications is not None else base.run.replications,
        grid=spec.grid,
        layout_paths=tuple(layouts),
    )


def load_sweep(path: str | Path) -> Sweep:
    """Read and validate a sweep file and the base scenario it names."""
    path = Path(path)
    source = str(path)
    data, raw = read_yaml_file(path, kind="sweep file")
    return parse_sweep(
        data, source=source, folder=path.parent, sweep_sha256=hashlib.sha256(raw).hexdigest()
    )


# ------------------------------------------------------------------------------- variants


@dataclass(frozen=True, kw_only=True)
class Variant:
    """One combination of the grid: its parameters and the scenario they make."""

    id: str
    index: int
    params: dict[str, Any]
    scenario: Scenario
    scenario_sha256: str
    floorplan_sha256: str | None


def _canonical(scenario: Scenario) -> dict[str, Any]:
    """What decides a scenario's numbers: everything but its name, description, run settings
    and the layout's path (the layout's bytes are hashed separately)."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    for key in ("name", "description", "run", "layout"):
        data.pop(key, None)
    return data


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scenario_digest(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON (name, description, run and layout path aside)."""
    return _digest(_canonical(scenario))


def run_key(variant: Variant, *, seed: int, replication: int) -> str:
    """The store key of one (variant, replication): a hash of every input of its numbers."""
    return _digest(
        {
            "scenario": variant.scenario_sha256,
            "floorplan": variant.floorplan_sha256,
            "seed": seed,
            "replication": replication,
            "version": __version__,
        }
    )


def with_counters(scenario: Scenario, counters: Mapping[str, int]) -> Scenario:
    """The same scenario with the given agencies' counters changed (others kept)."""
    data = scenario_to_data(scenario)
    for agency in data["agencies"]:
        if agency["id"] in counters:
            agency["counters"] = int(counters[agency["id"]])
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        detail = exc.errors(include_url=False)[0]["msg"]
        raise ScenarioError(f"counters {dict(counters)} are not valid: {detail}") from None


def _apply(base: Scenario, params: dict[str, Any], layout: str | None) -> Scenario:
    scenario = base
    out = params.get("agencies_out")
    if out:
        keep = [a.id for a in base.agencies if a.id not in set(out.split("+"))]
        scenario = scenario.with_agencies(keep)
    data = scenario_to_data(scenario)
    present = {a["id"]: a for a in data["agencies"]}
    for key, value in params.items():
        if key.startswith("counters_") and key[9:] in present:
            present[key[9:]]["counters"] = value
    if "volume" in params:
        data["demand"]["visitors_per_day"] *= params["volume"]
        for agency in data["agencies"]:
            if "visitors_per_day" in agency:
                agency["visitors_per_day"] *= params["volume"]
    if "day_type" in params:
        data["day"]["type"] = params["day_type"]
    if "layout" in params:
        data["layout"] = layout
        if layout is None:
            data.pop("layout", None)
    return Scenario.model_validate(data)


def _describe(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items()) or "base scenario"


def expand(sweep: Sweep) -> list[Variant]:
    """Every combination of the grid, in a fixed order: agencies out, layouts, day types,
    volume, then counters per agency in the order the file lists them."""
    grid = sweep.grid
    dims: list[tuple[str, list[Any]]] = []
    if grid.agencies_out is not None:
        dims.append(("agencies_out", ["+".join(group) for group in grid.agencies_out]))
    layout_of: dict[str, str | None] = {}
    if grid.layouts is not None:
        labels = []
        for written, resolved in sweep.layout_paths:
            label = written if written is not None else "none"
            layout_of[label] = resolved
            labels.append(label)
        dims.append(("layout", labels))
    if grid.day_types is not None:
        dims.append(("day_type", list(grid.day_types)))
    if grid.volume is not None:
        dims.append(("volume", list(grid.volume)))
    for agency, options in grid.counters.items():
        dims.append((f"counters_{agency}", list(options)))
    hashes: dict[str | None, str | None] = {None: None}
    variants = []
    width = max(4, len(str(math.prod(len(v) for _, v in dims) - 1)))
    for index, combo in enumerate(itertools.product(*(values for _, values in dims))):
        params = dict(zip((name for name, _ in dims), combo, strict=True))
        layout = layout_of[params["layout"]] if "layout" in params else sweep.base.layout
        try:
            scenario = _apply(sweep.base, params, layout)
        except (ValidationError, ScenarioError) as exc:
            detail = (
                exc.errors(include_url=False)[0]["msg"]
                if isinstance(exc, ValidationError)
                else str(exc)
            )
            raise ScenarioError(
                f"variant {_describe(params)} is not a valid scenario: {detail}",
                file=sweep.source,
                field="grid",
            ) from None
        if layout not in hashes:
            hashes[layout] = file_sha256(layout)
        variant_id = f"v{index:0{width}d}"
        scenario = scenario.model_copy(
            update={"name": f"{sweep.base.name} [{variant_id}: {_describe(params)}]"}
        )
        variants.append(
            Variant(
                id=variant_id,
                index=index,
                params=params,
                scenario=scenario,
                scenario_sha256=scenario_digest(scenario),
                floorplan_sha256=hashes[layout],
            )
        )
    return variants


# ------------------------------------------------------------------------------- the store


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class RunStore:
    """One JSON file per finished (variant, replication), named by its key, written atomically.

    JSON, never pickle: a store may come from anywhere and is only ever parsed as data. Floats
    are written with Python's shortest round-trip form, so a run read back is bit-identical.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder) / "runs"

    def path(self, key: str) -> Path:
        """Where the run with ``key`` is (or will be) stored."""
        return self.folder / f"{key}.json"

    def has(self, key: str) -> bool:
        """Whether the run with ``key`` is stored."""
        return self.path(key).is_file()

    def put(self, key: str, payload: bytes) -> None:
        """Store a run (bytes from :func:`encode_run`) atomically."""
        atomic_write_bytes(self.path(key), payload)

    def read(self, key: str) -> tuple[dict[str, Any], list[list[Any]]]:
        """A stored run as plain data: its metadata and its rows (columns ``agency`` and
        :data:`~simulator.experiment.KPI_COLUMNS`; null for an undefined KPI)."""
        path = self.path(key)
        try:
            data = json.loads(path.read_bytes())
            if data.get("format") != RUN_FORMAT or data.get("key") != key:
                raise ValueError(f"expected format {RUN_FORMAT} and key {key}")
            if data.get("columns") != list(STORED_COLUMNS):
                raise ValueError(f"expected the columns {', '.join(STORED_COLUMNS)}")
            rows = data["rows"]
            if not isinstance(rows, list) or not all(
                isinstance(r, list) and len(r) == len(STORED_COLUMNS) for r in rows
            ):
                raise ValueError(f"expected rows of {len(STORED_COLUMNS)} values")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SimulatorError(
                f"{path}: unreadable stored run ({exc}); delete the file and rerun the sweep"
            ) from None
        meta = {k: v for k, v in data.items() if k not in ("rows", "columns")}
        return meta, rows

    def get(self, key: str) -> tuple[dict[str, Any], pd.DataFrame]:
        """A stored run: its metadata and its KPI rows (one per agency and ``overall``)."""
        meta, rows = self.read(key)
        return meta, _typed(pd.DataFrame(rows, columns=list(STORED_COLUMNS)))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """KPI columns as int64 (counts) and float64 (NaN where undefined)."""
    return frame.astype({k: ("int64" if k in COUNT_KPIS else "float64") for k in KPI_COLUMNS})


def encode_run(kpis: pd.DataFrame, meta: dict[str, Any]) -> bytes:
    """The stored form of one run's KPI rows."""
    columns = list(STORED_COLUMNS)
    rows = [
        [_plain(v.item() if isinstance(v, np.generic) else v) for v in row]
        for row in kpis[columns].itertuples(index=False)
    ]
    data = {"format": RUN_FORMAT, **meta, "columns": columns, "rows": rows}
    return (json.dumps(data, allow_nan=False, separators=(",", ":")) + "\n").encode("utf-8")


@dataclass(frozen=True, kw_only=True)
class _Unit:
    """One (variant, replication) to simulate; small and picklable."""

    key: str
    plan: Plan
    seed: int
    replication: int
    meta: dict[str, Any]


def _simulate(unit: _Unit) -> tuple[str, bytes]:
    """Worker side: simulate one day and encode its KPIs for the store."""
    result = run_replication(unit.plan, seed=unit.seed, replication=unit.replication)
    return unit.key, encode_run(result.kpis, unit.meta)


# ------------------------------------------------------------------------------- running


@dataclass(frozen=True, kw_only=True)
class SweepResult:
    """What a sweep produced: the tables written and how the work went."""

    results: pd.DataFrame
    summary: pd.DataFrame
    replications: dict[str, int]
    half_widths: dict[str, float]
    ran: int
    reused: int
    out: Path
    files: tuple[Path, ...] = field(default=())


def _half_width(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    if values.size < 2:
        return math.nan
    return t_quantile_975(values.size - 1) * float(values.std(ddof=1)) / math.sqrt(values.size)


def _run_units(
    store: RunStore,
    units: Iterable[_Unit],
    executor: Executor,
    progress: Callable[[], None] | None,
) -> None:
    for _, (key, payload) in executor.map_unordered(_simulate, units):
        store.put(key, payload)
        if progress is not None:
            progress()


def run_sweep(
    sweep: Sweep,
    *,
    out: str | Path,
    executor: Executor | None = None,
    precision: float | None = None,
    max_replications: int = 200,
    progress: Progress | None = None,
    plots: bool = True,
) -> SweepResult:
    """Run every variant of ``sweep`` (skipping stored runs) and write the outputs to ``out``.

    With ``precision`` (minutes), replications are added in batches until the 95% half-width of
    each variant's overall p90 wait is below it, or ``max_replications`` is reached; which
    variants get more depends only on stored numbers, so it is the same on any executor.
    ``progress(done, total)`` is called as runs finish (``total`` grows between batches).
    """
    out = Path(out)
    store = RunStore(out)
    runner = executor if executor is not None else InlineExecutor()
    variants = expand(sweep)
    if precision is not None and precision <= 0:
        raise SimulatorError(f"--precision must be a positive number of minutes, got {precision}")
    if max_replications < 1 or max_replications > MAX_REPLICATIONS:
        raise SimulatorError(
            f"--max-replications must be between 1 and {MAX_REPLICATIONS}, got {max_replications}"
        )
    first = sweep.replications
    if precision is not None:
        first = min(max(first, 3), max_replications)
    wanted = {v.id: first for v in variants}
    counts = {"ran": 0, "reused": 0, "done": 0, "total": 0}

    def tick() -> None:
        counts["done"] += 1
        if progress is not None:
            progress(counts["done"], counts["total"])

    def run_batch(todo: dict[str, range]) -> None:
        pending: dict[str, tuple[Variant, int]] = {}
        for variant in variants:
            for replication in todo.get(variant.id, range(0)):
                key = run_key(variant, seed=sweep.seed, replication=replication)
                if key in pending:
                    continue
                if store.has(key):
                    counts["reused"] += 1
                    continue
                pending[key] = (variant, replication)
        counts["total"] += len(pending)
        if progress is not None:
            progress(counts["done"], counts["total"])

        def units() -> Iterator[_Unit]:
            # plans are compiled as the work is handed out, overlapping with the workers
            compiled: tuple[str, Plan] | None = None
            for key, (variant, replication) in pending.items():
                if compiled is None or compiled[0] != variant.id:
                    compiled = (variant.id, _plan_for(variant, sweep.source))
                yield _Unit(
                    key=key,
                    plan=compiled[1],
                    seed=sweep.seed,
                    replication=replication,
                    meta={
                        "key": key,
                        "version": __version__,
                        "seed": sweep.seed,
                        "replication": replication,
                        "scenario_sha256": variant.scenario_sha256,
                        "floorplan_sha256": variant.floorplan_sha256,
                    },
                )

        _run_units(store, units(), runner, tick)
        counts["ran"] += len(pending)

    load = _Loaded(store)
    run_batch({v.id: range(first) for v in variants})
    half_widths = _precision_of(load, variants, wanted, sweep.seed)
    while precision is not None:
        todo: dict[str, range] = {}
        for variant in variants:
            n = wanted[variant.id]
            half = half_widths[variant.id]
            if (math.isfinite(half) and half < precision) or n >= max_replications:
                continue
            needed = math.ceil(n * (half / precision) ** 2) if math.isfinite(half) else 2 * n
            grown = min(max_replications, max(n + 1, min(2 * n, needed)))
            todo[variant.id] = range(n, grown)
            wanted[variant.id] = grown
        if not todo:
            break
        run_batch(todo)
        half_widths = _precision_of(load, variants, wanted, sweep.seed)
    results = _assemble(load, variants, wanted, sweep.seed)
    summary = summarise(results, params=_param_columns(variants))
    files = _write_outputs(
        out, sweep, variants, wanted, half_widths, results, summary, precision, max_replications
    )
    if plots:
        files += _write_plots(summary, variants, out / "plots")
    return SweepResult(
        results=results,
        summary=summary,
        replications=dict(wanted),
        half_widths=half_widths,
        ran=counts["ran"],
        reused=counts["reused"],
        out=out,
        files=files,
    )


def _plan_for(variant: Variant, source: str) -> Plan:
    try:
        return plan_for(variant.scenario)
    except SimulatorError as exc:
        raise ScenarioError(
            f"variant {variant.id} ({_describe(variant.params)}): {exc}", file=source
        ) from None


class _Loaded:
    """Stored runs read once per sweep (the precision loop and the outputs both need them)."""

    def __init__(self, store: RunStore) -> None:
        self.store = store
        self.rows: dict[str, list[list[Any]]] = {}

    def __call__(self, key: str) -> list[list[Any]]:
        if key not in self.rows:
            self.rows[key] = self.store.read(key)[1]
        return self.rows[key]


_AGENCY = STORED_COLUMNS.index("agency")
_P90 = STORED_COLUMNS.index(PRECISION_KPI)


def _precision_of(
    load: _Loaded, variants: Sequence[Variant], wanted: dict[str, int], seed: int
) -> dict[str, float]:
    halves = {}
    for variant in variants:
        values = []
        for replication in range(wanted[variant.id]):
            rows = load(run_key(variant, seed=seed, replication=replication))
            value = next(r[_P90] for r in rows if r[_AGENCY] == OVERALL)
            values.append(math.nan if value is None else value)
        halves[variant.id] = _half_width(np.asarray(values, dtype=float))
    return halves


def _param_columns(variants: Sequence[Variant]) -> list[str]:
    return list(variants[0].params) if variants else []


def _assemble(
    load: _Loaded, variants: Sequence[Variant], wanted: dict[str, int], seed: int
) -> pd.DataFrame:
    """One row per (variant, replication, agency), in variant, replication, agency order."""
    params = _param_columns(variants)
    front: dict[str, list[Any]] = {name: [] for name in ["variant", *params, "replication"]}
    body: list[list[Any]] = []
    back: dict[str, list[Any]] = {
        name: [] for name in ("seed", "scenario_sha256", "floorplan_sha256", "version", "run_key")
    }
    for variant in variants:
        for replication in range(wanted[variant.id]):
            key = run_key(variant, seed=seed, replication=replication)
            rows = load(key)
            n = len(rows)
            body.extend(rows)
            front["variant"].extend([variant.id] * n)
            for name in params:
                front[name].extend([variant.params[name]] * n)
            front["replication"].extend([replication] * n)
            back["seed"].extend([seed] * n)
            back["scenario_sha256"].extend([variant.scenario_sha256] * n)
            back["floorplan_sha256"].extend([variant.floorplan_sha256 or ""] * n)
            back["version"].extend([__version__] * n)
            back["run_key"].extend([key] * n)
    kpis = _typed(pd.DataFrame(body, columns=list(STORED_COLUMNS)))
    frame = pd.concat([pd.DataFrame(front), kpis, pd.DataFrame(back)], axis=1)
    return frame


def summarise(results: pd.DataFrame, *, params: Iterable[str] = ()) -> pd.DataFrame:
    """Mean and 95% half-width (``<kpi>_ci``) of every KPI per variant and agency, with the
    seed, hashes and version that reproduce them."""
    keys = ["variant", *params, "agency"]
    grouped = results.groupby(["variant", "agency"], sort=False)
    first = grouped[keys].first().reset_index(drop=True)
    count = grouped["replication"].count().to_numpy()
    out = first.copy()
    out["replications"] = count
    for kpi in KPI_COLUMNS:
        values = grouped[kpi]
        n = values.count().to_numpy()
        mean = values.mean().to_numpy()
        std = values.std(ddof=1).to_numpy()
        t = np.array([t_quantile_975(int(k) - 1) if k >= 2 else math.nan for k in n])
        with np.errstate(invalid="ignore", divide="ignore"):
            half = np.where(n >= 2, t * std / np.sqrt(n), math.nan)
        out[kpi] = mean
        out[f"{kpi}_ci"] = half
    for column in ("seed", "scenario_sha256", "floorplan_sha256", "version"):
        if column in results.columns:
            out[column] = grouped[column].first().to_numpy()
    return out


def _write_outputs(
    out: Path,
    sweep: Sweep,
    variants: Sequence[Variant],
    wanted: dict[str, int],
    half_widths: dict[str, float],
    results: pd.DataFrame,
    summary: pd.DataFrame,
    precision: float | None,
    max_replications: int,
) -> tuple[Path, ...]:
    files = [
        write_table(results, out / "results", "parquet"),
        write_table(results, out / "results", "csv"),
        write_table(summary, out / "summary", "parquet"),
        write_table(summary, out / "summary", "csv"),
    ]
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for variant in variants:
        data = scenario_to_data(variant.scenario)
        data["run"] = {"replications": wanted[variant.id], "seed": sweep.seed}
        text = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True)
        path = out / "variants" / f"{variant.id}.yaml"
        if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
            atomic_write_bytes(path, text.encode("utf-8"))
    manifest = {
        "format": SWEEP_FORMAT,
        "version": __version__,
        "name": sweep.name,
        "sweep_sha256": sweep.sweep_sha256,
        "base": sweep.base_file,
        "base_sha256": sweep.base_sha256,
        "seed": sweep.seed,
        "replications": sweep.replications,
        "precision": (
            None
            if precision is None
            else {
                "kpi": f"{OVERALL} {PRECISION_KPI}",
                "half_width_min": precision,
                "max_replications": max_replications,
            }
        ),
        "variants": [
            {
                "variant": v.id,
                "params": v.params,
                "replications": wanted[v.id],
                "p90_half_width_min": _plain(round(half_widths[v.id], 6)),
                "scenario_sha256": v.scenario_sha256,
                "floorplan_sha256": v.floorplan_sha256,
                "scenario_file": f"variants/{v.id}.yaml",
            }
            for v in variants
        ],
        "tables": ["results.parquet", "results.csv", "summary.parquet", "summary.csv"],
    }
    files.append(write_json(manifest, out / "manifest.json"))
    return tuple(files)


# ------------------------------------------------------------------------------- plots


def _save(fig: Any, path: Path) -> Path:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return atomic_write_bytes(path, buffer.getvalue())


def _write_plots(
    summary: pd.DataFrame, variants: Sequence[Variant], folder: Path
) -> tuple[Path, ...]:
    """p90 wait against counters for each agency whose counters vary, and overall p90 per
    variant; PNG files drawn off-screen (matplotlib's Agg backend)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    files = []
    overall = summary[summary["agency"] == OVERALL]
    fig = Figure(figsize=(max(6.0, min(20.0, 0.12 * len(overall) + 4)), 4), layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(len(overall))
    ax.errorbar(
        x, overall[PRECISION_KPI], yerr=overall[f"{PRECISION_KPI}_ci"], fmt="o", ms=3, capsize=2
    )
    ax.set_xlabel("variant")
    ax.set_ylabel("overall p90 wait (min)")
    ax.set_title("Overall p90 wait per variant (95% CI)")
    if len(overall) <= 40:
        ax.set_xticks(x, list(overall["variant"]), rotation=90, fontsize=7)
    files.append(_save(fig, folder / "p90_by_variant.png"))

    varied = [p for p in (variants[0].params if variants else {}) if p.startswith("counters_")]
    if varied:
        cols = min(3, len(varied))
        rows = math.ceil(len(varied) / cols)
        fig = Figure(figsize=(4.2 * cols, 3.4 * rows), layout="constrained")
        others = [p for p in variants[0].params if p != "variant"]
        for i, param in enumerate(varied):
            agency = param.removeprefix("counters_")
            ax = fig.add_subplot(rows, cols, i + 1)
            mine = summary[summary["agency"] == agency]
            rest = [p for p in others if not p.startswith("counters_")]
            groups = list(mine.groupby(rest, sort=False)) if rest else [((), mine)]
            if len(groups) > 8:
                spread = mine.groupby(param, sort=True)[PRECISION_KPI].agg(["mean", "min", "max"])
                ax.plot(spread.index, spread["mean"], marker="o", label="mean of variants")
                ax.fill_between(
                    spread.index, spread["min"], spread["max"], alpha=0.2, label="range"
                )
            else:
                for label, group in groups:
                    # other agencies' counters barely matter here (common random numbers)
                    line = group.groupby(param, sort=True)[
                        [PRECISION_KPI, f"{PRECISION_KPI}_ci"]
                    ].mean()
                    text = ", ".join(
                        f"{k}={v}" for k, v in zip(rest, np.atleast_1d(label), strict=False)
                    )
                    ax.errorbar(
                        line.index,
                        line[PRECISION_KPI],
                        yerr=line[f"{PRECISION_KPI}_ci"],
                        marker="o",
                        capsize=2,
                        label=text or None,
                    )
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_title(agency)
            ax.set_xlabel("counters")
            ax.set_ylabel("p90 wait (min)")
            if len(groups) > 1:
                ax.legend(fontsize=6)
        files.append(_save(fig, folder / "p90_vs_counters.png"))
    return tuple(files)
