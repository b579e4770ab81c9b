"""Confidence intervals across replications (Student's t): the one home of the project's
interval arithmetic. Replications (simulated days) are the independent units."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = [
    "half_width",
    "mean_ci",
    "paired_quantile_difference",
    "paired_ratio_difference",
    "pooled_quantile",
    "ratio_ci",
    "t_quantile_975",
]

# Two-sided 95% Student t quantiles for 1..30 degrees of freedom.
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t_quantile_975(df: int) -> float:
    """The 0.975 quantile of Student's t with ``df`` degrees of freedom."""
    if df < 1:
        raise ValueError(f"degrees of freedom must be >= 1, got {df}")
    if df <= 30:
        return _T975[df - 1]
    # Cornish-Fisher expansion around the normal quantile; accurate to 1e-4 beyond 30 df.
    z = 1.959963984540054
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def mean_ci(values: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """Mean and 95% confidence half-width of independent replications (NaNs ignored).

    The half-width is NaN with fewer than two finite values.
    """
    data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    if data.size == 0:
        return math.nan, math.nan
    return float(data.mean()), half_width(data)


def half_width(differences: np.ndarray) -> float:
    """95% Student-t half-width of the mean of independent values (NaN with fewer than two)."""
    n = differences.size
    if n < 2:
        return math.nan
    return t_quantile_975(n - 1) * float(differences.std(ddof=1)) / math.sqrt(n)


def ratio_ci(numerators: np.ndarray, denominators: np.ndarray) -> tuple[float, float]:
    """A ratio pooled over replications, sum(num) / sum(den), and its 95% half-width.

    Replications are the independent units (a day's visitors are not independent of each
    other), so the interval comes from the spread of the days' residuals
    ``num_r - ratio * den_r`` (the delta method for a ratio estimator).
    """
    num = np.asarray(numerators, dtype=float)
    den = np.asarray(denominators, dtype=float)
    total = den.sum()
    if num.size == 0 or total <= 0:
        return math.nan, math.nan
    ratio = float(num.sum() / total)
    residuals = (num - ratio * den) / den.mean()
    return ratio, half_width(residuals)


def paired_ratio_difference(
    num_a: np.ndarray, den_a: np.ndarray, num_b: np.ndarray, den_b: np.ndarray
) -> tuple[float, float]:
    """Pooled ratio of B minus that of A over paired replications, and its 95% half-width
    (the days' residuals are differenced pair by pair, so common random numbers cancel)."""
    ra, _ = ratio_ci(num_a, den_a)
    rb, _ = ratio_ci(num_b, den_b)
    if not (math.isfinite(ra) and math.isfinite(rb)):
        return math.nan, math.nan
    res_a = (np.asarray(num_a, float) - ra * np.asarray(den_a, float)) / np.mean(den_a)
    res_b = (np.asarray(num_b, float) - rb * np.asarray(den_b, float)) / np.mean(den_b)
    return rb - ra, half_width(res_b - res_a)


_MAX_CANDIDATES = 4000


def _candidates(values: np.ndarray) -> np.ndarray:
    """Where an interval's ends are looked for: the sorted distinct ``values``, or at most
    :data:`_MAX_CANDIDATES` of them evenly spaced in rank, the first and last included (observed
    values, picked by index: a quantile of thousands of points each partitions the array)."""
    if values.size <= _MAX_CANDIDATES:
        return values
    ranks = np.linspace(0, values.size - 1, _MAX_CANDIDATES).round().astype(np.intp)
    return values[np.unique(ranks)]


def inverted_cdf_index(n: int, q: float) -> int:
    """Where the ``q`` quantile of ``n`` sorted values is, by the inverted empirical CDF: the
    index ``numpy.quantile(..., method="inverted_cdf")`` reads (the same arithmetic), for
    values already sorted."""
    virtual = n * q - 1
    previous = math.floor(virtual)
    index = previous if virtual - previous == 0 else previous + 1
    return min(max(index, 0), n - 1)


def pooled_quantile(samples: Sequence[np.ndarray], q: float) -> tuple[float, float, float]:
    """The ``q`` quantile of all replications' values pooled, with a 95% interval.

    Values may be ``inf`` (a visitor never called). The quantile is the inverted empirical CDF
    (the smallest value with a share ``q`` at or below it), so ``quantile <= x`` exactly when
    the pooled share at or below ``x`` is at least ``q``. The interval inverts the replication
    interval of that share (Woodruff): its ends are where the share's 95% band crosses ``q``.
    Returns (estimate, low, high); inf where the share is not reached; NaN without values.
    """
    arrays = [np.sort(np.asarray(s, dtype=float)) for s in samples]
    # sorted runs merge quickly (the stable sort finds them); every step below reads this one
    # sorted copy instead of sorting again (the app's summary of a run makes ~170 such calls)
    pooled = np.sort(np.concatenate(arrays), kind="stable") if arrays else np.empty(0)
    if pooled.size == 0:
        return math.nan, math.nan, math.nan
    estimate = float(pooled[inverted_cdf_index(pooled.size, q)])
    finite = pooled[: np.searchsorted(pooled, math.inf, side="left")]
    if finite.size:
        finite = finite[np.concatenate(([True], finite[1:] != finite[:-1]))]
    if len(arrays) < 2 or finite.size == 0:
        return estimate, math.nan, math.nan
    finite = _candidates(finite)
    counts = np.array([np.searchsorted(a, finite, side="right") for a in arrays], dtype=float)
    sizes = np.array([a.size for a in arrays], dtype=float)
    share = counts.sum(axis=0) / sizes.sum()
    residuals = (counts - share[None, :] * sizes[:, None]) / sizes.mean()
    n = len(arrays)
    half = t_quantile_975(n - 1) * residuals.std(axis=0, ddof=1) / math.sqrt(n)
    low_at = np.flatnonzero(share + half >= q)
    high_at = np.flatnonzero(share - half >= q)
    low = float(finite[low_at[0]]) if low_at.size else math.inf
    high = float(finite[high_at[0]]) if high_at.size else math.inf
    return estimate, min(low, estimate), max(high, estimate)


_BOOTSTRAP_DRAWS = 1000


def paired_quantile_difference(
    samples_a: Sequence[np.ndarray], samples_b: Sequence[np.ndarray], q: float, *, seed: int
) -> tuple[float, float, float]:
    """The pooled ``q`` quantile of B minus that of A, over paired replications, with a 95%
    interval from a bootstrap of the replication pairs (the same days drawn for A and B, so
    common random numbers cancel). Returns (difference, low, high): zero when both quantiles
    are equal (also when neither is reached), an infinite difference without an interval when
    only one is reached, no interval with fewer than two pairs. ``seed`` makes the bootstrap
    reproducible (a generator of its own; nothing global)."""
    a_est = pooled_quantile(samples_a, q)[0]
    b_est = pooled_quantile(samples_b, q)[0]
    if a_est == b_est:  # both not reached (inf) counts as equal too
        return 0.0, 0.0, 0.0
    if not (math.isfinite(a_est) and math.isfinite(b_est)):
        return b_est - a_est, math.nan, math.nan
    diff = b_est - a_est
    n = len(samples_a)
    if n < 2 or len(samples_b) != n:
        return diff, math.nan, math.nan
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy=seed)))
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=_BOOTSTRAP_DRAWS).astype(float)
    ends = []
    for samples in (samples_a, samples_b):
        arrays = [np.sort(np.asarray(s, dtype=float)) for s in samples]
        pooled = np.concatenate(arrays)
        grid = _candidates(np.unique(pooled[np.isfinite(pooled)]))
        counts = np.array([np.searchsorted(a, grid, side="right") for a in arrays], float)
        sizes = np.array([a.size for a in arrays], dtype=float)
        share = (weights @ counts) / np.maximum(weights @ sizes, 1.0)[:, None]
        reached = share >= q
        first = np.where(reached.any(axis=1), reached.argmax(axis=1), -1)
        ends.append(np.where(first >= 0, grid[np.clip(first, 0, None)], math.inf))
    both = np.isfinite(ends[0]) & np.isfinite(ends[1])
    draws = ends[1][both] - ends[0][both]
    if draws.size < _BOOTSTRAP_DRAWS // 2:
        return diff, math.nan, math.nan
    low, high = np.quantile(draws, [0.025, 0.975])
    return diff, float(low), float(high)
