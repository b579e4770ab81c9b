"""The ``mpp-sim`` command line: validate scenarios and floor plans, run them, write results.

Every user error ends as one line on stderr naming the file, the field, the value and what was
expected, with exit status 2 (1 for a floor-plan check that found errors); never a traceback.
Only typer and :mod:`simulator.errors` are imported up front; each command imports what it
uses, so ``mpp-sim --help`` starts without numpy, pandas, SimPy or matplotlib.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.exceptions import TyperException

from simulator.errors import SimulatorError

if TYPE_CHECKING:
    import pandas as pd

    from simulator.experiment import Progress
    from simulator.plan import Plan
    from simulator.walking import SiteLayout

__all__ = ["app", "main"]

app = typer.Typer(
    name="mpp-sim",
    help="Floor-layout and capacity-planning simulator for public service halls (MPP).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
scenario_app = typer.Typer(help="Scenario files.", no_args_is_help=True)
floorplan_app = typer.Typer(help="Floor-plan drawings (DXF or GeoJSON).", no_args_is_help=True)
placement_app = typer.Typer(help="Agencies on counter slots (placement).", no_args_is_help=True)
layouts_app = typer.Typer(help="Floor-plan layouts side by side.", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")
app.add_typer(floorplan_app, name="floorplan")
app.add_typer(placement_app, name="placement")
app.add_typer(layouts_app, name="layouts")


class Format(StrEnum):
    """Table file formats."""

    csv = "csv"
    parquet = "parquet"


def _progress_lines(*, quiet: bool) -> Callable[[str], None]:
    """Progress of a long command as lines on stderr (none when ``quiet``: JSON on stdout
    stays alone on the screen)."""

    def say(message: str) -> None:
        if not quiet:
            typer.echo(message, err=True)

    return say


@contextlib.contextmanager
def _progress_bar(label: str, *, unit: str, quiet: bool = False) -> Iterator[Progress | None]:
    """A progress bar on stderr fed by ``progress(done, total)`` calls (``total`` may grow);
    ``None`` when ``quiet`` or when stderr is not a terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(total=0, desc=label, unit=unit, file=sys.stderr, leave=False)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        bar.close()


@scenario_app.command("check")
def scenario_check(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
) -> None:
    """Validate a scenario file (and the floor plan it names)."""
    from simulator.inputs import plan_for
    from simulator.scenario import load_scenario

    scenario = load_scenario(file)
    plan = plan_for(scenario, source=str(file))
    open_agencies = sum(1 for a in plan.agencies if a.open_today)
    counters = scenario.total_counters
    expected = sum(a.expected_arrivals for a in plan.agencies)
    typer.echo(
        f"{file}: OK - {scenario.name!r}: {len(scenario.agencies)} agencies "
        f"({open_agencies} open on {scenario.day.weekday}), {counters} counters, "
        f"about {expected:.0f} visitors, layout: "
        f"{', '.join(scenario.layout_files()) or 'none'}"
    )


@app.command("run")
def run(
    scenario_file: Annotated[Path, typer.Argument(metavar="SCENARIO", help="Scenario YAML.")],
    replications: Annotated[
        int | None, typer.Option(min=1, max=1000, help="Replications (default: scenario's).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Random seed (default: scenario's).")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for result files.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Table file format.")] = Format.csv,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    records: Annotated[
        bool,
        typer.Option(
            "--records", help="With --out, also write every visitor and every step (all days)."
        ),
    ] = False,
) -> None:
    """Simulate a scenario and print per-agency results."""
    from simulator.experiment import run_experiment
    from simulator.inputs import plan_for
    from simulator.output import file_sha256, write_json, write_table
    from simulator.scenario import check_run_size, load_scenario
    from simulator.summary import channel_table, result_table, result_to_json

    if records and out is None:
        raise SimulatorError("--records writes tables, so it needs --out DIR")
    scenario = load_scenario(scenario_file)
    plan = plan_for(scenario, source=str(scenario_file))
    reps = replications if replications is not None else scenario.run.replications
    check_run_size(scenario, reps)
    chosen_seed = seed if seed is not None else scenario.run.seed
    with _progress_bar("simulating", unit="rep") as progress:
        result = run_experiment(plan, seed=chosen_seed, replications=reps, progress=progress)
    inputs = {"scenario_sha256": file_sha256(scenario_file)}
    layout_files = scenario.layout_files()
    if len(layout_files) == 1:
        inputs["floorplan_sha256"] = file_sha256(layout_files[0])
    elif layout_files:  # a building: each floor's drawing
        for level, path in scenario.layout_levels().items():
            inputs[f"floorplan_sha256_level{level}"] = file_sha256(path)
    data = result_to_json(result, scenario=scenario.name, inputs=inputs)
    if out is not None:
        tables = {
            "summary": result.summary,
            "per_replication": result.per_replication,
            "queue_timeline": result.queue,
        }
        if len(result.zones_per_replication):
            tables |= {"zones_summary": result.zones_summary, "zone_occupancy": result.occupancy}
        if records:
            tables |= _day_records(plan, chosen_seed, reps)
        for name, table in tables.items():
            write_table(table, out / name, fmt.value)
        write_json(data, out / "run.json")
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
    else:
        typer.echo(f"{scenario.name} - {reps} replications, seed {chosen_seed}")
        typer.echo(result_table(result))
        booking = [
            a.id for a in scenario.agencies if a.booking is not None or a.walk_in_quota is not None
        ]
        if booking:
            typer.echo("")
            typer.echo(channel_table(result, booking))
        if out is not None:
            typer.echo(f"results written to {out}")


class ExecutorChoice(StrEnum):
    """Where sweep runs execute."""

    local = "local"
    dask = "dask"


@app.command("compare")
def compare(
    scenario_files: Annotated[
        list[Path], typer.Argument(metavar="A B [C ...]", help="Scenario YAMLs; A is the base.")
    ],
    replications: Annotated[
        int | None, typer.Option(min=2, max=1000, help="Replications (default: A's).")
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Random seed (default: A's).")] = None,
    jobs: Annotated[int, typer.Option(min=1, max=256, help="Worker processes.")] = 1,
    all_rows: Annotated[
        bool, typer.Option("--all", help="Show every agency row, not only significant ones.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    practical_p90_min: Annotated[
        float,
        typer.Option(
            "--practical-p90-min",
            min=0,
            help="Wait differences (p90 and the others) under this many minutes are about "
            "the same.",
        ),
    ] = 1.0,
    practical_share_pp: Annotated[
        float,
        typer.Option(
            "--practical-share-pp",
            min=0,
            help="Share differences (within target ...) under this many percentage points are "
            "about the same.",
        ),
    ] = 1.0,
    practical_walk_m: Annotated[
        float,
        typer.Option(
            "--practical-walk-m", min=0, help="Walking differences under this are about the same."
        ),
    ] = 5.0,
) -> None:
    """Paired comparison of scenarios against the first under common random numbers;
    differences under the practical thresholds are about the same."""
    from simulator.compare import (
        comparison_table,
        paired_differences,
        practical_thresholds,
        run_paired,
    )
    from simulator.executors import make_executor
    from simulator.inputs import plan_for
    from simulator.scenario import load_scenario

    if len(scenario_files) < 2:
        raise SimulatorError(
            f"compare needs at least two scenario files, got {len(scenario_files)}"
        )
    scenarios = [load_scenario(f) for f in scenario_files]
    plans = [plan_for(s, source=str(f)) for s, f in zip(scenarios, scenario_files, strict=True)]
    reps = replications if replications is not None else max(2, scenarios[0].run.replications)
    chosen_seed = seed if seed is not None else scenarios[0].run.seed
    with (
        _progress_bar("simulating", unit="rep", quiet=as_json) as progress,
        make_executor("local", jobs=jobs) as executor,
    ):
        results = run_paired(
            plans, seed=chosen_seed, replications=reps, executor=executor, progress=progress
        )
    thresholds = practical_thresholds(
        p90_min=practical_p90_min, share_pp=practical_share_pp, walk_m=practical_walk_m
    )
    base = results[0]
    tables = [paired_differences(base, other, thresholds=thresholds) for other in results[1:]]
    settings = {
        "p90_min": practical_p90_min,
        "share_pp": practical_share_pp,
        "walk_m": practical_walk_m,
    }
    if as_json:
        names = [s.name for s in scenarios]
        data = _comparison_json(scenario_files, names, tables, seed=chosen_seed, replications=reps)
        typer.echo(json.dumps(data | {"practical_thresholds": settings}, ensure_ascii=False))
        return
    for f, table in zip(scenario_files[1:], tables, strict=True):
        typer.echo(
            f"A = {scenario_files[0]}, B = {f}: {reps} paired replications, seed {chosen_seed}"
        )
        typer.echo(
            comparison_table(table, name_a=scenario_files[0].stem, name_b=f.stem, all_rows=all_rows)
        )
        typer.echo("")
    typer.echo(
        "B - A with its 95% confidence interval; verdicts know whether lower is better; "
        f"'about the same': |B - A| under the practical threshold ({practical_p90_min:g} min "
        f"of waiting, {practical_share_pp:g} percentage points of a share, "
        f"{practical_walk_m:g} m of walking)"
    )


def _comparison_json(
    files: list[Path],
    names: list[str],
    tables: list[pd.DataFrame],
    *,
    seed: int,
    replications: int,
) -> dict[str, Any]:
    """The ``compare --json`` object: the inputs (with their SHA-256) and every B - A table."""
    from simulator import __version__
    from simulator.output import file_sha256

    records = [
        {"file": str(f), "scenario": name, "scenario_sha256": file_sha256(f)}
        for f, name in zip(files, names, strict=True)
    ]
    return {
        "version": __version__,
        "seed": seed,
        "replications": replications,
        "a": records[0],
        "comparisons": [
            {
                "b": record,
                "rows": json.loads(table.to_json(orient="records", double_precision=10)),
            }
            for record, table in zip(records[1:], tables, strict=True)
        ],
    }


@app.command("sweep")
def sweep(
    sweep_file: Annotated[Path, typer.Argument(metavar="SWEEP", help="Sweep YAML file.")],
    jobs: Annotated[
        int | None, typer.Option(min=1, max=256, help="Worker processes (default: all CPUs).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default: sweep-results/<name>).")
    ] = None,
    executor_kind: Annotated[
        ExecutorChoice, typer.Option("--executor", help="local processes or a dask cluster.")
    ] = ExecutorChoice.local,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
    ] = None,
    precision: Annotated[
        float | None,
        typer.Option(help="Add replications until the overall p90's 95% half-width < H min."),
    ] = None,
    max_replications: Annotated[
        int, typer.Option(min=1, max=1000, help="Ceiling on replications with --precision.")
    ] = 200,
) -> None:
    """Run every variant of a sweep file in parallel; finished runs are kept and reused."""
    from simulator.executors import make_executor
    from simulator.sweep import load_sweep, run_sweep
    from simulator.sweep.outputs import overall_lines, unmet_precision

    if scheduler is not None and executor_kind is not ExecutorChoice.dask:
        raise SimulatorError("--scheduler is only used with --executor dask")
    if executor_kind is ExecutorChoice.dask and not scheduler:
        raise SimulatorError("--executor dask needs --scheduler ADDRESS, e.g. tcp://127.0.0.1:8786")
    if precision is not None and not precision > 0:
        raise SimulatorError(f"--precision must be a positive number of minutes, got {precision}")
    spec = load_sweep(sweep_file)
    target = out if out is not None else Path("sweep-results") / sweep_file.stem
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    with (
        _progress_bar("sweep", unit="run") as progress,
        make_executor(executor_kind.value, jobs=workers, scheduler=scheduler) as executor,
    ):
        result = run_sweep(
            spec,
            out=target,
            executor=executor,
            precision=precision,
            max_replications=max_replications,
            progress=progress,
        )
    counts = sorted(set(result.replications.values()))
    reps = str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
    typer.echo(
        f"{spec.name}: {len(result.replications)} variants x {reps} replications, "
        f"seed {spec.seed}: {result.ran} runs simulated, {result.reused} reused from "
        f"{target / 'runs'}"
    )
    typer.echo("overall p90 wait per variant (95% CI):")
    typer.echo("\n".join(overall_lines(result.summary, limit=40)))
    if len(result.replications) > 40:
        typer.echo(f"  ... {len(result.replications) - 40} more in {target / 'summary.csv'}")
    if precision is not None:
        short = unmet_precision(result.half_widths, precision)
        typer.echo(
            f"precision: half-width < {precision:g} min reached by "
            f"{len(result.half_widths) - len(short)} of {len(result.half_widths)} variants"
            + (f"; not within {max_replications} replications: {', '.join(short)}" if short else "")
        )
    typer.echo(f"results written to {target}")


@app.command("optimize")
def optimize(
    scenario_file: Annotated[Path, typer.Argument(metavar="SCENARIO", help="Scenario YAML.")],
    target_p90: Annotated[float, typer.Option("--target-p90", help="Target p90 wait in minutes.")],
    slots: Annotated[
        int | None, typer.Option(min=1, help="Counter slots (default: the floor plan's).")
    ] = None,
    replications: Annotated[
        int | None, typer.Option(min=2, max=1000, help="Replications (default: scenario's).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Random seed (default: scenario's).")
    ] = None,
    jobs: Annotated[int, typer.Option(min=1, max=256, help="Worker processes.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Scenario YAML to write with the counters found."),
    ] = None,
) -> None:
    """Fewest counters per agency (or counter group) meeting a p90 wait target, within the
    floor plan's slots."""
    from simulator.executors import make_executor
    from simulator.optimize import optimise_counters, scenario_with
    from simulator.scenario import load_scenario

    if not math.isfinite(target_p90) or target_p90 <= 0:
        raise SimulatorError(f"--target-p90 must be a positive number of minutes, got {target_p90}")
    scenario = load_scenario(scenario_file)

    with make_executor("local", jobs=jobs) as executor:
        result = optimise_counters(
            scenario,
            target_p90_min=target_p90,
            slots=slots,
            replications=replications,
            seed=seed,
            executor=executor,
            progress=_progress_lines(quiet=as_json),
        )
    notes: list[str] = []
    if out is not None:
        from simulator.output import write_scenario

        written, notes = scenario_with(scenario, result)
        write_scenario(
            written,
            out,
            comment=f"Counters by `mpp-sim optimize --target-p90 {target_p90:g}` from "
            f"{scenario_file.name}.",
        )
    if as_json:
        data = result.to_json() | ({"out": str(out), "notes": notes} if out else {})
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    typer.echo(result.to_text())
    for note in notes:
        typer.echo(f"note: {note}")
    if out is not None:
        typer.echo(f"wrote {out}")


def _placement_optimise(
    scenario_file: Annotated[Path, typer.Argument(metavar="SCENARIO", help="Scenario YAML.")],
    out: Annotated[
        Path, typer.Option("--out", help="Scenario YAML to write, with the placement filled.")
    ],
    replications: Annotated[
        int, typer.Option(min=1, max=1000, help="Days simulated before and after.")
    ] = 3,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Random seed (default: scenario's).")
    ] = None,
    no_simulation: Annotated[
        bool, typer.Option("--no-simulation", help="Only the cost model, no simulation.")
    ] = False,
    jobs: Annotated[int, typer.Option(min=1, max=256, help="Worker processes.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Place every agency (and counter group) on the layout's slots so visitors walk least,
    keeping each one's counters and each cluster together; write the scenario with it."""
    from simulator.executors import make_executor
    from simulator.output import write_scenario
    from simulator.placement import optimise_placement
    from simulator.scenario import load_scenario

    scenario = load_scenario(scenario_file)

    with make_executor("local", jobs=jobs) as executor:
        result = optimise_placement(
            scenario,
            simulate=not no_simulation,
            replications=replications,
            seed=seed,
            executor=executor,
            progress=_progress_lines(quiet=as_json),
        )
    write_scenario(
        result.scenario,
        out,
        comment=f"Placement by `mpp-sim placement optimise` from {scenario_file.name}.",
    )
    if as_json:
        typer.echo(json.dumps(result.to_json() | {"out": str(out)}, ensure_ascii=False))
        return
    typer.echo(result.to_text())
    typer.echo(f"wrote {out}")


placement_app.command("optimise")(_placement_optimise)
placement_app.command("optimize", hidden=True)(_placement_optimise)


class PlacementChoice(StrEnum):
    """How ``layouts compare`` places agencies on each plan."""

    optimised = "optimised"
    default = "default"


@layouts_app.command("compare")
def layouts_compare(
    scenario_file: Annotated[Path, typer.Argument(metavar="SCENARIO", help="Scenario YAML.")],
    plans: Annotated[
        list[str],
        typer.Argument(
            metavar="PLAN...",
            help="Floor plan (DXF or GeoJSON), a building YAML (floors: [{level, file}]), or "
            "a building's floor files joined by commas (levels 0, 1, ...).",
        ),
    ],
    target_p90: Annotated[float, typer.Option("--target-p90", help="Target p90 wait in minutes.")],
    replications: Annotated[
        int | None, typer.Option(min=2, max=1000, help="Replications (default: scenario's).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Random seed (default: scenario's).")
    ] = None,
    placement: Annotated[
        PlacementChoice,
        typer.Option(help="Agencies placed by the placement optimiser, or the default rule."),
    ] = PlacementChoice.optimised,
    jobs: Annotated[int, typer.Option(min=1, max=256, help="Worker processes.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Each plan's slots, seats, the fewest counters meeting the target, and its best with
    every slot used."""
    from simulator.executors import make_executor
    from simulator.layout_compare import compare_layouts
    from simulator.scenario import load_scenario

    if not math.isfinite(target_p90) or target_p90 <= 0:
        raise SimulatorError(f"--target-p90 must be a positive number of minutes, got {target_p90}")
    scenario = load_scenario(scenario_file)
    layouts = [_layout_argument(p) for p in plans]

    with make_executor("local", jobs=jobs) as executor:
        result = compare_layouts(
            scenario,
            layouts,
            target_p90_min=target_p90,
            replications=replications,
            seed=seed,
            placement=placement.value,
            executor=executor,
            progress=_progress_lines(quiet=as_json),
        )
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    typer.echo(result.to_text())


def _layout_argument(text: str) -> Any:
    """A ``layouts compare`` plan argument as a scenario layout: a floor-plan path (absolute),
    a building file, or floor files joined by commas."""
    from simulator.scenario import (
        LAYOUT_SUFFIXES,
        BuildingLayout,
        FloorFile,
        load_building_layout,
    )

    parts = [p for p in text.split(",") if p]
    for part in parts:
        if not Path(part).is_file():
            raise SimulatorError(f"{part}: no such floor-plan or building file")
    if len(parts) > 1:
        floors = [FloorFile(level=i, file=str(Path(p).resolve())) for i, p in enumerate(parts)]
        return BuildingLayout(floors=floors)
    if text.lower().endswith((".yaml", ".yml")):
        return load_building_layout(text)
    if not text.lower().endswith(LAYOUT_SUFFIXES):
        raise SimulatorError(
            f"{text}: expected a floor plan ({', '.join(LAYOUT_SUFFIXES)}) or a building YAML"
        )
    return str(Path(text).resolve())


@app.command("calibrate")
def calibrate(
    tickets: Annotated[Path, typer.Argument(metavar="TICKETS.csv", help="Queue-ticket log.")],
    out: Annotated[Path, typer.Option("--out", help="Calibrated scenario YAML to write.")],
    holidays: Annotated[Path | None, typer.Option(help="CSV of public holidays (date).")] = None,
    bookings: Annotated[Path | None, typer.Option(help="CSV of online bookings.")] = None,
    mapping: Annotated[Path | None, typer.Option(help="Column mapping YAML.")] = None,
    sep: Annotated[str, typer.Option(help="Field separator, e.g. ';'.")] = ",",
    decimal: Annotated[str, typer.Option(help="Decimal mark: '.' or ','.")] = ".",
    layout: Annotated[Path | None, typer.Option(help="Floor plan for the scenario.")] = None,
    report: Annotated[Path | None, typer.Option(help="Fit report (HTML) to write.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Fit a scenario to the hall's queue-ticket log (docs/calibration.md)."""
    from simulator.calibration.command import calibrate_command

    typer.echo(
        calibrate_command(
            tickets,
            out=out,
            holidays=holidays,
            bookings=bookings,
            mapping=mapping,
            sep=sep,
            decimal=decimal,
            layout=layout,
            report=report,
            as_json=as_json,
        )
    )


def _day_records(plan: Plan, seed: int, replications: int) -> dict[str, pd.DataFrame]:
    """Every visitor and every step of every replication (re-simulated: the same streams give
    the same days, so this matches the KPIs exactly)."""
    import pandas as pd

    from simulator.engine import simulate_day

    days = [simulate_day(plan, seed=seed, replication=r) for r in range(replications)]
    return {
        "visitors": pd.concat([d.visitors_frame() for d in days], ignore_index=True),
        "steps": pd.concat([d.steps_frame() for d in days], ignore_index=True),
    }


PlanFiles = Annotated[
    list[Path],
    typer.Argument(
        metavar="PLAN [PLAN ...]",
        help="DXF or GeoJSON floor plan; several files are the floors of a building.",
    ),
]
Levels = Annotated[
    str | None,
    typer.Option(help="Level of each file, e.g. '0,1' (default: 0, 1, ... in the order given)."),
]


def _levels(text: str | None, files: int) -> list[int] | None:
    """``--levels 0,1`` as a list of integers, one per file."""
    if text is None:
        return None
    try:
        levels = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise SimulatorError(
            f"--levels {text!r}: expected whole numbers separated by commas, e.g. 0,1"
        ) from None
    if len(levels) != files:
        raise SimulatorError(f"--levels {text!r} gives {len(levels)} levels for {files} files")
    return levels


@floorplan_app.command("check")
def floorplan_check(
    plans: PlanFiles,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    levels: Levels = None,
    scenario: Annotated[
        Path | None, typer.Option("--scenario", help="Also check the plan against this scenario.")
    ] = None,
) -> None:
    """Check a floor-plan drawing (or a building's floors) against the drawing standard."""
    from simulator.floorplan.commands import check_command

    chosen = _levels(levels, len(plans))
    raise typer.Exit(check_command(plans, as_json, levels=chosen, scenario=scenario))


@floorplan_app.command("route")
def floorplan_route(
    plan: Annotated[Path, typer.Argument(help="DXF or GeoJSON floor plan.")],
    to: Annotated[str, typer.Option("--to", help="Counter slot to walk to.")],
    frm: Annotated[
        str, typer.Option("--from", help="entrance, kiosk, info or a counter slot.")
    ] = "entrance",
    as_json: Annotated[bool, typer.Option("--json", help="Print the route as JSON.")] = False,
) -> None:
    """Shortest walking route inside the walkable area."""
    from simulator.floorplan.commands import route_command

    raise typer.Exit(route_command(plan, to, frm, as_json))


class ShowMetric(StrEnum):
    """What ``floorplan show --scenario`` colours the counters by."""

    p90 = "p90"
    utilisation = "utilisation"


@floorplan_app.command("show")
def floorplan_show(
    plans: PlanFiles,
    out: Annotated[Path, typer.Option("--out", help="Picture to write (PNG, SVG or PDF).")],
    levels: Levels = None,
    scenario: Annotated[
        Path | None,
        typer.Option("--scenario", help="Place its agencies and colour counters by results."),
    ] = None,
    metric: Annotated[
        str, typer.Option(help="Result to colour by: p90 (wait, minutes) or utilisation.")
    ] = "p90",
    route_to: Annotated[
        str | None, typer.Option("--route-to", help="Also draw the route to this slot.")
    ] = None,
    route_from: Annotated[
        str, typer.Option("--route-from", help="Start of the route: entrance, kiosk, info.")
    ] = "entrance",
) -> None:
    """Draw the floor plan (one panel per floor), optionally with a scenario's results and a
    walking route."""
    chosen = _levels(levels, len(plans))
    if scenario is None and route_to is None:
        from simulator.floorplan.commands import show_command

        raise typer.Exit(show_command(plans, out, levels=chosen))
    if len(plans) > 1 or chosen:
        raise SimulatorError(
            "--scenario and --route-to draw one floor plan; for a building run the scenario "
            "(its layout names the floors), or draw the floors without them"
        )
    plan = plans[0]
    if metric not in ShowMetric.__members__:
        raise SimulatorError(
            f"--metric {metric!r}: expected one of {', '.join(ShowMetric.__members__)}"
        )
    _show_with_results(plan, out, scenario, ShowMetric(metric), route_to, route_from)


def _counter_values(
    plan_path: Path, scenario_path: Path, metric: ShowMetric
) -> tuple[SiteLayout, dict[str, float]]:
    """The scenario moved onto ``plan_path`` (its placement and counter groups kept where the
    plan takes them) and, per counter slot, the simulated ``metric`` of the agencies its queue
    serves (the worst p90 of a counter group's agencies; utilisation is the queue's). A p90
    not reached (more than 10% never called) has no colour."""
    from simulator.experiment import run_experiment
    from simulator.inputs import site_for
    from simulator.layout_compare import on_layout
    from simulator.plan import compile_plan
    from simulator.scenario import load_scenario

    scenario, _ = on_layout(load_scenario(scenario_path), str(plan_path.resolve()))
    site = site_for(scenario)
    assert site is not None
    result = run_experiment(
        compile_plan(scenario, site=site),
        seed=scenario.run.seed,
        replications=scenario.run.replications,
    )
    column = "wait_p90_min" if metric is ShowMetric.p90 else "utilisation"
    by_agency = result.summary.set_index("agency")[column]
    values: dict[str, float] = {}
    for queue, slots in site.agency_slots.items():
        served = [
            float(by_agency[a.id])
            for a in scenario.agencies
            if scenario.queue_of(a.id) == queue and a.id in by_agency.index
        ]
        if served and math.isfinite(max(served)):
            values |= dict.fromkeys(slots, max(served))
    return site, values


def _show_with_results(
    plan_path: Path,
    out: Path,
    scenario_path: Path | None,
    metric: ShowMetric,
    route_to: str | None,
    route_from: str,
) -> None:
    """Draw ``plan_path`` with counters coloured by a scenario's simulated results and/or the
    walking route to ``route_to``."""
    import matplotlib

    matplotlib.use("Agg")
    from simulator.floorplan.commands import find_route
    from simulator.floorplan.draw import draw_plan
    from simulator.floorplan.load import load_floorplan

    floor = load_floorplan(plan_path)
    site, values = None, None
    if scenario_path is not None:
        site, values = _counter_values(plan_path, scenario_path, metric)
    route = None
    if route_to is not None:
        distance, route = find_route(floor, route_to, route_from)
        if not route:
            raise SimulatorError(f"no walking route from {route_from} to slot {route_to!r}")
        typer.echo(f"route {route_from} -> {route_to}: {distance:.1f} m")
    figure = draw_plan(
        floor,
        site=site,
        route=route,
        counter_values=values,
        value_label="p90 wait (min)" if metric is ShowMetric.p90 else "utilisation",
        title=floor.name,
    )
    try:
        figure.savefig(out, dpi=120)
    except (OSError, ValueError) as exc:
        raise SimulatorError(f"cannot write picture {out}: {exc}") from None
    typer.echo(f"wrote {out}")


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``mpp-sim``: runs the command, turning user errors into one stderr line."""
    try:
        status = app(args=argv, standalone_mode=False)
    except SimulatorError as exc:
        typer.echo(f"error: {exc}", err=True)
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("interrupted", err=True)
        return 130
    except TyperException as exc:
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        if not message.strip():  # "no arguments": the help has been printed already
            return 0
        typer.echo(f"error: {message}", err=True)
        return 2
    except MemoryError:
        typer.echo("error: out of memory; try fewer replications or a smaller input", err=True)
        return 2
    except Exception as exc:
        if os.environ.get("MPP_SIM_DEBUG"):
            raise
        typer.echo(
            f"error: internal error ({type(exc).__name__}: {exc}); please report it "
            "with the input files (set MPP_SIM_DEBUG=1 for details)",
            err=True,
        )
        return 3
    if status == 130:  # typer turns Ctrl-C during a command into exit status 130, silently
        typer.echo("interrupted", err=True)
    return int(status) if isinstance(status, int) else 0


if __name__ == "__main__":
    sys.exit(main())
