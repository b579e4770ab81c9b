"""Probability distributions for service times, patience and the like, in minutes.

Each distribution is a small immutable pydantic model: it validates its parameters when built
(from Python keywords or from a scenario file's ``kind:`` mapping), knows its analytic mean and
variance, and draws vectorised samples from a caller-supplied ``numpy.random.Generator`` (there is
no global random state). Parameter names carry their unit and meaning, so ``mean_min=`` cannot be
confused with ``rate_per_min=``.
"""

from __future__ import annotations

import math
from abc import abstractmethod
from typing import Annotated, Literal, Self

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from typing_extensions import override

__all__ = [
    "Distribution",
    "DistributionSpec",
    "Empirical",
    "Exponential",
    "Fixed",
    "Gamma",
    "LogNormal",
    "Mixture",
    "MixtureComponent",
    "Triangular",
    "Uniform",
]

#: No single duration in the model may exceed a week of minutes: larger values are typos.
MAX_MINUTES = 7 * 24 * 60.0

PositiveMinutes = Annotated[float, Field(gt=0, le=MAX_MINUTES, allow_inf_nan=False)]
NonNegativeMinutes = Annotated[float, Field(ge=0, le=MAX_MINUTES, allow_inf_nan=False)]
CoefficientOfVariation = Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)]


class Distribution(BaseModel):
    """A non-negative random duration in minutes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @property
    @abstractmethod
    def mean(self) -> float:
        """Analytic mean in minutes."""

    @property
    @abstractmethod
    def variance(self) -> float:
        """Analytic variance in minutes squared."""

    @abstractmethod
    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` independent values."""

    @property
    def coefficient_of_variation(self) -> float:
        """Standard deviation over mean."""
        return math.sqrt(self.variance) / self.mean if self.mean > 0 else 0.0


class Exponential(Distribution):
    """Exponential durations, given by ``mean_min`` or by ``rate_per_min`` (exactly one)."""

    kind: Literal["exponential"] = "exponential"
    mean_min: PositiveMinutes | None = None
    rate_per_min: Annotated[float, Field(gt=0, le=1e6, allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.mean_min is None) == (self.rate_per_min is None):
            raise ValueError(
                "give exactly one of mean_min or rate_per_min, "
                f"got mean_min={self.mean_min}, rate_per_min={self.rate_per_min}"
            )
        return self

    @override
    @property
    def mean(self) -> float:
        return self.mean_min if self.mean_min is not None else 1.0 / self.rate_per_min  # type: ignore[operator]

    @override
    @property
    def variance(self) -> float:
        return self.mean**2

    @override
    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean, size)


class LogNormal(Distribution):
    """Log-normal durations, given by ``median_min`` or ``mean_min`` (exactly one), and ``cv``."""

    kind: Literal["lognormal"] = "lognormal"
    median_min: PositiveMinutes | None = None
    mean_min: PositiveMinutes | None = None
    cv: CoefficientOfVariation

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.median_min is None) == (self.mean_min is None):
            raise ValueError(
                "give exactly one of median_min or mean_min, "
                f"got median_min={self.median_min}, mean_min={self.mean_min}"
            )
        return self

    @property
    def sigma(self) -> float:
        """Standard deviation of the underlying normal."""
        return math.sqrt(math.log1p(self.cv**2))

    @property
    def mu(self) -> float:
        """Mean of the underlying normal."""
        if self.median_min is not None:
            return math.log(self.median_min)
        return math.log(self.mean_min) - self.sigma**2 / 2  # type: ignore[arg-type]

    @override
    @property
    def mean(self) -> float:
        return math.exp(self.mu + self.sigma**2 / 2)

    @override
    @property
    def variance(self) -> float:
        return (self.mean * self.cv) ** 2

    @override
    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.lognormal(self.mu, self.sigma, size)


class Gamma(Distribution):
    """Gamma durations with mean ``mean_min`` and coefficient of variation ``cv``."""

    kind: Literal["gamma"] = "gamma"
    mean_min: PositiveMinutes
    cv: CoefficientOfVariation

    @override
    @property
    def mean(self) -> float:
        return self.mean_min

    @override
    @property
    def variance(self) -> float:
        return (self.mean_min * self.cv) ** 2

    @override
    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        shape = 1.0 / self.cv**2
        return rng.gamma(shape, self.mean_min / shape, size)


class Triangular(Distribution):
    """Triangular durations between ``low_min`` and ``high_min`` peaking at ``mode_min``."""

    kind: Literal["triangular"] = "triangular"
    low_min: NonNegativeMinutes
    mode_min: NonNegativeMinutes
    high_min: PositiveMinutes

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.low_min <= self.mode_min <= self.high_min or self.low_min == self.high_min:
            raise ValueError(
                "need low_min <= mode_min <= high_min with low_min < high_min, got "
                f"{self.low_min}, {self.mode_min}, {self.high_min}"
            )
        return self

    @override
    @property
    def mean(self) -> float:
        return (self.low_min + self.mode_min + self.high_min) / 3

    @override
    @property
    def variance(self) -> float:
        a, c, b = self.low_min, self.mode_min, self.high_min
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18

    @override
    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.triangular(self.low_min, self.mode_min, self.high_min, size)


class Uniform(Distribution):
    """Uniform durations between ``low_min`` and ``high_min``."""

    kind: Literal["uniform"] = "uniform"
    low_min: NonNegativeMinutes
    high_min: PositiveMinutes

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.low_min < self.high_min:
            raise ValueError(
                f"need low_min < high_min, got low_min={self.low_min}, high_min={self.high_min}"
            )
        return self

    @override
    @property
    def mean(self) -> float:
        return (self.low_min + self.high_min) / 2

    @override
    @property
    def variance(self) -> float:
        return (self.high_min - self.low_min) ** 2 / 12

    @override
    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low_min, self.high_min, size)


class Fixed(Distribution):
    """Always the same duration ``value_min``."""

    kind: Literal["fixed"] = "fixed"
    value_min: NonNegativeMinutes

    @override
    @property
    def mean(self) -> float:
        return self.value_min

    @override
    @property
    def variance(self) -> float:
        return 0.0

    @override
    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, self.value_min)


class Empirical(Distribution):
    """Resamples observed durations ``values_min`` with replacement (a stopwatch study)."""

    kind: Literal["empirical"] = "empirical"
    values_min: Annotated[list[NonNegativeMinutes], Field(min_length=1, max_length=100_000)]

    @model_validator(mode="after")
    def _not_all_zero(self) -> Self:
        if max(self.values_min) <= 0:
            raise ValueError(f"values_min must contain a positive value, got {self.values_min[:5]}")
        return self

    @override
    @property
    def mean(self) -> float:
        return float(np.mean(self.values_min))

    @override
    @property
    def variance(self) -> float:
        return float(np.var(self.values_min))

    @override
    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values_min, dtype=float), size=size, replace=True)


SimpleSpec = Annotated[
    Exponential | LogNormal | Gamma | Triangular | Uniform | Fixed | Empirical,
    Field(discriminator="kind"),
]


class MixtureComponent(BaseModel):
    """One kind of service in a mix: its share of visitors and its own duration."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(default="", max_length=200)
    share: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]
    time: SimpleSpec


class Mixture(Distribution):
    """A mix of services: each visitor needs component i with probability ``share`` i."""

    kind: Literal["mixture"] = "mixture"
    components: Annotated[list[MixtureComponent], Field(min_length=1, max_length=100)]

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Self:
        total = sum(c.share for c in self.components)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"component shares must sum to 1, got {total:g}")
        return self

    @override
    @property
    def mean(self) -> float:
        return sum(c.share * c.time.mean for c in self.components)

    @override
    @property
    def variance(self) -> float:
        second = sum(c.share * (c.time.variance + c.time.mean**2) for c in self.components)
        return second - self.mean**2

    @override
    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        shares = np.array([c.share for c in self.components])
        which = rng.choice(len(shares), size=size, p=shares / shares.sum())
        out = np.empty(size)
        for i, component in enumerate(self.components):
            mask = which == i
            out[mask] = component.time.sample(rng, int(mask.sum()))
        return out


DistributionSpec = Annotated[
    Exponential | LogNormal | Gamma | Triangular | Uniform | Fixed | Empirical | Mixture,
    Field(discriminator="kind"),
]
