"""A sweep's numbers, assembled from its store: per-run rows, summaries and precision.

Everything here reads the store in a fixed order (variants as expanded, replications
ascending), never in the order runs finished, so the tables depend only on the inputs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from simulator import __version__
from simulator.pooled import QUANTILES, RUN_KPIS
from simulator.pooled import summarise as pool
from simulator.stats import pooled_quantile
from simulator.sweep.store import STORED_COLUMNS, RunStore, run_key, typed_kpis
from simulator.sweep.variants import Variant

__all__ = [
    "PRECISION_KPI",
    "assemble",
    "overall_half_widths",
    "param_columns",
    "summarise",
    "variant_waits",
]

#: The KPI whose overall confidence half-width ``--precision`` controls.
PRECISION_KPI = "wait_p90_min"
_REPRODUCE = ("seed", "scenario_sha256", "floorplan_sha256", "version")


def pooled_columns() -> list[str]:
    """The KPI columns of a summary, each followed by its half-width."""
    return [c for kpi in RUN_KPIS for c in (kpi, f"{kpi}_ci")]


def param_columns(variants: Sequence[Variant]) -> list[str]:
    """The names of the grid's dimensions (the same for every variant)."""
    return list(variants[0].params) if variants else []


def overall_half_widths(
    store: RunStore, variants: Sequence[Variant], replications: Mapping[str, int], seed: int
) -> dict[str, float]:
    """Per variant, the 95% half-width of the overall :data:`PRECISION_KPI` (pooled over its
    first ``replications[variant.id]`` stored runs, as a run computes it; NaN with fewer than
    two runs, inf when the share it speaks of is not reached)."""
    q = QUANTILES[PRECISION_KPI][0]
    halves = {}
    for variant in variants:
        samples = [
            store.waits(run_key(variant, seed=seed, replication=r))["wait_min"].to_numpy(float)
            for r in range(replications[variant.id])
        ]
        _, low, high = pooled_quantile(samples, q)
        halves[variant.id] = (high - low) / 2 if math.isfinite(low) else math.nan
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


def summarise(
    results: pd.DataFrame,
    waits: Mapping[str, pd.DataFrame],
    *,
    params: Iterable[str] = (),
) -> pd.DataFrame:
    """Every KPI per variant and agency on a run's basis (all replications pooled, see
    :mod:`simulator.pooled`) with its 95% half-width (``<kpi>_ci``), and the seed, hashes and
    version that reproduce them. ``waits`` holds each variant's holders, with ``replication``.
    """
    keys = ["variant", *params, "agency"]
    parts = []
    for variant_id, rows in results.groupby("variant", sort=False):
        pooled = pool(rows, waits[str(variant_id)])
        first = rows.groupby("agency", sort=False)[[*keys, "replication"]].agg(
            {**dict.fromkeys(keys, "first"), "replication": "count"}
        )
        first = first.rename(columns={"replication": "replications"}).reset_index(drop=True)
        reproduce = [c for c in _REPRODUCE if c in rows.columns]
        first[reproduce] = rows.groupby("agency", sort=False)[reproduce].first().to_numpy()
        parts.append(first.merge(pooled, on="agency", how="left"))
    columns = [*keys, "replications", *pooled_columns(), *_REPRODUCE]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    return out.reindex(columns=[c for c in columns if c in out.columns])


def variant_waits(
    store: RunStore, variants: Sequence[Variant], replications: Mapping[str, int], seed: int
) -> dict[str, pd.DataFrame]:
    """Each variant's holders over its replications (``replication`` first)."""
    out = {}
    for variant in variants:
        frames = []
        for replication in range(replications[variant.id]):
            frame = store.waits(run_key(variant, seed=seed, replication=replication)).copy()
            frame.insert(0, "replication", replication)
            frames.append(frame)
        out[variant.id] = pd.concat(frames, ignore_index=True)
    return out
