"""Pictures of a sweep's summary: overall p90 wait per variant, and p90 against counters.

PNG files drawn off-screen with matplotlib's object-oriented API (no pyplot, no global state)
and written atomically; matplotlib is imported only when a sweep draws.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulator.metrics import OVERALL
from simulator.output import atomic_write_bytes
from simulator.sweep.results import PRECISION_KPI, param_columns
from simulator.sweep.variants import Variant

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


def _p90_by_variant(summary: pd.DataFrame) -> Figure:
    from matplotlib.figure import Figure

    overall = summary[summary["agency"] == OVERALL]
    fig = Figure(figsize=(max(6.0, min(20.0, 0.12 * len(overall) + 4)), 4), layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(len(overall))
    ax.errorbar(x, overall[PRECISION_KPI], yerr=overall[_CI], fmt="o", ms=3, capsize=2)
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


def write_plots(
    summary: pd.DataFrame, variants: Sequence[Variant], folder: Path
) -> tuple[Path, ...]:
    """``p90_by_variant.png`` and, when some agency's counters vary, ``p90_vs_counters.png``."""
    files = [_save(_p90_by_variant(summary), folder / "p90_by_variant.png")]
    params = param_columns(variants)
    varied = [p for p in params if p.startswith("counters_")]
    if varied:
        files.append(
            _save(_p90_vs_counters(summary, params, varied), folder / "p90_vs_counters.png")
        )
    return tuple(files)
