"""Shared helpers for the batch tests: small scenarios and sweep files written to tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from simulator.scenario import Scenario, load_scenario, scenario_to_yaml

REPO = Path(__file__).resolve().parents[2]
NORMAL_DAY = REPO / "scenarios" / "normal-day.yaml"
LAYOUT = REPO / "layouts" / "korpri-central.geojson"


@pytest.fixture(scope="session")
def normal_day() -> Scenario:
    """The shipped normal day, without its floor plan (queues only: fast)."""
    return load_scenario(NORMAL_DAY).model_copy(update={"layout": None})


@pytest.fixture
def write_scenario() -> Callable[[Scenario, Path], Path]:
    """A function writing a scenario as YAML to a path, returning the path."""

    def write(scenario: Scenario, path: Path) -> Path:
        path.write_text(scenario_to_yaml(scenario), encoding="utf-8")
        return path

    return write
