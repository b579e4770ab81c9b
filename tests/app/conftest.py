"""Shared fixtures of the app tests: the repository, shipped inputs and one small result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.experiment import ExperimentResult
from simulator.scenario import Scenario, load_scenario
from simulator.ui.layouts import shipped_layouts
from simulator.ui.runs import run_scenario

REPO = Path(__file__).resolve().parents[2]
LAYOUTS = REPO / "layouts"


@pytest.fixture(scope="session")
def normal_day() -> Scenario:
    """The default scenario, as shipped."""
    return load_scenario(REPO / "scenarios" / "normal-day.yaml")


@pytest.fixture(scope="session")
def shipped() -> dict[str, Path]:
    """Shipped layout name -> file."""
    return shipped_layouts(LAYOUTS)


@pytest.fixture(scope="session")
def small_run(normal_day: Scenario, shipped: dict[str, Path]) -> tuple[Scenario, ExperimentResult]:
    """Monday on the central layout, 3 replications: a result with waiting zones."""
    scenario = load_scenario(REPO / "scenarios" / "monday.yaml")
    scenario = scenario.model_copy(
        update={
            "layout": str(shipped["korpri-central"]),
            "run": scenario.run.model_copy(update={"replications": 3}),
        }
    )
    return scenario, run_scenario(scenario)


@pytest.fixture(scope="session")
def broken_plan() -> bytes:
    """A readable GeoJSON floor plan with errors: no entrance, a counter outside the floor."""
    features = [
        {
            "type": "Feature",
            "properties": {"kind": "floor"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]],
            },
        },
        {
            "type": "Feature",
            "properties": {"kind": "counter", "slot": "A01"},
            "geometry": {"type": "Point", "coordinates": [30, 30]},
        },
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()
