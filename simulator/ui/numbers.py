"""Numbers as each language writes them: ``17,2`` and ``1.250`` in Bahasa Indonesia, ``17.2``
and ``1,250`` in English.

One home for the decimal mark and the thousands separator of the app's languages: texts on
screen format with :func:`format_number`, and interactive charts (Vega-Lite, whose number
formats are d3's) take :func:`d3_number_locale` so their axes and hover texts agree.
"""

from __future__ import annotations

import math

__all__ = ["MARKS", "d3_number_locale", "format_number"]

#: Language -> (decimal mark, thousands separator).
MARKS: dict[str, tuple[str, str]] = {"id": (",", "."), "en": (".", ",")}


def _marks(lang: str) -> tuple[str, str]:
    try:
        return MARKS[lang]
    except KeyError:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(MARKS)}") from None


def format_number(value: float, lang: str, digits: int = 1, *, grouping: bool = True) -> str:
    """``value`` rounded to ``digits`` decimals in ``lang``'s marks (``–`` when not a number,
    ``∞`` when infinite)."""
    decimal, thousands = _marks(lang)
    if digits < 0:
        raise ValueError(f"digits must be >= 0, got {digits}")
    number = float(value)
    if math.isnan(number):
        return "–"
    if math.isinf(number):
        return "∞" if number > 0 else "-∞"
    text = f"{number:,.{digits}f}" if grouping else f"{number:.{digits}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0,0"
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def d3_number_locale(lang: str) -> dict[str, object]:
    """The d3-format locale of ``lang`` (Vega-Lite's ``config.locale.number``)."""
    decimal, thousands = _marks(lang)
    currency = ["Rp", ""] if lang == "id" else ["$", ""]
    return {"decimal": decimal, "thousands": thousands, "grouping": [3], "currency": currency}
