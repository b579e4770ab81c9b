"""The ``mpp-sim`` command line: tables, JSON, result files, and one-line errors.

Most tests call :func:`simulator.cli.main` in this process (fast); a few run
``python -m simulator.cli`` and the ``mpp-sim`` script in a subprocess to check what a user
really sees, including that no traceback ever reaches the terminal.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "scenarios"
MINIMAL = DATA / "minimal.yaml"
AGENCIES = ("civil-registry", "tax", "bank")
KPI_KEYS = (
    "arrivals",
    "served",
    "turned_away",
    "abandoned",
    "wait_mean_min",
    "wait_p50_min",
    "wait_p90_min",
    "wait_p95_min",
    "within_target",
    "utilisation",
)


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _json_run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> dict[str, Any]:
    status, out, err = _run(capsys, "run", MINIMAL, "--json", *argv)
    assert status == 0, err
    return json.loads(out)


def _assert_one_error_line(status: int, out: str, err: str, *words: str) -> None:
    assert status == 2, (status, err)
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    assert "Traceback" not in err
    assert "internal error" not in err
    for word in words:
        assert word in lines[0], f"{word!r} missing from: {lines[0]}"


# ------------------------------------------------------------------------------------ run


def test_run_prints_the_per_agency_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "run", MINIMAL, "--replications", "2")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == "test hall - 2 replications, seed 7"
    header = lines[1].split()
    assert header[:3] == ["agency", "arrive", "served"]
    assert "p90" in header
    rows = {line.split()[0]: line.split() for line in lines[2:] if line and line[0].isalpha()}
    for agency in (*AGENCIES, "overall"):
        assert agency in rows, out
        assert len(rows[agency]) == len(rows["overall"])
    assert "waits in minutes" in out


def test_run_json_is_one_object_pooling_the_replications(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = _run(
        capsys, "run", MINIMAL, "--replications", "3", "--json", "--out", tmp_path
    )
    assert status == 0, err
    assert out.count("\n") == 1 and out.endswith("}\n")
    data = json.loads(out)
    assert {"scenario", "replications", "seed", "agencies", "overall"} <= data.keys()
    assert (data["scenario"], data["replications"], data["seed"]) == ("test hall", 3, 7)
    assert [a["id"] for a in data["agencies"]] == list(AGENCIES)
    for row in (*data["agencies"], data["overall"]):
        assert set(KPI_KEYS) <= row.keys()
    assert "id" not in data["overall"]

    per_rep = pd.read_csv(tmp_path / "per_replication.csv")
    assert sorted(per_rep["replication"].unique()) == [0, 1, 2]
    # Figures of the day as a whole are means over the days; wait figures pool every day's
    # visitors (sums of the days' numerators over sums of their denominators).
    days = per_rep.groupby("agency")
    means = days[["arrivals", "served", "turned_away", "abandoned", "queue_mean"]].mean()
    sums = days[["wait_sum", "called", "called_within", "holders", "busy_min", "capacity_min"]]
    sums = sums.sum()
    for row in (*data["agencies"], data["overall"]):
        agency = row.get("id", "overall")
        for key in means.columns:
            assert row[key] == pytest.approx(means.loc[agency, key], abs=1e-5), (agency, key)
        pooled = {
            "wait_mean_min": sums.loc[agency, "wait_sum"] / sums.loc[agency, "called"],
            "within_target": sums.loc[agency, "called_within"] / sums.loc[agency, "holders"],
            "utilisation": sums.loc[agency, "busy_min"] / sums.loc[agency, "capacity_min"],
        }
        for key, expected in pooled.items():
            if math.isnan(expected):
                assert row[key] is None
            else:
                assert row[key] == pytest.approx(expected, abs=1e-5), (agency, key)
    # the overall row adds the agencies up
    total = sum(a["arrivals"] for a in data["agencies"])
    assert data["overall"]["arrivals"] == pytest.approx(total)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_out_writes_readable_files_and_no_temporaries(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    out_dir = tmp_path / "results" / "nested"
    status, out, err = _run(
        capsys, "run", MINIMAL, "--replications", "2", "--out", out_dir, "--format", fmt
    )
    assert status == 0, err
    assert f"results written to {out_dir}" in out
    names = sorted(p.name for p in out_dir.iterdir())
    expected = sorted(
        [f"summary.{fmt}", f"per_replication.{fmt}", f"queue_timeline.{fmt}", "run.json"]
    )
    assert names == expected, names
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    summary = read(out_dir / f"summary.{fmt}")
    assert list(summary["agency"]) == [*AGENCIES, "overall"]
    assert {"wait_p90_min", "wait_p90_min_ci", "utilisation"} <= set(summary.columns)
    per_rep = read(out_dir / f"per_replication.{fmt}")
    assert len(per_rep) == 2 * (len(AGENCIES) + 1)
    queue = read(out_dir / f"queue_timeline.{fmt}")
    assert set(queue["agency"]) == set(AGENCIES)
    assert (queue["queue"] >= 0).all()
    run_json = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    assert run_json["replications"] == 2
    assert len(run_json["inputs"]["scenario_sha256"]) == 64


def test_same_seed_gives_identical_json_and_another_seed_differs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    first = _json_run(capsys, "--replications", "2", "--seed", "11")
    again = _json_run(capsys, "--replications", "2", "--seed", "11")
    other = _json_run(capsys, "--replications", "2", "--seed", "12")
    assert first == again
    assert first["agencies"] != other["agencies"]
    assert other["seed"] == 12


def test_scenario_defaults_for_replications_and_seed(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json_run(capsys)
    assert (data["replications"], data["seed"]) == (3, 7)


def test_scenario_check_prints_one_ok_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "scenario", "check", MINIMAL)
    assert status == 0, err
    assert out.count("\n") == 1
    assert out.startswith(f"{MINIMAL}: OK - 'test hall': 3 agencies (3 open on tue), 6 counters")
    assert "layout: none" in out


# --------------------------------------------------------------------------------- errors


def _broken(tmp_path: Path, change: str) -> Path:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    if change == "counters-word":
        data["agencies"][0]["counters"] = "five"
    elif change == "unknown-transfer":
        data["transfers"][0]["to"] = "banc"
    elif change == "hours":
        data["day"]["hours"]["closing"] = "07:00"
    elif change == "missing-layout":
        data["layout"] = "no-such-plan.dxf"
    path = tmp_path / f"{change}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


BROKEN_FILES = {
    "bad-syntax.yaml": ("not valid YAML at line 6",),
    "top-level-list.yaml": ("expected a mapping",),
    "empty.yaml": ("empty",),
    "alias-bomb.yaml": ("200,000",),
}
BROKEN_CHANGES = {
    "counters-word": ("agencies[0] (civil-registry).counters", "'five'"),
    "unknown-transfer": ("transfers[0].to", "'banc'"),
    "hours": ("day.hours.closing", "07:00"),
    "missing-layout": ("layout", "no-such-plan.dxf", "not found"),
}


@pytest.mark.parametrize("command", [["run"], ["scenario", "check"]], ids=["run", "check"])
@pytest.mark.parametrize("name", sorted(BROKEN_FILES))
def test_broken_fixture_file_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], command: list[str], name: str
) -> None:
    path = DATA / name
    status, out, err = _run(capsys, *command, path)
    _assert_one_error_line(status, out, err, f"error: {path}: ", *BROKEN_FILES[name])


@pytest.mark.parametrize("change", sorted(BROKEN_CHANGES))
def test_broken_scenario_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, change: str
) -> None:
    path = _broken(tmp_path, change)
    status, out, err = _run(capsys, "run", path, "--replications", "2", "--json")
    _assert_one_error_line(status, out, err, *BROKEN_CHANGES[change])


def test_unreadable_bytes_and_missing_file_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    garbage = tmp_path / "garbage.yaml"
    garbage.write_bytes(bytes(range(256)) * 4)
    _assert_one_error_line(*_run(capsys, "run", garbage), "not UTF-8")
    missing = tmp_path / "missing.yaml"
    _assert_one_error_line(*_run(capsys, "run", missing), str(missing), "no such file")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--replications", "0"], ("--replications", "greater than or equal to 1")),
        (["--replications", "two"], ("--replications", "integer")),
        (["--seed", "-1"], ("--seed", "greater than or equal to 0")),
        (["--format", "xlsx"], ("--format", "'xlsx'", "csv", "parquet")),
        (["--colour", "red"], ("No such option", "--colour")),
    ],
    ids=["replications-0", "replications-word", "seed-negative", "format", "unknown-option"],
)
def test_bad_options_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: tuple[str, ...]
) -> None:
    _assert_one_error_line(*_run(capsys, "run", MINIMAL, *argv), *words)


def test_unknown_command_and_missing_argument_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    _assert_one_error_line(*_run(capsys, "simulate", MINIMAL), "No such command", "simulate")
    _assert_one_error_line(*_run(capsys, "run"), "Missing argument", "SCENARIO")


def test_out_onto_a_file_exits_2_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blocker = tmp_path / "results"
    blocker.write_text("not a folder\n", encoding="utf-8")
    status, out, err = _run(capsys, "run", MINIMAL, "--replications", "2", "--out", blocker)
    _assert_one_error_line(status, out, err, "cannot write", str(blocker))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"


# ------------------------------------------------------------------------- real processes


def _process(*argv: str | Path, program: list[str] | None = None) -> subprocess.CompletedProcess:
    command = program or [sys.executable, "-m", "simulator.cli"]
    return subprocess.run(
        [*command, *(str(a) for a in argv)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_python_dash_m_runs_and_prints_json() -> None:
    done = _process("run", MINIMAL, "--replications", "2", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["replications"] == 2
    assert done.stderr == ""


@pytest.mark.slow
def test_python_dash_m_reports_a_broken_file_without_traceback() -> None:
    done = _process("run", DATA / "bad-syntax.yaml")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "line 6, column 1" in lines[0]


@pytest.mark.slow
def test_installed_mpp_sim_script() -> None:
    script = Path(sys.executable).parent / "mpp-sim"
    if not script.exists():
        pytest.skip("the mpp-sim script is not installed next to this Python")
    done = _process("scenario", "check", MINIMAL, program=[str(script)])
    assert done.returncode == 0, done.stderr
    assert ": OK - 'test hall'" in done.stdout
