"""Calibration recovers the parameters a synthetic year of tickets was generated from.

Tolerances from the issue: volumes per day type within 5%, service means within 5% and cv
within 15%, patience mean within 20%, shares within 2 points, staffing profile exact.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import Synthetic

from simulator.calibration.summary import summary_json
from simulator.cli import main
from simulator.output import atomic_write_bytes
from simulator.scenario import load_scenario

pytestmark = pytest.mark.slow


def _agency(year: Synthetic, agency_id: str) -> dict:
    summary = summary_json(year.result.calibration)
    return next(a for a in summary["agencies"] if a["id"] == agency_id)


def test_volumes_per_day_type_within_5_percent(year: Synthetic) -> None:
    counts = year.result.calibration.day_type_counts
    assert counts["post-holiday"] >= 10 and set(counts) == set(year.truth.multipliers)
    for truth in year.truth.agencies:
        found = _agency(year, truth.id)["visitors_per_day"]
        for day_type, multiplier in year.truth.multipliers.items():
            expected = truth.visitors_per_day * multiplier
            if expected == 0:
                assert found[day_type] == 0
            else:
                assert found[day_type] == pytest.approx(expected, rel=0.05), (truth.id, day_type)


def test_quota_days_are_found_with_their_time(year: Synthetic) -> None:
    capil = _agency(year, "capil")
    assert capil["daily_quota"] == 215
    log = year.log[year.log["agency"] == "capil"]
    full = log.groupby("date").size()
    assert {q["date"] for q in capil["quota_reached"]} == set(full.index[full == 215])
    last = log.groupby("date")["issued_at"].max()
    for q in capil["quota_reached"]:
        assert last[q["date"]].startswith(q["time"])
    assert _agency(year, "samsat")["daily_quota"] is None


def test_service_times_within_tolerance(year: Synthetic) -> None:
    for truth in year.truth.agencies:
        service = _agency(year, truth.id)["service"]
        assert service["mean_min"] == pytest.approx(truth.service_mean, rel=0.05), truth.id
        assert service["cv"] == pytest.approx(truth.service_cv, rel=0.15), truth.id
        assert service["ks_distance"] < 0.05
    capil = _agency(year, "capil")["service"]
    assert capil["kind"] == "mixture"
    by_code = {s["service"]: s for s in capil["services"]}
    for code, share, kind, mean, cv in year.truth.agencies[0].services:
        assert by_code[code]["share"] == pytest.approx(share, abs=0.02)
        assert by_code[code]["kind"] == kind
        assert by_code[code]["mean_min"] == pytest.approx(mean, rel=0.05)
        assert by_code[code]["cv"] == pytest.approx(cv, rel=0.15)
    assert _agency(year, "samsat")["service"]["kind"] == "lognormal"


def test_patience_from_censored_waits_within_20_percent(year: Synthetic) -> None:
    for truth in year.truth.agencies:
        found = _agency(year, truth.id)["patience_mean_min"]
        assert found == pytest.approx(truth.patience_mean_min, rel=0.20), truth.id


def test_naive_no_show_waits_would_be_far_off(year: Synthetic) -> None:
    """The censoring matters: the mean wait of no-shows is nowhere near the patience."""
    log = year.log[(year.log["agency"] == "capil") & (year.log["outcome"] == "no_show")]
    minutes = log[["issued_at", "called_at"]].apply(
        lambda c: c.str.slice(0, 2).astype(int) * 60 + c.str.slice(3, 5).astype(int)
    )
    naive = float((minutes["called_at"] - minutes["issued_at"]).mean())
    assert abs(naive - 45.0) / 45.0 > 0.2


def test_shares_within_2_points(year: Synthetic) -> None:
    for truth in year.truth.agencies:
        found = _agency(year, truth.id)
        if truth.visitors_per_day:
            assert found["priority_share"] == pytest.approx(truth.priority_share, abs=0.02)
            assert found["online_share"] == pytest.approx(truth.online_share, abs=0.02)
        if truth.online_share:
            booking = found["booking"]
            assert booking["no_show_share"] == pytest.approx(year.truth.booking_no_show, abs=0.02)
            assert booking["punctuality_mean_min"] == pytest.approx(
                year.truth.punctuality_mean_min, abs=1.0
            )
    transfers = {
        (t["from"], t["to"]): t["share"] for t in summary_json(year.result.calibration)["transfers"]
    }
    assert transfers.keys() == {(a, b) for a, b, _ in year.truth.transfers}
    for a, b, share in year.truth.transfers:
        assert transfers[(a, b)] == pytest.approx(share, abs=0.02)


def _requested_share(online_share: float, no_show: float) -> float:
    """The scenario's booking share of an agency whose first visits are ``online_share``
    booked: booking requests (the bookers who came and those who did not) among walk-ins and
    requests."""
    requests = online_share / (1 - no_show)
    return requests / (1 - online_share + requests)


def test_booking_parameters_recovered_into_the_scenario(year: Synthetic) -> None:
    """The booking block: share within 2 points, no-shows within 2 points, punctuality within
    a minute, the slots the generator offered, and as many visitors coming as the truth."""
    t = year.truth
    scenario = year.result.scenario
    exported = pd.read_csv(year.bookings)
    for truth in t.agencies:
        agency = scenario.agency(truth.id)
        if not truth.online_share:
            assert agency.booking is None
            continue
        booking = agency.booking
        assert booking is not None
        share = _requested_share(truth.online_share, t.booking_no_show)
        assert booking.share == pytest.approx(share, abs=0.02), truth.id
        assert booking.no_show == pytest.approx(t.booking_no_show, abs=0.02), truth.id
        assert booking.punctuality.mean_min == pytest.approx(t.punctuality_mean_min, abs=1.0)
        assert booking.punctuality.sd_min == pytest.approx(t.punctuality_sd_min, abs=1.0)
        assert booking.slot_min == 30 and booking.slot_starts == list(t.slots)
        assert (booking.from_, booking.to) == (t.slots[0], t.slots[-1] + 30)
        mine = exported[exported["agency"] == truth.id]
        assert booking.per_slot == mine.groupby(["date", "booked_for"]).size().max()
        assert booking.reserved_counters == 0
        assert not booking.priority_over_walk_in, "the generator calls in order of issue"
        # the visitors who come (walk-ins and bookers who show up) are the truth's volume
        coming = agency.visitors_per_day * (1 - booking.share * booking.no_show)
        assert coming == pytest.approx(truth.visitors_per_day, rel=0.05), truth.id
    summary = _agency(year, "capil")["booking"]
    assert summary["share"] == pytest.approx(scenario.agency("capil").booking.share, abs=1e-4)
    assert (summary["slot_min"], summary["from"], summary["to"]) == (30, "08:00", "14:30")


def test_staffing_profile_exact(year: Synthetic) -> None:
    t = year.truth
    for truth in t.agencies:
        found = _agency(year, truth.id)
        assert found["counters"] == truth.counters
        for period in found["counters_profile"]:
            h, m = map(int, period["start"].split(":"))
            start = h * 60 + m
            expected = (
                truth.break_counters if t.break_start <= start < t.break_end else truth.counters
            )
            assert period["counters"] == expected, (truth.id, period)


def test_no_show_call_cost_from_gaps(year: Synthetic) -> None:
    for truth in year.truth.agencies:
        found = _agency(year, truth.id)["no_show_call_min"]
        assert found == pytest.approx(truth.no_show_call_min, abs=1 / 60 + 1e-9)


def test_hours_and_day_types(year: Synthetic) -> None:
    summary = summary_json(year.result.calibration)
    assert summary["hours"]["tickets_open"] == "07:30"
    assert summary["hours"]["service_start"] == "08:00"
    assert summary["hours"]["last_ticket"] == "14:30"
    assert summary["days"] == len(year.truth.dates())
    assert summary["rows_rejected"] == 0


def test_scenario_loads_and_runs_as_written(
    year: Synthetic, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = atomic_write_bytes(tmp_path / "cal.yaml", year.result.text.encode())
    scenario = load_scenario(path)
    assert scenario == year.result.scenario
    capil = scenario.agency("capil")
    assert capil.daily_quota == 215 and capil.counters == 4
    assert [(p.start, p.end, p.counters) for p in capil.staffing or []] == [(720, 780, 2)]
    assert scenario.agency("bank").visitors_per_day == 0
    text = year.result.text
    assert "censored ML" in text and "no_show: " in text and "quota" in text
    assert capil.booking is not None and scenario.agency("bank").booking is None
    assert main(["run", str(path), "--replications", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {a["id"] for a in data["agencies"]} >= {"capil", "samsat", "bank"}
