"""Loaders: units, arcs, blocks with attributes, zone names, layer names, GeoJSON parity."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest
from conftest import DxfMaker, room
from shapely.geometry import Point

from simulator.floorplan import check_plan, load_floorplan


@pytest.mark.parametrize(("units", "scale"), [(4, 1000.0), (5, 100.0), (6, 1.0)])
def test_units_give_the_same_model(make_dxf: DxfMaker, units: int, scale: float) -> None:
    metres = load_floorplan(make_dxf(lambda m: room(m, 1.0), units=6, name="m.dxf"))
    other = load_floorplan(make_dxf(lambda m: room(m, scale), units=units, name="o.dxf"))
    assert other == metres
    assert other.units == {4: "mm", 5: "cm", 6: "m"}[units]


def test_drawing_without_units_is_read_as_millimetres_with_a_warning(make_dxf: DxfMaker) -> None:
    plan = load_floorplan(make_dxf(lambda m: room(m, 1000.0), units=0))
    assert plan == load_floorplan(make_dxf(lambda m: room(m, 1.0), units=6, name="m.dxf"))
    report = check_plan(plan)
    assert any("no units" in w.message for w in report.warnings)
    assert report.ok


def test_bulge_arcs_are_flattened_within_two_centimetres(make_dxf: DxfMaker) -> None:
    def build(msp) -> None:  # a 10 m x 4 m floor whose north side is a half circle, r = 5 m
        msp.add_lwpolyline(
            [(0, 0, 0), (10, 0, 0), (10, 4, 1.0), (0, 4, 0)],
            format="xyb",
            close=True,
            dxfattribs={"layer": "mpp_floor"},
        )

    plan = load_floorplan(make_dxf(build))
    ring = plan.floors[0].exterior
    arc = [(x, y) for x, y in ring if y > 4.0]
    assert len(arc) > 10
    for x, y in arc:
        assert abs(math.dist((x, y), (5.0, 4.0)) - 5.0) < 0.005
    for a, b in itertools.pairwise(arc):  # every chord stays within 2 cm of the arc
        mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
        assert 5.0 - math.dist(mid, (5.0, 4.0)) < 0.02
    exact = 40.0 + math.pi * 25 / 2
    assert plan.floors[0].shape.area == pytest.approx(exact, abs=0.02 * 5 * math.pi)
    top = max(y for _, y in ring)
    assert top == pytest.approx(9.0, abs=0.02)


def test_arc_wall_and_circle_column(make_dxf: DxfMaker) -> None:
    def build(msp) -> None:
        room(msp, 1.0, counters=False)
        msp.add_arc((5, 5), 1.0, 0, 180, dxfattribs={"layer": "MPP_WALL"})
        msp.add_circle((8, 8), 0.4, dxfattribs={"layer": "MPP_OBSTACLE"})

    plan = load_floorplan(make_dxf(build))
    assert len(plan.walls) == 1 and len(plan.walls[0].coords) > 5
    column = plan.obstacles[0].shape
    assert column.area == pytest.approx(math.pi * 0.16, rel=0.03)
    assert not plan.walkable.covers(Point(8, 8))


def test_block_attributes_zone_text_and_ignored_layers(make_dxf: DxfMaker) -> None:
    def build(msp) -> None:
        room(msp, 1.0, counters=False)
        doc = msp.doc
        block = doc.blocks.new("LOKET")
        block.add_circle((0, 0), 0.3)
        block.add_attdef("SLOT", (0, 0))
        block.add_attdef("AGENCY", (0, -0.3))
        ref = msp.add_blockref("LOKET", (9, 5), dxfattribs={"layer": "Mpp_Counter"})
        ref.add_auto_attribs({"SLOT": "A07", "AGENCY": "samsat"})
        msp.add_blockref("LOKET", (9, 7), dxfattribs={"layer": "MPP_COUNTER"})
        msp.add_lwpolyline([(0, 0), (3, 3)], dxfattribs={"layer": "FURNITURE"})
        msp.add_circle((5, 5), 3, dxfattribs={"layer": "A-HATCH"})

    plan = load_floorplan(make_dxf(build))
    assert [(c.slot, c.agency, c.x, c.y) for c in plan.counters] == [
        ("A07", "samsat", 9.0, 5.0),
        ("C01", "", 9.0, 7.0),
    ]
    assert [z.name for z in plan.zones] == ["tunggu"]
    assert len(plan.zones[0].seats) == 1
    assert plan.obstacles == ()


def test_geojson_equals_dxf_for_a_small_room(make_dxf: DxfMaker, tmp_path: Path) -> None:
    dxf = load_floorplan(make_dxf(lambda m: room(m, 1.0)))
    ring = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    feats = [
        {"kind": "floor", "g": {"type": "Polygon", "coordinates": [ring]}},
        {"kind": "entrance", "g": {"type": "LineString", "coordinates": [[4, 0], [6, 0]]}},
        {"kind": "kiosk", "g": {"type": "Point", "coordinates": [5, 2]}},
        {
            "kind": "waiting",
            "name": "tunggu",
            "g": {"type": "Polygon", "coordinates": [[[1, 4], [6, 4], [6, 8], [1, 8], [1, 4]]]},
        },
        {"kind": "seat", "g": {"type": "Point", "coordinates": [3, 6]}},
        {
            "kind": "obstacle",
            "g": {"type": "Polygon", "coordinates": [[[7, 3], [8, 3], [8, 9], [7, 9], [7, 3]]]},
        },
        *({"kind": "counter", "g": {"type": "Point", "coordinates": [7, y]}} for y in (8, 4, 6)),
    ]
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": f.pop("g"), "properties": f} for f in feats],
    }
    path = tmp_path / "room.geojson"
    path.write_text(json.dumps(collection))
    assert load_floorplan(path) == dxf
