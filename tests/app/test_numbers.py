"""Numbers as each language writes them (simulator/ui/numbers.py)."""

from __future__ import annotations

import math

import pytest

from simulator.ui.numbers import d3_number_locale, format_number


@pytest.mark.parametrize(
    ("value", "lang", "digits", "expected"),
    [
        (17.2, "id", 1, "17,2"),
        (17.2, "en", 1, "17.2"),
        (1250.55, "id", 2, "1.250,55"),
        (1250.55, "en", 2, "1,250.55"),
        (12345678, "id", 0, "12.345.678"),
        (-3.25, "id", 1, "-3,2"),
        (-0.01, "id", 1, "0,0"),
        (math.nan, "id", 1, "–"),
        (math.inf, "en", 1, "∞"),
    ],
)
def test_format_number(value: float, lang: str, digits: int, expected: str) -> None:
    assert format_number(value, lang, digits) == expected


def test_format_number_without_grouping_and_bad_input() -> None:
    assert format_number(1250.5, "id", 1, grouping=False) == "1250,5"
    with pytest.raises(ValueError, match="'fr'"):
        format_number(1.0, "fr")
    with pytest.raises(ValueError, match="-1"):
        format_number(1.0, "id", -1)


def test_d3_locale_matches_format_number() -> None:
    for lang in ("id", "en"):
        locale = d3_number_locale(lang)
        text = format_number(1234.5, lang, 1)
        assert text == f"1{locale['thousands']}234{locale['decimal']}5"
