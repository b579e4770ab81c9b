"""What a finished sweep shows: its files (tables, variant scenarios, manifest) and the few
lines the command line prints.

Every file is written atomically through :mod:`simulator.output`; a variant's scenario file is
rewritten only when its text changed, so a rerun leaves finished outputs untouched.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from simulator import __version__
from simulator.metrics import OVERALL
from simulator.output import atomic_write_bytes, write_json, write_table
from simulator.scenario import scenario_to_data
from simulator.sweep.results import PRECISION_KPI
from simulator.sweep.spec import Sweep
from simulator.sweep.store import json_number
from simulator.sweep.variants import Variant

__all__ = ["SWEEP_FORMAT", "Precision", "overall_lines", "write_outputs"]

SWEEP_FORMAT = "mpp-sim-sweep/1"
_TABLES = ("results.parquet", "results.csv", "summary.parquet", "summary.csv")


@dataclass(frozen=True, kw_only=True)
class Precision:
    """The precision a sweep was asked for: a half-width in minutes and a replication cap."""

    half_width_min: float
    max_replications: int


def _write_variant_files(
    out: Path, sweep: Sweep, variants: Sequence[Variant], replications: Mapping[str, int]
) -> None:
    """Each variant as a scenario file that ``mpp-sim run`` reproduces on its own."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for variant in variants:
        data = scenario_to_data(variant.scenario)
        run = {"replications": replications[variant.id], "seed": sweep.seed}
        data["run"] = {**data.get("run", {}), **run}
        text = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True)
        path = out / "variants" / f"{variant.id}.yaml"
        if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
            atomic_write_bytes(path, text.encode("utf-8"))


def _manifest(
    sweep: Sweep,
    variants: Sequence[Variant],
    replications: Mapping[str, int],
    half_widths: Mapping[str, float],
    precision: Precision | None,
) -> dict[str, Any]:
    return {
        "format": SWEEP_FORMAT,
        "version": __version__,
        "name": sweep.name,
        "sweep_sha256": sweep.sweep_sha256,
        "base": sweep.base_file,
        "base_sha256": sweep.base_sha256,
        "seed": sweep.seed,
        "replications": sweep.replications,
        "precision": (
            None
            if precision is None
            else {
                "kpi": f"{OVERALL} {PRECISION_KPI}",
                "half_width_min": precision.half_width_min,
                "max_replications": precision.max_replications,
            }
        ),
        "variants": [
            {
                "variant": v.id,
                "params": v.params,
                "replications": replications[v.id],
                "p90_half_width_min": json_number(round(half_widths[v.id], 6)),
                "scenario_sha256": v.scenario_sha256,
                "floorplan_sha256": v.floorplan_sha256,
                "scenario_file": f"variants/{v.id}.yaml",
            }
            for v in variants
        ],
        "tables": list(_TABLES),
    }


def write_outputs(
    out: Path,
    sweep: Sweep,
    variants: Sequence[Variant],
    *,
    replications: Mapping[str, int],
    half_widths: Mapping[str, float],
    results: pd.DataFrame,
    summary: pd.DataFrame,
    precision: Precision | None,
) -> tuple[Path, ...]:
    """The results and summary tables (Parquet and CSV), the variants' scenario files and
    ``manifest.json`` (what was run, with which inputs, and how precisely)."""
    files = [
        write_table(results, out / "results", "parquet"),
        write_table(results, out / "results", "csv"),
        write_table(summary, out / "summary", "parquet"),
        write_table(summary, out / "summary", "csv"),
    ]
    _write_variant_files(out, sweep, variants, replications)
    manifest = _manifest(sweep, variants, replications, half_widths, precision)
    files.append(write_json(manifest, out / "manifest.json"))
    return tuple(files)


def overall_lines(summary: pd.DataFrame, *, limit: int = 40) -> list[str]:
    """One line per variant (the first ``limit``): overall p90 wait with its 95% half-width,
    replications and parameters."""
    overall = summary[summary["agency"] == OVERALL]
    columns = list(summary.columns)
    params = columns[1 : columns.index("agency")]
    lines = []
    for _, row in overall.head(limit).iterrows():
        values = ", ".join(f"{p}={row[p]}" for p in params)
        lines.append(
            f"  {row['variant']}  p90 {row[PRECISION_KPI]:6.1f} ± {row[PRECISION_KPI + '_ci']:4.1f}"
            f" min  ({int(row['replications'])} reps)  {values}"
        )
    return lines


def unmet_precision(half_widths: Mapping[str, float], precision: float) -> list[str]:
    """The variants whose half-width is not below ``precision`` (NaN counts as not below)."""
    return [v for v, h in half_widths.items() if not (math.isfinite(h) and h < precision)]
