"""``mpp-sim run`` on a scenario with online booking: the table by channel, and every booking
figure flat in ``--json`` per agency and overall, matching the replications' own numbers."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from simulator.cli import main
from simulator.metrics import BOOKING_KPIS

MINIMAL = Path(__file__).parent / "data" / "scenarios" / "minimal.yaml"
BOOKING = {
    "share": 0.5,
    "slot_min": 15,
    "per_slot": 2,
    "from": "08:00",
    "to": "11:00",
    "no_show": 0.2,
    "punctuality": {"mean_min": -3, "sd_min": 6},
    "grace_min": 10,
    "late_policy": "refused",
    "reserved_counters": 1,
}


@pytest.fixture
def booking_file(tmp_path: Path) -> Path:
    """The minimal scenario with online booking at the civil registry and a walk-in quota at
    the tax office."""
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    registry, tax = data["agencies"][0], data["agencies"][1]
    registry["booking"] = BOOKING
    tax["walk_in_quota"] = 10
    path = tmp_path / "booking.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> str:
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return captured.out


def _channel_rows(out: str) -> dict[str, list[str]]:
    """The rows of the table by channel, by agency: between its two rules, and the overall
    row after the second."""
    lines = out[out.index("by channel") :].splitlines()
    first, second = [i for i, line in enumerate(lines) if line.startswith("-" * 20)][:2]
    body = [*lines[first + 1 : second], lines[second + 1]]
    return {line.split()[0]: line.split() for line in body}


def test_the_table_by_channel_shows_the_booking_agencies_and_overall(
    capsys: pytest.CaptureFixture[str], booking_file: Path
) -> None:
    out = _run(capsys, "run", booking_file, "--replications", "3")
    data = json.loads(_run(capsys, "run", booking_file, "--replications", "3", "--json"))
    rows = _channel_rows(out)
    assert list(rows) == ["civil-registry", "tax", "overall"]
    header = out[out.index("by channel") :].splitlines()[1].split()
    assert header == ["booked", "walk-in", "bookings", "walk-in", "quota", "reserved"]
    by_id = {a["id"]: a for a in data["agencies"]} | {"overall": data["overall"]}
    for agency, cells in rows.items():
        row = by_id[agency]
        assert len(cells) == 17, cells
        expected = [
            row["wait_mean_booked_min"],
            row["wait_p90_booked_min"],
            row["ci95"]["wait_p90_booked_min"],
        ]
        for cell, value in zip(cells[1:4], expected, strict=True):
            assert cell == ("-" if value is None else f"{value:.1f}"), (agency, cells)
        assert cells[9] == f"{row['bookings']:.1f}"
        assert cells[15] == f"{row['walk_in_turned_away']:.1f}"
        assert cells[16] == f"{row['reserved_idle_min']:.0f}"
    assert rows["tax"][1] == "-", "no bookings at the tax office: no booked wait"
    assert "walk-ins turned away" in out


def test_no_table_by_channel_without_booking(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "run", MINIMAL, "--replications", "2")
    assert "by channel" not in out


def _pooled(per_rep: pd.DataFrame, agency: str, numerator: str, denominator: str) -> float:
    rows = per_rep[per_rep["agency"] == agency]
    below = float(rows[denominator].sum())
    return float(rows[numerator].sum()) / below if below else math.nan


def test_json_keeps_every_booking_figure_flat_per_agency_and_overall(
    capsys: pytest.CaptureFixture[str], booking_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    data = json.loads(
        _run(capsys, "run", booking_file, "--replications", "4", "--json", "--out", out)
    )
    per_rep = pd.read_csv(out / "per_replication.csv")
    rows: list[tuple[str, dict[str, Any]]] = [(a["id"], a) for a in data["agencies"]]
    rows.append(("overall", data["overall"]))
    for agency, row in rows:
        for key in BOOKING_KPIS:
            assert key in row, (agency, key)
            assert row[key] is None or isinstance(row[key], int | float), (agency, key)
            assert key in row["ci95"], (agency, key)
        mine = per_rep[per_rep["agency"] == agency]
        for key in ("bookings", "booking_no_shows", "late_refused", "walk_in_turned_away"):
            assert row[key] == pytest.approx(mine[key].mean(), abs=1e-5), (agency, key)
        ratios = {
            "slot_fill": ("bookings", "slot_capacity"),
            "booking_no_show_share": ("booking_no_shows", "bookings"),
            "within_target_booked": ("called_within_booked", "holders_booked"),
            "within_target_walk_in": ("called_within_walk_in", "holders_walk_in"),
            "lateness_mean_min": ("lateness_sum", "booked_came"),
        }
        for key, (num, den) in ratios.items():
            expected = _pooled(per_rep, agency, num, den)
            if math.isnan(expected):
                assert row[key] is None, (agency, key)
            else:
                assert row[key] == pytest.approx(expected, abs=1e-5), (agency, key)
    registry = data["agencies"][0]
    assert registry["bookings"] > 0 and 0 < registry["slot_fill"] <= 1
    assert registry["reserved_idle_min"] > 0, "a reserved counter idles when slots go unused"
    assert data["agencies"][1]["walk_in_turned_away"] > 0, "the tax office's walk-in quota bites"
    assert data["overall"]["bookings"] == pytest.approx(registry["bookings"])
