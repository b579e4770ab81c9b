"""Turn what the planner set in the editor into a validated scenario.

The base scenario (a shipped file or an upload) lists the candidate agencies. The editor shows
them in one table (joins?, days open, counters, share of visitors, service-time median) next to
the day, volume, opening hours, online booking, counter groups, the placement of counters on the
plan's slots, the layout, replications and seed. :func:`build_scenario` applies the edits to
the base scenario's file data (:func:`~simulator.scenario.scenario_to_data`) and validates the
result with :func:`simulator.scenario.parse_scenario`, so an edit is checked by exactly the
rules that check a scenario file. Mistakes a planner makes often (shares not adding up, hours
out of order, no agency left) are caught first and raised as
:class:`~simulator.ui.messages.TranslatedError`, whose ``key`` the app translates.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import time
from typing import Any

import numpy as np
import pandas as pd

from simulator.distributions import (
    Distribution,
    Exponential,
    Fixed,
    LogNormal,
    Triangular,
    Uniform,
)
from simulator.scenario import (
    WEEKDAYS,
    Hours,
    Scenario,
    format_clock,
    parse_scenario,
    scenario_to_data,
)
from simulator.ui.messages import TranslatedError

__all__ = [
    "AGENCY_COLUMNS",
    "BOOKING_COLUMNS",
    "GROUP_COLUMNS",
    "HOUR_FIELDS",
    "KEEP_LAYOUT",
    "Edits",
    "agency_table",
    "booking_table",
    "build_scenario",
    "clock_time",
    "expected_visitors",
    "group_table",
    "scale_distribution",
    "service_median",
]

#: Columns of the agency table, in order. ``name`` is read-only and shown in the UI language.
AGENCY_COLUMNS = (
    "join",
    "agency",
    "name",
    "days_open",
    "counters",
    "share_pct",
    "service_median_min",
)
#: Columns of the online-booking table: the levers a planner moves (share of visitors who
#: book, slot length, bookings per slot, counters that call booked tickets only).
BOOKING_COLUMNS = ("agency", "name", "share_pct", "slot_min", "per_slot", "reserved_counters")
#: Columns of the counter-group table (shared counters serving several agencies, one queue).
GROUP_COLUMNS = ("group", "name", "agencies", "counters")
#: The opening-hour fields the editor changes, in their required order.
HOUR_FIELDS = ("tickets_open", "service_start", "last_ticket", "closing")

_SHARE_TOLERANCE_PCT = 0.1
_MEDIAN_SAMPLES = 20_001


#: ``Edits.layout`` value that keeps the base scenario's floor plan (``None`` removes it).
KEEP_LAYOUT = ""


@dataclass(frozen=True, kw_only=True)
class Edits:
    """Everything the editor sets; ``None`` keeps the base scenario's value, except for
    ``layout``: a file path, a building (level -> file path), ``None`` for no floor plan, or
    :data:`KEEP_LAYOUT`. ``bookings`` lists the agencies that take online bookings (others
    take none); ``placement`` (slot -> agency or group) replaces the scenario's."""

    weekday: str | None = None
    day_type: str | None = None
    visitors_per_day: float | None = None
    hours: Mapping[str, time] = field(default_factory=dict)
    agencies: pd.DataFrame | None = None
    bookings: pd.DataFrame | None = None
    groups: pd.DataFrame | None = None
    placement: Mapping[str, str] | None = None
    layout: str | Mapping[int, str] | None = KEEP_LAYOUT
    replications: int | None = None
    seed: int | None = None
    wait_from_opening: bool | None = None


def service_median(dist: Distribution) -> float:
    """Median service time in minutes: exact where a formula exists, else from a fixed-seed
    sample (mixtures, gamma, empirical), so the same scenario always shows the same value."""
    if isinstance(dist, LogNormal):
        return math.exp(dist.mu)
    if isinstance(dist, Exponential):
        return dist.mean * math.log(2.0)
    if isinstance(dist, Fixed):
        return dist.value_min
    if isinstance(dist, Uniform):
        return (dist.low_min + dist.high_min) / 2.0
    if isinstance(dist, Triangular):
        a, c, b = dist.low_min, dist.mode_min, dist.high_min
        if (c - a) / (b - a) >= 0.5:
            return a + math.sqrt((b - a) * (c - a) / 2.0)
        return b - math.sqrt((b - a) * (b - c) / 2.0)
    sample = dist.sample(np.random.default_rng(0), _MEDIAN_SAMPLES)
    return float(np.median(sample))


def scale_distribution(spec: Any, factor: float) -> Any:
    """A dumped distribution (or mixture) with every duration multiplied by ``factor``.

    Scaling all durations scales the median by exactly ``factor`` and keeps the shape (cv).
    """
    if isinstance(spec, dict):
        out: dict[str, Any] = {}
        for key, value in spec.items():
            if key == "rate_per_min":
                out[key] = value / factor
            elif key.endswith("_min") and isinstance(value, int | float):
                out[key] = value * factor
            elif key.endswith("_min") and isinstance(value, list):
                out[key] = [v * factor for v in value]
            else:
                out[key] = scale_distribution(value, factor)
        return out
    if isinstance(spec, list):
        return [scale_distribution(v, factor) for v in spec]
    return spec


def agency_table(scenario: Scenario, *, names: Mapping[str, str]) -> pd.DataFrame:
    """One row per candidate agency: all join; ``names`` maps agency id -> label to show. An
    agency served by a counter group has 0 counters of its own (the group's are edited apart)."""
    rows = []
    for agency in scenario.agencies:
        rows.append(
            {
                "join": True,
                "agency": agency.id,
                "name": names.get(agency.id, agency.id),
                "days_open": list(agency.days_open),
                "counters": agency.counters,
                "share_pct": None if agency.share is None else round(agency.share * 100, 2),
                "service_median_min": round(service_median(agency.service_time), 2),
            }
        )
    return pd.DataFrame(rows, columns=list(AGENCY_COLUMNS))


def booking_table(
    scenario: Scenario, agencies: Sequence[str], *, names: Mapping[str, str]
) -> pd.DataFrame:
    """One row per agency in ``agencies``: its booking levers, or a first proposal for an
    agency that takes no bookings yet (half its visitors in 15-minute slots of one)."""
    rows = []
    for agency_id in agencies:
        agency = scenario.agency(agency_id)
        booking = agency.booking
        rows.append(
            {
                "agency": agency.id,
                "name": names.get(agency.id, agency.id),
                "share_pct": 50.0 if booking is None else round(booking.share * 100, 2),
                "slot_min": 15 if booking is None else booking.slot_min,
                "per_slot": 1 if booking is None else booking.per_slot,
                "reserved_counters": 0 if booking is None else booking.reserved_counters,
            }
        )
    return pd.DataFrame(rows, columns=list(BOOKING_COLUMNS))


def group_table(scenario: Scenario, *, names: Mapping[str, str]) -> pd.DataFrame:
    """One row per counter group: its id, name, the agencies it serves and its counters."""
    rows = [
        {
            "group": group.id,
            "name": names.get(group.id) or group.name_id or group.name_en or group.id,
            "agencies": ", ".join(names.get(a, a) for a in group.agencies),
            "counters": group.counters,
        }
        for group in scenario.counter_groups
    ]
    return pd.DataFrame(rows, columns=list(GROUP_COLUMNS))


def clock_time(minutes: float) -> time:
    """Minutes since midnight as a ``datetime.time`` (for time inputs)."""
    whole = math.floor(minutes)
    return time(whole // 60, whole % 60)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _apply_agency_rows(base: Scenario, data: dict[str, Any], table: pd.DataFrame) -> list[str]:
    """Write counters, shares and service medians into ``data``; return the joining ids."""
    rows = {str(r["agency"]): r for r in table.to_dict("records")}
    joined: list[str] = []
    total_pct = 0.0
    any_share = False
    for agency, dumped in zip(base.agencies, data["agencies"], strict=True):
        row = rows.get(agency.id)
        if row is None:
            joined.append(agency.id)
            continue
        if bool(row.get("join")):
            joined.append(agency.id)
        _apply_days(agency.id, dumped, row.get("days_open"))
        dumped["counters"] = _counters(base, agency.id, row.get("counters"))
        if agency.share is not None:
            any_share = True
            shown = round(agency.share * 100, 2)
            pct = _number(row.get("share_pct"))
            if pct is None or pct <= 0:
                raise TranslatedError(
                    "error_share_value", agency=agency.id, value=row.get("share_pct")
                )
            if abs(pct - shown) > 1e-9:
                dumped["share"] = pct / 100.0
            total_pct += pct if abs(pct - shown) > 1e-9 else agency.share * 100
        median = _number(row.get("service_median_min"))
        if median is None or median <= 0:
            raise TranslatedError(
                "error_service_value", agency=agency.id, value=row.get("service_median_min")
            )
        old = service_median(agency.service_time)
        if abs(median - round(old, 2)) > 1e-9:
            key = "service" if agency.service is not None else "services"
            dumped[key] = scale_distribution(dumped[key], median / old)
    if any_share and abs(total_pct - 100.0) > _SHARE_TOLERANCE_PCT:
        raise TranslatedError("error_share_sum", total=round(total_pct, 2))
    if not joined:
        raise TranslatedError("error_no_agency")
    return joined


def _counters(base: Scenario, agency: str, value: Any) -> int:
    """An agency's counters from the table: at least 1, or 0 for one served by a group."""
    counters = _number(value)
    group = base.group_of(agency)
    if group is not None:
        if counters not in (None, 0):
            raise TranslatedError("error_group_counters", agency=agency, group=group.id)
        return 0
    if counters is None or counters != int(counters) or counters < 1:
        raise TranslatedError("error_counters", agency=agency, value=value)
    return int(counters)


def _apply_days(agency: str, dumped: dict[str, Any], days: Any) -> None:
    """Write the weekdays the agency opens (a list from the table) into its data."""
    if days is None:
        return
    if isinstance(days, str):
        days = [d.strip() for d in days.split(",") if d.strip()]
    chosen = [d for d in WEEKDAYS if d in {str(x) for x in days}]
    if not chosen:
        raise TranslatedError("error_days_open", agency=agency)
    dumped["days_open"] = chosen


def _whole(value: Any, low: int, high: int) -> int | None:
    number = _number(value)
    if number is None or number != int(number) or not low <= number <= high:
        return None
    return int(number)


def _apply_booking_rows(base: Scenario, data: dict[str, Any], table: pd.DataFrame) -> None:
    """Give the agencies in ``table`` their booking levers; the others take no bookings."""
    rows = {str(r["agency"]): r for r in table.to_dict("records")}
    hours = base.day.hours
    for agency, dumped in zip(base.agencies, data["agencies"], strict=True):
        row = rows.get(agency.id)
        if row is None:
            dumped.pop("booking", None)
            continue
        share = _number(row.get("share_pct"))
        if share is None or not 0 <= share <= 100:
            raise TranslatedError(
                "error_booking_share", agency=agency.id, value=row.get("share_pct")
            )
        slot = _number(row.get("slot_min"))
        if slot is None or not 0 < slot <= 240:
            raise TranslatedError("error_booking_slot", agency=agency.id, value=row.get("slot_min"))
        per_slot = _whole(row.get("per_slot"), 1, 100)
        if per_slot is None:
            raise TranslatedError(
                "error_booking_per_slot", agency=agency.id, value=row.get("per_slot")
            )
        reserved = _whole(row.get("reserved_counters"), 0, max(agency.counters, 0))
        if reserved is None:
            raise TranslatedError(
                "error_booking_reserved",
                agency=agency.id,
                value=row.get("reserved_counters"),
                counters=agency.counters,
            )
        booking = dict(dumped.get("booking") or {})
        booking.setdefault("from", format_clock(hours.service_start))
        booking.setdefault("to", format_clock(hours.last_ticket))
        booking |= {
            "share": share / 100.0,
            "slot_min": slot,
            "per_slot": per_slot,
            "reserved_counters": reserved,
        }
        dumped["booking"] = booking


def _apply_group_rows(data: dict[str, Any], table: pd.DataFrame) -> None:
    """Write each counter group's counters from the table."""
    rows = {str(r["group"]): r for r in table.to_dict("records")}
    for dumped in data.get("counter_groups", []):
        row = rows.get(dumped["id"])
        if row is None:
            continue
        counters = _whole(row.get("counters"), 1, 50)
        if counters is None:
            raise TranslatedError("error_counters", agency=dumped["id"], value=row.get("counters"))
        dumped["counters"] = counters


def _edited_hours(hours: Hours, edited: Mapping[str, time]) -> dict[str, str]:
    """The opening hours with the editor's times, as ``HH:MM``, checked to be in order."""
    minutes = {name: float(getattr(hours, name)) for name in HOUR_FIELDS}
    for name in HOUR_FIELDS:
        value = edited.get(name)
        if value is not None:
            minutes[name] = value.hour * 60.0 + value.minute
    order = [minutes[name] for name in HOUR_FIELDS]
    clock = {name: format_clock(minutes[name]) for name in HOUR_FIELDS}
    if any(b < a for a, b in itertools.pairwise(order)) or order[-1] <= order[1]:
        raise TranslatedError("error_hours_order", **clock)
    return clock


def _apply_layout(data: dict[str, Any], layout: str | Mapping[int, str] | None) -> None:
    """Write the chosen floor plan or building (or none) into ``data``."""
    if layout is None:
        data.pop("layout", None)
    elif isinstance(layout, Mapping):
        data["layout"] = {
            "floors": [{"level": int(lv), "file": f} for lv, f in sorted(layout.items())]
        }
    elif layout != KEEP_LAYOUT:
        data["layout"] = layout


def build_scenario(base: Scenario, edits: Edits) -> Scenario:
    """The base scenario with the planner's edits, validated like a scenario file.

    Raises :class:`~simulator.ui.messages.TranslatedError` for the common mistakes and
    :class:`~simulator.errors.ScenarioError` (English detail) for anything else invalid.
    """
    data = scenario_to_data(base)
    day = data["day"]
    if edits.weekday is not None:
        day["weekday"] = edits.weekday
    if edits.day_type is not None:
        day["type"] = edits.day_type
    if edits.visitors_per_day is not None:
        data["demand"]["visitors_per_day"] = float(edits.visitors_per_day)
    day["hours"] |= _edited_hours(base.day.hours, edits.hours)
    joined: Sequence[str] = [a.id for a in base.agencies]
    if edits.agencies is not None:
        joined = _apply_agency_rows(base, data, edits.agencies)
    if edits.bookings is not None:
        _apply_booking_rows(base, data, edits.bookings)
    if edits.groups is not None:
        _apply_group_rows(data, edits.groups)
    if edits.placement is not None:
        data["placement"] = dict(edits.placement)
    _apply_layout(data, edits.layout)
    if edits.wait_from_opening is not None:
        data.setdefault("target", {})["counted_from"] = (
            "service_start" if edits.wait_from_opening else "ticket"
        )
    run = data.setdefault("run", {})
    if edits.replications is not None:
        run["replications"] = int(edits.replications)
    if edits.seed is not None:
        run["seed"] = int(edits.seed)
    scenario = parse_scenario(data, source="editor")
    if len(joined) < len(scenario.agencies):
        scenario = scenario.with_agencies(joined)
    return scenario


def expected_visitors(scenario: Scenario) -> float:
    """Visitors expected on the simulated day (volume x day-type multiplier, open agencies)."""
    volume = scenario.demand.visitors_per_day * scenario.day_multiplier
    total = 0.0
    for agency in scenario.agencies:
        if scenario.day.weekday not in agency.days_open:
            continue
        if agency.share is not None:
            total += volume * agency.share
        else:
            total += (agency.visitors_per_day or 0.0) * scenario.day_multiplier
    return total
