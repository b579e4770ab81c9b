"""DXF blocks as drafters use them (standard v2): a drawing gives the same plan as the same
drawing exploded, through nesting, transforms, mirroring, layer-0 inheritance, arrays and
attributes; hostile block structures are refused quickly with a clear message."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import ezdxf
import pytest
from conftest import DxfMaker, room
from ezdxf.layouts import BaseLayout, Modelspace

from simulator.errors import FloorPlanError
from simulator.floorplan import check_plan, load_floorplan

LEAVES = ("LOKET", "KURSI")


def counter_block(doc: ezdxf.document.Drawing) -> None:
    """LOKET: a desk symbol (lines on layer 0) whose insertion point is where the visitor
    stands, with SLOT and AGENCY attributes."""
    block = doc.blocks.new("LOKET")
    block.add_lwpolyline([(-0.6, 0), (0.6, 0), (0.6, 0.5), (-0.6, 0.5)], close=True)
    block.add_attdef("SLOT", (0, -0.2))
    block.add_attdef("AGENCY", (0, -0.4))


def row_block(doc: ezdxf.document.Drawing, name: str = "ROW4", prefix: str = "A") -> None:
    """A row of four counters 1.8 m apart, each with its own SLOT and AGENCY, plus a
    decorative line on layer 0 (the desk strip)."""
    block = doc.blocks.new(name, base_point=(0.5, 0.0))
    block.add_line((0, 0.6), (7.0, 0.6))
    for k in range(4):
        ref = block.add_blockref("LOKET", (0.5 + 1.8 * k, 0))
        ref.add_auto_attribs({"SLOT": f"{prefix}{k + 1:02d}", "AGENCY": "samsat" if k < 2 else ""})


def explode(layout: BaseLayout) -> None:
    """Explode every block reference except the leaf symbols, keeping the layer each element
    ends up on (what a drafter gets drawing the same plan without blocks)."""
    while True:
        todo = [e for e in layout.query("INSERT") if e.dxf.name not in LEAVES]
        if not todo:
            return
        for ref in todo:
            layer = ref.dxf.layer
            for entity in ref.explode():
                if entity.dxf.layer == "0":
                    entity.dxf.layer = layer


def two_ways(make_dxf: DxfMaker, build: Callable[[Modelspace], None]) -> tuple[Path, Path]:
    """The drawing as built, and the same drawing exploded."""
    blocks = make_dxf(build, name="blocks.dxf")
    doc = ezdxf.readfile(blocks)
    explode(doc.modelspace())
    exploded = blocks.with_name("exploded.dxf")
    doc.saveas(exploded)
    return blocks, exploded


def hall(msp: Modelspace) -> None:
    """A 20 m x 12 m hall with a door and a waiting zone."""
    msp.add_lwpolyline(
        [(0, 0), (20, 0), (20, 12), (0, 12)], close=True, dxfattribs={"layer": "MPP_FLOOR"}
    )
    msp.add_line((9, 0), (11, 0), dxfattribs={"layer": "MPP_ENTRANCE"})
    msp.add_lwpolyline(
        [(2, 2), (12, 2), (12, 8), (2, 8)], close=True, dxfattribs={"layer": "MPP_WAITING"}
    )


def test_row_of_counters_scaled_rotated_mirrored_gives_each_counter(make_dxf: DxfMaker) -> None:
    def build(msp: Modelspace) -> None:
        hall(msp)
        counter_block(msp.doc)
        row_block(msp.doc)
        msp.add_blockref(
            "ROW4",
            (18, 2),
            dxfattribs={"layer": "MPP_COUNTER", "rotation": 90, "xscale": 1.0, "yscale": 1.0},
        )
        # mirrored copy (negative x scale) along the north wall, scaled by 1.1
        ref = msp.add_blockref(
            "ROW4", (17, 11), dxfattribs={"layer": "MPP_COUNTER", "xscale": -1.1, "yscale": 1.1}
        )
        del ref

    blocks, exploded = two_ways(make_dxf, build)
    plan = load_floorplan(blocks)
    assert plan == load_floorplan(exploded)
    row = [c for c in plan.counters if c.x == 18.0]
    # base point (0.5, 0) at (18, 2); counters at 0, 1.8, 3.6, 5.4 m along the rotated row
    assert [(c.slot, c.agency, c.y) for c in row] == [
        ("A01", "samsat", 2.0),
        ("A02", "samsat", 3.8),
        ("A03", "", 5.6),
        ("A04", "", 7.4),
    ]
    mirrored = sorted((c for c in plan.counters if c.y == 11.0), key=lambda c: -c.x)
    assert [c.x for c in mirrored] == pytest.approx([17.0, 15.02, 13.04, 11.06])
    report = check_plan(plan)
    assert any(
        "4 counters share slot 'A01'" in e.message or "share slot 'A01'" in e.message
        for e in report.errors
    )


def test_duplicate_slot_error_names_both_positions(make_dxf: DxfMaker) -> None:
    def build(msp: Modelspace) -> None:
        hall(msp)
        counter_block(msp.doc)
        row_block(msp.doc)
        msp.add_blockref("ROW4", (3, 10), dxfattribs={"layer": "MPP_COUNTER"})
        msp.add_blockref("ROW4", (3, 11), dxfattribs={"layer": "MPP_COUNTER"})

    report = check_plan(load_floorplan(make_dxf(build)))
    [problem] = [e for e in report.errors if "slot 'A01'" in e.message]
    assert "(3.00, 10.00)" in problem.message and "(3.00, 11.00)" in problem.message
    assert "handle" in problem.message and "ROW4" in problem.message


def test_hall_block_nested_three_deep_on_layer_0_gives_its_eight_counters(
    make_dxf: DxfMaker,
) -> None:
    def build(msp: Modelspace) -> None:
        doc = msp.doc
        counter_block(doc)
        row_block(doc, "ROW_A", "A")
        row_block(doc, "ROW_B", "B")
        wing = doc.blocks.new("WING")
        wing.add_blockref("ROW_A", (0, 0), dxfattribs={"layer": "MPP_COUNTER"})
        wing.add_blockref("ROW_B", (0, 3), dxfattribs={"layer": "MPP_COUNTER"})
        building = doc.blocks.new("HALL")
        building.add_lwpolyline(
            [(0, 0), (20, 0), (20, 12), (0, 12)], close=True, dxfattribs={"layer": "MPP_FLOOR"}
        )
        building.add_line((9, 0), (11, 0), dxfattribs={"layer": "MPP_ENTRANCE"})
        building.add_blockref("WING", (4, 4), dxfattribs={"rotation": 0})
        msp.add_blockref("HALL", (100, 50))  # layer 0, as drafters leave it

    blocks, exploded = two_ways(make_dxf, build)
    plan = load_floorplan(blocks)
    assert plan == load_floorplan(exploded)
    assert len(plan.counters) == 8
    assert plan.counter("A01").x == pytest.approx(104.0)
    assert plan.counter("B04").y == pytest.approx(57.0)
    report = check_plan(plan)
    assert report.ok, report.to_text()
    [warning] = [w for w in report.warnings if "HALL" in w.message]
    assert "not an MPP layer" in warning.message and "8 counter" in warning.message
    assert warning.where.source is not None and warning.where.source.handle


def test_minsert_array_of_seats_is_every_seat(make_dxf: DxfMaker) -> None:
    def chair(doc: ezdxf.document.Drawing) -> None:
        block = doc.blocks.new("KURSI")
        block.add_lwpolyline([(-0.2, -0.2), (0.2, -0.2), (0.2, 0.2), (-0.2, 0.2)], close=True)

    def arrayed(msp: Modelspace) -> None:
        hall(msp)
        chair(msp.doc)
        ref = msp.add_blockref("KURSI", (3, 2.5), dxfattribs={"layer": "MPP_SEAT"})
        ref.grid(size=(10, 10), spacing=(0.55, 0.9))  # 10 rows 0.55 m apart, 10 columns

    def placed(msp: Modelspace) -> None:
        hall(msp)
        chair(msp.doc)
        for row in range(10):
            for col in range(10):
                msp.add_blockref(
                    "KURSI", (3 + 0.9 * col, 2.5 + 0.55 * row), dxfattribs={"layer": "MPP_SEAT"}
                )

    plan = load_floorplan(make_dxf(arrayed, name="array.dxf"))
    assert len(plan.zones[0].seats) == 100
    assert plan == load_floorplan(make_dxf(placed, name="placed.dxf"))


def test_bench_block_on_seat_layer_gives_its_chairs(make_dxf: DxfMaker) -> None:
    def build(msp: Modelspace) -> None:
        hall(msp)
        doc = msp.doc
        chair = doc.blocks.new("KURSI")
        chair.add_circle((0, 0), 0.2)
        bench = doc.blocks.new("BANGKU")
        bench.add_line((-0.3, -0.3), (2.1, -0.3))
        for k in range(4):
            bench.add_blockref("KURSI", (0.6 * k, 0))
        msp.add_blockref("BANGKU", (4, 5), dxfattribs={"layer": "MPP_SEAT", "rotation": 180})

    blocks, exploded = two_ways(make_dxf, build)
    plan = load_floorplan(blocks)
    assert plan == load_floorplan(exploded)
    assert sorted(s.x for s in plan.zones[0].seats) == pytest.approx([2.2, 2.8, 3.4, 4.0])


def test_column_block_on_obstacle_layer_is_its_drawn_shape(make_dxf: DxfMaker) -> None:
    def with_block(msp: Modelspace) -> None:
        hall(msp)
        column = msp.doc.blocks.new("KOLOM")
        column.add_lwpolyline([(0, 0), (0.5, 0), (0.5, 0.5), (0, 0.5)], close=True)
        column.add_circle((0.25, 0.25), 0.1, dxfattribs={"layer": "A-HATCH"})
        msp.add_blockref(
            "KOLOM", (15, 6), dxfattribs={"layer": "MPP_OBSTACLE", "xscale": 2, "yscale": 2}
        )

    def drawn(msp: Modelspace) -> None:
        hall(msp)
        msp.add_lwpolyline(
            [(15, 6), (16, 6), (16, 7), (15, 7)], close=True, dxfattribs={"layer": "MPP_OBSTACLE"}
        )

    assert load_floorplan(make_dxf(with_block, name="a.dxf")) == load_floorplan(
        make_dxf(drawn, name="b.dxf")
    )


def test_outer_attributes_apply_to_the_single_counter_and_slot_not_to_a_row(
    make_dxf: DxfMaker,
) -> None:
    def build(msp: Modelspace) -> None:
        hall(msp)
        doc = msp.doc
        counter_block(doc)
        row_block(doc)
        station = doc.blocks.new("STATION")
        station.add_attdef("SLOT", (0, 0))
        station.add_attdef("AGENCY", (0, 0))
        station.add_blockref("LOKET", (1, 0))
        single = msp.add_blockref("STATION", (15, 10), dxfattribs={"layer": "MPP_COUNTER"})
        single.add_auto_attribs({"SLOT": "Z09", "AGENCY": "dinsos"})
        row = msp.add_blockref("ROW4", (3, 10), dxfattribs={"layer": "MPP_COUNTER"})
        row.add_attrib("SLOT", "R1")
        row.add_attrib("AGENCY", "bapenda")

    plan = load_floorplan(make_dxf(build))
    z = plan.counter("Z09")
    assert (z.agency, z.x, z.y) == ("dinsos", 16.0, 10.0)
    assert [plan.counter(s).agency for s in ("A01", "A02", "A03", "A04")] == [
        "samsat",
        "samsat",
        "bapenda",
        "bapenda",
    ]
    report = check_plan(plan)
    assert any("SLOT 'R1' places 4 counters" in w.message for w in report.warnings)


def test_priority_zone_and_stair_link_from_block_attributes(make_dxf: DxfMaker) -> None:
    def build(msp: Modelspace) -> None:
        hall(msp)
        doc = msp.doc
        zone = doc.blocks.new("ZONA")
        zone.add_lwpolyline([(0, 0), (4, 0), (4, 3), (0, 3)], close=True)
        zone.add_attdef("NAME", (0, 0))
        zone.add_attdef("PRIORITY", (0, 0))
        ref = msp.add_blockref("ZONA", (14, 2), dxfattribs={"layer": "MPP_WAITING"})
        ref.add_auto_attribs({"NAME": "lansia", "PRIORITY": "ya"})
        stair = doc.blocks.new("TANGGA")
        stair.add_lwpolyline([(0, 0), (1, 0), (1, 3)])
        stair.add_attdef("LINK", (0, 0))
        msp.add_blockref("TANGGA", (18, 10), dxfattribs={"layer": "MPP_STAIR"}).add_auto_attribs(
            {"LINK": "T1"}
        )
        msp.add_text("Ruang Prioritas", dxfattribs={"layer": "MPP_WAITING", "insert": (3, 3)})

    plan = load_floorplan(make_dxf(build))
    zones = {z.name: z.priority for z in plan.zones}
    assert zones == {"lansia": True, "Ruang Prioritas": True}
    [link] = plan.links
    assert (link.kind, link.link, link.x, link.y) == ("stair", "T1", 18.0, 10.0)


def test_block_that_contains_itself_is_refused(make_dxf: DxfMaker, tmp_path: Path) -> None:
    doc = ezdxf.new("R2010")
    a = doc.blocks.new("A")
    b = doc.blocks.new("B")
    a.add_blockref("B", (0, 0))
    b.add_blockref("A", (1, 0))
    doc.modelspace().add_blockref("A", (0, 0), dxfattribs={"layer": "MPP_COUNTER"})
    path = tmp_path / "cycle.dxf"
    doc.saveas(path)
    try:
        plan = load_floorplan(path)
    except FloorPlanError as exc:
        assert "contains itself" in str(exc)
    else:  # ezdxf's audit may have broken the cycle already: then nothing is placed twice
        assert len(plan.counters) <= 2


def test_block_bomb_is_refused_quickly(tmp_path: Path) -> None:
    doc = ezdxf.new("R2010")
    doc.blocks.new("L0").add_point((0, 0))
    for level in range(1, 8):  # 10 ** 7 points through seven levels of ten references
        block = doc.blocks.new(f"L{level}")
        for k in range(10):
            block.add_blockref(f"L{level - 1}", (k, 0))
    doc.modelspace().add_blockref("L7", (0, 0), dxfattribs={"layer": "MPP_SEAT"})
    path = tmp_path / "bomb.dxf"
    doc.saveas(path)
    with pytest.raises(FloorPlanError, match="places more than 200,000 entities"):
        load_floorplan(path)


def test_huge_minsert_is_refused(tmp_path: Path) -> None:
    doc = ezdxf.new("R2010")
    doc.blocks.new("K").add_point((0, 0))
    ref = doc.modelspace().add_blockref("K", (0, 0), dxfattribs={"layer": "MPP_SEAT"})
    ref.grid(size=(100_000, 100_000), spacing=(1, 1))
    path = tmp_path / "minsert.dxf"
    doc.saveas(path)
    with pytest.raises(FloorPlanError, match="10,000,000,000 copies"):
        load_floorplan(path)


def test_fifty_thousand_seats_in_a_small_zone_are_flagged(make_dxf: DxfMaker) -> None:
    def build(msp: Modelspace) -> None:
        room(msp, counters=False)  # its zone is 5 m x 4 m = 20 m2
        msp.doc.blocks.new("DOT").add_point((0, 0))
        ref = msp.add_blockref("DOT", (1.05, 4.05), dxfattribs={"layer": "MPP_SEAT"})
        ref.grid(size=(78, 98), spacing=(0.05, 0.05))

    report = check_plan(load_floorplan(make_dxf(build)))
    [warning] = [w for w in report.warnings if "seats on" in w.message]
    assert "one per 0.00" in warning.message or "one per" in warning.message
    assert f"{78 * 98 + 1} seats" in warning.message


def test_counters_closer_than_80_cm_and_zone_too_small_for_its_seats(make_dxf: DxfMaker) -> None:
    def build(msp: Modelspace) -> None:
        room(msp)
        msp.add_point((7, 4.5), dxfattribs={"layer": "MPP_COUNTER"})  # 0.5 m from (7, 4)
        # a column filling most of the zone: 20 m2 drawn, 4 m2 walkable for 10 seats
        msp.add_lwpolyline(
            [(1, 4), (5, 4), (5, 8), (1, 8)], close=True, dxfattribs={"layer": "MPP_OBSTACLE"}
        )
        for k in range(9):
            msp.add_point((5.2 + 0.08 * k, 6), dxfattribs={"layer": "MPP_SEAT"})

    warnings = [w.message for w in check_plan(load_floorplan(make_dxf(build))).warnings]
    assert any("are 0.50 m apart" in m for m in warnings)
    assert any("smaller than its seats need" in m for m in warnings)


def test_truncated_dxf_says_where_it_ends(make_dxf: DxfMaker) -> None:
    path = make_dxf(lambda m: room(m))
    data = path.read_bytes()
    cut = data[: len(data) // 2]
    path.write_bytes(cut)
    lines = cut.count(b"\n") + (0 if cut.endswith(b"\n") else 1)
    with pytest.raises(FloorPlanError, match=rf"ends at line {lines} without the closing EOF"):
        load_floorplan(path)


def test_circle_in_a_non_uniformly_scaled_block_becomes_an_ellipse(make_dxf: DxfMaker) -> None:
    def build(msp: Modelspace) -> None:
        hall(msp)
        msp.doc.blocks.new("POT").add_circle((0, 0), 0.5)
        msp.add_blockref(
            "POT", (15, 6), dxfattribs={"layer": "MPP_OBSTACLE", "xscale": 2, "yscale": 1}
        )

    [obstacle] = load_floorplan(make_dxf(build)).obstacles
    assert obstacle.shape.area == pytest.approx(math.pi * 1.0 * 0.5, rel=0.02)
    minx, miny, maxx, maxy = obstacle.shape.bounds
    assert (maxx - minx, maxy - miny) == pytest.approx((2.0, 1.0), abs=0.02)
