"""Reading ticket logs: every rule of the standard gets its own message, with the line number,
and files that cannot be read at all get one clear line (library and CLI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.calibration.mapping import load_mapping
from simulator.calibration.ticketlog import read_ticket_log
from simulator.cli import main
from simulator.errors import ScenarioError, SimulatorError, TicketLogError

HEADER = (
    "date,ticket,agency,service,channel,booked_for,priority,issued_at,called_at,ended_at,"
    "counter,outcome,visit"
)
GOOD = [
    "2024-03-04,A001,capil,ktp,walk_in,,reguler,07:45:10,08:00:00,08:06:30,A-1,served,v1",
    "2024-03-04,A002,capil,kk,online,08:30,lansia,08:20:00,08:31:00,08:40:00,A-2,transferred,v2",
    "2024-03-04,C001,bank,,walk_in,,1,08:40:00,08:41:00,08:45:00,C-1,served,v2",
    "2024-03-04,A003,capil,ktp,walk_in,,0,08:21:00,09:10:00,,A-1,no_show,v3",
    "2024-03-04,A004,capil,ktp,,,,14:20:00,,,,not_called,v4",
]


def write(tmp_path: Path, rows: list[str], *, name: str = "log.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_good_log_reads_typed(tmp_path: Path) -> None:
    log = read_ticket_log(write(tmp_path, GOOD))
    assert log.rows_read == 5 and len(log.tickets) == 5 and log.rejected.empty
    t = log.tickets
    assert list(t["line"]) == [2, 3, 4, 5, 6]
    assert t.loc[0, "issued"] == pytest.approx(7 * 60 + 45 + 10 / 60)
    assert list(t["priority"]) == [False, True, True, False, False]
    assert list(t["online"]) == [False, True, False, False, False]
    assert t.loc[1, "booked_for"] == 8 * 60 + 30
    assert t["called"].isna().sum() == 1 and t["ended"].isna().sum() == 2


BROKEN = [
    ("2024-13-04,A001,capil,,,,,07:45:10,08:00:00,08:06:30,A-1,served,v", "date '2024-13-04'"),
    ("04/03/2024,A001,capil,,,,,07:45:10,08:00:00,08:06:30,A-1,served,v", "is not a date"),
    ("2024-03-04,,capil,,,,,07:45:10,08:00:00,08:06:30,A-1,served,v", "ticket is empty"),
    ("2024-03-04,A001,Dukcapil!,,,,,07:45:10,08:00:00,08:06:30,A-1,served,v", "agency"),
    ("2024-03-04,A001,capil,,,,,07:45:10,08:00:00,08:06:30,A-1,done,v", "outcome 'done'"),
    ("2024-03-04,A001,capil,,kiosk,,,07:45:10,08:00:00,08:06:30,A-1,served,v", "channel"),
    ("2024-03-04,A001,capil,,,,vip,07:45:10,08:00:00,08:06:30,A-1,served,v", "priority 'vip'"),
    ("2024-03-04,A001,capil,,online,,,07:45:10,08:00:00,08:06:30,A-1,served,v", "needs booked_for"),
    (
        "2024-03-04,A001,capil,,online,8h,,07:45:10,08:00:00,08:06:30,A-1,served,v",
        "booked_for '8h'",
    ),
    ("2024-03-04,A001,capil,,,,,7.45,08:00:00,08:06:30,A-1,served,v", "issued_at '7.45'"),
    ("2024-03-04,A001,capil,,,,,25:00:00,26:00:00,26:06:30,A-1,served,v", "time of the day"),
    ("2024-03-04,A001,capil,,,,,,08:00:00,08:06:30,A-1,served,v", "issued_at is empty"),
    ("2024-03-04,A001,capil,,,,,07:45:10,,08:06:30,A-1,served,v", "needs called_at"),
    ("2024-03-04,A001,capil,,,,,07:45:10,08:00:00,,A-1,transferred,v", "needs ended_at"),
    ("2024-03-04,A001,capil,,,,,07:45:10,,,A-1,no_show,v", "no_show ticket needs called_at"),
    ("2024-03-04,A001,capil,,,,,07:45:10,08:00:00,08:01:00,A-1,no_show,v", "has no ended_at"),
    ("2024-03-04,A001,capil,,,,,07:45:10,08:00:00,,A-1,not_called,v", "not_called ticket"),
    ("2024-03-04,A001,capil,,,,,08:45:10,08:00:00,08:06:30,A-1,served,v", "before issued_at"),
    ("2024-03-04,A001,capil,,,,,07:45:10,08:00:00,07:59:00,A-1,served,v", "before called_at"),
    ("2024-03-04,A001,capil,,,,,07:45:10,08:00:00,08:06:30,A-1,served", "12 fields"),
    ("2024-03-04,A001,capil,,,,,07:45:10,08:00:00,08:06:30,A-1,served,v", "appears twice"),
]


@pytest.mark.parametrize(("row", "expected"), BROKEN, ids=[b[1] for b in BROKEN])
def test_each_broken_row_is_rejected_with_its_line_and_reason(
    tmp_path: Path, row: str, expected: str
) -> None:
    rows = [*GOOD[:2], row, *GOOD[2:]]
    if expected == "appears twice":
        rows = [*GOOD[:2], GOOD[0], *GOOD[2:]]
    log = read_ticket_log(write(tmp_path, rows))
    assert log.rows_read == 6
    assert len(log.tickets) == 5
    assert list(log.rejected["line"]) == [4]
    assert expected in log.rejected.loc[0, "reason"], log.rejected.loc[0, "reason"]


def test_decimal_comma_seconds_need_decimal_option(tmp_path: Path) -> None:
    rows = [r.replace(",", ";") for r in GOOD]
    rows[0] = rows[0].replace("07:45:10", "07:45:10,5")
    path = write(tmp_path, rows, header=HEADER.replace(",", ";"))
    log = read_ticket_log(path, sep=";", decimal=",")
    assert log.rejected.empty
    assert log.tickets.loc[0, "issued"] == pytest.approx(7 * 60 + 45 + 10.5 / 60)
    log = read_ticket_log(path, sep=";")
    assert "give --decimal ','" in log.rejected.loc[0, "reason"]


def test_utf16_excel_export_reads(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    text = "\r\n".join([HEADER.replace(",", ";"), *(r.replace(",", ";") for r in GOOD)])
    path.write_bytes(text.encode("utf-16"))
    log = read_ticket_log(path, sep=";")
    assert log.encoding == "UTF-16" and len(log.tickets) == 5


def test_unknown_columns_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, [r + ",x,y" for r in GOOD], header=HEADER + ",operator,note")
    assert read_ticket_log(path).unknown_columns == ("operator", "note")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"\n\n", "the file is empty"),
        ((HEADER + "\n").encode(), "header but no rows"),
        (HEADER.replace(",outcome", "").encode() + b"\n1", "required column 'outcome' is missing"),
        (HEADER.replace(",", ";").encode() + b"\n1", "semicolon-separated: give --sep ';'"),
        (HEADER.encode() + b"\n2024-03-04,A\xe9", "not UTF-8 text: byte 0xe9 on line 2"),
        (b"\x00\x01\x02binary", "binary data"),
        ((HEADER + "\n" + "2024-03-04,,,,,,,,,,,x,\n").encode(), "all 1 rows are broken"),
    ],
)
def test_unreadable_files_get_one_clear_line(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(TicketLogError, match=expected.replace("(", r"\(")) as info:
        read_ticket_log(path)
    assert str(info.value).startswith(str(path))
    assert "\n" not in str(info.value)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(TicketLogError, match="no such file"):
        read_ticket_log(tmp_path / "nope.csv")
    with pytest.raises(TicketLogError, match="is a folder"):
        read_ticket_log(tmp_path)


def test_cli_errors_are_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    status = main(["calibrate", str(path), "--out", str(tmp_path / "s.yaml")])
    err = capsys.readouterr().err
    assert status == 2
    assert (
        err.strip() == f"error: {path}: the file is empty; expected a ticket log with a header line"
    )
    assert not (tmp_path / "s.yaml").exists()


def test_cli_lists_first_ten_rejections_and_json_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = "2024-03-04,X{},capil,,,,,07:45:10,08:00:00,08:06:30,A-1,done,v"
    rows = GOOD + [bad.format(i) for i in range(12)]
    path = write(tmp_path, rows)
    out = tmp_path / "s.yaml"
    assert main(["calibrate", str(path), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "17 rows read" in text and "12 rejected" in text
    assert "line 7: outcome 'done'" in text and "line 16:" in text and "line 17:" not in text
    assert "2 more (all in --json)" in text
    assert main(["calibrate", str(path), "--out", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rows_read"] == 17 and data["rows_rejected"] == 12
    assert [r["line"] for r in data["rejected"]] == list(range(7, 19))


def test_mapping_reads_another_systems_export(tmp_path: Path) -> None:
    export = tmp_path / "antrian.csv"
    export.write_text(
        "tanggal;nomor;instansi;ambil;panggil;selesai;loket;status;petugas\n"
        "04/03/2024;A001;DUKCAPIL;07.45.10;08.00.00;08.06.30;1;SELESAI;Budi\n"
        "04/03/2024;A002;DUKCAPIL;07.50.00;08.10.00;;2;TIDAK_HADIR;Sri\n"
        "04/03/2024;A003;DUKCAPIL;14.00.00;;;;BATAL;\n"
        "04/03/2024;A004;DUKCAPIL;14.00.00;;;;HILANG;\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "date: {column: tanggal, format: '%d/%m/%Y'}\n"
        "ticket: nomor\n"
        "agency: {column: instansi, values: {DUKCAPIL: capil}}\n"
        "issued_at: ambil\ncalled_at: panggil\nended_at: selesai\ncounter: loket\n"
        "outcome: {column: status, values: {SELESAI: served, TIDAK_HADIR: no_show, "
        "BATAL: not_called}}\n"
        "channel: {value: walk_in}\n"
        "clock_format: '%H.%M.%S'\n",
        encoding="utf-8",
    )
    log = read_ticket_log(export, sep=";", mapping=load_mapping(mapping))
    assert len(log.tickets) == 3
    assert list(log.tickets["outcome"]) == ["served", "no_show", "not_called"]
    assert log.tickets.loc[0, "issued"] == pytest.approx(7 * 60 + 45 + 10 / 60)
    assert log.unknown_columns == ("petugas",)
    assert "outcome 'HILANG'" in log.rejected.loc[0, "reason"]


def test_mapping_errors_name_the_key(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("tiket: no\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="tiket: unknown key"):
        load_mapping(mapping)
    mapping.write_text("ticket: {column: a, value: b}\n", encoding="utf-8")
    with pytest.raises(SimulatorError, match="exactly one of column"):
        load_mapping(mapping)
    mapping.write_text("ticket: nomor\n", encoding="utf-8")
    export = write(tmp_path, GOOD)
    with pytest.raises(TicketLogError, match="column 'nomor', which the export does not have"):
        read_ticket_log(export, mapping=load_mapping(mapping))


def test_line_numbers_survive_blank_lines_and_quoted_line_breaks(tmp_path: Path) -> None:
    rows = [GOOD[0], "", GOOD[1].replace(",v2", ',"two\nlines"'), "2024-03-04,A009,capil"]
    log = read_ticket_log(write(tmp_path, rows))
    assert list(log.tickets["line"]) == [2, 5]
    assert log.rejected.to_dict("records") == [
        {"line": 6, "reason": "3 fields, but the header has 13 columns"}
    ]


def test_the_documented_example_mapping_loads() -> None:
    root = Path(__file__).resolve().parents[2]
    mapping = load_mapping(root / "docs" / "examples" / "antrian-mapping.yaml")
    assert mapping.source("outcome").values["TIDAK_HADIR"] == "no_show"  # type: ignore[union-attr]
    assert mapping.clock_format == "%H.%M.%S"
    text = (root / "docs" / "calibration.md").read_text(encoding="utf-8")
    assert "examples/antrian-mapping.yaml" in text and "img/calibration-waits.png" in text
