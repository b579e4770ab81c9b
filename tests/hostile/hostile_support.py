"""Shared material for the hostile-input tests: one valid scenario, one valid plan per format.

Everything is built in code so the tests never depend on files another test owns; the corpus of
broken inputs lives in ``corpus/`` next to this module.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import ezdxf
import yaml

from simulator import cli

__all__ = [
    "CORPUS",
    "REPO",
    "assert_one_error_line",
    "run_cli",
    "valid_dxf_bytes",
    "valid_geojson",
    "valid_scenario",
    "write_dxf",
]

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CORPUS = HERE / "corpus"

_SCENARIO = """
name: hostile base
day:
  weekday: tue
  type: normal
  hours:
    tickets_open: "07:30"
    service_start: "08:00"
    last_ticket: "10:30"
    closing: "11:00"
    breaks:
      - {start: "09:30", end: "10:00", staffed_share: 0.5}
demand:
  visitors_per_day: 60
  day_types: {normal: 1.0, busy: 2.0}
  arrival_profile:
    - {start: "07:30", end: "09:00", share: 0.6}
    - {start: "09:00", end: "10:30", share: 0.4}
priority_share: 0.1
patience: {kind: exponential, mean_min: 90}
front_office:
  info_desk:
    staff: 1
    share: 0.2
    service: {kind: lognormal, median_min: 2, cv: 0.5}
  kiosks:
    count: 1
    service: {kind: fixed, value_min: 0.5}
agencies:
  - id: civil-registry
    counters: 2
    share: 0.6
    daily_quota: 50
    service: {kind: lognormal, median_min: 6, cv: 0.6}
  - id: tax
    counters: 1
    share: 0.4
    patience: {kind: gamma, mean_min: 60, cv: 0.5}
    services:
      - {name: payment, share: 0.7, time: {kind: uniform, low_min: 2, high_min: 4}}
      - {name: advice, share: 0.3, time: {kind: triangular, low_min: 5, mode_min: 8, high_min: 15}}
transfers:
  - {from: tax, to: civil-registry, share: 0.2}
target: {wait_min: 15, share: 0.9}
run: {replications: 2, seed: 7}
"""


def valid_scenario() -> dict[str, Any]:
    """A fresh copy of a small valid scenario as plain data (two agencies, a few dozen visitors)."""
    return copy.deepcopy(yaml.safe_load(_SCENARIO))


def valid_geojson() -> dict[str, Any]:
    """A 10 m x 10 m hall in plan metres that checks clean: door, kiosk, zone, seat, 3 counters."""

    def feature(kind: str, gtype: str, coords: Any, **props: Any) -> dict[str, Any]:
        return {
            "type": "Feature",
            "properties": {"kind": kind, **props},
            "geometry": {"type": gtype, "coordinates": coords},
        }

    return {
        "type": "FeatureCollection",
        "features": [
            feature("floor", "Polygon", [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]),
            feature("entrance", "LineString", [[4, 0], [6, 0]]),
            feature("kiosk", "Point", [5, 2]),
            feature("waiting", "Polygon", [[[1, 4], [6, 4], [6, 8], [1, 8], [1, 4]]], name="hall"),
            feature("seat", "Point", [3, 6]),
            feature("obstacle", "Polygon", [[[7, 3], [8, 3], [8, 9], [7, 9], [7, 3]]]),
            feature("counter", "Point", [7, 4], slot="C1", agency="civil-registry"),
            feature("counter", "Point", [7, 6], slot="C2", agency="civil-registry"),
            feature("counter", "Point", [7, 8], slot="C3", agency="tax"),
        ],
    }


def write_dxf(path: Path, extra: Any = None) -> Path:
    """Write the same 10 m hall as a DXF (metres); ``extra(msp)`` may add entities."""
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = 6
    msp = doc.modelspace()
    msp.add_lwpolyline(
        [(0, 0), (10, 0), (10, 10), (0, 10)], close=True, dxfattribs={"layer": "MPP_FLOOR"}
    )
    msp.add_line((4, 0), (6, 0), dxfattribs={"layer": "MPP_ENTRANCE"})
    msp.add_point((5, 2), dxfattribs={"layer": "MPP_KIOSK"})
    msp.add_lwpolyline(
        [(1, 4), (6, 4), (6, 8), (1, 8)], close=True, dxfattribs={"layer": "MPP_WAITING"}
    )
    msp.add_text("hall", height=0.3, dxfattribs={"layer": "MPP_WAITING", "insert": (2, 5)})
    msp.add_point((3, 6), dxfattribs={"layer": "MPP_SEAT"})
    msp.add_lwpolyline(
        [(7, 3), (8, 3), (8, 9), (7, 9)], close=True, dxfattribs={"layer": "MPP_OBSTACLE"}
    )
    for y in (4, 6, 8):
        msp.add_point((7, y), dxfattribs={"layer": "MPP_COUNTER"})
    if extra is not None:
        extra(msp)
    doc.saveas(path)
    return path


def valid_dxf_bytes(folder: Path) -> bytes:
    """The bytes of :func:`write_dxf`'s drawing."""
    return write_dxf(folder / "valid.dxf").read_bytes()


def run_cli(capsys: Any, *args: str) -> tuple[int, str, str]:
    """Run ``mpp-sim args`` in-process; return (exit status, stdout, stderr)."""
    capsys.readouterr()
    status = cli.main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_error_line(err: str) -> str:
    """The stderr of a refused input: exactly one ``error: ...`` line and no traceback.

    Progress bars and library chatter may not appear either: the line must be all there is.
    """
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one stderr line, got {len(lines)}:\n{err[:2000]}"
    assert lines[0].startswith("error: "), lines[0]
    assert "internal error" not in lines[0], lines[0]
    return lines[0]


def dump_json(data: Any) -> str:
    """JSON text as a careless exporter writes it (NaN/Infinity tokens allowed)."""
    return json.dumps(data, allow_nan=True)
