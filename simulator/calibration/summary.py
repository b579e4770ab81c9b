"""What calibration found, as the ``--json`` summary and as the command's text output."""

from __future__ import annotations

from typing import Any

from simulator.calibration.estimate import AgencyEstimate, Calibration
from simulator.calibration.service_times import ServiceFit
from simulator.distributions import Distribution, Mixture, MixtureComponent
from simulator.scenario import format_clock

__all__ = ["SHOWN_REJECTIONS", "summary_json", "summary_text"]

SHOWN_REJECTIONS = 10
"""Broken rows listed in the text output (the JSON lists them all)."""


def _r(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(float(value), digits)


def _service(agency: AgencyEstimate) -> dict[str, Any] | None:
    s = agency.service
    if s is None:
        return None
    fit = s.fit
    model: Distribution
    if s.components:
        model = Mixture(
            components=[
                MixtureComponent(name=n, share=share, time=f.distribution)
                for n, share, f in _shares_to_one(s.components)
            ]
        )
    else:
        model = fit.distribution
    return {
        "kind": s.kind,
        "mean_min": _r(model.mean),
        "cv": _r(model.coefficient_of_variation),
        "data_mean_min": _r(fit.mean_min),
        "data_cv": _r(fit.cv),
        "timed_visits": fit.n,
        "ks_distance": _r(fit.ks_distance, 4),
        "aic": {f.kind: _r(f.aic, 1) for f in fit.fits},
        "services": [
            {
                "service": name,
                "share": _r(share, 4),
                "kind": f.best.kind,
                "mean_min": _r(f.distribution.mean),
                "cv": _r(f.distribution.coefficient_of_variation),
                "ks_distance": _r(f.ks_distance, 4),
            }
            for name, share, f in s.components
        ],
    }


def _shares_to_one(
    components: tuple[tuple[str, float, ServiceFit], ...],
) -> list[tuple[str, float, ServiceFit]]:
    total = sum(share for _, share, _ in components)
    return [(n, share / total, f) for n, share, f in components]


def _profile(agency: AgencyEstimate, edges: Any) -> list[dict[str, Any]]:
    """Shares of first visits per half hour: all, walk-ins among walk-ins, online among online."""
    return [
        {
            "start": format_clock(a),
            "end": format_clock(b),
            "share": _r(s, 4),
            "walk_in": _r(w, 4),
            "online": _r(o, 4),
        }
        for a, b, s, w, o in zip(
            edges[:-1],
            edges[1:],
            agency.profile,
            agency.walk_in_profile,
            agency.online_profile,
            strict=True,
        )
    ]


def _agency(agency: AgencyEstimate, edges: Any) -> dict[str, Any]:
    v = agency.volumes
    return {
        "id": agency.id,
        "tickets": agency.tickets,
        "first_visits": agency.first_visits,
        "visitors_per_day": {t: _r(x, 2) for t, x in v.by_type.items()},
        "days_open": list(v.days_open),
        "service": _service(agency),
        "patience_mean_min": _r(agency.patience.mean_min, 2) if agency.patience else None,
        "patience_kind": agency.patience.kind if agency.patience else None,
        "no_show_call_min": _r(agency.no_show_call_min),
        "priority_share": _r(agency.priority_share, 4),
        "online_share": _r(agency.booking.online_share, 4),
        "booking": agency.booking.to_json(),
        "arrival_profile": _profile(agency, edges),
        "counters": agency.counters,
        "counters_profile": [
            {"start": format_clock(p.start), "end": format_clock(p.end), "counters": p.counters}
            for p in agency.staffing
        ],
        "daily_quota": v.quota,
        "quota_reached": [
            {"date": f"{q.date:%Y-%m-%d}", "time": format_clock(q.time_min)} for q in v.quota_days
        ],
    }


def summary_json(c: Calibration) -> dict[str, Any]:
    """The machine-readable summary (``mpp-sim calibrate --json``)."""
    log = c.log
    dates = sorted(c.dates)
    return {
        "source": log.source,
        "rows_read": log.rows_read,
        "rows_rejected": len(log.rejected),
        "days": len(dates),
        "first_date": f"{dates[0]:%Y-%m-%d}",
        "last_date": f"{dates[-1]:%Y-%m-%d}",
        "day_types": c.day_type_counts,
        "reference_day_type": c.reference_type,
        "unknown_columns": list(log.unknown_columns),
        "hours": {
            "tickets_open": format_clock(c.hours.tickets_open),
            "service_start": format_clock(c.hours.service_start),
            "last_ticket": format_clock(c.hours.last_ticket),
            "closing": format_clock(c.hours.closing),
        },
        "patience_mean_min": _r(c.patience.mean_min, 2) if c.patience else None,
        "no_show_call_min": _r(c.no_show_call_min),
        "priority_share": _r(c.priority_share, 4),
        "agencies": [_agency(a, c.edges) for a in c.agencies],
        "transfers": [
            {"from": t.source, "to": t.target, "share": _r(t.share, 4), "count": t.count}
            for t in c.transfers
        ],
        "notes": list(c.notes),
        "rejected": [
            {"line": int(line), "reason": str(reason)}
            for line, reason in log.rejected.itertuples(index=False)
        ],
    }


def summary_text(c: Calibration) -> str:
    """A few lines for a person: what was read, what was rejected, what was found."""
    log = c.log
    types = ", ".join(f"{t} {n}" for t, n in c.day_type_counts.items())
    lines = [
        f"{log.source}: {log.rows_read:,} rows read ({log.encoding}), {len(log.tickets):,} valid, "
        f"{len(log.rejected):,} rejected; {len(c.dates)} dates ({types})",
    ]
    if log.unknown_columns:
        lines.append("unknown columns (ignored): " + ", ".join(log.unknown_columns))
    if len(log.rejected):
        reasons = log.rejected["reason"].str.replace(r"'.*?'", "'...'", regex=True)
        top = reasons.value_counts().head(5)
        lines.append("rejected rows by reason: " + "; ".join(f"{n} x {r}" for r, n in top.items()))
        for line, reason in log.rejected.head(SHOWN_REJECTIONS).itertuples(index=False):
            lines.append(f"  line {line}: {reason}")
        if len(log.rejected) > SHOWN_REJECTIONS:
            lines.append(f"  ... {len(log.rejected) - SHOWN_REJECTIONS} more (all in --json)")
    lines += [f"note: {n}" for n in c.notes]
    lines.append(
        f"{'agency':<16} {'visits/' + c.reference_type:>11} {'service':>18} {'patience':>9} "
        f"{'counters':>8} {'quota days':>10}"
    )
    for a in c.agencies:
        base = a.volumes.by_type.get(c.reference_type)
        svc = f"{a.service.kind} {a.service.fit.mean_min:.1f}m" if a.service is not None else "-"
        pat = f"{a.patience.mean_min:.0f}m" if a.patience is not None else "-"
        lines.append(
            f"{a.id:<16} {base if base is not None else float('nan'):>11.1f} {svc:>18} "
            f"{pat:>9} {a.counters:>8} {len(a.volumes.quota_days):>10}"
        )
    quota = [(a.id, q) for a in c.agencies for q in a.volumes.quota_days]
    if quota:
        lines.append(
            f"quota ran out on {len(quota)} agency-days (demand there is under-counted), e.g. "
            + ", ".join(f"{i} {q.date:%Y-%m-%d} {format_clock(q.time_min)}" for i, q in quota[:3])
        )
    for t in c.transfers:
        lines.append(f"transfer {t.source} -> {t.target}: {t.share:.1%} ({t.count} visits)")
    return "\n".join(lines)
