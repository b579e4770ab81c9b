"""Service-time distributions by maximum likelihood: lognormal, gamma, exponential, by AIC.

A service lasts from the call to its end (``ended_at - called_at``, which includes the walk to
the counter). Each family is fitted by scipy's maximum-likelihood ``fit`` with the location
fixed at zero; the one with the lowest AIC is chosen, and its Kolmogorov-Smirnov distance to
the data says how well it fits (under about 0.05 the curve and the histogram are hard to tell
apart). The empirical distribution (quantiles of the data) is kept as the alternative.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from simulator.distributions import Empirical, Exponential, Gamma, LogNormal

__all__ = ["FamilyFit", "ServiceFit", "empirical_alternative", "fit_durations"]

SHORTEST_MIN = 1.0 / 60.0
"""Durations are clipped below at one second (a zero duration has no log-likelihood)."""
EMPIRICAL_POINTS = 100
_CV_RANGE = (0.01, 10.0)
Fitted = LogNormal | Gamma | Exponential
Frozen = Any
"""A frozen scipy distribution (its type differs per family in scipy-stubs)."""


@dataclass(frozen=True, kw_only=True)
class FamilyFit:
    """One family's maximum-likelihood fit."""

    kind: str
    distribution: Fitted
    log_likelihood: float
    parameters: int

    @property
    def aic(self) -> float:
        """Akaike's information criterion (lower is better)."""
        return 2 * self.parameters - 2 * self.log_likelihood


@dataclass(frozen=True, kw_only=True)
class ServiceFit:
    """The chosen fit, every family's fit, and the data's own summary."""

    best: FamilyFit
    fits: tuple[FamilyFit, ...]
    ks_distance: float
    n: int
    mean_min: float
    cv: float

    @property
    def distribution(self) -> Fitted:
        """The chosen family's distribution."""
        return self.best.distribution


def _cv(value: float) -> float:
    return float(min(max(value, _CV_RANGE[0]), _CV_RANGE[1]))


def _families(x: np.ndarray) -> list[tuple[FamilyFit, Frozen]]:
    out: list[tuple[FamilyFit, Frozen]] = []
    s, _, scale = stats.lognorm.fit(x, floc=0)
    cv = _cv(math.sqrt(math.expm1(s * s)))
    frozen: Frozen = stats.lognorm(s, 0, scale)
    out.append(
        (
            FamilyFit(
                kind="lognormal",
                distribution=LogNormal(median_min=float(scale), cv=cv),
                log_likelihood=float(frozen.logpdf(x).sum()),
                parameters=2,
            ),
            frozen,
        )
    )
    a, _, scale = stats.gamma.fit(x, floc=0)
    frozen = stats.gamma(a, 0, scale)
    out.append(
        (
            FamilyFit(
                kind="gamma",
                distribution=Gamma(mean_min=float(a * scale), cv=_cv(1 / math.sqrt(a))),
                log_likelihood=float(frozen.logpdf(x).sum()),
                parameters=2,
            ),
            frozen,
        )
    )
    _, scale = stats.expon.fit(x, floc=0)
    frozen = stats.expon(0, scale)
    out.append(
        (
            FamilyFit(
                kind="exponential",
                distribution=Exponential(mean_min=float(scale)),
                log_likelihood=float(frozen.logpdf(x).sum()),
                parameters=1,
            ),
            frozen,
        )
    )
    return out


def fit_durations(values: np.ndarray) -> ServiceFit:
    """Fit the three families to durations in minutes (at least two values)."""
    x = np.maximum(np.asarray(values, dtype=float), SHORTEST_MIN)
    if len(x) < 2:
        raise ValueError(f"need at least two durations to fit, got {len(x)}")
    families = _families(x)
    best, frozen = min(families, key=lambda pair: pair[0].aic)
    ks = float(stats.kstest(x, frozen.cdf).statistic)
    mean = float(x.mean())
    return ServiceFit(
        best=best,
        fits=tuple(f for f, _ in families),
        ks_distance=ks,
        n=len(x),
        mean_min=mean,
        cv=float(x.std() / mean) if mean > 0 else 0.0,
    )


def empirical_alternative(values: np.ndarray) -> Empirical:
    """The data's distribution as :data:`EMPIRICAL_POINTS` evenly spaced quantiles."""
    x = np.maximum(np.asarray(values, dtype=float), SHORTEST_MIN)
    points = np.quantile(x, (np.arange(EMPIRICAL_POINTS) + 0.5) / EMPIRICAL_POINTS)
    return Empirical(values_min=[round(float(v), 3) for v in points])
