"""Pictures: the plan, routes, counter values and zone occupancy render to PNG files."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

from simulator.floorplan import compile_site, load_floorplan
from simulator.floorplan.commands import find_route, show_command
from simulator.floorplan.draw import draw_plan, draw_zone_values

PNG = b"\x89PNG\r\n\x1a\n"


def test_draw_plan_with_route_and_counter_values(tmp_path: Path) -> None:
    plan = load_floorplan(REPO / "layouts" / "korpri-clusters.geojson")
    site = compile_site(plan, counters={"disdukcapil": 5, "samsat": 3})
    _, route = find_route(plan, "C03", "kiosk")
    values = {c.slot: float(i) for i, c in enumerate(plan.counters[:10])}
    fig = draw_plan(
        plan,
        site=site,
        route=route,
        counter_values=values,
        value_label="p90 wait (min)",
        title="test",
    )
    out = tmp_path / "plan.png"
    fig.savefig(out)
    assert out.read_bytes().startswith(PNG)


def test_draw_zone_values(tmp_path: Path) -> None:
    plan = load_floorplan(REPO / "layouts" / "korpri-compact.geojson")
    names = [z.name for z in plan.zones]
    fig = draw_zone_values(
        plan, {names[0]: 40, names[1]: 300}, capacity={names[0]: 100, names[1]: 200}, title="10:30"
    )
    out = tmp_path / "zones.png"
    fig.savefig(out)
    assert out.read_bytes().startswith(PNG)


def test_show_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "show.png"
    assert (
        show_command(
            REPO / "layouts" / "korpri-central.dxf", out, scenario_counters={"disdukcapil": 5}
        )
        == 0
    )
    assert out.read_bytes().startswith(PNG)
    assert "wrote" in capsys.readouterr().out
