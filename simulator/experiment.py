"""Replications of a plan: independent days with their own random streams, and KPIs with 95%
confidence intervals across them.

Replication ``r`` of seed ``s`` always draws from the streams (s, r, ...), whoever runs it and in
whatever order, so results do not depend on how many processes share the work.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.engine import simulate_day
from simulator.metrics import (
    OVERALL,
    ZONE_COLUMNS,
    ZONE_KPIS,
    ZoneCrowding,
    agency_kpis,
    ci_frame,
    holder_waits,
    queue_timeline,
    wait_basis,
    zone_crowding,
)
from simulator.plan import Plan
from simulator.pooled import RUN_KPIS, summarise
from simulator.records import DayRecords

__all__ = [
    "KPI_COLUMNS",
    "ExperimentResult",
    "ReplicationResult",
    "combine",
    "run_experiment",
    "run_replication",
]

KPI_COLUMNS = RUN_KPIS

Progress = Callable[[int, int], None]


@dataclass(frozen=True, kw_only=True)
class ReplicationResult:
    """The KPIs of one simulated day (small and picklable, for worker processes)."""

    replication: int
    kpis: pd.DataFrame
    zones: pd.DataFrame
    queue: pd.DataFrame
    occupancy: pd.DataFrame
    waits: pd.DataFrame


def run_replication(plan: Plan, *, seed: int, replication: int) -> ReplicationResult:
    """Simulate replication ``replication`` of ``plan`` and compute its KPIs."""
    records = simulate_day(plan, seed=seed, replication=replication)
    kpis = agency_kpis(records, plan)
    overall = kpis["agency"].to_numpy() == OVERALL
    # The crowding columns are added in one step: a column set on a frame costs pandas about
    # as much as computing it, for a dozen columns in every replication.
    crowd: dict[str, np.ndarray] = {"waiting_peak": np.full(len(kpis), math.nan)}
    crowd |= {
        column: np.full(len(kpis), math.nan)
        if column.endswith("_share")
        else np.zeros(len(kpis), int)
        for column in _ZONE_AGENCY_COLUMNS
    }
    if plan.site is not None and plan.site.zones:
        crowding = zone_crowding(records, plan, plan.site)
        zones, occupancy = crowding.kpis, crowding.timeline
        crowd |= _zone_agency_columns(kpis, records, plan, crowding)
        crowd["waiting_peak"][overall] = crowding.overall_peak
    else:
        zones = pd.DataFrame(columns=["zone", *ZONE_COLUMNS, *ZONE_KPIS])
        occupancy = pd.DataFrame(columns=["time", "zone", "occupancy"])
    kpis = pd.concat([kpis, pd.DataFrame(crowd, index=kpis.index)], axis=1)
    waits = holder_waits(records, plan)
    for frame in (kpis, zones, queue := queue_timeline(records, plan), occupancy, waits):
        frame.insert(0, "replication", replication)
    return ReplicationResult(
        replication=replication,
        kpis=kpis,
        zones=zones,
        queue=queue,
        occupancy=occupancy,
        waits=waits,
    )


_ZONE_AGENCY_COLUMNS = (
    "stood",
    "zone_visitors",
    "stood_share",
    "overflowed",
    "zone_bound",
    "overflow_share",
)


def _zone_agency_columns(
    kpis: pd.DataFrame, records: DayRecords, plan: Plan, crowding: ZoneCrowding
) -> dict[str, np.ndarray]:
    """Each agency's (and the overall) crowding figures of one day, in the rows of ``kpis``:
    who sat in a zone and stood, and who wanted a zone and waited elsewhere."""
    s = records.steps
    station = s["station"]
    at_agency = station >= 0
    in_zone = at_agency & (s["zone"] >= 0) & np.isfinite(s["zone_enter"])
    bound = at_agency & (s["zone_first"] >= 0)
    overflowed = crowding.overflowed.astype(bool)
    stood = crowding.stood.astype(bool)
    n = len(plan.agencies)

    def per_agency(mask: np.ndarray) -> np.ndarray:
        here = mask & at_agency
        return np.append(np.bincount(station[here], minlength=n)[:n], mask.sum())

    counts = {
        "stood": per_agency(stood & in_zone),
        "zone_visitors": per_agency(in_zone),
        "overflowed": per_agency(overflowed),
        "zone_bound": per_agency(bound),
    }
    overflowed_bound = per_agency(overflowed & bound)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = {
            "stood_share": np.where(
                counts["zone_visitors"] > 0, counts["stood"] / counts["zone_visitors"], np.nan
            ),
            "overflow_share": np.where(
                counts["zone_bound"] > 0, overflowed_bound / counts["zone_bound"], np.nan
            ),
        }
    position = {a.id: a.index for a in plan.agencies} | {OVERALL: n}
    rows = np.array([position[str(a)] for a in kpis["agency"]])
    return {column: values[rows] for column, values in (counts | shares).items()}


@dataclass(frozen=True, kw_only=True)
class ExperimentResult:
    """All replications of one plan, and their summary with 95% confidence intervals."""

    name: str
    seed: int
    replications: int
    wait_basis: dict[str, object]
    target_wait_min: float
    target_share: float
    per_replication: pd.DataFrame
    summary: pd.DataFrame
    zones_per_replication: pd.DataFrame
    zones_summary: pd.DataFrame
    queue: pd.DataFrame
    occupancy: pd.DataFrame
    waits: pd.DataFrame

    @property
    def overall(self) -> pd.Series:
        """The summary row of all agencies together."""
        return self.row(OVERALL)

    def row(self, agency: str) -> pd.Series:
        """The summary row of ``agency`` (or ``overall``)."""
        rows = self.summary[self.summary["agency"] == agency]
        if rows.empty:
            raise KeyError(agency)
        return rows.iloc[0]

    def target_met(self, agency: str = OVERALL) -> bool:
        """Whether the target holds for ``agency``: at least ``target_share`` of its ticket
        holders called within ``target_wait_min`` (for a share of 0.9, the same statement as
        its p90 being at most the target)."""
        return bool(self.row(agency)["within_target"] >= self.target_share)


def _zones_summary(per_replication: pd.DataFrame) -> pd.DataFrame:
    """Each zone's figures over the replications, with what the zone is."""
    if not len(per_replication):
        return pd.DataFrame(columns=["zone", *ZONE_COLUMNS, *ZONE_KPIS])
    what = per_replication.drop_duplicates("zone")[["zone", *ZONE_COLUMNS]]
    return what.merge(ci_frame(per_replication, "zone", ZONE_KPIS), on="zone", how="left")


def combine(plan: Plan, seed: int, results: list[ReplicationResult]) -> ExperimentResult:
    """Summarise replication results of ``plan`` (in replication order, whoever computed
    them)."""
    results = sorted(results, key=lambda r: r.replication)
    per_rep = pd.concat([r.kpis for r in results], ignore_index=True)
    waits = pd.concat([r.waits for r in results], ignore_index=True)
    zones = [r.zones for r in results if len(r.zones)]
    zones_rep = (
        pd.concat(zones, ignore_index=True)
        if zones
        else pd.DataFrame(columns=["replication", "zone", *ZONE_COLUMNS, *ZONE_KPIS])
    )
    queue = pd.concat([r.queue for r in results], ignore_index=True)
    occupancy_parts = [r.occupancy for r in results if len(r.occupancy)]
    occupancy = (
        pd.concat(occupancy_parts, ignore_index=True)
        .groupby(["time", "zone"], as_index=False, sort=False)[["occupancy"]]
        .mean()
        if occupancy_parts
        else pd.DataFrame(columns=["time", "zone", "occupancy"])
    )
    return ExperimentResult(
        name=plan.name,
        seed=seed,
        wait_basis=wait_basis(plan),
        target_wait_min=plan.target_wait_min,
        target_share=plan.target_share,
        replications=len(results),
        per_replication=per_rep,
        summary=summarise(per_rep, waits),
        zones_per_replication=zones_rep,
        zones_summary=_zones_summary(zones_rep),
        queue=queue.groupby(["time", "agency"], as_index=False, sort=False)[["queue"]].mean(),
        occupancy=occupancy,
        waits=waits,
    )


def run_experiment(
    plan: Plan,
    *,
    seed: int,
    replications: int,
    progress: Progress | None = None,
) -> ExperimentResult:
    """Run ``replications`` days of ``plan`` here, calling ``progress(done, total)`` after each."""
    if replications < 1:
        raise ValueError(f"replications must be >= 1, got {replications}")
    results = []
    for replication in range(replications):
        results.append(run_replication(plan, seed=seed, replication=replication))
        if progress is not None:
            progress(replication + 1, replications)
    return combine(plan, seed, results)
