"""Walking routes: hand-computed detours around walls and columns, snapping, the route JSON."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from conftest import REPO

from simulator.floorplan import CLEARANCE_M, poi_matrix, router_for
from simulator.floorplan.assemble import RawElement, assemble
from simulator.floorplan.commands import route_command
from simulator.floorplan.model import Source
from simulator.floorplan.routing import build_router

SRC = Source(layer="test", index=0)
SQUARE = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))


def plan_with(*extra: RawElement):
    floor = RawElement(kind="floor", shape="polygon", coords=SQUARE, source=SRC)
    return assemble([floor, *extra], units="m")


def test_straight_line_when_nothing_is_in_the_way() -> None:
    router = router_for(plan_with())
    assert router.route((2.0, 2.0), (8.0, 6.0))[0] == pytest.approx(math.hypot(6, 4))


def test_detour_around_the_end_of_a_wall_stub() -> None:
    # wall from (5, 0) to (5, 6), 0.15 m thick; with 0.3 m clearance and mitred corners the
    # path passes the corners (5 - 0.075 - 0.3, 6 + 0.3) and (5 + 0.075 + 0.3, 6 + 0.3)
    wall = RawElement(kind="wall", shape="line", coords=((5.0, 0.0), (5.0, 6.0)), source=SRC)
    router = router_for(plan_with(wall))
    c = CLEARANCE_M
    left = (5 - 0.075 - c, 6 + c)
    right = (5 + 0.075 + c, 6 + c)
    expected = math.dist((2, 1), left) + math.dist(left, right) + math.dist(right, (8, 1))
    length, path = router.route((2.0, 1.0), (8.0, 1.0))
    assert length == pytest.approx(expected, abs=1e-6)
    assert path[1] == pytest.approx(left) and path[2] == pytest.approx(right)


def test_detour_around_a_square_column() -> None:
    column = RawElement(
        kind="obstacle",
        shape="polygon",
        coords=((4.0, 4.0), (6.0, 4.0), (6.0, 6.0), (4.0, 6.0)),
        source=SRC,
    )
    router = router_for(plan_with(column))
    # from (1, 5) to (9, 5): over the column's expanded corners (3.7, 6.3) and (6.3, 6.3)
    expected = 2 * math.dist((1, 5), (3.7, 6.3)) + 2.6
    assert router.route((1.0, 5.0), (9.0, 5.0))[0] == pytest.approx(expected, abs=1e-6)


def test_distance_matrix_matches_single_routes() -> None:
    wall = RawElement(kind="wall", shape="line", coords=((5.0, 0.0), (5.0, 6.0)), source=SRC)
    router = build_router(plan_with(wall).walkable)
    pts = [(2.0, 1.0), (8.0, 1.0), (2.0, 9.0), (8.0, 9.0)]
    d = router.distances(pts)
    for i, a in enumerate(pts):
        for j, b in enumerate(pts):
            assert d[i, j] == pytest.approx(router.route(a, b)[0], abs=1e-9)


def test_counter_at_its_desk_is_snapped_to_the_clearance_area() -> None:
    desk = RawElement(
        kind="obstacle",
        shape="polygon",
        coords=((7.0, 3.0), (8.0, 3.0), (8.0, 7.0), (7.0, 7.0)),
        source=SRC,
    )
    counter = RawElement(kind="counter", shape="point", coords=((7.0, 5.0),), source=SRC)
    door = RawElement(kind="entrance", shape="line", coords=((0.0, 4.0), (0.0, 6.0)), source=SRC)
    plan = plan_with(desk, counter, door)
    m = poi_matrix(plan)
    snapped = m.points[m.index("slot:C01")]
    assert snapped == pytest.approx((7.0 - CLEARANCE_M, 5.0))
    # the entrance at x = 0 is snapped 0.3 m inwards too
    assert m.distance("entrance:0", "slot:C01") == pytest.approx(7.0 - 2 * CLEARANCE_M)


def test_route_command_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    path = REPO / "layouts" / "korpri-central.geojson"
    assert route_command(path, to="N05", frm="entrance", as_json=True) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"distance_m", "path"}
    assert out["distance_m"] > 10
    assert all(len(p) == 2 for p in out["path"])
    legs = sum(math.dist(a, b) for a, b in zip(out["path"], out["path"][1:], strict=False))
    assert legs == pytest.approx(out["distance_m"], abs=0.01)


def test_route_command_text_and_slot_to_slot(capsys: pytest.CaptureFixture[str]) -> None:
    path: Path = REPO / "layouts" / "korpri-clusters.dxf"
    assert route_command(path, to="A01", frm="E01") == 0
    assert "E01 -> A01" in capsys.readouterr().out
