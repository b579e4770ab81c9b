"""Patience from censored waits: how long visitors wait before giving up.

Nobody's patience is seen directly. A ticket called when its holder had already left
(``no_show``) says the patience was *shorter* than the wait at the call (left-censored); a
served visitor's patience was *longer* than their wait (right-censored). Treating no-show waits
as patience would make visitors look far less patient than they are; scipy's ``CensoredData``
with each family's maximum-likelihood ``fit`` uses both kinds correctly. The exponential is
kept unless a lognormal or gamma fits clearly better (AIC) without a mean far beyond the data.
Tickets never called (``not_called``: left, or reset at closing) are ambiguous and left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from simulator.distributions import MAX_MINUTES, Distribution, Exponential, Gamma, LogNormal

__all__ = ["PatienceFit", "fit_patience"]

SHORTEST_MIN = 1.0 / 60.0
MAX_OBSERVATIONS = 10_000
"""At most this many waits enter the fit (a fixed-seed sample of larger logs): the censored
likelihood is maximised numerically, and more data changes the estimate by far less than its
own uncertainty."""

PARSIMONY_AIC = 2.0
"""A two-parameter family replaces the exponential only if it lowers the AIC by more than this."""
EXTRAPOLATION_LIMIT = 5.0
"""...and only if its mean is at most this many times the longest wait seen: beyond the waits
in the log the shape of the tail is a guess, and a heavy-tailed guess can put the mean
anywhere."""


@dataclass(frozen=True, kw_only=True)
class PatienceFit:
    """The chosen patience distribution and what it was fitted from."""

    distribution: Distribution
    kind: str
    aic: float
    no_shows: int
    served: int

    @property
    def mean_min(self) -> float:
        """Mean patience in minutes."""
        return self.distribution.mean


def _sample(values: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    return values if len(values) <= size else rng.choice(values, size=size, replace=False)


def fit_patience(no_show_waits: np.ndarray, served_waits: np.ndarray) -> PatienceFit | None:
    """Censored maximum-likelihood patience; ``None`` without a single no-show (patience is
    then longer than every wait seen, and nothing more can be said)."""
    left = np.maximum(np.asarray(no_show_waits, dtype=float), SHORTEST_MIN)
    right = np.maximum(np.asarray(served_waits, dtype=float), SHORTEST_MIN)
    if len(left) == 0 or len(right) == 0:
        return None
    rng = np.random.default_rng(0)
    total = len(left) + len(right)
    if total > MAX_OBSERVATIONS:
        left = _sample(left, max(1, round(MAX_OBSERVATIONS * len(left) / total)), rng)
        right = _sample(right, max(1, round(MAX_OBSERVATIONS * len(right) / total)), rng)
    data: stats.CensoredData = stats.CensoredData(left=left, right=right)
    candidates: list[tuple[float, str, Distribution]] = []
    guess = float(np.concatenate([left, right]).mean())
    scale = stats.expon.fit(data, floc=0)[1]
    candidates.append(
        (
            _aic(stats.expon(0, scale), left, right, 1),
            "exponential",
            Exponential(mean_min=float(min(scale, MAX_MINUTES))),
        )
    )
    try:
        s, _, median = stats.lognorm.fit(data, floc=0, scale=guess)
        cv = math.sqrt(math.expm1(s * s)) if s < 2.5 else 10.0
        if s < 2.5 and median * math.exp(s * s / 2) < MAX_MINUTES:
            candidates.append(
                (
                    _aic(stats.lognorm(s, 0, median), left, right, 2),
                    "lognormal",
                    LogNormal(median_min=float(median), cv=min(cv, 10.0)),
                )
            )
    except (ValueError, RuntimeError, FloatingPointError):
        pass
    try:
        a, _, gscale = stats.gamma.fit(data, floc=0)
        if a > 0.01 and a * gscale < MAX_MINUTES:
            candidates.append(
                (
                    _aic(stats.gamma(a, 0, gscale), left, right, 2),
                    "gamma",
                    Gamma(mean_min=float(a * gscale), cv=min(1 / math.sqrt(a), 10.0)),
                )
            )
    except (ValueError, RuntimeError, FloatingPointError):
        pass
    longest = float(max(left.max(), right.max()))
    simple = candidates[0]
    richer = [
        c
        for c in candidates[1:]
        if c[0] < simple[0] - PARSIMONY_AIC and c[2].mean <= EXTRAPOLATION_LIMIT * longest
    ]
    aic, kind, distribution = min([simple, *richer], key=lambda c: c[0])
    return PatienceFit(
        distribution=distribution,
        kind=kind,
        aic=aic,
        no_shows=len(no_show_waits),
        served=len(served_waits),
    )


def _aic(frozen: Any, left: np.ndarray, right: np.ndarray, k: int) -> float:
    with np.errstate(divide="ignore"):
        loglik = float(np.sum(frozen.logcdf(left)) + np.sum(frozen.logsf(right)))
    return 2 * k - 2 * loglik if math.isfinite(loglik) else math.inf
