"""The pictures in a real browser (Debian's Chromium through Playwright): the day played on
the plan plays and scrubs, the plan names a counter's agency in full on hover, and the
downloaded day opens from a file and plays with the network cut off.

Screenshots go to ``test-output/app-browser/`` (git-ignored): look at them as a planner would.
Skipped only when Chromium is missing outside CI; in CI (``CI`` set) a missing browser fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator.scenario import load_scenario
from simulator.ui.playback import write_playback

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "test-output" / "app-browser"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
TIMEOUT_MS = 60_000
PLAYBACK = 'iframe[srcdoc*="mppPlayback"]'

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def sync_api(chromium: str) -> Any:
    if os.environ.get("CI"):
        import playwright.sync_api as api

        return api
    return pytest.importorskip("playwright.sync_api")


@pytest.fixture
def browser(sync_api: Any, chromium: str) -> Iterator[Any]:
    sync_api.expect.set_options(timeout=TIMEOUT_MS)
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _shot(target: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    target.screenshot(path=str(path))
    return path


def _minute(frame: Any) -> int:
    return int(frame.locator("body").get_attribute("data-minute"))


def _play_and_scrub(sync_api: Any, frame: Any, shots: Any, name: str) -> None:
    """Press play: the clock and the dots move; slide to 11:30: the clock follows."""
    expect = sync_api.expect
    expect(frame.locator("#clock")).not_to_have_text("--:--")
    before = _minute(frame)
    first = shots.screenshot()
    frame.locator("#play").click()
    expect(frame.locator("body")).to_have_attribute("data-playing", "1")
    frame.locator("body").evaluate(
        "(b, m) => new Promise(r => { const t = () => Number(b.dataset.minute) >= m ? r() : "
        "requestAnimationFrame(t); t(); })",
        before + 15,
    )
    frame.locator("#play").click()  # pause
    expect(frame.locator("body")).to_have_attribute("data-playing", "0")
    after = _minute(frame)
    assert after >= before + 15
    assert shots.screenshot() != first  # the frame changed as it played
    _shot(shots, f"{name}-played")
    scrub = frame.locator("#scrub")
    start = int(frame.locator("body").evaluate("() => JSON.parse(data.textContent).start"))
    scrub.evaluate(
        "(el, s) => { el.value = s; el.dispatchEvent(new Event('input')); }",
        (11 * 60 + 30 - start) * 60,
    )
    expect(frame.locator("#clock")).to_have_text("11:30")
    assert _minute(frame) == 11 * 60 + 30
    _shot(shots, f"{name}-at-1130")


def test_exported_day_plays_from_a_file_without_network(
    sync_api: Any, browser: Any, tmp_path: Path
) -> None:
    scenario = load_scenario(REPO / "scenarios" / "monday.yaml")
    path = write_playback(scenario, tmp_path / "hari-senin.html", lang="id")
    context = browser.new_context(viewport={"width": 1440, "height": 900}, offline=True)
    asked: list[str] = []

    def refuse(route: Any) -> None:
        if not route.request.url.startswith("file:"):
            asked.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", refuse)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    _shot(page, "pictures-01-exported-day-id")
    _play_and_scrub(sync_api, page, page, "pictures-02-exported-day-id")
    # hover a counter: its full agency name
    page.locator("#counter-E03").hover()
    sync_api.expect(page.locator("#tip")).to_contain_text("BPJS Ketenagakerjaan")
    _shot(page, "pictures-03-exported-day-hover-id")
    assert not asked, f"the file asked the network for {asked}"
    assert not errors
    context.close()


def test_plan_and_day_in_the_app(sync_api: Any, browser: Any, app_url: str) -> None:
    expect = sync_api.expect
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(app_url)
    page.get_by_role("tab", name="Denah").click()
    plan = page.frame_locator("iframe").first
    expect(plan.locator("svg.hall")).to_be_visible()
    # hover: the counter's full agency name (the plan writes ids; the hover the full name)
    plan.locator("#counter-E03").hover()
    expect(plan.locator("#tip")).to_contain_text("BPJS Ketenagakerjaan")
    expect(plan.locator("#tip")).to_contain_text("Waktu tunggu p90")
    expect(plan.locator(".legend")).to_contain_text("target 15")
    _shot(page, "pictures-04-plan-hover-id")
    day_frame = page.locator(PLAYBACK)
    day_frame.scroll_into_view_if_needed()
    day = page.frame_locator(PLAYBACK)
    _play_and_scrub(sync_api, day, day_frame, "pictures-05-app-day-id")
    _shot(page, "pictures-06-app-day-id")

    # English: the same pictures in English, numbers with a decimal point
    page.get_by_text("English", exact=True).click()
    # the switch reruns the page (the open tab, the plan, keeps open under its English name);
    # a click on another tab before that rerun ends may be lost
    expect(page.get_by_role("tab", name="Floor plan")).to_be_visible()
    page.wait_for_timeout(500)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')")
    page.get_by_role("tab", name="Floor plan").click()
    plan = page.frame_locator("iframe").first
    expect(plan.locator(".title")).to_contain_text("counters coloured by p90")
    plan.locator("#counter-E03").hover()
    expect(plan.locator("#tip")).to_contain_text("p90 waiting time")
    _shot(page, "pictures-07-plan-hover-en")
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for _ in range(3):  # a tab clicked while the page still runs may be ignored: click again
        page.get_by_role("tab", name="Results").click()
        page.wait_for_timeout(1000)
        try:
            # the charts come after the tables, below the fold: bring them into view
            page.get_by_text("Downloads", exact=True).scroll_into_view_if_needed(timeout=15_000)
            expect(charts).to_have_count(3, timeout=15_000)
            break
        except (AssertionError, sync_api.Error):
            continue
    expect(charts).to_have_count(3)
    charts.first.scroll_into_view_if_needed()
    _shot(page, "pictures-08-results-charts-en")
    page.close()
