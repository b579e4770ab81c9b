"""Messages the app shows, kept as data until drawn in the language on screen.

A message is stored (in the session) as a catalogue key with its values, never as text, so it
follows the language switch. :class:`TranslatedError` is the one error type whose message the
app translates: the editor, the uploads and the variant list raise it with a catalogue key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from simulator.errors import SimulatorError
from simulator.ui.i18n import Translator

__all__ = ["Level", "Message", "TranslatedError"]

Level = Literal["error", "warning", "success", "info"]


class TranslatedError(SimulatorError):
    """A problem the planner must correct; ``key`` and ``values`` select its translated text."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(f"{key}: {values}")


@dataclass(frozen=True, kw_only=True)
class Message:
    """A catalogue ``key`` with its ``values`` at a ``level``, and an optional technical
    detail in English (quoted from an invalid file)."""

    level: Level
    key: str
    values: Mapping[str, Any] = field(default_factory=dict)
    detail: str | None = None

    @classmethod
    def success(cls, key: str, **values: Any) -> Message:
        """Something worked (shown green)."""
        return cls(level="success", key=key, values=values)

    @classmethod
    def warning(cls, key: str, **values: Any) -> Message:
        """Something the planner should know (shown yellow)."""
        return cls(level="warning", key=key, values=values)

    @classmethod
    def failure(cls, key: str, **values: Any) -> Message:
        """Something failed (shown red)."""
        return cls(level="error", key=key, values=values)

    @classmethod
    def of_error(cls, exc: Exception) -> Message:
        """The message for an exception: translated by key where the code gave one, the
        English detail of any other :class:`SimulatorError`, a generic line for the rest."""
        if isinstance(exc, TranslatedError):
            return cls.failure(exc.key, **exc.values)
        if isinstance(exc, SimulatorError):
            return cls(level="error", key="error_invalid", detail=str(exc))
        return cls.failure("error_unexpected")

    def text(self, tr: Translator) -> str:
        """The message in ``tr``'s language."""
        text = tr(self.key, **self.values)
        if self.detail:
            text += "\n\n" + tr("technical_detail", detail=self.detail)
        return text
