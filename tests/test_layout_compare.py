"""layouts compare: a scenario moved onto each plan, the counters its slots allow, its best with
every slot used; the three shipped Korpri layouts are told apart on the Monday."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.compare import threshold_for
from simulator.errors import ScenarioError
from simulator.layout_compare import compare_layouts, on_layout
from simulator.scenario import (
    BuildingLayout,
    FloorFile,
    load_building_layout,
    load_scenario,
    parse_scenario,
    scenario_to_data,
)

REPO = Path(__file__).resolve().parents[1]
LAYOUTS = REPO / "layouts"
MONDAY = REPO / "scenarios" / "monday.yaml"
KORPRI = ("korpri-central.geojson", "korpri-clusters.geojson", "korpri-compact.geojson")


@pytest.mark.slow
def test_the_three_korpri_layouts_are_told_apart_on_the_monday() -> None:
    """Monday needs more counters than any of the three holds, so none fits the target
    (``counters_fit`` null); with every slot used their best p90s differ by more than the
    practical threshold, the plan with the most slots doing best."""
    scenario = load_scenario(MONDAY)
    result = compare_layouts(
        scenario, [str(LAYOUTS / p) for p in KORPRI], target_p90_min=15, replications=4
    )
    rows = {r.plan: r for r in result.rows}
    assert [r.slots for r in result.rows] == [38, 46, 54]
    assert all(r.best_counters == r.slots for r in result.rows)
    fits = [r.counters_fit for r in result.rows]
    p90 = [r.wait_p90_min for r in result.rows]
    apart = threshold_for("wait_p90_min")
    told_apart = len(set(fits)) > 1 or all(
        abs(a - b) >= apart for i, a in enumerate(p90) for b in p90[i + 1 :]
    )
    assert told_apart, (fits, p90)
    assert rows["korpri-compact.geojson"].wait_p90_min < rows["korpri-central.geojson"].wait_p90_min
    vs = rows["korpri-compact.geojson"].vs_first["wait_p90_min"]
    assert vs["verdict"] == "this better" and vs["diff"] < -apart
    data = result.to_json()
    plan = data["plans"][1]
    for key in (
        "slots",
        "seats",
        "standing_capacity",
        "counters_fit",
        "best",
        "waiting_peak",
        "overflow_share",
        "walk_mean_m",
    ):
        assert key in plan
    assert set(plan["best"]) >= {"wait_p90_min", "within_target"}
    assert plan["seats"] == 220 and plan["standing_capacity"] > 0
    assert data["placement"] == "optimised"
    assert "korpri-compact.geojson" in result.to_text()
    assert list(result.to_frame()["slots"]) == [38, 46, 54]


def test_moving_a_scenario_drops_what_the_new_plan_cannot_take() -> None:
    scenario = load_scenario(MONDAY)
    data = scenario_to_data(scenario)
    data["placement"] = {f"W0{k}": "disdukcapil" for k in range(1, 6)}
    data["zones"] = {"samsat": "ruang-tunggu-utama"}
    placed = parse_scenario(data | {"layout": scenario.layout})
    same, notes = on_layout(placed, str(LAYOUTS / "korpri-central.geojson"))
    assert same.placement == placed.placement and same.zones == placed.zones and not notes
    moved, notes = on_layout(placed, str(LAYOUTS / "korpri-compact.geojson"))
    assert moved.placement == {} and moved.zones == {}
    assert any("disdukcapil" in n for n in notes) and any("samsat" in n for n in notes)


def test_a_plan_with_fewer_slots_than_queues_is_a_row_with_a_note(tmp_path: Path) -> None:
    scenario = load_scenario(MONDAY)
    upper = str(LAYOUTS / "korpri-2f-upper.dxf")
    ground = str(LAYOUTS / "korpri-2f-ground.dxf")
    result = compare_layouts(scenario, [upper], target_p90_min=15, replications=2)
    (row,) = result.rows
    assert row.slots == 17 and row.counters_fit is None and row.best_counters is None
    assert math.isnan(row.wait_p90_min)
    assert any("17 slots cannot hold 23 queues" in n for n in row.notes)
    assert row.to_json()["best"]["wait_p90_min"] is None
    building = tmp_path / "b" / "building.yaml"
    building.parent.mkdir()
    building.write_text(
        f"floors:\n  - {{level: 0, file: {ground}}}\n  - {{level: 1, file: {upper}}}\n"
    )
    assert load_building_layout(building) == BuildingLayout(
        floors=[FloorFile(level=0, file=ground), FloorFile(level=1, file=upper)]
    )


def test_a_building_file_names_its_bad_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("floors:\n  - {level: 0, file: missing.dxf}\n")
    with pytest.raises(ScenarioError, match=r"floors\[0\]\.file.*missing\.dxf"):
        load_building_layout(bad)
    bad.write_text("levels: [0]\n")
    with pytest.raises(ScenarioError, match="floors: required but missing"):
        load_building_layout(bad)


def test_command_refuses_a_missing_plan_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["layouts", "compare", str(MONDAY), "nowhere.dxf", "--target-p90", "15"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: nowhere.dxf") and len(err.splitlines()) == 1


@pytest.mark.slow
def test_command_compares_a_building_given_as_files(capsys: pytest.CaptureFixture[str]) -> None:
    floors = f"{LAYOUTS / 'korpri-2f-ground.dxf'},{LAYOUTS / 'korpri-2f-upper.dxf'}"
    central = str(LAYOUTS / "korpri-central.geojson")
    args = ["layouts", "compare", str(MONDAY), central, floors, "--target-p90", "15"]
    assert main([*args, "--replications", "2", "--placement", "default", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["placement"] == "default"
    central_row, building_row = data["plans"]
    assert building_row["plan"] == "korpri-2f-ground.dxf+korpri-2f-upper.dxf"
    assert building_row["slots"] == 40 and building_row["best"]["counters"] == 40
    assert building_row["vs_first"]["walk_mean_m"]["verdict"] in (
        "first better",
        "this better",
        "about the same",
        "no clear difference",
    )
    assert central_row["vs_first"] == {}
