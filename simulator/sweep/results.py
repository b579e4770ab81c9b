"""A sweep's numbers, assembled from its store: per-run rows, summaries and precision.

Everything here reads the store in a fixed order (variants as expanded, replications
ascending), never in the order runs finished, so the tables depend only on the inputs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from simulator import __version__
from simulator.experiment import KPI_COLUMNS
from simulator.metrics import OVERALL
from simulator.stats import mean_ci, t_quantile_975
from simulator.sweep.store import STORED_COLUMNS, RunStore, run_key, typed_kpis
from simulator.sweep.variants import Variant

__all__ = ["PRECISION_KPI", "assemble", "overall_half_widths", "param_columns", "summarise"]

#: The KPI whose overall confidence half-width ``--precision`` controls.
PRECISION_KPI = "wait_p90_min"
_AGENCY = STORED_COLUMNS.index("agency")
_PRECISION = STORED_COLUMNS.index(PRECISION_KPI)


def param_columns(variants: Sequence[Variant]) -> list[str]:
    """The names of the grid's dimensions (the same for every variant)."""
    return list(variants[0].params) if variants else []


def overall_half_widths(
    store: RunStore, variants: Sequence[Variant], replications: Mapping[str, int], seed: int
) -> dict[str, float]:
    """Per variant, the 95% half-width of the overall :data:`PRECISION_KPI` over its first
    ``replications[variant.id]`` stored runs (NaN with fewer than two defined values)."""
    halves = {}
    for variant in variants:
        values = []
        for replication in range(replications[variant.id]):
            rows = store.rows(run_key(variant, seed=seed, replication=replication))
            value = next(r[_PRECISION] for r in rows if r[_AGENCY] == OVERALL)
            values.append(math.nan if value is None else value)
        halves[variant.id] = mean_ci(values)[1]
    return halves


def assemble(
    store: RunStore, variants: Sequence[Variant], replications: Mapping[str, int], seed: int
) -> pd.DataFrame:
    """One row per (variant, replication, agency), in variant, replication, agency order."""
    params = param_columns(variants)
    front: dict[str, list[Any]] = {name: [] for name in ["variant", *params, "replication"]}
    body: list[list[Any]] = []
    back: dict[str, list[Any]] = {
        name: [] for name in ("seed", "scenario_sha256", "floorplan_sha256", "version", "run_key")
    }
    for variant in variants:
        for replication in range(replications[variant.id]):
            key = run_key(variant, seed=seed, replication=replication)
            rows = store.rows(key)
            n = len(rows)
            body.extend(rows)
            front["variant"].extend([variant.id] * n)
            for name in params:
                front[name].extend([variant.params[name]] * n)
            front["replication"].extend([replication] * n)
            back["seed"].extend([seed] * n)
            back["scenario_sha256"].extend([variant.scenario_sha256] * n)
            back["floorplan_sha256"].extend([variant.floorplan_sha256 or ""] * n)
            back["version"].extend([__version__] * n)
            back["run_key"].extend([key] * n)
    kpis = typed_kpis(pd.DataFrame(body, columns=list(STORED_COLUMNS)))
    return pd.concat([pd.DataFrame(front), kpis, pd.DataFrame(back)], axis=1)


def summarise(results: pd.DataFrame, *, params: Iterable[str] = ()) -> pd.DataFrame:
    """Mean and 95% half-width (``<kpi>_ci``) of every KPI per variant and agency, with the
    seed, hashes and version that reproduce them."""
    keys = ["variant", *params, "agency"]
    grouped = results.groupby(["variant", "agency"], sort=False)
    first = grouped[keys].first().reset_index(drop=True)
    count = grouped["replication"].count().to_numpy()
    out = first.copy()
    out["replications"] = count
    for kpi in KPI_COLUMNS:
        values = grouped[kpi]
        n = values.count().to_numpy()
        mean = values.mean().to_numpy()
        std = values.std(ddof=1).to_numpy()
        t = np.array([t_quantile_975(int(k) - 1) if k >= 2 else math.nan for k in n])
        with np.errstate(invalid="ignore", divide="ignore"):
            half = np.where(n >= 2, t * std / np.sqrt(n), math.nan)
        out[kpi] = mean
        out[f"{kpi}_ci"] = half
    for column in ("seed", "scenario_sha256", "floorplan_sha256", "version"):
        if column in results.columns:
            out[column] = grouped[column].first().to_numpy()
    return out
