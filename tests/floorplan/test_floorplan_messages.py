"""Messages in the file's own terms, and a check that stays light: reading and checking a
drawing imports neither matplotlib, streamlit nor the engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from simulator.errors import FloorPlanError
from simulator.floorplan import check_plan, load_floorplan
from simulator.floorplan import limits as plan_limits


def collection(*features: dict[str, object]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def test_geojson_problems_speak_of_features_and_properties(tmp_path: Path) -> None:
    path = tmp_path / "p.geojson"
    path.write_text(
        collection(
            {
                "type": "Feature",
                "properties": {"kind": "counter", "slot": "A1"},
                "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
            },
            {
                "type": "Feature",
                "properties": {"kind": "counter", "slot": "B1"},
                "geometry": {"type": "Point", "coordinates": [1, 1]},
            },
            {
                "type": "Feature",
                "properties": {"kind": "counter", "slot": "B1"},
                "geometry": {"type": "Point", "coordinates": [2, 1]},
            },
        )
    )
    report = check_plan(load_floorplan(path))
    text = report.to_text()
    assert "no floor: add a feature with properties.kind 'floor'" in text
    assert "no entrance: add a feature with properties.kind 'entrance'" in text
    assert "a counter must be a Point feature, found a line" in text
    assert "give each a unique properties.slot" in text
    assert "[feature 0" in text
    for dxf_word in ("MPP_", "layer", "polyline", "block", "WBLOCK", "SLOT attribute"):
        assert dxf_word not in text, dxf_word
    data = report.to_json()
    assert data["errors"][0]["where"].get("feature") is not None or any(
        "feature" in e["where"] for e in data["errors"]
    )


def test_dxf_problems_speak_of_layers_entities_and_handles(tmp_path: Path) -> None:
    import ezdxf

    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = 6
    msp = doc.modelspace()
    line = msp.add_line((0, 0), (1, 1), dxfattribs={"layer": "MPP_COUNTER"})
    path = tmp_path / "p.dxf"
    doc.saveas(path)
    report = check_plan(load_floorplan(path))
    text = report.to_text()
    assert "no floor: draw the public area as closed polylines on layer MPP_FLOOR" in text
    assert "a counter must be a point or block reference, found a line" in text
    assert f"layer MPP_COUNTER, entity 0 (handle {line.dxf.handle})" in text
    where = report.to_json()["errors"][0]["where"]
    assert set(where) >= {"layer", "index", "handle", "block", "x", "y"}


def test_too_many_features_is_said_in_geojson_terms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan_limits, "MAX_ENTITIES", 2)
    path = tmp_path / "p.geojson"
    point = {"type": "Feature", "properties": {"kind": "seat"}, "geometry": None}
    path.write_text(collection(point, point, point))
    with pytest.raises(FloorPlanError) as caught:
        load_floorplan(path)
    message = str(caught.value)
    assert "3 features; at most 2" in message
    assert "WBLOCK" not in message and "MPP_" not in message


@pytest.mark.slow
def test_reading_and_checking_a_drawing_stays_light() -> None:
    code = (
        "import sys\n"
        "from simulator.floorplan import check_plan, compile_site, load_floorplan\n"
        f"plan = load_floorplan({str(REPO / 'layouts' / 'korpri-central.dxf')!r})\n"
        "check_plan(plan)\n"
        "compile_site(plan, counters={'disdukcapil': 2})\n"
        "heavy = [m for m in ('matplotlib', 'streamlit', 'simulator.engine') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert done.stdout.strip() == ""


@pytest.mark.slow
def test_fifty_thousand_seats_in_160_m2_are_read_and_flagged(tmp_path: Path) -> None:
    data = json.loads((REPO / "layouts" / "korpri-central.geojson").read_text())
    zone = [[5, 8], [21, 8], [21, 18], [5, 18], [5, 8]]  # 16 m x 10 m = 160 m2
    seats = [[5.05 + 0.064 * i, 8.05 + 0.049 * j] for i in range(250) for j in range(200)]
    data["features"] = [
        f for f in data["features"] if f["properties"]["kind"] not in ("seat", "waiting")
    ]
    data["features"] += [
        {
            "type": "Feature",
            "properties": {"kind": "waiting", "name": "flood"},
            "geometry": {"type": "Polygon", "coordinates": [zone]},
        },
        {
            "type": "Feature",
            "properties": {"kind": "seat"},
            "geometry": {"type": "MultiPoint", "coordinates": seats},
        },
    ]
    path = tmp_path / "flood.geojson"
    path.write_text(json.dumps(data))
    report = check_plan(load_floorplan(path))
    flood = next(z for z in report.waiting_zones if z["name"] == "flood")
    assert flood["seats"] == 50_000
    assert any(
        "'flood' holds 50000 seats on 160.0 m2" in w.message and "feature" in w.where.describe()
        for w in report.warnings
    )
