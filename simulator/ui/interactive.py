"""The app's charts as interactive Vega-Lite (Altair) charts: hover for the values, a legend
that names every series, numbers in the screen's language.

Altair ships with Streamlit and its charts render in the browser from a JSON spec (no image
to draw on the server, no new dependency), with hover texts and a clickable legend. Every
word comes from the translator; numbers follow :mod:`simulator.ui.numbers` (``17,2`` on
Indonesian screens). Variants keep one colour by name (:func:`simulator.ui.colours.
variant_colours`). Nothing here imports Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from simulator.experiment import ExperimentResult
from simulator.ui.colours import wait_colour
from simulator.ui.i18n import Translator
from simulator.ui.numbers import DECIMAL_MARK, THOUSANDS_MARK, number

__all__ = [
    "AGENCY_PALETTE",
    "compare_chart",
    "compare_waits_chart",
    "d3_number_locale",
    "occupancy_chart",
    "queue_chart",
    "waits_chart",
]

HEIGHT = 300
_HOVER_SIZE = 260
"""Area of the (invisible until hovered) points that carry a line's hover text: wide enough
to find with the pointer."""
_PANEL_WIDTH = 340
_TARGET = "#c0392b"
_P90 = "#1f4e79"
#: 26 colours told apart on screen (Tableau 20 and six darker ones), for series by agency.
AGENCY_PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#79706e", "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6", "#8cd17d", "#f1ce63",
    "#d4a6c8", "#fabfd2", "#d7b5a6", "#bab0ac", "#1b4f72", "#7d3c98", "#117864", "#935116",
    "#641e16", "#283747",
)  # fmt: skip
_CLOCK_AXIS = "utcFormat(datum.value * 60000, '%H:%M')"
_CLOCK_TEXT = "utcFormat(datum.time * 60000, '%H:%M')"


def d3_number_locale(lang: str) -> dict[str, object]:
    """The d3-format locale of ``lang`` (Vega-Lite's ``config.locale.number``): the marks of
    :mod:`simulator.ui.numbers`, so a chart's axes and hover texts write numbers as the
    screen's sentences do."""
    return {
        "decimal": DECIMAL_MARK[lang],
        "thousands": THOUSANDS_MARK[lang],
        "grouping": [3],
        "currency": ["Rp", ""] if lang == "id" else ["$", ""],
        "minus": "−",
    }


def _finish(chart: alt.TopLevelMixin, tr: Translator, *, fit: bool = True) -> alt.TopLevelMixin:
    """Numbers in the language's marks; the legend and axes in readable sizes; a single or
    layered chart as wide as the page, its plot ``HEIGHT`` high whatever its legend."""
    size = alt.AutoSizeParams(type="fit-x" if fit else "pad", contains="padding")
    return (
        chart.properties(autosize=size)
        .configure(
            locale={"number": d3_number_locale(tr.lang)},
            font="Source Sans Pro, sans-serif",
        )
        .configure_legend(labelFontSize=12, titleFontSize=12, labelLimit=260, symbolSize=120)
    )


def _hours(minutes: pd.Series) -> list[float]:
    """Whole hours within the times shown (the clock axis's ticks)."""
    low, high = float(minutes.min()), float(minutes.max())
    return [h * 60.0 for h in range(math.ceil(low / 60), math.floor(high / 60) + 1)]


def _clock_x(minutes: pd.Series, tr: Translator) -> alt.X:
    return alt.X(
        "time:Q",
        title=tr("axis_clock"),
        scale=alt.Scale(nice=False),
        axis=alt.Axis(labelExpr=_CLOCK_AXIS, values=_hours(minutes)),
    )


def _hover_points(base: alt.Chart, along: str, tooltip: list[alt.Tooltip]) -> alt.Chart:
    """The points that show under the pointer (the nearest ``along`` value) with ``tooltip``:
    hover on a line chart without hiding the lines."""
    hover = alt.selection_point(
        fields=[along], on="pointerover", nearest=True, empty=False, name="hover"
    )
    return (
        base.mark_circle(size=_HOVER_SIZE)
        .encode(opacity=alt.condition(hover, alt.value(1.0), alt.value(0.0)), tooltip=tooltip)
        .add_params(hover)
    )


def queue_chart(
    result: ExperimentResult, *, tr: Translator, names: Mapping[str, str]
) -> alt.TopLevelMixin | None:
    """Tickets waiting at each agency through the day (mean over replications): one line per
    agency, every agency in the legend (longest queue first; click one to pick it out), the
    agency's full name, the time and the queue on hover."""
    queue = result.queue
    if not len(queue):
        return None
    frame = queue[["time", "agency", "queue"]].copy()
    frame["queue"] = frame["queue"].astype(float).round(2)
    peaks = frame.groupby("agency", sort=False)["queue"].max().sort_values(ascending=False)
    order = [str(a) for a in peaks.index]
    full = pd.DataFrame({"agency": order, "name": [names.get(a, a) for a in order]})
    pick = alt.selection_point(fields=["agency"], bind="legend", name="agency_pick")
    colour = alt.Color(
        "agency:N",
        title=tr("iv_agency"),
        sort=order,
        scale=alt.Scale(domain=order, range=list(AGENCY_PALETTE)),
        legend=alt.Legend(orient="bottom", columns=6, symbolType="stroke"),
    )
    base = (
        alt.Chart(frame)
        .transform_lookup(lookup="agency", from_=alt.LookupData(full, "agency", ["name"]))
        .transform_calculate(clock=_CLOCK_TEXT, queue_text="format(datum.queue, ',.1f')")
        .encode(
            x=_clock_x(frame["time"], tr),
            y=alt.Y("queue:Q", title=tr("axis_queue")),
            color=colour,
            detail="agency:N",
        )
    )
    lines = base.mark_line(strokeWidth=1.8).encode(
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.12))
    )
    points = _hover_points(
        base,
        "time",
        [
            alt.Tooltip("clock:N", title=tr("axis_clock")),
            alt.Tooltip("name:N", title=tr("iv_agency")),
            alt.Tooltip("queue_text:N", title=tr("axis_queue")),
        ],
    ).transform_filter(pick)
    chart = (
        alt.layer(lines.add_params(pick), points)
        .properties(height=HEIGHT, title=tr("chart_queue"))
        .interactive(bind_y=False)
    )
    return _finish(chart, tr)


def waits_chart(
    result: ExperimentResult, *, tr: Translator, target_min: float
) -> alt.TopLevelMixin:
    """Share of ticket holders by waiting time (2.5-minute bins, the last holding the longest
    waits), bars coloured by their wait against the target, with the target and the p90
    marked."""
    waits = result.waits["wait_min"].to_numpy(dtype=float) if len(result.waits) else np.zeros(0)
    never = int(np.sum(~np.isfinite(waits)))
    finite = waits[np.isfinite(waits)]
    lang = tr.lang
    rows = []
    if finite.size:
        p90 = float(result.overall["wait_p90_min"])
        reach = p90 * 1.08 if math.isfinite(p90) else 0.0
        top = max(float(np.percentile(finite, 99.5)), target_min * 1.5, reach, 5.0)
        edges = np.arange(0.0, top + 2.5, 2.5)
        counts, _ = np.histogram(np.clip(finite, 0, edges[-1] - 1e-9), bins=edges)
        total = waits.size
        for low, high, count in zip(edges[:-1], edges[1:], counts.tolist(), strict=True):
            share = 100.0 * count / total
            rows.append(
                {
                    "low": float(low),
                    "high": float(high),
                    "share": share,
                    "colour": wait_colour((low + high) / 2, target_min),
                    "range": tr(
                        "iv_wait_range",
                        low=number(low, lang, digits=1),
                        high=number(high, lang, digits=1),
                    ),
                    "share_text": tr("iv_share_visitors", value=number(share, lang, digits=1)),
                }
            )
    frame = pd.DataFrame(rows, columns=["low", "high", "share", "colour", "range", "share_text"])
    bars = (
        alt.Chart(frame)
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("low:Q", title=tr("axis_wait"), bin="binned"),
            x2="high:Q",
            y=alt.Y("share:Q", title=tr("axis_share_visitors")),
            color=alt.Color("colour:N", scale=None),
            tooltip=[
                alt.Tooltip("range:N", title=tr("axis_wait")),
                alt.Tooltip("share_text:N", title=tr("axis_share_visitors")),
            ],
        )
    )
    p90 = float(result.overall["wait_p90_min"])
    marks = [
        {
            "at": target_min,
            "what": tr("iv_target_mark", value=number(target_min, lang, digits=0)),
            "colour": _TARGET,
            "dash": 0,
        }
    ]
    if math.isfinite(p90):
        marks.append(
            {
                "at": p90,
                "what": tr("iv_p90_mark", value=number(p90, lang, digits=1)),
                "colour": _P90,
                "dash": 1,
            }
        )
    rules = (
        alt.Chart(pd.DataFrame(marks))
        .mark_rule(strokeWidth=2.5)
        .encode(
            x="at:Q",
            color=alt.Color(
                "what:N",
                scale=alt.Scale(
                    domain=[str(m["what"]) for m in marks],
                    range=[str(m["colour"]) for m in marks],
                ),
                legend=alt.Legend(title=None, orient="top-right"),
            ),
            strokeDash=alt.StrokeDash(
                "dash:N", scale=alt.Scale(domain=[0, 1], range=[[1, 0], [6, 4]]), legend=None
            ),
            tooltip=alt.Tooltip("what:N", title=" "),
        )
    )
    title: str | list[str] = tr("chart_waits")
    if never:
        title = [
            tr("chart_waits"),
            tr("iv_never_called", share=number(100 * never / waits.size, lang, digits=1)),
        ]
    chart = alt.layer(bars, rules).properties(height=HEIGHT, title=title)
    return _finish(chart, tr)


def occupancy_chart(result: ExperimentResult, *, tr: Translator) -> alt.TopLevelMixin | None:
    """People in each waiting zone through the day (mean over replications) against its seats
    (dotted) and its room standing included (dashed); values on hover. ``None`` without
    zones."""
    occupancy = result.occupancy
    zones = result.zones_summary
    if not len(occupancy) or not len(zones):
        return None
    frame = occupancy[["time", "zone", "occupancy"]].copy()
    frame["occupancy"] = frame["occupancy"].astype(float).round(2)
    seats = {str(z["zone"]): float(z["seats"]) for _, z in zones.iterrows()}
    room = {
        str(z["zone"]): float(z["seats"]) + float(z["standing_capacity"])
        for _, z in zones.iterrows()
    }
    frame["seats"] = frame["zone"].map(lambda z: seats.get(str(z), math.nan))
    peaks = {str(z): float(v) for z, v in frame.groupby("zone")["occupancy"].max().items()}
    order = list(seats)
    colour = alt.Color(
        "zone:N",
        title=tr("iv_zone"),
        sort=order,
        scale=alt.Scale(domain=order, range=list(AGENCY_PALETTE)),
        legend=alt.Legend(orient="bottom", columns=3),
    )
    base = (
        alt.Chart(frame)
        .transform_calculate(clock=_CLOCK_TEXT, people_text="format(datum.occupancy, ',.1f')")
        .encode(
            x=_clock_x(frame["time"], tr),
            y=alt.Y("occupancy:Q", title=tr("axis_people")),
            color=colour,
        )
    )
    lines = base.mark_line(strokeWidth=2.2)
    points = _hover_points(
        base,
        "time",
        [
            alt.Tooltip("clock:N", title=tr("axis_clock")),
            alt.Tooltip("zone:N", title=tr("iv_zone")),
            alt.Tooltip("people_text:N", title=tr("axis_people")),
            alt.Tooltip("seats:Q", title=tr("iv_seats"), format=",.0f"),
        ],
    )
    limits = pd.DataFrame(
        [{"zone": z, "value": seats[z], "kind": tr("iv_seats"), "dash": 0} for z in order]
        + [
            {"zone": z, "value": room[z], "kind": tr("iv_room"), "dash": 1}
            for z in order
            if room[z] > seats[z] and peaks.get(z, 0.0) > 0.9 * seats[z]
        ]
    )
    rules = (
        alt.Chart(limits)
        .mark_rule(strokeWidth=1.4)
        .encode(
            y="value:Q",
            color=alt.Color(
                "zone:N", sort=order, scale=alt.Scale(domain=order, range=list(AGENCY_PALETTE))
            ),
            strokeDash=alt.StrokeDash(
                "kind:N",
                scale=alt.Scale(domain=[tr("iv_seats"), tr("iv_room")], range=[[2, 3], [8, 4]]),
                legend=alt.Legend(title=None, orient="top-right", symbolType="stroke"),
            ),
            tooltip=[
                alt.Tooltip("zone:N", title=tr("iv_zone")),
                alt.Tooltip("kind:N", title=" "),
                alt.Tooltip("value:Q", title=tr("axis_people"), format=",.0f"),
            ],
        )
    )
    chart = alt.layer(lines, points, rules).properties(height=HEIGHT, title=tr("chart_occupancy"))
    return _finish(chart, tr)


def compare_chart(
    names: Sequence[str],
    results: Sequence[ExperimentResult],
    colours: Mapping[str, str],
    *,
    tr: Translator,
    target_min: float,
    target_share: float,
) -> alt.TopLevelMixin:
    """Overall p90 wait and share called within the target per variant, each with its 95%
    interval and the target marked; one colour per variant name."""
    lang = tr.lang
    rows = []
    for name, result in zip(names, results, strict=True):
        overall = result.overall
        for kpi, scale, digits, unit in (
            ("wait_p90_min", 1.0, 1, tr("iv_unit_min")),
            ("within_target", 100.0, 1, "%"),
        ):
            value = float(overall[kpi]) * scale
            half = float(overall[f"{kpi}_ci"]) * scale
            half = half if math.isfinite(half) else 0.0
            rows.append(
                {
                    "variant": name,
                    "kpi": kpi,
                    "value": value if math.isfinite(value) else None,
                    "low": value - half if math.isfinite(value) else None,
                    "high": value + half if math.isfinite(value) else None,
                    "text": tr(
                        "iv_value_ci",
                        value=number(value, lang, digits=digits),
                        low=number(value - half, lang, digits=digits),
                        high=number(value + half, lang, digits=digits),
                        unit=unit,
                    ),
                }
            )
    frame = pd.DataFrame(rows)
    domain = list(names)
    colour = alt.Color(
        "variant:N",
        title=tr("iv_variant"),
        scale=alt.Scale(domain=domain, range=[colours[n] for n in domain]),
        legend=alt.Legend(orient="bottom", columns=3, labelLimit=400),
    )

    def panel(kpi: str, title: str, axis: str, target: float, target_text: str) -> alt.LayerChart:
        data = frame[frame["kpi"] == kpi]
        x = alt.X("variant:N", title=None, sort=domain, axis=alt.Axis(labels=False, ticks=False))
        bars = (
            alt.Chart(data)
            .mark_bar(opacity=0.9)
            .encode(
                x=x,
                y=alt.Y("value:Q", title=axis),
                color=colour,
                tooltip=[
                    alt.Tooltip("variant:N", title=tr("iv_variant")),
                    alt.Tooltip("text:N", title=axis),
                ],
            )
        )
        errors = (
            alt.Chart(data)
            .mark_errorbar(ticks=True, color="#222")
            .encode(x=x, y=alt.Y("low:Q", title=axis), y2="high:Q")
        )
        mark = pd.DataFrame([{"at": target, "what": target_text}])
        rule = (
            alt.Chart(mark)
            .mark_rule(color=_TARGET, strokeDash=[6, 4], strokeWidth=2)
            .encode(y="at:Q", tooltip=alt.Tooltip("what:N", title=" "))
        )
        label = (
            alt.Chart(mark)
            .mark_text(align="right", dy=-7, color=_TARGET, fontWeight="bold")
            .encode(y="at:Q", x=alt.value(_PANEL_WIDTH), text="what:N")
        )
        layered = alt.layer(bars, errors, rule, label)
        sized: alt.LayerChart = layered.properties(height=HEIGHT, width=_PANEL_WIDTH, title=title)  # type: ignore[assignment]
        return sized

    left = panel(
        "wait_p90_min",
        tr("chart_compare_p90"),
        tr("axis_p90"),
        target_min,
        tr("iv_target_mark", value=number(target_min, lang, digits=0)),
    )
    right = panel(
        "within_target",
        tr("chart_compare_within"),
        tr("axis_within"),
        target_share * 100,
        tr("iv_goal_mark", value=number(target_share * 100, lang, digits=0)),
    )
    chart = alt.hconcat(left, right).resolve_scale(y="independent")
    return _finish(chart, tr, fit=False)


def compare_waits_chart(
    names: Sequence[str],
    results: Sequence[ExperimentResult],
    colours: Mapping[str, str],
    *,
    tr: Translator,
    target_min: float,
) -> alt.TopLevelMixin:
    """Share of ticket holders called within each waiting time, one line per variant (in its
    colour), with the target wait marked: the higher the line at the target, the better."""
    lang = tr.lang
    rows = []
    for name, result in zip(names, results, strict=True):
        waits = result.waits["wait_min"].to_numpy(dtype=float) if len(result.waits) else np.zeros(0)
        if not waits.size:
            continue
        finite = np.sort(waits[np.isfinite(waits)])
        top = max(target_min * 3, float(np.percentile(finite, 99)) if finite.size else 0.0)
        for minute in np.linspace(0.0, top, 121):
            share = 100.0 * np.searchsorted(finite, minute, side="right") / waits.size
            rows.append(
                {
                    "variant": name,
                    "minute": float(minute),
                    "share": float(share),
                    "text": tr(
                        "iv_called_within",
                        share=number(share, lang, digits=1),
                        minutes=number(minute, lang, digits=1),
                    ),
                }
            )
    frame = pd.DataFrame(rows, columns=["variant", "minute", "share", "text"])
    domain = list(names)
    base = alt.Chart(frame).encode(
        x=alt.X("minute:Q", title=tr("axis_wait")),
        y=alt.Y("share:Q", title=tr("iv_axis_called_within"), scale=alt.Scale(domain=[0, 100])),
        color=alt.Color(
            "variant:N",
            title=tr("iv_variant"),
            scale=alt.Scale(domain=domain, range=[colours[n] for n in domain]),
            legend=alt.Legend(orient="bottom", columns=3, labelLimit=400),
        ),
    )
    lines = base.mark_line(strokeWidth=2.4)
    points = _hover_points(
        base,
        "minute",
        [alt.Tooltip("variant:N", title=tr("iv_variant")), alt.Tooltip("text:N", title=" ")],
    )
    mark = pd.DataFrame(
        [{"at": target_min, "what": tr("iv_target_mark", value=number(target_min, lang, digits=0))}]
    )
    rule = (
        alt.Chart(mark)
        .mark_rule(color=_TARGET, strokeDash=[6, 4], strokeWidth=2)
        .encode(x="at:Q", tooltip=alt.Tooltip("what:N", title=" "))
    )
    chart = alt.layer(lines, points, rule).properties(
        height=HEIGHT, title=tr("iv_chart_called_within")
    )
    return _finish(chart, tr)
