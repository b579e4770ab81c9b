"""The shipped layouts: both formats give one model, every layout checks clean and fits."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from conftest import LAYOUT_NAMES, REPO

from simulator.floorplan import check_plan, compile_site, load_floorplan

# default counters of the 23 candidate agencies (reference/agencies.csv): 33 in total
DEFAULT_COUNTERS = {
    "disdukcapil": 5,
    "dpmptsp": 2,
    "samsat": 3,
    "polres-skck": 2,
    "polres-sim": 1,
    "bpjs-kesehatan": 2,
    "bpjs-ketenagakerjaan": 1,
    "taspen": 1,
    "kantah": 1,
    "kpp-pratama": 1,
    "bapenda": 1,
    "bank-jateng": 2,
    "kemenag": 1,
    "pengadilan-agama": 1,
    "kejaksaan": 1,
    "imigrasi": 1,
    "disnaker": 1,
    "dinkes": 1,
    "dinsos": 1,
    "dinkop-ukm": 1,
    "perumda-air-minum": 1,
    "pln": 1,
    "kantor-pos": 1,
}


@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_dxf_and_geojson_give_the_same_model(name: str) -> None:
    dxf = load_floorplan(REPO / "layouts" / f"{name}.dxf")
    geo = load_floorplan(REPO / "layouts" / f"{name}.geojson")
    assert dxf == geo
    assert dxf.content_hash == geo.content_hash
    assert (dxf.units, geo.units) == ("mm", "m")


@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_shipped_layout_checks_clean(name: str) -> None:
    report = check_plan(load_floorplan(REPO / "layouts" / f"{name}.dxf"))
    assert report.errors == ()
    if name == "korpri-2f-upper":  # checked alone, the upper floor says what it is
        [warning] = report.warnings
        assert "can only be an upper floor" in warning.message
    else:
        assert report.warnings == ()
    assert report.walkable_area_m2 > 600


@pytest.mark.parametrize(
    ("name", "least"), [("korpri-central", 36), ("korpri-clusters", 36), ("korpri-compact", 44)]
)
def test_layout_holds_every_default_counter(name: str, least: int) -> None:
    plan = load_floorplan(REPO / "layouts" / f"{name}.dxf")
    assert len(plan.counters) >= least
    drawn = {c.agency for c in plan.counters if c.agency}
    assert drawn == set(DEFAULT_COUNTERS)
    site = compile_site(plan, counters=DEFAULT_COUNTERS)
    assert sum(len(s) for s in site.agency_slots.values()) == sum(DEFAULT_COUNTERS.values())
    for agency, slots in site.agency_slots.items():
        assert all(plan.counter(s).agency == agency for s in slots)
    assert set(site.agency_zone) == set(DEFAULT_COUNTERS)


def test_compact_has_more_slots_and_fewer_seats_than_central() -> None:
    central = load_floorplan(REPO / "layouts" / "korpri-central.geojson")
    compact = load_floorplan(REPO / "layouts" / "korpri-compact.geojson")
    assert len(compact.counters) > len(central.counters)
    assert len(compact.seats) < len(central.seats)


def test_layout_script_regenerates_identical_models(tmp_path, monkeypatch) -> None:
    spec = importlib.util.spec_from_file_location(
        "draw_layouts", REPO / "layouts" / "draw_layouts.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "draw_layouts", module)
    spec.loader.exec_module(module)
    layout = module.LAYOUTS[0]
    module.write_dxf(layout, tmp_path / "a.dxf")
    module.write_geojson(layout, tmp_path / "a.geojson")
    shipped = load_floorplan(REPO / "layouts" / f"{layout.name}.dxf")
    assert load_floorplan(tmp_path / "a.dxf") == shipped
    assert load_floorplan(tmp_path / "a.geojson") == shipped
