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

from simulator.inputs import scenario_fingerprint
from simulator.scenario import MAX_SCENARIO_BYTES, load_scenario
from simulator.ui import runs
from simulator.ui.i18n import CATALOGUE

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")

#: Words that must never be on an Indonesian screen, and the other way round.
ENGLISH_WORDS = ("Results", "minutes", "visitors", "counters", "waiting", "Download")
INDONESIAN_WORDS = ("Jalankan", "Hasil", "menit", "pengunjung", "loket", "tunggu", "Unduh")


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception
    return at


def edit_table(at: AppTest, rows: dict[int, dict[str, object]], name: str = "agency_table") -> None:
    """Edit cells of an editor table (its key changes with the scenario being edited)."""
    key = f"{name}_{at.session_state['editor_generation']}"
    if name == "booking_table":
        key += "_" + "-".join(at.session_state["booking_agencies"])
    elif name == "placement_table":
        key += "_" + scenario_fingerprint(at.session_state["edited"])[:12] + "_0"
    assert key in at.session_state, key
    at.session_state[key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}


def open_tab(at: AppTest, name: str) -> None:
    """Open a tab by its name in the language shown (only the open tab draws its pictures)."""
    try:
        lang = at.session_state["lang"]
    except KeyError:  # AppTest's state has no get()
        lang = "id"
    at.session_state["tab"] = CATALOGUE[lang][f"tab_{name}"]
    at.run()
    assert not at.exception


def strip(at: AppTest) -> dict[str, tuple[str, str, str]]:
    """The KPI strip: card key -> (label, value, light)."""
    body = next(h.proto.body for h in at.get("html") if "mpp-card" in h.proto.body)
    cards = re.findall(
        r'data-kpi="(\w+)" data-light="(\w+)".*?<div class="l">(.*?)</div>'
        r'<div class="v"><span[^>]*></span>(.*?)</div>',
        body,
    )
    return {key: (label, value, light) for key, light, label, value in cards}


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
    shown = strip(at)
    p90 = f"{expected['wait_p90_min']:.1f}".replace(".", ",")
    assert shown["p90"][:2] == ("Waktu tunggu p90", f"{p90} menit")
    assert shown["within"][1] == f"{expected['within_target'] * 100:.0f}%"
    assert shown["peak"][1].endswith("/ 233")
    assert shown["p90"][2] in {"green", "amber", "red"}
    table = frame_with(at, "wait_p90_min")
    assert len(table) == len(scenario.agencies) + 1
    assert len(at.get("vega_lite_chart")) == 3  # queue, waits, occupancy
    assert not at.get("iframe")  # the plan's pictures only on its own tab
    assert any("Taspen hanya buka hari Kamis" in c.value for c in at.caption)
    open_tab(at, "plan")
    assert len(at.get("iframe")) == 2  # the plan by p90, the day played on it
    assert_one_language(at, "id")
    assert not at.error
    assert_one_language(at, "id")


@pytest.mark.slow
def test_every_edit_reruns_at_once_and_the_screen_says_so() -> None:
    at = start()
    before = strip(at)
    assert any(i.value == CATALOGUE["id"]["edit_behaviour"] for i in at.info)
    assert not at.button  # no Run button: there is one behaviour for edits
    edit_table(at, {0: {"counters": 9}})
    at.run()
    after = strip(at)
    assert after != before
    assert float(after["p90"][1].split()[0].replace(",", ".")) < float(
        before["p90"][1].split()[0].replace(",", ".")
    )
    assert any("37 loket" in c.value for c in at.caption)
    # an edit that is not valid yet is marked and not run: the last results stay
    edit_table(at, {0: {"counters": 9, "share_pct": 50.0}})
    at.run()
    assert strip(at) == after
    assert any(CATALOGUE["id"]["stale_invalid"] == w.value for w in at.warning)
    assert any("berjumlah" in e.value for e in at.error)


@pytest.mark.slow
def test_days_open_shown_and_editable() -> None:
    at = start()
    overview = frame_with(at, "days")
    taspen = overview[overview["name"].str.startswith("PT Taspen")].iloc[0]
    assert taspen["arrivals"] == 0 and taspen["days"] == "Kam"
    row = next(
        i
        for i, a in enumerate(load_scenario(REPO / "scenarios" / "normal-day.yaml").agencies)
        if a.id == "taspen"
    )
    edit_table(at, {row: {"days_open": ["tue", "thu"]}})
    at.run()
    overview = frame_with(at, "days")
    taspen = overview[overview["name"] == "PT Taspen"].iloc[0]
    assert taspen["arrivals"] > 0 and taspen["days"] == "Sel, Kam"
    assert not any("Taspen hanya buka" in c.value for c in at.caption)


@pytest.mark.slow
def test_booking_levers_give_figures_per_channel() -> None:
    at = start()
    at.multiselect(key="booking_agencies").set_value(["disdukcapil"]).run()
    assert not at.exception and not at.error
    edit_table(at, {0: {"share_pct": 50.0, "slot_min": 15, "per_slot": 3}}, "booking_table")
    at.run()
    assert not at.error
    details = frame_with(at, "slot_fill_pct")
    first = details.iloc[0]
    assert first["agency"] == "disdukcapil" and first["slot_fill_pct"] > 0
    booked = at.session_state["edited"].agency("disdukcapil").booking
    assert (booked.share, booked.slot_min, booked.per_slot) == (0.5, 15, 3)


@pytest.mark.slow
def test_language_switch_translates_every_screen_and_keeps_the_tab() -> None:
    at = start()
    open_tab(at, "edit")
    at.radio(key="lang").set_value("en").run()
    assert [t.label for t in at.tabs] == [
        "Results",
        "Edit scenario",
        "Floor plan",
        "Comparison",
        "Calibration",
    ]
    assert at.session_state["tab"] == "Edit scenario"
    assert strip(at)["p90"][0] == "p90 waiting time"
    assert_one_language(at, "en")
    at.radio(key="lang").set_value("id").run()
    assert at.session_state["tab"] == "Ubah skenario"
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

    # a plan with too few counter slots is refused at upload, in Indonesian, naming no file
    # of the server's; the plan in use stays
    small = (REPO / "layouts" / "korpri-2f-upper.geojson").read_bytes()
    at.file_uploader(key="upload_layout").set_value(("lantai2.geojson", small, "application/json"))
    at.run()
    errors = [e.value for e in at.error]
    assert any("hanya punya" in e and "lantai2" in e for e in errors), errors
    assert not any("/tmp" in e or "mpp-app-layouts" in e for e in errors)
    assert at.selectbox(key="layout_choice").value == "korpri-compact"

    plan = (REPO / "layouts" / "korpri-clusters.geojson").read_bytes()
    at.file_uploader(key="upload_layout").set_value(("aula.geojson", plan, "application/json"))
    at.run()
    assert not at.error
    assert at.selectbox(key="layout_choice").value == "__uploaded_layout__"
    assert any(c.value.startswith("Hasil untuk denah aula · Senin ramai") for c in at.caption)
    download = at.get("download_button")
    assert download


@pytest.mark.slow
def test_building_is_one_layout_choice() -> None:
    at = start()
    options = at.selectbox(key="layout_choice").options
    assert not any("korpri-2f-ground" in o or "korpri-2f-upper" in o for o in options)
    assert any(o.startswith("korpri-2f") for o in options)
    at.selectbox(key="layout_choice").set_value("korpri-2f").run()
    assert not at.exception and not at.error
    assert any(c.value.startswith("Hasil untuk denah korpri-2f ·") for c in at.caption)
    at.selectbox(key="scenario_file").set_value("monday-two-floors.yaml").run()
    assert at.selectbox(key="layout_choice").value == "korpri-2f"
    assert not at.error


@pytest.mark.slow
def test_placement_table_moves_a_counter() -> None:
    at = start()
    at.toggle(key="placement_show").set_value(True).run()
    assert not at.exception
    table = frame_with(at, "owner")
    pln = table.index[table["owner"] == "pln"].tolist()
    post = table.index[table["owner"] == "kantor-pos"].tolist()
    assert len(pln) == len(post) == 1
    before = strip(at)
    edit_table(at, {pln[0]: {"owner": "kantor-pos"}, post[0]: {"owner": "pln"}}, "placement_table")
    at.run()
    assert not at.error
    placement = at.session_state["edited"].placement
    assert placement[table.loc[post[0], "slot"]] == "pln"
    assert placement[table.loc[pln[0], "slot"]] == "kantor-pos"
    assert len(at.get("image")) >= 1  # the plan as preview
    assert strip(at)["p90"][0] == before["p90"][0]


@pytest.mark.slow
def test_compare_two_layouts_for_a_busy_monday() -> None:
    at = start()
    at.selectbox(key="scenario_file").set_value("monday.yaml").run()
    open_tab(at, "compare")
    at.button(key="save_variant").click().run()
    at.selectbox(key="layout_choice").set_value("korpri-compact")
    edit_table(at, {0: {"counters": 8}, 2: {"counters": 5}})
    at.run()
    at.button(key="save_variant").click().run()
    assert not at.exception and not at.error

    table = frame_with(at, "Kompak +5 loket")
    assert list(table.columns) == ["Terpusat 33 loket", "Kompak +5 loket"]
    assert set(table.loc["90% dipanggil dalam 15 menit?"]) <= {"ya", "tidak"}
    sentences = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert len(sentences) == 1
    assert sentences[0].startswith("- **Kompak +5 loket**")
    assert "waktu tunggu p90" in sentences[0]
    assert at.get("download_button")
    assert_one_language(at, "id")

    at.radio(key="lang").set_value("en").run()
    table = frame_with(at, "Compact +5 counters")
    assert list(table.columns) == ["Central 33 counters", "Compact +5 counters"]
    assert "90% called within 15 minutes?" in table.index
    assert_one_language(at, "en")

    at.button(key="remove_variant_0").click().run()
    assert any(i.value == CATALOGUE["en"]["compare_need_two"] for i in at.info)


@pytest.mark.slow
def test_placement_optimiser_proposes_and_the_run_follows() -> None:
    at = start()
    at.toggle(key="placement_show").set_value(True).run()
    before = at.session_state["shown"][0]
    at.button(key="placement_optimise").click().run()
    assert not at.exception and not at.error
    assert any(s.value.startswith("Usulan penempatan: jalan kaki") for s in at.success)
    placement = at.session_state["edited"].placement
    assert placement and set(placement.values()) <= {
        a.id for a in at.session_state["edited"].agencies
    }
    assert at.session_state["shown"][0] != before  # the proposal ran at once
    assert at.session_state["shown"][1].placement == placement


@pytest.mark.slow
def test_layouts_compared_for_the_scenario_on_screen() -> None:
    at = start()
    at.number_input(key="replications").set_value(3).run()
    open_tab(at, "compare")
    at.multiselect(key="layouts_chosen").set_value(["korpri-central", "korpri-compact"]).run()
    at.button(key="layouts_run").click().run()
    assert not at.exception and not at.error
    table = frame_with(at, "Slot loket")
    assert list(table["Denah"]) == ["korpri-central", "korpri-compact"]
    assert (table["Slot loket"] >= 33).all()
    assert_one_language(at, "id")
