"""The app's colours: waits from green to red anchored at the target, and one colour per
variant kept by name.

A wait is coloured by its ratio to the target wait: green well under it, yellow approaching
it, orange at it and red over it, so a planner reads "red = misses the target" on every
picture (the floor plan, the day played on the plan, the charts).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

__all__ = [
    "EMPTY_SLOT",
    "NO_VISITORS",
    "VARIANT_PALETTE",
    "WAIT_STOPS",
    "variant_colours",
    "wait_colour",
    "wait_gradient",
]

#: (wait / target, colour): the scale's stops; past the last stop the colour stays.
WAIT_STOPS: tuple[tuple[float, str], ...] = (
    (0.0, "#1a9850"),
    (0.5, "#91cf60"),
    (0.8, "#fee08b"),
    (1.0, "#fdae61"),
    (1.25, "#f46d43"),
    (1.5, "#c62828"),
)
#: A counter slot no queue uses.
EMPTY_SLOT = "#ffffff"
#: A counter whose agency had no ticket holders (closed that day, or no visitors).
NO_VISITORS = "#8c8c8c"
#: Colours for variants (Tableau 10), handed out in order of first appearance.
VARIANT_PALETTE: tuple[str, ...] = (
    "#4e79a7",
    "#f28e2b",
    "#76b7b2",
    "#b07aa1",
    "#9c755f",
    "#edc948",
    "#ff9da7",
    "#59a14f",
    "#e15759",
    "#bab0ac",
)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def wait_colour(wait_min: float, target_min: float) -> str:
    """The colour of a wait of ``wait_min`` minutes against a target of ``target_min``: green
    well under the target, orange at it, red over it (an infinite wait is the reddest)."""
    if not target_min > 0:
        raise ValueError(f"target_min must be positive, got {target_min}")
    if math.isnan(wait_min):
        return NO_VISITORS
    ratio = max(0.0, wait_min / target_min) if math.isfinite(wait_min) else math.inf
    for (low, c0), (high, c1) in itertools.pairwise(WAIT_STOPS):
        if ratio <= high:
            share = (ratio - low) / (high - low)
            mixed = (round(a + (b - a) * share) for a, b in zip(_rgb(c0), _rgb(c1), strict=True))
            return "#{:02x}{:02x}{:02x}".format(*mixed)
    return WAIT_STOPS[-1][1]


def wait_gradient() -> list[tuple[float, str]]:
    """The stops as (share of the legend's length, colour), the legend running from no wait to
    the last stop (1.5 times the target): the target sits at two thirds."""
    top = WAIT_STOPS[-1][0]
    return [(ratio / top, colour) for ratio, colour in WAIT_STOPS]


def variant_colours(names: Sequence[str], known: Mapping[str, str] | None = None) -> dict[str, str]:
    """A colour for each variant name: the one it had (``known``), else the first palette
    colour no other variant in ``names`` or ``known`` holds. The same name keeps its colour in
    every chart and whichever variant is the reference."""
    given = {n: c for n, c in (known or {}).items()}
    out: dict[str, str] = {}
    for name in names:
        if name in given:
            out[name] = given[name]
    for name in names:
        if name in out:
            continue
        used = set(out.values()) | set(given.values())
        free = [c for c in VARIANT_PALETTE if c not in used]
        out[name] = free[0] if free else VARIANT_PALETTE[len(out) % len(VARIANT_PALETTE)]
        given[name] = out[name]
    return out
