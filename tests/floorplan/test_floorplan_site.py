"""compile_site: slot assignment (scenario over drawing over free slots), zones, errors."""

from __future__ import annotations

import math

import pytest
from conftest import REPO, DxfMaker, room

from simulator.errors import FloorPlanError, ScenarioError
from simulator.floorplan import assign_slots, compile_site, load_floorplan
from simulator.walking import SiteLayout

CENTRAL = REPO / "layouts" / "korpri-central.geojson"


def test_small_room_site_nodes_and_zone(make_dxf: DxfMaker) -> None:
    plan = load_floorplan(make_dxf(lambda m: room(m)))
    site = compile_site(plan, counters={"a": 2, "b": 1}, name="room")
    assert isinstance(site, SiteLayout)
    assert site.nodes == (
        "entrance",
        "kiosk",
        "exit",
        "waiting:tunggu",
        "zone:a",
        "zone:b",
        "counter:a:0",
        "counter:a:1",
        "counter:b:0",
    )
    assert site.agency_slots == {"a": ("C01", "C02"), "b": ("C03",)}
    assert site.zone_of("a") == "tunggu"
    assert site.zones_for("a", priority=True) == ("tunggu",)
    assert site.front_zone == "tunggu"
    [zone] = site.zones
    assert zone.seats == 1
    assert zone.standing_capacity == math.floor((20.0 - 0.5) / 0.7)
    # entrance (5, 0) snapped to (5, 0.3); kiosk (5, 2): straight ahead
    assert site.distance_m("entrance", "kiosk") == pytest.approx(1.7)
    assert site.distance_m("exit", "entrance") == 0.0
    assert site.floorplan_hash == plan.content_hash
    assert (site.distances_m == site.distances_m.T).all()


def test_scenario_slots_win_over_drawing() -> None:
    plan = load_floorplan(CENTRAL)
    drawn = [c.slot for c in plan.counters if c.agency == "samsat"]
    slots = assign_slots(
        plan, counters={"samsat": 2, "disdukcapil": 1}, slots={"samsat": ["S08", "W10"]}
    )
    assert slots["samsat"] == ("S08", "W10")
    assert slots["disdukcapil"] == ("W01",)
    assert drawn == ["N03", "N04", "N05"]


def test_unassigned_agencies_fill_free_slots_together() -> None:
    plan = load_floorplan(CENTRAL)
    slots = assign_slots(plan, counters={"disdukcapil": 5, "new-agency": 3})
    assert len(slots["new-agency"]) == 3
    assert not set(slots["new-agency"]) & set(slots["disdukcapil"])
    assert all(
        plan.counter(s).agency == "" or plan.counter(s).agency not in ("disdukcapil",)
        for s in slots["new-agency"]
    )


def test_drawing_agency_with_extra_counters_gets_nearby_free_slots() -> None:
    plan = load_floorplan(CENTRAL)
    slots = assign_slots(plan, counters={"taspen": 2})
    assert slots["taspen"][0] == "E04"
    assert len(slots["taspen"]) == 2


def test_too_few_slots_in_total() -> None:
    plan = load_floorplan(CENTRAL)
    with pytest.raises(ScenarioError, match=r"needs 40 counters .* only 38 counter slots"):
        compile_site(plan, counters={"disdukcapil": 40})


def test_agency_with_more_counters_than_assigned_slots() -> None:
    plan = load_floorplan(CENTRAL)
    with pytest.raises(ScenarioError, match=r"'samsat' has 3 counters but only 2 slot\(s\)"):
        compile_site(plan, counters={"samsat": 3}, slots={"samsat": ["N03", "N04"]})


def test_unknown_and_doubly_assigned_slots() -> None:
    plan = load_floorplan(CENTRAL)
    with pytest.raises(ScenarioError, match="slot 'Z99'"):
        assign_slots(plan, counters={"samsat": 1}, slots={"samsat": ["Z99"]})
    with pytest.raises(ScenarioError, match="assigned to both"):
        assign_slots(plan, counters={"a": 1, "b": 1}, slots={"a": ["N01"], "b": ["N01"]})


def test_plan_with_errors_is_refused(make_dxf: DxfMaker) -> None:
    def build(msp) -> None:
        msp.add_lwpolyline(
            [(0, 0), (5, 0), (5, 5), (0, 5)], close=True, dxfattribs={"layer": "MPP_FLOOR"}
        )

    with pytest.raises(FloorPlanError, match="no entrance"):
        compile_site(load_floorplan(make_dxf(build)), counters={})
