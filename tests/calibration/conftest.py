"""A year of synthetic ticket log (from known parameters) and its calibration, made once."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from ticketgen import Truth, default_truth, write_log

from simulator.calibration.command import CalibrationResult, calibrate_files


@dataclass(frozen=True)
class Synthetic:
    truth: Truth
    log: pd.DataFrame
    tickets: Path
    bookings: Path
    holidays: Path
    result: CalibrationResult


@pytest.fixture(scope="session")
def year(tmp_path_factory: pytest.TempPathFactory) -> Synthetic:
    """52 weeks of three agencies, calibrated with holidays and bookings."""
    folder = tmp_path_factory.mktemp("year")
    truth = default_truth(weeks=52)
    tickets, bookings, holidays, log = write_log(folder, truth, seed=7)
    result = calibrate_files(
        tickets, holidays=holidays, bookings=bookings, out=folder / "calibrated.yaml"
    )
    return Synthetic(truth, log, tickets, bookings, holidays, result)
