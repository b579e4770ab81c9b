"""Calibrating online booking: the slot layout from booked slot starts, the booking share with
the no-shows put back, counters reserved for bookings, and a log without a booking export."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ticketgen import default_truth, write_log

from simulator.calibration.command import calibrate_files
from simulator.calibration.shares import MIN_RESERVED_CALLS, booking_figures
from simulator.calibration.slots import slot_layout
from simulator.experiment import run_experiment
from simulator.plan import compile_plan

DAY = pd.Timestamp("2024-03-04")


def _booked(*slots: tuple[str, float, int]) -> pd.DataFrame:
    """Rows of (date, booked_for minutes) repeated ``count`` times per slot."""
    rows = [(pd.Timestamp(d), minute) for d, minute, count in slots for _ in range(count)]
    return pd.DataFrame(rows, columns=["date", "booked_for"])


def test_slot_layout_from_the_booked_starts() -> None:
    """Half-hour slots from 08:00; the 09:00 slot was never booked, so the steps are 30, 60:
    the most common (30) is the slot length; the busiest slot on one day holds 3."""
    online = _booked(
        ("2024-03-04", 480, 2), ("2024-03-04", 510, 1), ("2024-03-05", 510, 3),
        ("2024-03-05", 570, 1), ("2024-03-05", 600, 1),
    )  # fmt: skip
    layout = slot_layout(online, None)
    assert layout is not None
    assert (layout.slot_min, layout.start, layout.end) == (30, 480, 630)
    assert (layout.per_slot, layout.starts_seen, layout.off_grid) == (3, 4, 0)
    assert not layout.from_export


def test_the_export_counts_places_taken_by_no_shows_too() -> None:
    online = _booked(("2024-03-04", 480, 1), ("2024-03-04", 490, 1))
    export = _booked(
        ("2024-03-04", 480, 4), ("2024-03-04", 490, 2), ("2024-03-04", 500, 1),
        ("2024-03-04", 505, 1),
    )  # fmt: skip
    layout = slot_layout(online, export)
    assert layout is not None and layout.from_export
    assert (layout.slot_min, layout.per_slot, layout.end) == (10, 4, 515)
    assert layout.starts_seen == 4
    assert layout.off_grid == 1, "505 is not a whole number of 10-minute slots after 480"
    assert slot_layout(online.iloc[:0], None) is None


def _tickets(counters: dict[str, list[bool]]) -> pd.DataFrame:
    """Called first-visit tickets per counter label: one row per call, ``True`` if booked."""
    rows = []
    for label, kinds in counters.items():
        for k, online in enumerate(kinds):
            rows.append((DAY, label, online, 480.0 + 30 * (k % 4) if online else np.nan))
    frame = pd.DataFrame(rows, columns=["date", "counter", "online", "booked_for"])
    frame["issued"] = frame["booked_for"].fillna(500.0) - 2.0
    frame["called"] = frame["issued"] + 5.0
    frame["priority"] = False
    return frame


def test_a_counter_calling_only_bookings_is_reserved() -> None:
    n = MIN_RESERVED_CALLS
    every = _tickets(
        {"A-1": [True] * n, "A-2": [True, False] * n, "A-3": [True] * (n - 1), "A-4": [False] * n}
    )
    figures = booking_figures(every, None, every)
    assert figures.reserved_counters == 1, "A-1 only; A-3 called too few to tell"


def test_without_export_the_share_is_the_online_share() -> None:
    every = _tickets({"A-1": [True] * 10 + [False] * 30})
    figures = booking_figures(every, None, every)
    assert figures.no_show_share is None
    assert figures.requested_share == pytest.approx(0.25)
    assert figures.volume_factor == pytest.approx(1.0)
    export = pd.DataFrame(
        {"date": [DAY] * 20, "booked_for": [480.0] * 20, "came": [True] * 10 + [False] * 10}
    )
    with_export = booking_figures(every, export, every)
    # 10 bookers came and 10 did not: 20 requests against 30 walk-ins
    assert with_export.requested_share == pytest.approx(20 / 50)
    assert with_export.volume_factor == pytest.approx(50 / 40)


def test_a_log_without_booking_export_still_writes_a_booking_that_runs(tmp_path: Path) -> None:
    truth = default_truth(weeks=4)
    tickets, _, _, log = write_log(tmp_path, truth, seed=3)
    result = calibrate_files(tickets, out=tmp_path / "cal.yaml")
    booking = result.scenario.agency("capil").booking
    assert booking is not None and booking.no_show == 0
    first = log[(log["agency"] == "capil")]
    online = (first["channel"] == "online").mean()
    assert booking.share == pytest.approx(online, abs=0.03)
    assert "no_show: 0  # not estimated: no --bookings" in result.text
    run = run_experiment(compile_plan(result.scenario), seed=1, replications=2)
    assert run.row("capil")["bookings"] > 0


def _day(rows: list[tuple[bool, bool, float, float]]) -> pd.DataFrame:
    """Tickets of one day: (online, priority, issued, called) in minutes."""
    frame = pd.DataFrame(rows, columns=["online", "priority", "issued", "called"])
    frame["date"] = DAY
    frame["counter"] = "A-1"
    frame["booked_for"] = np.where(frame["online"], 480.0, np.nan)
    return frame


def test_booked_tickets_called_before_earlier_walk_ins_go_first() -> None:
    """In order of issue nobody overtakes (not even past a priority walk-in, who is left out);
    a booked ticket called before a regular walk-in issued earlier overtook it."""
    in_order = _day(
        [(False, False, 480, 485), (True, False, 482, 490), (False, True, 483, 486),
         (False, False, 484, 495), (True, False, 500, 500)]
    )  # fmt: skip
    figures = booking_figures(in_order, None, in_order)
    assert figures.overtaking_share == 0 and not figures.booked_first
    first = _day(
        [(False, False, 480, 495), (True, False, 482, 485), (False, False, 483, 500),
         (True, False, 490, 505), (True, True, 470, 471)]
    )  # fmt: skip
    figures = booking_figures(first, None, first)
    assert figures.overtaking_share == pytest.approx(1 / 2) and figures.booked_first
    assert booking_figures(first[first["priority"]], None, first[first["priority"]]).booked_first
