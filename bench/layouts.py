"""Speed of ``layouts compare`` on the three Korpri plans, against one ``mpp-sim run``.

    .venv/bin/python bench/layouts.py [--replications 10] [--jobs 1] [--rounds 2]

Times ``compare_layouts`` (what ``mpp-sim layouts compare scenarios/monday.yaml
layouts/korpri-{central,clusters,compact}.geojson --target-p90 15`` runs) and, in the same
process and rounds, one run of the Monday scenario as ``mpp-sim run`` does it (the plan on its
floor plan and ``run_experiment``), and prints the best round of each and their ratio, and the
placement optimiser's time on each plan. Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from simulator.executors import make_executor
from simulator.experiment import run_experiment
from simulator.inputs import plan_for
from simulator.layout_compare import compare_layouts
from simulator.placement import optimise_placement
from simulator.scenario import load_scenario

REPO = Path(__file__).resolve().parents[1]
PLANS = ("korpri-central.geojson", "korpri-clusters.geojson", "korpri-compact.geojson")


def main() -> None:
    """Time both, print the figures and the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    scenario = load_scenario(REPO / "scenarios" / "monday.yaml")
    layouts = [str(REPO / "layouts" / p) for p in PLANS]
    best_run = best_compare = float("inf")
    result = None
    for _ in range(args.rounds):
        started = time.perf_counter()
        run_experiment(plan_for(scenario), seed=scenario.run.seed, replications=args.replications)
        best_run = min(best_run, time.perf_counter() - started)
        started = time.perf_counter()
        with make_executor("local", jobs=args.jobs) as executor:
            result = compare_layouts(
                scenario,
                layouts,
                target_p90_min=15,
                replications=args.replications,
                executor=executor,
            )
        best_compare = min(best_compare, time.perf_counter() - started)
    assert result is not None
    print(
        f"Monday, {args.replications} replications, --jobs {args.jobs}, best of {args.rounds} "
        "rounds"
    )
    print(f"  one run of the scenario (mpp-sim run)      {best_run:7.2f} s")
    print(f"  layouts compare on {len(PLANS)} plans               {best_compare:7.2f} s")
    print(f"  ratio                                      {best_compare / best_run:7.1f}x")
    for plan in PLANS:
        moved = scenario.model_copy(update={"layout": str(REPO / "layouts" / plan)})
        started = time.perf_counter()
        found = optimise_placement(moved, simulate=False)
        print(
            f"  placement optimiser on {plan:<24} {time.perf_counter() - started:6.2f} s "
            f"({found.candidates} candidate blocks)"
        )
    print()
    print(result.to_text())


if __name__ == "__main__":
    main()
