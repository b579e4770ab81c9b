"""``--layout``: the scenario names the floor plan, and the walk to the counter, which the log
counts as service, is taken out of the service times (the simulation walks it itself)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ticketgen import default_truth, write_log

from simulator.calibration.command import calibrate_files
from simulator.calibration.walking_time import walking_minutes
from simulator.errors import SimulatorError
from simulator.output import atomic_write_bytes
from simulator.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
LAYOUT = REPO / "layouts" / "korpri-central.geojson"

pytestmark = pytest.mark.slow


def test_layout_is_named_and_walking_subtracted(tmp_path: Path) -> None:
    tickets, _, _, _ = write_log(tmp_path, default_truth(weeks=2), seed=4)
    out = tmp_path / "out" / "cal.yaml"
    plain = calibrate_files(tickets)
    walked = calibrate_files(tickets, layout=LAYOUT, out=out)
    walk = walking_minutes(LAYOUT, {a.id: a.counters for a in plain.calibration.agencies})
    for before, after in zip(plain.calibration.agencies, walked.calibration.agencies, strict=True):
        assert after.service is not None and before.service is not None
        assert 0 < walk[after.id] < 2
        assert after.service.walk_min == pytest.approx(walk[after.id])
        assert after.service.fit.mean_min == pytest.approx(
            before.service.fit.mean_min - walk[after.id], abs=0.02
        )
    atomic_write_bytes(out, walked.text.encode())
    scenario = load_scenario(out)
    assert scenario.layout == str(LAYOUT.resolve())
    assert "is subtracted: the simulation walks it" in walked.text


def test_layout_must_be_a_floor_plan(tmp_path: Path) -> None:
    tickets, _, _, _ = write_log(tmp_path, default_truth(weeks=1), seed=4)
    with pytest.raises(SimulatorError, match="no such file"):
        calibrate_files(tickets, layout=tmp_path / "nope.geojson")
    with pytest.raises(SimulatorError, match="expected a floor plan"):
        calibrate_files(tickets, layout=tickets)
