"""Every scenario shipped in scenarios/ loads, runs through ``mpp-sim run`` and gives sensible
results, and the day types relate as the reference data says (Monday busier than a normal day,
the post-holiday surge busier still, Friday short).

Whether a scenario names a floor plan (``layout:``) is not assumed either way.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from simulator.cli import main
from simulator.engine import simulate_day
from simulator.inputs import plan_for
from simulator.records import OUTCOME_SERVED
from simulator.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
REPLICATIONS = 2
WAIT_KEYS = ("wait_mean_min", "wait_p50_min", "wait_p90_min", "wait_p95_min")


@functools.cache
def _run_json(path: Path) -> dict[str, Any]:
    """``mpp-sim run PATH --replications 2 --json``, once per file for the whole module."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["run", str(path), "--replications", str(REPLICATIONS), "--json"])
    assert status == 0, err.getvalue()
    return json.loads(out.getvalue())


def test_the_four_day_types_are_shipped() -> None:
    names = {p.name for p in SHIPPED}
    assert {"normal-day.yaml", "monday.yaml", "post-holiday-surge.yaml", "friday.yaml"} <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
@pytest.mark.slow
def test_shipped_scenario_runs_with_sensible_results(path: Path) -> None:
    scenario = load_scenario(path)
    data = _run_json(path)
    assert data["scenario"] == scenario.name
    assert data["replications"] == REPLICATIONS
    assert [a["id"] for a in data["agencies"]] == [a.id for a in scenario.agencies]

    overall = data["overall"]
    assert overall["served"] > 0
    assert overall["served"] + overall["abandoned"] + overall["turned_away"] == pytest.approx(
        overall["arrivals"], abs=0.5
    ), "every ticket request ends served, abandoned or turned away"
    for key in ("wait_mean_min", "wait_p50_min"):
        assert math.isfinite(overall[key]) and overall[key] >= 0, key
    # A percentile is null when too few holders were ever called to reach it.
    inf = math.inf
    p50, p90, p95 = (overall[k] if overall[k] is not None else inf for k in WAIT_KEYS[1:])
    assert p50 <= p90 <= p95
    assert 0 <= overall["within_target"] <= 1
    assert 0 < overall["utilisation"] <= 1

    open_ids = {a.id for a in scenario.agencies if scenario.day.weekday in a.days_open}
    for row in data["agencies"]:
        if row["id"] not in open_ids:
            assert row["arrivals"] == 0, f"{row['id']} is closed on {scenario.day.weekday}"
            continue
        if row["served"] > 0:
            for key in WAIT_KEYS:
                assert row[key] is None or row[key] >= 0
        if row["within_target"] is not None:
            assert 0 <= row["within_target"] <= 1


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_p90_against_the_target_says_what_the_share_within_it_says(path: Path) -> None:
    """The headline figures cannot contradict each other: for every agency and overall,
    p90 <= target exactly when at least 90% were called within the target (the JSON says
    so too), and a p90 that is not reached (null) means fewer than 90% were ever called."""
    data = _run_json(path)
    target = data["target"]["wait_min"]
    assert data["target"]["share"] == 0.9
    assert data["wait_basis"]["gave_up"].startswith("never called")
    for row in (*data["agencies"], data["overall"]):
        if row["within_target"] is None:
            continue
        p90 = row["wait_p90_min"]
        assert (p90 is not None and p90 <= target) == (row["within_target"] >= 0.9), row
    overall = data["overall"]
    assert data["target"]["met"] == (overall["within_target"] >= 0.9)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_agency_utilisation_is_in_0_1(path: Path) -> None:
    """Busy time is counted only inside staffed windows, so utilisation never exceeds 1."""
    for row in _run_json(path)["agencies"]:
        if row["served"] == 0:
            continue
        assert 0 < row["utilisation"] <= 1.0 + 1e-9, row["id"]


def _arrivals(name: str) -> float:
    return _run_json(ROOT / "scenarios" / name)["overall"]["arrivals"]


def test_monday_is_busier_than_a_normal_day_and_the_surge_busier_still() -> None:
    normal = _arrivals("normal-day.yaml")
    monday = _arrivals("monday.yaml")
    surge = _arrivals("post-holiday-surge.yaml")
    assert normal < monday < surge
    # the day-type multipliers are 1, 1.4 and 2.5: allow for Poisson noise over 2 days
    assert monday / normal == pytest.approx(1.4, rel=0.15)
    assert surge / normal == pytest.approx(2.5, rel=0.15)


def test_the_surge_turns_visitors_away_at_the_civil_registry_quota() -> None:
    surge = _run_json(ROOT / "scenarios" / "post-holiday-surge.yaml")
    registry = next(a for a in surge["agencies"] if a["id"] == "disdukcapil")
    quota = load_scenario(ROOT / "scenarios" / "post-holiday-surge.yaml").agency("disdukcapil")
    assert registry["turned_away"] > 0
    assert registry["arrivals"] - registry["turned_away"] == pytest.approx(quota.daily_quota)


@pytest.mark.slow
def test_monday_with_booking_is_monday_with_booking_and_the_same_visitors() -> None:
    """monday-booking.yaml differs from monday.yaml only at the agencies that book, whose Monday
    volume is raised by the booking requests that never come: as many visitors are expected."""
    plain = load_scenario(ROOT / "scenarios" / "monday.yaml")
    booked = load_scenario(ROOT / "scenarios" / "monday-booking.yaml")
    changed = {"booking", "walk_in_quota", "day_types"}
    booking_ids = {a.id for a in booked.agencies if a.booking is not None}
    assert booking_ids == {"disdukcapil", "imigrasi"}
    for a, b in zip(plain.agencies, booked.agencies, strict=True):
        assert a.model_dump(exclude=changed) == b.model_dump(exclude=changed), a.id
        if a.id not in booking_ids:
            assert a == b
    expected = {
        name: {a.id: a.expected_arrivals for a in plan_for(s, source=name).agencies}
        for name, s in (("plain", plain), ("booked", booked))
    }
    for agency, visitors in expected["plain"].items():
        assert expected["booked"][agency] == pytest.approx(visitors, rel=1e-3), agency
    passports = booked.agency("imigrasi")
    assert passports.booking is not None and passports.daily_quota is not None
    places = passports.booking.capacity
    assert places == 0.8 * passports.daily_quota
    assert passports.walk_in_quota == passports.daily_quota - places
    data = _run_json(ROOT / "scenarios" / "monday-booking.yaml")
    rows = {a["id"]: a for a in data["agencies"]}
    assert rows["disdukcapil"]["slot_fill"] > 0.9, "Monday's slots are all taken"
    assert rows["imigrasi"]["bookings"] > 0 and rows["samsat"]["bookings"] == 0


def test_friday_service_ends_soon_after_1130() -> None:
    """Friday closes at 11:30: counters finish the last tickets, nothing runs into the afternoon."""
    scenario = load_scenario(ROOT / "scenarios" / "friday.yaml")
    hours = scenario.day.hours
    assert (hours.last_ticket, hours.closing) == (11 * 60, 11 * 60 + 30)
    plan = plan_for(scenario)
    for replication in range(REPLICATIONS):
        steps = simulate_day(plan, seed=scenario.run.seed, replication=replication).steps
        at_counter = (steps["station"] >= 0) & (steps["outcome"] == OUTCOME_SERVED)
        last_end = float(np.max(steps["end"][at_counter]))
        assert hours.last_ticket < last_end <= hours.closing + 90, last_end
        first_tickets = at_counter & (steps["leg"] == 0)
        assert np.max(steps["queued"][first_tickets]) <= hours.closing
    overtime = _run_json(ROOT / "scenarios" / "friday.yaml")["overall"]["overtime_min"]
    assert 0 <= overtime <= 90


NEW_KEYS = (
    "counters",
    "waited_share",
    "wait_mean_priority_min",
    "wait_p90_priority_min",
    "wait_mean_regular_min",
    "wait_p90_regular_min",
    "wait_before_opening_mean_min",
    "wait_after_opening_mean_min",
    "share_arrived_before_opening",
)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_run_json_states_its_basis_and_splits_the_wait(path: Path) -> None:
    data = _run_json(path)
    assert set(data["wait_basis"]) >= {"who", "from", "to", "gave_up", "percentile"}
    for row in (*data["agencies"], data["overall"]):
        assert set(NEW_KEYS) <= row.keys(), row.get("id", "overall")
    overall = data["overall"]
    scenario = load_scenario(path)
    open_counters = sum(
        a.counters for a in scenario.agencies if scenario.day.weekday in a.days_open
    )
    assert overall["counters"] == open_counters
    assert overall["wait_before_opening_mean_min"] + overall[
        "wait_after_opening_mean_min"
    ] == pytest.approx(overall["wait_mean_min"], abs=1e-5)
    assert 0 < overall["share_arrived_before_opening"] < 0.5
    assert overall["waited_share"] >= 1 - overall["within_target"] - 1e-9
