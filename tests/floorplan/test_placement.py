"""The placement optimiser: on a small plan it finds the brute-force optimum of the walking
cost model under its together-rules; on the shipped layouts it beats the drawings' own
placement in simulation; each queue waits in the zone it was costed with; counter groups are
placed as one; what cannot hold is said; the scenario it writes runs from where it is."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ezdxf.layouts import Modelspace

from simulator.cli import main
from simulator.errors import ScenarioError, SimulatorError
from simulator.floorplan.site import as_building
from simulator.inputs import layout_for, plan_for, site_for
from simulator.output import write_scenario
from simulator.placement import optimise_placement, walk_estimate, with_placement
from simulator.placement.problem import block_zone, connected, geometry, queue_needs
from simulator.plan import compile_plan
from simulator.scenario import (
    BuildingLayout,
    FloorFile,
    Scenario,
    layout_relative_to,
    load_scenario,
    parse_scenario,
    scenario_to_data,
)

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
DxfMaker = Callable[..., Path]
SHIPPED = ("monday", "monday-clusters", "monday-compact", "monday-two-floors")


def _hall(msp: Modelspace) -> None:
    """A 24 m x 12 m hall: door south, exit east, a kiosk, one waiting zone, six counters
    along the north wall (C04-C09 by position) and three along the west wall (C01-C03)."""
    msp.add_lwpolyline(
        [(0, 0), (24, 0), (24, 12), (0, 12)], close=True, dxfattribs={"layer": "MPP_FLOOR"}
    )
    msp.add_line((10, 0), (12, 0), dxfattribs={"layer": "MPP_ENTRANCE"})
    msp.add_line((24, 2), (24, 4), dxfattribs={"layer": "MPP_EXIT"})
    msp.add_point((11, 2), dxfattribs={"layer": "MPP_KIOSK"})
    msp.add_lwpolyline(
        [(6, 3), (20, 3), (20, 8), (6, 8)], close=True, dxfattribs={"layer": "MPP_WAITING"}
    )
    msp.add_text("tunggu", height=0.3, dxfattribs={"layer": "MPP_WAITING", "insert": (8, 5)})
    msp.add_point((10, 5), dxfattribs={"layer": "MPP_SEAT"})
    for y in (4.0, 5.8, 7.6):
        msp.add_point((1.0, y), dxfattribs={"layer": "MPP_COUNTER"})
    for x in (3.0, 4.8, 6.6, 8.4, 10.2, 12.0):
        msp.add_point((x, 11.0), dxfattribs={"layer": "MPP_COUNTER"})


def _agency(aid: str, counters: int, share: float, cluster: str = "") -> dict[str, Any]:
    return {
        "id": aid,
        "counters": counters,
        "share": share,
        "cluster": cluster,
        "service": {"kind": "exponential", "mean_min": 5},
    }


def _small_scenario(layout: Path, *, kiosks: bool = True) -> Scenario:
    data: dict[str, Any] = {
        "name": "small hall",
        "layout": str(layout),
        "day": {
            "weekday": "tue",
            "hours": {
                "tickets_open": "08:00",
                "service_start": "08:00",
                "last_ticket": "12:00",
                "closing": "13:00",
            },
        },
        "demand": {
            "visitors_per_day": 120,
            "arrival_profile": [{"start": "08:00", "end": "12:00", "share": 1.0}],
        },
        "agencies": [
            _agency("a", 2, 0.5),
            _agency("b", 1, 0.3, "x"),
            _agency("c", 1, 0.2, "x"),
        ],
        "transfers": [{"from": "b", "to": "c", "share": 0.5}],
        "run": {"replications": 2},
    }
    if kiosks:
        kiosk = {"count": 1, "service": {"kind": "fixed", "value_min": 0.5}}
        data["front_office"] = {"kiosks": kiosk}
    return parse_scenario(data)


def _effort(scenario: Scenario) -> float:
    site = site_for(scenario)
    return walk_estimate(compile_plan(scenario, site=site)).effort_m


def test_optimum_matches_a_brute_force_search(make_dxf: DxfMaker) -> None:
    """Every placement keeping a's two counters side by side and the cluster (b, c) side by
    side, costed on its compiled site: the optimiser's is the cheapest of them all."""
    scenario = _small_scenario(make_dxf(_hall))
    rows = [["C01", "C02", "C03"], ["C04", "C05", "C06", "C07", "C08", "C09"]]
    pairs = [tuple(r[i : i + 2]) for r in rows for i in range(len(r) - 1)]
    best = float("inf")
    for a_slots in pairs:
        for b_slot, c_slot in itertools.permutations(
            [s for r in rows for s in r if s not in a_slots], 2
        ):
            if (b_slot, c_slot) not in pairs and (c_slot, b_slot) not in pairs:
                continue
            placement = {a_slots[0]: "a", a_slots[1]: "a", b_slot: "b", c_slot: "c"}
            best = min(best, _effort(with_placement(scenario, placement)))
    result = optimise_placement(scenario, simulate=False)
    assert result.after.effort_m == pytest.approx(best, abs=1e-6)
    assert result.after.effort_m <= result.before.effort_m + 1e-9
    assert result.together and not result.relaxed
    assert result.after.metres == pytest.approx(result.after.effort_m)  # one floor


def test_without_kiosks_the_second_round_is_never_worse_than_the_default(
    make_dxf: DxfMaker,
) -> None:
    scenario = _small_scenario(make_dxf(_hall), kiosks=False)
    result = optimise_placement(scenario, simulate=False)
    assert result.after.effort_m <= result.before.effort_m + 1e-9
    assert set(result.placement.values()) == {"a", "b", "c"}


@pytest.fixture(scope="module")
def monday() -> Scenario:
    return load_scenario(SCENARIOS / "monday.yaml")


@pytest.fixture(scope="module")
def placed(monday: Scenario) -> Any:
    return optimise_placement(monday, simulate=False)


def test_counters_and_clusters_stand_side_by_side(placed: Any) -> None:
    """Each queue's slots and each cluster's slots are joined (no two ends of a wall)."""
    scenario = placed.scenario
    layout = layout_for(scenario)
    assert layout is not None
    geo = geometry(scenario, as_building(layout))
    index = {s: i for i, s in enumerate(geo.slots)}
    site = site_for(scenario)
    assert site is not None
    clusters: dict[str, list[int]] = {}
    for agency in scenario.agencies:
        slots = [index[s] for s in site.agency_slots[agency.id]]
        assert len(slots) == agency.counters
        assert connected(slots, geo.joined), agency.id
        if agency.cluster:
            clusters.setdefault(agency.cluster, []).extend(slots)
    for cluster, slots in clusters.items():
        assert connected(slots, geo.joined), cluster
    assert placed.together and not placed.split_queues and not placed.split_clusters


@pytest.mark.parametrize("name", ["monday-clusters", "monday-compact", "monday-two-floors"])
def test_each_queue_waits_in_the_zone_it_was_costed_with(name: str) -> None:
    """The site's zone rule, run on the placement found, sends every queue to the zone the
    optimiser costed its block with (the zone loads were kept within the rule's bound)."""
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    result = optimise_placement(scenario, simulate=False)
    moved = result.scenario
    layout = layout_for(moved)
    assert layout is not None
    geo = geometry(moved, as_building(layout))
    index = {s: i for i, s in enumerate(geo.slots)}
    site = site_for(moved)
    assert site is not None
    for need in queue_needs(moved, compile_plan(moved)):
        block = tuple(sorted(index[s] for s in site.agency_slots[need.id]))
        regular, lifted = block_zone(geo, need, block)
        assert site.zones_for(need.id, priority=False)[0] == regular, need.id
        assert site.zones_for(need.id, priority=True)[0] == lifted, need.id
    assert result.after.effort_m < result.before.effort_m


def test_a_counter_group_is_placed_as_one_queue(monday: Scenario) -> None:
    data = scenario_to_data(monday)
    for agency in data["agencies"]:
        if agency["id"] in ("kemenag", "dinsos"):
            agency["counters"] = 0
    data["counter_groups"] = [{"id": "bersama", "agencies": ["kemenag", "dinsos"], "counters": 3}]
    grouped = parse_scenario(data)
    result = optimise_placement(grouped, simulate=False)
    owners = list(result.placement.values())
    assert owners.count("bersama") == 3
    assert "kemenag" not in owners and "dinsos" not in owners
    plan = plan_for(result.scenario)
    assert plan.site is not None
    assert {n for n in plan.site.nodes if n.startswith("counter:bersama:")} == {
        f"counter:bersama:{k}" for k in range(3)
    }


def test_a_queue_too_long_for_any_row_is_placed_apart_and_said(monday: Scenario) -> None:
    """Fifteen counters on the clusters layout, whose longest joined row in one slot group
    has fourteen slots: the nearest fifteen slots instead, and the result says so."""
    clusters = load_scenario(SCENARIOS / "monday-clusters.yaml")
    data = scenario_to_data(clusters)
    for agency in data["agencies"]:
        if agency["id"] == "disdukcapil":
            agency["counters"] = 15
    result = optimise_placement(parse_scenario(data), simulate=False)
    assert "disdukcapil" in result.split_queues
    assert any("disdukcapil" in note for note in result.relaxed)
    assert sum(1 for q in result.placement.values() if q == "disdukcapil") == 15


def test_what_cannot_be_placed_is_refused(monday: Scenario) -> None:
    with pytest.raises(SimulatorError, match="no layout"):
        optimise_placement(monday.model_copy(update={"layout": None}), simulate=False)
    data = scenario_to_data(monday)
    data["agencies"][0]["counters"] = 20  # 48 counters for 38 slots
    with pytest.raises(ScenarioError, match="only 38 counter slots"):
        optimise_placement(parse_scenario(data | {"layout": monday.layout}), simulate=False)


@pytest.mark.slow
@pytest.mark.parametrize("name", SHIPPED)
def test_the_optimiser_beats_the_drawings_own_placement_in_simulation(name: str) -> None:
    """The Monday scenario on each shipped layout: fewer metres per visitor after than with
    the drawing's AGENCY attributes, in a paired simulation (common random numbers) and in
    the cost model, with every queue's counters and every cluster together."""
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    result = optimise_placement(scenario, replications=3)
    simulated = result.simulated
    assert simulated is not None
    assert simulated.after_m < simulated.before_m
    assert simulated.ci_high < 0, simulated
    assert result.after.metres < result.before.metres
    assert result.together
    assert "AGENCY" in result.before_from


def test_layout_paths_are_written_from_the_new_files_folder(tmp_path: Path) -> None:
    scenario = load_scenario(SCENARIOS / "monday.yaml")
    inside = layout_relative_to(scenario, REPO / "scenarios" / "out")
    assert inside.layout == "../../layouts/korpri-central.geojson"
    outside = layout_relative_to(scenario, "/")
    assert outside.layout == str(REPO / "layouts" / "korpri-central.geojson")
    two = load_scenario(SCENARIOS / "monday-two-floors.yaml")
    moved = layout_relative_to(two, REPO / "scenarios")
    assert isinstance(moved.layout, BuildingLayout)
    assert [f.file for f in moved.layout.floors] == [
        "../layouts/korpri-2f-ground.dxf",
        "../layouts/korpri-2f-upper.dxf",
    ]
    path = write_scenario(two, tmp_path / "deep" / "two.yaml")
    again = load_scenario(path)
    assert again.layout == BuildingLayout(
        floors=[
            FloorFile(level=0, file=str(REPO / "layouts" / "korpri-2f-ground.dxf")),
            FloorFile(level=1, file=str(REPO / "layouts" / "korpri-2f-upper.dxf")),
        ]
    )


@pytest.mark.parametrize("spelling", ["optimise", "optimize"])
def test_command_writes_a_scenario_that_runs(
    spelling: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sub" / "placed.yaml"
    args = ["placement", spelling, str(SCENARIOS / "monday-compact.yaml"), "--out", str(out)]
    assert main([*args, "--no-simulation", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["after"]["metres_per_visitor"] < data["before"]["metres_per_visitor"]
    assert data["simulated"] is None and data["out"] == str(out)
    written = load_scenario(out)
    assert written.placement == data["placement"]
    assert not any(a.slots for a in written.agencies)
    plan = plan_for(written)  # runs as it is
    assert plan.site is not None
    assert main(["scenario", "check", str(out)]) == 0


def test_command_without_a_layout_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = load_scenario(SCENARIOS / "monday.yaml").model_copy(update={"layout": None})
    path = write_scenario(scenario, tmp_path / "bare.yaml")
    assert main(["placement", "optimise", str(path), "--out", str(tmp_path / "x.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "no layout" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "x.yaml").exists()
