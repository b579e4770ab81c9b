"""The placement optimiser: which counter slots each queue takes, so that visitors walk least.

A *queue* is an agency with its own counters, or a counter group; its counters go on slots of
the floor plan (every floor of a building, stairs and lifts counted through the building's
routes). What a visitor walks is the engine's path: entrance, information desk (a share),
kiosk, the first waiting zone of their list, one of their queue's counters, and the exit, or
back to the kiosk for a transfer and on to the second agency. Only the part from the kiosk on
depends on the placement, and it adds up over counters: with each queue's zone fixed it is an
assignment problem (:mod:`~simulator.placement.problem`).

- **Together.** A queue's counters take one *block*: slots in one slot group (the slots
  nearest one waiting zone), side by side (each next to another, with no other queue's slot
  between; :mod:`~simulator.placement.problem`). A ``cluster`` (agency field) stands side by
  side too: its queues take consecutive pieces of one joined set of slots.
- **Zones.** A queue's visitors wait where the site's zone rule sends them (busiest queue
  first, nearest zone with room). The optimiser costs a block with its nearest zone and keeps
  every zone's load within the rule's bound, so the rule then gives each queue that zone.
- **Solver.** A mixed-integer programme over the candidate blocks, solved by HiGHS
  (``scipy.optimize.milp``), once per exit; constraints that cannot all hold are relaxed in a
  stated order (:mod:`~simulator.placement.solve`) and the result says which. Every
  candidate is compiled into the site and costed exactly (:func:`walk_estimate`).

Walking is costed as *effort*: metres, plus stair and lift minutes as the metres the visitor
would walk in that time (on one floor, effort is metres).

Typical use::

    result = optimise_placement(load_scenario("scenarios/monday.yaml"))
    print(result.to_text())                  # before / after, per queue
    write_scenario(result.scenario, "monday-placed.yaml")   # simulator.output
"""

from __future__ import annotations

from simulator.placement.optimise import (
    PlacementResult,
    QueuePlacement,
    SimulatedWalk,
    optimise_placement,
    placement_of,
    with_placement,
)
from simulator.placement.problem import LINK_FACTOR
from simulator.placement.solve import SOLVER
from simulator.placement.walk import WalkEstimate, walk_estimate

__all__ = [
    "LINK_FACTOR",
    "SOLVER",
    "PlacementResult",
    "QueuePlacement",
    "SimulatedWalk",
    "WalkEstimate",
    "optimise_placement",
    "placement_of",
    "walk_estimate",
    "with_placement",
]
