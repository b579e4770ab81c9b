"""Bad drawings give a report (or a FloorPlanError for unreadable files), never a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DxfMaker, room

from simulator.errors import FloorPlanError
from simulator.floorplan import check_plan, load_floorplan
from simulator.floorplan.commands import check_command


def errors_of(path: Path) -> list[str]:
    return [p.message for p in check_plan(load_floorplan(path)).errors]


def warnings_of(path: Path) -> list[str]:
    return [p.message for p in check_plan(load_floorplan(path)).warnings]


def test_no_floor_layer(make_dxf: DxfMaker) -> None:
    def build(msp) -> None:
        msp.add_line((0, 0), (2, 0), dxfattribs={"layer": "MPP_ENTRANCE"})

    assert any("no floor" in m for m in errors_of(make_dxf(build)))


def test_floor_polyline_not_closed(make_dxf: DxfMaker) -> None:
    def build(msp) -> None:
        msp.add_lwpolyline([(0, 0), (10, 0), (10, 10), (0, 10)], dxfattribs={"layer": "MPP_FLOOR"})
        msp.add_line((4, 0), (6, 0), dxfattribs={"layer": "MPP_ENTRANCE"})

    errors = errors_of(make_dxf(build))
    assert any("not closed" in m and "10.00 m" in m for m in errors)


def test_counter_inside_a_column(make_dxf: DxfMaker) -> None:
    def build(msp) -> None:
        room(msp, counters=False)
        msp.add_lwpolyline(
            [(8, 8), (8.5, 8), (8.5, 8.5), (8, 8.5)],
            close=True,
            dxfattribs={"layer": "MPP_OBSTACLE"},
        )
        msp.add_point((8.25, 8.25), dxfattribs={"layer": "MPP_COUNTER"})

    report = check_plan(load_floorplan(make_dxf(build)))
    [problem] = report.errors
    assert "counter C01 is outside the walkable area: inside an obstacle" in problem.message
    assert (problem.where.x, problem.where.y) == (8.25, 8.25)
    assert problem.where.source is not None and problem.where.source.layer == "MPP_COUNTER"


def test_counter_enclosed_by_walls_is_unreachable(make_dxf: DxfMaker) -> None:
    def build(msp) -> None:
        room(msp, counters=False)
        msp.add_lwpolyline(
            [(7, 7), (9.5, 7), (9.5, 9.5), (7, 9.5)], close=True, dxfattribs={"layer": "MPP_WALL"}
        )
        msp.add_lwpolyline(
            [(7.5, 7.5), (9, 7.5), (9, 9), (7.5, 9)], close=True, dxfattribs={"layer": "MPP_WALL"}
        )
        msp.add_point((8.25, 8.25), dxfattribs={"layer": "MPP_FLOOR"})
        msp.add_point((8.25, 8.25), dxfattribs={"layer": "MPP_COUNTER"})

    errors = errors_of(make_dxf(build))
    assert any("outside the walkable area" in m for m in errors)


def test_counter_in_a_walled_room_cannot_be_reached(make_dxf: DxfMaker) -> None:
    def build(msp) -> None:
        room(msp, counters=False)
        msp.add_lwpolyline(
            [(6.5, 6.5), (9.9, 6.5), (9.9, 9.9), (6.5, 9.9)],
            close=True,
            dxfattribs={"layer": "MPP_WALL"},
        )  # closed wall: the ring itself
        msp.add_lwpolyline(
            [(6.5, 6.5), (9.9, 6.5), (9.9, 9.9), (6.5, 9.9)],
            close=False,
            dxfattribs={"layer": "mpp_wall"},
        )
        msp.add_point((8.2, 8.2), dxfattribs={"layer": "MPP_COUNTER"})

    errors = errors_of(make_dxf(build))
    assert any("outside the walkable area" in m or "cannot be reached" in m for m in errors)


def test_counter_behind_a_wall_ring_is_unreachable(make_dxf: DxfMaker) -> None:
    def build(msp) -> None:
        room(msp, counters=False)
        msp.add_lwpolyline(
            [(6, 6), (9.5, 6), (9.5, 9.5), (6, 9.5), (6, 6)], dxfattribs={"layer": "MPP_WALL"}
        )  # open line = 0.15 m wall
        msp.add_point((7.75, 7.75), dxfattribs={"layer": "MPP_COUNTER"})

    errors = errors_of(make_dxf(build))
    assert any("counter C01 cannot be reached from any entrance" in m for m in errors)


def test_duplicate_slots(make_dxf: DxfMaker) -> None:
    def build(msp) -> None:
        room(msp, counters=False)
        block = msp.doc.blocks.new("C")
        block.add_attdef("SLOT", (0, 0))
        for y in (4, 6):
            msp.add_blockref("C", (8, y), dxfattribs={"layer": "MPP_COUNTER"}).add_auto_attribs(
                {"SLOT": "A01"}
            )

    assert any("share slot 'A01'" in m for m in errors_of(make_dxf(build)))


def test_no_entrance(make_dxf: DxfMaker) -> None:
    def build(msp) -> None:
        msp.add_lwpolyline(
            [(0, 0), (5, 0), (5, 5), (0, 5)], close=True, dxfattribs={"layer": "MPP_FLOOR"}
        )

    assert any("no entrance" in m for m in errors_of(make_dxf(build)))


def test_drawing_without_units_warns(make_dxf: DxfMaker) -> None:
    warnings = warnings_of(make_dxf(lambda m: room(m, 1000.0), units=0))
    assert any("read as millimetres" in m for m in warnings)


def test_self_intersecting_polygon(make_dxf: DxfMaker) -> None:
    def build(msp) -> None:
        room(msp)
        msp.add_lwpolyline(
            [(1, 1), (3, 3), (3, 1), (1, 3)], close=True, dxfattribs={"layer": "MPP_OBSTACLE"}
        )  # a bow tie

    errors = errors_of(make_dxf(build))
    assert any("crosses itself" in m for m in errors)


def test_repaired_polygon_is_a_warning(make_dxf: DxfMaker) -> None:
    def build(msp) -> None:
        room(msp)
        # a square with a zero-width spike: repairable
        msp.add_lwpolyline(
            [(1, 1), (2, 1), (2, 1.5), (2.5, 1.5), (2, 1.5), (2, 2), (1, 2)],
            close=True,
            dxfattribs={"layer": "MPP_OBSTACLE"},
        )

    path = make_dxf(build)
    assert any("repaired" in m for m in warnings_of(path))


def test_zone_of_zero_area(make_dxf: DxfMaker) -> None:
    def build(msp) -> None:
        room(msp)
        msp.add_lwpolyline(
            [(1, 9), (3, 9), (5, 9)], close=True, dxfattribs={"layer": "MPP_WAITING"}
        )

    assert any("waiting zone has zero area" in m for m in errors_of(make_dxf(build)))


def test_absurd_coordinates(make_dxf: DxfMaker) -> None:
    def build(msp) -> None:
        room(msp)
        msp.add_point((5e7, 3), dxfattribs={"layer": "MPP_KIOSK"})

    assert any("more than 10 km" in m for m in errors_of(make_dxf(build)))


def test_zone_without_seats_and_stray_seats_warn(make_dxf: DxfMaker) -> None:
    def build(msp) -> None:
        room(msp)
        msp.add_lwpolyline(
            [(1, 8.5), (3, 8.5), (3, 9.5), (1, 9.5)],
            close=True,
            dxfattribs={"layer": "MPP_WAITING"},
        )
        msp.add_point((4, 9), dxfattribs={"layer": "MPP_SEAT"})

    warnings = warnings_of(make_dxf(build))
    assert any("has no seats" in m for m in warnings)
    assert any("outside every waiting zone" in m for m in warnings)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"this is not a drawing at all\n", "not a readable DXF"),
        (bytes(range(256)) * 40, "not a DXF"),
        (b"0\nSECTION\n2\nENTITIES\n0\nLINE\n8\n", "DXF"),
    ],
)
def test_unreadable_files_raise_floorplan_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.dxf"
    path.write_bytes(content)
    try:
        plan = load_floorplan(path)
    except FloorPlanError as exc:
        assert message in str(exc)
    else:  # ezdxf.recover may salvage a truncated file: then the check reports
        assert not check_plan(plan).ok


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b'{"type": "Feature"}', b"\xff\xfe\x00garbage"],
)
def test_bad_geojson_raises_floorplan_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.geojson"
    path.write_bytes(content)
    with pytest.raises(FloorPlanError):
        load_floorplan(path)


def test_bad_geojson_features_are_reported(tmp_path: Path) -> None:
    features: list[dict[str, object]] = [
        {
            "type": "Feature",
            "properties": {"kind": "floor"},
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [9, 0], [9, 9], [0, 0]]]},
        },
        {
            "type": "Feature",
            "properties": {"kind": "counter"},
            "geometry": {"type": "Point", "coordinates": ["a", 1]},
        },
        {
            "type": "Feature",
            "properties": {"kind": "sofa"},
            "geometry": {"type": "Point", "coordinates": [1, 1]},
        },
    ]
    path = tmp_path / "p.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    report = check_plan(load_floorplan(path))
    assert any(p.where.source and p.where.source.index == 1 for p in report.errors)
    assert any("'sofa'" in p.message for p in report.warnings)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FloorPlanError, match="cannot open"):
        load_floorplan(tmp_path / "nope.dxf")


def test_check_command_exit_status_and_json(
    make_dxf: DxfMaker, capsys: pytest.CaptureFixture[str]
) -> None:
    bad: Callable[..., None] = lambda m: m.add_point((0, 0), dxfattribs={"layer": "MPP_KIOSK"})  # noqa: E731
    assert check_command(make_dxf(bad), as_json=True) == 1
    data = json.loads(capsys.readouterr().out)
    assert list(data) == [
        "units",
        "walkable_area_m2",
        "counters",
        "waiting_zones",
        "kiosks",
        "info_desks",
        "entrances",
        "exits",
        "stairs_lifts",
        "errors",
        "warnings",
    ]
    assert set(data["errors"][0]) == {"message", "where"}
    assert check_command(make_dxf(lambda m: room(m), name="ok.dxf")) == 0
    assert "RESULT: usable" in capsys.readouterr().out
