"""Sweeps: a base scenario and a grid of changes, every combination replicated, stored as it runs.

A sweep file (YAML, checked strictly like a scenario) names a base scenario and a grid::

    base: ../normal-day.yaml          # relative to the sweep file
    seed: 2023                        # default: the base scenario's run.seed
    replications: 5                   # default: the base scenario's run.replications
    grid:
      counters: {disdukcapil: [4, 5, 6], samsat: [2, 3]}
      volume: [1.0, 1.2]              # visitor volume multiplier
      layouts: [../../layouts/korpri-central.geojson, null]
      day_types: [normal, monday]
      agencies_out: [[], [taspen]]    # agencies left out of the hall

One module per idea, in the order the data flows:

- :mod:`~simulator.sweep.spec`: the file's schema, read and checked (:func:`load_sweep`);
- :mod:`~simulator.sweep.variants`: the grid expanded into variants, each a scenario with a
  fingerprint (:func:`expand`);
- :mod:`~simulator.sweep.store`: finished runs, one JSON file per key (:class:`RunStore`);
- :mod:`~simulator.sweep.runner`: the work, on any executor (:func:`run_sweep`);
- :mod:`~simulator.sweep.results`: tables assembled from the store (:func:`summarise`);
- :mod:`~simulator.sweep.outputs` and :mod:`~simulator.sweep.plots`: files, text and pictures.
"""

from __future__ import annotations

from simulator.sweep.results import PRECISION_KPI, summarise
from simulator.sweep.runner import SweepResult, run_sweep
from simulator.sweep.spec import MAX_VARIANTS, Sweep, SweepGrid, load_sweep, parse_sweep
from simulator.sweep.store import RunStore, run_key
from simulator.sweep.variants import Variant, expand, with_counters

__all__ = [
    "MAX_VARIANTS",
    "PRECISION_KPI",
    "RunStore",
    "Sweep",
    "SweepGrid",
    "SweepResult",
    "Variant",
    "expand",
    "load_sweep",
    "parse_sweep",
    "run_key",
    "run_sweep",
    "summarise",
    "with_counters",
]
