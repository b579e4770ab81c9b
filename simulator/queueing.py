"""Analytic queueing formulas: reference values for validating the engine and seeding the optimiser.

All times are in minutes, all rates per minute. Every function takes keyword-only arguments whose
names carry the unit (``arrival_rate_per_min``, ``service_mean_min``, ``patience_mean_min`` ...)
and raises :class:`ValueError` quoting the offending value.

Models (Kendall notation; Poisson arrivals, FCFS unless said otherwise):

* Erlang B  -- M/M/c/c loss system (:func:`erlang_b`).
* Erlang C  -- M/M/c with an infinite queue (``erlang_c_*``).
* Erlang A  -- M/M/c+M, exponential patience (:func:`erlang_a`), exact birth-death solution.
* Cobham    -- M/M/c with non-preemptive priority classes (:func:`priority_mean_waits`).
* Pollaczek-Khinchine -- M/G/1 (:func:`mg1_mean_wait`).
* Allen-Cunneen -- M/G/c approximation (:func:`mgc_mean_wait_approx`).

Erlang B is computed by its recursion and Erlang A in log space, so nothing overflows for
hundreds of servers. See ``docs/queueing.md`` for how the tests use these formulas.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

__all__ = [
    "ErlangAResult",
    "erlang_a",
    "erlang_b",
    "erlang_c_mean_wait",
    "erlang_c_servers_for_target",
    "erlang_c_wait_probability",
    "erlang_c_wait_quantile",
    "erlang_c_within",
    "littles_law_mean_number",
    "mg1_mean_wait",
    "mgc_mean_wait_approx",
    "offered_load",
    "priority_mean_waits",
]

# Erlang A: stop adding queue states once the remaining tail is below this share of the mass.
_TAIL_TOLERANCE = 1e-15
# Erlang A: refuse (rather than exhaust memory) beyond this many queue states.
_MAX_QUEUE_STATES = 20_000_000


# --------------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------------


def _check_servers(servers: object) -> int:
    if isinstance(servers, bool) or not isinstance(servers, Integral) or servers < 1:
        raise ValueError(f"servers must be a positive integer, got {servers!r}")
    return int(servers)


def _check_number(name: str, value: object, *, positive: bool, allow_inf: bool = False) -> float:
    """A real number that is >= 0 (or > 0 if ``positive``), finite unless ``allow_inf``."""
    ok = isinstance(value, Real) and not isinstance(value, bool)
    if ok:
        x = float(value)  # type: ignore[arg-type]
        ok = not math.isnan(x) and (allow_inf or math.isfinite(x))
        ok = ok and (x > 0 if positive else x >= 0)
    if not ok:
        bound = "> 0" if positive else ">= 0"
        kind = "a number" if allow_inf else "a finite number"
        raise ValueError(f"{name} must be {kind} {bound}, got {value!r}")
    return x


def _check_probability(name: str, value: object) -> float:
    """A probability in [0, 1): 1 would need an infinite wait or infinitely many servers."""
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or math.isnan(float(value))
        or not 0.0 <= float(value) < 1.0
    ):
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return float(value)


def _plural(servers: int) -> str:
    return "server" if servers == 1 else "servers"


def _check_stable(load: float, servers: int) -> None:
    if load >= servers:
        raise ValueError(
            f"offered load {load:g} erlang >= {servers} {_plural(servers)}: "
            "the queue grows without bound"
        )


def _mmc_inputs(
    servers: object, arrival_rate_per_min: object, service_mean_min: object
) -> tuple[int, float, float, float]:
    """Checked (c, lambda, mu, a) for a stable M/M/c queue."""
    c = _check_servers(servers)
    lam = _check_number("arrival_rate_per_min", arrival_rate_per_min, positive=False)
    mean = _check_number("service_mean_min", service_mean_min, positive=True)
    a = lam * mean
    _check_stable(a, c)
    return c, lam, 1.0 / mean, a


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def offered_load(*, arrival_rate_per_min: float, service_mean_min: float) -> float:
    """Offered load in erlangs: a = lambda * E[S] (mean busy servers if nobody is lost)."""
    lam = _check_number("arrival_rate_per_min", arrival_rate_per_min, positive=False)
    mean = _check_number("service_mean_min", service_mean_min, positive=True)
    return lam * mean


def littles_law_mean_number(*, arrival_rate_per_min: float, mean_time_min: float) -> float:
    """Little's law L = lambda * W: mean number present given throughput and mean time spent.

    Holds for any stationary system (no distributional assumption). Little (1961).
    """
    lam = _check_number("arrival_rate_per_min", arrival_rate_per_min, positive=False)
    w = _check_number("mean_time_min", mean_time_min, positive=False)
    return lam * w


# --------------------------------------------------------------------------------------------
# Erlang B and C
# --------------------------------------------------------------------------------------------


def _erlang_b(c: int, a: float) -> float:
    """B(c, a) by the recursion B(k) = a B(k-1) / (k + a B(k-1)), B(0) = 1 (stable for any c)."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def _erlang_c_from_b(c: int, a: float, b: float) -> float:
    """C(c, a) = c B / (c - a (1 - B)), valid for a < c."""
    return c * b / (c - a * (1.0 - b))


def erlang_b(*, servers: int, offered_load: float) -> float:
    """Erlang B: probability that an arrival finds all ``servers`` busy and is lost (M/M/c/c).

    B(c, a) = (a^c / c!) / sum_{k=0..c} a^k / k!, computed by the stable recursion.
    Insensitive to the service distribution (holds for M/G/c/c). Any load a >= 0 is allowed.
    Reference: Erlang (1917); Cooper, *Introduction to Queueing Theory*, 3rd ed., s. 3.3.
    """
    c = _check_servers(servers)
    a = _check_number("offered_load", offered_load, positive=False)
    return _erlang_b(c, a)


def erlang_c_wait_probability(
    *, servers: int, arrival_rate_per_min: float, service_mean_min: float
) -> float:
    """Erlang C: probability that an arrival has to wait, P(W > 0), in a stable M/M/c queue.

    C(c, a) = c B(c, a) / (c - a (1 - B(c, a))) with a = lambda * E[S] < c.
    Assumes Poisson arrivals, exponential service, FCFS, infinite patience and queue.
    Reference: Cooper (1981), s. 3.4; Gross & Harris, *Fundamentals of Queueing Theory*, s. 2.3.
    """
    c, _, _, a = _mmc_inputs(servers, arrival_rate_per_min, service_mean_min)
    return _erlang_c_from_b(c, a, _erlang_b(c, a))


def erlang_c_mean_wait(
    *, servers: int, arrival_rate_per_min: float, service_mean_min: float
) -> float:
    """Mean wait in queue (all arrivals, minutes) of M/M/c: Wq = C(c, a) / (c mu - lambda).

    Same assumptions and reference as :func:`erlang_c_wait_probability`.
    """
    c, lam, mu, a = _mmc_inputs(servers, arrival_rate_per_min, service_mean_min)
    return _erlang_c_from_b(c, a, _erlang_b(c, a)) / (c * mu - lam)


def erlang_c_within(
    *, servers: int, arrival_rate_per_min: float, service_mean_min: float, t_min: float
) -> float:
    """P(W <= t) for the M/M/c FCFS queue: 1 - C(c, a) exp(-(c mu - lambda) t).

    The service level "share of visitors served within t minutes" used in call centres.
    Same assumptions and reference as :func:`erlang_c_wait_probability`.
    """
    c, lam, mu, a = _mmc_inputs(servers, arrival_rate_per_min, service_mean_min)
    t = _check_number("t_min", t_min, positive=False)
    prob_wait = _erlang_c_from_b(c, a, _erlang_b(c, a))
    return 1.0 - prob_wait * math.exp(-(c * mu - lam) * t)


def erlang_c_wait_quantile(
    *, servers: int, arrival_rate_per_min: float, service_mean_min: float, q: float
) -> float:
    """The q-quantile (minutes) of the M/M/c FCFS waiting time, 0 <= q < 1.

    0 when q <= 1 - C(c, a) (that share waits not at all), else ln(C / (1 - q)) / (c mu - lambda).
    Inverse of :func:`erlang_c_within`; same assumptions and reference.
    """
    c, lam, mu, a = _mmc_inputs(servers, arrival_rate_per_min, service_mean_min)
    q = _check_probability("q", q)
    prob_wait = _erlang_c_from_b(c, a, _erlang_b(c, a))
    if q <= 1.0 - prob_wait:
        return 0.0
    return math.log(prob_wait / (1.0 - q)) / (c * mu - lam)


def erlang_c_servers_for_target(
    *,
    arrival_rate_per_min: float,
    service_mean_min: float,
    target_wait_min: float,
    target_share: float,
) -> int:
    """Smallest number of servers c with P(W <= target_wait_min) >= target_share in M/M/c.

    Only stable c (> offered load) are considered; P(W <= t) increases with c, so the first c
    that meets the target is the answer. ``target_share`` must be in [0, 1): a share of 1 is
    unreachable with a finite target because C(c, a) > 0. At least 1 server is returned.
    Same assumptions and reference as :func:`erlang_c_wait_probability`.
    """
    lam = _check_number("arrival_rate_per_min", arrival_rate_per_min, positive=False)
    mean = _check_number("service_mean_min", service_mean_min, positive=True)
    t = _check_number("target_wait_min", target_wait_min, positive=False)
    share = _check_probability("target_share", target_share)
    a = lam * mean
    mu = 1.0 / mean
    c = max(1, math.floor(a) + 1)
    b = _erlang_b(c, a)
    while True:
        prob_wait = _erlang_c_from_b(c, a, b)
        if 1.0 - prob_wait * math.exp(-(c * mu - lam) * t) >= share:
            return c
        c += 1
        b = a * b / (c + a * b)  # Erlang B recursion, one more server


# --------------------------------------------------------------------------------------------
# Erlang A
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ErlangAResult:
    """Steady-state measures of the M/M/c+M queue (see :func:`erlang_a`).

    Waits are in queue only (not service), in minutes; probabilities are per arrival.
    """

    servers: int
    offered_load: float
    wait_probability: float
    """P(an arrival finds all servers busy), i.e. has to queue (it may then abandon)."""
    abandon_probability: float
    """P(an arrival abandons before service)."""
    mean_wait_min: float
    """Mean time in queue over all arrivals, served and abandoning (0 for those not waiting)."""
    mean_wait_served_min: float
    """Mean time in queue of the arrivals that are eventually served."""
    mean_queue_length: float
    """Time-average number waiting (not in service)."""
    server_utilisation: float
    """Mean share of servers busy: lambda (1 - P(abandon)) E[S] / c."""


def erlang_a(
    *,
    servers: int,
    arrival_rate_per_min: float,
    service_mean_min: float,
    patience_mean_min: float,
) -> ErlangAResult:
    """Erlang A (Palm's M/M/c+M): exponential service and exponential patience, FCFS.

    Exact birth-death solution: birth rate lambda, death rate min(n, c) mu + max(n - c, 0) theta
    with theta = 1 / patience; the queue states are summed (in log space) until the remaining
    tail is below 1e-15 of the mass. Always stable, so any offered load (also >= c) is allowed.
    An arrival that finds k others queued is served with probability c mu / (c mu + (k+1) theta)
    after a mean (k+1) / (c mu + (k+1) theta) in queue over all outcomes, which gives the exact
    waits of all and of served arrivals. ``patience_mean_min=math.inf`` gives Erlang C (needs
    a < c). Reference: Palm (1957); Garnett, Mandelbaum & Reiman, MSOM 4(3), 2002.
    """
    c = _check_servers(servers)
    lam = _check_number("arrival_rate_per_min", arrival_rate_per_min, positive=False)
    mean = _check_number("service_mean_min", service_mean_min, positive=True)
    patience = _check_number("patience_mean_min", patience_mean_min, positive=True, allow_inf=True)
    mu = 1.0 / mean
    a = lam * mean

    if lam == 0.0:
        return ErlangAResult(
            servers=c,
            offered_load=0.0,
            wait_probability=0.0,
            abandon_probability=0.0,
            mean_wait_min=0.0,
            mean_wait_served_min=0.0,
            mean_queue_length=0.0,
            server_utilisation=0.0,
        )
    if math.isinf(patience):
        _check_stable(a, c)
        prob_wait = _erlang_c_from_b(c, a, _erlang_b(c, a))
        wait = prob_wait / (c * mu - lam)
        return ErlangAResult(
            servers=c,
            offered_load=a,
            wait_probability=prob_wait,
            abandon_probability=0.0,
            mean_wait_min=wait,
            mean_wait_served_min=wait,
            mean_queue_length=lam * wait,
            server_utilisation=a / c,
        )

    theta = 1.0 / patience
    cmu = c * mu
    # Log-weights of the server states n = 0..c (relative to n = 0).
    n = np.arange(1, c + 1, dtype=float)
    log_server = np.concatenate(([0.0], np.cumsum(np.log(lam / (n * mu)))))
    # Queue states c + j, j = 1..J: ratio lambda / (c mu + j theta) falls below 1 after the peak
    # at j = (lambda - c mu) / theta. Start past the peak and double until the tail is negligible.
    peak = max(0.0, (lam - cmu) / theta)
    queue_states = int(peak + 10.0 * math.sqrt(lam / theta + 1.0) + 64)
    while True:
        if queue_states > _MAX_QUEUE_STATES:
            hint = "; use patience_mean_min=math.inf (Erlang C)" if a < c else ""
            raise ValueError(
                f"patience_mean_min={patience!r} is too long for the exact Erlang A sum at "
                f"offered load {a:g} erlang with {c} {_plural(c)}: more than "
                f"{_MAX_QUEUE_STATES} queue states{hint}"
            )
        j = np.arange(1, queue_states + 1, dtype=float)
        log_queue = log_server[-1] + np.cumsum(np.log(lam / (cmu + j * theta)))
        log_max = max(float(log_server.max()), float(log_queue.max()))
        r_next = lam / (cmu + (queue_states + 1) * theta)
        if r_next < 1.0:
            # Ratios keep falling, so the tail is at most last * r / (1 - r) (geometric bound).
            log_tail = float(log_queue[-1]) + math.log(r_next / (1.0 - r_next)) - log_max
            if log_tail < math.log(_TAIL_TOLERANCE):
                break
        queue_states *= 2

    w_server = np.exp(log_server - log_max)
    w_queue = np.exp(log_queue - log_max)
    total = float(w_server.sum() + w_queue.sum())
    # p[k] = P(an arrival finds k others queued and all servers busy), k = 0..J (PASTA).
    p = np.concatenate(([w_server[-1]], w_queue)) / total
    k1 = np.arange(1, p.size + 1, dtype=float)  # k + 1
    leave_rate = cmu + k1 * theta  # rate at which the tagged arrival's position changes
    prob_wait = float(p.sum())
    mean_wait = float(np.sum(p * k1 / leave_rate))
    prob_abandon = theta * mean_wait  # abandonment rate theta * Lq = lambda * P(abandon)
    # Served path: P(served | k) = c mu / (c mu + (k+1) theta); time in queue = sum of the
    # sojourns 1 / (c mu + i theta), i = 1..k+1 (competing exponentials).
    served_time = np.cumsum(1.0 / leave_rate)
    wait_and_served = float(np.sum(p * (cmu / leave_rate) * served_time))
    mean_queue = float(np.sum(p * (k1 - 1.0)))
    return ErlangAResult(
        servers=c,
        offered_load=a,
        wait_probability=prob_wait,
        abandon_probability=prob_abandon,
        mean_wait_min=mean_wait,
        mean_wait_served_min=wait_and_served / (1.0 - prob_abandon),
        mean_queue_length=mean_queue,
        server_utilisation=min(1.0, a * (1.0 - prob_abandon) / c),
    )


# --------------------------------------------------------------------------------------------
# Priorities, M/G/1, M/G/c
# --------------------------------------------------------------------------------------------


def priority_mean_waits(
    *, servers: int, arrival_rates_per_min: Sequence[float], service_mean_min: float
) -> tuple[float, ...]:
    """Cobham: mean wait in queue per class of a non-preemptive priority M/M/c queue.

    Classes are given highest priority first, all with the same exponential service.
    W_k = C(c, a) / (c mu) / ((1 - s_{k-1}) (1 - s_k)), s_k = sum_{i<=k} lambda_i / (c mu),
    where C is the Erlang C probability for the total load a = sum lambda_i / mu < c.
    FCFS within a class. Reference: Cobham, JORSA 2(1), 1954; Gross & Harris, s. 3.4.
    """
    c = _check_servers(servers)
    mean = _check_number("service_mean_min", service_mean_min, positive=True)
    if isinstance(arrival_rates_per_min, str | bytes) or not isinstance(
        arrival_rates_per_min, Sequence | np.ndarray
    ):
        raise ValueError(
            f"arrival_rates_per_min must be a sequence of rates, got {arrival_rates_per_min!r}"
        )
    rates = [
        _check_number(f"arrival_rates_per_min[{i}]", r, positive=False)
        for i, r in enumerate(arrival_rates_per_min)
    ]
    if not rates:
        raise ValueError("arrival_rates_per_min must name at least one class, got []")
    mu = 1.0 / mean
    a = sum(rates) * mean
    _check_stable(a, c)
    w0 = _erlang_c_from_b(c, a, _erlang_b(c, a)) / (c * mu)
    waits = []
    sigma_prev = 0.0
    for rate in rates:
        sigma = sigma_prev + rate / (c * mu)
        waits.append(w0 / ((1.0 - sigma_prev) * (1.0 - sigma)))
        sigma_prev = sigma
    return tuple(waits)


def mg1_mean_wait(
    *, arrival_rate_per_min: float, service_mean_min: float, service_variance_min2: float
) -> float:
    """Pollaczek-Khinchine: mean wait in queue of M/G/1, Wq = lambda E[S^2] / (2 (1 - rho)).

    E[S^2] = Var[S] + E[S]^2, rho = lambda E[S] < 1. Any service distribution, FCFS (or any
    order not using service times). Reference: Kleinrock, *Queueing Systems* vol. 1, s. 5.6.
    """
    lam = _check_number("arrival_rate_per_min", arrival_rate_per_min, positive=False)
    mean = _check_number("service_mean_min", service_mean_min, positive=True)
    var = _check_number("service_variance_min2", service_variance_min2, positive=False)
    rho = lam * mean
    _check_stable(rho, 1)
    return lam * (var + mean * mean) / (2.0 * (1.0 - rho))


def mgc_mean_wait_approx(
    *,
    servers: int,
    arrival_rate_per_min: float,
    service_mean_min: float,
    service_variance_min2: float,
) -> float:
    """Allen-Cunneen APPROXIMATION of the M/G/c mean wait in queue: Wq(M/M/c) * (1 + cs^2) / 2.

    cs^2 = Var[S] / E[S]^2. Exact for c = 1 (Pollaczek-Khinchine) and for exponential service
    (cs^2 = 1); otherwise typically within ~10 % for moderate cs^2 and load. Use it for seeding
    and sanity checks, not as ground truth. Reference: Allen, *Probability, Statistics and
    Queueing Theory*, 2nd ed. (1990), s. 6.7; Hopp & Spearman, *Factory Physics*, ch. 8.
    """
    c, lam, mu, a = _mmc_inputs(servers, arrival_rate_per_min, service_mean_min)
    mean = 1.0 / mu
    var = _check_number("service_variance_min2", service_variance_min2, positive=False)
    wq = _erlang_c_from_b(c, a, _erlang_b(c, a)) / (c * mu - lam)
    return wq * (1.0 + var / (mean * mean)) / 2.0
