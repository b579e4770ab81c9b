"""The analytic queueing formulas against textbook values and independent computations.

Independent references used here: exact rational arithmetic (fractions), scipy's Poisson
distribution, and a direct numpy solve of the truncated Markov chain.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from simulator import queueing as qf

# --------------------------------------------------------------------------------------------
# Independent references
# --------------------------------------------------------------------------------------------


def _erlang_b_exact(c: int, a: Fraction) -> Fraction:
    terms = [a**k / math.factorial(k) for k in range(c + 1)]
    return terms[-1] / sum(terms)


def _erlang_c_exact(c: int, a: Fraction) -> Fraction:
    rho = a / c
    terms = [a**k / math.factorial(k) for k in range(c)]
    top = a**c / math.factorial(c) / (1 - rho)
    return top / (sum(terms) + top)


def _erlang_c_scipy(c: int, a: float) -> float:
    """C(c, a) = P(N = c) / (P(N = c) + (1 - a/c) P(N < c)), N ~ Poisson(a)."""
    pmf = stats.poisson.pmf(c, a)
    return float(pmf / (pmf + (1.0 - a / c) * stats.poisson.cdf(c - 1, a)))


def _erlang_a_ctmc(c: int, lam: float, mu: float, theta: float, states: int) -> dict[str, float]:
    """M/M/c+M by a dense generator solve, and the served wait by an absorbing chain."""
    n = np.arange(states)
    death = np.minimum(n, c) * mu + np.maximum(n - c, 0) * theta
    gen = np.zeros((states, states))
    gen[n[:-1], n[:-1] + 1] = lam
    gen[n[1:], n[1:] - 1] = death[1:]
    gen[n, n] = -gen.sum(axis=1)
    # pi Q = 0, sum pi = 1: replace one balance equation by the normalisation.
    lhs = np.vstack([gen.T[:-1], np.ones(states)])
    rhs = np.zeros(states)
    rhs[-1] = 1.0
    pi = np.linalg.solve(lhs, rhs)
    queue = np.maximum(n - c, 0)
    lq = float(np.sum(pi * queue))
    # Tagged arrival with j customers ahead (j = 0..K): transient generator T; it enters
    # service from j = 0 at rate c mu, abandons at rate theta from anywhere.
    k_max = states - c
    j = np.arange(k_max)
    t_gen = np.zeros((k_max, k_max))
    t_gen[j[1:], j[1:] - 1] = c * mu + j[1:] * theta
    t_gen[j, j] = -(c * mu + (j + 1) * theta)
    exit_served = np.zeros(k_max)
    exit_served[0] = c * mu
    prob_served = np.linalg.solve(-t_gen, exit_served)  # P(served | j ahead)
    time_and_served = np.linalg.solve(-t_gen, prob_served)  # E[W 1{served} | j ahead]
    arrive = pi[c:]  # an arrival finding n = c + j waits behind j others (PASTA)
    p_served = float(pi[:c].sum() + np.sum(arrive * prob_served))
    return {
        "wait_probability": float(arrive.sum()),
        "mean_queue_length": lq,
        "mean_wait_min": lq / lam,
        "abandon_probability": theta * lq / lam,
        "mean_wait_served_min": float(np.sum(arrive * time_and_served)) / p_served,
    }


# --------------------------------------------------------------------------------------------
# Erlang B and C
# --------------------------------------------------------------------------------------------


def test_erlang_b_textbook_and_exact() -> None:
    # Classic Erlang B table entry: 10 trunks, 5 erlang -> 1.84 % blocking.
    assert qf.erlang_b(servers=10, offered_load=5.0) == pytest.approx(0.018385, abs=5e-7)
    for c, a in [(1, Fraction(1, 2)), (3, Fraction(2)), (7, Fraction(13, 2)), (12, Fraction(20))]:
        expected = float(_erlang_b_exact(c, a))
        assert qf.erlang_b(servers=c, offered_load=float(a)) == pytest.approx(expected, rel=1e-12)
    assert qf.erlang_b(servers=4, offered_load=0.0) == 0.0


def test_mm1_closed_forms() -> None:
    lam, mu = 0.8, 1.0
    kw = {"servers": 1, "arrival_rate_per_min": lam, "service_mean_min": 1.0 / mu}
    rho = lam / mu
    assert qf.erlang_c_wait_probability(**kw) == pytest.approx(rho, rel=1e-12)
    assert qf.erlang_c_mean_wait(**kw) == pytest.approx(rho / (mu - lam), rel=1e-12)  # = 4 min
    t = 2.5
    assert qf.erlang_c_within(**kw, t_min=t) == pytest.approx(
        1.0 - rho * math.exp(-(mu - lam) * t), rel=1e-12
    )


def test_mm2_closed_forms() -> None:
    lam, mu = 1.5, 1.0
    rho = lam / (2 * mu)
    kw = {"servers": 2, "arrival_rate_per_min": lam, "service_mean_min": 1.0 / mu}
    assert qf.erlang_c_wait_probability(**kw) == pytest.approx(2 * rho**2 / (1 + rho), rel=1e-12)
    assert qf.erlang_c_mean_wait(**kw) == pytest.approx(rho**2 / (mu * (1 - rho**2)), rel=1e-12)


def test_erlang_c_classic_cases() -> None:
    # 3 servers, 2 erlang: C = 4/9 (textbook).
    assert qf.erlang_c_wait_probability(
        servers=3, arrival_rate_per_min=2.0, service_mean_min=1.0
    ) == pytest.approx(4 / 9, rel=1e-12)
    # Call centre: 100 calls per 30 min, 3 min handling (10 erlang), 12 agents.
    kw = {"servers": 12, "arrival_rate_per_min": 100 / 30, "service_mean_min": 3.0}
    expected = float(_erlang_c_exact(12, Fraction(10)))
    assert expected == pytest.approx(0.4494, abs=1e-4)
    assert qf.erlang_c_wait_probability(**kw) == pytest.approx(expected, rel=1e-12)
    assert qf.erlang_c_mean_wait(**kw) == pytest.approx(expected * 3.0 / 2, rel=1e-12)


@pytest.mark.parametrize(("c", "a"), [(1, 0.3), (5, 4.2), (30, 25.0), (200, 190.0), (200, 150.0)])
def test_erlang_c_against_scipy_poisson(c: int, a: float) -> None:
    got = qf.erlang_c_wait_probability(servers=c, arrival_rate_per_min=a / 4, service_mean_min=4.0)
    assert got == pytest.approx(_erlang_c_scipy(c, a), rel=1e-9)


def test_large_number_of_servers_does_not_overflow() -> None:
    for c, a in [(200, 199.5), (200, 1.0), (2000, 1950.0), (5000, 10.0)]:
        b = qf.erlang_b(servers=c, offered_load=a)
        assert 0.0 <= b <= 1.0 and math.isfinite(b)
        kw = {"servers": c, "arrival_rate_per_min": a, "service_mean_min": 1.0}
        assert 0.0 <= qf.erlang_c_wait_probability(**kw) <= 1.0
        assert math.isfinite(qf.erlang_c_mean_wait(**kw))
    b = qf.erlang_b(servers=200, offered_load=180.0)
    expected = stats.poisson.pmf(200, 180.0) / stats.poisson.cdf(200, 180.0)
    assert b == pytest.approx(expected, rel=1e-9)
    res = qf.erlang_a(
        servers=200, arrival_rate_per_min=250.0, service_mean_min=1.0, patience_mean_min=10.0
    )
    assert all(math.isfinite(v) for v in (res.mean_wait_min, res.mean_wait_served_min))
    # Overloaded by 50 erlang: the fluid limit loses about 50/250 of the arrivals.
    assert res.abandon_probability == pytest.approx(0.2, abs=0.01)


@pytest.mark.parametrize("q", [0.0, 0.2, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999])
@pytest.mark.parametrize(("c", "lam", "mean"), [(1, 0.5, 1.0), (4, 3.0, 1.0), (40, 1.9, 20.0)])
def test_quantile_is_inverse_of_within(q: float, c: int, lam: float, mean: float) -> None:
    kw = {"servers": c, "arrival_rate_per_min": lam, "service_mean_min": mean}
    t = qf.erlang_c_wait_quantile(**kw, q=q)
    assert t >= 0.0
    no_wait = 1.0 - qf.erlang_c_wait_probability(**kw)
    if q <= no_wait:
        assert t == 0.0
        assert qf.erlang_c_within(**kw, t_min=0.0) == pytest.approx(no_wait, rel=1e-12)
    else:
        assert qf.erlang_c_within(**kw, t_min=t) == pytest.approx(q, abs=1e-12)


def test_servers_for_target_is_minimal_and_monotone() -> None:
    def within(c: int, lam: float, mean: float, t: float) -> float:
        if lam * mean >= c:
            return 0.0
        return qf.erlang_c_within(
            servers=c, arrival_rate_per_min=lam, service_mean_min=mean, t_min=t
        )

    base = {"service_mean_min": 8.0, "target_wait_min": 15.0, "target_share": 0.8}
    previous = 0
    for lam in [0.0, 0.05, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0]:
        c = qf.erlang_c_servers_for_target(arrival_rate_per_min=lam, **base)
        assert c >= previous  # more arrivals never need fewer counters
        assert within(c, lam, 8.0, 15.0) >= 0.8
        assert c == 1 or within(c - 1, lam, 8.0, 15.0) < 0.8  # minimal
        previous = c
    shares = [0.0, 0.5, 0.8, 0.9, 0.99, 0.999]
    by_share = [
        qf.erlang_c_servers_for_target(
            arrival_rate_per_min=10.0, service_mean_min=8.0, target_wait_min=5.0, target_share=s
        )
        for s in shares
    ]
    assert by_share == sorted(by_share)
    assert by_share[0] == 81  # share 0: just the smallest stable c > 80 erlang
    waits = [0.0, 1.0, 5.0, 30.0, 600.0]
    by_wait = [
        qf.erlang_c_servers_for_target(
            arrival_rate_per_min=10.0, service_mean_min=8.0, target_wait_min=w, target_share=0.9
        )
        for w in waits
    ]
    assert by_wait == sorted(by_wait, reverse=True)


# --------------------------------------------------------------------------------------------
# Erlang A
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("c", "lam", "mean", "patience"),
    [
        (1, 0.8, 1.0, 2.0),
        (3, 2.5, 1.0, 0.5),
        (5, 1.0, 6.0, 10.0),  # offered load 6 > 5 servers: still stable
        (10, 1.2, 9.0, 5.0),
        (2, 0.1, 5.0, 1e-3),
    ],
)
def test_erlang_a_matches_direct_ctmc_solve(
    c: int, lam: float, mean: float, patience: float
) -> None:
    res = qf.erlang_a(
        servers=c, arrival_rate_per_min=lam, service_mean_min=mean, patience_mean_min=patience
    )
    ref = _erlang_a_ctmc(c, lam, 1.0 / mean, 1.0 / patience, states=c + 400)
    for name, value in ref.items():
        assert getattr(res, name) == pytest.approx(value, rel=1e-9, abs=1e-13), name
    # Little's law ties the two ways of getting the mean wait together.
    assert res.mean_queue_length == pytest.approx(lam * res.mean_wait_min, rel=1e-12)
    assert res.server_utilisation == pytest.approx(
        lam * (1 - res.abandon_probability) * mean / c, rel=1e-12
    )


def test_erlang_a_tends_to_erlang_c_for_long_patience() -> None:
    kw = {"servers": 4, "arrival_rate_per_min": 0.35, "service_mean_min": 10.0}
    c_wait = qf.erlang_c_wait_probability(**kw)
    c_mean = qf.erlang_c_mean_wait(**kw)
    res = qf.erlang_a(**kw, patience_mean_min=1e9)
    assert res.wait_probability == pytest.approx(c_wait, rel=1e-6)
    assert res.mean_wait_min == pytest.approx(c_mean, rel=1e-6)
    assert res.mean_wait_served_min == pytest.approx(c_mean, rel=1e-6)
    assert res.abandon_probability == pytest.approx(0.0, abs=1e-6)
    exact = qf.erlang_a(**kw, patience_mean_min=math.inf)
    assert exact.wait_probability == pytest.approx(c_wait, rel=1e-12)
    assert exact.mean_wait_min == pytest.approx(c_mean, rel=1e-12)
    assert exact.abandon_probability == 0.0


@pytest.mark.parametrize(("c", "a"), [(1, 0.5), (4, 3.5), (10, 12.0)])
def test_erlang_a_tends_to_loss_system_for_no_patience(c: int, a: float) -> None:
    res = qf.erlang_a(
        servers=c, arrival_rate_per_min=a / 5.0, service_mean_min=5.0, patience_mean_min=1e-9
    )
    b = qf.erlang_b(servers=c, offered_load=a)
    assert res.wait_probability == pytest.approx(b, rel=1e-6)
    assert res.abandon_probability == pytest.approx(b, rel=1e-6)
    assert res.mean_wait_min == pytest.approx(0.0, abs=1e-8)
    assert res.mean_wait_served_min == pytest.approx(0.0, abs=1e-8)


def test_erlang_a_no_arrivals() -> None:
    res = qf.erlang_a(
        servers=2, arrival_rate_per_min=0.0, service_mean_min=5.0, patience_mean_min=3.0
    )
    assert res.wait_probability == res.abandon_probability == res.mean_wait_min == 0.0


# --------------------------------------------------------------------------------------------
# Priorities, M/G/1, M/G/c
# --------------------------------------------------------------------------------------------


def test_priority_single_class_is_erlang_c() -> None:
    kw = {"servers": 6, "service_mean_min": 7.0}
    (w,) = qf.priority_mean_waits(arrival_rates_per_min=[0.75], **kw)
    assert w == pytest.approx(qf.erlang_c_mean_wait(arrival_rate_per_min=0.75, **kw), rel=1e-12)


@pytest.mark.parametrize(
    ("c", "rates", "mean"),
    [(1, [0.2, 0.3, 0.25], 1.0), (3, [0.1, 0.15], 10.0), (12, [0.5, 0.0, 0.8, 0.3], 6.5)],
)
def test_priority_conservation_law(c: int, rates: list[float], mean: float) -> None:
    waits = qf.priority_mean_waits(servers=c, arrival_rates_per_min=rates, service_mean_min=mean)
    assert list(waits) == sorted(waits)  # lower priority never waits less
    fcfs = qf.erlang_c_mean_wait(servers=c, arrival_rate_per_min=sum(rates), service_mean_min=mean)
    weighted = sum(r * w for r, w in zip(rates, waits, strict=True)) / sum(rates)
    assert weighted == pytest.approx(fcfs, rel=1e-12)


def test_priority_mm1_textbook() -> None:
    # M/G/1 non-preemptive (Kleinrock): W_k = W0 / ((1 - s_{k-1})(1 - s_k)), W0 = sum l_i E[S^2]/2.
    lam1, lam2, mean = 0.3, 0.4, 1.0
    w0 = (lam1 + lam2) * 2 * mean**2 / 2
    w1, w2 = qf.priority_mean_waits(
        servers=1, arrival_rates_per_min=np.array([lam1, lam2]), service_mean_min=mean
    )
    assert w1 == pytest.approx(w0 / (1 - lam1), rel=1e-12)
    assert w2 == pytest.approx(w0 / ((1 - lam1) * (1 - lam1 - lam2)), rel=1e-12)


def test_pollaczek_khinchine() -> None:
    # Exponential service (variance = mean^2): M/M/1.
    for lam, mean in [(0.8, 1.0), (0.05, 12.0)]:
        assert qf.mg1_mean_wait(
            arrival_rate_per_min=lam, service_mean_min=mean, service_variance_min2=mean**2
        ) == pytest.approx(
            qf.erlang_c_mean_wait(servers=1, arrival_rate_per_min=lam, service_mean_min=mean),
            rel=1e-12,
        )
    # M/D/1 at rho = 0.8, unit service: Wq = rho / (2 mu (1 - rho)) = 2 min.
    assert qf.mg1_mean_wait(
        arrival_rate_per_min=0.8, service_mean_min=1.0, service_variance_min2=0.0
    ) == pytest.approx(2.0, rel=1e-12)


def test_allen_cunneen_limits() -> None:
    # c = 1: exactly Pollaczek-Khinchine; exponential service: exactly Erlang C.
    assert qf.mgc_mean_wait_approx(
        servers=1, arrival_rate_per_min=0.6, service_mean_min=1.2, service_variance_min2=0.5
    ) == pytest.approx(
        qf.mg1_mean_wait(arrival_rate_per_min=0.6, service_mean_min=1.2, service_variance_min2=0.5),
        rel=1e-12,
    )
    kw = {"servers": 5, "arrival_rate_per_min": 0.4, "service_mean_min": 10.0}
    assert qf.mgc_mean_wait_approx(**kw, service_variance_min2=100.0) == pytest.approx(
        qf.erlang_c_mean_wait(**kw), rel=1e-12
    )
    # Deterministic service halves the M/M/c wait.
    assert qf.mgc_mean_wait_approx(**kw, service_variance_min2=0.0) == pytest.approx(
        qf.erlang_c_mean_wait(**kw) / 2, rel=1e-12
    )


def test_small_helpers() -> None:
    assert qf.offered_load(arrival_rate_per_min=0.5, service_mean_min=7.0) == 3.5
    assert qf.littles_law_mean_number(arrival_rate_per_min=2.0, mean_time_min=3.0) == 6.0


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------

_MMC = {"servers": 3, "arrival_rate_per_min": 1.0, "service_mean_min": 2.0}
_ERLANG_C_FUNCS = [
    qf.erlang_c_wait_probability,
    qf.erlang_c_mean_wait,
    lambda **kw: qf.erlang_c_within(**kw, t_min=1.0),
    lambda **kw: qf.erlang_c_wait_quantile(**kw, q=0.5),
    lambda **kw: qf.mgc_mean_wait_approx(**kw, service_variance_min2=1.0),
    lambda **kw: qf.erlang_a(**kw, patience_mean_min=math.inf),
]


@pytest.mark.parametrize("func", _ERLANG_C_FUNCS)
@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"servers": 0}, "servers must be a positive integer, got 0"),
        ({"servers": -2}, "servers must be a positive integer, got -2"),
        ({"servers": 2.5}, "servers must be a positive integer, got 2.5"),
        ({"servers": True}, "servers must be a positive integer, got True"),
        (
            {"arrival_rate_per_min": -1.0},
            "arrival_rate_per_min must be a finite number >= 0, got -1.0",
        ),
        (
            {"arrival_rate_per_min": math.nan},
            "arrival_rate_per_min must be a finite number >= 0, got nan",
        ),
        ({"service_mean_min": 0.0}, "service_mean_min must be a finite number > 0, got 0.0"),
        (
            {"service_mean_min": math.inf},
            "service_mean_min must be a finite number > 0, got inf",
        ),
        (
            {"arrival_rate_per_min": 1.6},
            "offered load 3.2 erlang >= 3 servers: the queue grows without bound",
        ),
        (
            {"arrival_rate_per_min": 1.5},
            "offered load 3 erlang >= 3 servers: the queue grows without bound",
        ),
    ],
)
def test_erlang_c_family_rejects_bad_input(func, override: dict, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        func(**{**_MMC, **override})


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: qf.erlang_b(servers=0, offered_load=1.0),
            "servers must be a positive integer, got 0",
        ),
        (
            lambda: qf.erlang_b(servers=3, offered_load=-0.1),
            "offered_load must be a finite number >= 0, got -0.1",
        ),
        (
            lambda: qf.erlang_c_within(**_MMC, t_min=-1.0),
            "t_min must be a finite number >= 0, got -1.0",
        ),
        (lambda: qf.erlang_c_wait_quantile(**_MMC, q=1.0), "q must be in [0, 1), got 1.0"),
        (lambda: qf.erlang_c_wait_quantile(**_MMC, q=-0.1), "q must be in [0, 1), got -0.1"),
        (
            lambda: qf.erlang_c_servers_for_target(
                arrival_rate_per_min=1.0, service_mean_min=2.0, target_wait_min=5.0, target_share=1
            ),
            "target_share must be in [0, 1), got 1",
        ),
        (
            lambda: qf.erlang_c_servers_for_target(
                arrival_rate_per_min=1.0, service_mean_min=2.0, target_wait_min=-5, target_share=0.8
            ),
            "target_wait_min must be a finite number >= 0, got -5",
        ),
        (
            lambda: qf.erlang_c_servers_for_target(
                arrival_rate_per_min=-1, service_mean_min=2.0, target_wait_min=5, target_share=0.8
            ),
            "arrival_rate_per_min must be a finite number >= 0, got -1",
        ),
        (
            lambda: qf.erlang_a(**_MMC, patience_mean_min=0.0),
            "patience_mean_min must be a number > 0, got 0.0",
        ),
        (
            lambda: qf.erlang_a(**{**_MMC, "servers": 0}, patience_mean_min=5.0),
            "servers must be a positive integer, got 0",
        ),
        (
            lambda: qf.priority_mean_waits(
                servers=1, arrival_rates_per_min=[0.5, 0.6], service_mean_min=1.0
            ),
            "offered load 1.1 erlang >= 1 server: the queue grows without bound",
        ),
        (
            lambda: qf.priority_mean_waits(
                servers=2, arrival_rates_per_min=[0.5, -0.1], service_mean_min=1.0
            ),
            "arrival_rates_per_min[1] must be a finite number >= 0, got -0.1",
        ),
        (
            lambda: qf.priority_mean_waits(servers=2, arrival_rates_per_min=[], service_mean_min=1),
            "arrival_rates_per_min must name at least one class, got []",
        ),
        (
            lambda: qf.priority_mean_waits(
                servers=2, arrival_rates_per_min=0.5, service_mean_min=1.0
            ),
            "arrival_rates_per_min must be a sequence of rates, got 0.5",
        ),
        (
            lambda: qf.mg1_mean_wait(
                arrival_rate_per_min=1.0, service_mean_min=1.0, service_variance_min2=0.0
            ),
            "offered load 1 erlang >= 1 server: the queue grows without bound",
        ),
        (
            lambda: qf.mg1_mean_wait(
                arrival_rate_per_min=0.5, service_mean_min=1.0, service_variance_min2=-1.0
            ),
            "service_variance_min2 must be a finite number >= 0, got -1.0",
        ),
        (
            lambda: qf.offered_load(arrival_rate_per_min=1.0, service_mean_min=-3.0),
            "service_mean_min must be a finite number > 0, got -3.0",
        ),
        (
            lambda: qf.littles_law_mean_number(arrival_rate_per_min=1.0, mean_time_min=-3.0),
            "mean_time_min must be a finite number >= 0, got -3.0",
        ),
    ],
)
def test_other_bad_input_messages(call, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        call()


def test_keyword_only() -> None:
    with pytest.raises(TypeError):
        qf.erlang_b(3, 2.0)  # type: ignore[misc]
    with pytest.raises(TypeError):
        qf.erlang_c_mean_wait(3, 1.0, 2.0)  # type: ignore[misc]


def test_erlang_a_refuses_absurd_state_spaces() -> None:
    with pytest.raises(
        ValueError, match=r"^patience_mean_min=100000000.0 is too long .* 1 server: "
    ):
        qf.erlang_a(
            servers=1, arrival_rate_per_min=2.0, service_mean_min=1.0, patience_mean_min=1e8
        )
