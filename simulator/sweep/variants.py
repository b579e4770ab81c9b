"""Variants: the combinations of a sweep's grid, each a complete scenario with a fingerprint.

:func:`expand` walks the grid in a fixed order, so variant ``v0007`` is the same combination on
every run of the same file, and fingerprints each variant's scenario with
:func:`~simulator.inputs.scenario_fingerprint` (its floor plan's content included), which is
what the result store keys runs by.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from simulator.errors import ScenarioError
from simulator.inputs import content_sha256, scenario_fingerprint
from simulator.scenario import BuildingLayout, Scenario, scenario_to_data
from simulator.sweep.spec import BOOKING_LEVERS, Sweep

__all__ = [
    "Variant",
    "booking_param",
    "booking_params",
    "describe",
    "expand",
    "numbers_fingerprint",
    "with_counters",
]


@dataclass(frozen=True, kw_only=True)
class Variant:
    """One combination of a sweep's grid: its parameters and the scenario they make.

    ``scenario_sha256`` is :func:`numbers_fingerprint` of the scenario; ``floorplan_sha256``
    the SHA-256 of its drawing's bytes (``None`` without a floor plan), kept for the record.
    """

    id: str
    index: int
    params: dict[str, Any]
    scenario: Scenario
    scenario_sha256: str
    floorplan_sha256: str | None


def numbers_fingerprint(scenario: Scenario) -> str:
    """:func:`~simulator.inputs.scenario_fingerprint` of what decides one replication's numbers.

    The name, description, replication count and seed are set aside: a sweep names its
    variants itself and keys every run by its own seed and replication number.
    """
    run = scenario.run.model_copy(update={"replications": 1, "seed": 0})
    neutral = scenario.model_copy(update={"name": "variant", "description": "", "run": run})
    return scenario_fingerprint(neutral)


def with_counters(scenario: Scenario, counters: Mapping[str, int]) -> Scenario:
    """The same scenario with the given queues' counters changed (others kept): a key is an
    agency with its own counters or a counter group (whose agencies keep ``counters: 0``)."""
    queues = scenario.queue_counters()
    for key in counters:
        if key not in queues:
            group = scenario.group_of(key)
            where = f"; it is served by counter group {group.id!r}" if group is not None else ""
            raise ScenarioError(
                f"cannot set counters of {key!r}: not an agency with its own counters or a "
                f"counter group{where}"
            )
    data = scenario_to_data(scenario)
    for owner in (*data["agencies"], *data.get("counter_groups", [])):
        if owner["id"] in counters:
            owner["counters"] = int(counters[owner["id"]])
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        detail = exc.errors(include_url=False)[0]["msg"]
        raise ScenarioError(f"counters {dict(counters)} are not valid: {detail}") from None


def booking_param(lever: str, agency: str) -> str:
    """The grid column of an agency's booking lever, e.g. ``booking_share_disdukcapil``."""
    return f"booking_{lever}_{agency}"


def booking_params(params: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """The booking levers among ``params``: column -> (lever, agency)."""
    out = {}
    for key in params:
        for lever in BOOKING_LEVERS:
            prefix = f"booking_{lever}_"
            if key.startswith(prefix):
                out[key] = (lever, key.removeprefix(prefix))
    return out


def _apply(base: Scenario, params: dict[str, Any], layout: str | BuildingLayout | None) -> Scenario:
    scenario = base
    out = params.get("agencies_out")
    if out:
        keep = [a.id for a in base.agencies if a.id not in set(out.split("+"))]
        scenario = scenario.with_agencies(keep)
    data = scenario_to_data(scenario)
    present = {a["id"]: a for a in (*data["agencies"], *data.get("counter_groups", []))}
    for key, value in params.items():
        if key.startswith("counters_") and key[9:] in present:
            present[key[9:]]["counters"] = value
    for key, (lever, agency) in booking_params(params).items():
        if agency in present:
            present[agency]["booking"][lever] = params[key]
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


def describe(params: Mapping[str, Any]) -> str:
    """A variant's parameters as ``name=value, ...`` (``base scenario`` when there are none)."""
    return ", ".join(f"{k}={v}" for k, v in params.items()) or "base scenario"


def _dimensions(sweep: Sweep) -> tuple[list[tuple[str, list[Any]]], dict[str, str | None]]:
    """The grid's dimensions in expansion order, and each layout label's resolved path."""
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
    for agency, levers in grid.booking.items():
        dims += [(booking_param(lever, agency), values) for lever, values in levers.levels()]
    return dims, layout_of


def _variant_scenario(
    sweep: Sweep, params: dict[str, Any], layout: str | BuildingLayout | None
) -> Scenario:
    try:
        return _apply(sweep.base, params, layout)
    except (ValidationError, ScenarioError) as exc:
        detail = (
            exc.errors(include_url=False)[0]["msg"]
            if isinstance(exc, ValidationError)
            else str(exc)
        )
        raise ScenarioError(
            f"variant {describe(params)} is not a valid scenario: "
            f"{detail.removeprefix('Value error, ')}",
            file=sweep.source,
            field="grid",
        ) from None


def _drawing_key(layout: str | BuildingLayout) -> str:
    """One key per drawing (a file, or a building's floors)."""
    return (
        layout
        if isinstance(layout, str)
        else repr(sorted((f.level, f.file) for f in layout.floors))
    )


def _drawing_hash(scenario: Scenario) -> str:
    """The content hash of a scenario's drawing; for a building, of its floors' hashes."""
    files = scenario.layout_files()
    if isinstance(scenario.layout, str):
        return content_sha256(files[0])
    joined = ",".join(
        f"{level}:{content_sha256(f)}" for level, f in scenario.layout_levels().items()
    )
    return hashlib.sha256(joined.encode()).hexdigest()


def expand(sweep: Sweep) -> list[Variant]:
    """Every combination of the grid, in a fixed order: agencies out, layouts, day types,
    volume, counters per agency in the order the file lists them, then booking levers per
    agency in the file's order (share, slot_min, per_slot, reserved_counters)."""
    dims, layout_of = _dimensions(sweep)
    drawing_hashes: dict[str, str] = {}
    variants = []
    width = max(4, len(str(math.prod(len(v) for _, v in dims) - 1)))
    for index, combo in enumerate(itertools.product(*(values for _, values in dims))):
        params = dict(zip((name for name, _ in dims), combo, strict=True))
        layout = layout_of[params["layout"]] if "layout" in params else sweep.base.layout
        scenario = _variant_scenario(sweep, params, layout)
        drawing = None if layout is None else _drawing_key(layout)
        if drawing is not None and drawing not in drawing_hashes:
            drawing_hashes[drawing] = _drawing_hash(scenario)
        variant_id = f"v{index:0{width}d}"
        scenario = scenario.model_copy(
            update={"name": f"{sweep.base.name} [{variant_id}: {describe(params)}]"}
        )
        variants.append(
            Variant(
                id=variant_id,
                index=index,
                params=params,
                scenario=scenario,
                scenario_sha256=numbers_fingerprint(scenario),
                floorplan_sha256=None if drawing is None else drawing_hashes[drawing],
            )
        )
    return variants
