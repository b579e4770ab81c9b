"""The app's pictures: queues, waits and crowding through the day, and the floor plan.

Every figure is built with matplotlib's object-oriented API on the Agg canvas (no pyplot, no
global state) and every text on it comes from the translator, including the labels the floor
plan drawing writes itself (``seats``, ``IN`` ...), which :func:`translate_texts` replaces.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator

from simulator.experiment import ExperimentResult
from simulator.floorplan.draw import draw_building, draw_plan, draw_zone_values, short_agency
from simulator.floorplan.model import Building, FloorPlan
from simulator.metrics import OVERALL
from simulator.scenario import format_clock
from simulator.ui.i18n import Translator
from simulator.walking import SiteLayout, counter_node

__all__ = [
    "agency_p90",
    "clock_figure",
    "compare_figure",
    "figure_png",
    "moment_values",
    "occupancy_figure",
    "placement_figure",
    "plan_p90_figure",
    "queue_figure",
    "translate_texts",
    "waits_figure",
]

_TOTAL_COLOUR = "#222222"
_TARGET_COLOUR = "#c0392b"
_P90_COLOUR = "#1f4e79"


def _figure(width: float = 10.0, height: float = 4.2) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(1, 1, 1)


def _clock_axis(ax: Axes) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(nbins=10, steps=[1, 2, 3, 6, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_clock(v)))
    ax.grid(True, color="#e3e3e3", linewidth=0.6)


def figure_png(fig: Figure, *, dpi: int = 100) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def queue_figure(result: ExperimentResult, *, tr: Translator, top: int = 8) -> Figure:
    """Mean queue (tickets waiting) through the day: all agencies together and the ``top``
    agencies with the longest queues."""
    fig, ax = _figure()
    queue = result.queue
    if len(queue):
        total = queue.groupby("time", sort=True)["queue"].sum()
        ax.plot(total.index, total.to_numpy(), color=_TOTAL_COLOUR, linewidth=2.4, label=tr("all"))
        peaks = queue.groupby("agency", sort=False)["queue"].max().sort_values(ascending=False)
        for agency in peaks.index[:top]:
            mine = queue[queue["agency"] == agency].sort_values("time")
            ax.plot(mine["time"], mine["queue"], linewidth=1.3, label=short_agency(agency, 20))
        ax.legend(fontsize=8, ncol=3, loc="upper right", frameon=False)
    _clock_axis(ax)
    ax.set_xlabel(tr("axis_clock"))
    ax.set_ylabel(tr("axis_queue"))
    ax.set_ylim(bottom=0)
    ax.set_title(tr("chart_queue"), fontsize=11)
    fig.tight_layout()
    return fig


def waits_figure(result: ExperimentResult, *, tr: Translator, target_min: float) -> Figure:
    """Histogram of every ticket holder's wait, with the target and the p90 marked."""
    fig, ax = _figure()
    waits = result.waits["wait_min"].to_numpy(dtype=float) if len(result.waits) else np.zeros(0)
    waits = waits[np.isfinite(waits)]
    if waits.size:
        top = max(float(np.percentile(waits, 99.5)), target_min * 1.5, 5.0)
        bins = np.arange(0.0, top + 2.5, 2.5)
        weights = np.full(waits.size, 100.0 / waits.size)
        ax.hist(np.clip(waits, 0, bins[-1]), bins=bins.tolist(), weights=weights, color="#7fa7c9")
    ax.axvline(
        target_min, color=_TARGET_COLOUR, linewidth=2, label=tr("target_line", minutes=target_min)
    )
    p90 = float(result.overall["wait_p90_min"])
    if math.isfinite(p90):
        ax.axvline(
            p90, color=_P90_COLOUR, linewidth=2, linestyle="--", label=tr("p90_line", minutes=p90)
        )
    ax.legend(fontsize=9, frameon=False)
    ax.set_xlabel(tr("axis_wait"))
    ax.set_ylabel(tr("axis_share_visitors"))
    ax.grid(True, color="#e3e3e3", linewidth=0.6)
    ax.set_title(tr("chart_waits"), fontsize=11)
    fig.tight_layout()
    return fig


def occupancy_figure(result: ExperimentResult, *, tr: Translator) -> Figure | None:
    """People in each waiting zone through the day against its seats (``None`` without zones)."""
    occupancy = result.occupancy
    zones = result.zones_summary
    if not len(occupancy) or not len(zones):
        return None
    fig, ax = _figure()
    colours = [f"C{i % 10}" for i in range(len(zones))]
    for colour, (_, zone) in zip(colours, zones.iterrows(), strict=True):
        mine = occupancy[occupancy["zone"] == zone["zone"]].sort_values("time")
        ax.plot(
            mine["time"], mine["occupancy"], color=colour, linewidth=1.8, label=str(zone["zone"])
        )
        ax.axhline(float(zone["seats"]), color=colour, linewidth=1, linestyle=":")
    ax.plot([], [], color="#555555", linestyle=":", label=tr("seats_line"))
    _clock_axis(ax)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(tr("axis_clock"))
    ax.set_ylabel(tr("axis_people"))
    ax.legend(fontsize=8, frameon=False, ncol=2)
    ax.set_title(tr("chart_occupancy"), fontsize=11)
    fig.tight_layout()
    return fig


def translate_texts(fig: Figure, tr: Translator) -> None:
    """Replace the floor-plan drawing's own English words with the UI language's."""
    words = {
        "seats": tr("plan_seats"),
        "IN": tr("plan_in"),
        "OUT": tr("plan_out"),
        "kiosk": tr("plan_kiosk"),
        "info": tr("plan_info"),
        "x (m)": tr("plan_x"),
        "y (m)": tr("plan_y"),
    }
    for text in fig.findobj(Text):
        content = text.get_text()
        if not content:
            continue
        lines = []
        for line in content.split("\n"):
            parts = line.split(" ")
            lines.append(" ".join(words.get(p, p) for p in parts))
        new = "\n".join(lines)
        if content in words:
            new = words[content]
        if new != content:
            text.set_text(new)


def agency_p90(result: ExperimentResult) -> dict[str, float]:
    """The p90 wait (minutes) of each agency that had visitors; one whose p90 is not reached
    (more than 10% never called) gets the worst value shown."""
    summary = result.summary
    values = {}
    for _, row in summary.iterrows():
        value = float(row["wait_p90_min"])
        if row["agency"] != OVERALL and not math.isnan(value):
            values[str(row["agency"])] = value
    finite = [v for v in values.values() if math.isfinite(v)]
    worst = max([*finite, 2 * result.target_wait_min])
    return {a: v if math.isfinite(v) else worst for a, v in values.items()}


def plan_p90_figure(
    floor: FloorPlan | Building,
    site: SiteLayout,
    result: ExperimentResult,
    *,
    tr: Translator,
    layout: str,
) -> Figure:
    """The floor plan (every floor of a building) with each counter coloured by its agency's
    p90 wait."""
    p90 = agency_p90(result)
    values = {slot: p90[agency] for slot, agency in site.slot_agency.items() if agency in p90}
    draw = draw_building if isinstance(floor, Building) else draw_plan
    fig = draw(
        floor,  # type: ignore[arg-type]
        site=site,
        counter_values=values,
        value_label=tr("plan_p90_label"),
        title=tr("chart_plan_p90", layout=layout),
    )
    translate_texts(fig, tr)
    return fig


def moment_values(
    result: ExperimentResult, minute: float
) -> tuple[dict[str, float], dict[str, float]]:
    """Mean people in each waiting zone and mean queue at each agency in the 10-minute bin
    containing ``minute`` (zone -> people, agency -> queue)."""

    def at(frame: pd.DataFrame, key: str, value: str) -> dict[str, float]:
        if not len(frame):
            return {}
        times = np.sort(frame["time"].unique())
        index = max(0, int(np.searchsorted(times, minute, side="right")) - 1)
        rows = frame[frame["time"] == times[index]]
        return {str(k): float(v) for k, v in zip(rows[key], rows[value], strict=True)}

    return at(result.occupancy, "zone", "occupancy"), at(result.queue, "agency", "queue")


def clock_figure(
    floor: FloorPlan,
    site: SiteLayout,
    result: ExperimentResult,
    minute: float,
    *,
    tr: Translator,
) -> Figure:
    """The floor plan at one moment: people in each waiting zone against its seats, and the
    queue (tickets waiting) at each agency written next to its counters."""
    zones, queues = moment_values(result, minute)
    seats = {z.name: float(z.seats) for z in site.zones}
    fig = draw_zone_values(
        floor,
        zones,
        capacity=seats,
        value_label=tr("axis_people"),
        title=tr("chart_clock", clock=format_clock(minute)),
    )
    ax = fig.axes[0]
    for agency, queue in queues.items():
        points = [
            site.positions[node]
            for k in range(len(site.agency_slots.get(agency, ())))
            if (node := counter_node(agency, k)) in site.positions
        ]
        if not points or queue < 0.5:
            continue
        x, y = np.mean(np.asarray(points), axis=0)
        ax.annotate(
            f"{short_agency(agency)}\n{tr('queue_short')} {queue:.0f}",
            (x, y),
            ha="center",
            va="center",
            fontsize=6.5,
            color="#7b241c",
            zorder=12,
            bbox={"boxstyle": "round,pad=0.2", "fc": "#fdebd0", "ec": "#e67e22", "lw": 0.5},
        )
    if len(fig.axes) > 1:
        fig.axes[-1].set_ylabel(tr("clock_colour_label"), fontsize=9)
    translate_texts(fig, tr)
    return fig


def compare_figure(
    names: Sequence[str],
    results: Sequence[ExperimentResult],
    *,
    tr: Translator,
    target_min: float,
    target_share: float,
    colours: Sequence[str] | None = None,
) -> Figure:
    """Overall p90 wait and share called within the target per variant, with 95% intervals;
    ``colours`` gives each variant its own (by default, by position)."""
    fig = Figure(figsize=(10.0, 3.8), dpi=100)
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2)
    overall = [r.overall for r in results]
    x = np.arange(len(names))
    colours = list(colours) if colours is not None else [f"C{i}" for i in range(len(names))]
    panels: Sequence[tuple[Axes, str, float, float, str]] = (
        (left, "wait_p90_min", 1.0, target_min, tr("axis_p90")),
        (right, "within_target", 100.0, target_share * 100, tr("axis_within")),
    )
    for ax, kpi, scale, target, label in panels:
        means = [float(o[kpi]) * scale for o in overall]
        halves = [float(o[f"{kpi}_ci"]) * scale for o in overall]
        halves = [h if math.isfinite(h) else 0.0 for h in halves]
        ax.bar(x, means, yerr=halves, color=colours, capsize=6, alpha=0.85)
        ax.axhline(target, color=_TARGET_COLOUR, linewidth=1.8, linestyle="--", label=tr("target"))
        ax.set_xticks(x, [_wrap(n) for n in names], fontsize=8)
        ax.set_ylabel(label)
        ax.grid(True, axis="y", color="#e3e3e3", linewidth=0.6)
        ax.legend(fontsize=8, frameon=False, loc="lower right")
    left.set_title(tr("chart_compare_p90"), fontsize=10)
    right.set_title(tr("chart_compare_within"), fontsize=10)
    right.set_ylim(0, 100)
    fig.tight_layout()
    return fig


def _wrap(text: str, width: int = 22) -> str:
    words = text.split()
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def placement_figure(floor: FloorPlan | Building, site: SiteLayout, *, tr: Translator) -> Figure:
    """The plan with each counter slot labelled by the agency or group it serves."""
    fig = (
        draw_building(floor, site=site)
        if isinstance(floor, Building)
        else draw_plan(floor, site=site)
    )
    translate_texts(fig, tr)
    return fig
