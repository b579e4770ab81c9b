"""The corpus of broken inputs through the app's upload: refused with the loader's message.

Uploads go through :func:`simulator.ui.files.read_scenario_upload` and
:func:`~simulator.ui.files.store_layout_upload` (what ``app.py`` calls), and a few through the
running app with Streamlit's ``AppTest``. An upload is refused with the same words as on the
command line, naming the planner's file, never a server path; an uploaded scenario's layout is
never read (only shipped layouts are), and nothing is left behind by a refused drawing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hostile_support import CORPUS, REPO

from simulator.errors import SimulatorError
from simulator.ui.files import read_scenario_upload, store_layout_upload
from simulator.ui.layouts import check_layout, shipped_layouts

MANIFEST: dict[str, dict[str, Any]] = yaml.safe_load((CORPUS / "expected.yaml").read_text())
SHIPPED = shipped_layouts(REPO / "layouts")


def assert_words(text: str, words: list[str]) -> None:
    missing = [w for w in words if str(w).lower() not in text.lower()]
    assert not missing, f"missing {missing} in:\n{text}"


def assert_no_server_path(text: str, folder: Path | None = None) -> None:
    assert "mpp-upload-" not in text, text
    if folder is not None:
        assert str(folder) not in text, text


@pytest.mark.parametrize("name", sorted(n for n in MANIFEST if n.startswith("scenarios/")))
def test_scenario_upload(name: str) -> None:
    entry = MANIFEST[name]
    upload = Path(name).name
    data = (CORPUS / name).read_bytes()
    if entry.get("app") == "layout dropped":
        scenario, dropped = read_scenario_upload(data, upload, layouts=SHIPPED)
        assert scenario.layout is None and dropped
        return
    with pytest.raises(SimulatorError) as caught:
        read_scenario_upload(data, upload, layouts=SHIPPED)
    text = str(caught.value)
    assert_no_server_path(text)
    words = entry.get("app") or entry["words"]
    assert_words(text, words)
    if "app" not in entry:
        assert text.startswith(f"{upload}: "), text


@pytest.mark.parametrize("name", sorted(n for n in MANIFEST if n.startswith("plans/")))
def test_plan_upload(name: str, tmp_path: Path) -> None:
    entry = MANIFEST[name]
    upload = Path(name).name
    data = (CORPUS / name).read_bytes()
    folder = tmp_path / "uploads"
    if entry["status"] == 2:
        with pytest.raises(SimulatorError) as caught:
            store_layout_upload(data, upload, folder=folder)
        text = str(caught.value)
        assert_no_server_path(text, folder)
        assert_words(text, entry.get("app") or entry["words"])
        kept = list(folder.iterdir()) if folder.is_dir() else []
        assert kept == [], f"a refused drawing was kept: {kept}"
        return
    report = check_layout(store_layout_upload(data, upload, folder=folder))
    assert report.ok == (entry["status"] == 0)
    messages = " ".join(p.message for p in report.errors + report.warnings)
    assert_words(messages, entry["words"])


def test_an_uploaded_scenario_never_reads_a_layout_of_its_choosing(tmp_path: Path) -> None:
    """Even a layout with a plan's extension next to the upload is dropped, not read."""
    data = (CORPUS / "scenarios" / "layout-png.yaml").read_bytes()
    scenario, dropped = read_scenario_upload(data, "mine.yaml", layouts=SHIPPED)
    assert (scenario.layout, dropped) == (None, "png-as-dxf.dxf")
    shipped = data.replace(b"../plans/png-as-dxf.dxf", b"../layouts/korpri-compact.geojson")
    scenario, dropped = read_scenario_upload(shipped, "mine.yaml", layouts=SHIPPED)
    assert dropped is None and scenario.layout == str(SHIPPED["korpri-compact"])


def test_oversized_uploads_are_refused_before_reading() -> None:
    with pytest.raises(SimulatorError) as caught:
        read_scenario_upload(b"#" * 1_000_001, "big.yaml", layouts=SHIPPED)
    assert getattr(caught.value, "key", "") == "error_upload_too_big"
    with pytest.raises(SimulatorError) as caught:
        store_layout_upload(b"0" * (50 * 2**20 + 1), "big.dxf", folder=Path("/nonexistent"))
    assert getattr(caught.value, "key", "") == "error_upload_too_big"


@pytest.mark.slow
def test_broken_uploads_through_the_running_app() -> None:
    """A few corpus files through the real app: one translated error, no exception shown."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    for name in (
        "scenarios/billion-laughs.yaml",
        "scenarios/python-object-tag.yaml",
        "scenarios/utf16.yaml",
        "scenarios/run-too-long.yaml",
    ):
        data = (CORPUS / name).read_bytes()
        at.file_uploader(key="upload_scenario").set_value((Path(name).name, data, "text/yaml"))
        at.run()
        assert not at.exception, name
        errors = [e.value for e in at.error]
        assert len(errors) == 1, (name, errors)
        assert_words(errors[0], MANIFEST[name]["words"])
    at.file_uploader(key="upload_scenario").set_value(
        ("passwd.yaml", (CORPUS / "scenarios" / "layout-etc-passwd.yaml").read_bytes(), "text/yaml")
    )
    at.run()
    assert not at.exception and not at.error
    assert any("passwd" in w.value for w in at.warning)
    for name in (
        "plans/passwd-like.dxf",
        "plans/deep-nesting.geojson",
        "plans/lon-lat-degrees.geojson",
    ):
        data = (CORPUS / name).read_bytes()
        at.file_uploader(key="upload_layout").set_value((Path(name).name, data, "text/plain"))
        at.run()
        assert not at.exception, name
        assert at.error, name
        shown = " ".join(e.value for e in at.error)
        assert "Traceback" not in shown and "mpp-upload" not in shown
        assert not re.search(r"-[0-9a-f]{12}\.", shown), f"server file name shown: {shown}"
