"""Observed against simulated, per agency and hour: the calibrated scenario against its log.

For each day type the calibrated scenario is simulated for a number of days (replications).
Per agency and hour of the ticket (when it was issued) four figures are compared: tickets
issued, mean and 90th-percentile wait of the visitors served, and no-shows. The observed
figure is the mean over the log's days of that type; the simulated band is where the mean of
as many simulated days falls 95% of the time (simulated mean +- 1.96 sd sqrt(1/days + 1/reps);
for counts, the sd is at least the Poisson one).
An observed value outside its band is flagged.

The simulated figures are computed from the engine's raw step records (``station``, ``queued``,
``called``, ``outcome``), not from the metrics module: a wait is ``called - queued`` of a served
step, and an abandoned step is a no-show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.calibration.estimate import Calibration
from simulator.engine import simulate_day
from simulator.inputs import plan_for
from simulator.records import OUTCOME_ABANDONED, OUTCOME_SERVED, OUTCOME_TURNED_AWAY
from simulator.scenario import MAX_RUN_VISITORS, Scenario

__all__ = ["METRICS", "FitCheck", "check_fit", "hourly_figures", "simulated_steps"]

METRICS = ("tickets", "wait_mean_min", "wait_p90_min", "no_shows")
COUNTS = ("tickets", "no_shows")
Z95 = 1.959963984540054
MIN_DAYS_FOR_A_FLAG = 3


@dataclass(frozen=True, kw_only=True)
class FitCheck:
    """One row per (day type, agency, hour, metric): ``observed``, ``simulated``, ``low``,
    ``high``, ``days`` (observed days with a value), ``flagged``."""

    table: pd.DataFrame
    replications: dict[str, int]

    def flagged_share(self, metric: str | None = None) -> float:
        """Share of compared cells whose observed value is outside the simulated band."""
        rows = self.table if metric is None else self.table[self.table["metric"] == metric]
        rows = rows[rows["comparable"]]
        return float(rows["flagged"].mean()) if len(rows) else math.nan


def hourly_figures(steps: pd.DataFrame, days: pd.Index, hours: np.ndarray) -> pd.DataFrame:
    """Per (agency, day, hour): tickets, mean and p90 wait of served tickets, no-shows.

    ``steps`` has columns ``agency``, ``day``, ``issued``, ``wait`` (NaN unless served) and
    ``no_show`` (bool); every (agency, day, hour) of ``days`` x ``hours`` gets a row (zero
    tickets, NaN waits where nothing happened)."""
    frame = steps.assign(hour=np.floor(steps["issued"] / 60).astype(int))
    frame = frame[frame["hour"].isin(hours)]
    keys = ["agency", "day", "hour"]
    grouped = frame.groupby(keys)
    out = pd.DataFrame(
        {
            "tickets": grouped.size(),
            "wait_mean_min": grouped["wait"].mean(),
            "wait_p90_min": grouped["wait"].quantile(0.9),
            "no_shows": grouped["no_show"].sum(),
        }
    )
    agencies = sorted(steps["agency"].unique())
    full = pd.MultiIndex.from_product([agencies, days, hours], names=keys)
    out = out.reindex(full)
    out[["tickets", "no_shows"]] = out[["tickets", "no_shows"]].fillna(0)
    return out


def simulated_steps(scenario: Scenario, *, replications: int, seed: int) -> pd.DataFrame:
    """Every counter step of ``replications`` simulated days of ``scenario`` (``day`` is the
    replication)."""
    plan = plan_for(scenario)
    frames = []
    for r in range(replications):
        steps = simulate_day(plan, seed=seed, replication=r).steps
        at_counter = (steps["station"] >= 0) & (steps["outcome"] != OUTCOME_TURNED_AWAY)
        station = steps["station"][at_counter]
        served = steps["outcome"][at_counter] == OUTCOME_SERVED
        wait = np.where(served, steps["called"][at_counter] - steps["queued"][at_counter], np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "agency": np.asarray(plan.agency_ids, dtype=object)[station],
                    "day": r,
                    "issued": steps["queued"][at_counter],
                    "wait": wait,
                    "no_show": steps["outcome"][at_counter] == OUTCOME_ABANDONED,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _observed_steps(tickets: pd.DataFrame) -> pd.DataFrame:
    served = tickets["outcome"].isin(("served", "transferred"))
    return pd.DataFrame(
        {
            "agency": tickets["agency"],
            "day": tickets["date"],
            "issued": tickets["issued"],
            "wait": (tickets["called"] - tickets["issued"]).where(served),
            "no_show": tickets["outcome"] == "no_show",
        }
    )


def _replications_for(scenario: Scenario, days: int, wanted: int | None) -> int:
    reps = wanted if wanted is not None else min(60, max(20, days))
    most = max(2, int(MAX_RUN_VISITORS // max(scenario.expected_visitors, 1.0)))
    return max(2, min(reps, most))


def check_fit(
    calibration: Calibration,
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int = 2023,
) -> FitCheck:
    """Simulate ``scenario`` for each day type of the log and compare hour by hour."""
    tickets = calibration.tickets
    first_hour = math.floor(calibration.hours.tickets_open / 60)
    last_hour = math.ceil(calibration.hours.last_ticket / 60)
    hours = np.arange(first_hour, max(last_hour, first_hour + 1))
    rows = []
    used: dict[str, int] = {}
    for day_type, n_days in calibration.day_type_counts.items():
        day = scenario.day.model_copy(
            update={"type": day_type, "weekday": calibration.day_type_weekday(day_type)}
        )
        variant = scenario.model_copy(update={"day": day})
        reps = _replications_for(variant, n_days, replications)
        used[day_type] = reps
        sim = simulated_steps(variant, replications=reps, seed=seed)
        observed_tickets = tickets[tickets["day_type"] == day_type]
        obs = hourly_figures(
            _observed_steps(observed_tickets),
            pd.Index(sorted(observed_tickets["date"].unique())),
            hours,
        )
        simulated = hourly_figures(sim, pd.Index(range(reps)), hours)
        for metric in METRICS:
            o = obs[metric].groupby(level=["agency", "hour"])
            s = simulated[metric].groupby(level=["agency", "hour"])
            table = pd.DataFrame(
                {
                    "observed": o.mean(),
                    "days": o.count(),
                    "simulated": s.mean(),
                    "sd": s.std(),
                    "reps": s.count(),
                }
            )
            table = table.reindex(
                pd.MultiIndex.from_product(
                    [sorted(set(obs.index.get_level_values(0))), hours],
                    names=["agency", "hour"],
                )
            )
            sd = table["sd"]
            if metric in COUNTS:
                # A day's count varies at least as a Poisson count, and a rate never seen in
                # the replications is still possibly one event in twice as many days.
                floor = (0.5 / table["reps"].clip(lower=1)).combine(table["simulated"], max)
                sd = sd.fillna(0).combine(floor**0.5, max)
            half = Z95 * sd * np.sqrt(1 / table["days"] + 1 / table["reps"])
            table["low"] = table["simulated"] - half
            table["high"] = table["simulated"] + half
            comparable = (
                (table["days"] >= MIN_DAYS_FOR_A_FLAG)
                & (table["reps"] >= MIN_DAYS_FOR_A_FLAG)
                & table["observed"].notna()
                & table["simulated"].notna()
            )
            outside = (table["observed"] < table["low"] - 1e-9) | (
                table["observed"] > table["high"] + 1e-9
            )
            table["comparable"] = comparable
            table["flagged"] = comparable & outside
            table["metric"] = metric
            table["day_type"] = day_type
            rows.append(table.reset_index())
    columns = [
        "day_type", "agency", "hour", "metric", "observed", "simulated", "low", "high", "days",
        "reps", "comparable", "flagged",
    ]  # fmt: skip
    return FitCheck(table=pd.concat(rows, ignore_index=True)[columns], replications=used)
