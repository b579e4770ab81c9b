"""Metrics computed from records: time-weighted averages, seating, and the run's JSON keys."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from simulator.cli import main
from simulator.metrics import _seat_sweep, step_average

ROOT = Path(__file__).resolve().parents[1]


def test_step_average_is_time_weighted() -> None:
    """One person 0-10, another 5-10: over [0, 10] the mean is 1.5, the peak 2."""
    level, peak = step_average(np.array([0.0, 5.0]), np.array([10.0, 10.0]), np.array([0.0, 10.0]))
    assert level[0] == pytest.approx(1.5)
    assert peak == 2


def test_step_average_bins_split_the_day() -> None:
    level, _ = step_average(np.array([0.0]), np.array([5.0]), np.array([0.0, 5.0, 10.0]))
    assert level.tolist() == pytest.approx([1.0, 0.0])


def test_third_visitor_stands_until_a_seat_frees() -> None:
    """Two seats: A (0-10) and B (1-20) sit, C (2-15) stands, then takes A's seat at 10;
    D arrives at 12 when no seat is free (B and C hold them) and stands too."""
    enter = np.array([0.0, 1.0, 2.0, 12.0])
    leave = np.array([10.0, 20.0, 15.0, 14.0])
    stood, peak = _seat_sweep(enter, leave, seats=2)
    assert stood.tolist() == [False, False, True, True]
    assert peak == 3


def test_nobody_stands_when_seats_suffice() -> None:
    stood, peak = _seat_sweep(np.array([0.0, 1.0]), np.array([2.0, 3.0]), seats=5)
    assert not stood.any()
    assert peak == 2


def test_run_json_has_walking_and_crowding_overall_and_per_zone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(
        ["run", str(ROOT / "scenarios" / "monday-clusters.yaml"), "--replications", "2", "--json"]
    )
    assert status == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("walk_mean_m", "waiting_peak", "stood_share"):
        assert data["overall"][key] is not None, key
    assert data["overall"]["walk_mean_m"] > 5
    assert len(data["zones"]) == 4
    for zone in data["zones"]:
        for key in ("walk_mean_m", "waiting_peak", "stood_share", "seats", "standing_capacity"):
            assert zone[key] is not None, (zone["name"], key)
        assert zone["waiting_peak"] <= data["overall"]["waiting_peak"]
        assert 0 <= zone["stood_share"] <= 1


def test_waits_can_count_from_the_opening_instead_of_the_ticket() -> None:
    """The same day, measured two ways: counting from the opening removes exactly the time
    each early ticket holder spent waiting for the counters to open."""
    from simulator.engine import simulate_day
    from simulator.metrics import step_waits
    from simulator.plan import compile_plan
    from simulator.scenario import load_scenario

    scenario = load_scenario(ROOT / "scenarios" / "normal-day.yaml")
    from_ticket = compile_plan(scenario)
    data = scenario.model_copy(
        update={"target": scenario.target.model_copy(update={"counted_from": "service_start"})}
    )
    from_opening = compile_plan(data)
    records = simulate_day(from_ticket, seed=4)
    a = step_waits(records, from_ticket)
    b = step_waits(records, from_opening)
    early = records.steps["queued"] < from_ticket.service_start
    holders = np.isfinite(a) & (records.steps["station"] >= 0)
    assert (early & holders).any()
    assert np.allclose(
        a[early & holders] - b[early & holders],
        np.minimum(
            from_ticket.service_start - records.steps["queued"][early & holders], a[early & holders]
        ),
    )
    assert np.array_equal(a[~early & holders], b[~early & holders])
