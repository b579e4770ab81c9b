"""Named random streams and what they promise: the same seed gives the same day, bit for bit, and
a change to one agency leaves every agency's visitors as they were (common random numbers).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from simulator.engine import simulate_day
from simulator.inputs import plan_for
from simulator.plan import Plan, compile_plan
from simulator.records import DayRecords
from simulator.scenario import Scenario, load_scenario
from simulator.streams import PURPOSES, stream

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


@pytest.fixture(scope="module")
def monday() -> Scenario:
    return load_scenario(SCENARIOS / "monday.yaml")


def _arrivals_by_agency(records: DayRecords) -> dict[str, np.ndarray]:
    v = records.visitors
    return {
        agency_id: v["arrival"][v["agency"] == i] for i, agency_id in enumerate(records.agency_ids)
    }


def _visitor_draws_by_agency(records: DayRecords) -> dict[str, np.ndarray]:
    """Arrival, priority and walking speed of each agency's visitors, side by side."""
    v = records.visitors
    return {
        agency_id: np.column_stack(
            [
                v["arrival"][v["agency"] == i],
                v["priority"][v["agency"] == i],
                v["speed_mps"][v["agency"] == i],
            ]
        )
        for i, agency_id in enumerate(records.agency_ids)
    }


def _variant(scenario: Scenario, change: dict[str, dict[str, Any]]) -> Plan:
    """The scenario with ``change[agency id]`` applied to the agencies it names."""
    agencies = [a.model_copy(update=change.get(a.id, {})) for a in scenario.agencies]
    return compile_plan(scenario.model_copy(update={"agencies": agencies}))


# ------------------------------------------------------------------------------ the streams


def test_a_stream_is_a_pure_function_of_its_name() -> None:
    key = {"seed": 7, "replication": 2, "owner": "samsat", "purpose": "service"}
    np.testing.assert_array_equal(stream(**key).random(5), stream(**key).random(5))
    for change in (
        {"seed": 8},
        {"replication": 3},
        {"owner": "disdukcapil"},
        {"purpose": "patience"},
    ):
        assert not np.array_equal(stream(**key).random(5), stream(**(key | change)).random(5))


def test_every_purpose_of_an_owner_has_its_own_stream() -> None:
    first = {p: stream(seed=1, replication=0, owner="a", purpose=p).random() for p in PURPOSES}
    assert len(set(first.values())) == len(PURPOSES)


def test_bad_stream_names_are_refused_quoting_the_value() -> None:
    with pytest.raises(ValueError, match="'servise'"):
        stream(seed=1, replication=0, owner="a", purpose="servise")
    with pytest.raises(ValueError, match="-1"):
        stream(seed=1, replication=-1, owner="a", purpose="service")
    with pytest.raises(ValueError, match="-5"):
        simulate_day(compile_plan(load_scenario(SCENARIOS / "friday.yaml")), seed=-5)


# ------------------------------------------------------------------------------ determinism


def test_same_seed_gives_an_identical_day(monday: Scenario) -> None:
    plan = plan_for(monday)
    first = simulate_day(plan, seed=2023, replication=4)
    again = simulate_day(plan, seed=2023, replication=4)
    assert first.n_visitors > 100
    assert first.visitors.keys() == again.visitors.keys()
    for name, column in first.visitors.items():
        np.testing.assert_array_equal(column, again.visitors[name], err_msg=name)
    assert first.steps.keys() == again.steps.keys()
    for name, column in first.steps.items():
        np.testing.assert_array_equal(column, again.steps[name], err_msg=name)


def test_another_replication_or_seed_draws_another_day(monday: Scenario) -> None:
    plan = plan_for(monday)
    base = _arrivals_by_agency(simulate_day(plan, seed=2023, replication=0))
    for other in (
        simulate_day(plan, seed=2023, replication=1),
        simulate_day(plan, seed=2024, replication=0),
    ):
        arrivals = _arrivals_by_agency(other)
        for agency_id, times in base.items():
            if len(times):
                assert not np.array_equal(times, arrivals[agency_id]), agency_id


# ------------------------------------------------------------------- common random numbers


def test_changing_one_agencys_counters_changes_only_its_waits(monday: Scenario) -> None:
    base_plan = compile_plan(monday)
    fewer = _variant(monday, {"disdukcapil": {"counters": 2}})
    base = simulate_day(base_plan, seed=11)
    variant = simulate_day(fewer, seed=11)

    # Every agency's visitors, the changed agency's included, come at the same times, with the
    # same priority and walking speed.
    base_draws = _visitor_draws_by_agency(base)
    variant_draws = _visitor_draws_by_agency(variant)
    for agency_id, draws in base_draws.items():
        np.testing.assert_array_equal(draws, variant_draws[agency_id], err_msg=agency_id)
    # What changes is how long the changed agency's visitors wait.
    index = base.agency_ids.index("disdukcapil")

    def waits(records: DayRecords) -> np.ndarray:
        s = records.steps
        mine = (s["station"] == index) & (s["leg"] == 0)
        order = np.argsort(s["visitor"][mine])
        return (s["called"][mine] - s["queued"][mine])[order]

    base_waits, variant_waits = waits(base), waits(variant)
    assert base_waits.shape == variant_waits.shape
    assert np.nanmean(variant_waits) > np.nanmean(base_waits)


def test_leaving_an_agency_out_or_reordering_keeps_everyone_elses_visitors(
    monday: Scenario,
) -> None:
    base = _visitor_draws_by_agency(simulate_day(compile_plan(monday), seed=5))
    without = monday.with_agencies(a.id for a in monday.agencies if a.id != "samsat")
    reordered = monday.model_copy(update={"agencies": monday.agencies[::-1]})
    for scenario in (without, reordered):
        draws = _visitor_draws_by_agency(simulate_day(compile_plan(scenario), seed=5))
        for agency_id, values in draws.items():
            np.testing.assert_array_equal(values, base[agency_id], err_msg=agency_id)
    assert "samsat" not in _visitor_draws_by_agency(simulate_day(compile_plan(without), seed=5))
