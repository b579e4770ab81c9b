"""Floor plans: load DXF/GeoJSON drawings, check them, route through them, compile and draw.

Typical use::

    plan = load_floorplan("layouts/korpri-central.dxf")
    report = check_plan(plan)                  # report.to_json(), report.to_text()
    site = compile_site(plan, counters={"disdukcapil": 5, ...})   # a walking.SiteLayout
    fig = draw_plan(plan, site=site)
"""

from __future__ import annotations

from simulator.floorplan.check import CheckReport, check_plan
from simulator.floorplan.commands import check_command, find_route, route_command, show_command
from simulator.floorplan.draw import draw_plan, draw_zone_values
from simulator.floorplan.dxf import load_dxf
from simulator.floorplan.geojson import load_geojson
from simulator.floorplan.load import load_floorplan
from simulator.floorplan.model import FloorPlan, Problem
from simulator.floorplan.routing import CLEARANCE_M, poi_matrix, router_for
from simulator.floorplan.site import PlanSite, assign_slots, compile_site, waiting_zones

__all__ = [
    "CLEARANCE_M",
    "CheckReport",
    "FloorPlan",
    "PlanSite",
    "Problem",
    "assign_slots",
    "check_command",
    "check_plan",
    "compile_site",
    "draw_plan",
    "draw_zone_values",
    "find_route",
    "load_dxf",
    "load_floorplan",
    "load_geojson",
    "poi_matrix",
    "route_command",
    "router_for",
    "show_command",
    "waiting_zones",
]
