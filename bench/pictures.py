"""What the app's pictures cost to build and send, against the run they show.

For each shipped scenario with a floor plan: the time to run it (the app's 30 replications,
the reference), then to build each picture once (uncached, as after an edit) and the bytes
sent to the browser: the three result charts (Vega-Lite specs), the plan coloured by p90 and
the day played on the plan (HTML pages). Best of ``--repeat`` rounds; ratios to the run.

    .venv/bin/python bench/pictures.py [--repeat 3] [--replications 30]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from simulator.experiment import ExperimentResult
from simulator.inputs import site_for
from simulator.scenario import Scenario, load_scenario
from simulator.ui import interactive, plan_view, playback
from simulator.ui.i18n import Translator, agency_names
from simulator.ui.runs import run_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("normal-day.yaml", "monday.yaml", "post-holiday-surge.yaml", "monday-two-floors.yaml")


def best(repeat: int, build: Callable[[], object]) -> tuple[float, object]:
    times = []
    value: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        value = build()
        times.append(time.perf_counter() - start)
    return min(times), value


def size(value: object) -> int:
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    return len(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def builders(
    scenario: Scenario, result: ExperimentResult, tr: Translator
) -> dict[str, Callable[[], object]]:
    """Each picture of one run, built from scratch."""
    site = site_for(scenario)
    building = plan_view.building_of(scenario)
    assert site is not None and building is not None
    names = agency_names(scenario, tr.lang)
    target = scenario.target.wait_min

    def queue() -> object:
        chart = interactive.queue_chart(result, tr=tr, names=names)
        return chart.to_dict() if chart is not None else {}

    def zones() -> object:
        chart = interactive.occupancy_chart(result, tr=tr)
        return chart.to_dict() if chart is not None else {}

    return {
        "queue chart": queue,
        "waits chart": lambda: interactive.waits_chart(result, tr=tr, target_min=target).to_dict(),
        "zones chart": zones,
        "plan page": lambda: plan_view.plan_page(
            scenario, site, result, tr=tr, title="x", building=building
        ),
        "day played": lambda: playback.playback_page(scenario, tr=tr, title="x"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--replications", type=int, default=30)
    args = parser.parse_args()
    tr = Translator("id")
    print(f"best of {args.repeat}; ratios are picture time / run time")
    for name in SCENARIOS:
        base = load_scenario(ROOT / "scenarios" / name)
        scenario = base.model_copy(
            update={"run": base.run.model_copy(update={"replications": args.replications})}
        )
        start = time.perf_counter()
        result = run_scenario(scenario)
        run_s = time.perf_counter() - start
        print(f"\n{name}: {args.replications} replications run in {run_s:.2f} s")
        total = 0.0
        for label, build in builders(scenario, result, tr).items():
            seconds, value = best(args.repeat, build)
            total += seconds
            print(
                f"  {label:<12} {seconds * 1000:7.1f} ms  {seconds / run_s:6.1%} of the run"
                f"  {size(value) / 1024:7.1f} KB"
            )
        print(f"  {'all':<12} {total * 1000:7.1f} ms  {total / run_s:6.1%} of the run")


if __name__ == "__main__":
    main()
