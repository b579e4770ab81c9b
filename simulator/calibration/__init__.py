"""Calibration from the hall's own queue-ticket logs (``mpp-sim calibrate``, docs/calibration.md).

Reading and checking the log (:mod:`.ticketlog`, :mod:`.csvfile`, :mod:`.mapping`,
:mod:`.companions`), one estimator per module (:mod:`.daytypes`, :mod:`.visits`, :mod:`.hours`,
:mod:`.profiles`, :mod:`.volumes`, :mod:`.service_times`, :mod:`.patience`, :mod:`.counters`,
:mod:`.shares`), put together in :mod:`.estimate`; the calibrated scenario (:mod:`.writer`),
the summary (:mod:`.summary`) and the fit report (:mod:`.report`) are views of the estimates.

Entry points: :func:`simulator.calibration.command.calibrate_files` (and ``calibrate_command``
for the CLI), :func:`simulator.calibration.ticketlog.read_ticket_log`. The package imports
nothing itself, so ``simulator.limits`` can read :data:`.csvfile.MAX_LOG_BYTES` without
loading scipy.
"""
