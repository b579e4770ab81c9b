"""Pictures of a floor plan: walls, obstacles, zones, seats, counters, routes and values.

Figures are built with the object-oriented matplotlib API on the Agg canvas (no pyplot, no
display, no global state), so the CLI and the app can render in any process.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from simulator.floorplan.model import WALL_THICKNESS_M, Building, FloorPlan, Line
from simulator.walking import SiteLayout

__all__ = ["agency_palette", "draw_building", "draw_plan", "draw_zone_values", "short_agency"]

XY = tuple[float, float]

_FLOOR = "#f6f3ec"
_WALL = "#3b3b3b"
_OBSTACLE = "#a7a39a"
_ZONE = "#d6e8f5"
_ZONE_EDGE = "#5b8db8"
_SEAT = "#5b8db8"
_COUNTER = "#c0392b"
_ENTRANCE = "#1e8449"
_EXIT = "#b03a2e"
_ROUTE = "#e67e22"


def agency_palette(agencies: Sequence[str]) -> dict[str, tuple[float, float, float, float]]:
    """A distinct colour per agency (or counter group), in the order given (tab20, then
    tab20b), for counters coloured by who serves there."""
    from matplotlib import colormaps

    colours = [*colormaps["tab20"].colors, *colormaps["tab20b"].colors]  # type: ignore[attr-defined]
    return {a: (*colours[i % len(colours)][:3], 1.0) for i, a in enumerate(agencies)}


def short_agency(agency: str, width: int = 9) -> str:
    """A short form of an agency id for labels (``bpjs-ketenagakerjaan`` -> ``bpjs-kete``)."""
    return agency if len(agency) <= width else agency[:width]


def _patch(geom: BaseGeometry, **style: object) -> PathPatch | None:
    paths = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            paths.append(MplPath(np.asarray(ring.coords)[:, :2], closed=True))
    if not paths:
        return None
    return PathPatch(MplPath.make_compound_path(*paths), **style)


def _add(ax: Axes, geom: BaseGeometry, **style: object) -> None:
    patch = _patch(geom, **style)
    if patch is not None:
        ax.add_patch(patch)


def _new_axes(plan: FloorPlan, ax: Axes | None, extra_width: float = 0.0) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.get_figure(), ax  # type: ignore[return-value]
    minx, miny, maxx, maxy = plan.floor_shape.bounds if plan.floors else (0, 0, 10, 10)
    w = max(maxx - minx, 1.0)
    h = max(maxy - miny, 1.0)
    width_in = 13.0
    fig = Figure(figsize=(width_in + extra_width, max(4.0, width_in * h / w + 1.2)), dpi=110)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(1, 1, 1)


def _base(ax: Axes, plan: FloorPlan, *, zone_fill: Mapping[str, str] | None = None) -> None:
    _add(ax, plan.floor_shape, facecolor=_FLOOR, edgecolor="#b9b2a3", linewidth=0.8, zorder=1)
    for z in plan.zones:
        fill = (zone_fill or {}).get(z.name, _ZONE)
        _add(
            ax,
            z.area.shape,
            facecolor=fill,
            edgecolor=_ZONE_EDGE,
            linewidth=0.8,
            linestyle="--",
            zorder=2,
        )
    seats = plan.seats
    if seats:
        ax.scatter(
            [s.x for s in seats],
            [s.y for s in seats],
            s=5,
            marker="s",
            color=_SEAT,
            alpha=0.55,
            linewidths=0,
            zorder=3,
        )
    obstacles = [o.shape for o in plan.obstacles]
    for o in obstacles:
        _add(ax, o, facecolor=_OBSTACLE, edgecolor="#6e6a62", linewidth=0.5, zorder=4)
    for w in plan.walls:
        shape = (
            w.shape.buffer(WALL_THICKNESS_M / 2, cap_style="flat", join_style="mitre")
            if isinstance(w, Line)
            else w.shape
        )
        _add(ax, shape, facecolor=_WALL, edgecolor=_WALL, linewidth=0.3, zorder=5)
    for doors, colour, label in (
        (plan.entrances, _ENTRANCE, "IN"),
        (plan.exits, _EXIT, "OUT"),
    ):
        for d in doors:
            if isinstance(d, Line):
                xs, ys = zip(*d.coords, strict=True)
                ax.plot(xs, ys, color=colour, linewidth=4, solid_capstyle="butt", zorder=6)
                c = d.shape.interpolate(0.5, normalized=True)
            else:
                _add(ax, d.shape, facecolor=colour, alpha=0.5, zorder=6)
                c = d.shape.centroid
            ax.annotate(
                label,
                (c.x, c.y),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                fontweight="bold",
                color=colour,
                zorder=9,
            )
    for link in plan.links:
        ax.scatter(
            [link.x],
            [link.y],
            marker="s" if link.kind == "stair" else "P",
            s=90,
            color="#117a65",
            edgecolors="white",
            linewidths=0.6,
            zorder=8,
        )
        ax.annotate(
            f"{link.kind} {link.link}".strip(),
            (link.x, link.y),
            xytext=(0, -12),
            textcoords="offset points",
            ha="center",
            fontsize=6.5,
            color="#117a65",
            zorder=9,
        )
    for spots, marker, label in ((plan.kiosks, "^", "kiosk"), (plan.infos, "D", "info")):
        if spots:
            ax.scatter(
                [s.x for s in spots],
                [s.y for s in spots],
                marker=marker,
                s=55,
                color="#6c3483",
                edgecolors="white",
                linewidths=0.6,
                zorder=8,
            )
            for s in spots:
                ax.annotate(
                    label,
                    (s.x, s.y),
                    xytext=(0, -11),
                    textcoords="offset points",
                    ha="center",
                    fontsize=6.5,
                    color="#6c3483",
                    zorder=9,
                )


def _zone_labels(ax: Axes, plan: FloorPlan, text: Mapping[str, str]) -> None:
    for z in plan.zones:
        p = z.area.shape.representative_point()
        c = z.area.shape.centroid
        if z.area.shape.contains(c):
            p = c
        ax.text(
            p.x,
            p.y,
            text.get(z.name, z.name),
            ha="center",
            va="center",
            fontsize=8,
            color="#1f4e79",
            zorder=9,
            bbox={
                "boxstyle": "round,pad=0.25",
                "fc": "white",
                "ec": _ZONE_EDGE,
                "alpha": 0.85,
                "lw": 0.5,
            },
        )


def _finish(ax: Axes, plan: FloorPlan, title: str) -> None:
    if plan.floors:
        minx, miny, maxx, maxy = plan.floor_shape.bounds
        pad = 1.0
        ax.set_xlim(minx - pad, maxx + pad)
        ax.set_ylim(miny - pad, maxy + pad)
    ax.set_aspect("equal")
    ax.set_xlabel("x (m)", fontsize=8)
    ax.set_ylabel("y (m)", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(True, color="#e3ded3", linewidth=0.4, zorder=0)
    if title:
        ax.set_title(title, fontsize=11)


def _label_offset(plan: FloorPlan, x: float, y: float) -> tuple[float, float, str, str]:
    """Place a counter label on the side of the point facing the open floor."""
    best = (0.0, 9.0, "center", "bottom")
    best_area = -1.0
    for dx, dy, ha, va in (
        (0, 9, "center", "bottom"),
        (0, -9, "center", "top"),
        (9, 0, "left", "center"),
        (-9, 0, "right", "center"),
    ):
        probe = Point(x + dx / 9 * 1.2, y + dy / 9 * 1.2).buffer(0.6)
        area = probe.intersection(plan.walkable).area
        if area > best_area + 1e-9:
            best, best_area = (dx, dy, ha, va), area
    return best


def draw_plan(
    plan: FloorPlan,
    *,
    site: SiteLayout | None = None,
    route: Sequence[XY] | None = None,
    counter_values: Mapping[str, float] | None = None,
    value_label: str = "",
    title: str = "",
    ax: Axes | None = None,
    agency_colours: Mapping[str, Any] | None = None,
) -> Figure:
    """Draw the plan; counters labelled ``slot agency`` and optionally coloured by a value.

    ``site`` (from :func:`compile_site`) supplies the agency of each slot; ``route`` a polyline
    to overlay; ``counter_values`` maps slot -> value (e.g. p90 wait in minutes) shown with a
    colour bar labelled ``value_label``; ``agency_colours`` (agency -> colour, e.g.
    :func:`agency_palette`) colours each counter by the agency it serves instead.
    """
    own_figure = ax is None
    fig, ax = _new_axes(plan, ax, extra_width=1.5 if counter_values else 0.0)
    _base(ax, plan)
    _zone_labels(ax, plan, {z.name: f"{z.name}\n{len(z.seats)} seats" for z in plan.zones})
    agency_of = site.slot_agency if site is not None else {c.slot: c.agency for c in plan.counters}
    values = dict(counter_values or {})
    norm = None
    if values:
        vals = np.array(list(values.values()), dtype=float)
        norm = Normalize(vmin=float(np.nanmin(vals)), vmax=float(np.nanmax(vals)) or 1.0)
    cmap = "plasma"
    xs = [c.x for c in plan.counters]
    ys = [c.y for c in plan.counters]
    colours: list[Any]
    if values and norm is not None:
        mapper = ScalarMappable(norm=norm, cmap=cmap)
        colours = [
            mapper.to_rgba(np.asarray(values[c.slot])) if c.slot in values else (0.8, 0.8, 0.8, 1.0)
            for c in plan.counters
        ]
    elif agency_colours is not None:
        colours = [agency_colours.get(agency_of.get(c.slot, ""), "#dddddd") for c in plan.counters]
    else:
        colours = [_COUNTER if agency_of.get(c.slot) else "#999999" for c in plan.counters]
    ax.scatter(xs, ys, s=42, marker="o", c=colours, edgecolors="black", linewidths=0.5, zorder=8)
    for c in plan.counters:
        dx, dy, ha, va = _label_offset(plan, c.x, c.y)
        agency = agency_of.get(c.slot, "")
        text = f"{c.slot}\n{short_agency(agency)}" if agency else c.slot
        ax.annotate(
            text,
            (c.x, c.y),
            xytext=(dx, dy),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=5.5,
            linespacing=0.95,
            zorder=9,
        )
    if route:
        rx, ry = zip(*route, strict=True)
        ax.plot(rx, ry, color=_ROUTE, linewidth=2.2, zorder=10)
        ax.scatter([rx[0], rx[-1]], [ry[0], ry[-1]], color=_ROUTE, s=30, zorder=10)
    if values and norm is not None:
        bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.7, pad=0.01)
        bar.set_label(value_label, fontsize=9)
        bar.ax.tick_params(labelsize=7)
    _finish(ax, plan, title)
    if own_figure:
        fig.tight_layout()
    return fig


def draw_building(
    building: Building,
    *,
    site: SiteLayout | None = None,
    counter_values: Mapping[str, float] | None = None,
    value_label: str = "",
    title: str = "",
) -> Figure:
    """Draw every floor of a building, one panel per floor (ground floor first), with the
    same counter labels and values as :func:`draw_plan`."""
    n = len(building.floors)
    widths = []
    heights = []
    for plan in building.floors:
        minx, miny, maxx, maxy = plan.floor_shape.bounds if plan.floors else (0, 0, 10, 10)
        widths.append(max(maxx - minx, 1.0))
        heights.append(max(maxy - miny, 1.0))
    width_in = 13.0 + (1.5 if counter_values else 0.0)
    panel_h = [width_in * h / w + 1.0 for w, h in zip(widths, heights, strict=True)]
    fig = Figure(figsize=(width_in, max(4.0, sum(panel_h) + 0.6)), dpi=110)
    FigureCanvasAgg(fig)
    axes = fig.subplots(n, 1, squeeze=False, height_ratios=panel_h)[:, 0]
    for ax, level, plan in zip(axes, building.levels, building.floors, strict=True):
        name = "ground floor" if level == 0 else f"floor {level}"
        draw_plan(
            plan,
            site=site,
            counter_values=counter_values,
            value_label=value_label,
            title=f"{name}: {plan.name}",
            ax=ax,
        )
    if title:
        fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    return fig


def draw_zone_values(
    plan: FloorPlan,
    zone_values: Mapping[str, float],
    *,
    capacity: Mapping[str, float] | None = None,
    value_label: str = "people",
    title: str = "",
    ax: Axes | None = None,
) -> Figure:
    """Draw the plan with a number on each waiting zone (e.g. occupancy at a clock time).

    Zones are shaded by ``value / capacity`` when ``capacity`` (zone -> people) is given,
    else by value; a zone over its capacity is outlined in red.
    """
    fig, ax = _new_axes(plan, ax, extra_width=1.5)
    shares: dict[str, float] = {}
    for name, value in zone_values.items():
        cap = (capacity or {}).get(name)
        shares[name] = value / cap if cap else value
    top = max([1.0, *shares.values()])
    norm = Normalize(vmin=0.0, vmax=top)
    cmap = "YlOrRd"
    mapper = ScalarMappable(norm=norm, cmap=cmap)
    fills = {n: mapper.to_rgba(np.asarray(v), alpha=0.75) for n, v in shares.items()}
    _base(ax, plan, zone_fill=fills)  # type: ignore[arg-type]
    text = {}
    for z in plan.zones:
        if z.name in zone_values:
            v = zone_values[z.name]
            cap = (capacity or {}).get(z.name)
            text[z.name] = f"{z.name}\n{v:.0f}" + (f" / {cap:.0f}" if cap else "")
            if cap and v > cap:
                _add(ax, z.area.shape, facecolor="none", edgecolor="red", linewidth=2.5, zorder=7)
    _zone_labels(ax, plan, text)
    if plan.counters:
        ax.scatter(
            [c.x for c in plan.counters],
            [c.y for c in plan.counters],
            s=12,
            color="#555555",
            zorder=8,
        )
    bar = fig.colorbar(mapper, ax=ax, shrink=0.7, pad=0.01)
    bar.set_label(f"{value_label} / capacity" if capacity else value_label, fontsize=9)
    bar.ax.tick_params(labelsize=7)
    _finish(ax, plan, title)
    fig.tight_layout()
    return fig
