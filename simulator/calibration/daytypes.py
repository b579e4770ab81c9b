"""Day types of a ticket log's dates: the weekday, or ``post-holiday``.

The first working day after one or more public holidays brings the visitors the holidays held
back, so it is its own day type whatever its weekday. Weekends and holidays in between count as
days off: a holiday on Friday makes the next Monday a post-holiday day.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from simulator.scenario import WEEKDAYS

__all__ = ["DAY_TYPE_ORDER", "POST_HOLIDAY", "day_type_of", "day_types", "weekday_of"]

POST_HOLIDAY = "post-holiday"
DAY_TYPE_ORDER = (*WEEKDAYS, POST_HOLIDAY)
"""The order day types are listed in (tables, the scenario's ``day_types``)."""


def weekday_of(date: pd.Timestamp) -> str:
    """``mon`` ... ``sun``."""
    return WEEKDAYS[date.weekday()]


def day_type_of(date: pd.Timestamp, holidays: frozenset[pd.Timestamp]) -> str:
    """The day type of ``date``: ``post-holiday`` if days off back to a holiday precede it."""
    if date in holidays:
        return weekday_of(date)
    day = date - pd.Timedelta(days=1)
    for _ in range(14):
        if day in holidays:
            return POST_HOLIDAY
        if day.weekday() < 5:
            break
        day -= pd.Timedelta(days=1)
    return weekday_of(date)


def day_types(
    dates: Iterable[pd.Timestamp], holidays: frozenset[pd.Timestamp] = frozenset()
) -> dict[pd.Timestamp, str]:
    """Each date's day type."""
    return {d: day_type_of(d, holidays) for d in dates}
