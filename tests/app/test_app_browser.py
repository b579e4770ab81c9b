"""The app in a real browser: ``streamlit run app.py`` on a free loopback port, driven by
Playwright in Debian's Chromium at 1440 pixels wide. Screenshots go to
``test-output/app-browser/`` (git-ignored); docs/app.md shows some of them.

One flow per test, each in a new session of the same server: the results and the KPI strip,
edits (counters, days open), online booking, the placement table, a building, uploads good and
bad, the comparison's verdicts, and both languages. Skipped only when Chromium is missing
outside CI; in CI (``CI`` set) a missing browser fails.
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "test-output" / "app-browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 60_000

pytestmark = pytest.mark.browser


def _shot(page: object, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))  # type: ignore[attr-defined]
    return path


def _settled(page: object) -> None:
    """Wait until the rerun under way has redrawn every element (none is marked stale)."""
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelectorAll('[data-stale=\"true\"]').length === 0"
    )


def _choose(page: object, key: str, option: str) -> None:
    """Pick ``option`` in the selectbox with widget key ``key`` and wait for the rerun."""
    box = page.locator(f".st-key-{key} input")  # type: ignore[attr-defined]
    box.scroll_into_view_if_needed()
    choice = page.get_by_role("option", name=option, exact=True)  # type: ignore[attr-defined]
    for _ in range(3):  # a click during a rerun may not open the list
        box.click()
        try:
            choice.wait_for(timeout=5_000)
            break
        except Exception:
            page.keyboard.press("Escape")  # type: ignore[attr-defined]
    choice.click()
    from playwright.sync_api import expect

    expect(page.locator(f".st-key-{key} input")).to_have_value(option)  # type: ignore[attr-defined]
    page.wait_for_timeout(500)  # type: ignore[attr-defined]  # let the rerun start
    _settled(page)


RUN = "document.querySelector('.mpp-strip')?.dataset.run || ''"


@pytest.fixture(scope="module")
def browser(chromium: str, app_url: str) -> Iterator[object]:
    """Chromium, started once for the module's flows."""
    if os.environ.get("CI"):
        import playwright.sync_api as sync_api
    else:
        sync_api = pytest.importorskip("playwright.sync_api")
    sync_api.expect.set_options(timeout=TIMEOUT_MS)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _open(browser: object, url: str, height: int = 900) -> object:
    """A new session at 1440 pixels wide, its first results on screen."""
    context = browser.new_context(viewport={"width": 1440, "height": height})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.wait_for_function(f"() => ({RUN}) !== ''")
    _settled(page)
    return page


def _run(page: object) -> str:
    return str(page.evaluate(RUN))  # type: ignore[attr-defined]


def _new_run(page: object, before: str) -> None:
    """Wait until the KPI strip shows another run than ``before``, and the page settled."""
    page.wait_for_function(f"() => !['', {before!r}].includes({RUN})")  # type: ignore[attr-defined]
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    _settled(page)


def _tab(page: object, name: str) -> None:
    """Open a tab; a click while the page still runs may be ignored, so click again."""
    tab = page.get_by_role("tab", name=name)  # type: ignore[attr-defined]
    for _ in range(3):
        tab.click()
        try:
            page.wait_for_function(  # type: ignore[attr-defined]
                "name => [...document.querySelectorAll('[role=tab]')].some("
                "t => t.innerText === name && t.getAttribute('aria-selected') === 'true')",
                arg=name,
                timeout=10_000,
            )
            break
        except Exception:
            continue
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    _settled(page)


def _text(page: object) -> str:
    return str(page.locator("body").inner_text())  # type: ignore[attr-defined]


def _cell(page: object, key: str, row: int, column_x: float) -> None:
    """Click a cell of the editor table whose key starts with ``key`` (row 0 is the first
    data row; ``column_x`` pixels from the table's left edge)."""
    grid = page.locator(f'[class*="st-key-{key}"]')  # type: ignore[attr-defined]
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + column_x, box["y"] + 35 * (row + 1) + 17)  # type: ignore[attr-defined]
    page.wait_for_timeout(250)  # type: ignore[attr-defined]


def _keys(page: object, *keys: str) -> None:
    for key in keys:
        page.keyboard.press(key)  # type: ignore[attr-defined]
        page.wait_for_timeout(250)  # type: ignore[attr-defined]  # the grid moves its cursor


def _type_in_cell(page: object, key: str, row: int, right: int, text: str, before: str) -> None:
    """Type ``text`` into the cell ``right`` cells right of the name in ``row`` and wait for
    the run it starts. The grid drops keys pressed while a rerun redraws it (seen under load in
    the full suite), so the same edit is made again, up to three times."""
    for attempt in range(3):
        _settled(page)
        _cell(page, key, row, 110)
        _keys(page, *["ArrowRight"] * right, "Enter", "Control+A")
        page.keyboard.type(text)  # type: ignore[attr-defined]
        _keys(page, "Enter")
        try:
            page.wait_for_function(  # type: ignore[attr-defined]
                f"() => !['', {before!r}].includes({RUN})", timeout=20_000
            )
            break
        except Exception:
            if attempt == 2:
                raise
            _keys(page, "Escape")
    _new_run(page, before)


@pytest.mark.slow
def test_results_strip_and_overview_fit_the_screen(browser: object, app_url: str) -> None:
    from playwright.sync_api import expect

    page = _open(browser, app_url, height=1500)
    cards = page.locator(".mpp-card")
    expect(cards).to_have_count(5)
    lights = {cards.nth(i).get_attribute("data-light") for i in range(5)}
    assert lights <= {"green", "amber", "red", "grey"} and "grey" in lights
    text = _text(page)
    assert re.search(r"\d+,\d menit", text), "Indonesian numbers: 17,2 menit"
    assert not re.search(r"\d+\.\d menit", text)
    assert "PT Taspen hanya buka hari Kamis" in text
    grid = page.locator('[data-testid="stDataFrame"] .dvn-scroller').first
    sizes = grid.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert sizes[0] <= sizes[1] + 1, f"the overview scrolls sideways: {sizes}"
    _shot(page, "01-results-indonesian")
    page.context.close()


@pytest.mark.slow
def test_edits_rerun_at_once_counters_and_days_open(browser: object, app_url: str) -> None:
    from playwright.sync_api import expect

    page = _open(browser, app_url, height=1500)
    _tab(page, "Ubah skenario")
    assert "Setiap perubahan langsung dijalankan" in _text(page)
    assert page.get_by_role("button", name="Jalankan").count() == 0
    before = _run(page)
    _type_in_cell(page, "agency_table_", 0, 2, "9", before)  # disdukcapil's counters
    expect(page.get_by_text("23 instansi, 37 loket").first).to_be_visible()
    _shot(page, "02-counter-edited")

    # Taspen opens on Thursdays only: open it on Tuesdays too, and it gets visitors
    before = _run(page)
    for attempt in range(3):  # keys pressed while a rerun redraws the grid may be dropped
        _settled(page)
        _cell(page, "agency_table_", 7, 110)
        _keys(page, "ArrowRight", "Enter")
        try:
            page.get_by_role("option", name="Sel", exact=True).click(timeout=10_000)
            break
        except Exception:
            if attempt == 2:
                raise
            _keys(page, "Escape")
    grid = page.locator('[class*="st-key-agency_table_"]').bounding_box()
    assert grid is not None
    page.mouse.click(grid["x"] + 5, grid["y"] - 60)  # outside the grid: the edit is done
    _new_run(page, before)
    _tab(page, "Hasil")
    assert "PT Taspen hanya buka" not in _text(page)
    _shot(page, "03-days-open-edited")
    # the scenario downloaded now is the edited one, and its description says what changed
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh skenario (YAML)").click()
    saved = load_scenario(download.value.path())
    assert saved.agencies[0].counters == 9
    assert saved.name != "MPP Purbalingga - normal day" and "9" in (saved.description or "")
    page.context.close()


@pytest.mark.slow
def test_long_runs_show_their_progress_in_the_corner_and_a_second_one_waits_its_turn(
    browser: object, app_url: str
) -> None:
    from playwright.sync_api import expect

    pages = [_open(browser, app_url) for _ in range(2)]
    for page in pages:  # the second session finds the first one's 300-replication run stored
        _tab(page, "Ubah skenario")
        before = _run(page)
        page.locator(".st-key-replications input").fill("300")
        page.locator(".st-key-replications input").press("Enter")
        _new_run(page, before)
    befores = {id(page): _run(page) for page in pages}
    for page, visitors in zip(pages, ("577", "578"), strict=True):
        page.locator(".st-key-visitors input").fill(visitors)
    tops = {id(page): page.get_by_role("tab", name="Hasil").bounding_box()["y"] for page in pages}
    for page in pages:  # two different scenarios of 300 replications at once
        page.locator(".st-key-visitors input").press("Enter")
    notice = '.st-key-run_progress [data-testid="stProgress"]'
    waits = "Menunggu giliran: 1 simulasi lain didahulukan"
    # whichever session's run the server took up second waits for the first one's
    pages[0].wait_for_timeout(1_000)
    for _ in range(100):
        texts = [p.locator(notice).all_inner_texts() for p in pages]
        if any(waits in " ".join(t) for t in texts):
            break
        pages[0].wait_for_timeout(200)
    assert any(waits in " ".join(t) for t in texts), texts
    waiting = next(p for p, t in zip(pages, texts, strict=True) if waits in " ".join(t))
    running = next(p for p in pages if p is not waiting)
    bar = running.locator(notice)
    expect(bar).to_contain_text(re.compile(r"Menjalankan simulasi: replikasi \d+ dari 300"))
    box = bar.bounding_box()
    assert box is not None
    # a notice over the bottom right corner: the page under it did not move
    assert box["x"] > 1440 / 2 and 900 - 80 < box["y"] + box["height"] <= 900, box
    assert running.get_by_role("tab", name="Hasil").bounding_box()["y"] == tops[id(running)]
    _shot(running, "14-long-run-progress")
    _shot(waiting, "15-long-run-waits-its-turn")
    _new_run(running, befores[id(running)])
    expect(bar).to_have_count(0)
    expect(waiting.locator(notice)).to_contain_text(
        re.compile(r"Menjalankan simulasi: replikasi \d+ dari 300")
    )
    _new_run(waiting, befores[id(waiting)])
    for page in pages:
        page.context.close()


@pytest.mark.slow
def test_booking_levers_and_placement_table(browser: object, app_url: str) -> None:
    from playwright.sync_api import expect

    page = _open(browser, app_url, height=2600)
    _tab(page, "Ubah skenario")
    before = _run(page)
    box = page.locator(".st-key-booking_agencies input")
    box.scroll_into_view_if_needed()
    option = page.get_by_role("option", name="Dinas Kependudukan dan Pencatatan Sipil")
    for _ in range(3):  # a click during a rerun may not open the list
        box.click()
        try:
            option.wait_for(timeout=5_000)
            break
        except Exception:
            page.keyboard.press("Escape")
    option.click()
    page.keyboard.press("Escape")
    _new_run(page, before)
    expect(page.get_by_text("Memesan (%)").first).to_be_attached()
    _shot(page, "04-booking-levers")
    page.get_by_text("Tampilkan dan ubah penempatan loket pada denah").click()
    page.wait_for_timeout(500)
    _settled(page)
    expect(page.get_by_text("Denah dengan penempatan loket saat ini")).to_be_visible()
    page.get_by_text("Denah dengan penempatan loket saat ini").scroll_into_view_if_needed()
    # the other edits kept their values through these reruns
    expect(page.locator(".st-key-visitors input")).to_have_value("450")
    expect(page.locator(".st-key-replications input")).to_have_value("10")
    expect(page.locator(".st-key-seed input")).to_have_value("2023")
    _shot(page, "05-placement-table")
    _tab(page, "Hasil")
    page.get_by_text("Rincian lengkap per instansi").click()
    details = page.locator('[data-testid="stExpander"] [data-testid="stDataFrame"]').first
    expect(details).to_be_visible()
    details.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # the grid draws its cells (the figures: test_app_flows.py)
    _shot(page, "06-booking-results")
    page.context.close()


@pytest.mark.slow
def test_building_is_one_choice(browser: object, app_url: str) -> None:
    page = _open(browser, app_url, height=1200)
    _tab(page, "Ubah skenario")
    box = page.locator(".st-key-layout_choice input")
    box.scroll_into_view_if_needed()
    box.click()
    page.get_by_role("option").first.wait_for()
    options = page.get_by_role("option").all_inner_texts()
    assert "korpri-2f (gedung 2 lantai)" in options
    assert not any(o in ("korpri-2f-ground", "korpri-2f-upper") for o in options)
    before = _run(page)
    page.get_by_role("option", name="korpri-2f (gedung 2 lantai)").click()
    _new_run(page, before)
    assert "Hasil untuk denah korpri-2f" in _text(page)
    _tab(page, "Denah")
    _shot(page, "07-building")
    page.context.close()


@pytest.mark.slow
def test_uploads_good_and_bad(browser: object, app_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = _open(browser, app_url, height=1400)
    broken = tmp_path / "rusak.yaml"
    broken.write_text("name: [tidak ditutup\n")
    page.locator(".st-key-upload_scenario input[type=file]").set_input_files(str(broken))
    expect(page.locator("body")).to_contain_text("Skenario atau denah ini tidak dapat dipakai")
    assert "Traceback" not in _text(page)
    _settled(page)
    _shot(page, "08-broken-scenario")

    good = tmp_path / "senin-kompak.yaml"
    shutil.copy(REPO / "scenarios" / "monday-compact.yaml", good)
    before = _run(page)
    page.locator(".st-key-upload_scenario input[type=file]").set_input_files(str(good))
    _new_run(page, before)
    expect(page.locator("body")).to_contain_text("Skenario senin-kompak.yaml dimuat")

    _tab(page, "Ubah skenario")
    small = tmp_path / "lantai-atas.geojson"
    shutil.copy(REPO / "layouts" / "korpri-2f-upper.geojson", small)
    page.locator(".st-key-upload_layout input[type=file]").set_input_files(str(small))
    message = page.get_by_text("Denah lantai-atas.geojson hanya punya")
    expect(message).to_be_visible()
    assert "/tmp" not in _text(page) and "Technical" not in _text(page)
    expect(page.locator(".st-key-layout_choice input")).to_have_value("korpri-compact")
    message.scroll_into_view_if_needed()
    _shot(page, "09-plan-too-few-slots")

    plan = tmp_path / "aula.geojson"
    shutil.copy(REPO / "layouts" / "korpri-clusters.geojson", plan)
    before = _run(page)
    page.locator(".st-key-upload_layout input[type=file]").set_input_files(str(plan))
    _new_run(page, before)
    assert "Hasil untuk denah aula" in _text(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh skenario dan denahnya (ZIP)").click()
    assert download.value.suggested_filename == "mpp-scenario.zip"
    with zipfile.ZipFile(download.value.path()) as archive:
        names = sorted(archive.namelist())
    assert names == ["mpp-scenario/aula.geojson", "mpp-scenario/scenario.yaml"]
    _tab(page, "Denah")
    _shot(page, "10-uploaded-plan-in-use")
    page.context.close()


@pytest.mark.slow
def test_comparison_verdicts_in_plain_words(browser: object, app_url: str) -> None:
    from playwright.sync_api import expect

    page = _open(browser, app_url, height=1700)
    before = _run(page)
    _choose(page, "scenario_file", "Senin ramai (monday.yaml)")
    _new_run(page, before)
    _tab(page, "Perbandingan")
    page.get_by_role("button", name="Simpan sebagai varian").click()
    expect(page.locator("body")).to_contain_text("Varian Terpusat 33 loket disimpan")
    _tab(page, "Ubah skenario")
    before = _run(page)
    _choose(page, "layout_choice", "korpri-compact")
    _new_run(page, before)
    _tab(page, "Perbandingan")
    page.get_by_role("button", name="Simpan sebagai varian").click()
    verdict = page.locator("li").filter(has_text="Terpusat 33 loket")
    expect(verdict.first).to_be_visible()
    sentence = verdict.first.inner_text()
    assert sentence.startswith("Kompak ") and "Terpusat 33 loket" in sentence
    assert "," not in sentence.split(":")[0]  # names without commas
    assert "kurang lebih sama" in sentence or "menit" in sentence
    expect(page.get_by_text("Varian berdampingan")).to_be_visible()
    expect(page.get_by_role("button", name="Unduh laporan perbandingan (HTML)")).to_be_visible()
    page.get_by_text("Statistik di balik kesimpulan").click()
    expect(page.get_by_text("Ambang praktis").first).to_be_attached()
    _shot(page, "11-comparison-verdicts")
    page.context.close()


@pytest.mark.slow
def test_english_screen_has_no_indonesian(browser: object, app_url: str) -> None:
    from playwright.sync_api import expect

    page = _open(browser, app_url, height=1500)
    page.get_by_text("English", exact=True).click()
    expect(page.locator("body")).to_contain_text("p90 waiting time")
    page.wait_for_timeout(500)
    _settled(page)
    text = _text(page)
    for word in ("menit", "pengunjung", "Hasil", "Unduh", "loket", "tutup"):
        assert not re.search(rf"\b{word}\b", text), word
    assert re.search(r"\d+\.\d min", text)
    assert "Civil-servant pensions opens only on Thursday" in text
    _shot(page, "12-results-english")
    _tab(page, "Edit scenario")
    _shot(page, "13-edit-english")
    page.context.close()
