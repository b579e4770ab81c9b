"""Floor plans: load DXF/GeoJSON drawings, check them, route through them, compile them.

Typical use::

    plan = load_floorplan("layouts/korpri-central.dxf")
    report = check_plan(plan)                  # report.to_json(), report.to_text()
    site = compile_site(plan, counters={"disdukcapil": 5, ...})   # a walking.SiteLayout

A building of several floors is a :class:`Building` (``check_building``, ``compile_site``).
Pictures (:mod:`simulator.floorplan.draw`) and the CLI command bodies
(:mod:`simulator.floorplan.commands`) are imported from their modules: reading and checking a
drawing must not pull in matplotlib.
"""

from __future__ import annotations

from simulator.floorplan.building import (
    BuildingReport,
    FloorTimes,
    building_matrix,
    check_building,
)
from simulator.floorplan.check import (
    CheckReport,
    ScenarioNeeds,
    check_against_scenario,
    check_plan,
)
from simulator.floorplan.dxf import load_dxf
from simulator.floorplan.geojson import load_geojson
from simulator.floorplan.load import load_building, load_floorplan
from simulator.floorplan.model import Building, FloorPlan, Location, Problem
from simulator.floorplan.routing import CLEARANCE_M, poi_matrix, router_for
from simulator.floorplan.site import assign_slots, compile_site, waiting_zones

__all__ = [
    "CLEARANCE_M",
    "Building",
    "BuildingReport",
    "CheckReport",
    "FloorPlan",
    "FloorTimes",
    "Location",
    "Problem",
    "ScenarioNeeds",
    "assign_slots",
    "building_matrix",
    "check_against_scenario",
    "check_building",
    "check_plan",
    "compile_site",
    "load_building",
    "load_dxf",
    "load_floorplan",
    "load_geojson",
    "poi_matrix",
    "router_for",
    "waiting_zones",
]
