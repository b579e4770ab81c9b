"""The calibration tab: upload a ticket log, see the fit report, continue from the scenario.

:func:`calibrate_upload` does the work without Streamlit (tests call it): the upload's bytes go
through the same reader and estimators as ``mpp-sim calibrate``, companion files through
temporary files. :func:`calibration_view` only lays out widgets around it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simulator.calibration.command import CalibrationResult, calibrate_log
from simulator.calibration.csvfile import MAX_LOG_BYTES
from simulator.calibration.report import fit_report
from simulator.calibration.ticketlog import ticket_log_from_bytes
from simulator.errors import SimulatorError
from simulator.scenario import Scenario
from simulator.ui.i18n import Translator
from simulator.ui.messages import TranslatedError

__all__ = [
    "APP_REPLICATIONS",
    "LOG_SUFFIXES",
    "CalibrationUpload",
    "calibrate_upload",
    "calibration_view",
]

LOG_SUFFIXES = (".csv", ".txt")
APP_REPLICATIONS = 20
"""Simulated days per day type in the app's report (the CLI uses 20 to 60)."""
MAX_UPLOAD_BYTES = min(MAX_LOG_BYTES, 100 * 2**20)
"""Streamlit's own upload ceiling is 100 MB (.streamlit/config.toml)."""
SEPARATORS = {",": "sep_comma", ";": "sep_semicolon", "\t": "sep_tab"}


@dataclass(frozen=True, kw_only=True)
class CalibrationUpload:
    """A calibrated upload: estimates and scenario, and the report's HTML."""

    name: str
    result: CalibrationResult
    report_html: str


def _checked(data: bytes, name: str) -> bytes:
    if Path(name).suffix.lower() not in LOG_SUFFIXES:
        raise TranslatedError("error_upload_format", name=name, expected=", ".join(LOG_SUFFIXES))
    if len(data) > MAX_UPLOAD_BYTES:
        raise TranslatedError(
            "error_upload_too_big",
            name=name,
            size_kb=len(data) // 1024,
            limit_kb=MAX_UPLOAD_BYTES // 1024,
        )
    if not data:
        raise TranslatedError("error_upload_empty", name=name)
    return data


def calibrate_upload(
    data: bytes,
    name: str,
    *,
    holidays: tuple[bytes, str] | None = None,
    bookings: tuple[bytes, str] | None = None,
    sep: str = ",",
    decimal: str = ".",
    replications: int = APP_REPLICATIONS,
) -> CalibrationUpload:
    """Calibrate an uploaded log (and companions given as ``(bytes, name)``)."""
    log = ticket_log_from_bytes(_checked(data, name), source=name, sep=sep, decimal=decimal)
    with tempfile.TemporaryDirectory(prefix="mpp-calibration-") as folder:
        paths: dict[str, Path] = {}
        for key, upload in (("holidays", holidays), ("bookings", bookings)):
            if upload is not None:
                content, upload_name = upload
                path = Path(folder) / f"{key}.csv"
                path.write_bytes(_checked(content, upload_name))
                paths[key] = path
        result = calibrate_log(
            log, holidays=paths.get("holidays"), bookings=paths.get("bookings"), sep=sep
        )
    report = fit_report(result.calibration, result.scenario, replications=replications)
    return CalibrationUpload(name=name, result=result, report_html=report.html)


def calibration_view(
    tr: Translator, *, on_continue: Callable[[str, Scenario], None]
) -> None:  # pragma: no cover - Streamlit layout, exercised by the browser tests
    """The tab: uploads, the Calibrate button, the outcome, downloads and the report."""
    import streamlit as st
    from streamlit import session_state as state

    st.subheader(tr("calib_title"))
    st.caption(tr("calib_help"))
    log = st.file_uploader(tr("calib_log"), type=["csv", "txt"], key="calib_log")
    left, right = st.columns(2)
    holidays = left.file_uploader(tr("calib_holidays"), type=["csv"], key="calib_holidays")
    bookings = right.file_uploader(tr("calib_bookings"), type=["csv"], key="calib_bookings")
    left, right = st.columns(2)
    sep = left.selectbox(
        tr("calib_sep"), list(SEPARATORS), format_func=lambda s: tr(SEPARATORS[s]), key="calib_sep"
    )
    decimal = right.selectbox(tr("calib_decimal"), [".", ","], key="calib_decimal")
    if st.button(tr("calib_run"), key="calib_run", type="primary", disabled=log is None):
        with st.spinner(tr("calib_running")):
            try:
                state["calibration"] = calibrate_upload(
                    log.getvalue(),  # type: ignore[union-attr]
                    log.name,  # type: ignore[union-attr]
                    holidays=(holidays.getvalue(), holidays.name) if holidays else None,
                    bookings=(bookings.getvalue(), bookings.name) if bookings else None,
                    sep=sep,
                    decimal=decimal,
                )
            except TranslatedError as exc:
                state.pop("calibration", None)
                st.error(tr(exc.key, **exc.values))
            except SimulatorError as exc:
                state.pop("calibration", None)
                st.error(tr("calib_error", message=str(exc)))
    done: CalibrationUpload | None = state.get("calibration")
    if done is None:
        return
    log_read = done.result.calibration.log
    st.success(
        tr(
            "calib_done",
            valid=f"{len(log_read.tickets):,}",
            rows=f"{log_read.rows_read:,}",
            rejected=f"{len(log_read.rejected):,}",
            days=len(done.result.calibration.dates),
        )
    )
    if len(log_read.rejected):
        shown = "; ".join(
            f"{line}: {reason}"
            for line, reason in log_read.rejected.head(3).itertuples(index=False)
        )
        st.warning(tr("calib_rejected", lines=shown))
    left, middle, right = st.columns(3)
    left.download_button(
        tr("calib_download_scenario"),
        done.result.text,
        file_name=f"{Path(done.name).stem}-calibrated.yaml",
        mime="application/x-yaml",
        key="calib_download_scenario",
        on_click="ignore",
    )
    middle.download_button(
        tr("calib_download_report"),
        done.report_html,
        file_name=f"{Path(done.name).stem}-calibration.html",
        mime="text/html",
        key="calib_download_report",
        on_click="ignore",
    )
    right.button(
        tr("calib_continue"),
        key="calib_continue",
        on_click=on_continue,
        args=(f"{Path(done.name).stem}-calibrated.yaml", done.result.scenario),
    )
    # The report is our own HTML: every value taken from the upload is escaped in it.
    st.iframe(done.report_html, height=900)
