"""Numbers as the planner's language writes them: ``17,2`` and ``1.234`` in Bahasa Indonesia,
``17.2`` and ``1,234`` in English.

Every number the app writes into a sentence, a table cell or a download goes through
:func:`number` (or :func:`percent`, :func:`minutes`), so a screen never mixes the two styles.
A value that is not a number (``NaN``, ``None``) is written as a dash; an infinite one (a p90
that is not reached) as the caller decides, usually in words.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "DASH",
    "DECIMAL_MARK",
    "THOUSANDS_MARK",
    "csv_options",
    "is_number",
    "minutes",
    "number",
    "percent",
]

#: The decimal mark of each language.
DECIMAL_MARK = {"id": ",", "en": "."}
#: The thousands separator of each language.
THOUSANDS_MARK = {"id": ".", "en": ","}
#: What a missing value looks like.
DASH = "–"


def is_number(value: Any) -> bool:
    """Whether ``value`` is a finite number (not ``None``, ``NaN`` or infinite)."""
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def number(value: Any, lang: str, *, digits: int = 1, sign: bool = False) -> str:
    """``value`` with ``digits`` decimals in ``lang``'s style (``1.234,5`` / ``1,234.5``);
    ``sign`` writes ``+`` before a positive value; a dash for a missing one."""
    if not is_number(value):
        return DASH if value is None or not math.isinf(float(value)) else "∞"
    text = f"{float(value):{'+' if sign else ''},.{digits}f}"
    if text.lstrip("+-").replace(",", "").replace(".", "").strip("0") == "":
        text = text.lstrip("+-")  # no "-0,0"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text.replace("-", "−")


def percent(share: Any, lang: str, *, digits: int = 0, sign: bool = False) -> str:
    """A share (0-1) as a percentage: ``0.834`` -> ``83%``."""
    if not is_number(share):
        return DASH
    return f"{number(float(share) * 100, lang, digits=digits, sign=sign)}%"


def minutes(value: Any, lang: str, *, digits: int = 1) -> str:
    """A duration in minutes as a bare number (the unit is the caller's words)."""
    return number(value, lang, digits=digits)


def csv_options(lang: str) -> dict[str, str]:
    """``DataFrame.to_csv`` options for a download in ``lang``: Indonesian spreadsheets read a
    decimal comma with semicolon-separated columns."""
    if lang == "id":
        return {"sep": ";", "decimal": ","}
    return {"sep": ",", "decimal": "."}
