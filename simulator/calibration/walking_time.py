"""The walk from the waiting zone to the counter, which the log counts as service.

``ended_at - called_at`` starts when the number is called, so it includes the walk to the
counter; a simulation on a floor plan walks that leg itself. With ``--layout`` the mean walk of
each agency (over its counters, at the default walking speed of a visitor without priority) is
subtracted from its service times before they are fitted, so the walk is not counted twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from simulator.inputs import read_floorplan
from simulator.scenario import Walking
from simulator.walking import counter_node, zone_node

__all__ = ["walking_minutes"]


def walking_minutes(layout: Path, counters: Mapping[str, int]) -> dict[str, float]:
    """Mean minutes from each agency's waiting zone to its counters on the floor plan."""
    from simulator.floorplan.site import compile_site

    site = compile_site(read_floorplan(layout), counters=dict(counters), name=layout.stem)
    speed_m_per_min = Walking().normal.mean_mps * 60.0
    out = {}
    for agency, n in counters.items():
        legs = [
            site.leg(zone_node(agency), counter_node(agency, k), priority=False) for k in range(n)
        ]
        out[agency] = float(np.mean([m / speed_m_per_min + extra for m, extra in legs]))
    return out
