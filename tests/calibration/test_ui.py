"""The app's calibration tab without a browser: an uploaded log becomes a report and a
scenario the app can continue from; bad uploads get the app's translated messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from ticketgen import default_truth, generate

from simulator.errors import TicketLogError
from simulator.ui.calibration import calibrate_upload
from simulator.ui.i18n import CATALOGUE, Translator
from simulator.ui.messages import TranslatedError


@pytest.fixture(scope="module")
def upload() -> tuple[bytes, bytes, bytes]:
    truth = default_truth(weeks=3)
    log, bookings = generate(truth, seed=5)
    holidays = "date\n2024-01-11\n"
    return (
        log.to_csv(index=False).encode(),
        bookings.to_csv(index=False).encode(),
        holidays.encode(),
    )


@pytest.mark.slow
def test_an_uploaded_log_gives_report_and_scenario(upload: tuple[bytes, bytes, bytes]) -> None:
    log, bookings, holidays = upload
    done = calibrate_upload(
        log,
        "antrian.csv",
        holidays=(holidays, "libur.csv"),
        bookings=(bookings, "booking.csv"),
        replications=4,
    )
    assert done.report_html.startswith("<!doctype html>")
    assert {a.id for a in done.result.scenario.agencies} == {"capil", "samsat", "bank"}
    assert "post-holiday" in done.result.scenario.demand.day_types
    assert done.result.text.startswith("# Calibrated by `mpp-sim calibrate` from antrian.csv")


@pytest.mark.parametrize(
    ("data", "name", "key"),
    [
        (b"date,ticket\n", "log.xlsx", "error_upload_format"),
        (b"", "log.csv", "error_upload_empty"),
    ],
)
def test_bad_uploads_get_translated_messages(data: bytes, name: str, key: str) -> None:
    with pytest.raises(TranslatedError) as info:
        calibrate_upload(data, name)
    assert info.value.key == key
    assert Translator("id")(key, **info.value.values)


def test_an_unreadable_log_is_one_clear_line() -> None:
    with pytest.raises(TicketLogError, match=r"log\.csv: required column 'outcome' is missing"):
        calibrate_upload(b"date,ticket,agency,issued_at\n2024-01-02,A1,x,08:00:00\n", "log.csv")


def test_calibration_texts_exist_in_both_languages() -> None:
    keys = [k for k in CATALOGUE["en"] if k.startswith("calib_")]
    assert len(keys) >= 12
    assert all(k in CATALOGUE["id"] for k in keys)
    assert "tab_calibration" in CATALOGUE["id"] and "tab_calibration" in CATALOGUE["en"]


def test_app_calls_the_calibration_tab() -> None:
    app = (Path(__file__).resolve().parents[2] / "app.py").read_text(encoding="utf-8")
    assert "calibration.calibration_view(tr, on_continue=use_calibrated)" in app
