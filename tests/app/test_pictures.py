"""The app's pictures without a browser: the plan as SVG, the day played on it, the charts.

The playback's tracks are checked against the day's records they come from (an independent
count of tickets waiting and of people in each zone at given minutes); the browser tests
(test_pictures_browser.py) check that the page plays them.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import Point

from simulator.experiment import ExperimentResult
from simulator.floorplan.model import Building
from simulator.inputs import site_for
from simulator.records import OUTCOME_SERVED, OUTCOME_TURNED_AWAY
from simulator.scenario import Scenario, load_scenario
from simulator.ui import interactive, plan_view, playback
from simulator.ui.colours import (
    EMPTY_SLOT,
    NO_VISITORS,
    WAIT_STOPS,
    variant_colours,
    wait_colour,
)
from simulator.ui.i18n import Translator, agency_names

REPO = Path(__file__).resolve().parents[2]
ID = Translator("id")
EN = Translator("en")


@pytest.fixture(scope="module")
def monday() -> Scenario:
    return load_scenario(REPO / "scenarios" / "monday.yaml")


@pytest.fixture(scope="module")
def two_floors() -> Scenario:
    return load_scenario(REPO / "scenarios" / "monday-two-floors.yaml")


@pytest.fixture(scope="module")
def monday_day(monday: Scenario) -> tuple[playback.Playback, object, object]:
    plan, records = playback.one_day(monday)
    building = plan_view.building_of(monday)
    site = site_for(monday)
    assert building is not None and site is not None
    played = playback.playback_data(monday, plan, records, site, building, tr=ID)
    return played, plan, records


# ------------------------------------------------------------------------------- colours
def _redness(colour: str) -> float:
    r, g = int(colour[1:3], 16), int(colour[3:5], 16)
    return r - g


def test_wait_colours_run_green_to_red_anchored_at_the_target() -> None:
    assert wait_colour(0.0, 15.0) == WAIT_STOPS[0][1]
    assert wait_colour(15.0, 15.0) == "#fdae61"  # the stop at the target
    assert wait_colour(15.0 * 1.5, 15.0) == WAIT_STOPS[-1][1]
    assert wait_colour(600.0, 15.0) == wait_colour(math.inf, 15.0) == WAIT_STOPS[-1][1]
    assert wait_colour(math.nan, 15.0) == NO_VISITORS
    # the same wait against a looser target is greener
    assert _redness(wait_colour(12.0, 30.0)) < _redness(wait_colour(12.0, 10.0))
    ramp = [_redness(wait_colour(m, 10.0)) for m in np.linspace(0, 15, 31)]
    assert ramp == sorted(ramp)
    with pytest.raises(ValueError, match="0"):
        wait_colour(1.0, 0.0)


def test_variants_keep_their_colour_by_name_whatever_the_order() -> None:
    first = variant_colours(["central", "clusters"])
    assert len(set(first.values())) == 2
    swapped = variant_colours(["clusters", "central"], first)
    assert swapped == first
    third = variant_colours(["compact", "central"], first)
    assert third["central"] == first["central"]
    assert third["compact"] not in first.values()


# ---------------------------------------------------------------------------- the plan
def test_floors_of_a_building_are_stacked_in_one_picture(two_floors: Scenario) -> None:
    building = plan_view.building_of(two_floors)
    assert isinstance(building, Building)
    hall = plan_view.hall_of(building)
    ground, upper = hall.panels
    assert (ground.level, upper.level) == (0, 1)
    assert upper.top > ground.top + ground.size[1]  # below it, not on it
    assert hall.width == pytest.approx(ground.size[0] + 2 * plan_view.PAD_M)
    site = site_for(two_floors)
    assert site is not None
    levels = plan_view.node_levels(site, building)
    for queue, slots in site.agency_slots.items():
        for k, slot in enumerate(slots):
            assert levels[f"counter:{queue}:{k}"] == building.level_of_slot(slot)
    assert levels["entrance"] == 0
    assert {levels[f"waiting:{z.name}"] for z in site.zones} == {0, 1}


def test_plan_names_every_counter_in_full_and_labels_clear_walls(monday: Scenario) -> None:
    building = plan_view.building_of(monday)
    site = site_for(monday)
    assert building is not None and site is not None
    hall = plan_view.hall_of(building)
    plan = hall.panels[0].plan
    for counter in plan.counters:
        agency = site.slot_agency.get(counter.slot)
        if agency is None:
            continue
        side = plan_view.open_side(plan, counter.x, counter.y)
        shown, size, area = plan_view.fit_label(plan, counter.x, counter.y, side, agency, hall.font)
        assert not area.intersects(plan.blocked_shape), counter.slot
        assert size >= hall.font * 0.85
        assert shown == agency  # the shipped plan has room for every name in full
    # ... about 12 px on the app's 940-px column
    assert hall.font / hall.width * plan_view.DESIGN_WIDTH_PX == pytest.approx(12.0, abs=0.1)


def test_plan_page_hover_texts_colours_and_legend(
    small_run: tuple[Scenario, ExperimentResult],
) -> None:
    scenario, result = small_run
    site = site_for(scenario)
    assert site is not None
    page = plan_view.plan_page(scenario, site, result, tr=ID, title="Denah")
    names = agency_names(scenario, "id")
    tips = {
        m.group(1): m.group(2)
        for m in re.finditer(r'id="counter-([^"]+)"[^>]*data-tip="([^"]*)"', page)
    }
    assert set(tips) == {c.slot for c in plan_view.building_of(scenario).counters}  # type: ignore[union-attr]
    for queue, slots in site.agency_slots.items():
        for slot in slots:
            assert names[queue].replace("&", "&amp;") in tips[slot], slot
    assert "BPJS Ketenagakerjaan" in page and "BPJS Kesehatan" in page
    empty = [s for s in tips if s not in site.slot_agency]
    assert empty and all("kosong" in tips[s] for s in empty)
    # counters coloured by p90 against the target, each queue one colour
    fills, _ = plan_view.counter_colours(site, result, plan_view.queue_infos(scenario, "id"), tr=ID)
    worst = max(
        (float(result.row(q)["wait_p90_min"]), q)
        for q in site.agency_slots
        if math.isfinite(float(result.row(q)["wait_p90_min"]))
    )
    assert fills[site.agency_slots[worst[1]][0]] == wait_colour(worst[0], result.target_wait_min)
    for slot in empty:
        assert f'id="counter-{slot}" class="counter" cx=' in page
        assert re.search(rf'id="counter-{slot}"[^>]*fill="{EMPTY_SLOT}"', page)
    # the legend: the target marked, empty and closed counters, what the plan draws
    for text in ("target 15", "Loket kosong", "Tutup / tanpa pengunjung", "Ruang tunggu", "Kursi"):
        assert text in page
    assert "Tangga / lift" not in page  # one floor: no stairs drawn, none in the legend
    assert not re.search(r"<script[^>]+src=|<link|https?://(?!www\.w3\.org)", page)


def test_closed_agency_is_grey_and_says_so(monday: Scenario) -> None:
    closed = monday.model_copy(
        update={
            "agencies": [
                a.model_copy(update={"days_open": ["tue"]}) if a.id == "kantah" else a
                for a in monday.agencies
            ]
        }
    )
    infos = plan_view.queue_infos(closed, "en")
    assert not infos["kantah"].open_today and infos["samsat"].open_today
    site = site_for(monday)
    assert site is not None
    from simulator.ui.runs import run_scenario

    result = run_scenario(
        closed.model_copy(update={"run": closed.run.model_copy(update={"replications": 2})})
    )
    fills, tips = plan_view.counter_colours(site, result, infos, tr=EN)
    slot = site.agency_slots["kantah"][0]
    assert fills[slot] == NO_VISITORS
    assert "Closed on this day" in tips[slot]


# ------------------------------------------------------------------------ the playback
def _keys(track: list[int]) -> list[list[int]]:
    return [track[i : i + 4] for i in range(1, len(track), 4)]


def test_every_visitor_walks_in_at_arrival_and_out_at_exit(monday_day: tuple) -> None:
    played, _, records = monday_day
    data = played.data
    start = data["start"]
    tracks = data["tracks"]
    assert len(tracks) == records.n_visitors
    entrance_x, entrance_y = _keys(tracks[0])[0][1:3]
    for visitor, track in enumerate(tracks):
        keys = _keys(track)
        times = [k[0] for k in keys]
        assert times == sorted(times), visitor
        arrival = (records.visitors["arrival"][visitor] - start) * 60
        leaving = (records.visitors["exit"][visitor] - start) * 60
        assert keys[0][0] == pytest.approx(arrival, abs=1)
        assert keys[-1][0] == pytest.approx(leaving, abs=1)
        assert keys[0][1:3] == [entrance_x, entrance_y]
        assert keys[-2][3] == playback.LEAVING


def _tickets_waiting(records: object, start: float, second: float) -> int:
    """Ticket holders not yet called (nor gone) ``second`` seconds after ``start``, from the
    records alone (times to the second, as the page keeps them)."""
    s = records.steps  # type: ignore[attr-defined]
    agency = (s["station"] >= 0) & (s["outcome"] != OUTCOME_TURNED_AWAY)
    until = np.where(s["outcome"] == OUTCOME_SERVED, s["called"], s["end"])
    queued = np.round((s["queued"] - start) * 60)
    until = np.round((until - start) * 60)
    return int(np.sum(agency & (queued <= second) & (second < until)))


def test_dots_waiting_match_the_tickets_waiting_in_the_records(monday_day: tuple) -> None:
    played, _, records = monday_day
    data = played.data
    for minute in (470.0, 485.5, 530.0, 600.25, 700.0, 800.0):
        second = (minute - data["start"]) * 60
        states = [playback.position_at(t, second) for t in data["tracks"]]
        waiting = sum(1 for p in states if p is not None and p[2] == playback.WAITING)
        assert waiting == _tickets_waiting(records, data["start"], second), minute
        inside = sum(1 for p in states if p is not None)
        arrival = np.round((records.visitors["arrival"] - data["start"]) * 60)
        leaving = np.round((records.visitors["exit"] - data["start"]) * 60)
        assert inside == int(np.sum((arrival <= second) & (second < leaving)))


def test_each_waiting_visitor_has_a_place_of_their_own_in_the_zone(
    monday: Scenario, monday_day: tuple
) -> None:
    played, _, records = monday_day
    data = played.data
    building = plan_view.building_of(monday)
    assert building is not None
    panel = plan_view.hall_of(building).panels[0]
    zone = panel.plan.zones[0]
    s = records.steps
    stays = np.flatnonzero(s["zone"] == 0)
    assert len(stays) > 100
    for minute in (480.0, 540.0, 620.0):
        second = (minute - data["start"]) * 60
        enter = np.round((s["zone_enter"][stays] - data["start"]) * 60)
        leave = np.round((s["zone_leave"][stays] - data["start"]) * 60)
        here = stays[(enter <= second) & (second < leave)]
        places = set()
        for step in here.tolist():
            x, y, state = playback.position_at(data["tracks"][s["visitor"][step]], second)  # type: ignore[misc]
            assert state == playback.WAITING
            px = x / 10 - panel.left + panel.bounds[0]
            py = panel.bounds[3] - (y / 10 - panel.top)
            assert zone.area.shape.buffer(0.05).contains(Point(px, py)), step
            places.add((round(x), round(y)))
        assert len(places) == len(here)  # nobody shares a seat while seats are free
        # the zone's count in the page's data is the records' count
        counted = sum(
            1
            for i in range(0, len(data["stays"]), 3)
            if data["stays"][i + 1] <= second < data["stays"][i + 2]
        )
        assert counted == len(here)


def test_walks_between_floors_pass_a_stair_or_lift(two_floors: Scenario) -> None:
    plan, records = playback.one_day(two_floors)
    building = plan_view.building_of(two_floors)
    site = site_for(two_floors)
    assert building is not None and site is not None
    played = playback.playback_data(two_floors, plan, records, site, building, tr=EN)
    hall = played.hall
    links = {
        (round(x * 10), round(y * 10))
        for p in hall.panels
        for link in p.plan.links
        for x, y in [p.xy(link.x, link.y)]
    }
    crossings = 0
    for track in played.data["tracks"]:
        keys = _keys(track)
        for a, b in itertools.pairwise(keys):
            if a[3] == playback.HIDDEN:
                crossings += 1
                assert (a[1], a[2]) in links and (b[1], b[2]) in links
                assert b[2] // 10 != a[2] // 10 or a[1] != b[1]
    assert crossings > 50  # the upstairs agencies' visitors


def test_playback_page_is_small_self_contained_and_in_the_language(monday: Scenario) -> None:
    page = playback.playback_page(monday, tr=ID, title="Satu hari")
    assert len(page.encode()) < 300_000  # ~580 visitors
    assert not re.search(r"<script[^>]+src=|<link|https?://(?!www\.w3\.org)", page)
    data = json.loads(
        re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S)
        .group(1)  # type: ignore[union-attr]
        .replace("<\\/", "</")
    )
    assert data["texts"]["play"] == ID("pb_play")
    assert data["start"] <= data["initial"] <= data["end"]
    for word in ("Putar", "Kecepatan", "Ruang tunggu", "Nomor antrean menunggu per instansi"):
        assert word in page
    english = playback.playback_page(monday, tr=EN, title="One day")
    assert "Speed" in english and "Kecepatan" not in english


def test_write_playback_writes_one_file(monday: Scenario, tmp_path: Path) -> None:
    path = playback.write_playback(monday, tmp_path / "day.html", lang="en")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["day.html"]
    without = monday.model_copy(update={"layout": None})
    with pytest.raises(ValueError, match="no floor plan"):
        playback.playback_page(without, tr=EN, title="x")


# ------------------------------------------------------------------------------- charts
def test_queue_chart_names_every_agency_and_speaks_indonesian(
    small_run: tuple[Scenario, ExperimentResult],
) -> None:
    scenario, result = small_run
    spec = interactive.queue_chart(result, tr=ID, names=agency_names(scenario, "id")).to_dict()  # type: ignore[union-attr]
    colour = spec["layer"][0]["encoding"]["color"]
    assert set(colour["scale"]["domain"]) == set(result.queue["agency"].astype(str))
    assert len(colour["scale"]["domain"]) > 20  # every agency, not eight
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert spec["autosize"]["type"] == "fit-x"
    text = json.dumps(spec, ensure_ascii=False)
    assert "Dinas Kependudukan dan Pencatatan Sipil" in text  # full names on hover
    assert ID("axis_queue") in text and ID("chart_queue") in text


def test_waits_chart_marks_target_and_p90_in_the_screens_numbers(
    small_run: tuple[Scenario, ExperimentResult],
) -> None:
    _, result = small_run
    spec = interactive.waits_chart(result, tr=ID, target_min=15.0).to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    p90 = float(result.overall["wait_p90_min"])
    assert "Target 15 menit" in text
    assert f"p90 = {p90:.1f} menit".replace(".", ",") in text
    data = next(iter(spec["datasets"].values()))
    assert sum(row["share"] for row in data) <= 100.0 + 1e-9


def test_compare_charts_colour_each_variant_by_its_name(
    small_run: tuple[Scenario, ExperimentResult],
) -> None:
    _, result = small_run
    colours = variant_colours(["central", "clusters"])
    for names in (["central", "clusters"], ["clusters", "central"]):
        for chart in (
            interactive.compare_chart(
                names, [result, result], colours, tr=EN, target_min=15, target_share=0.9
            ),
            interactive.compare_waits_chart(names, [result, result], colours, tr=EN, target_min=15),
        ):
            text = json.dumps(chart.to_dict())
            scales = re.findall(r'"domain": (\[[^\]]*\]), "range": (\[[^\]]*\])', text)
            assert scales
            for domain, colour_range in scales:
                pairs = dict(zip(json.loads(domain), json.loads(colour_range), strict=True))
                if set(pairs) == set(names):
                    assert pairs == {n: colours[n] for n in names}
