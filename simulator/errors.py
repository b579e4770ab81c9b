"""The tool's own error types: every bad input ends in one, with a message a person can act on."""

from __future__ import annotations

__all__ = ["FloorPlanError", "ScenarioError", "SimulatorError", "TicketLogError"]


class SimulatorError(Exception):
    """Base class for every error the simulator reports to its user (CLI exit status 2)."""


class ScenarioError(SimulatorError):
    """A scenario file or scenario value is unusable.

    The message names the file, the field, the value found and what was expected.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.field = field
        self.detail = message
        prefix = ""
        if file:
            prefix += f"{file}: "
        if field:
            prefix += f"{field}: "
        super().__init__(prefix + message)


class FloorPlanError(SimulatorError):
    """A floor-plan drawing cannot be read at all (not a DXF, binary garbage, empty file ...).

    Problems inside a readable drawing are reported by the floor-plan check instead.
    """


class TicketLogError(SimulatorError):
    """A ticket log (or a companion file: bookings, holidays, column mapping) cannot be read.

    Broken *rows* are not errors: they are reported with their line numbers and calibration
    goes on without them. This is for a file that cannot be read at all (empty, not text, a
    required column missing, every row broken).
    """

    def __init__(self, message: str, *, file: str | None = None) -> None:
        self.file = file
        self.detail = message
        super().__init__(f"{file}: {message}" if file else message)
