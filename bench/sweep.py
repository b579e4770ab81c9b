"""Batch speed: sweep throughput with 2 worker processes against 1, and the optimiser's time.

    .venv/bin/python bench/sweep.py [--replications 5] [--rounds 3] [--target-p90 15]

The sweep is 40 variants of the normal day (disdukcapil 3-7 counters x samsat 1-4 x normal and
Monday volumes) times the replications, each into a fresh store, without plots. The goal on a
2-core machine is a ratio of at least 1.7. Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import tempfile
import time
from pathlib import Path

from simulator.executors import InlineExecutor, LocalExecutor
from simulator.optimize import optimise_counters
from simulator.scenario import load_scenario
from simulator.sweep import load_sweep, run_sweep

REPO = Path(__file__).resolve().parents[1]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _sweep_file(folder: Path, replications: int) -> Path:
    path = folder / "bench-sweep.yaml"
    path.write_text(
        f"base: {REPO / 'scenarios' / 'normal-day.yaml'}\n"
        f"seed: 7\nreplications: {replications}\n"
        "grid:\n"
        "  day_types: [normal, monday]\n"
        "  counters: {disdukcapil: [3, 4, 5, 6, 7], samsat: [1, 2, 3, 4]}\n",
        encoding="utf-8",
    )
    return path


def bench_sweep(replications: int, rounds: int) -> None:
    """Time the same sweep with --jobs 1 and --jobs 2, alternating, and print the best of
    ``rounds`` (the least disturbed by other work on the machine)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sweep = load_sweep(_sweep_file(folder, replications))
        best: dict[int, float] = {}
        main_cpu: dict[int, float] = {}
        cpu_total: dict[int, float] = {}
        cpu_main: dict[int, float] = {}
        outputs = {}
        runs = 0
        for round_ in range(rounds):
            for jobs in (1, 2):
                out = folder / f"round{round_}-jobs{jobs}"
                executor = InlineExecutor() if jobs == 1 else LocalExecutor(jobs=jobs)
                children = _children_cpu()
                with executor:
                    start = time.perf_counter()
                    cpu = time.process_time()
                    result = run_sweep(sweep, out=out, executor=executor, plots=False)
                    elapsed = time.perf_counter() - start
                    cpu = time.process_time() - cpu
                workers = _children_cpu() - children  # the pool is reaped on leaving `with`
                runs = result.ran
                print(
                    f"  round {round_ + 1} --jobs {jobs}: {elapsed:.2f} s "
                    f"(CPU: main {cpu:.2f} s, workers {workers:.2f} s)"
                )
                if elapsed < best.get(jobs, math.inf):
                    best[jobs] = elapsed
                    main_cpu[jobs] = cpu
                cpu_total[jobs] = min(cpu_total.get(jobs, math.inf), cpu + workers)
                cpu_main[jobs] = min(cpu_main.get(jobs, math.inf), cpu)
                outputs[jobs] = (out / "results.csv").read_bytes()
        for jobs in (1, 2):
            print(
                f"sweep --jobs {jobs}: {runs} runs ({len(result.replications)} variants x "
                f"{replications}) in {best[jobs]:.2f} s = {runs / best[jobs]:.1f} runs/s "
                f"(best of {rounds}); main process CPU {main_cpu[jobs]:.2f} s"
            )
        print(f"speed-up --jobs 2 / --jobs 1: {best[1] / best[2]:.2f}x (goal >= 1.7x)")
        ceiling = cpu_total[1] / (cpu_total[2] / 2)  # all CPU work shared by two cores
        print(
            f"CPU accounting: --jobs 1 needs {cpu_total[1]:.2f} s of CPU, --jobs 2 needs "
            f"{cpu_total[2]:.2f} s ({cpu_main[2]:.2f} s in the main process): on two idle "
            f"cores that allows up to {min(2.0, ceiling):.2f}x"
        )
        print(f"results.csv identical for --jobs 1 and 2: {outputs[1] == outputs[2]}")


def bench_optimiser(target: float) -> None:
    """Time the optimiser on the 23-agency Monday scenario, with 1 and 2 worker processes."""
    scenario = load_scenario(REPO / "scenarios" / "monday.yaml")
    for jobs in (1, 2):
        executor = InlineExecutor() if jobs == 1 else LocalExecutor(jobs=jobs)
        with executor:
            start = time.perf_counter()
            result = optimise_counters(scenario, target_p90_min=target, executor=executor)
            elapsed = time.perf_counter() - start
        print(
            f"optimize monday.yaml --target-p90 {target:g} --jobs {jobs}: {elapsed:.2f} s, "
            f"{result.simulations} simulations x {result.replications} replications, "
            f"{result.total} counters ({result.slots_from}), "
            f"{'feasible' if result.feasible else 'misses at ' + ', '.join(result.missing)}"
        )


def main() -> None:
    """Run both benchmarks and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument("--target-p90", type=float, default=15.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPUs, load average {load:.1f} (figures mean little on a busy machine)")
    bench_sweep(args.replications, args.rounds)
    bench_optimiser(args.target_p90)


if __name__ == "__main__":
    main()
