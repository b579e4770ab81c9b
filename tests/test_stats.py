"""The pooled quantile of replications against its definition, computed the plain way."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.stats import inverted_cdf_index, pooled_quantile, t_quantile_975


def _plain_pooled_quantile(samples: list[np.ndarray], q: float) -> tuple[float, float, float]:
    """The definition written out: numpy's inverted-CDF quantile of all values pooled, and the
    values where the replication band of the share at or below them crosses ``q``."""
    pooled = np.concatenate(samples)
    estimate = float(np.quantile(pooled, q, method="inverted_cdf"))
    finite = np.unique(pooled[np.isfinite(pooled)])
    sizes = np.array([s.size for s in samples], dtype=float)
    counts = np.array([(s[:, None] <= finite[None, :]).sum(axis=0) for s in samples], dtype=float)
    share = counts.sum(axis=0) / sizes.sum()
    residuals = (counts - share[None, :] * sizes[:, None]) / sizes.mean()
    n = len(samples)
    half = t_quantile_975(n - 1) * residuals.std(axis=0, ddof=1) / math.sqrt(n)
    low = next(
        (float(x) for x, s, h in zip(finite, share, half, strict=True) if s + h >= q), math.inf
    )
    high = next(
        (float(x) for x, s, h in zip(finite, share, half, strict=True) if s - h >= q), math.inf
    )
    return estimate, min(low, estimate), max(high, estimate)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("q", [0.5, 0.9, 0.95])
def test_pooled_quantile_agrees_with_its_definition(seed: int, q: float) -> None:
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(int(rng.integers(2, 12))):
        values = np.round(rng.exponential(10.0, size=int(rng.integers(0, 80))), 1)  # ties
        values[rng.random(values.size) < 0.05] = math.inf  # visitors never called
        samples.append(values)
    assert pooled_quantile(samples, q) == _plain_pooled_quantile(samples, q)


def test_inverted_cdf_index_reads_what_numpy_reads() -> None:
    for n in range(1, 60):
        values = np.arange(n, dtype=float)
        for q in np.linspace(0, 1, 41):
            expected = np.quantile(values, q, method="inverted_cdf")
            assert inverted_cdf_index(n, float(q)) == int(expected), (n, q)


def test_many_distinct_values_give_the_same_interval_within_one_candidate_step() -> None:
    """Beyond 4,000 distinct values the interval's ends are looked for among 4,000 of them,
    evenly spaced in rank: they move by less than a step between two such values."""
    rng = np.random.default_rng(3)
    samples = [rng.exponential(10.0, size=600) for _ in range(30)]
    estimate, low, high = pooled_quantile(samples, 0.9)
    plain, plain_low, plain_high = _plain_pooled_quantile(samples, 0.9)
    ranked = np.sort(np.concatenate(samples))
    step = float(np.max(ranked[5:] - ranked[:-5]))  # 18,000 values, every 4.5th a candidate
    assert estimate == plain
    assert abs(low - plain_low) <= step and abs(high - plain_high) <= step
    assert low <= estimate <= high
