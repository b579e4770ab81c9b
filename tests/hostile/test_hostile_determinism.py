"""Same inputs and seed, same bytes: across runs, processes, ``--jobs`` values and executors.

Each command runs in its own process with a different ``PYTHONHASHSEED``, so an output that
depended on set or dict order of strings would differ. ``tests/batch`` already checks that the
sweep's CSV tables agree across ``--jobs`` and Dask; here every file of the output folder is
compared byte for byte (Parquet, CSV, JSON, variant files, the run store and the plots).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_support import REPO

MPP_SIM = Path(sys.executable).with_name("mpp-sim")
SCENARIO = REPO / "scenarios" / "normal-day.yaml"


def mpp_sim(*args: str, hash_seed: int) -> str:
    """Run ``mpp-sim`` in a fresh process; its stdout."""
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    done = subprocess.run(
        [str(MPP_SIM), *args], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.slow
def test_run_out_is_byte_identical_across_processes(fmt: str, tmp_path: Path) -> None:
    outs = []
    for hash_seed in (1, 2):
        out = tmp_path / f"out{hash_seed}"
        stdout = mpp_sim(
            "run", str(SCENARIO), "--replications", "2", "--seed", "11", "--format", fmt,
            "--out", str(out), "--json", hash_seed=hash_seed,
        )  # fmt: skip
        outs.append((stdout, tree(out)))
    (json_a, files_a), (json_b, files_b) = outs
    assert json_a == json_b
    assert set(files_a) >= {f"summary.{fmt}", f"per_replication.{fmt}", "run.json"}
    assert any(name.startswith("zone") for name in files_a), "the floor plan's tables too"
    assert files_a == files_b


@pytest.mark.slow
def test_another_seed_gives_other_bytes(tmp_path: Path) -> None:
    """The comparison above can fail: the seed reaches the files."""
    for seed in ("11", "12"):
        mpp_sim(
            "run", str(SCENARIO), "--replications", "1", "--seed", seed,
            "--out", str(tmp_path / seed), hash_seed=0,
        )  # fmt: skip
    assert tree(tmp_path / "11")["summary.csv"] != tree(tmp_path / "12")["summary.csv"]


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("determinism")
    path = folder / "sweep.yaml"
    layouts = [REPO / "layouts" / "korpri-central.geojson", REPO / "layouts" / "korpri-compact.dxf"]
    path.write_text(
        f"base: {SCENARIO}\nseed: 17\nreplications: 2\n"
        f"grid:\n  counters: {{disdukcapil: [4, 6]}}\n  layouts: [{layouts[0]}, {layouts[1]}]\n"
    )
    return path


@pytest.fixture(scope="module")
def jobs1(sweep_file: Path) -> dict[str, bytes]:
    out = sweep_file.parent / "jobs1"
    mpp_sim("sweep", str(sweep_file), "--jobs", "1", "--out", str(out), hash_seed=3)
    files = tree(out)
    assert len([n for n in files if n.startswith("runs/")]) == 8
    return files


@pytest.mark.slow
def test_sweep_output_is_byte_identical_for_any_jobs(
    sweep_file: Path, jobs1: dict[str, bytes]
) -> None:
    out = sweep_file.parent / "jobs2"
    mpp_sim("sweep", str(sweep_file), "--jobs", "2", "--out", str(out), hash_seed=4)
    files = tree(out)
    assert set(files) == set(jobs1)
    differing = sorted(name for name in files if files[name] != jobs1[name])
    assert not differing


@pytest.mark.slow
def test_sweep_output_is_byte_identical_on_dask(sweep_file: Path, jobs1: dict[str, bytes]) -> None:
    from distributed import LocalCluster

    from simulator.executors import DaskExecutor
    from simulator.sweep import load_sweep, run_sweep

    out = sweep_file.parent / "dask"
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
        run_sweep(load_sweep(sweep_file), out=out, executor=executor)
    files = tree(out)
    assert set(files) == set(jobs1)
    differing = sorted(name for name in files if files[name] != jobs1[name])
    assert not differing
