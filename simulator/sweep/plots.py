"""Pictures of a sweep's summary: overall p90 wait per variant, p90 against counters, and the
waits of booked and walk-in visitors against an agency's booking levers.

PNG files drawn off-screen with matplotlib's object-oriented API (no pyplot, no global state)
and written atomically; matplotlib is imported only when a sweep draws.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from simulator.metrics import OVERALL
from simulator.output import atomic_write_bytes
from simulator.sweep.results import PRECISION_KPI, param_columns
from simulator.sweep.variants import Variant, booking_params

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["write_plots"]

_CI = f"{PRECISION_KPI}_ci"
#: Above this many lines in one agency's panel, the panel shows their mean and range instead.
_MAX_LINES = 8


def _save(fig: Figure, path: Path) -> Path:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return atomic_write_bytes(path, buffer.getvalue())


def _drawable(values: Any) -> np.ndarray:
    """Figures as points to draw: a p90 not reached (infinite) is left out (NaN)."""
    array = np.asarray(values, dtype=float)
    return np.where(np.isfinite(array), array, np.nan)


def _bars(half_widths: Any) -> np.ndarray:
    """Half-widths as error bars: an open interval (infinite, or undefined) draws no bar."""
    array = np.asarray(half_widths, dtype=float)
    return np.where(np.isfinite(array), array, 0.0)


def _p90_by_variant(summary: pd.DataFrame) -> Figure:
    from matplotlib.figure import Figure

    overall = summary[summary["agency"] == OVERALL]
    fig = Figure(figsize=(max(6.0, min(20.0, 0.12 * len(overall) + 4)), 4), layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(len(overall))
    ax.errorbar(
        x, _drawable(overall[PRECISION_KPI]), yerr=_bars(overall[_CI]), fmt="o", ms=3, capsize=2
    )
    ax.set_xlabel("variant")
    ax.set_ylabel("overall p90 wait (min)")
    ax.set_title("Overall p90 wait per variant (95% CI)")
    if len(overall) <= 40:
        ax.set_xticks(x, list(overall["variant"]), rotation=90, fontsize=7)
    return fig


def _agency_panel(ax: Axes, mine: pd.DataFrame, param: str, rest: list[str]) -> int:
    """p90 against ``param`` (an agency's counters): one line per combination of the other
    dimensions ``rest``, or their mean and range when there are many; returns the lines."""
    groups = list(mine.groupby(rest, sort=False)) if rest else [((), mine)]
    if len(groups) > _MAX_LINES:
        spread = mine.groupby(param, sort=True)[PRECISION_KPI].agg(["mean", "min", "max"])
        ax.plot(spread.index, spread["mean"], marker="o", label="mean of variants")
        ax.fill_between(spread.index, spread["min"], spread["max"], alpha=0.2, label="range")
        return len(groups)
    for label, group in groups:
        # other agencies' counters barely matter here (common random numbers)
        line = group.groupby(param, sort=True)[[PRECISION_KPI, _CI]].mean()
        values = label if isinstance(label, tuple) else (label,)
        text = ", ".join(f"{k}={v}" for k, v in zip(rest, values, strict=False))
        ax.errorbar(
            line.index,
            line[PRECISION_KPI],
            yerr=line[_CI],
            marker="o",
            capsize=2,
            label=text or None,
        )
    return len(groups)


def _p90_vs_counters(summary: pd.DataFrame, params: list[str], varied: list[str]) -> Figure:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    cols = min(3, len(varied))
    rows = math.ceil(len(varied) / cols)
    fig = Figure(figsize=(4.2 * cols, 3.4 * rows), layout="constrained")
    rest = [p for p in params if p != "variant" and not p.startswith("counters_")]
    for i, param in enumerate(varied):
        agency = param.removeprefix("counters_")
        ax = fig.add_subplot(rows, cols, i + 1)
        lines = _agency_panel(ax, summary[summary["agency"] == agency], param, rest)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(agency)
        ax.set_xlabel("counters")
        ax.set_ylabel("p90 wait (min)")
        if lines > 1:
            ax.legend(fontsize=6)
    return fig


_CHANNELS: tuple[tuple[str, str, Literal["-", "--"], str], ...] = (
    ("booked", "booked", "-", "o"),
    ("walk-in", "walk_in", "--", "s"),
)
"""(label, KPI infix, line style, marker) of each channel."""
_STATISTICS = (("p90", "p90 wait (min)"), ("mean", "mean wait (min)"))


def _short(param: str, agency: str) -> str:
    """A grid column as a legend says it: an agency's own booking lever by its field name."""
    lever = booking_params({param: None}).get(param)
    if lever is None:
        return param
    return lever[0] if lever[1] == agency else f"{lever[1]} {lever[0]}"


def _combinations(
    mine: pd.DataFrame, rest: list[str], agency: str
) -> list[tuple[str, pd.DataFrame]]:
    """The rows of each combination of the other dimensions ``rest`` with its label, or all
    rows as one "mean of variants" when there are too many to draw apart."""
    groups = list(mine.groupby(rest, sort=False)) if rest else [((), mine)]
    if len(groups) > _MAX_LINES // 2:
        return [("mean of variants", mine)]
    out = []
    for label, group in groups:
        values = label if isinstance(label, tuple) else (label,)
        text = ", ".join(f"{_short(k, agency)}={v:g}" for k, v in zip(rest, values, strict=False))
        out.append((text, group))
    return out


def _channel_panel(ax: Axes, groups: list[tuple[str, pd.DataFrame]], param: str, stat: str) -> None:
    """Booked and walk-in waits (``stat``: p90 or mean) against ``param``, one colour per
    combination; 95% intervals unless the combination is a mean of variants. A p90 not
    reached (more than a tenth never called) is left out, and a p90 whose interval is open
    has no bar."""
    many = len(groups) == 1 and groups[0][0] == "mean of variants"
    for i, (_, group) in enumerate(groups):
        for _, infix, style, marker in _CHANNELS:
            key = f"wait_{stat}_{infix}_min"
            line = group.groupby(param, sort=True)[[key, f"{key}_ci"]].mean()
            ax.errorbar(
                line.index,
                _drawable(line[key]),
                yerr=None if many else _bars(line[f"{key}_ci"]),
                color=f"C{i}",
                linestyle=style,
                marker=marker,
                capsize=2,
            )


def _legend(fig: Figure, groups: list[tuple[str, pd.DataFrame]]) -> None:
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color="black", linestyle=style, marker=marker, label=label)
        for label, _, style, marker in _CHANNELS
    ]
    handles += [
        Line2D([], [], color=f"C{i}", linewidth=4, label=text)
        for i, (text, _) in enumerate(groups)
        if text
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=7)


def _wait_by_channel(summary: pd.DataFrame, params: list[str]) -> Figure:
    """One column per agency whose booking varies: its booked and walk-in p90 (top) and mean
    (bottom) waits against its first booking lever, with 95% intervals."""
    from matplotlib.figure import Figure

    levers = booking_params(dict.fromkeys(params))
    first: dict[str, str] = {}
    for param, (_, agency) in levers.items():
        first.setdefault(agency, param)
    cols = len(first)
    fig = Figure(figsize=(5.0 * cols, 7.5), layout="constrained")
    groups: list[tuple[str, pd.DataFrame]] = []
    for j, (agency, param) in enumerate(first.items()):
        rest = [p for p in params if p not in ("variant", param)]
        groups = _combinations(summary[summary["agency"] == agency], rest, agency)
        for i, (stat, ylabel) in enumerate(_STATISTICS):
            ax = fig.add_subplot(2, cols, i * cols + j + 1)
            _channel_panel(ax, groups, param, stat)
            ax.set_title(f"{agency}: {stat} wait, booked and walk-in", fontsize=9)
            ax.set_xlabel(f"booking {levers[param][0]}")
            ax.set_ylabel(ylabel)
    _legend(fig, groups)
    return fig


def write_plots(
    summary: pd.DataFrame, variants: Sequence[Variant], folder: Path
) -> tuple[Path, ...]:
    """``p90_by_variant.png``; ``p90_vs_counters.png`` when some agency's counters vary;
    ``wait_by_channel.png`` when some agency's booking varies."""
    files = [_save(_p90_by_variant(summary), folder / "p90_by_variant.png")]
    params = param_columns(variants)
    varied = [p for p in params if p.startswith("counters_")]
    if varied:
        files.append(
            _save(_p90_vs_counters(summary, params, varied), folder / "p90_vs_counters.png")
        )
    if booking_params(dict.fromkeys(params)):
        files.append(_save(_wait_by_channel(summary, params), folder / "wait_by_channel.png"))
    return tuple(files)
