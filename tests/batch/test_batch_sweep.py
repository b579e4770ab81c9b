"""Sweep files: strict schema, expansion into variants, the resumable store, and outputs that
depend on nothing but the inputs (not on --jobs, the executor or interruptions)."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from simulator.cli import main
from simulator.errors import ScenarioError
from simulator.executors import DaskExecutor, InlineExecutor, LocalExecutor
from simulator.sweep import RunStore, expand, load_sweep, run_key, run_sweep

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def base_file(tmp_path, normal_day, write_scenario) -> Path:
    """The normal day without a floor plan (fast), as a base scenario file."""
    return write_scenario(normal_day, tmp_path / "base.yaml")


def _sweep(folder: Path, text: str) -> Path:
    path = folder / "sweep.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.slow
def test_expansion_applies_every_dimension(tmp_path, base_file):
    path = _sweep(
        tmp_path,
        "base: base.yaml\nseed: 4\nreplications: 2\n"
        "grid:\n  counters: {disdukcapil: [4, 6], samsat: [2, 3, 5]}\n"
        "  volume: [1.0, 1.5]\n  day_types: [normal, monday]\n"
        "  agencies_out: [[], [taspen, pln]]\n",
    )
    sweep = load_sweep(path)
    variants = expand(sweep)
    assert len(variants) == 2 * 2 * 2 * 2 * 3
    assert [v.id for v in variants[:2]] == ["v0000", "v0001"]
    assert list(variants[0].params) == [
        "agencies_out",
        "day_type",
        "volume",
        "counters_disdukcapil",
        "counters_samsat",
    ]
    last = variants[-1]
    assert last.params == {
        "agencies_out": "taspen+pln",
        "day_type": "monday",
        "volume": 1.5,
        "counters_disdukcapil": 6,
        "counters_samsat": 5,
    }
    ids = [a.id for a in last.scenario.agencies]
    assert "taspen" not in ids and "pln" not in ids and len(ids) == 21
    assert last.scenario.agency("disdukcapil").counters == 6
    assert last.scenario.agency("samsat").counters == 5
    assert last.scenario.day.type == "monday"
    kept_share = sum(a.share for a in sweep.base.agencies if a.id not in ("taspen", "pln"))
    expected = sweep.base.demand.visitors_per_day * kept_share * 1.5
    assert math.isclose(last.scenario.demand.visitors_per_day, expected)
    assert len({v.scenario_sha256 for v in variants}) == len(variants)
    key = run_key(last, seed=4, replication=0)
    assert key != run_key(last, seed=4, replication=1) and key != run_key(
        last, seed=5, replication=0
    )
    assert key == run_key(expand(load_sweep(path))[-1], seed=4, replication=0)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("grid:\n  countres: {samsat: [1]}\n", "grid.countres: unknown key"),
        ("grid:\n  counters: {nobody: [1]}\n", "grid.counters.nobody: unknown agency 'nobody'"),
        ("grid:\n  counters: {samsat: [0, 2]}\n", "grid.counters.samsat[0]: got 0"),
        ("grid:\n  counters: {samsat: [2, 2]}\n", "listed twice"),
        ("grid:\n  counters: {samsat: ['2']}\n", "grid.counters.samsat[0]"),
        ("grid:\n  day_types: [holiday]\n", "grid.day_types[0]: day type 'holiday' is not one"),
        ("grid:\n  volume: [0]\n", "grid.volume[0]: got 0"),
        ("grid:\n  layouts: [nowhere.geojson]\n", "grid.layouts[0]: layout 'nowhere.geojson'"),
        ("grid:\n  agencies_out: [[nobody]]\n", "grid.agencies_out[0]: unknown agency"),
        ("grid: {}\nextra: 1\n", "extra: unknown key"),
    ],
)
def test_sweep_file_errors_name_the_field(tmp_path, base_file, body, message):
    path = _sweep(tmp_path, "base: base.yaml\n" + body)
    with pytest.raises(ScenarioError) as caught:
        expand(load_sweep(path))
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_variant_that_does_not_fit_the_floor_plan(tmp_path, base_file):
    layout = REPO / "layouts" / "korpri-central.geojson"
    path = _sweep(
        tmp_path,
        f"base: base.yaml\ngrid:\n  counters: {{disdukcapil: [40]}}\n  layouts: [{layout}]\n",
    )
    with pytest.raises(ScenarioError, match=r"variant v0000 \(layout=.*counters_disdukcapil=40\)"):
        run_sweep(load_sweep(path), out=tmp_path / "out")


def test_missing_base_and_bad_yaml(tmp_path, capsys):
    path = _sweep(tmp_path, "base: nothing.yaml\ngrid: {}\n")
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "base: base scenario 'nothing.yaml' not found" in capsys.readouterr().err
    path.write_text("base: [unclosed\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid YAML at line"):
        load_sweep(path)


def _small_sweep(tmp_path: Path) -> Path:
    layout = REPO / "layouts" / "korpri-central.geojson"
    return _sweep(
        tmp_path,
        f"base: base.yaml\nseed: 9\nreplications: 3\n"
        f"grid:\n  counters: {{disdukcapil: [4, 6]}}\n  layouts: [{layout}, null]\n",
    )


@pytest.mark.slow
def test_results_do_not_depend_on_jobs_or_executor(tmp_path, base_file):
    from distributed import LocalCluster

    sweep = load_sweep(_small_sweep(tmp_path))
    outs = {}
    with InlineExecutor() as executor:
        outs["jobs1"] = run_sweep(sweep, out=tmp_path / "jobs1", executor=executor)
    with LocalExecutor(jobs=2) as executor:
        outs["jobs2"] = run_sweep(sweep, out=tmp_path / "jobs2", executor=executor, plots=False)
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        DaskExecutor(address=cluster.scheduler_address) as executor,
    ):
        assert executor.workers == 2
        outs["dask"] = run_sweep(sweep, out=tmp_path / "dask", executor=executor, plots=False)
    assert all(r.ran == 12 and r.reused == 0 for r in outs.values())
    reference = (tmp_path / "jobs1" / "results.csv").read_bytes()
    for name in ("jobs2", "dask"):
        assert (tmp_path / name / "results.csv").read_bytes() == reference, name
        assert (tmp_path / name / "summary.csv").read_bytes() == (
            tmp_path / "jobs1" / "summary.csv"
        ).read_bytes()
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / name / "results.parquet"),
            pd.read_parquet(tmp_path / "jobs1" / "results.parquet"),
        )
    results = outs["jobs1"].results
    assert len(results) == 4 * 3 * 24
    with_plan = results[results["layout"] != "none"]
    assert (with_plan["floorplan_sha256"].str.len() == 64).all()
    assert (results.loc[results["layout"] == "none", "floorplan_sha256"] == "").all()
    assert set(results["seed"]) == {9}
    manifest = json.loads((tmp_path / "jobs1" / "manifest.json").read_text())
    assert manifest["seed"] == 9 and len(manifest["variants"]) == 4
    assert (tmp_path / "jobs1" / "plots" / "p90_vs_counters.png").stat().st_size > 1000
    # every row can be reproduced from the variant's scenario file, seed and replication
    assert (tmp_path / "jobs1" / "variants" / "v0003.yaml").is_file()


def test_variant_file_reproduces_its_rows(tmp_path, base_file, capsys):
    path = _sweep(tmp_path, "base: base.yaml\nseed: 3\nreplications: 2\ngrid:\n  volume: [1.2]\n")
    result = run_sweep(load_sweep(path), out=tmp_path / "out", plots=False)
    assert main(["run", str(tmp_path / "out" / "variants" / "v0000.yaml"), "--json"]) == 0
    run = json.loads(capsys.readouterr().out)
    overall = result.summary[result.summary["agency"] == "overall"].iloc[0]
    assert run["seed"] == 3 and run["replications"] == 2
    assert run["overall"]["wait_p90_min"] == pytest.approx(overall["wait_p90_min"], abs=1e-6)


def _running_with(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _wait_until_gone(text: str, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while _running_with(text):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.mark.slow
def test_killed_sweep_resumes_to_identical_output(tmp_path, base_file):
    layout = REPO / "layouts" / "korpri-central.geojson"
    path = _sweep(
        tmp_path,
        f"base: {REPO / 'scenarios' / 'normal-day.yaml'}\nseed: 21\nreplications: 3\n"
        f"grid:\n  counters: {{disdukcapil: [4, 5, 6, 7], samsat: [2, 3, 4]}}\n"
        f"  layouts: [{layout}]\n",
    )
    total = 12 * 3
    killed = tmp_path / "killed"
    command = [sys.executable, "-m", "simulator.cli", "sweep", str(path), "--jobs", "2"]
    process = subprocess.Popen(
        [*command, "--out", str(killed)],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    runs = killed / "runs"
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        stored = len(list(runs.glob("*.json"))) if runs.is_dir() else 0
        if stored >= 8:
            break
        time.sleep(0.02)
    assert process.poll() is None, process.stderr.read().decode()
    os.kill(process.pid, signal.SIGKILL)  # the command only, as `kill -9 PID` would
    process.wait()
    assert _wait_until_gone(str(killed)), "worker processes outlived the killed sweep"
    stored = len(list(runs.glob("*.json")))
    assert 8 <= stored < total
    assert not (killed / "results.csv").exists()
    store = RunStore(killed)
    for file in runs.glob("*.json"):
        store.get(file.stem)  # every stored run is complete and readable
    resumed = subprocess.run(
        [*command, "--out", str(killed)], capture_output=True, text=True, check=True
    )
    assert f"{total - stored} runs simulated, {stored} reused" in resumed.stdout
    reference = run_sweep(load_sweep(path), out=tmp_path / "whole", plots=False)
    assert reference.ran == total
    for name in ("results.csv", "summary.csv", "manifest.json"):
        assert (killed / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name


@pytest.mark.slow
def test_precision_mode_adds_replications_until_the_half_width_is_met(tmp_path, base_file):
    path = _sweep(
        tmp_path,
        "base: base.yaml\nseed: 2\nreplications: 3\ngrid:\n  counters: {disdukcapil: [3, 6]}\n",
    )
    sweep = load_sweep(path)
    result = run_sweep(sweep, out=tmp_path / "p", precision=4.0, max_replications=40, plots=False)
    reps = result.replications
    assert all(3 < n <= 40 for n in reps.values()), reps
    for variant, half in result.half_widths.items():
        assert half < 4.0 or reps[variant] == 40, (variant, half)
    summary = result.summary[result.summary["agency"] == "overall"].set_index("variant")
    for variant, n in reps.items():
        assert summary.loc[variant, "replications"] == n
        assert summary.loc[variant, "wait_p90_min_ci"] == pytest.approx(result.half_widths[variant])
    again = run_sweep(sweep, out=tmp_path / "p", precision=4.0, max_replications=40, plots=False)
    assert again.ran == 0 and again.replications == reps
    manifest = json.loads((tmp_path / "p" / "manifest.json").read_text())
    assert [v["replications"] for v in manifest["variants"]] == list(reps.values())
