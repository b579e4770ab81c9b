"""The KPI strip above every tab: the figures a meeting looks at first, each with a traffic
light, and the sentence that says which part of the wait more counters can shorten.

Everything here is pure (figures in, text and HTML out) so it is tested without a browser.
Lights: green meets the target, amber is close to it, red is far from it; a figure that has
no target (the wait before opening) is grey.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Literal

from simulator.experiment import ExperimentResult
from simulator.scenario import Scenario, format_clock
from simulator.ui.i18n import Translator
from simulator.ui.numbers import is_number, number, percent

__all__ = [
    "LIGHT_COLOURS",
    "Card",
    "Light",
    "before_opening_note",
    "kpi_cards",
    "p90_text",
    "strip_html",
]

Light = Literal["green", "amber", "red", "grey"]
#: (border, dot) colours of each light; amber and red stay readable for colour-blind readers
#: because every card also says the value against its target in words.
LIGHT_COLOURS: dict[Light, str] = {
    "green": "#1e8449",
    "amber": "#d68910",
    "red": "#c0392b",
    "grey": "#7f8c8d",
}
#: A p90 within this many minutes above the target is amber, further is red.
P90_AMBER_MIN = 5.0
#: A share within target this many points below the goal is amber, further is red.
SHARE_AMBER_POINTS = 5.0
#: Visitors lost (gave up or turned away) below these shares are green, then amber, then red.
LOST_GREEN = 0.02
LOST_AMBER = 0.05
#: The wait before opening is worth a sentence when it is at least this share of the mean wait.
BEFORE_OPENING_NOTE_SHARE = 0.3


@dataclass(frozen=True, kw_only=True)
class Card:
    """One figure of the strip: its label, value, a line under it and its light."""

    key: str
    label: str
    value: str
    note: str
    light: Light
    help: str = ""


def p90_text(value: float, tr: Translator, *, unit: bool = True) -> str:
    """A p90 in words: ``17,2 menit``, or that it is not reached (more than 10% never called)."""
    if math.isinf(value):
        return tr("p90_not_reached")
    if not is_number(value):
        return "–"
    text = number(value, tr.lang)
    return tr("value_minutes", value=text) if unit else text


def _p90_light(p90: float, target: float) -> Light:
    if not math.isfinite(p90):
        return "red" if math.isinf(p90) else "grey"
    if p90 <= target:
        return "green"
    return "amber" if p90 <= target + P90_AMBER_MIN else "red"


def _share_light(share: float, goal: float) -> Light:
    if not is_number(share):
        return "grey"
    if share >= goal:
        return "green"
    return "amber" if (goal - share) * 100 <= SHARE_AMBER_POINTS else "red"


def _lost_light(lost_share: float) -> Light:
    if not is_number(lost_share):
        return "grey"
    if lost_share < LOST_GREEN:
        return "green"
    return "amber" if lost_share < LOST_AMBER else "red"


def _crowd_card(result: ExperimentResult, tr: Translator) -> Card:
    zones = result.zones_summary
    overall = result.overall
    if not len(zones):
        return Card(
            key="peak",
            label=tr("metric_peak"),
            value="–",
            note=tr("no_layout_short"),
            light="grey",
            help=tr("no_layout_help"),
        )
    seats = int(zones["seats"].sum())
    standing = float(zones["standing_capacity"].sum())
    peak = float(overall["waiting_peak"])
    # the zones' own share of visitors who found them full (the per-agency overflow_share of
    # main also counts visitors called before they sat down, so it is not used here)
    overflow = float(zones["overflow_share"].max())
    stood = float(overall.get("stood_share", math.nan))
    if is_number(overflow) and overflow > 0.005:
        light: Light = "red"
        note = tr("peak_overflow", share=percent(overflow, tr.lang))
    elif is_number(peak) and peak > seats:
        light = "amber" if peak <= seats + standing else "red"
        note = tr("peak_stood", share=percent(stood, tr.lang))
    else:
        light = "green"
        note = tr("peak_seated")
    return Card(
        key="peak",
        label=tr("metric_peak"),
        value=tr("value_peak", peak=number(peak, tr.lang, digits=0), seats=seats),
        note=note,
        light=light,
        help=tr("metric_peak_help"),
    )


def kpi_cards(result: ExperimentResult, scenario: Scenario, tr: Translator) -> list[Card]:
    """The strip's cards: p90, share within target, visitors lost, the wait's split around
    the opening, and the waiting zones' peak against their seats."""
    lang = tr.lang
    overall = result.overall
    target = scenario.target
    p90 = float(overall["wait_p90_min"])
    share = float(overall["within_target"])
    arrivals = float(overall["arrivals"])
    lost = float(overall["abandoned"]) + float(overall["turned_away"])
    lost_share = lost / arrivals if arrivals > 0 else math.nan
    goal_pct = number(target.share * 100, lang, digits=0)
    minutes = number(target.wait_min, lang, digits=0)
    p90_ci = float(overall["wait_p90_min_ci"])
    if math.isinf(p90):
        p90_note = tr("p90_not_reached_note")
    elif is_number(p90_ci):
        p90_note = tr("p90_note", target=minutes, ci=number(p90_ci, lang))
    else:  # the interval's upper end is not reached: say so instead of "± ∞"
        p90_note = tr("p90_note_open", target=minutes)
    mean = float(overall["wait_mean_min"])
    before = float(overall["wait_before_opening_mean_min"])
    after = float(overall["wait_after_opening_mean_min"])
    within_ci = number(float(overall["within_target_ci"]) * 100, lang)
    return [
        Card(
            key="p90",
            label=tr("metric_p90"),
            value=p90_text(p90, tr),
            note=p90_note,
            light=_p90_light(p90, target.wait_min),
            help=tr("metric_p90_help_basis"),
        ),
        Card(
            key="within",
            label=tr("metric_within", minutes=minutes),
            value=percent(share, lang),
            note=tr("within_note", goal=goal_pct),
            light=_share_light(share, target.share),
            help=tr("metric_within_help", ci=within_ci),
        ),
        Card(
            key="lost",
            label=tr("metric_lost"),
            value=percent(lost_share, lang, digits=1 if lost_share < 0.1 else 0),
            note=tr(
                "lost_note",
                gave_up=number(float(overall["abandoned"]), lang, digits=0),
                turned=number(float(overall["turned_away"]), lang, digits=0),
            ),
            light=_lost_light(lost_share),
            help=tr("metric_lost_help"),
        ),
        Card(
            key="split",
            label=tr("metric_wait_mean"),
            value=tr("value_minutes", value=number(mean, lang)),
            note=tr("split_note", before=number(before, lang), after=number(after, lang)),
            light="grey",
            help=tr("metric_split_help"),
        ),
        _crowd_card(result, tr),
    ]


def before_opening_note(result: ExperimentResult, scenario: Scenario, tr: Translator) -> str:
    """A sentence when much of the wait passes before the counters open (which more counters
    cannot shorten), else an empty string."""
    overall = result.overall
    mean = float(overall["wait_mean_min"])
    before = float(overall["wait_before_opening_mean_min"])
    if not (is_number(mean) and is_number(before)) or mean <= 0:
        return ""
    if before / mean < BEFORE_OPENING_NOTE_SHARE:
        return ""
    return tr(
        "before_opening_note",
        before=number(before, tr.lang),
        mean=number(mean, tr.lang),
        early=percent(float(overall["share_arrived_before_opening"]), tr.lang),
        opening=format_clock(scenario.day.hours.service_start),
        after=number(float(overall["wait_after_opening_mean_min"]), tr.lang),
    )


_STYLE = (
    "<style>"
    ".mpp-strip{display:flex;gap:0.6rem;flex-wrap:wrap;margin:0.2rem 0 0.4rem 0;}"
    ".mpp-card{flex:1 1 0;min-width:150px;border:1px solid #e3e3e3;border-left:6px solid;"
    "border-radius:6px;padding:0.35rem 0.6rem;background:#fff;}"
    ".mpp-card .l{font-size:0.8rem;color:#555;white-space:nowrap;overflow:hidden;"
    "text-overflow:ellipsis;}"
    ".mpp-card .v{font-size:1.35rem;font-weight:600;line-height:1.3;white-space:nowrap;}"
    ".mpp-card .n{font-size:0.75rem;color:#555;}"
    ".mpp-dot{display:inline-block;width:0.7rem;height:0.7rem;border-radius:50%;"
    "margin-right:0.35rem;vertical-align:baseline;}"
    "</style>"
)


def strip_html(cards: list[Card], tr: Translator, *, run: str = "") -> str:
    """The cards as one row of HTML (every text escaped); ``run`` names the result shown (the
    browser tests and the bench watch it change)."""
    parts = [_STYLE, f'<div class="mpp-strip" data-run="{html.escape(run)}">']
    for card in cards:
        colour = LIGHT_COLOURS[card.light]
        light_word = html.escape(tr(f"light_{card.light}"))
        parts.append(
            f'<div class="mpp-card" data-kpi="{card.key}" data-light="{card.light}" '
            f'style="border-left-color:{colour}" title="{html.escape(card.help)}">'
            f'<div class="l">{html.escape(card.label)}</div>'
            f'<div class="v"><span class="mpp-dot" style="background:{colour}" '
            f'role="img" aria-label="{light_word}"></span>{html.escape(card.value)}</div>'
            f'<div class="n">{html.escape(card.note)}</div></div>'
        )
    parts.append("</div>")
    return "".join(parts)
