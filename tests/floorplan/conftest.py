"""Shared helpers for the floor-plan tests: small drawings built in tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import ezdxf
import pytest
from ezdxf.layouts import Modelspace

REPO = Path(__file__).resolve().parents[2]
LAYOUT_NAMES = (
    "korpri-central",
    "korpri-clusters",
    "korpri-compact",
    "korpri-2f-ground",
    "korpri-2f-upper",
)

DxfMaker = Callable[..., Path]


def room(msp: Modelspace, s: float = 1.0, *, counters: bool = True) -> None:
    """A 10 m x 10 m room (scale ``s`` drawing units per metre) with a door, kiosk and zone."""
    msp.add_lwpolyline(
        [(0, 0), (10 * s, 0), (10 * s, 10 * s), (0, 10 * s)],
        close=True,
        dxfattribs={"layer": "MPP_FLOOR"},
    )
    msp.add_line((4 * s, 0), (6 * s, 0), dxfattribs={"layer": "MPP_ENTRANCE"})
    msp.add_point((5 * s, 2 * s), dxfattribs={"layer": "MPP_KIOSK"})
    msp.add_lwpolyline(
        [(1 * s, 4 * s), (6 * s, 4 * s), (6 * s, 8 * s), (1 * s, 8 * s)],
        close=True,
        dxfattribs={"layer": "MPP_WAITING"},
    )
    msp.add_text(
        "tunggu", height=0.3 * s, dxfattribs={"layer": "MPP_WAITING", "insert": (2 * s, 5 * s)}
    )
    msp.add_point((3 * s, 6 * s), dxfattribs={"layer": "MPP_SEAT"})
    if counters:
        msp.add_lwpolyline(
            [(7 * s, 3 * s), (8 * s, 3 * s), (8 * s, 9 * s), (7 * s, 9 * s)],
            close=True,
            dxfattribs={"layer": "MPP_OBSTACLE"},
        )
        for k, y in enumerate((4, 6, 8)):
            msp.add_point((7 * s, y * s), dxfattribs={"layer": "MPP_COUNTER"})
            del k


@pytest.fixture
def make_dxf(tmp_path: Path) -> DxfMaker:
    """Write a DXF built by ``build(msp)`` with header units ``units`` and return its path."""

    def make(build: Callable[[Modelspace], None], *, units: int = 6, name: str = "t.dxf") -> Path:
        doc = ezdxf.new("R2010")
        doc.header["$INSUNITS"] = units
        build(doc.modelspace())
        path = tmp_path / name
        doc.saveas(path)
        return path

    return make
