"""The hall's opening hours as the log shows them: first ticket, first call, last ticket.

Over the log's dates: the first ticket of the earliest tenth of days, the median first call,
the last ticket of the latest tenth of days (a quiet day's last visitor comes before the
last-ticket time), the median last call; each rounded outwards to a round time, so one odd
day (a kiosk started early, a ticket printed late) moves nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

__all__ = ["HallHours", "hall_hours"]


@dataclass(frozen=True, kw_only=True)
class HallHours:
    """Opening hours in minutes since midnight (as the scenario's ``day.hours``)."""

    tickets_open: float
    service_start: float
    last_ticket: float
    closing: float


def _floor(minutes: float, step: int) -> float:
    return float(math.floor(minutes / step + 1e-9) * step)


def _ceil(minutes: float, step: int) -> float:
    return float(math.ceil(minutes / step - 1e-9) * step)


def hall_hours(tickets: pd.DataFrame) -> HallHours:
    """Opening hours seen in ``tickets`` (the valid tickets of a log; with a ``first`` column,
    ticket times are those of first visits: a transfer's ticket may come after the last)."""
    first = tickets[tickets["first"]] if "first" in tickets.columns else tickets
    by_day = first.groupby("date")
    first_issue = float(by_day["issued"].min().quantile(0.1))
    last_issue = float(by_day["issued"].max().quantile(0.9))
    calls = tickets.dropna(subset=["called"]).groupby("date")["called"]
    first_call = float(calls.min().median()) if len(calls) else first_issue
    last_call = float(calls.max().median()) if len(calls) else last_issue
    tickets_open = _floor(first_issue, 30)
    service_start = max(tickets_open, _floor(first_call, 5))
    last_ticket = max(service_start, _ceil(last_issue, 5))
    closing = max(last_ticket, _floor(last_call, 30), service_start + 5)
    return HallHours(
        tickets_open=tickets_open,
        service_start=service_start,
        last_ticket=min(last_ticket, 23 * 60 + 55),
        closing=min(closing, 23 * 60 + 59),
    )
