"""The planner's flows through the app, driven by Streamlit's AppTest (no browser)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from simulator.scenario import MAX_SCENARIO_BYTES, load_scenario
from simulator.ui import runs
from simulator.ui.i18n import CATALOGUE

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")

#: Words that must never be on an Indonesian screen, and the other way round.
ENGLISH_WORDS = ("Run", "Results", "minutes", "visitors", "counters", "waiting", "Download")
INDONESIAN_WORDS = ("Jalankan", "Hasil", "menit", "pengunjung", "loket", "tunggu", "Unduh")


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception
    return at


def edit_table(at: AppTest, rows: dict[int, dict[str, object]]) -> None:
    """Edit cells of the agency table (its key changes with the scenario being edited)."""
    key = at.session_state["agency_table_key"]
    assert key.startswith("agency_table_")
    at.session_state[key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The shown table that has ``column`` (read-only tables carry no key in AppTest)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


IDS = re.compile(r"\b\w+(?:-\w+)+\b")
"""Hyphenated ids (``bpjs-kesehatan``) and zone names from a drawing (``ruang-tunggu-utama``):
names, not the screen's language."""


def page_texts(page: str) -> list[str]:
    """The words an HTML picture shows: its text and hover texts, not its script or style."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    hovers = re.findall(r'(?:data-tip|aria-label)="([^"]*)"', body)
    texts = (*hovers, re.sub(r"<[^>]+>", " ", body))
    return [IDS.sub(" ", html.unescape(t)) for t in texts]


def chart_texts(spec: object) -> list[str]:
    """The words a Vega-Lite chart shows: titles (axes, legends, tooltips) and its data."""
    found: list[str] = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "title" and isinstance(value, str | list):
                found.extend([value] if isinstance(value, str) else map(str, value))
            elif key == "datasets":
                found.extend(
                    IDS.sub(" ", str(v))
                    for rows in value.values()
                    for row in rows
                    for v in row.values()
                )
            else:
                found.extend(chart_texts(value))
    elif isinstance(spec, list):
        for item in spec:
            found.extend(chart_texts(item))
    return found


def screen_text(at: AppTest) -> str:
    """Every string the app sent to the screen (labels, texts, options, column titles)."""
    found: list[str] = []

    def strings(value: object) -> None:
        if isinstance(value, str) and value.startswith("<!DOCTYPE html>"):
            found.extend(page_texts(value))  # a picture's page: what it shows and hovers
        elif isinstance(value, str) and value.startswith("{") and "$schema" in value:
            found.extend(chart_texts(json.loads(value)))  # a chart: titles and its data
        elif isinstance(value, str) and value.startswith("{"):
            # a table's column settings (JSON keyed by internal column names): labels only
            found.extend(c.get("label", "") for c in json.loads(value).values())
        elif isinstance(value, str) and not value.startswith("$$ID-"):  # ids hold keys
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                strings(item)
        elif isinstance(value, list):
            for item in value:
                strings(item)

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            strings(MessageToDict(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.sidebar)
    walk(at.main)
    return "\n".join(found)


def _fragments(lang: str, other: str) -> set[str]:
    """Pieces of ``other``'s texts (without placeholders) that ``lang`` never uses."""
    mine = "\n".join(CATALOGUE[lang].values())
    pieces = set()
    for key, text in CATALOGUE[other].items():
        if text == CATALOGUE[lang][key]:
            continue
        for piece in re.split(r"\{[^}]*\}|\*\*|`", text):
            piece = piece.strip(" .,:;()")
            if len(piece) >= 10 and piece not in mine:
                pieces.add(piece)
    return pieces


def assert_one_language(at: AppTest, lang: str) -> None:
    text = screen_text(at)
    other = "en" if lang == "id" else "id"
    leaked = sorted(p for p in _fragments(lang, other) if p in text)
    assert not leaked, f"{other} text on the {lang} screen: {leaked[:5]}"
    for word in ENGLISH_WORDS if lang == "id" else INDONESIAN_WORDS:
        assert not re.search(rf"\b{word}\b", text), f"{word!r} on the {lang} screen"


@pytest.mark.slow
def test_opens_on_the_default_scenario_with_results_shown() -> None:
    at = start()
    assert at.selectbox(key="scenario_file").value == "normal-day.yaml"
    assert at.selectbox(key="layout_choice").value == "korpri-central"
    assert [t.label for t in at.tabs] == [
        "Hasil",
        "Ubah skenario",
        "Denah",
        "Perbandingan",
        "Kalibrasi",
    ]
    scenario = load_scenario(REPO / "scenarios" / "normal-day.yaml")
    expected = runs.run_scenario(scenario).overall
    shown = metrics(at)
    assert shown["Waktu tunggu p90"] == f"{expected['wait_p90_min']:.1f} menit"
    assert shown["Dipanggil dalam 15 menit"] == f"{expected['within_target'] * 100:.0f}%"
    assert shown["Puncak ruang tunggu / kursi"].endswith("/ 233")
    table = frame_with(at, "wait_p90_min")
    assert len(table) == len(scenario.agencies) + 1
    assert len(at.get("vega_lite_chart")) == 3  # queue, waits, occupancy
    assert len(at.get("iframe")) == 2  # the plan by p90, the day played on it
    assert not at.error
    assert_one_language(at, "id")


@pytest.mark.slow
def test_counter_change_waits_for_run_then_changes_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runs, "QUICK_RUN_S", 0.0)
    at = start()
    before = metrics(at)
    stale = CATALOGUE["id"]["stale"]
    edit_table(at, {0: {"counters": 9}})
    at.run()
    assert metrics(at) == before
    assert any(w.value == stale for w in at.warning)
    at.button(key="run").click().run()
    after = metrics(at)
    assert after != before
    assert float(after["Waktu tunggu p90"].split()[0]) < float(
        before["Waktu tunggu p90"].split()[0]
    )
    assert not any(w.value == stale for w in at.warning)
    assert any("37 loket" in c.value for c in at.caption)


@pytest.mark.slow
def test_language_switch_translates_every_screen() -> None:
    at = start()
    at.radio(key="lang").set_value("en").run()
    assert [t.label for t in at.tabs] == [
        "Results",
        "Edit scenario",
        "Floor plan",
        "Comparison",
        "Calibration",
    ]
    assert "p90 waiting time" in metrics(at)
    assert at.button(key="run").label == "Run"
    assert_one_language(at, "en")
    at.radio(key="lang").set_value("id").run()
    assert at.button(key="run").label == "Jalankan"
    assert_one_language(at, "id")


@pytest.mark.slow
def test_bad_uploads_give_a_translated_message_never_a_traceback(broken_plan: bytes) -> None:
    at = start()
    texts = CATALOGUE["id"]
    bad_scenarios = [
        ("broken.yaml", b"name: [unclosed\n", texts["error_invalid"]),
        ("invalid.yaml", b"name: x\nday: 3\n", texts["error_invalid"]),
        ("binary.yaml", b"\x00\xff\x00garbage", texts["error_invalid"]),
        ("huge.yaml", b"#" * (MAX_SCENARIO_BYTES + 1), "terlalu besar"),
        ("notes.txt", b"name: x\n", "bukan jenis yang diterima"),
    ]
    for name, data, message in bad_scenarios:
        at.file_uploader(key="upload_scenario").set_value((name, data, "application/x-yaml"))
        at.run()
        assert not at.exception
        errors = [e.value for e in at.error]
        assert len(errors) == 1 and message in errors[0], (name, errors)
        if message == texts["error_invalid"]:
            assert f"Rincian teknis: `{name}: " in errors[0]
        assert at.selectbox(key="scenario_file").value == "normal-day.yaml"
    assert_one_language(at, "id")

    good = (REPO / "scenarios" / "monday-compact.yaml").read_bytes()
    at.file_uploader(key="upload_scenario").set_value(("mine.yaml", good, "application/x-yaml"))
    at.run()
    assert not at.error
    assert at.selectbox(key="scenario_file").value == "__uploaded__"
    assert at.selectbox(key="layout_choice").value == "korpri-compact"
    assert at.selectbox(key="day_type").value == "monday"

    bad_layouts = [
        ("garbage.dxf", b"\x00\x01 not a drawing" * 50, texts["error_invalid"]),
        ("errors.geojson", broken_plan, "belum dapat dipakai: 1 kesalahan"),
    ]
    for name, data, message in bad_layouts:
        at.file_uploader(key="upload_layout").set_value((name, data, "application/octet-stream"))
        at.run()
        assert not at.exception
        assert any(message in e.value for e in at.error), (name, [e.value for e in at.error])
        assert at.selectbox(key="layout_choice").value == "korpri-compact"
    assert "Kesalahan: **1**" in screen_text(at)

    plan = (REPO / "layouts" / "korpri-clusters.geojson").read_bytes()
    at.file_uploader(key="upload_layout").set_value(("aula.geojson", plan, "application/json"))
    at.run()
    assert not at.error
    at.button(key="run").click().run()
    assert at.selectbox(key="layout_choice").value == "__uploaded_layout__"
    assert any(c.value.startswith("Denah aula · Senin ramai") for c in at.caption)


@pytest.mark.slow
def test_compare_two_layouts_for_a_busy_monday() -> None:
    at = start()
    at.selectbox(key="scenario_file").set_value("monday.yaml").run()
    at.button(key="save_variant").click().run()
    at.selectbox(key="layout_choice").set_value("korpri-compact")
    edits = {0: {"counters": 8}, 2: {"counters": 5}}
    edit_table(at, edits)
    at.button(key="run").click().run()
    at.text_input(key="variant_name").set_value("Kompak +5")
    at.button(key="save_variant").click().run()
    assert not at.exception and not at.error

    table = frame_with(at, "Kompak +5")
    assert list(table.columns) == ["korpri-central, 33 loket", "Kompak +5"]
    assert set(table.loc["90% dipanggil dalam 15 menit?"]) <= {"ya", "tidak"}
    p90 = [float(v.split(" ± ")[0]) for v in table.loc["Waktu tunggu p90 (menit)"]]
    sentences = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert len(sentences) == 7
    first = sentences[0]
    if "lebih baik" in first:
        better = "Kompak +5" if p90[1] < p90[0] else "korpri-central, 33 loket"
        assert first.startswith(f"- **{better}** lebih baik untuk waktu tunggu p90")
    else:
        assert first.startswith(
            ("- Tidak ada perbedaan yang signifikan untuk waktu tunggu p90", "- Kompak +5 dan")
        )
    assert at.get("download_button")
    assert_one_language(at, "id")

    at.radio(key="lang").set_value("en").run()
    table = frame_with(at, "Kompak +5")
    assert "90% called within 15 minutes?" in table.index
    assert_one_language(at, "en")

    at.button(key="remove_variant_0").click().run()
    assert any(i.value == CATALOGUE["en"]["compare_need_two"] for i in at.info)
