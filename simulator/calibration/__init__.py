"""Calibration from the hall's own queue-ticket logs (``mpp-sim calibrate``, docs/calibration.md).

Reading and checking the log (:mod:`.ticketlog`, :mod:`.csvfile`, :mod:`.mapping`,
:mod:`.companions`), one estimator per module (:mod:`.daytypes`, :mod:`.visits`, :mod:`.hours`,
:mod:`.profiles`, :mod:`.volumes`, :mod:`.service_times`, :mod:`.patience`, :mod:`.counters`,
:mod:`.shares`), put together in :mod:`.estimate`; the calibrated scenario (:mod:`.writer`),
the summary (:mod:`.summary`) and the fit report (:mod:`.report`) are views of the estimates.
"""

from simulator.calibration.command import (
    CalibrationResult,
    calibrate_command,
    calibrate_files,
    calibrate_log,
)
from simulator.calibration.estimate import Calibration, estimate
from simulator.calibration.ticketlog import TicketLog, read_ticket_log, ticket_log_from_bytes

__all__ = [
    "Calibration",
    "CalibrationResult",
    "TicketLog",
    "calibrate_command",
    "calibrate_files",
    "calibrate_log",
    "estimate",
    "read_ticket_log",
    "ticket_log_from_bytes",
]
