"""``mpp-sim calibrate``: ticket log (+ companions) -> calibrated scenario, summary, report.

The CLI command and the app both call :func:`calibrate_files`; this module only wires the
readers, the estimators, the scenario writer and the report together and writes files
atomically (a failed run leaves no half-written scenario or report behind).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from simulator.calibration.companions import read_bookings, read_holidays
from simulator.calibration.estimate import Calibration, estimate, without_walking
from simulator.calibration.mapping import load_mapping
from simulator.calibration.summary import summary_json, summary_text
from simulator.calibration.ticketlog import TicketLog, read_ticket_log
from simulator.calibration.walking_time import walking_minutes
from simulator.calibration.writer import scenario_text
from simulator.errors import SimulatorError
from simulator.output import atomic_write_bytes
from simulator.scenario import LAYOUT_SUFFIXES, Scenario

__all__ = ["CalibrationResult", "calibrate_command", "calibrate_files", "calibrate_log"]


@dataclass(frozen=True, kw_only=True)
class CalibrationResult:
    """Estimates, the scenario's text and the scenario it loads as."""

    calibration: Calibration
    text: str
    scenario: Scenario


def calibrate_log(
    log: TicketLog,
    *,
    holidays: Path | None = None,
    bookings: Path | None = None,
    layout: Path | None = None,
    out: Path | None = None,
    sep: str = ",",
) -> CalibrationResult:
    """Estimate and write (in memory) the scenario of an already-read log."""
    if layout is not None:
        if not layout.is_file():
            raise SimulatorError(f"--layout {layout}: no such file")
        if not layout.name.lower().endswith(LAYOUT_SUFFIXES):
            raise SimulatorError(
                f"--layout {layout}: expected a floor plan ({', '.join(LAYOUT_SUFFIXES)})"
            )
    calibration = estimate(
        log,
        holidays=read_holidays(holidays, sep=sep) if holidays is not None else None,
        bookings=read_bookings(bookings, sep=sep) if bookings is not None else None,
    )
    if layout is not None:
        walk = walking_minutes(layout, {a.id: a.counters for a in calibration.agencies})
        calibration = without_walking(calibration, walk)
    name = f"Calibrated from {Path(log.source).name}"
    text, scenario = scenario_text(
        calibration, name=name, layout=str(layout) if layout else None, out=out
    )
    if layout is not None:
        from simulator.inputs import plan_for

        plan_for(scenario.model_copy(update={"layout": str(layout.resolve())}), source=str(out))
    return CalibrationResult(calibration=calibration, text=text, scenario=scenario)


def calibrate_files(
    tickets: Path,
    *,
    holidays: Path | None = None,
    bookings: Path | None = None,
    mapping: Path | None = None,
    sep: str = ",",
    decimal: str = ".",
    layout: Path | None = None,
    out: Path | None = None,
) -> CalibrationResult:
    """Read the log and its companions and calibrate (nothing is written)."""
    log = read_ticket_log(
        tickets,
        sep=sep,
        decimal=decimal,
        mapping=load_mapping(mapping) if mapping is not None else None,
    )
    return calibrate_log(log, holidays=holidays, bookings=bookings, layout=layout, out=out, sep=sep)


def calibrate_command(
    tickets: Path,
    *,
    out: Path,
    holidays: Path | None = None,
    bookings: Path | None = None,
    mapping: Path | None = None,
    sep: str = ",",
    decimal: str = ".",
    layout: Path | None = None,
    report: Path | None = None,
    as_json: bool = False,
    replications: int | None = None,
) -> str:
    """Run the command; returns what to print. Writes ``out`` (and ``report``) atomically."""
    result = calibrate_files(
        tickets,
        holidays=holidays,
        bookings=bookings,
        mapping=mapping,
        sep=sep,
        decimal=decimal,
        layout=layout,
        out=out,
    )
    report_html = None
    if report is not None:
        from simulator.calibration.report import fit_report

        report_html = fit_report(
            result.calibration, result.scenario, replications=replications
        ).html
    atomic_write_bytes(out, result.text.encode("utf-8"))
    if report is not None and report_html is not None:
        atomic_write_bytes(report, report_html.encode("utf-8"))
    if as_json:
        data = summary_json(result.calibration)
        data["scenario"] = str(out)
        data["report"] = str(report) if report is not None else None
        return json.dumps(data, ensure_ascii=False)
    lines = [summary_text(result.calibration), f"calibrated scenario written to {out}"]
    if report is not None:
        lines.append(f"fit report written to {report}")
    return "\n".join(lines)
