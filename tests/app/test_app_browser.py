"""The app in a real browser: ``streamlit run app.py`` on a free loopback port, driven by
Playwright in Debian's Chromium. Screenshots go to ``test-output/app-browser/`` (git-ignored).

Skipped only when Chromium is missing outside CI; in CI (``CI`` set) a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

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


def _chromium() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by ``streamlit run`` on a free loopback port, stopped afterwards."""
    if _chromium() is None and not os.environ.get("CI"):
        pytest.skip("chromium is not installed (apt-get install chromium); required in CI")
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(REPO / "app.py"),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


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
    page.locator(f".st-key-{key}").click()  # type: ignore[attr-defined]
    page.get_by_role("option", name=option, exact=True).click()  # type: ignore[attr-defined]
    from playwright.sync_api import expect

    expect(page.locator(f".st-key-{key} input")).to_have_value(option)  # type: ignore[attr-defined]
    page.wait_for_timeout(500)  # type: ignore[attr-defined]  # let the rerun start
    _settled(page)


@pytest.mark.slow
def test_planner_in_the_browser(app_url: str, tmp_path: Path) -> None:
    if os.environ.get("CI"):
        import playwright.sync_api as sync_api
    else:
        sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    expect.set_options(timeout=TIMEOUT_MS)
    chromium = _chromium()
    if chromium is None:
        pytest.fail("CI is set but chromium is missing: install Debian's chromium package")
    broken = tmp_path / "rusak.yaml"
    broken.write_text("name: [tidak ditutup\n")

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1900})
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(app_url)
            metric = page.locator('[data-testid="stMetricValue"]').first
            expect(metric).to_contain_text("menit", timeout=TIMEOUT_MS)
            before = metric.inner_text()
            body = page.locator("body")
            expect(body).to_contain_text("Target belum tercapai")
            _settled(page)
            _shot(page, "01-opened-indonesian")

            # change the counters of the first agency (disdukcapil, 5) to 9 in the table
            page.get_by_role("tab", name="Ubah skenario").click()
            grid = page.locator('[class*="st-key-agency_table_"]')
            expect(grid).to_be_visible()
            box = grid.bounding_box()
            assert box is not None
            page.mouse.click(box["x"] + 110, box["y"] + 35 + 17)  # "Kode" cell of row 1
            for key in ("ArrowRight", "ArrowRight", "Enter", "Control+A"):
                page.keyboard.press(key)
                page.wait_for_timeout(250)  # let the grid move its cursor / open its editor
            page.keyboard.type("9")
            page.wait_for_timeout(250)
            page.keyboard.press("Enter")
            expect(body).to_contain_text("37 loket")
            _shot(page, "02-counter-edited")
            page.get_by_role("button", name="Jalankan").click()
            page.get_by_role("tab", name="Hasil").click()
            expect(page.get_by_text("23 instansi, 37 loket")).to_be_visible()
            expect(metric).not_to_have_text(before)
            _settled(page)
            _shot(page, "03-results-after-run")

            # a broken scenario file gives a message, not a traceback
            page.locator(".st-key-upload_scenario input[type=file]").set_input_files(str(broken))
            expect(body).to_contain_text("Skenario atau denah ini tidak dapat dipakai")
            expect(body).to_contain_text("rusak.yaml: not valid YAML")
            _settled(page)
            assert "Traceback" not in body.inner_text()
            _shot(page, "04-broken-upload")

            # English on the switch, and nothing Indonesian left on the screen
            page.get_by_text("English", exact=True).click()
            expect(body).to_contain_text("p90 waiting time")
            expect(body).to_contain_text("This scenario or floor plan cannot be used")
            _settled(page)
            scenario_box = page.locator(".st-key-scenario_file input")
            expect(scenario_box).to_have_value("Normal day (normal-day.yaml)")
            visible = body.inner_text()
            for word in ("Jalankan", "menit", "pengunjung", "Hasil", "Unduh"):
                assert word not in visible, word
            _shot(page, "05-english")

            # back in Bahasa Indonesia: compare two layouts for a busy Monday
            page.get_by_text("Bahasa Indonesia", exact=True).click()
            expect(body).to_contain_text("Waktu tunggu p90")
            _choose(page, "scenario_file", "Senin ramai (monday.yaml)")
            page.get_by_role("button", name="Jalankan").click()
            expect(body).to_contain_text("Denah korpri-central · Senin ramai")
            page.get_by_role("tab", name="Perbandingan").click()
            page.get_by_role("button", name="Simpan sebagai varian").click()
            expect(body).to_contain_text("Varian korpri-central, 33 loket disimpan")
            page.get_by_role("tab", name="Ubah skenario").click()
            _choose(page, "layout_choice", "korpri-clusters")
            page.get_by_role("button", name="Jalankan").click()
            expect(body).to_contain_text("Denah korpri-clusters · Senin ramai")
            page.get_by_role("tab", name="Perbandingan").click()
            page.get_by_role("button", name="Simpan sebagai varian").click()
            expect(body).to_contain_text("90% dipanggil dalam 15 menit?")
            expect(body).to_contain_text("korpri-clusters, 33 loket dibanding korpri-central")
            expect(
                page.get_by_role("button", name="Unduh laporan perbandingan (HTML)")
            ).to_be_visible()
            _shot(page, "06-comparison-monday")

            # the floor plan, and the day played on it moved to 11:00 (see
            # test_pictures_browser.py for playing, hover and the offline file)
            page.get_by_role("tab", name="Denah").click()
            day = page.frame_locator("iframe").nth(1)
            expect(day.locator("#clock")).not_to_have_text("--:--")
            day.locator("body").evaluate("() => window.mppPlayback.seek(11 * 60)")
            expect(day.locator("#clock")).to_have_text("11:00")
            page.locator("iframe").nth(1).scroll_into_view_if_needed()
            _shot(page, "07-floor-plan-at-11")
        finally:
            browser.close()
