"""The engine against Ciw, an independent queueing-network simulator, on two agencies with
transfers: a Jackson network (Poisson arrivals, exponential services, FIFO, nobody gives up).

Half the visitors served at agency A go on to agency B with a new ticket. Both simulators
record, per station, the waits of the tickets taken in a measurement window after a warm-up;
the means over independent replications must agree within the 95% interval of their
difference, and so must the number of tickets B takes (its own visitors plus the transfers).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from simulator.distributions import Exponential
from simulator.engine import simulate_day
from simulator.plan import Plan, stationary_plan
from simulator.stats import mean_ci

ciw = pytest.importorskip("ciw")

RATE_A, RATE_B = 0.8, 0.5  # external arrivals per minute
SERVICE_A, SERVICE_B = 3.5, 3.0  # mean service minutes (loads 0.7 and 0.675)
COUNTERS_A, COUNTERS_B = 4, 4
TRANSFER = 0.5  # share of A's served visitors who go on to B
WARMUP, END = 100.0, 1000.0  # tickets taken in [WARMUP, END) are measured
REPLICATIONS = 20
SEED = 20240


def _plan() -> Plan:
    """Two always-open agencies, A transferring to B, no patience, no front office."""
    plan = stationary_plan(
        arrival_rate_per_min=RATE_A,
        servers=COUNTERS_A,
        service=Exponential(mean_min=SERVICE_A),
        horizon_min=END,
        extra_agencies=[("b", RATE_B, COUNTERS_B, Exponential(mean_min=SERVICE_B))],
    )
    first = dataclasses.replace(plan.agencies[0], transfers=((1, TRANSFER),))
    assert first.patience is None and plan.front_office.kiosks is None
    return dataclasses.replace(plan, agencies=(first, *plan.agencies[1:]))


def _engine(replication: int) -> dict[str, tuple[float, int]]:
    """Per station (``a``, ``b``): mean wait and number of tickets taken in the window."""
    steps = simulate_day(_plan(), seed=SEED, replication=replication).steps
    out = {}
    for name, station in (("a", 0), ("b", 1)):
        mine = (steps["station"] == station) & (steps["queued"] >= WARMUP) & (steps["queued"] < END)
        waits = steps["called"][mine] - steps["queued"][mine]
        out[name] = (float(np.mean(waits)), int(mine.sum()))
    return out


def _ciw(replication: int) -> dict[str, tuple[float, int]]:
    """The same network in Ciw, run past the window so every measured ticket is served."""
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(RATE_A), ciw.dists.Exponential(RATE_B)],
        service_distributions=[
            ciw.dists.Exponential(1 / SERVICE_A),
            ciw.dists.Exponential(1 / SERVICE_B),
        ],
        routing=[[0.0, TRANSFER], [0.0, 0.0]],
        number_of_servers=[COUNTERS_A, COUNTERS_B],
    )
    ciw.seed(SEED + replication)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(END + 300.0)
    records = simulation.get_all_records()
    out = {}
    for name, node in (("a", 1), ("b", 2)):
        waits = [
            r.waiting_time for r in records if r.node == node and WARMUP <= r.arrival_date < END
        ]
        out[name] = (float(np.mean(waits)), len(waits))
    return out


@pytest.mark.slow
def test_engine_agrees_with_ciw_on_two_agencies_with_transfers() -> None:
    engine = [_engine(r) for r in range(REPLICATIONS)]
    reference = [_ciw(r) for r in range(REPLICATIONS)]
    for station in ("a", "b"):
        for what, index in (("mean wait", 0), ("tickets", 1)):
            ours = mean_ci([run[station][index] for run in engine])
            theirs = mean_ci([run[station][index] for run in reference])
            allowed = math.hypot(ours[1], theirs[1])
            assert abs(ours[0] - theirs[0]) <= allowed, (
                f"station {station}, {what}: engine {ours[0]:.3f} ± {ours[1]:.3f}, "
                f"Ciw {theirs[0]:.3f} ± {theirs[1]:.3f}"
            )
    # B takes its own visitors plus half of A's: the transfer share reaches the second agency.
    window = END - WARMUP
    expected_b = (RATE_B + TRANSFER * RATE_A) * window
    tickets_b = mean_ci([run["b"][1] for run in engine])
    assert abs(tickets_b[0] - expected_b) <= 3 * tickets_b[1] + 0.02 * expected_b
