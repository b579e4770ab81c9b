"""Faults while results are written: a full disk, an interrupted write, a killed worker.

Afterwards every result file is either complete (byte-identical to an undisturbed run with the
same seed, or the complete previous version) or absent, no temporary file is left behind, and a
rerun completes. Faults are injected into :func:`simulator.output.atomic_write_bytes` (the one
writer of result files) by replacing the ``os`` functions it calls; the killed worker is a real
process of ``mpp-sim sweep --jobs 2``, killed with SIGKILL.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
import yaml
from hostile_support import REPO, assert_one_error_line, run_cli, valid_geojson, valid_scenario

import simulator.output
from simulator.errors import SimulatorError
from simulator.sweep import RunStore, load_sweep, run_sweep

ENOSPC = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _Os:
    """Stands in for the ``os`` module inside :mod:`simulator.output`; one call is faulty."""

    def __init__(self, *, fault: str, at: int, error: BaseException) -> None:
        self.fault, self.at, self.error = fault, at, error
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def _turn(self) -> bool:
        self.calls += 1
        return self.calls - 1 == self.at

    def fdopen(self, fd: int, *args: Any, **kwargs: Any) -> Any:
        handle = os.fdopen(fd, *args, **kwargs)
        if self.fault == "write" and self._turn():
            return _HalfWritten(handle, self.error)
        return handle

    def fsync(self, fd: int) -> None:
        if self.fault == "fsync" and self._turn():
            raise self.error
        os.fsync(fd)

    def replace(self, src: str, dst: str) -> None:
        if self.fault == "replace" and self._turn():
            raise self.error
        os.replace(src, dst)


class _HalfWritten:
    """A file handle that writes half of what it is given, then fails like a full disk."""

    def __init__(self, handle: Any, error: BaseException) -> None:
        self.handle, self.error = handle, error

    def __enter__(self) -> _HalfWritten:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def write(self, data: bytes) -> int:
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        raise self.error

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)


def inject(monkeypatch: pytest.MonkeyPatch, *, fault: str, at: int, error: BaseException) -> _Os:
    fake = _Os(fault=fault, at=at, error=error)
    monkeypatch.setattr(simulator.output, "os", fake)
    return fake


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden temporary files included) -> its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def assert_complete_or_absent(folder: Path, *versions: dict[str, bytes]) -> dict[str, bytes]:
    """Each file equals that file in one of the complete ``versions``; no stray file."""
    found = snapshot(folder) if folder.is_dir() else {}
    for name, data in found.items():
        assert any(v.get(name) == data for v in versions), f"{name} is partial or stray"
    return found


@pytest.fixture
def small_run(tmp_path: Path) -> Path:
    """A small scenario on a small plan (so the zone tables are written too)."""
    (tmp_path / "hall.geojson").write_text(json.dumps(valid_geojson()))
    data = valid_scenario()
    data["layout"] = "hall.geojson"
    data["agencies"][0]["slots"] = ["C1", "C2"]
    data["agencies"][1]["slots"] = ["C3"]
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def run_out(capsys: pytest.CaptureFixture[str], scenario: Path, out: Path, seed: int = 7):
    return run_cli(capsys, "run", str(scenario), "--out", str(out), "--seed", str(seed))


@pytest.fixture
def reference(small_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """The complete result files of undisturbed runs with seed 7 and seed 8."""
    refs = {}
    for seed in (7, 8):
        status, _, err = run_out(capsys, small_run, tmp_path / f"ref{seed}", seed)
        assert status == 0, err
        refs[seed] = snapshot(tmp_path / f"ref{seed}")
    assert len(refs[7]) == 6 and refs[7] != refs[8]
    return refs


@pytest.mark.parametrize("fault", ["write", "fsync", "replace"])
@pytest.mark.parametrize("at", [0, 2, 5])
def test_full_disk_during_run_out_leaves_complete_files_only(
    fault: str,
    at: int,
    small_run: Path,
    reference: dict[int, dict[str, bytes]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "out"
    fake = inject(monkeypatch, fault=fault, at=at, error=ENOSPC)
    status, _, err = run_out(capsys, small_run, out)
    assert status == 2
    line = assert_one_error_line(err)
    assert "cannot write" in line and "No space left on device" in line
    assert fake.calls == at + 1
    assert len(assert_complete_or_absent(out, reference[7])) == at
    monkeypatch.undo()
    status, _, _ = run_out(capsys, small_run, out)
    assert status == 0 and snapshot(out) == reference[7]


@pytest.mark.parametrize("at", [0, 3])
def test_interrupted_write_leaves_complete_files_only(
    at: int,
    small_run: Path,
    reference: dict[int, dict[str, bytes]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C while a result file is half written: the old complete file stays."""
    out = tmp_path / "out"
    assert run_out(capsys, small_run, out, seed=8)[0] == 0
    inject(monkeypatch, fault="write", at=at, error=KeyboardInterrupt())
    status, _, err = run_out(capsys, small_run, out, seed=7)
    assert status == 130 and err.strip() == "interrupted"
    found = assert_complete_or_absent(out, reference[7], reference[8])
    assert set(found) == set(reference[8])
    new = [name for name in found if found[name] == reference[7][name]]
    assert len(new) == at
    monkeypatch.undo()
    assert run_out(capsys, small_run, out)[0] == 0
    assert snapshot(out) == reference[7]


def test_atomic_write_cleans_up_on_any_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "deep" / "result.csv"
    for fault in ("write", "fsync", "replace"):
        for error in (ENOSPC, OSError(errno.EIO, "I/O error"), KeyboardInterrupt()):
            with monkeypatch.context() as patch:
                patch.setattr(simulator.output, "os", _Os(fault=fault, at=0, error=error))
                expected = (
                    KeyboardInterrupt if isinstance(error, KeyboardInterrupt) else SimulatorError
                )
                with pytest.raises(expected):
                    simulator.output.atomic_write_bytes(target, b"x" * 10_000)
            assert list(target.parent.iterdir()) == []


def test_output_folder_that_is_a_file(
    small_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    status, _, err = run_out(capsys, small_run, blocker)
    assert status == 2
    assert "cannot write" in assert_one_error_line(err)
    assert blocker.read_text() == "not a folder"


# --- sweeps ------------------------------------------------------------------------------------


def small_sweep(tmp_path: Path) -> Path:
    base = valid_scenario()
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(base))
    path = tmp_path / "sweep.yaml"
    path.write_text(
        "base: base.yaml\nseed: 5\nreplications: 2\n"
        "grid:\n  counters: {civil-registry: [1, 2, 3]}\n"
    )
    return path


def test_full_disk_during_a_sweep_keeps_finished_runs_and_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sweep = load_sweep(small_sweep(tmp_path))
    whole = run_sweep(sweep, out=tmp_path / "whole", plots=False)
    assert whole.ran == 6
    out = tmp_path / "out"
    inject(monkeypatch, fault="write", at=4, error=ENOSPC)
    with pytest.raises(SimulatorError, match="No space left on device"):
        run_sweep(sweep, out=out, plots=False)
    monkeypatch.undo()
    stored = snapshot(out)
    assert len(stored) == 4 and all(n.startswith("runs/") and n.endswith(".json") for n in stored)
    store = RunStore(out)
    for name in stored:
        store.get(Path(name).stem)
    resumed = run_sweep(sweep, out=out, plots=False)
    assert (resumed.ran, resumed.reused) == (2, 4)
    assert snapshot(out) == snapshot(tmp_path / "whole")


def _sweep_process(path: Path, out: Path, jobs: int) -> subprocess.Popen[str]:
    command = Path(sys.executable).with_name("mpp-sim")
    return subprocess.Popen(
        [str(command), "sweep", str(path), "--jobs", str(jobs), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_for_runs(out: Path, process: subprocess.Popen[str], count: int) -> None:
    runs = out / "runs"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if runs.is_dir() and len(list(runs.glob("*.json"))) >= count:
            return
        time.sleep(0.01)
    raise AssertionError(f"sweep ended or stalled before {count} runs: {process.communicate()}")


def _busy_sweep(tmp_path: Path) -> Path:
    """12 variants x 3 replications of the 23-agency normal day on its floor plan."""
    path = tmp_path / "busy.yaml"
    path.write_text(
        f"base: {REPO / 'scenarios' / 'normal-day.yaml'}\nseed: 21\nreplications: 3\n"
        "grid:\n  counters: {disdukcapil: [4, 5, 6, 7], samsat: [2, 3, 4]}\n"
    )
    return path


def _check_interrupted(out: Path, workers: list[psutil.Process], *, reason: str) -> int:
    """After the sweep stopped: finished runs complete, nothing half-written, no worker left."""
    _, alive = psutil.wait_procs(workers, timeout=15)
    assert not alive, f"worker processes outlived the sweep ({reason})"
    names = [p.name for p in out.rglob("*") if p.is_file()]
    assert not [n for n in names if n.startswith(".")], f"temporary files left ({reason}): {names}"
    assert not (out / "results.csv").exists()
    store = RunStore(out)
    runs = list((out / "runs").glob("*.json"))
    for file in runs:
        store.get(file.stem)
    return len(runs)


@pytest.mark.parametrize("how", ["kill a worker", "Ctrl-C"])
@pytest.mark.slow
def test_interrupted_sweep_loses_nothing_and_resumes(
    how: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _busy_sweep(tmp_path)
    out = tmp_path / "out"
    process = _sweep_process(path, out, jobs=2)
    _wait_for_runs(out, process, 6)
    # the workers start from a fork server, a child of the sweep: they are its grandchildren
    workers = [
        child
        for child in psutil.Process(process.pid).children(recursive=True)
        if child.ppid() != process.pid
    ]
    assert len(workers) == 2
    if how == "kill a worker":
        os.kill(workers[0].pid, signal.SIGKILL)
    else:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
    _, stderr = process.communicate(timeout=120)
    line = assert_one_error_line(stderr) if how == "kill a worker" else stderr.strip()
    if how == "kill a worker":
        assert process.returncode == 2
        assert "worker" in line and "rerun" in line
    else:
        assert process.returncode == 130 and line == "interrupted"
    stored = _check_interrupted(out, workers, reason=how)
    assert 6 <= stored < 36
    status, text, err = run_cli(capsys, "sweep", str(path), "--jobs", "1", "--out", str(out))
    assert status == 0, err
    assert f"{36 - stored} runs simulated, {stored} reused" in text
    reference = tmp_path / "reference"
    assert run_cli(capsys, "sweep", str(path), "--jobs", "1", "--out", str(reference))[0] == 0
    assert snapshot(out) == snapshot(reference)
