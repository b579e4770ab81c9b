"""Distributions: analytic moments against 200,000 draws, and bad parameters refused.

Moments are compared inside a 99.9% normal-theory confidence interval (z = 3.29): about two dozen
checks run here, so a 95% level would fail one of them by chance now and then with a new seed.
The standard error of the sample mean uses the analytic standard deviation; that of the sample
variance uses the sample's fourth central moment, se(s^2) = sqrt((m4 - s^4) / n), which allows
for the heavy tails of the log-normal.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from simulator.distributions import (
    Distribution,
    DistributionSpec,
    Empirical,
    Exponential,
    Fixed,
    Gamma,
    LogNormal,
    Mixture,
    MixtureComponent,
    Triangular,
    Uniform,
)
from simulator.errors import ScenarioError
from simulator.scenario import parse_scenario

DRAWS = 200_000
Z = 3.29  # two-sided 99.9% normal quantile
SEED = 2024  # each case draws from its own stream (SEED, case index), so checks are independent

CASES: dict[str, Distribution] = {
    "exponential by mean": Exponential(mean_min=4.0),
    "exponential by rate": Exponential(rate_per_min=0.25),
    "lognormal by median": LogNormal(median_min=7.0, cv=0.6),
    "lognormal by mean": LogNormal(mean_min=5.0, cv=1.2),
    "gamma": Gamma(mean_min=3.0, cv=0.5),
    "triangular": Triangular(low_min=1.0, mode_min=2.0, high_min=6.0),
    "uniform": Uniform(low_min=2.0, high_min=8.0),
    "empirical": Empirical(values_min=[1.0, 2.0, 2.0, 3.5, 10.0]),
    "mixture": Mixture(
        components=[
            MixtureComponent(name="quick", share=0.6, time=Fixed(value_min=1.5)),
            MixtureComponent(name="form", share=0.3, time=LogNormal(median_min=8.0, cv=0.5)),
            MixtureComponent(name="case", share=0.1, time=Exponential(mean_min=25.0)),
        ]
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_sample_moments_match_analytic(name: str) -> None:
    dist = CASES[name]
    draws = dist.sample(np.random.default_rng([SEED, list(CASES).index(name)]), DRAWS)
    assert draws.shape == (DRAWS,)
    assert (draws >= 0).all()
    mean_half = Z * math.sqrt(dist.variance / DRAWS)
    assert abs(draws.mean() - dist.mean) <= mean_half, (
        f"{name}: mean {dist.mean:.5f} vs sample {draws.mean():.5f} ± {mean_half:.5f}"
    )
    sample_var = draws.var(ddof=1)
    m4 = float(np.mean((draws - draws.mean()) ** 4))
    var_half = Z * math.sqrt((m4 - sample_var**2) / DRAWS)
    assert abs(sample_var - dist.variance) <= var_half, (
        f"{name}: variance {dist.variance:.5f} vs sample {sample_var:.5f} ± {var_half:.5f}"
    )


def test_parameterisations_mean_what_they_say() -> None:
    assert Exponential(mean_min=4.0).mean == Exponential(rate_per_min=0.25).mean == 4.0
    assert Exponential(rate_per_min=0.25).variance == pytest.approx(16.0)
    by_mean = LogNormal(mean_min=5.0, cv=1.2)
    assert by_mean.mean == pytest.approx(5.0)
    assert by_mean.coefficient_of_variation == pytest.approx(1.2)
    by_median = LogNormal(median_min=7.0, cv=0.6)
    assert by_median.mean == pytest.approx(7.0 * math.sqrt(1 + 0.6**2))
    draws = by_median.sample(np.random.default_rng(5), DRAWS)
    # The sample median's standard error is 1 / (2 f(m) sqrt(n)), f(m) = 1 / (m sigma sqrt(2 pi)).
    median_se = 7.0 * by_median.sigma * math.sqrt(2 * math.pi) / (2 * math.sqrt(DRAWS))
    assert abs(np.median(draws) - 7.0) <= Z * median_se
    assert Gamma(mean_min=3.0, cv=0.5).coefficient_of_variation == pytest.approx(0.5)


def test_fixed_is_exactly_its_value() -> None:
    dist = Fixed(value_min=3.5)
    draws = dist.sample(np.random.default_rng(1), 1_000)
    assert (draws == 3.5).all()
    assert (dist.mean, dist.variance, dist.coefficient_of_variation) == (3.5, 0.0, 0.0)


def test_empirical_only_resamples_observed_values() -> None:
    dist = Empirical(values_min=[1.0, 2.0, 2.0, 3.5, 10.0])
    draws = dist.sample(np.random.default_rng(2), 10_000)
    assert set(np.unique(draws)) == {1.0, 2.0, 3.5, 10.0}
    assert np.mean(draws == 2.0) == pytest.approx(0.4, abs=Z * math.sqrt(0.24 / 10_000))


def test_mixture_component_shares_are_respected() -> None:
    dist = Mixture(
        components=[
            MixtureComponent(share=0.25, time=Fixed(value_min=1.0)),
            MixtureComponent(share=0.75, time=Fixed(value_min=9.0)),
        ]
    )
    draws = dist.sample(np.random.default_rng(3), DRAWS)
    assert set(np.unique(draws)) == {1.0, 9.0}
    half = Z * math.sqrt(0.25 * 0.75 / DRAWS)
    assert abs(np.mean(draws == 1.0) - 0.25) <= half


def test_same_generator_state_gives_same_draws() -> None:
    dist = CASES["mixture"]
    first = dist.sample(np.random.default_rng(11), 1_000)
    again = dist.sample(np.random.default_rng(11), 1_000)
    other = dist.sample(np.random.default_rng(12), 1_000)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_yaml_form_builds_the_right_distribution() -> None:
    adapter: TypeAdapter[Distribution] = TypeAdapter(DistributionSpec)
    dist = adapter.validate_python({"kind": "lognormal", "median_min": 7, "cv": 0.6})
    assert dist == LogNormal(median_min=7.0, cv=0.6)
    mix = adapter.validate_python(
        {
            "kind": "mixture",
            "components": [
                {"share": 0.5, "time": {"kind": "fixed", "value_min": 2}},
                {"share": 0.5, "time": {"kind": "exponential", "rate_per_min": 0.5}},
            ],
        }
    )
    assert mix.mean == pytest.approx(2.0)
    assert mix.variance == pytest.approx(0.5 * 4 + 0.5 * 8 - 4)


@pytest.mark.parametrize(
    ("build", "quoted"),
    [
        (lambda: Exponential(mean_min=-2.5), "-2.5"),
        (lambda: Exponential(rate_per_min=-0.4), "-0.4"),
        (lambda: Exponential(mean_min=5, rate_per_min=0.2), "mean_min=5.0, rate_per_min=0.2"),
        (lambda: Exponential(), "mean_min=None, rate_per_min=None"),
        (lambda: LogNormal(median_min=7, mean_min=8, cv=0.5), "median_min=7.0, mean_min=8.0"),
        (lambda: LogNormal(median_min=7, cv=0), "input_value=0"),
        (lambda: Gamma(mean_min=-1, cv=0.5), "-1"),
        (lambda: Uniform(low_min=5, high_min=2), "low_min=5.0, high_min=2.0"),
        (lambda: Triangular(low_min=5, mode_min=3, high_min=2), "5.0, 3.0, 2.0"),
        (lambda: Triangular(low_min=1, mode_min=9, high_min=4), "1.0, 9.0, 4.0"),
        (lambda: Fixed(value_min=-1), "-1"),
        (lambda: Empirical(values_min=[0.0, 0.0]), "[0.0, 0.0]"),
        (
            lambda: Mixture(
                components=[
                    MixtureComponent(share=0.5, time=Fixed(value_min=1)),
                    MixtureComponent(share=0.4, time=Fixed(value_min=2)),
                ]
            ),
            "sum to 1, got 0.9",
        ),
    ],
)
def test_bad_parameters_are_refused_quoting_the_value(build, quoted: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(quoted)):
        build()


def _scenario_with_service(service: dict) -> dict:
    return {
        "name": "bad service",
        "day": {
            "hours": {
                "tickets_open": "08:00",
                "service_start": "08:00",
                "last_ticket": "12:00",
                "closing": "12:00",
            }
        },
        "demand": {
            "visitors_per_day": 10,
            "arrival_profile": [{"start": "08:00", "end": "12:00", "share": 1.0}],
        },
        "agencies": [{"id": "a", "counters": 1, "share": 1.0, "service": service}],
    }


@pytest.mark.parametrize(
    ("service", "message"),
    [
        ({"kind": "exponential", "mean_min": -3}, "service.mean_min: got -3"),
        (
            {"kind": "exponential", "mean_min": 3, "rate_per_min": 0.5},
            "got mean_min=3.0, rate_per_min=0.5",
        ),
        ({"kind": "uniform", "low_min": 5, "high_min": 2}, "got low_min=5.0, high_min=2.0"),
    ],
)
def test_bad_distribution_in_a_scenario_names_field_and_value(service: dict, message: str) -> None:
    with pytest.raises(ScenarioError, match=re.escape(message)):
        parse_scenario(_scenario_with_service(service))
