"""Shared fixtures of the app tests: the repository, shipped inputs, one small result, and for
the browser tests Debian's Chromium and the app served by ``streamlit run``."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
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


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium: browser tests skip without it, except in CI (``CI`` set): they fail."""
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None
    )
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but chromium is missing: install Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium); required in CI")
    return found


@pytest.fixture(scope="module")
def app_url(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by ``streamlit run`` on a free loopback port, stopped afterwards."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    command = [
        sys.executable,
        *("-m", "streamlit", "run", str(REPO / "app.py")),
        *("--server.headless", "true", "--server.port", str(port)),
        *("--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"),
    ]
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
    # the server and its worker processes wrote no traceback while the module's flows ran
    written = log.read_text(errors="replace")
    if "Traceback" in written:
        pytest.fail(f"the app's server log has a traceback:\n{written[-3000:]}")
