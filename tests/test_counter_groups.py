"""Counter groups: several agencies served from one queue by shared counters, each visitor in
their own agency's service time. Validated against Erlang C (identical exponential services
pooled are M/M/c at the summed rate) and against an independent recursion (different services)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from simulator import queueing as qf
from simulator.distributions import Exponential
from simulator.engine import simulate_day
from simulator.errors import ScenarioError
from simulator.experiment import run_experiment
from simulator.plan import Plan, QueuePlan, compile_plan, stationary_plan
from simulator.records import OUTCOME_SERVED
from simulator.scenario import parse_scenario
from simulator.stats import mean_ci

HORIZON = 20_000.0
WARMUP = 1_000.0


def _pooled_plan(
    mean_a: float, mean_b: float, *, rate_a: float, rate_b: float, servers: int
) -> Plan:
    """Two always-open agencies sharing ``servers`` counters from one queue."""
    plan = stationary_plan(
        arrival_rate_per_min=rate_a,
        servers=servers,
        service=Exponential(mean_min=mean_a),
        horizon_min=HORIZON,
        warmup_min=WARMUP,
        extra_agencies=(("b", rate_b, servers, Exponential(mean_min=mean_b)),),
    )
    first = plan.agencies[0]
    shared = QueuePlan(
        id="shared",
        index=0,
        counters=servers,
        schedule=first.schedule,
        no_show_call_min=0.0,
        agencies=(0, 1),
    )
    return replace(plan, queues=(shared,))


def test_identical_exponential_services_pooled_are_erlang_c() -> None:
    """0.35 + 0.25 visitors a minute, 4 minutes each, on 3 shared counters: M/M/3 at
    arrival rate 0.6 (load 2.4, utilisation 0.8). Each agency's mean wait, and the share
    waiting at all, match Erlang C within the replications' 95% interval."""
    plan = _pooled_plan(4.0, 4.0, rate_a=0.35, rate_b=0.25, servers=3)
    expected_wait = qf.erlang_c_mean_wait(servers=3, arrival_rate_per_min=0.6, service_mean_min=4.0)
    expected_p = qf.erlang_c_wait_probability(
        servers=3, arrival_rate_per_min=0.6, service_mean_min=4.0
    )
    per_agency: dict[int, dict[str, list[float]]] = {0: {}, 1: {}}
    for replication in range(20):
        s = simulate_day(plan, seed=21, replication=replication).steps
        for agency in (0, 1):
            mine = (s["station"] == agency) & (s["queued"] >= WARMUP)
            wait = s["called"][mine] - s["queued"][mine]
            per_agency[agency].setdefault("wait", []).append(float(wait.mean()))
            per_agency[agency].setdefault("p", []).append(float(np.mean(wait > 0)))
        assert set(np.unique(s["counter"])) == {0, 1, 2}
    for agency in (0, 1):
        mean, half = mean_ci(per_agency[agency]["wait"])
        assert abs(mean - expected_wait) <= half, (agency, mean, half, expected_wait)
        mean, half = mean_ci(per_agency[agency]["p"])
        assert abs(mean - expected_p) <= half, (agency, mean, half, expected_p)


def _fcfs(arrival: np.ndarray, service: np.ndarray, servers: int) -> np.ndarray:
    """Independent recursion: first come first served, the earliest free counter next."""
    free = np.zeros(servers)
    called = np.empty(len(arrival))
    for i, (t, d) in enumerate(zip(arrival, service, strict=True)):
        k = int(np.argmin(free))
        called[i] = max(t, free[k])
        free[k] = called[i] + d
    return called


def test_two_agencies_with_different_services_match_an_independent_recursion() -> None:
    """2-minute and 6-minute services sharing 3 counters: every ticket's call time equals the
    recursion's from the engine's own arrival and service draws."""
    plan = _pooled_plan(2.0, 6.0, rate_a=0.5, rate_b=0.2, servers=3)
    for seed in range(3):
        s = simulate_day(plan, seed=seed).steps
        order = np.argsort(s["queued"], kind="stable")
        service = (s["end"] - s["start"])[order]
        called = _fcfs(s["queued"][order], service, 3)
        np.testing.assert_allclose(called, s["called"][order], rtol=0, atol=1e-9)
        assert (s["outcome"] == OUTCOME_SERVED).all()
        slow = s["station"][order] == 1
        np.testing.assert_allclose(service[slow].mean(), 6.0, rtol=0.1)


def _scenario(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "front office",
        "day": {
            "hours": {
                "tickets_open": "08:00",
                "service_start": "08:00",
                "last_ticket": "14:00",
                "closing": "15:00",
            }
        },
        "demand": {
            "visitors_per_day": 200,
            "arrival_profile": [{"start": "08:00", "end": "14:00", "share": 1.0}],
        },
        "agencies": [
            {
                "id": "a",
                "counters": 3,
                "share": 0.5,
                "service": {"kind": "exponential", "mean_min": 6},
            },
            {
                "id": "b",
                "counters": 0,
                "share": 0.3,
                "service": {"kind": "exponential", "mean_min": 4},
            },
            {
                "id": "c",
                "counters": 0,
                "share": 0.2,
                "service": {"kind": "exponential", "mean_min": 8},
            },
        ],
        "counter_groups": [{"id": "front", "agencies": ["b", "c"], "counters": 2}],
    }
    data.update(extra)
    return data


def test_a_scenario_with_a_counter_group_runs_and_reports_per_agency() -> None:
    scenario = parse_scenario(_scenario())
    assert scenario.queue_counters() == {"a": 3, "front": 2}
    assert scenario.total_counters == 5
    plan = compile_plan(scenario)
    assert [q.id for q in plan.queues] == ["a", "front"]
    result = run_experiment(plan, seed=3, replications=4)
    summary = result.summary.set_index("agency")
    assert summary.loc["b", "counters"] == summary.loc["c", "counters"] == 2
    assert summary.loc["overall", "counters"] == 5
    assert summary.loc["b", "utilisation"] == summary.loc["c", "utilisation"]
    assert 0 < summary.loc["b", "utilisation"] <= 1
    # b and c share one queue: their tickets are called by counters 0 and 1 of the group
    steps = simulate_day(plan, seed=3).steps
    shared = np.isin(steps["station"], [1, 2])
    assert set(np.unique(steps["counter"][shared])) == {0, 1}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["agencies"][1].update(counters=2),
            "is served by counter group 'front'; set its counters to 0",
        ),
        (
            lambda d: d["agencies"][0].update(counters=0),
            "has no counters and is in no counter group",
        ),
        (lambda d: d["counter_groups"][0].update(agencies=["b", "x"]), "unknown agency 'x'"),
        (lambda d: d["counter_groups"][0].update(id="a"), "already the id of an agency"),
        (
            lambda d: d["counter_groups"].append(
                {"id": "g2", "agencies": ["b", "a"], "counters": 1}
            ),
            "is in two counter groups",
        ),
        (lambda d: d["counter_groups"][0].update(agencies=["b"]), "at least 2 items"),
    ],
)
def test_bad_counter_groups_are_refused_with_one_line(change: Any, message: str) -> None:
    data = _scenario()
    change(data)
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(data)


def test_leaving_out_agencies_dissolves_a_group_of_one() -> None:
    scenario = parse_scenario(_scenario())
    alone = scenario.with_agencies(["a", "b"])
    assert alone.counter_groups == []
    assert alone.agency("b").counters == 2
