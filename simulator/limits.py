"""Every size limit of the simulator in one place, for the docs, the app and the tests.

The numbers live next to the code that enforces them (:mod:`simulator.scenario`,
:mod:`simulator.yaml_input`, :mod:`simulator.sweep.spec`, :mod:`simulator.floorplan.limits`,
:mod:`simulator.floorplan.assemble`); this module only re-exports them and lists them in
:data:`LIMITS`, which ``docs/limits.md`` mirrors (a test keeps the two in step). Each limit
is far above what a real service hall needs and far below what would let one file or upload
occupy the machine.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.calibration.csvfile import MAX_LOG_BYTES
from simulator.floorplan.assemble import MAX_COORDINATE_M, MAX_COUNTERS
from simulator.floorplan.limits import MAX_ENTITIES, MAX_FILE_BYTES
from simulator.scenario import (
    LAYOUT_SUFFIXES,
    MAX_AGENCIES,
    MAX_COUNTERS_PER_AGENCY,
    MAX_REPLICATIONS,
    MAX_RUN_VISITORS,
    MAX_VISITORS_PER_DAY,
    check_run_size,
)
from simulator.sweep.spec import MAX_VARIANTS
from simulator.yaml_input import MAX_SCENARIO_BYTES, MAX_YAML_NODES

__all__ = [
    "LAYOUT_SUFFIXES",
    "LIMITS",
    "MAX_AGENCIES",
    "MAX_COORDINATE_M",
    "MAX_COUNTERS",
    "MAX_COUNTERS_PER_AGENCY",
    "MAX_ENTITIES",
    "MAX_FILE_BYTES",
    "MAX_LOG_BYTES",
    "MAX_REPLICATIONS",
    "MAX_RUN_VISITORS",
    "MAX_SCENARIO_BYTES",
    "MAX_VARIANTS",
    "MAX_VISITORS_PER_DAY",
    "MAX_YAML_NODES",
    "Limit",
    "check_run_size",
]


@dataclass(frozen=True, kw_only=True)
class Limit:
    """One enforced limit: its name in the code, its value and what it bounds."""

    name: str
    value: float
    what: str


LIMITS: tuple[Limit, ...] = (
    Limit(name="MAX_SCENARIO_BYTES", value=MAX_SCENARIO_BYTES, what="bytes in a scenario file"),
    Limit(
        name="MAX_YAML_NODES",
        value=MAX_YAML_NODES,
        what="values in a scenario's YAML once anchors and aliases are expanded",
    ),
    Limit(
        name="MAX_VISITORS_PER_DAY",
        value=MAX_VISITORS_PER_DAY,
        what="expected visitors on the simulated day (day-type multiplier applied)",
    ),
    Limit(name="MAX_AGENCIES", value=MAX_AGENCIES, what="agencies in a scenario"),
    Limit(
        name="MAX_COUNTERS_PER_AGENCY",
        value=MAX_COUNTERS_PER_AGENCY,
        what="counters of one agency",
    ),
    Limit(name="MAX_REPLICATIONS", value=MAX_REPLICATIONS, what="replications of one run"),
    Limit(
        name="MAX_RUN_VISITORS",
        value=MAX_RUN_VISITORS,
        what="visitors simulated by one run (visitors on the day x replications)",
    ),
    Limit(
        name="MAX_VARIANTS",
        value=MAX_VARIANTS,
        what="combinations in a sweep's grid (each run for every replication)",
    ),
    Limit(name="MAX_FILE_BYTES", value=MAX_FILE_BYTES, what="bytes in a floor-plan file"),
    Limit(
        name="MAX_ENTITIES",
        value=MAX_ENTITIES,
        what="DXF entities (ENTITIES section) or GeoJSON features in a floor plan",
    ),
    Limit(name="MAX_COUNTERS", value=MAX_COUNTERS, what="counters in a floor plan"),
    Limit(
        name="MAX_LOG_BYTES",
        value=MAX_LOG_BYTES,
        what="bytes in a ticket log or its companion files (calibration)",
    ),
    Limit(
        name="MAX_COORDINATE_M",
        value=MAX_COORDINATE_M,
        what="metres from the origin of any floor-plan coordinate or circle radius",
    ),
)
"""The limits in the order ``docs/limits.md`` lists them."""
