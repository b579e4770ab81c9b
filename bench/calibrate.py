"""Time ``mpp-sim calibrate`` on a year of synthetic tickets (about 150,000 rows).

The log comes from the test generator (tests/calibration/ticketgen.py, independent of the
engine). Prints the seconds of each stage and rows per second, against a reference measured in
the same run on the same file: a plain ``pandas.read_csv`` (all columns as text), which does no
checking at all. Asserts nothing. Run: ``python bench/calibrate.py [--copies 2] [--report]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "calibration"))

from ticketgen import hall_truth, write_log

from simulator.calibration.command import calibrate_log
from simulator.calibration.ticketlog import read_ticket_log


def _best(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best = float("inf")
    value = None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=2, help="copies of the 3-agency hall")
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds (best counts)")
    parser.add_argument("--report", action="store_true", help="also time the fit report")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        tickets, bookings, holidays, log = write_log(
            folder, hall_truth(args.copies, args.weeks), seed=3
        )
        size = tickets.stat().st_size
        print(
            f"synthetic log: {len(log):,} rows, {size / 1e6:.1f} MB, "
            f"generated in {time.perf_counter() - start:.1f} s"
        )
        t_ref, _ = _best(
            lambda: pd.read_csv(tickets, dtype=str, keep_default_na=False), args.repeat
        )
        t_read, checked = _best(lambda: read_ticket_log(tickets), args.repeat)
        t_cal, result = _best(
            lambda: calibrate_log(
                checked,  # type: ignore[arg-type]
                holidays=holidays,
                bookings=bookings,
                out=folder / "c.yaml",
            ),
            args.repeat,
        )
        rows = len(log)
        print(
            f"reference pandas.read_csv (no checks): {t_ref:6.2f} s  {rows / t_ref:10,.0f} rows/s"
        )
        print(
            f"read_ticket_log (every rule checked):  {t_read:6.2f} s  {rows / t_read:10,.0f} rows/s"
            f"  = {t_read / t_ref:.1f} x read_csv"
        )
        print(f"estimate + write scenario:             {t_cal:6.2f} s")
        total = t_read + t_cal
        print(
            f"calibrate (read + estimate + write):   {total:6.2f} s  {rows / total:10,.0f} rows/s"
            f"  = {total / t_ref:.1f} x read_csv"
        )
        if args.report:
            from simulator.calibration.report import fit_report

            start = time.perf_counter()
            report = fit_report(result.calibration, result.scenario)  # type: ignore[attr-defined]
            print(
                f"fit report ({sum(report.check.replications.values())} simulated days): "
                f"{time.perf_counter() - start:6.2f} s"
            )


if __name__ == "__main__":
    main()
