"""``mpp-sim run --out DIR --records``: every visitor and step, consistent with the KPIs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_records_match_the_per_replication_kpis(tmp_path: Path) -> None:
    scenario = ROOT / "scenarios" / "normal-day.yaml"
    assert (
        main(["run", str(scenario), "--replications", "2", "--out", str(tmp_path), "--records"])
        == 0
    )
    steps = pd.read_csv(tmp_path / "steps.csv")
    visitors = pd.read_csv(tmp_path / "visitors.csv")
    kpis = pd.read_csv(tmp_path / "per_replication.csv")
    assert sorted(steps["replication"].unique()) == [0, 1]
    for replication in (0, 1):
        mine = steps[steps["replication"] == replication]
        at_agencies = mine[~mine["station"].isin(["info", "kiosk"])]
        overall = kpis[(kpis["replication"] == replication) & (kpis["agency"] == "overall")]
        assert len(at_agencies) == int(overall["arrivals"].iloc[0])
        served = (at_agencies["outcome"] == "served").sum()
        assert served == int(overall["served"].iloc[0])
        assert (visitors["replication"] == replication).sum() == mine["visitor"].nunique()


def test_records_need_an_output_folder(capsys: pytest.CaptureFixture[str]) -> None:
    scenario = ROOT / "scenarios" / "normal-day.yaml"
    assert main(["run", str(scenario), "--records"]) == 2
    assert "--records" in capsys.readouterr().err
