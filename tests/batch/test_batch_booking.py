"""Booking levers in sweeps: the grid's ``booking`` dimensions, their one-line errors, the
variants they make, and the plot of waits by channel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.errors import ScenarioError
from simulator.experiment import run_experiment
from simulator.plan import compile_plan
from simulator.scenario import Scenario, load_scenario
from simulator.sweep import expand, load_sweep, run_sweep

REPO = Path(__file__).resolve().parents[2]
MONDAY_BOOKING = REPO / "scenarios" / "monday-booking.yaml"


@pytest.fixture(scope="module")
def booking_day() -> Scenario:
    """The shipped Monday with booking, without its floor plan (queues only: fast)."""
    return load_scenario(MONDAY_BOOKING).model_copy(update={"layout": None})


@pytest.fixture
def base_file(tmp_path, booking_day, write_scenario) -> Path:
    return write_scenario(booking_day, tmp_path / "base.yaml")


def _sweep(folder: Path, grid: str, *, head: str = "") -> Path:
    path = folder / "sweep.yaml"
    path.write_text(f"base: base.yaml\n{head}grid:\n{grid}", encoding="utf-8")
    return path


def test_levers_expand_in_a_fixed_order_and_change_only_their_field(tmp_path, base_file):
    path = _sweep(
        tmp_path,
        "  counters: {disdukcapil: [5, 6]}\n"
        "  booking:\n"
        "    disdukcapil: {reserved_counters: [0, 1], share: [0, 0.5], slot_min: [10, 15]}\n"
        "    imigrasi: {per_slot: [1, 3]}\n",
    )
    sweep = load_sweep(path)
    assert sweep.grid.combinations() == 2 * 2 * 2 * 2 * 2
    variants = expand(sweep)
    assert len(variants) == 32
    assert list(variants[0].params) == [
        "counters_disdukcapil",
        "booking_share_disdukcapil",
        "booking_slot_min_disdukcapil",
        "booking_reserved_counters_disdukcapil",
        "booking_per_slot_imigrasi",
    ]
    last = variants[-1]
    assert last.params == {
        "counters_disdukcapil": 6,
        "booking_share_disdukcapil": 0.5,
        "booking_slot_min_disdukcapil": 15,
        "booking_reserved_counters_disdukcapil": 1,
        "booking_per_slot_imigrasi": 3,
    }
    base = sweep.base
    for variant in variants:
        p = variant.params
        registry = variant.scenario.agency("disdukcapil")
        booking = registry.booking
        assert booking is not None and registry.counters == p["counters_disdukcapil"]
        assert booking.share == p["booking_share_disdukcapil"]
        assert booking.slot_min == p["booking_slot_min_disdukcapil"]
        assert booking.reserved_counters == p["booking_reserved_counters_disdukcapil"]
        untouched = {"share", "slot_min", "reserved_counters"}
        assert booking.model_dump(exclude=untouched) == base.agency(
            "disdukcapil"
        ).booking.model_dump(exclude=untouched)
        passports = variant.scenario.agency("imigrasi").booking
        assert passports is not None and passports.per_slot == p["booking_per_slot_imigrasi"]
        assert passports.share == base.agency("imigrasi").booking.share
    assert len({v.scenario_sha256 for v in variants}) == len(variants)


@pytest.mark.parametrize(
    ("grid", "message"),
    [
        (
            "  booking: {disdukcapil: {shares: [0.1]}}\n",
            "grid.booking.disdukcapil.shares: unknown key; an agency's booking levers are share, "
            "slot_min, per_slot, reserved_counters",
        ),
        (
            "  booking: {samsat: {share: [0.1]}}\n",
            "grid.booking.samsat: agency 'samsat' has no booking in the base scenario",
        ),
        ("  booking: {nobody: {share: [0.1]}}\n", "grid.booking.nobody: unknown agency 'nobody'"),
        (
            "  booking: {disdukcapil: {share: [0.1, 1.5]}}\n",
            "grid.booking.disdukcapil.share[1]: got 1.5: Input should be less than or equal to 1",
        ),
        (
            "  booking: {disdukcapil: {per_slot: [2.5]}}\n",
            "grid.booking.disdukcapil.per_slot[0]: got 2.5: Input should be a valid integer",
        ),
        (
            "  booking: {disdukcapil: {slot_min: [300]}}\n",
            "grid.booking.disdukcapil.slot_min[0]: got 300",
        ),
        (
            "  booking: {disdukcapil: {share: ['0.5']}}\n",
            "grid.booking.disdukcapil.share[0]: got '0.5': expected a number",
        ),
        (
            "  booking: {disdukcapil: {per_slot: [true]}}\n",
            "grid.booking.disdukcapil.per_slot[0]: got True: expected a number",
        ),
        (
            "  booking: {disdukcapil: {share: [.nan]}}\n",
            "grid.booking.disdukcapil.share[0]: got nan: expected a number",
        ),
        ("  booking: {disdukcapil: {share: [0.1, 0.1]}}\n", "value 0.1 is listed twice"),
        ("  booking: {disdukcapil: {}}\n", "grid.booking.disdukcapil: no lever given"),
        ("  booking: {disdukcapil: {share: []}}\n", "grid.booking.disdukcapil.share: got []"),
        (
            "  booking: {disdukcapil: {reserved_counters: [9]}}\n",
            "grid: variant booking_reserved_counters_disdukcapil=9 is not a valid scenario: "
            "agency 'disdukcapil' reserves 9 counters for bookings but has only 5",
        ),
    ],
)
def test_booking_lever_errors_name_the_field(tmp_path, base_file, grid, message):
    path = _sweep(tmp_path, grid)
    with pytest.raises(ScenarioError) as caught:
        expand(load_sweep(path))
    text = str(caught.value)
    assert message in text and str(path) in text
    assert "\n" not in text and "Value error" not in text


def test_share_zero_is_the_day_without_booking_at_that_agency(tmp_path, base_file, booking_day):
    """With share 0 nobody books and the walk-ins are the same visitors as with no booking at
    all (common random numbers): the agency's day is the same to the bit."""
    path = _sweep(tmp_path, "  booking: {disdukcapil: {share: [0]}}\n")
    (variant,) = expand(load_sweep(path))
    agencies = [
        a.model_copy(update={"booking": None}) if a.id == "disdukcapil" else a
        for a in booking_day.agencies
    ]
    without = booking_day.model_copy(update={"agencies": agencies})
    runs = [
        run_experiment(compile_plan(s), seed=5, replications=2).row("disdukcapil")
        for s in (variant.scenario, without)
    ]
    for key in ("arrivals", "served", "abandoned", "wait_mean_min", "wait_p90_min"):
        assert runs[0][key] == runs[1][key], key
    assert runs[0]["bookings"] == 0 and np.isnan(runs[0]["wait_mean_booked_min"])


@pytest.mark.slow
def test_a_sweep_over_share_and_slot_size_runs_and_plots_waits_by_channel(tmp_path, base_file):
    path = _sweep(
        tmp_path,
        "  booking: {disdukcapil: {share: [0, 0.5], slot_min: [10, 15]}}\n",
        head="seed: 3\nreplications: 3\n",
    )
    result = run_sweep(load_sweep(path), out=tmp_path / "out")
    plot = tmp_path / "out" / "plots" / "wait_by_channel.png"
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (tmp_path / "out" / "plots" / "p90_vs_counters.png").exists()
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    registry = summary[summary["agency"] == "disdukcapil"].set_index("variant")
    assert list(registry["booking_share_disdukcapil"]) == [0, 0, 0.5, 0.5]
    for variant, row in registry.iterrows():
        booked = row["booking_share_disdukcapil"] > 0
        assert np.isfinite(row["wait_mean_booked_min"]) == booked, variant
        assert (row["bookings"] > 0) == booked, variant
        assert np.isfinite(row["wait_mean_walk_in_min_ci"]), variant
    assert result.replications == dict.fromkeys(registry.index, 3)


def test_shipped_booking_sweep_expands_over_share_slot_size_and_reserved_counters():
    sweep = load_sweep(REPO / "scenarios" / "sweeps" / "disdukcapil-booking.yaml")
    variants = expand(sweep)
    assert len(variants) == 12
    assert {v.params["booking_share_disdukcapil"] for v in variants} == {0, 0.25, 0.5}
    assert {v.params["booking_slot_min_disdukcapil"] for v in variants} == {10, 15}
