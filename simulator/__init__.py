"""MPP simulator: floor-layout and capacity planning for public service halls.

Data flows one way: scenario + floor plan -> plan -> engine -> records -> metrics -> views
(``docs/architecture.md``). Importing the package costs nothing: the public names below are
loaded from their modules on first use, so ``import simulator.errors`` or ``mpp-sim --help``
never pull in numpy, SimPy, pydantic or pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> the module that defines it (imported on first access).
_PUBLIC = {
    "DayRecords": "simulator.records",
    "Distribution": "simulator.distributions",
    "Empirical": "simulator.distributions",
    "Exponential": "simulator.distributions",
    "Fixed": "simulator.distributions",
    "FloorPlanError": "simulator.errors",
    "Gamma": "simulator.distributions",
    "LogNormal": "simulator.distributions",
    "Mixture": "simulator.distributions",
    "Plan": "simulator.plan",
    "Scenario": "simulator.scenario",
    "ScenarioError": "simulator.errors",
    "SimulatorError": "simulator.errors",
    "Triangular": "simulator.distributions",
    "Uniform": "simulator.distributions",
    "compile_plan": "simulator.plan",
    "load_scenario": "simulator.scenario",
    "parse_scenario": "simulator.scenario",
    "simulate_day": "simulator.engine",
    "stationary_plan": "simulator.plan",
}

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

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    """Load a public name from its module the first time it is asked for."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'simulator' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's own names and the lazily loaded public ones."""
    return sorted({*globals(), *_PUBLIC})
