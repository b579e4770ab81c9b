"""What the planner changed, in words: the description a downloaded scenario carries, and the
name a saved variant gets (``Kompak +5 loket``).

:func:`scenario_changes` compares an edited scenario with the one it was made from, field by
field a planner edits, and writes each difference as a short phrase in the screen's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from simulator.scenario import Scenario, format_clock
from simulator.ui.i18n import Translator
from simulator.ui.numbers import number, percent

__all__ = ["counter_delta", "layout_nickname", "scenario_changes", "variant_name"]

_HOURS = ("tickets_open", "service_start", "last_ticket", "closing")


def layout_nickname(layout: str, tr: Translator) -> str:
    """A layout's name as planners say it (``Kompak`` for ``korpri-compact``), else as is."""
    key = f"layoutname_{layout}"
    return tr(key) if tr.has(key) else layout


def counter_delta(base: Scenario, other: Scenario) -> int:
    """Counters ``other`` has more than ``base`` (negative: fewer)."""
    return other.total_counters - base.total_counters


def _agency_changes(
    base: Scenario, edited: Scenario, tr: Translator, names: Mapping[str, str]
) -> list[str]:
    out: list[str] = []
    kept = {a.id for a in edited.agencies}
    left = [names.get(a.id, a.id) for a in base.agencies if a.id not in kept]
    if left:
        out.append(tr("change_left_out", names=", ".join(left)))
    for old in base.agencies:
        if old.id not in kept:
            continue
        new = edited.agency(old.id)
        name = names.get(old.id, old.id)
        if new.counters != old.counters:
            out.append(tr("change_counters", name=name, old=old.counters, new=new.counters))
        if new.days_open != old.days_open:
            days = ", ".join(tr(f"wd_{d}") for d in new.days_open)
            out.append(tr("change_days", name=name, days=days))
        if new.booking != old.booking:
            if new.booking is None:
                out.append(tr("change_booking_off", name=name))
            else:
                out.append(
                    tr(
                        "change_booking",
                        name=name,
                        share=percent(new.booking.share, tr.lang),
                        slot=number(new.booking.slot_min, tr.lang, digits=0),
                        per_slot=new.booking.per_slot,
                    )
                )
        if new.service_time != old.service_time:
            out.append(tr("change_service", name=name))
    if len(edited.agencies) == len(base.agencies):
        for old in base.agencies:
            new = edited.agency(old.id)
            if (
                old.share is not None
                and new.share is not None
                and abs(new.share - old.share) > 1e-9
            ):
                out.append(tr("change_shares"))
                break
    return out


def scenario_changes(
    base: Scenario,
    edited: Scenario,
    tr: Translator,
    *,
    names: Mapping[str, str],
    layout_names: Mapping[str, str] | None = None,
) -> list[str]:
    """Each difference from ``base`` to ``edited`` a planner made, as a short phrase."""
    out: list[str] = []
    if edited.day.weekday != base.day.weekday:
        out.append(tr("change_weekday", day=tr(f"weekday_{edited.day.weekday}")))
    if edited.day.type != base.day.type:
        out.append(tr("change_day_type", day=edited.day.type))
    if edited.demand.visitors_per_day != base.demand.visitors_per_day:
        out.append(
            tr(
                "change_visitors",
                visitors=number(edited.demand.visitors_per_day, tr.lang, digits=0),
            )
        )
    for field in _HOURS:
        old, new = getattr(base.day.hours, field), getattr(edited.day.hours, field)
        if old != new:
            out.append(tr("change_hour", what=tr(f"hour_{field}"), time=format_clock(new)))
    out.extend(_agency_changes(base, edited, tr, names))
    old_groups = {g.id: g.counters for g in base.counter_groups}
    for group in edited.counter_groups:
        if old_groups.get(group.id, group.counters) != group.counters:
            out.append(
                tr(
                    "change_counters",
                    name=names.get(group.id, group.id),
                    old=old_groups[group.id],
                    new=group.counters,
                )
            )
    if edited.placement != base.placement:
        out.append(tr("change_placement"))
    if edited.layout_files() != base.layout_files():
        files = edited.layout_files()
        label = " + ".join((layout_names or {}).get(f, Path(f).stem) for f in files)
        out.append(tr("change_layout", layout=label or tr("layout_none")))
    if edited.target.counted_from != base.target.counted_from:
        out.append(tr(f"change_counted_{edited.target.counted_from}"))
    if (edited.run.replications, edited.run.seed) != (base.run.replications, base.run.seed):
        out.append(tr("change_run", replications=edited.run.replications, seed=edited.run.seed))
    return out


def variant_name(
    scenario: Scenario, layout: str, tr: Translator, *, reference: Scenario | None
) -> str:
    """A default name that reads well and has no commas: the layout's nickname and the
    counters, against the reference variant when there is one (``Kompak +5 loket``)."""
    nickname = layout_nickname(layout, tr)
    if reference is None:
        return tr("variant_name_counters", layout=nickname, counters=scenario.total_counters)
    delta = counter_delta(reference, scenario)
    if delta == 0:
        return tr("variant_name_same", layout=nickname)
    return tr("variant_name_delta", layout=nickname, delta=f"{delta:+d}")
