"""The fit report: one self-contained HTML page, in Bahasa Indonesia and English.

It says what was read and rejected, what was estimated and from what, and how well the
calibrated scenario reproduces the log: observed against simulated per agency and hour for
every day type (flagged when outside the simulated 95% band), the waits through the day as
plots, and each agency's service-time histogram under its fitted distributions. Figures are
embedded as PNG (no network, opens offline, prints).
"""

from __future__ import annotations

import base64
import html
import io
import math
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from scipy import stats

from simulator import __version__
from simulator.calibration.estimate import AgencyEstimate, Calibration
from simulator.calibration.fit_check import METRICS, FitCheck, check_fit
from simulator.calibration.service_times import FamilyFit
from simulator.calibration.writer import booking_notes
from simulator.scenario import Scenario, format_clock

__all__ = ["FitReport", "fit_report", "service_figure", "waits_figure"]

#: Every text of the report: (Bahasa Indonesia, English).
TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Laporan kalibrasi dari log tiket antrean", "Calibration report from the ticket log"),
    "read": ("Data yang dibaca", "What was read"),
    "rows": ("baris dibaca", "rows read"),
    "valid": ("tiket sah", "valid tickets"),
    "rejected": ("baris ditolak", "rows rejected"),
    "dates": ("tanggal", "dates"),
    "unknown": ("kolom tak dikenal (diabaikan)", "unknown columns (ignored)"),
    "first_rejected": ("Baris ditolak (maks. 50)", "Rejected rows (at most 50)"),
    "line": ("baris", "line"),
    "reason": ("alasan", "reason"),
    "estimates": ("Hasil estimasi per instansi", "Estimates per agency"),
    "agency": ("instansi", "agency"),
    "volume": ("pengunjung/hari", "visitors/day"),
    "service": ("waktu layanan", "service time"),
    "patience": ("kesabaran (rata-rata)", "patience (mean)"),
    "counters": ("loket", "counters"),
    "quota": ("kuota habis", "quota ran out"),
    "priority": ("prioritas", "priority"),
    "online": ("daring", "online"),
    "noshow_cost": ("waktu hilang per panggilan kosong", "time lost per no-show call"),
    "quota_note": (
        "Pada hari kuota habis, pengunjung yang ditolak tidak tercatat: permintaan hari itu "
        "setidaknya sebesar yang terlihat di log, dan diperkirakan dari profil kedatangan.",
        "On days the quota ran out, refused visitors left no trace: demand on those days is at "
        "least what the log shows, and is estimated from the arrival profile.",
    ),
    "fit": ("Kecocokan: teramati vs simulasi", "Fit: observed vs simulated"),
    "fit_note": (
        "Untuk tiap jenis hari, skenario hasil kalibrasi disimulasikan {reps} kali. Nilai "
        "teramati = rata-rata hari di log; pita 95% = tempat rata-rata hari simulasi sebanyak "
        "itu jatuh. Sel merah: nilai teramati di luar pita.",
        "For each day type the calibrated scenario is simulated {reps} times. Observed = mean "
        "over the log's days; the 95% band is where the mean of as many simulated days falls. "
        "Red cells: observed outside the band.",
    ),
    "flagged": ("di luar pita", "outside the band"),
    "hour": ("jam", "hour"),
    "tickets": ("tiket", "tickets"),
    "wait_mean_min": ("tunggu rata-rata (mnt)", "mean wait (min)"),
    "wait_p90_min": ("tunggu p90 (mnt)", "p90 wait (min)"),
    "no_shows": ("tidak hadir", "no-shows"),
    "waits_plot": ("Waktu tunggu sepanjang hari", "Waits through the day"),
    "service_plot": ("Distribusi waktu layanan", "Service-time distributions"),
    "observed": ("teramati", "observed"),
    "simulated": ("simulasi (pita 95%)", "simulated (95% band)"),
    "minutes": ("menit", "minutes"),
    "density": ("kepadatan", "density"),
    "day_type": ("jenis hari", "day type"),
    "bookings": ("Pemesanan daring", "Online bookings"),
    "notes": ("Catatan", "Notes"),
    "made": ("Dibuat oleh mpp-sim {version}", "Made by mpp-sim {version}"),
}

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 70rem; margin: 2rem auto; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 1.8rem; }
h3 { font-size: 1rem; margin-top: 1.2rem; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.82rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
td.flag { background: #f8d0d0; font-weight: 600; }
.en { color: #555; font-style: italic; }
img { max-width: 100%; margin: 0.4rem 0; }
.note { color: #555; font-size: 0.85rem; }
"""


def _t(key: str, **values: object) -> str:
    """Both languages of a text, escaped: 'Indonesian / English'."""
    indonesian, english = TEXTS[key]
    return (
        f"{html.escape(indonesian.format(**values))} "
        f'<span class="en">/ {html.escape(english.format(**values))}</span>'
    )


def _png(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<figure><img alt="" src="data:image/png;base64,{data}"></figure>'


def waits_figure(check: FitCheck, agency: str, day_type: str) -> Figure:
    """Observed mean and p90 wait per hour against the simulated bands, one agency and day."""
    fig = Figure(figsize=(7.5, 2.8))
    ax = fig.subplots()
    rows = check.table[(check.table["agency"] == agency) & (check.table["day_type"] == day_type)]
    for metric, colour in (("wait_mean_min", "tab:blue"), ("wait_p90_min", "tab:orange")):
        r = rows[rows["metric"] == metric]
        label = TEXTS[metric][1]
        ax.fill_between(
            r["hour"] + 0.5,
            r["low"].clip(lower=0),
            r["high"],
            color=colour,
            alpha=0.2,
            label=f"{label}: {TEXTS['simulated'][1]}",
        )
        ax.plot(r["hour"] + 0.5, r["simulated"], color=colour, lw=1)
        ax.plot(
            r["hour"] + 0.5,
            r["observed"],
            "o",
            color=colour,
            ms=4,
            label=f"{label}: {TEXTS['observed'][1]}",
        )
    ax.set_title(f"{agency} - {day_type}", fontsize=10)
    ax.set_xlabel("hour / jam")
    ax.set_ylabel("minutes / menit")
    ax.legend(fontsize=7, ncol=2, loc="upper right")
    ax.set_ylim(bottom=0)
    return fig


def _pdf(fit: FamilyFit, x: np.ndarray) -> np.ndarray:
    d = fit.distribution
    if fit.kind == "lognormal":
        return stats.lognorm.pdf(x, d.sigma, 0, math.exp(d.mu))  # type: ignore[union-attr]
    if fit.kind == "gamma":
        shape = 1 / d.cv**2  # type: ignore[union-attr]
        return stats.gamma.pdf(x, shape, 0, d.mean / shape)
    return stats.expon.pdf(x, 0, d.mean)


def service_figure(agency: AgencyEstimate) -> Figure | None:
    """The agency's service-time histogram under the three fitted densities (best in bold)."""
    if agency.service is None:
        return None
    service = agency.service
    values = service.durations
    top = float(np.quantile(values, 0.99))
    fig = Figure(figsize=(7.5, 2.8))
    ax = fig.subplots()
    ax.hist(values[values <= top], bins=50, density=True, color="#bbb", label="data")
    x = np.linspace(top / 400, top, 300)
    for fit in service.fit.fits:
        best = fit is service.fit.best
        ax.plot(
            x,
            _pdf(fit, x),
            lw=2.2 if best else 1,
            ls="-" if best else "--",
            label=f"{fit.kind} (AIC {fit.aic:.0f})",
        )
    if service.components:
        mix = sum(share * _pdf(f.best, x) for _, share, f in service.components)
        ax.plot(x, mix, lw=2.2, color="black", label="mixture of services")
    ax.set_title(f"{agency.id}: n={service.fit.n}, KS {service.fit.ks_distance:.3f}", fontsize=10)
    ax.set_xlabel("minutes / menit")
    ax.set_ylabel("density / kepadatan")
    ax.legend(fontsize=7)
    return fig


def _fmt(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.1f}"


def _fit_table(check: FitCheck, day_type: str) -> str:
    rows = check.table[check.table["day_type"] == day_type]
    head = "".join(f"<th>{_t(m)}</th>" for m in METRICS)
    body = []
    for (agency, hour), group in rows.groupby(["agency", "hour"], sort=True):
        cells = []
        for metric in METRICS:
            r = group[group["metric"] == metric].iloc[0]
            if not r["comparable"]:
                cells.append(f"<td>{_fmt(r['observed'])}</td>")
                continue
            text = f"{_fmt(r['observed'])} <small>[{max(r['low'], 0):.1f}-{r['high']:.1f}]</small>"
            css = ' class="flag"' if r["flagged"] else ""
            cells.append(f"<td{css}>{text}</td>")
        body.append(
            f"<tr><td>{html.escape(str(agency))}</td><td>{hour:02d}:00</td>{''.join(cells)}</tr>"
        )
    return (
        f"<table><tr><th>{_t('agency')}</th><th>{_t('hour')}</th>{head}</tr>"
        + "".join(body)
        + "</table>"
    )


def _estimates_table(c: Calibration) -> str:
    head = "".join(
        f"<th>{_t(k)}</th>"
        for k in (
            "agency", "volume", "service", "patience", "counters", "priority", "online",
            "noshow_cost", "quota",
        )
    )  # fmt: skip
    rows = []
    for a in c.agencies:
        volume = ", ".join(f"{t} {v:.0f}" for t, v in a.volumes.by_type.items())
        service = (
            f"{a.service.kind} {a.service.fit.mean_min:.1f} min, cv {a.service.fit.cv:.2f}"
            if a.service
            else "-"
        )
        patience = f"{a.patience.mean_min:.0f} min ({a.patience.kind})" if a.patience else "-"
        cost = f"{a.no_show_call_min:.2f} min" if a.no_show_call_min is not None else "-"
        quota = (
            f"{a.volumes.quota}: {len(a.volumes.quota_days)} "
            + ", ".join(
                f"{q.date:%Y-%m-%d} {format_clock(q.time_min)}" for q in a.volumes.quota_days[:3]
            )
            if a.volumes.quota is not None
            else "-"
        )
        cells = [a.id, volume, service, patience, str(a.counters), f"{a.priority_share:.1%}",
                 f"{a.booking.online_share:.1%}", cost, quota]  # fmt: skip
        rows.append("<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


@dataclass(frozen=True, kw_only=True)
class FitReport:
    """The report's HTML and the observed-vs-simulated table behind it."""

    html: str
    check: FitCheck


def fit_report(
    calibration: Calibration,
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int = 2023,
    max_plots: int = 60,
) -> FitReport:
    """Simulate the calibrated scenario for each day type and write the report."""
    c = calibration
    log = c.log
    check = check_fit(c, scenario, replications=replications, seed=seed)
    parts = [
        "<!doctype html><html lang='id'><head><meta charset='utf-8'>",
        f"<title>{html.escape(TEXTS['title'][0])} / {html.escape(TEXTS['title'][1])}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{_t('title')}</h1>",
        f"<p class='note'>{html.escape(log.source)} &middot; {_t('made', version=__version__)}</p>",
        f"<h2>{_t('read')}</h2><ul>",
        f"<li>{log.rows_read:,} {_t('rows')}; {len(log.tickets):,} {_t('valid')}; "
        f"{len(log.rejected):,} {_t('rejected')}</li>",
        f"<li>{len(c.dates)} {_t('dates')}: "
        + html.escape(", ".join(f"{t} {n}" for t, n in c.day_type_counts.items()))
        + "</li>",
    ]
    if log.unknown_columns:
        parts.append(f"<li>{_t('unknown')}: {html.escape(', '.join(log.unknown_columns))}</li>")
    parts.append("</ul>")
    if len(log.rejected):
        parts.append(f"<h3>{_t('first_rejected')}</h3><table>")
        parts.append(f"<tr><th>{_t('line')}</th><th>{_t('reason')}</th></tr>")
        for line, reason in log.rejected.head(50).itertuples(index=False):
            parts.append(f"<tr><td>{line}</td><td>{html.escape(str(reason))}</td></tr>")
        parts.append("</table>")
    if c.notes:
        parts.append(f"<h3>{_t('notes')}</h3><ul>")
        parts += [f"<li>{html.escape(n)}</li>" for n in c.notes]
        parts.append("</ul>")
    parts += [
        f"<h2>{_t('estimates')}</h2>",
        _estimates_table(c),
        f"<p class='note'>{_t('quota_note')}</p>",
    ]
    booking = [(a.id, booking_notes(a)) for a in c.agencies if booking_notes(a)]
    if booking:
        parts.append(f"<h3>{_t('bookings')}</h3><ul>")
        parts += [
            f"<li><b>{html.escape(i)}</b>: {html.escape(' '.join(x.strip() for x in lines))}</li>"
            for i, lines in booking
        ]
        parts.append("</ul>")
    reps = ", ".join(f"{t} {n}" for t, n in check.replications.items())
    parts += [
        f"<h2>{_t('fit')}</h2>",
        f"<p class='note'>{_t('fit_note', reps=reps)}</p>",
        "<p>"
        + "; ".join(f"{_t(m)}: {check.flagged_share(m):.0%} {_t('flagged')}" for m in METRICS)
        + "</p>",
    ]
    for day_type in c.day_type_counts:
        parts += [
            f"<h3>{_t('day_type')}: {html.escape(day_type)}</h3>",
            _fit_table(check, day_type),
        ]
    parts.append(f"<h2>{_t('waits_plot')}</h2>")
    for a in c.agencies[:max_plots]:
        parts.append(_png(waits_figure(check, a.id, c.reference_type)))
    parts.append(f"<h2>{_t('service_plot')}</h2>")
    for a in c.agencies[:max_plots]:
        fig = service_figure(a)
        if fig is not None:
            parts.append(_png(fig))
    parts.append("</body></html>")
    return FitReport(html="\n".join(parts), check=check)
