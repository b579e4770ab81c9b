"""A scenario's placement made to fit its layout: what no longer fits is dropped, said, and left
to the default rule (the drawing's AGENCY attributes, then free slots kept together).

Needed when a scenario moves to another floor plan (``layouts compare``) or its counters
change (``optimize --out``): a queue placed on slots the layout does not have, or on fewer
slots than it now has counters, loses its placement; a zone named for a queue that the
layout does not have is dropped too.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.floorplan.site import as_building, waiting_zones
from simulator.inputs import layout_for
from simulator.naming import natural_key
from simulator.scenario import Scenario, parse_scenario, scenario_to_data

__all__ = ["Fitted", "fit_to_layout"]


@dataclass(frozen=True, kw_only=True)
class Fitted:
    """The scenario as it fits its layout, and what was dropped (queue ids; zone owners)."""

    scenario: Scenario
    dropped_placement: tuple[str, ...]
    dropped_zones: tuple[str, ...]

    def notes(self) -> list[str]:
        """What was dropped, in words."""
        out = []
        if self.dropped_placement:
            out.append(
                "placement dropped (the default rule places them): "
                + ", ".join(self.dropped_placement)
            )
        if self.dropped_zones:
            out.append("zones dropped (not on this layout): " + ", ".join(self.dropped_zones))
        return out


def fit_to_layout(scenario: Scenario) -> Fitted:
    """Drop each queue's placement (``placement`` entries or an agency's ``slots``) that names
    a slot the layout lacks or fewer slots than its counters, and each named zone the layout
    lacks. A scenario without a layout is returned as it is."""
    layout = layout_for(scenario)
    if layout is None:
        return Fitted(scenario=scenario, dropped_placement=(), dropped_zones=())
    building = as_building(layout)
    slots = {c.slot for c in building.counters}
    zones = {z.name for z in waiting_zones(building)}
    counters = scenario.queue_counters()
    unfit = tuple(
        sorted(
            (
                queue
                for queue, placed in scenario.queue_slots().items()
                if not set(placed) <= slots or len(placed) < counters.get(queue, 0)
            ),
            key=natural_key,
        )
    )
    stray = tuple(sorted(owner for owner, zone in scenario.zones.items() if zone not in zones))
    if not unfit and not stray:
        return Fitted(scenario=scenario, dropped_placement=(), dropped_zones=())
    data = scenario_to_data(scenario)
    for agency in data["agencies"]:
        if agency["id"] in unfit:
            agency.pop("slots", None)
    data["placement"] = {s: q for s, q in scenario.placement.items() if q not in unfit}
    data["zones"] = {o: z for o, z in scenario.zones.items() if o not in stray}
    return Fitted(
        scenario=parse_scenario(data, source=f"scenario {scenario.name!r} on its layout"),
        dropped_placement=unfit,
        dropped_zones=stray,
    )
