"""The tool's own error types: every bad input ends in one, with a message a person can act on."""

from __future__ import annotations

__all__ = ["FloorPlanError", "ScenarioError", "SimulatorError"]


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
