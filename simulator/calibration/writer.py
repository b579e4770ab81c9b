"""The calibrated scenario: a YAML file that loads and runs as it is, saying where each value
came from.

The text is written line by line (each value dumped by PyYAML, so it is valid YAML) with a
comment naming its source: which tickets, how many days, which estimator. Before anything is
written the same data is validated as a scenario, so a file is never written that
``mpp-sim run`` would refuse.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from simulator.calibration.daytypes import DAY_TYPE_ORDER, POST_HOLIDAY
from simulator.calibration.estimate import AgencyEstimate, Calibration, ServiceEstimate
from simulator.calibration.service_times import ServiceFit
from simulator.calibration.shares import BOOKED_FIRST_SHARE, MIN_RESERVED_CALLS
from simulator.distributions import Distribution
from simulator.scenario import (
    MAX_VISITORS_PER_DAY,
    Scenario,
    format_clock,
    parse_scenario,
)

__all__ = ["booking_lines", "booking_notes", "scenario_data", "scenario_text", "writes_booking"]

_MULTIPLIER_RANGE = (0.01, 10.0)


def _dump(value: Any) -> str:
    return (
        yaml.safe_dump(
            value, default_flow_style=True, sort_keys=False, width=10**9, allow_unicode=True
        )
        .strip()
        .removesuffix("...")
        .strip()
    )


def _distribution(dist: Distribution) -> dict[str, Any]:
    data = dist.model_dump(mode="json", exclude_none=True)
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in data.items()}


def _bins(edges: np.ndarray, shares: np.ndarray) -> list[dict[str, Any]]:
    """Profile bins with shares rounded to 4 decimals, still summing to one."""
    rounded = np.round(shares, 4)
    if rounded.sum() > 0:
        rounded[int(np.argmax(rounded))] += round(1.0 - float(rounded.sum()), 4)
    return [
        {"start": format_clock(a), "end": format_clock(b), "share": round(float(s), 4)}
        for a, b, s in zip(edges[:-1], edges[1:], rounded, strict=True)
    ]


def _service_field(service: ServiceEstimate) -> tuple[str, Any]:
    if not service.components:
        return "service", _distribution(service.fit.distribution)
    return "services", [
        {"name": name, "share": round(share, 4), "time": _distribution(fit.distribution)}
        for name, share, fit in _normalised(service.components)
    ]


def _normalised(
    components: tuple[tuple[str, float, ServiceFit], ...],
) -> list[tuple[str, float, ServiceFit]]:
    rounded = [round(s, 4) for _, s, _ in components]
    rounded[int(np.argmax(rounded))] += 1.0 - sum(rounded)
    return [(n, r, f) for (n, _, f), r in zip(components, rounded, strict=True)]


def _base_volume(agency: AgencyEstimate, reference: str) -> tuple[float, str]:
    """The agency's volume on a day of multiplier 1, and the day type that is."""
    by_type = agency.volumes.by_type
    if reference in by_type and by_type[reference] > 0:
        return by_type[reference], reference
    weekday_types = [t for t in DAY_TYPE_ORDER if t != POST_HOLIDAY and by_type.get(t, 0) > 0]
    if weekday_types:
        mean = float(np.mean([by_type[t] for t in weekday_types]))
        return mean, "its open weekdays on average"
    return 0.0, "no day (it has no first visits)"


def _multipliers(agency: AgencyEstimate, base: float) -> dict[str, float]:
    if base <= 0:
        return {}
    low, high = _MULTIPLIER_RANGE
    return {
        t: round(min(max(v / base, low), high), 4)
        for t, v in agency.volumes.by_type.items()
        if v > 0
    }


def _staffing(agency: AgencyEstimate) -> list[dict[str, Any]]:
    """Runs of half hours with fewer counters than the most seen, merged."""
    top = agency.counters
    periods: list[dict[str, Any]] = []
    for p in agency.staffing:
        if p.counters >= top:
            continue
        if periods and periods[-1]["_end"] == p.start and periods[-1]["counters"] == p.counters:
            periods[-1]["_end"] = p.end
        else:
            periods.append({"_start": p.start, "_end": p.end, "counters": p.counters})
    return [
        {
            "start": format_clock(q["_start"]),
            "end": format_clock(q["_end"]),
            "counters": q["counters"],
        }
        for q in periods
    ]


def booking_notes(agency: AgencyEstimate) -> list[str]:
    """What the log (and ``--bookings``) says about the agency's online bookings, in words."""
    b = agency.booking
    if b.online_tickets == 0 and b.bookings is None:
        return []
    lines = [f"online bookings: {b.online_share:.1%} of first visits ({b.online_tickets} tickets)"]
    if b.punctuality_mean_min is not None:
        lines.append(
            f"  check-in minus booked slot: mean {b.punctuality_mean_min:+.1f} min, "
            f"sd {b.punctuality_sd_min or 0:.1f} min; late {b.late_share:.0%}, "
            f"within 15 min {b.within_grace_share:.0%}"
        )
    if b.no_show_share is not None:
        lines.append(
            f"  booking no-shows (--bookings): {b.no_show_share:.1%} of {b.bookings} bookings; "
            f"{b.came_without_ticket} came without an online ticket"
        )
    if b.slots is not None:
        lines.append(
            f"  slots: {b.slots.starts_seen} slot starts booked, one every "
            f"{b.slots.slot_min:g} min from {format_clock(b.slots.start)} to "
            f"{format_clock(b.slots.end)}, at most {b.slots.per_slot} bookings in one"
        )
    return lines


def writes_booking(agency: AgencyEstimate) -> bool:
    """Whether the scenario gets a ``booking:`` block for ``agency`` (it had online tickets,
    so the log shows their slots and punctuality)."""
    return agency.booking.online_tickets > 0 and agency.booking.slots is not None


def booking_lines(agency: AgencyEstimate) -> list[str]:
    """The agency's ``booking:`` block as scenario lines with their sources in comments, or
    comments alone when the log has no online tickets but the booking export has bookings."""
    b = agency.booking
    if not writes_booking(agency) or b.slots is None:
        return [f"  # {line}" for line in booking_notes(agency)]
    slots = b.slots
    no_show = b.no_show_share
    per_slot_from = "the booking export" if slots.from_export else "the online tickets"
    grid_note = (
        f"; {slots.off_grid} booked starts fall between these slots" if slots.off_grid else ""
    )
    mean = min(max(b.punctuality_mean_min or 0.0, -120.0), 120.0)
    sd = min(max(b.punctuality_sd_min or 0.0, 0.0), 120.0)
    lines = [
        "  booking:",
        f"    share: {round(b.requested_share, 4)}  # booking requests among its visitors: "
        f"{b.online_share:.1%} of first visits were online tickets"
        + (
            f", plus the {no_show:.1%} of bookings that never came"
            if no_show
            else " (no-shows unknown without --bookings)"
        ),
        f"    slot_min: {slots.slot_min:g}  # most common step between the "
        f"{slots.starts_seen} booked slot starts{grid_note}",
        f"    per_slot: {slots.per_slot}  # most bookings seen in one slot on one day "
        f"(in {per_slot_from}); a slot never full does not show its size",
        f"    from: {_dump(format_clock(slots.start))}  # first booked slot",
        f"    to: {_dump(format_clock(slots.end))}  # end of the last booked slot",
    ]
    if no_show is not None:
        lines.append(
            f"    no_show: {round(min(no_show, 1.0), 4)}  # of {b.bookings} bookings in "
            "--bookings, came = 0"
        )
    else:
        lines.append("    no_show: 0  # not estimated: no --bookings (a no-show leaves no ticket)")
    lines += [
        f"    punctuality: {_dump({'mean_min': round(mean, 2), 'sd_min': round(sd, 2)})}  "
        f"# check-in minus booked slot of {b.online_tickets} online tickets",
        "    # grace_min, late_policy: not in a ticket log; defaults kept",
        f"    priority_over_walk_in: {'true' if b.booked_first else 'false'}  # "
        + (
            "no regular booked ticket was called, the default kept"
            if b.overtaking_share is None
            else f"{b.overtaking_share:.1%} of regular booked tickets were called before a "
            f"regular walk-in issued earlier (booked first above {BOOKED_FIRST_SHARE:.0%})"
        ),
        f"    reserved_counters: {min(b.reserved_counters, agency.counters)}  # counters that "
        f"called only booked tickets (at least {MIN_RESERVED_CALLS} calls)",
    ]
    return lines


def scenario_data(calibration: Calibration, *, name: str, layout: str | None) -> dict[str, Any]:
    """The calibrated scenario as plain data (without comments)."""
    data = yaml.safe_load(_render(calibration, name=name, layout=layout))
    assert isinstance(data, dict)
    return data


def scenario_text(
    calibration: Calibration, *, name: str, layout: str | None, out: Path | None = None
) -> tuple[str, Scenario]:
    """The scenario YAML text with its comments, and the scenario it loads as.

    ``layout`` is the floor plan's path as it should appear in the file (relative to the
    file's folder when ``out`` is given).
    """
    if layout is not None and out is not None:
        layout = os.path.relpath(Path(layout).resolve(), Path(out).resolve().parent)
    text = _render(calibration, name=name, layout=layout)
    scenario = parse_scenario(yaml.safe_load(text), source=str(out or "<calibrated>"))
    return text, scenario


def _render(calibration: Calibration, *, name: str, layout: str | None) -> str:
    c = calibration
    log = c.log
    dates = sorted(c.dates)
    types = c.day_type_counts
    reference = c.reference_type
    hall_by_type = {t: sum(a.volumes.by_type.get(t, 0.0) for a in c.agencies) for t in types}
    hall_base = hall_by_type.get(reference, 0.0) or max(hall_by_type.values())
    hall_base = min(max(hall_base, 1.0), MAX_VISITORS_PER_DAY)
    low, high = _MULTIPLIER_RANGE
    day_types = {
        t: round(min(max(v / hall_base, low), high), 4) if v > 0 else 1.0
        for t, v in hall_by_type.items()
    }
    lines = [
        f"# Calibrated by `mpp-sim calibrate` from {Path(log.source).name}: "
        f"{len(log.tickets):,} valid tickets of {log.rows_read:,} rows, {len(dates)} dates "
        f"({dates[0]:%Y-%m-%d} to {dates[-1]:%Y-%m-%d}).",
        "# Every value below says where it came from; edit freely, it is an ordinary scenario.",
        f"name: {_dump(name[:200])}",
        f"description: {_dump(_description(c))}",
    ]
    if layout is not None:
        lines.append(f"layout: {_dump(layout)}")
    h = c.hours
    lines += [
        "day:",
        f"  weekday: {c.day_type_weekday(reference)}",
        f"  type: {_dump(reference)}  # the most frequent day type ({types[reference]} dates)",
        "  hours:  # medians over the dates of first ticket, first call, last ticket, last call",
        f"    tickets_open: {_dump(format_clock(h.tickets_open))}",
        f"    service_start: {_dump(format_clock(h.service_start))}",
        f"    last_ticket: {_dump(format_clock(h.last_ticket))}",
        f"    closing: {_dump(format_clock(h.closing))}",
        "demand:",
        f"  visitors_per_day: {round(hall_base, 1)}  # first visits on a {reference} "
        "(sum of the agencies; each agency below has its own)",
        "  day_types:  # hall volume of each day type relative to "
        + reference
        + (" (post-holiday: first working day after --holidays)" if c.holidays_given else ""),
    ]
    for day_type, m in day_types.items():
        lines.append(f"    {_dump(day_type)}: {m}  # {types[day_type]} dates")
    lines.append(
        "  arrival_profile:  # share of first-visit tickets per half hour, quota days left out"
    )
    lines += [f"  - {_dump(b)}" for b in _bins(c.edges, c.hall_profile)]
    lines.append(
        f"priority_share: {round(c.priority_share, 4)}  # of first-visit tickets, priority"
    )
    if c.patience is not None:
        lines.append(
            f"patience: {_dump(_distribution(c.patience.distribution))}  # censored ML fit "
            f"({c.patience.kind}, by AIC): {c.patience.no_shows} no-shows gave up before their "
            f"call, {c.patience.served} called visitors waited"
        )
    else:
        lines.append("# patience: not estimated (no no-show calls in the log); default kept")
    if c.no_show_call_min is not None:
        lines.append(
            f"no_show_call_min: {round(min(c.no_show_call_min, 30.0), 3)}  "
            "# median gap from a no-show call to the counter's next call, tickets waiting"
        )
    lines.append("agencies:")
    for agency in c.agencies:
        lines += _agency_lines(agency, c)
    lines.append("transfers:" + ("" if c.transfers else " []"))
    for t in c.transfers:
        if t.share <= 0:
            continue
        entry = {"from": t.source, "to": t.target, "share": round(min(t.share, 1.0), 4)}
        lines.append(
            f"- {_dump(entry)}  # {t.count} visits moved on of {t.source}'s served first "
            "visits (linked by visit)"
        )
    lines.append("run: {replications: 10, seed: 2023}")
    return "\n".join(lines) + "\n"


def _description(c: Calibration) -> str:
    parts = [f"Calibrated from the ticket log {Path(c.log.source).name}."]
    if c.log.rows_read > len(c.log.tickets):
        parts.append(f"{c.log.rows_read - len(c.log.tickets)} broken rows left out.")
    parts += list(c.notes)
    return " ".join(parts)


def _profile_lines(agency: AgencyEstimate, edges: np.ndarray, *, booked: bool) -> list[str]:
    """The agency's arrival profile: of its walk-ins when it books (booked visitors come by
    their slots), else of all its first visits."""
    if booked and agency.walk_in_profile.any():
        return [
            "  arrival_profile:  # its walk-in first visits per half hour, quota days left out "
            "(booked visitors come by their slots)",
            *(f"  - {_dump(b)}" for b in _bins(edges, agency.walk_in_profile)),
        ]
    if agency.profile.any():
        return [
            "  arrival_profile:  # its first-visit tickets per half hour, quota days left out",
            *(f"  - {_dump(b)}" for b in _bins(edges, agency.profile)),
        ]
    return []


def _agency_lines(agency: AgencyEstimate, c: Calibration) -> list[str]:
    base, base_from = _base_volume(agency, c.reference_type)
    v = agency.volumes
    quota_note = (
        f"; {len(v.quota_days)} days the quota ran out, scaled up by the arrival profile"
        if v.quota_days
        else ""
    )
    booked = writes_booking(agency)
    factor = agency.booking.volume_factor if booked else 1.0
    booked_note = (
        f", times {factor:.4f} for the booking requests that never came (below)"
        if booked and factor != 1.0
        else ""
    )
    lines = [
        f"- id: {_dump(agency.id)}",
        f"  counters: {agency.counters}  # the most counters seen calling in one half hour",
        f"  visitors_per_day: {round(min(base * factor, MAX_VISITORS_PER_DAY), 2)}  # mean first "
        f"visits on {base_from}{quota_note}{booked_note}",
    ]
    multipliers = _multipliers(agency, base)
    if multipliers:
        lines.append(f"  day_types: {_dump(multipliers)}  # its mean per day type / the above")
    if v.days_open:
        lines.append(
            f"  days_open: {_dump(list(v.days_open))}  # weekdays with tickets on most dates"
        )
    if v.quota is not None:
        shown = ", ".join(f"{q.date:%Y-%m-%d} {format_clock(q.time_min)}" for q in v.quota_days[:5])
        more = f" and {len(v.quota_days) - 5} more" if len(v.quota_days) > 5 else ""
        lines.append(
            f"  daily_quota: {v.quota}  # reached on {len(v.quota_days)} days ({shown}{more}); "
            "demand on those days is at least what the log shows"
        )
    if agency.service is not None:
        key, value = _service_field(agency.service)
        fit = agency.service.fit
        lines.append(
            f"  # service: {fit.n} timed visits (ended_at - called_at), mean {fit.mean_min:.2f} "
            f"min, cv {fit.cv:.2f}; ML fits by AIC: "
            + ", ".join(f"{f.kind} {f.aic:.0f}" for f in fit.fits)
            + f"; KS distance of the best {fit.ks_distance:.3f}"
        )
        if agency.service.walk_min > 0:
            lines.append(
                f"  # the walk from the waiting zone to the counter on the floor plan "
                f"({agency.service.walk_min:.2f} min) is subtracted: the simulation walks it"
            )
        if key == "service":
            lines.append(f"  service: {_dump(value)}")
        else:
            lines.append("  services:  # one fit per service code, shares of timed visits")
            lines += [f"  - {_dump(item)}" for item in value]
        lines.append(
            "  # alternative, the data's own distribution (100 quantiles): service: "
            + _dump(_distribution(agency.service.empirical))[:4000]
        )
    else:
        lines.append("  # service: no served tickets in the log; a placeholder of 10 minutes")
        lines.append("  service: {kind: exponential, mean_min: 10}")
    lines.append(
        f"  priority_share: {round(agency.priority_share, 4)}  # of its first-visit tickets"
    )
    if agency.patience is not None:
        p = agency.patience
        lines.append(
            f"  patience: {_dump(_distribution(p.distribution))}  # censored ML ({p.kind}): "
            f"{p.no_shows} no-shows, {p.served} served; mean {p.mean_min:.0f} min"
        )
    lines += _profile_lines(agency, c.edges, booked=booked)
    if agency.no_show_call_min is not None:
        lines.append(
            f"  no_show_call_min: {round(min(agency.no_show_call_min, 30.0), 3)}  # median of "
            f"{agency.no_show_gaps} gaps after its no-show calls"
        )
    staffing = _staffing(agency)
    if staffing:
        lines.append("  staffing:  # half hours with fewer counters calling (breaks, shifts)")
        lines += [f"  - {_dump(p)}" for p in staffing]
    lines += booking_lines(agency)
    if math.isfinite(base) and base == 0:
        lines.insert(3, "  # only visitors transferred from other agencies come here")
    return lines
