"""Paired comparisons under common random numbers: exact zero for twins, clear verdicts."""

from __future__ import annotations

import json

import pytest

from simulator.cli import main
from simulator.compare import (
    DEFAULT_KPIS,
    DEFAULT_THRESHOLDS,
    VERDICT_B,
    VERDICT_NO_DATA,
    VERDICT_SAME,
    paired_differences,
    practical_thresholds,
    run_paired,
    threshold_for,
)
from simulator.errors import SimulatorError
from simulator.executors import LocalExecutor
from simulator.plan import compile_plan
from simulator.sweep import with_counters


def test_identical_scenarios_differ_by_exactly_zero(normal_day):
    plan = compile_plan(normal_day)
    twin = compile_plan(normal_day.model_copy(update={"name": "twin"}))
    a, b = run_paired([plan, twin], seed=11, replications=4)
    diff = paired_differences(a, b)
    assert len(diff) == len(DEFAULT_KPIS) * len(set(a.per_replication["agency"]))
    finite = diff.dropna(subset=["diff"])
    assert len(finite) > 0
    assert (finite["diff"] == 0.0).all()
    assert (finite["ci_low"] == 0.0).all() and (finite["ci_high"] == 0.0).all()
    assert (finite["verdict"] == VERDICT_SAME).all()
    assert (diff["verdict"].isin([VERDICT_SAME, VERDICT_NO_DATA])).all()


def test_one_more_counter_is_significantly_better_for_its_agency(normal_day):
    base = compile_plan(normal_day)
    more = compile_plan(with_counters(normal_day, {"disdukcapil": 6}))
    with LocalExecutor(jobs=2) as executor:
        a, b = run_paired([base, more], seed=5, replications=10, executor=executor)
    diff = paired_differences(a, b).set_index(["agency", "kpi"])
    for kpi in ("wait_mean_min", "wait_p90_min"):
        row = diff.loc[("disdukcapil", kpi)]
        assert row["verdict"] == VERDICT_B, row
        assert row["ci_high"] < 0 < row["mean_a"]
    # an agency without any change draws the same numbers: no difference at all
    samsat = diff.loc[("samsat", "wait_p90_min")]
    assert samsat["diff"] == 0.0 and samsat["verdict"] == VERDICT_SAME


def test_results_with_different_seeds_are_not_paired(normal_day):
    plan = compile_plan(normal_day)
    (a,) = run_paired([plan], seed=1, replications=2)
    (b,) = run_paired([plan], seed=2, replications=2)
    with pytest.raises(SimulatorError, match="not paired"):
        paired_differences(a, b)
    with pytest.raises(SimulatorError, match="cannot compare KPI 'utilisation'"):
        paired_differences(a, a, kpis=("utilisation",))


@pytest.mark.slow
def test_compare_command_json(normal_day, tmp_path, capsys, write_scenario):
    first = write_scenario(normal_day, tmp_path / "a.yaml")
    second = write_scenario(with_counters(normal_day, {"disdukcapil": 7}), tmp_path / "b.yaml")
    third = write_scenario(normal_day, tmp_path / "c.yaml")
    status = main(["compare", str(first), str(second), str(third), "--replications", "6", "--json"])
    assert status == 0
    data = json.loads(capsys.readouterr().out)
    assert data["replications"] == 6 and len(data["comparisons"]) == 2
    rows = {(r["agency"], r["kpi"]): r for r in data["comparisons"][0]["rows"]}
    assert rows[("disdukcapil", "wait_p90_min")]["verdict"] == VERDICT_B
    assert all(r["diff"] in (0, None) for r in data["comparisons"][1]["rows"])


def test_compare_command_needs_two_scenarios(tmp_path, normal_day, capsys, write_scenario):
    only = write_scenario(normal_day, tmp_path / "a.yaml")
    assert main(["compare", str(only)]) == 2
    assert "at least two scenario files" in capsys.readouterr().err


def test_practical_thresholds_are_three_settings():
    settings = practical_thresholds(p90_min=2, share_pp=3, walk_m=10)
    assert threshold_for("wait_p90_min", settings) == 2
    assert threshold_for("wait_mean_min", settings) == 2
    assert threshold_for("within_target", settings) == pytest.approx(0.03)
    assert threshold_for("walk_mean_m", settings) == 10
    assert threshold_for("overtime_min", settings) == DEFAULT_THRESHOLDS["overtime_min"]
    assert practical_thresholds() == {**DEFAULT_THRESHOLDS, "wait_min": 1.0}
    with pytest.raises(SimulatorError, match="walk_m must be a number >= 0"):
        practical_thresholds(walk_m=-1)


def test_compare_command_reads_differences_under_the_thresholds_as_the_same(
    normal_day, tmp_path, capsys, write_scenario
):
    """One more counter at disdukcapil cuts its p90 by a few minutes: B better at the
    default threshold, about the same when the planner says 30 minutes do not matter; the
    table and the JSON show the threshold of each row and the settings."""
    first = write_scenario(normal_day, tmp_path / "a.yaml")
    second = write_scenario(with_counters(normal_day, {"disdukcapil": 6}), tmp_path / "b.yaml")
    args = ["compare", str(first), str(second), "--replications", "6", "--all"]
    assert main(args) == 0
    text = capsys.readouterr().out
    line = next(x for x in text.splitlines() if x.startswith("disdukcapil") and "p90" in x)
    assert "B better" in line and "1.00" in line
    assert "same if |B - A| <" in text
    assert main([*args, "--practical-p90-min", "30", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["practical_thresholds"] == {"p90_min": 30.0, "share_pp": 1.0, "walk_m": 5.0}
    rows = {(r["agency"], r["kpi"]): r for r in data["comparisons"][0]["rows"]}
    row = rows[("disdukcapil", "wait_p90_min")]
    assert row["threshold"] == 30.0 and row["verdict"] == VERDICT_SAME and row["diff"] < -1
    assert rows[("disdukcapil", "within_target")]["threshold"] == pytest.approx(0.01)
