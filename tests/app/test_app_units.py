"""The app's logic without a browser: edits, files, runs, variants, report, charts, texts."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import string
import threading
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from simulator.compare import VERDICT_A, VERDICT_B, VERDICT_SAME
from simulator.distributions import Exponential, Gamma, LogNormal, Mixture, Triangular, Uniform
from simulator.errors import FloorPlanError, ScenarioError, SimulatorError
from simulator.experiment import ExperimentResult
from simulator.inputs import scenario_fingerprint
from simulator.metrics import OVERALL
from simulator.scenario import Scenario, load_scenario
from simulator.ui import changes, charts, editing, files, kpis, layouts, runs, tables, variants
from simulator.ui.i18n import CATALOGUE, Translator, agency_names, day_type_label
from simulator.ui.messages import TranslatedError
from simulator.ui.numbers import csv_options, number, percent
from simulator.ui.report import comparison_report

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "app.py"
ID = Translator("id")
EN = Translator("en")


def _table(scenario: Scenario) -> pd.DataFrame:
    return editing.agency_table(scenario, names=agency_names(scenario, "id"))


# ------------------------------------------------------------------------------- editing
def test_no_edits_give_back_the_base_scenario(normal_day: Scenario) -> None:
    built = editing.build_scenario(normal_day, editing.Edits(agencies=_table(normal_day)))
    assert built == normal_day


def test_counter_edit_and_left_out_agencies(normal_day: Scenario) -> None:
    table = _table(normal_day)
    table.loc[table["agency"] == "disdukcapil", "counters"] = 7
    table.loc[table["agency"].isin(["samsat", "polres-sim"]), "join"] = False
    built = editing.build_scenario(normal_day, editing.Edits(agencies=table))
    assert built.agency("disdukcapil").counters == 7
    assert {a.id for a in built.agencies} == {a.id for a in normal_day.agencies} - {
        "samsat",
        "polres-sim",
    }
    # visitors of agencies left out do not come; the others' shares are rescaled
    assert built.demand.visitors_per_day == pytest.approx(450 * (1 - 0.12 - 0.04))
    assert sum(a.share or 0 for a in built.agencies) == pytest.approx(1.0)
    assert built.agency("dpmptsp").share == pytest.approx(0.05 / 0.84)


def test_moving_share_between_agencies(normal_day: Scenario) -> None:
    table = _table(normal_day)
    table.loc[table["agency"] == "disdukcapil", "share_pct"] = 25.0
    table.loc[table["agency"] == "samsat", "share_pct"] = 17.0
    built = editing.build_scenario(normal_day, editing.Edits(agencies=table))
    assert built.agency("disdukcapil").share == pytest.approx(0.25)
    assert built.agency("samsat").share == pytest.approx(0.17)


@pytest.mark.parametrize(
    ("column", "agency", "value", "key"),
    [
        ("share_pct", "disdukcapil", 40.0, "error_share_sum"),
        ("share_pct", "samsat", 0.0, "error_share_value"),
        ("counters", "samsat", 0, "error_counters"),
        ("counters", "samsat", 2.5, "error_counters"),
        ("service_median_min", "samsat", -1.0, "error_service_value"),
        ("join", None, False, "error_no_agency"),
    ],
)
def test_common_mistakes_have_their_own_message(
    normal_day: Scenario, column: str, agency: str | None, value: object, key: str
) -> None:
    table = _table(normal_day).astype({"counters": float})
    rows = table["agency"] == agency if agency else slice(None)
    table.loc[rows, column] = value
    with pytest.raises(TranslatedError) as caught:
        editing.build_scenario(normal_day, editing.Edits(agencies=table))
    assert caught.value.key == key
    assert ID(key, **caught.value.values)
    if key == "error_share_sum":
        assert caught.value.values["total"] == pytest.approx(110.0)


def test_hours_out_of_order(normal_day: Scenario) -> None:
    from datetime import time

    with pytest.raises(TranslatedError) as caught:
        editing.build_scenario(
            normal_day, editing.Edits(hours={"last_ticket": time(16, 0), "closing": time(15, 0)})
        )
    assert caught.value.key == "error_hours_order"
    assert caught.value.values["last_ticket"] == "16:00"


def test_other_invalid_edits_fail_like_a_scenario_file(normal_day: Scenario) -> None:
    with pytest.raises(ScenarioError, match="visitors_per_day"):
        editing.build_scenario(normal_day, editing.Edits(visitors_per_day=0.0))


def test_day_hours_layout_run_settings(normal_day: Scenario, shipped: dict[str, Path]) -> None:
    from datetime import time

    edits = editing.Edits(
        weekday="mon",
        day_type="monday",
        visitors_per_day=500,
        hours={"closing": time(15, 30)},
        layout=str(shipped["korpri-compact"]),
        replications=4,
        seed=9,
    )
    built = editing.build_scenario(normal_day, edits)
    assert (built.day.weekday, built.day.type) == ("mon", "monday")
    assert built.day.hours.closing == 15 * 60 + 30
    assert built.demand.visitors_per_day == 500
    assert built.layout == str(shipped["korpri-compact"])
    assert (built.run.replications, built.run.seed) == (4, 9)
    assert built.day.hours.breaks == normal_day.day.hours.breaks


def test_service_median_edit_scales_the_distribution(normal_day: Scenario) -> None:
    table = _table(normal_day)
    table.loc[table["agency"] == "samsat", "service_median_min"] = 12.5
    built = editing.build_scenario(normal_day, editing.Edits(agencies=table))
    service = built.agency("samsat").service
    assert isinstance(service, LogNormal)
    assert editing.service_median(service) == pytest.approx(12.5)
    old = normal_day.agency("samsat").service
    assert service.coefficient_of_variation == pytest.approx(old.coefficient_of_variation)


def test_scaling_a_mixture_scales_its_median_exactly() -> None:
    mix = Mixture.model_validate(
        {
            "components": [
                {"share": 0.7, "time": {"kind": "exponential", "rate_per_min": 0.2}},
                {
                    "share": 0.3,
                    "time": {"kind": "triangular", "low_min": 5, "mode_min": 9, "high_min": 20},
                },
            ]
        }
    )
    scaled = Mixture.model_validate(editing.scale_distribution(mix.model_dump(), 1.5))
    assert editing.service_median(scaled) == pytest.approx(1.5 * editing.service_median(mix))
    assert scaled.mean == pytest.approx(1.5 * mix.mean)


@pytest.mark.parametrize(
    "dist",
    [
        LogNormal(median_min=7.0, cv=0.6),
        LogNormal(mean_min=10.0, cv=0.8),
        Exponential(mean_min=4.0),
        Uniform(low_min=2.0, high_min=8.0),
        Triangular(low_min=1.0, mode_min=2.0, high_min=10.0),
        Triangular(low_min=1.0, mode_min=9.0, high_min=10.0),
        Gamma(mean_min=6.0, cv=0.5),
    ],
)
def test_service_median_matches_a_large_sample(dist: object) -> None:
    sample = dist.sample(np.random.default_rng(7), 400_000)  # type: ignore[attr-defined]
    # the sample median of 400k draws is within 0.5% of the true median here
    assert editing.service_median(dist) == pytest.approx(float(np.median(sample)), rel=5e-3)  # type: ignore[arg-type]


def test_expected_visitors_counts_only_agencies_open_that_day(normal_day: Scenario) -> None:
    # taspen (1% of visitors) opens on Thursdays only; the normal day is a Tuesday
    assert editing.expected_visitors(normal_day) == pytest.approx(450 * 0.99)


# ------------------------------------------------------------------------------- files
def test_scenario_upload_valid_and_layout_mapped(shipped: dict[str, Path]) -> None:
    text = re.sub(r"(?m)^layout: .*\n", "", (REPO / "scenarios" / "monday.yaml").read_text())
    scenario, dropped = files.read_scenario_upload(
        (text + "layout: ../layouts/korpri-compact.dxf\n").encode(), "m.yaml", layouts=shipped
    )
    assert scenario.day.type == "monday"
    assert scenario.layout == str(shipped["korpri-compact"])
    assert dropped is None
    for layout, name in (("my-own-hall.dxf", "my-own-hall.dxf"), ("/etc/hostname", "hostname")):
        scenario, dropped = files.read_scenario_upload(
            (text + f"layout: {layout}\n").encode(), "m.yaml", layouts=shipped
        )
        assert scenario.layout is None
        assert dropped == name


@pytest.mark.parametrize(
    ("data", "name", "key"),
    [
        (b"name: x\n" * 200_000, "big.yaml", "error_upload_too_big"),
        (b"name: x\n", "scenario.txt", "error_upload_format"),
        (b"", "empty.yaml", "error_upload_empty"),
    ],
)
def test_scenario_upload_refused_before_parsing(
    data: bytes, name: str, key: str, shipped: dict[str, Path]
) -> None:
    with pytest.raises(TranslatedError) as caught:
        files.read_scenario_upload(data, name, layouts=shipped)
    assert caught.value.key == key
    assert name in ID(key, **caught.value.values)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"name: [unclosed\n", "not valid YAML"),
        (b"\x00\x01\x02binary", "binary|UTF-8"),
        (b"name: only a name\n", "required but missing"),
    ],
)
def test_broken_scenario_upload_names_the_uploaded_file(
    data: bytes, match: str, shipped: dict[str, Path]
) -> None:
    with pytest.raises(ScenarioError, match=match) as caught:
        files.read_scenario_upload(data, "mine.yaml", layouts=shipped)
    assert str(caught.value).startswith("mine.yaml: ")
    assert "/tmp" not in str(caught.value)


def test_layout_upload_stored_once_by_content(
    tmp_path: Path, shipped: dict[str, Path], broken_plan: bytes
) -> None:
    data = shipped["korpri-clusters"].read_bytes()
    first = files.store_layout_upload(data, "Hall plan.geojson", folder=tmp_path)
    again = files.store_layout_upload(data, "Hall plan.geojson", folder=tmp_path)
    assert first == again
    assert first.parent == tmp_path and first.name.startswith("Hall-plan-")
    assert layouts.check_layout(first).ok
    with pytest.raises(FloorPlanError):
        files.store_layout_upload(b"\x00garbage" * 100, "plan.dxf", folder=tmp_path)
    with pytest.raises(TranslatedError):
        files.store_layout_upload(b"{}", "plan.pdf", folder=tmp_path)
    broken = files.store_layout_upload(broken_plan, "broken.geojson", folder=tmp_path)
    report = layouts.check_layout(broken)
    assert not report.ok
    assert any("entrance" in p.message for p in report.errors)


def test_scenario_download_runs_from_anywhere_and_uploads_back(
    tmp_path: Path, normal_day: Scenario, shipped: dict[str, Path]
) -> None:
    scenario = normal_day.model_copy(update={"layout": str(shipped["korpri-central"])})
    download = files.scenario_download(scenario, layouts=shipped)
    assert download.file_name.endswith(".yaml")
    assert (download.file_name, download.mime) == files.scenario_download_name(
        scenario, layouts=shipped
    )
    text = download.data.decode()
    assert f"layout: {shipped['korpri-central']}" in text
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "mine.yaml").write_text(text)
    back = load_scenario(tmp_path / "elsewhere" / "mine.yaml")
    assert back == scenario
    # the same file from another machine (another absolute path) finds the shipped plan by name
    moved = text.replace(str(shipped["korpri-central"].parent), "/home/someone/mpp/layouts")
    uploaded, dropped = files.read_scenario_upload(moved.encode(), "mine.yaml", layouts=shipped)
    assert dropped is None
    assert uploaded.layout == str(shipped["korpri-central"])


def test_scenario_download_of_the_shipped_building_runs_from_anywhere(
    tmp_path: Path, shipped: dict[str, Path]
) -> None:
    building = load_scenario(REPO / "scenarios" / "monday-two-floors.yaml")
    download = files.scenario_download(building, layouts=shipped)
    assert download.file_name.endswith(".yaml")
    (tmp_path / "mine.yaml").write_bytes(download.data)
    assert load_scenario(tmp_path / "mine.yaml") == building


def test_scenario_download_of_an_uploaded_plan_is_a_zip_that_runs(
    tmp_path: Path, normal_day: Scenario, shipped: dict[str, Path]
) -> None:
    plan = tmp_path / "upload" / "hall-abc123.geojson"
    plan.parent.mkdir()
    shutil.copy(shipped["korpri-central"], plan)
    scenario = normal_day.model_copy(update={"layout": str(plan)})
    download = files.scenario_download(
        scenario,
        layouts=shipped,
        description="Edited: more counters.",
        name="Mine",
        file_names={str(plan): "hall.geojson"},  # the name it was uploaded with
    )
    assert download.file_name.endswith(".zip")
    assert (download.file_name, download.mime) == files.scenario_download_name(
        scenario, layouts=shipped
    )
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        archive.extractall(tmp_path / "out")
    back = load_scenario(tmp_path / "out" / "mpp-scenario" / "scenario.yaml")
    assert Path(str(back.layout)).name == "hall.geojson"
    assert (back.name, back.description) == ("Mine", "Edited: more counters.")
    assert back.model_copy(update={"layout": None, "name": "", "description": ""}) == (
        scenario.model_copy(update={"layout": None, "name": "", "description": ""})
    )


def test_results_csv_has_every_agency_percentages_and_the_language_number_style(
    small_run: tuple[Scenario, ExperimentResult],
) -> None:
    scenario, result = small_run
    frame = pd.read_csv(io.BytesIO(files.results_csv(result)))
    assert list(frame["agency"]) == [*[a.id for a in scenario.agencies], OVERALL]
    assert {"wait_p90_min", "wait_p90_min_ci", "seed", "replications"} <= set(frame.columns)
    assert "within_target" not in frame.columns  # one unit per column: shares in percent
    overall = frame[frame["agency"] == OVERALL].iloc[0]
    assert overall["within_target_pct"] == pytest.approx(result.overall["within_target"] * 100)
    assert overall["utilisation_pct"] == pytest.approx(result.overall["utilisation"] * 100)
    indonesian = files.results_csv(result, lang="id").decode()
    assert indonesian.splitlines()[0].startswith("scenario;seed;replications;agency")
    back = pd.read_csv(io.StringIO(indonesian), sep=";", decimal=",")
    assert back["wait_mean_min"].tolist() == pytest.approx(
        frame["wait_mean_min"].tolist(), nan_ok=True
    )
    per_rep = pd.read_csv(io.BytesIO(files.per_replication_csv(result)))
    assert sorted(per_rep["replication"].unique()) == [0, 1, 2]


# ------------------------------------------------------------------------------- layouts
def test_shipped_layouts_once_per_name_and_default_choice(
    normal_day: Scenario, shipped: dict[str, Path]
) -> None:
    assert {"korpri-central", "korpri-clusters", "korpri-compact"} <= set(shipped)
    assert all(p.suffix == ".geojson" for p in shipped.values())
    assert layouts.layout_choice(normal_day, shipped) == layouts.DEFAULT_LAYOUT
    dxf = normal_day.model_copy(update={"layout": str(REPO / "layouts" / "korpri-compact.dxf")})
    assert layouts.layout_choice(dxf, shipped) == "korpri-compact"
    other = normal_day.model_copy(update={"layout": "/elsewhere/hall.dxf"})
    assert layouts.layout_choice(other, shipped) is None


# ------------------------------------------------------------------------------- runs
def test_scenario_fingerprint_depends_on_content_not_on_file_name(
    tmp_path: Path, normal_day: Scenario, shipped: dict[str, Path]
) -> None:
    one = tmp_path / "a.geojson"
    two = tmp_path / "b.geojson"
    shutil.copy(shipped["korpri-central"], one)
    shutil.copy(shipped["korpri-central"], two)
    key_one = scenario_fingerprint(normal_day.model_copy(update={"layout": str(one)}))
    assert key_one == scenario_fingerprint(normal_day.model_copy(update={"layout": str(two)}))
    other_plan = normal_day.model_copy(update={"layout": str(shipped["korpri-compact"])})
    assert scenario_fingerprint(other_plan) != key_one
    reseeded = normal_day.model_copy(
        update={"layout": str(one), "run": normal_day.run.model_copy(update={"seed": 1})}
    )
    assert scenario_fingerprint(reseeded) != key_one


def test_result_store_runs_once_reports_progress_and_forgets_the_oldest(
    normal_day: Scenario,
) -> None:
    store = runs.ResultStore(max_items=2)
    base = normal_day.model_copy(
        update={"run": normal_day.run.model_copy(update={"replications": 2})}
    )
    calls: list[tuple[int, int]] = []
    key, first = store.run(base, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (2, 2)
    assert store.run(base)[1] is first
    for seed in (1, 2):
        store.run(base.model_copy(update={"run": base.run.model_copy(update={"seed": seed})}))
    assert store.get(key) is None


def test_result_store_computes_a_scenario_once_for_sessions_asking_at_once(
    normal_day: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = runs.ResultStore()
    scenario = normal_day.model_copy(
        update={"run": normal_day.run.model_copy(update={"replications": 2, "seed": 11})}
    )
    started: list[int] = []
    real = runs._replicate

    def counted(task: tuple[Any, int, range]) -> Any:
        started.extend(task[2])
        return real(task)

    monkeypatch.setattr(runs, "_replicate", counted)
    answers: list[ExperimentResult] = []
    threads = [
        threading.Thread(target=lambda: answers.append(store.run(scenario)[1])) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(started) == [0, 1]  # each replication once, whoever asked
    assert len(answers) == 3 and all(a is answers[0] for a in answers)
    pd.testing.assert_frame_equal(answers[0].summary, runs.run_scenario(scenario).summary)


@pytest.mark.parametrize(("total", "workers"), [(1, 2), (7, 2), (30, 2), (30, 1), (301, 2)])
def test_batches_cover_every_replication_once_in_order(total: int, workers: int) -> None:
    parts = runs.batches(total, workers=workers)
    assert [r for part in parts for r in part] == list(range(total))
    assert max(len(part) for part in parts) <= 5
    assert len(parts) >= min(total, 4 * workers)  # enough to share out evenly


def test_result_store_hands_an_error_to_every_session(normal_day: Scenario) -> None:
    store = runs.ResultStore()
    missing = normal_day.model_copy(update={"layout": "/nowhere/hall.geojson"})
    with pytest.raises(SimulatorError):
        store.run(missing)
    with pytest.raises(SimulatorError):
        store.run(missing)


# ------------------------------------------------------------------------------- variants
def _variant(
    name: str, scenario: Scenario, result: ExperimentResult, key: str
) -> variants.SavedVariant:
    return variants.SavedVariant(name=name, scenario=scenario, key=key, result=result, layout="x")


def test_at_most_three_variants_each_run_once_names_unique(
    small_run: tuple[Scenario, ExperimentResult],
) -> None:
    scenario, result = small_run
    kept: list[variants.SavedVariant] = []
    for n in range(3):
        kept = variants.add_variant(kept, _variant(f"v{n}", scenario, result, f"k{n}"), ID)
    for candidate, key in (
        (_variant("v9", scenario, result, "k9"), "variant_full"),
        (_variant("v9", scenario, result, "k0"), "variant_duplicate"),
        (_variant("v0", scenario, result, "k9"), "variant_name_taken"),
    ):
        with pytest.raises(TranslatedError) as caught:
            variants.add_variant(kept[: 3 if key == "variant_full" else 2], candidate, ID)
        assert caught.value.key == key


def test_variant_names_read_well_without_commas(
    small_run: tuple[Scenario, ExperimentResult],
) -> None:
    scenario, result = small_run
    auto = [_variant("", scenario, result, "a"), _variant("", scenario, result, "b")]
    assert variants.display_names(auto, ID) == ["x 33 loket", "x 33 loket (2)"]
    assert variants.display_names(auto, EN) == ["x 33 counters", "x 33 counters (2)"]
    named = _variant("Usulan DPUPR", scenario, result, "c")
    assert variants.display_names([named], EN) == ["Usulan DPUPR"]
    more = scenario.model_copy(
        update={
            "agencies": [
                a.model_copy(update={"counters": a.counters + 5}) if a.id == "disdukcapil" else a
                for a in scenario.agencies
            ]
        }
    )
    assert changes.variant_name(more, "korpri-compact", ID, reference=scenario) == (
        "Kompak +5 loket"
    )
    assert changes.variant_name(scenario, "korpri-central", EN, reference=None) == (
        "Central 33 counters"
    )
    assert "," not in changes.variant_name(more, "korpri-central", ID, reference=scenario)


def test_identical_variants_are_about_the_same_in_one_sentence(
    small_run: tuple[Scenario, ExperimentResult],
) -> None:
    scenario, result = small_run
    a = _variant("A", scenario, result, "a")
    b = _variant("B", scenario, result, "b")
    assert variants.pairable(a, b)
    diff = variants.differences(a, b)
    assert list(diff["kpi"]) == list(variants.COMPARED_KPIS)
    assert (diff["diff"] == 0).all()
    assert (diff["verdict"] == VERDICT_SAME).all()
    sentence = variants.variant_sentence(a, b, tr=ID, name_a="A", name_b="B")
    assert sentence.startswith("**B** kurang lebih sama dengan **A**: waktu tunggu p90 kurang")
    assert sentence.count(".") <= 1 + sentence.count(",")  # one sentence, decimal commas
    stats = variants.statistics_table(a, b, tr=ID)
    assert set(stats["Kesimpulan"]) == {"kurang lebih sama"}
    assert not stats.map(lambda v: bool(re.search(r"\d\.\d", str(v)))).any().any()


def _fake_differences(rows: list[dict[str, float | str]]) -> Any:
    def fake(base: Any, other: Any, *, thresholds: Any = None) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {"agency": OVERALL, "n": 3, "better": "lower", **row}
                | {"threshold": (thresholds or {}).get("wait_min", 1.0)}
                for row in rows
            ]
        )

    return fake


def test_sentence_says_better_worse_or_mixed_and_why(
    small_run: tuple[Scenario, ExperimentResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario, result = small_run
    a = _variant("A", scenario, result, "a")
    b = _variant("B", scenario, result, "b")
    p90 = {"kpi": "wait_p90_min", "mean_a": 17.9, "mean_b": 13.9, "diff": -4.0}
    p90 |= {"ci_low": -6.0, "ci_high": -2.0, "verdict": VERDICT_B}
    walk = {"kpi": "walk_mean_m", "mean_a": 40.0, "mean_b": 52.0, "diff": 12.0}
    walk |= {"ci_low": 10.0, "ci_high": 14.0, "verdict": VERDICT_A}
    monkeypatch.setattr(variants, "differences", _fake_differences([p90]))
    better = variants.variant_sentence(a, b, tr=ID, name_a="Terpusat", name_b="Kompak")
    assert better == (
        "**Kompak** lebih baik daripada **Terpusat**: waktu tunggu p90 13,9 menit lawan "
        "17,9 menit (4,0 menit lebih singkat)."
    )
    monkeypatch.setattr(variants, "differences", _fake_differences([p90, walk]))
    mixed = variants.variant_sentence(a, b, tr=EN, name_a="Central", name_b="Compact")
    assert mixed.startswith("**Compact** against **Central** gains some and loses some:")
    assert "p90 waiting time 13.9 minutes against 17.9 minutes (4.0 minutes shorter)" in mixed
    assert "mean walking distance 52 m against 40 m (12 m longer)" in mixed
    same = p90 | {"mean_b": 17.2, "diff": -0.7, "ci_low": -0.9, "ci_high": -0.5}
    same |= {"verdict": VERDICT_SAME}
    monkeypatch.setattr(variants, "differences", _fake_differences([same]))
    assert "kurang lebih sama" in variants.variant_sentence(a, b, tr=ID, name_a="A", name_b="B")
    assert variants.thresholds_from(2.0, 1.5, 10.0) == {
        "wait_min": 2.0,
        "within_target": 0.015,
        "walk_mean_m": 10.0,
    }


def test_practical_threshold_of_the_settings_decides_about_the_same(
    small_run: tuple[Scenario, ExperimentResult],
) -> None:
    scenario, result = small_run
    a = _variant("A", scenario, result, "a")
    settings = variants.thresholds_from(2.5, 3.0, 12.0)
    diff = variants.differences(a, a, thresholds=settings).set_index("kpi")["threshold"]
    assert diff["wait_p90_min"] == diff["wait_mean_min"] == 2.5
    assert diff["within_target"] == pytest.approx(0.03)
    assert diff["walk_mean_m"] == 12.0
    assert diff["abandoned"] == 1.0  # people: the default


def test_side_by_side_says_which_variant_meets_the_target(
    small_run: tuple[Scenario, ExperimentResult],
) -> None:
    scenario, result = small_run
    frame = variants.side_by_side([_variant("A", scenario, result, "a")], tr=EN)
    within = float(result.overall["within_target"])
    assert frame.loc["90% called within 15 minutes?", "A"] == ("yes" if within >= 0.9 else "no")
    half = float(result.overall["wait_p90_min_ci"])
    finite = half == half and half != float("inf")
    shown = f"{result.overall['wait_p90_min']:.1f}" + (f" ± {half:.1f}" if finite else "")
    assert frame.loc["P90 waiting time (minutes)", "A"] == shown


def test_comparison_report_is_one_self_contained_page(
    small_run: tuple[Scenario, ExperimentResult],
) -> None:
    scenario, result = small_run
    kept = [_variant("<A>", scenario, result, "a"), _variant("B", scenario, result, "b")]
    fig = charts.compare_figure(
        ["<A>", "B"], [result, result], tr=ID, target_min=15, target_share=0.9
    )
    html = comparison_report(
        kept, tr=ID, figures=[("p90", charts.figure_png(fig))], created="2024-01-01 10:00"
    )
    assert html.startswith("<!DOCTYPE html>") and '<html lang="id">' in html
    assert 'src="data:image/png;base64,iVBORw0KGgo' in html
    assert "&lt;A&gt;" in html and "<A>" not in html
    assert "kurang lebih sama" in html
    assert "**" not in html
    assert "http" not in html


# ------------------------------------------------------------------------------- tables
def test_overview_fits_the_screen_and_says_why_an_agency_has_no_visitors(
    small_run: tuple[Scenario, ExperimentResult],
) -> None:
    scenario, result = small_run  # a Monday: Taspen opens on Thursdays only
    frame = tables.agency_overview(result, scenario, names=agency_names(scenario, "id"), tr=ID)
    assert list(frame.columns) == [c for c, *_ in tables.OVERVIEW_COLUMNS]
    assert len(frame.columns) <= 10
    taspen = frame[frame["name"].str.startswith("PT Taspen")].iloc[0]
    assert taspen["name"] == "PT Taspen (tutup hari Senin)" and taspen["days"] == "Kam"
    assert frame.iloc[0]["days"] == "Sen–Jum"
    assert tables.closed_agencies(scenario) == ["taspen"]
    last = frame.iloc[-1]
    assert last["name"] == "Semua instansi" and last["counters"] == scenario.total_counters
    assert last["wait_p90_min"] == pytest.approx(float(result.overall["wait_p90_min"]))
    html = tables.overview_style(frame, ID, target_min=15, goal=0.9).to_html()
    assert re.search(r">\d+,\d<", html) and not re.search(r">\d+\.\d<", html)
    assert "#d5f5e3" in html or "#fadbd8" in html  # lights on the p90 and within columns
    english = tables.overview_style(frame, EN, target_min=15, goal=0.9).to_html()
    assert re.search(r">\d+\.\d<", english)


def test_p90_not_reached_is_said_in_words() -> None:
    assert kpis.p90_text(float("inf"), ID) == "tidak tercapai"
    assert kpis.p90_text(float("inf"), EN) == "not reached"
    assert kpis.p90_text(17.24, ID) == "17,2 menit"
    frame = pd.DataFrame({"wait_p90_min": [float("inf")], "within_target_pct": [80.0]})
    for column, *_ in tables.OVERVIEW_COLUMNS:
        frame[column] = frame.get(column, "")
    assert "tak tercapai" in tables.overview_style(frame, ID, target_min=15, goal=0.9).to_html()


def test_kpi_strip_lights_and_the_wait_before_opening(
    small_run: tuple[Scenario, ExperimentResult],
) -> None:
    scenario, result = small_run
    cards = {c.key: c for c in kpis.kpi_cards(result, scenario, ID)}
    assert list(cards) == ["p90", "within", "lost", "split", "peak"]
    overall = result.overall
    p90, within = float(overall["wait_p90_min"]), float(overall["within_target"])
    assert cards["p90"].light == ("green" if p90 <= 15 else "amber" if p90 <= 20 else "red")
    assert cards["within"].light == (
        "green" if within >= 0.9 else "amber" if within >= 0.85 else "red"
    )
    assert cards["split"].light == "grey"
    before = number(float(overall["wait_before_opening_mean_min"]), "id")
    assert cards["split"].note.startswith(f"{before} menit sebelum loket buka")
    html = kpis.strip_html(list(cards.values()), ID)
    assert html.count('class="mpp-card"') == 5 and "<script" not in html
    # a hall whose queue forms at the door: the sentence names the part counters cannot fix
    early = result.summary.copy()
    early.loc[early["agency"] == OVERALL, "wait_before_opening_mean_min"] = 6.1
    early.loc[early["agency"] == OVERALL, "wait_after_opening_mean_min"] = 3.2
    early.loc[early["agency"] == OVERALL, "wait_mean_min"] = 9.3
    early.loc[early["agency"] == OVERALL, "share_arrived_before_opening"] = 0.41
    note = kpis.before_opening_note(dataclasses.replace(result, summary=early), scenario, ID)
    assert note == (
        "Dari rata-rata tunggu 9,3 menit, 6,1 menit terjadi sebelum loket buka pukul 08:00 "
        "(41% pengunjung datang lebih awal). Menambah loket hanya memperpendek sisanya, "
        "3,2 menit."
    )


def test_numbers_follow_the_language() -> None:
    assert number(17.24, "id") == "17,2" and number(17.24, "en") == "17.2"
    assert number(1234.5, "id") == "1.234,5" and number(1234.5, "en") == "1,234.5"
    assert number(-3.04, "id") == "−3,0" and number(-0.01, "id") == "0,0"
    assert number(float("nan"), "id") == "–" and number(None, "en") == "–"
    assert percent(0.834, "id") == "83%" and percent(0.8345, "id", digits=1) == "83,5%"
    assert csv_options("id") == {"sep": ";", "decimal": ","}


# ------------------------------------------------------------------------------- charts
def _texts(fig: object) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]  # type: ignore[attr-defined]


def test_plan_figure_in_indonesian_colours_every_staffed_counter(
    small_run: tuple[Scenario, ExperimentResult],
) -> None:
    from simulator.inputs import site_for

    scenario, result = small_run
    floor = layouts.load_floor(str(scenario.layout))
    site = site_for(scenario)
    fig = charts.plan_p90_figure(floor, site, result, tr=ID, layout="korpri-central")
    texts = _texts(fig)
    assert any(t.endswith("233 kursi") for t in texts)
    assert "MASUK" in texts and not any("seats" in t or t == "IN" for t in texts)
    p90 = charts.agency_p90(result)
    assert "taspen" not in p90  # closed on Mondays: no visitors, no colour
    assert len(p90) == len(scenario.agencies) - 1


def test_clock_moment_picks_the_ten_minute_bin(
    small_run: tuple[Scenario, ExperimentResult],
) -> None:
    _, result = small_run
    zones, queues = charts.moment_values(result, 10 * 60 + 7)
    expected = result.occupancy[result.occupancy["time"] == 600.0]
    assert zones == dict(zip(expected["zone"], expected["occupancy"], strict=True))
    assert set(queues) == set(result.queue["agency"])


@pytest.mark.slow
def test_every_result_figure_draws(small_run: tuple[Scenario, ExperimentResult]) -> None:
    from simulator.inputs import site_for

    scenario, result = small_run
    floor = layouts.load_floor(str(scenario.layout))
    figures = [
        charts.queue_figure(result, tr=EN),
        charts.waits_figure(result, tr=EN, target_min=15),
        charts.occupancy_figure(result, tr=EN),
        charts.clock_figure(floor, site_for(scenario), result, 600.0, tr=EN),
    ]
    for fig in figures:
        assert fig is not None
        assert charts.figure_png(fig).startswith(b"\x89PNG")
    assert "Floor plan at 10:00: people in waiting zones and queue per agency" in _texts(
        figures[-1]
    )


# ------------------------------------------------------------------------------- texts
def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    assert set(CATALOGUE["id"]) == set(CATALOGUE["en"])
    for key, text in CATALOGUE["id"].items():
        assert _fields(text) == _fields(CATALOGUE["en"][key]), key


def test_every_text_the_code_asks_for_exists() -> None:
    sources = [APP, *sorted((REPO / "simulator" / "ui").glob("*.py"))]
    used: set[str] = set()
    for path in sources:
        used |= set(re.findall(r'tr\(\s*"([a-z0-9_\-]+)"', path.read_text()))
        used |= set(
            re.findall(
                r'(?:TranslatedError|Message\.(?:success|warning|failure))\(\s*"([a-z_]+)"',
                path.read_text(),
            )
        )
    assert len(used) > 100
    missing = sorted(k for k in used if k not in CATALOGUE["id"])
    assert not missing


def test_day_types_and_agency_names_follow_the_language(normal_day: Scenario) -> None:
    assert day_type_label("monday", ID) == "Senin ramai"
    assert day_type_label("monday", EN) == "Busy Monday"
    assert day_type_label("market-day", EN) == "market-day"
    assert agency_names(normal_day, "id")["disdukcapil"].startswith("Dinas Kependudukan")
    assert agency_names(normal_day, "en")["disdukcapil"].startswith("Civil registry")


def test_translator_refuses_unknown_languages() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        Translator("fr")


def test_wait_from_opening_sets_the_targets_origin(normal_day: Scenario) -> None:
    assert normal_day.target.counted_from == "ticket"
    on = editing.build_scenario(normal_day, editing.Edits(wait_from_opening=True))
    assert on.target.counted_from == "service_start"
    off = editing.build_scenario(on, editing.Edits(wait_from_opening=False))
    assert off.target.counted_from == "ticket"
    kept = editing.build_scenario(on, editing.Edits())
    assert kept.target.counted_from == "service_start"
