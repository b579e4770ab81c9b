"""The corpus of broken inputs through the command line: one clear line, never a traceback.

Each file in ``corpus/scenarios`` and ``corpus/plans`` has its expected exit status and the
essential words of its message in ``corpus/expected.yaml``. Inputs too big to commit (a 2 MB
scenario, a million GeoJSON features, a 51 MB drawing) are generated here in a temporary folder.
The same files go through the app's upload in ``test_hostile_app_uploads.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hostile_support import (
    CORPUS,
    REPO,
    assert_one_error_line,
    run_cli,
    valid_geojson,
    valid_scenario,
    write_dxf,
)

MANIFEST: dict[str, dict[str, Any]] = yaml.safe_load((CORPUS / "expected.yaml").read_text())
SCENARIOS = sorted(name for name in MANIFEST if name.startswith("scenarios/"))
PLANS = sorted(name for name in MANIFEST if name.startswith("plans/"))


def assert_words(text: str, words: list[str]) -> None:
    """Every essential word appears in ``text`` (case-insensitive)."""
    missing = [w for w in words if str(w).lower() not in text.lower()]
    assert not missing, f"missing {missing} in:\n{text}"


def test_manifest_lists_every_corpus_file_and_nothing_else() -> None:
    on_disk = {
        str(path.relative_to(CORPUS))
        for folder in ("scenarios", "plans")
        for path in (CORPUS / folder).iterdir()
    }
    assert on_disk == set(MANIFEST)
    assert len(MANIFEST) >= 40
    assert {Path(name).suffix for name in MANIFEST} >= {".yaml", ".dxf", ".geojson", ".json"}
    for name, entry in MANIFEST.items():
        assert entry["words"] and entry["status"] in (0, 1, 2), name
        assert name.startswith("plans/") or entry["status"] == 2, name


@pytest.mark.parametrize("name", SCENARIOS)
def test_broken_scenario_is_refused_in_one_line(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = CORPUS / name
    lines = []
    for args in (("scenario", "check", str(path)), ("run", str(path), "--replications", "1")):
        status, out, err = run_cli(capsys, *args)
        assert status == 2, (args, out, err)
        assert out == ""
        lines.append(assert_one_error_line(err))
    assert_words(lines[0], MANIFEST[name]["words"])
    assert lines[0] == lines[1]


@pytest.mark.parametrize("name", PLANS)
def test_broken_plan_is_refused_or_reported(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    entry = MANIFEST[name]
    status, out, err = run_cli(capsys, "floorplan", "check", str(CORPUS / name))
    assert status == entry["status"], (out, err)
    if status == 2:
        assert out == ""
        assert_words(assert_one_error_line(err), entry["words"])
    else:
        assert err == ""
        assert_words(out, entry["words"])
        assert ("RESULT: NOT usable" in out) == (status == 1)


@pytest.mark.parametrize("name", [n for n in PLANS if MANIFEST[n]["status"] != 2])
def test_broken_plan_json_report_is_valid_json(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(capsys, "floorplan", "check", "--json", str(CORPUS / name))
    report = json.loads(out)
    assert err == "" and status == MANIFEST[name]["status"]
    messages = " ".join(p["message"] for p in report["errors"] + report["warnings"])
    assert_words(messages, MANIFEST[name]["words"])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("scenario", "check", "scenarios/layout-etc-passwd.yaml"), ["not a floor-plan file"]),
        (("floorplan", "check", "plans/png-as-dxf.dxf"), ["not a dxf file"]),
        (("run", "scenarios/billion-laughs.yaml"), ["expands to more than"]),
        pytest.param(
            ("floorplan", "check", "/etc/passwd"),
            ["not a readable dxf file"],
            marks=pytest.mark.skipif(not Path("/etc/passwd").is_file(), reason="not on Unix"),
        ),
    ],
)
@pytest.mark.slow
def test_a_real_process_prints_one_line_and_exits_2(
    args: tuple[str, ...], words: list[str]
) -> None:
    """The installed ``mpp-sim`` command, so logging, warnings and progress bars are real."""
    command = Path(sys.executable).with_name("mpp-sim")
    done = subprocess.run(
        [str(command), *args], cwd=CORPUS, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "root:" not in done.stderr  # nothing of a system file is echoed
    assert_words(assert_one_error_line(done.stderr), words)


# --- inputs too big to commit, made in tmp_path ------------------------------------------------


def test_scenario_over_one_megabyte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "padded.yaml"
    text = yaml.safe_dump(valid_scenario())
    path.write_text(text + "#" + "x" * 1_100_000 + "\n")
    status, _, err = run_cli(capsys, "scenario", "check", str(path))
    assert status == 2
    assert_words(assert_one_error_line(err), ["bytes", "at most 1,000,000 bytes"])


def test_drawing_over_fifty_megabytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.dxf"
    with path.open("wb") as handle:
        handle.write(b"  0\nSECTION\n")
        handle.truncate(51 * 2**20)  # sparse: no 51 MB actually written
    status, _, err = run_cli(capsys, "floorplan", "check", str(path))
    assert status == 2
    assert_words(assert_one_error_line(err), ["53 MB", "at most 50 MB"])


def test_dxf_with_210_000_entities_is_refused_before_parsing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = write_dxf(tmp_path / "base.dxf").read_bytes()
    end = raw.index(b"\n  0\nENDSEC", raw.index(b"ENTITIES"))
    point = b"\n  0\nPOINT\n  8\nMPP_SEAT\n 10\n5.5\n 20\n5.5\n 30\n0.0"
    path = tmp_path / "crowded.dxf"
    path.write_bytes(raw[:end] + point * 210_000 + raw[end:])
    status, _, err = run_cli(capsys, "floorplan", "check", str(path))
    assert status == 2
    assert_words(assert_one_error_line(err), ["210,010 entities", "at most 200,000"])


def test_geojson_with_a_million_features(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "million.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [' + ",".join(["{}"] * 10**6) + "]}")
    status, _, err = run_cli(capsys, "floorplan", "check", str(path))
    assert status == 2
    assert_words(assert_one_error_line(err), ["1,000,000 features", "at most 200,000"])


@pytest.mark.slow
def test_plan_with_600_counters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = valid_geojson()
    data["features"] += [
        {
            "type": "Feature",
            "properties": {"kind": "counter"},
            "geometry": {"type": "Point", "coordinates": [0.5 + (i % 30) * 0.3, 9.5]},
        }
        for i in range(600)
    ]
    path = tmp_path / "counters.geojson"
    path.write_text(json.dumps(data))
    status, out, _ = run_cli(capsys, "floorplan", "check", str(path))
    assert status == 1
    assert_words(out, ["603 counters", "at most 500"])


def test_too_many_replications_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run_cli(
        capsys, "run", str(REPO / "scenarios" / "normal-day.yaml"), "--replications", "5000"
    )
    assert status == 2
    assert_words(assert_one_error_line(err), ["replications", "1000"])


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            "base: {normal}\nseed: 1\ngrid:\n  counters: {{disdukcapil: [{many}], "
            "samsat: [{many}], dpmptsp: [{many}], polres-skck: [{many}]}}\n",
            ["10,000 combinations", "at most 5,000"],
        ),
        (
            "base: /etc/passwd\nseed: 1\ngrid:\n  volume: [1]\n",
            ["/etc/passwd", "expected a mapping"],
        ),
        (
            "base: {normal}\nseed: 1\ngrid:\n  volume: [1e9]\n",
            ["grid.volume[0]", "less than or equal"],
        ),
        ("base: {normal}\nseed: 1\nreplications: 5000\ngrid:\n  volume: [1]\n", ["replications"]),
    ],
)
def test_broken_sweep_files(
    body: str, words: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sweep.yaml"
    many = ", ".join(str(n) for n in range(1, 11))
    path.write_text(body.format(normal=REPO / "scenarios" / "normal-day.yaml", many=many))
    status, out, err = run_cli(
        capsys, "sweep", str(path), "--jobs", "1", "--out", str(tmp_path / "o")
    )
    assert status == 2 and out == ""
    assert_words(assert_one_error_line(err), words)
    assert not (tmp_path / "o").exists()


@pytest.fixture
def small_scenario(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(valid_scenario()))
    return path


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("run", "{s}", "--seed", "-1"), ["--seed", "greater than or equal to 0"]),
        (("run", "{s}", "--replications", "0"), ["--replications", "greater than or equal to 1"]),
        (("run", "{s}", "--format", "xml"), ["--format", "xml"]),
        (("run", "{s}", "--replications", "many"), ["--replications", "valid integer"]),
        (("optimize", "{s}", "--target-p90", "nan"), ["--target-p90", "nan"]),
        (("optimize", "{s}", "--target-p90", "-inf"), ["--target-p90"]),
        (
            ("optimize", "{s}", "--target-p90", "15", "--slots", "1"),
            ["1 counter slots", "2 agencies"],
        ),
        (("compare", "{s}"), ["compare"]),
        (("floorplan", "route", "{plan}", "--to", "Z9"), ["no counter slot 'z9'"]),
    ],
)
def test_absurd_command_line_values(
    args: tuple[str, ...],
    words: list[str],
    small_scenario: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plan = CORPUS / "valid" / "ok-hall.geojson"
    filled = [a.format(s=small_scenario, plan=plan) for a in args]
    status, _, err = run_cli(capsys, *filled)
    assert status == 2
    assert_words(assert_one_error_line(err), words)


def test_optimiser_with_an_unreachable_target_reports_instead_of_crashing(
    small_scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A target no allocation meets runs out of confirmation rounds: the last allocation is
    simulated and reported (it was an internal KeyError)."""
    status, out, err = run_cli(capsys, "optimize", str(small_scenario), "--target-p90", "1e-9")
    assert status == 0, err
    assert "No allocation within the slots meets the target" in out
