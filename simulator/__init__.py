"""MPP simulator: floor-layout and capacity planning for public service halls.

Data flows one way: scenario + floor plan -> plan -> engine -> records -> metrics -> views.
"""

from __future__ import annotations

from simulator.distributions import (
    Distribution,
    Empirical,
    Exponential,
    Fixed,
    Gamma,
    LogNormal,
    Mixture,
    Triangular,
    Uniform,
)
from simulator.engine import simulate_day
from simulator.errors import FloorPlanError, ScenarioError, SimulatorError
from simulator.plan import Plan, compile_plan, stationary_plan
from simulator.records import DayRecords
from simulator.scenario import Scenario, load_scenario, parse_scenario

__version__ = "0.1.0"

__all__ = [
    "DayRecords",
    "Distribution",
    "Empirical",
    "Exponential",
    "Fixed",
    "FloorPlanError",
    "Gamma",
    "LogNormal",
    "Mixture",
    "Plan",
    "Scenario",
    "ScenarioError",
    "SimulatorError",
    "Triangular",
    "Uniform",
    "__version__",
    "compile_plan",
    "load_scenario",
    "parse_scenario",
    "simulate_day",
    "stationary_plan",
]
