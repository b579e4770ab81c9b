"""The engine against queueing theory: long stationary days vs the formulas in simulator.queueing.

Each case builds a constant-rate, always-open plan with :func:`stationary_plan`, simulates
independent replications with a fixed seed, discards the visitors who took their ticket during
the warm-up, and computes per-replication KPIs from the records: wait = called - queued for the
served, end - queued for those who gave up. The analytic value must lie inside the 95% Student-t
confidence interval of the replication means. The method and the values observed are in
docs/validation.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from simulator import queueing as qf
from simulator.distributions import Distribution, Exponential, Fixed, LogNormal
from simulator.engine import simulate_day
from simulator.experiment import run_experiment
from simulator.plan import Plan, stationary_plan
from simulator.records import OUTCOME_SERVED, DayRecords
from simulator.stats import mean_ci

REPLICATIONS = 30


@dataclass(frozen=True)
class Estimate:
    """Mean of the replications and its 95% confidence half-width."""

    mean: float
    half: float

    def contains(self, value: float) -> bool:
        return abs(value - self.mean) <= self.half

    def __str__(self) -> str:
        return f"{self.mean:.4f} ± {self.half:.4f}"


def _day_kpis(records: DayRecords, plan: Plan, *, station: int, t_min: float) -> dict[str, float]:
    """KPIs of one replication for visitors who took their ticket after the warm-up."""
    s = records.steps
    mine = (s["station"] == station) & (s["queued"] >= plan.measured_from_min)
    served = s["outcome"] == OUTCOME_SERVED
    wait = (np.where(served, s["called"], s["end"]) - s["queued"])[mine]
    ok = served[mine]
    high = s["priority"][mine]
    # Counter busy time inside [warm-up, closing], over the counter-minutes of that window.
    done = served & (s["station"] == station)
    window = (plan.measured_from_min, plan.closing)
    busy = np.clip(
        np.minimum(s["end"][done], window[1]) - np.maximum(s["start"][done], window[0]), 0, None
    ).sum()
    counters = plan.agencies[station].counters
    return {
        "mean_wait": float(wait.mean()),
        "mean_wait_served": float(wait[ok].mean()),
        "wait_probability": float(np.mean(wait > 0)),
        "within_t": float(np.mean(ok & (wait <= t_min))),
        "abandon_probability": float(np.mean(~ok)),
        "utilisation": float(busy / (counters * (window[1] - window[0]))),
        "mean_wait_priority": float(wait[high].mean()) if high.any() else math.nan,
        "mean_wait_normal": float(wait[~high].mean()) if (~high).any() else math.nan,
    }


def _replicate_stations(
    plan: Plan,
    *,
    seed: int,
    stations: tuple[int, ...],
    replications: int = REPLICATIONS,
    t_min: float = 5.0,
) -> list[dict[str, Estimate]]:
    """Per station, each KPI of :func:`_day_kpis` as a mean with a 95% CI across replications."""
    per_day: list[dict[str, list[float]]] = [{} for _ in stations]
    for replication in range(replications):
        records = simulate_day(plan, seed=seed, replication=replication)
        for values, station in zip(per_day, stations, strict=True):
            for name, value in _day_kpis(records, plan, station=station, t_min=t_min).items():
                values.setdefault(name, []).append(value)
    return [{name: Estimate(*mean_ci(v)) for name, v in values.items()} for values in per_day]


def _replicate(
    plan: Plan, *, seed: int, replications: int = REPLICATIONS, t_min: float = 5.0
) -> dict[str, Estimate]:
    """The KPIs of the plan's first station across replications."""
    return _replicate_stations(
        plan, seed=seed, stations=(0,), replications=replications, t_min=t_min
    )[0]


def _assert_inside(estimates: dict[str, Estimate], analytic: dict[str, float]) -> None:
    """Every analytic value inside its simulated CI; the message lists all of them."""
    lines = [
        f"{name}: analytic {value:.4f}, simulated {estimates[name]}"
        + ("" if estimates[name].contains(value) else "  <-- outside")
        for name, value in analytic.items()
    ]
    assert all(estimates[name].contains(value) for name, value in analytic.items()), "\n".join(
        lines
    )


@pytest.mark.parametrize("seed", [2, 3, 4])
@pytest.mark.slow
def test_mm1_mean_wait_through_run_experiment(seed: int) -> None:
    """M/M/1 at 80% load, through the public experiment API: Wq = rho / (mu - lambda) = 4 min."""
    plan = stationary_plan(
        arrival_rate_per_min=0.8,
        servers=1,
        service=Exponential(mean_min=1.0),
        horizon_min=10_000,
        warmup_min=500,
    )
    result = run_experiment(plan, seed=seed, replications=REPLICATIONS)
    row = result.summary.set_index("agency").loc["station"]
    analytic = qf.erlang_c_mean_wait(servers=1, arrival_rate_per_min=0.8, service_mean_min=1.0)
    assert analytic == pytest.approx(4.0)
    estimate = Estimate(row["wait_mean_min"], row["wait_mean_min_ci"])
    assert estimate.contains(analytic), f"analytic {analytic}, simulated {estimate}"
    assert row["abandoned"] == 0


@pytest.mark.slow
def test_mmc_heavy_traffic_matches_erlang_c() -> None:
    """M/M/10 at 90% load: mean wait, P(wait), P(W <= 5 min) and utilisation (Erlang C)."""
    rate, servers, mean = 1.8, 10, 5.0
    plan = stationary_plan(
        arrival_rate_per_min=rate,
        servers=servers,
        service=Exponential(mean_min=mean),
        horizon_min=20_000,
        warmup_min=1_000,
    )
    estimates = _replicate(plan, seed=7, t_min=5.0)
    mmc = {"servers": servers, "arrival_rate_per_min": rate, "service_mean_min": mean}
    _assert_inside(
        estimates,
        {
            "mean_wait": qf.erlang_c_mean_wait(**mmc),
            "wait_probability": qf.erlang_c_wait_probability(**mmc),
            "within_t": qf.erlang_c_within(**mmc, t_min=5.0),
            "utilisation": rate * mean / servers,
        },
    )
    # The check has power: a 5% error in the arrival rate would be caught.
    for wrong_rate in (rate * 0.95, rate * 1.05):
        wrong = qf.erlang_c_mean_wait(
            servers=servers, arrival_rate_per_min=wrong_rate, service_mean_min=mean
        )
        assert not estimates["mean_wait"].contains(wrong)


@pytest.mark.slow
def test_impatient_visitors_match_erlang_a() -> None:
    """M/M/5+M at 96% offered load, mean patience 10 min: abandonment and waits (Erlang A)."""
    rate, servers, mean, patience = 1.2, 5, 4.0, 10.0
    plan = stationary_plan(
        arrival_rate_per_min=rate,
        servers=servers,
        service=Exponential(mean_min=mean),
        horizon_min=20_000,
        warmup_min=500,
        patience=Exponential(mean_min=patience),
    )
    estimates = _replicate(plan, seed=11)
    erlang = qf.erlang_a(
        servers=servers,
        arrival_rate_per_min=rate,
        service_mean_min=mean,
        patience_mean_min=patience,
    )
    _assert_inside(
        estimates,
        {
            "abandon_probability": erlang.abandon_probability,
            "mean_wait": erlang.mean_wait_min,
            "mean_wait_served": erlang.mean_wait_served_min,
            "wait_probability": erlang.wait_probability,
            "utilisation": erlang.server_utilisation,
        },
    )


@pytest.mark.slow
def test_priority_classes_match_cobham() -> None:
    """M/M/3 at 83% load with 30% priority visitors: mean wait per class (Cobham)."""
    rate, servers, mean, share = 1.0, 3, 2.5, 0.3
    plan = stationary_plan(
        arrival_rate_per_min=rate,
        servers=servers,
        service=Exponential(mean_min=mean),
        horizon_min=20_000,
        warmup_min=500,
        priority_share=share,
    )
    estimates = _replicate(plan, seed=13)
    high, low = qf.priority_mean_waits(
        servers=servers,
        arrival_rates_per_min=[rate * share, rate * (1 - share)],
        service_mean_min=mean,
    )
    _assert_inside(estimates, {"mean_wait_priority": high, "mean_wait_normal": low})
    assert high < estimates["mean_wait_normal"].mean / 3


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_md1_matches_pollaczek_khinchine(seed: int) -> None:
    """M/D/1 at 80% load, fixed 1-minute service: Wq = lambda E[S^2] / (2 (1 - rho)) = 2 min."""
    plan = stationary_plan(
        arrival_rate_per_min=0.8,
        servers=1,
        service=Fixed(value_min=1.0),
        horizon_min=10_000,
        warmup_min=500,
    )
    estimates = _replicate(plan, seed=seed)
    analytic = qf.mg1_mean_wait(
        arrival_rate_per_min=0.8, service_mean_min=1.0, service_variance_min2=0.0
    )
    assert analytic == pytest.approx(2.0)
    _assert_inside(estimates, {"mean_wait": analytic, "utilisation": 0.8})


@pytest.mark.slow
def test_lognormal_service_matches_pollaczek_khinchine() -> None:
    """M/G/1 with log-normal service (mean 1 min, cv 1.5) at 60% load (Pollaczek-Khinchine)."""
    service: Distribution = LogNormal(mean_min=1.0, cv=1.5)
    plan = stationary_plan(
        arrival_rate_per_min=0.6,
        servers=1,
        service=service,
        horizon_min=20_000,
        warmup_min=500,
    )
    estimates = _replicate(plan, seed=17)
    analytic = qf.mg1_mean_wait(
        arrival_rate_per_min=0.6,
        service_mean_min=service.mean,
        service_variance_min2=service.variance,
    )
    _assert_inside(estimates, {"mean_wait": analytic, "utilisation": 0.6})


@pytest.mark.slow
def test_two_agencies_in_one_day_are_two_independent_queues() -> None:
    """An M/M/2 agency next to an M/M/1 agency: each matches its own Erlang C mean wait."""
    plan = stationary_plan(
        arrival_rate_per_min=0.5,
        servers=1,
        service=Exponential(mean_min=1.5),
        horizon_min=10_000,
        warmup_min=500,
        extra_agencies=[("pair", 1.0, 2, Exponential(mean_min=1.5))],
    )
    queues = ((0.5, 1), (1.0, 2))
    per_station = _replicate_stations(plan, seed=19, stations=(0, 1))
    for estimates, (rate, servers) in zip(per_station, queues, strict=True):
        mmc = {"servers": servers, "arrival_rate_per_min": rate, "service_mean_min": 1.5}
        _assert_inside(
            estimates,
            {
                "mean_wait": qf.erlang_c_mean_wait(**mmc),
                "wait_probability": qf.erlang_c_wait_probability(**mmc),
                "utilisation": rate * 1.5 / servers,
            },
        )
