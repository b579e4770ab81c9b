"""Buildings with several floors: routes by stair and lift, the building check, scenarios and
the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO
from test_floorplan_layouts import DEFAULT_COUNTERS

from simulator.cli import main as cli_main
from simulator.floorplan import (
    Building,
    FloorTimes,
    check_building,
    check_plan,
    compile_site,
    load_building,
    load_floorplan,
)
from simulator.inputs import scenario_fingerprint, site_for
from simulator.scenario import BuildingLayout, load_scenario
from simulator.walking import counter_node, zone_node

FLOORS = [REPO / "layouts" / "korpri-2f-ground.dxf", REPO / "layouts" / "korpri-2f-upper.dxf"]
TWO_FLOORS = REPO / "scenarios" / "monday-two-floors.yaml"


@pytest.fixture(scope="module")
def building() -> Building:
    return load_building(FLOORS)


def test_two_floor_building_checks_clean_and_upper_floor_alone_says_so(
    building: Building,
) -> None:
    report = check_building(building)
    assert report.ok, report.to_text()
    assert report.warnings == ()
    assert [f.ok for f in report.floors] == [True, True]
    alone = check_plan(load_floorplan(FLOORS[1]))
    assert alone.ok
    assert any("can only be an upper floor" in w.message for w in alone.warnings)


def test_walks_cross_floors_by_stair_and_priority_visitors_take_the_lift(
    building: Building,
) -> None:
    times = FloorTimes(stair_up_min=0.5, stair_down_min=0.4, lift_wait_min=1.0)
    site = compile_site(building, counters=DEFAULT_COUNTERS, floor_times=times)
    assert site.extra_min is not None and site.priority_extra_min is not None
    upstairs = counter_node("kemenag", 0)
    downstairs = counter_node("disdukcapil", 0)
    # everyone climbs one storey by stair: 0.5 min up, 0.4 min down, no metres on the stair
    assert site.leg("entrance", upstairs, priority=False)[1] == pytest.approx(0.5)
    assert site.leg(upstairs, "exit", priority=False)[1] == pytest.approx(0.4)
    assert site.leg("entrance", downstairs, priority=False)[1] == 0.0
    # priority visitors wait for the lift and ride one storey
    assert site.leg("entrance", upstairs, priority=True)[1] == pytest.approx(1.1)
    assert site.leg(downstairs, "exit", priority=True) == site.leg(
        downstairs, "exit", priority=False
    )
    metres, _ = site.leg("entrance", upstairs, priority=False)
    assert 20 < metres < 80
    zones = {z.name: z for z in site.zones}
    assert zones["ruang-tunggu-atas"].floor == 1
    assert zones["ruang-tunggu-prioritas"].priority and zones["ruang-tunggu-prioritas"].floor == 0
    assert site.zone_of("kemenag") == "ruang-tunggu-atas"
    assert site.zone_of("disdukcapil") == "ruang-tunggu-utama"  # never the priority zone
    assert zone_node("kemenag") in site.nodes
    # the matrices are the building's: walking on one floor never costs fixed minutes
    i, j = site.nodes.index("entrance"), site.nodes.index("kiosk")
    assert site.extra_min[i, j] == 0.0


def test_counter_floor_no_stair_reaches_is_an_error(tmp_path: Path) -> None:
    data = json.loads((REPO / "layouts" / "korpri-2f-upper.geojson").read_text())
    data["features"] = [
        f for f in data["features"] if f["properties"]["kind"] not in ("stair", "lift")
    ]
    upper = tmp_path / "upper.geojson"
    upper.write_text(json.dumps(data))
    building = load_building([REPO / "layouts" / "korpri-2f-ground.geojson", upper])
    report = check_building(building)
    assert not report.ok
    assert any(
        "counter C01 on floor 1 cannot be reached from any entrance of the building" in e.message
        for e in report.errors
    )


def test_slot_on_two_floors_and_lone_stair_are_reported(tmp_path: Path) -> None:
    ground = REPO / "layouts" / "korpri-2f-ground.geojson"
    building = load_building([ground, ground], levels=[0, 1])
    report = check_building(building)
    assert any(
        "slot 'A01' is on floor 0 (ground) and on floor 1" in e.message for e in report.errors
    )
    assert any("renamed" in w.message or "is called" in w.message for w in report.warnings)


def test_scenario_with_a_building_runs_through_the_edge(tmp_path: Path) -> None:
    scenario = load_scenario(TWO_FLOORS)
    assert isinstance(scenario.layout, BuildingLayout)
    files = scenario.layout_files()
    assert [Path(f).name for f in files] == ["korpri-2f-ground.dxf", "korpri-2f-upper.dxf"]
    assert all(Path(f).is_absolute() for f in files)
    site = site_for(scenario)
    assert site is not None and site.extra_min is not None
    assert {z.floor for z in site.zones} == {0, 1}
    # a changed floor drawing changes the fingerprint, a moved unchanged one does not
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "layouts").mkdir()
    for f in files:
        shutil.copy(f, tmp_path / "layouts" / Path(f).name)
    shutil.copy(TWO_FLOORS, tmp_path / "scenarios" / TWO_FLOORS.name)
    moved = load_scenario(tmp_path / "scenarios" / TWO_FLOORS.name)
    assert scenario_fingerprint(moved) == scenario_fingerprint(scenario)
    upper = tmp_path / "layouts" / "korpri-2f-upper.dxf"
    upper.write_bytes(upper.read_bytes().replace(b"pengadilan-agama", b"pengadilan-agamX"))
    assert scenario_fingerprint(moved) != scenario_fingerprint(scenario)


def test_building_layout_paths_are_checked(tmp_path: Path) -> None:
    from simulator.errors import ScenarioError

    original = TWO_FLOORS.read_text().replace("../layouts/", str(REPO / "layouts") + "/")
    text = original.replace("korpri-2f-upper.dxf", "no-such-floor.dxf")
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=r"layout.floors\[1\].file.*no-such-floor.dxf"):
        load_scenario(path)
    twice = original.replace("level: 1", "level: 0")
    path.write_text(twice)
    with pytest.raises(ScenarioError, match="level 0 is given twice"):
        load_scenario(path)


def test_cli_checks_and_draws_a_building(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [str(f) for f in FLOORS]
    assert cli_main(["floorplan", "check", *files]) == 0
    text = capsys.readouterr().out
    assert "floor 1" in text and "RESULT: building usable" in text
    assert cli_main(["floorplan", "check", *files, "--json", "--levels", "0,1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [f["level"] for f in data["floors"]] == [0, 1]
    assert data["building"] == {"errors": [], "warnings": []}
    assert data["floors"][0]["stairs_lifts"][0]["link"] in ("L1", "T1")
    out = tmp_path / "building.png"
    assert cli_main(["floorplan", "show", *files, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    assert cli_main(["floorplan", "check", files[0], "--levels", "0,1"]) == 2


def test_cli_checks_a_plan_against_a_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = REPO / "scenarios" / "monday.yaml"
    compact = REPO / "layouts" / "korpri-2f-upper.geojson"
    status = cli_main(["floorplan", "check", str(compact), "--scenario", str(scenario)])
    out = capsys.readouterr().out
    assert status == 0
    assert "needs 33 counters" in out and "only 17 counter slots" in out
    bad = tmp_path / "s.yaml"
    text = scenario.read_text().replace(
        "  counters: 5\n", "  counters: 5\n  slots: [C01, C02, C03, C04, Z99]\n", 1
    )
    bad.write_text(text.replace("../layouts/", str(REPO / "layouts") + "/"))
    status = cli_main(["floorplan", "check", str(compact), "--scenario", str(bad)])
    out = capsys.readouterr().out
    assert status == 1
    assert "gives slot 'Z99' to 'disdukcapil', but the plan has no such slot" in out
    assert (
        "places 'disdukcapil' on slot 'C01', which the drawing gives to 'pengadilan-agama'" in out
    )


@pytest.mark.slow
def test_run_two_floor_scenario_from_the_command_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator.cli",
            "run",
            str(TWO_FLOORS),
            "--replications",
            "2",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data["inputs"]) >= {"floorplan_sha256_level0", "floorplan_sha256_level1"}


def test_building_matrix_is_consistent(building: Building) -> None:
    from simulator.floorplan import building_matrix

    m = building_matrix(building)
    cost = m.metres / 72.0 + m.extra_min
    # the quickest routes obey the triangle inequality
    k = len(cost)
    via = (cost[:, :, None] + cost[None, :, :]).min(axis=1)
    assert np.all(cost <= via + 1e-9)
    assert k == len(m.names)


@pytest.mark.slow
def test_app_plan_picture_draws_every_floor() -> None:
    from simulator.experiment import run_experiment
    from simulator.inputs import plan_for
    from simulator.ui import charts
    from simulator.ui.i18n import Translator

    scenario = load_scenario(TWO_FLOORS)
    site = site_for(scenario)
    assert site is not None
    result = run_experiment(plan_for(scenario), seed=1, replications=1)
    building = load_building(FLOORS)
    fig = charts.plan_p90_figure(building, site, result, tr=Translator("en"), layout="korpri-2f")
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert any("korpri-2f-ground" in t for t in titles)
    assert any("korpri-2f-upper" in t for t in titles)
    assert charts.figure_png(fig).startswith(b"\x89PNG")
