"""What the results screen shows in tables: the per-agency overview that fits the screen, the
full per-agency details, and the waiting zones.

Tables keep numbers as numbers under stable column names (so the app's table sorts them);
:func:`overview_style` and :func:`details_style` write them in the screen's language
(``17,2`` in Bahasa Indonesia) and colour the p90 and within-target cells like the KPI strip.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from simulator.experiment import ExperimentResult
from simulator.metrics import OVERALL
from simulator.scenario import WEEKDAYS, Scenario
from simulator.ui.i18n import Translator
from simulator.ui.numbers import DASH, is_number, number

__all__ = [
    "OVERVIEW_COLUMNS",
    "agency_details",
    "agency_overview",
    "closed_agencies",
    "days_label",
    "details_columns",
    "details_style",
    "overview_columns",
    "overview_style",
    "zone_results",
]

#: (column, label key, help key, decimals) of the overview, in order; ``None`` decimals: text.
OVERVIEW_COLUMNS: tuple[tuple[str, str, str | None, int | None], ...] = (
    ("name", "col_name", None, None),
    ("days", "col_days", "col_days_help", None),
    ("counters", "col_counters", "col_counters_help", 0),
    ("arrivals", "col_arrivals", "col_arrivals_help", 0),
    ("lost", "col_lost", "col_lost_help", 1),
    ("wait_mean_min", "col_wait_mean", "col_wait_mean_help", 1),
    ("wait_before_opening_mean_min", "col_before", "col_before_help", 1),
    ("wait_p90_min", "col_wait_p90", "col_wait_p90_help", 1),
    ("within_target_pct", "col_within", "col_within_help", 0),
    ("utilisation_pct", "col_utilisation", "col_utilisation_help", 0),
)

#: (column, label key, decimals) of the details, in order; booking columns only with bookings.
_DETAIL_COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("agency", "col_agency", None),
    ("name", "col_name", None),
    ("arrivals", "col_arrivals", 1),
    ("served", "col_served", 1),
    ("turned_away", "col_turned_away", 1),
    ("abandoned", "col_abandoned", 1),
    ("wait_mean_min", "col_wait_mean", 1),
    ("wait_before_opening_mean_min", "col_before", 1),
    ("wait_after_opening_mean_min", "col_after", 1),
    ("share_arrived_before_opening_pct", "col_early", 0),
    ("wait_p90_min", "col_wait_p90", 1),
    ("wait_p90_min_ci", "col_ci", 1),
    ("within_target_pct", "col_within", 0),
    ("within_target_pct_ci", "col_ci_points", 1),
    ("utilisation_pct", "col_utilisation", 0),
    ("queue_max", "col_queue_max", 1),
    ("overtime_min", "col_overtime", 0),
    ("walk_mean_m", "col_walk", 0),
    ("wait_p90_booked_min", "col_p90_booked", 1),
    ("wait_p90_walk_in_min", "col_p90_walk_in", 1),
    ("within_target_booked_pct", "col_within_booked", 0),
    ("within_target_walk_in_pct", "col_within_walk_in", 0),
    ("slot_fill_pct", "col_slot_fill", 0),
    ("booking_no_show_share_pct", "col_no_show", 0),
)
_BOOKING_DETAILS = {
    "wait_p90_booked_min",
    "wait_p90_walk_in_min",
    "within_target_booked_pct",
    "within_target_walk_in_pct",
    "slot_fill_pct",
    "booking_no_show_share_pct",
}
_PERCENT_SOURCES = (
    "within_target",
    "utilisation",
    "share_arrived_before_opening",
    "within_target_booked",
    "within_target_walk_in",
    "slot_fill",
    "booking_no_show_share",
)
_GREEN, _AMBER, _RED = "#d5f5e3", "#fdebd0", "#fadbd8"


def days_label(days: Sequence[str], tr: Translator, *, long: bool = False) -> str:
    """Weekdays as a planner writes them: ``Sen–Jum``, ``Kam``, ``Sen, Rab`` (``long``: the
    days' full names, ``Kamis``)."""
    ordered = [d for d in WEEKDAYS if d in set(days)]
    if not ordered:
        return DASH
    positions = [WEEKDAYS.index(d) for d in ordered]
    short = [tr(f"{'weekday' if long else 'wd'}_{d}") for d in ordered]
    if len(ordered) >= 3 and positions == list(range(positions[0], positions[-1] + 1)):
        return f"{short[0]}–{short[-1]}"
    return ", ".join(short)


def closed_agencies(scenario: Scenario) -> list[str]:
    """Agencies that do not open on the simulated weekday (they get no visitors)."""
    return [a.id for a in scenario.agencies if scenario.day.weekday not in a.days_open]


def _with_percentages(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in _PERCENT_SOURCES:
        if column in frame:
            frame[f"{column}_pct"] = frame[column] * 100.0
    if "within_target_ci" in frame:
        frame["within_target_pct_ci"] = frame["within_target_ci"] * 100.0
    return frame


def agency_overview(
    result: ExperimentResult, scenario: Scenario, *, names: Mapping[str, str], tr: Translator
) -> pd.DataFrame:
    """One row per agency and a last row for all together: the columns of
    :data:`OVERVIEW_COLUMNS` (shares in percent), an agency closed today named as such."""
    frame = _with_percentages(result.summary)
    by_id = {a.id: a for a in scenario.agencies}
    closed = set(closed_agencies(scenario))
    weekday = tr(f"weekday_{scenario.day.weekday}")
    labels, days = [], []
    for agency in frame["agency"]:
        if agency == OVERALL:
            labels.append(tr("overall"))
            days.append("")
            continue
        name = names.get(str(agency), str(agency))
        labels.append(
            tr("closed_today_name", name=name, weekday=weekday) if agency in closed else name
        )
        known = by_id.get(str(agency))
        days.append(days_label(known.days_open, tr) if known is not None else DASH)
    frame["name"] = labels
    frame["days"] = days
    frame["lost"] = frame["abandoned"] + frame["turned_away"]
    frame.loc[frame["agency"] == OVERALL, "counters"] = scenario.total_counters
    return frame[[c for c, *_ in OVERVIEW_COLUMNS]].reset_index(drop=True)


def overview_columns(tr: Translator) -> dict[str, tuple[str, str | None]]:
    """Column -> (translated label, translated help) of :func:`agency_overview`."""
    return {
        c: (tr(label), tr(help_key) if help_key else None)
        for c, label, help_key, _ in OVERVIEW_COLUMNS
    }


def _light_p90(value: Any, target: float) -> str:
    if not is_number(value):
        return f"background-color:{_RED}" if _is_inf(value) else ""
    if value <= target:
        return f"background-color:{_GREEN}"
    return f"background-color:{_AMBER if value <= target + 5 else _RED}"


def _light_share(value: Any, goal_pct: float) -> str:
    if not is_number(value):
        return ""
    if value >= goal_pct:
        return f"background-color:{_GREEN}"
    return f"background-color:{_AMBER if goal_pct - value <= 5 else _RED}"


def _is_inf(value: Any) -> bool:
    try:
        return math.isinf(float(value))
    except (TypeError, ValueError):
        return False


def _formatter(tr: Translator, digits: int, *, suffix: str = "") -> Any:
    def fmt(value: Any) -> str:
        if _is_inf(value):
            return tr("p90_not_reached_short")
        if not is_number(value):
            return DASH
        return f"{number(value, tr.lang, digits=digits)}{suffix}"

    return fmt


def overview_style(frame: pd.DataFrame, tr: Translator, *, target_min: float, goal: float) -> Any:
    """The overview written in the screen's language, p90 and within-target cells coloured
    green, amber or red against the target (a ``pandas`` Styler)."""
    formats = {
        c: _formatter(tr, d, suffix="%" if c.endswith("_pct") else "")
        for c, _, _, d in OVERVIEW_COLUMNS
        if d is not None
    }
    styler = frame.style.format(formats)
    styler = styler.map(lambda v: _light_p90(v, target_min), subset=["wait_p90_min"])
    styler = styler.map(lambda v: _light_share(v, goal * 100), subset=["within_target_pct"])
    last = len(frame) - 1
    return styler.apply(
        lambda row: ["font-weight:bold" if row.name == last else "" for _ in row], axis=1
    )


def _has_bookings(result: ExperimentResult) -> bool:
    overall = result.overall
    return "bookings" in overall and is_number(overall["bookings"]) and overall["bookings"] > 0


def agency_details(
    result: ExperimentResult, *, names: Mapping[str, str], tr: Translator
) -> pd.DataFrame:
    """Every agency's full figures with 95% half-widths (shares in percent); the booking
    channel's figures only when the run has bookings."""
    frame = _with_percentages(result.summary)
    frame["name"] = [
        tr("overall") if a == OVERALL else names.get(str(a), str(a)) for a in frame["agency"]
    ]
    frame["agency"] = [tr("overall_id") if a == OVERALL else a for a in frame["agency"]]
    return frame[list(details_columns(tr, bookings=_has_bookings(result)))].reset_index(drop=True)


def details_columns(tr: Translator, *, bookings: bool) -> dict[str, str]:
    """Column -> translated label of :func:`agency_details`."""
    columns = [(c, label) for c, label, _ in _DETAIL_COLUMNS if c not in _BOOKING_DETAILS]
    if bookings:  # right after the names: what a planner trying bookings looks at first
        booking = [(c, label) for c, label, _ in _DETAIL_COLUMNS if c in _BOOKING_DETAILS]
        columns = columns[:2] + booking + columns[2:]
    return {c: tr(label) for c, label in columns}


def details_style(frame: pd.DataFrame, tr: Translator) -> Any:
    """The details written in the screen's language (a ``pandas`` Styler)."""
    digits = {c: d for c, _, d in _DETAIL_COLUMNS if d is not None and c in frame.columns}
    formats = {
        c: _formatter(tr, d, suffix="%" if c.endswith("_pct") else "") for c, d in digits.items()
    }
    for column in ("wait_p90_min_ci", "within_target_pct_ci"):
        if column in frame:
            formats[column] = lambda v, d=digits[column]: (
                f"± {number(v, tr.lang, digits=d)}" if is_number(v) else DASH
            )
    return frame.style.format(formats)


def zone_results(result: ExperimentResult, *, tr: Translator) -> pd.DataFrame:
    """Waiting zones: whom each serves (priority, agencies), seats and standing room, peak,
    share who stood and share who found it full (overflow), translated headers."""
    zones = result.zones_summary
    if not len(zones):
        return pd.DataFrame()
    lang = tr.lang

    def agencies(value: Any) -> str:
        if isinstance(value, str):
            return value.replace(",", ", ")
        if isinstance(value, list | tuple):
            return ", ".join(map(str, value))
        return DASH

    return pd.DataFrame(
        {
            tr("col_zone"): zones["zone"],
            tr("col_zone_kind"): [
                tr("zone_priority") if bool(p) else tr("zone_regular") for p in zones["priority"]
            ],
            tr("col_zone_agencies"): [agencies(a) for a in zones["agencies"]],
            tr("col_seats"): zones["seats"].astype(int),
            tr("col_standing"): [number(v, lang, digits=0) for v in zones["standing_capacity"]],
            tr("col_peak"): [number(v, lang, digits=1) for v in zones["waiting_peak"]],
            tr("col_stood"): [f"{number(v * 100, lang, digits=0)}%" for v in zones["stood_share"]],
            tr("col_overflow"): [
                f"{number(v * 100, lang, digits=0)}%" for v in zones["overflow_share"]
            ],
        }
    )
