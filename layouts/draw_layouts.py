"""Draw the ILLUSTRATIVE Gedung Korpri ground-floor layouts as DXF and GeoJSON.

One description per arrangement (:class:`Layout`) is written twice: as a DXF drawing in
millimetres, the way a drafter at DPUPR would hand it over (layers MPP_*, counter blocks with
SLOT/AGENCY attributes, zone names as text), and as GeoJSON in metres. The two are written
independently from the description, so loading both and comparing the models tests both
loaders. Run ``python layouts/draw_layouts.py`` from the repository root to regenerate every
file, including the PNG pictures.

The building shell is an assumption until DPUPR's drawing arrives: a 40 m x 24 m hall, columns
on an 8 m grid, the main entrance in the middle of the south front, a side exit in the east
wall, toilets and a lactation room in the north-east corner, a children's corner in the
north-west.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ezdxf
from ezdxf.layouts import Modelspace
from shapely.geometry import Point, box

__all__ = [
    "BUILDINGS",
    "LAYOUTS",
    "Layout",
    "main",
    "write_blocks_demo",
    "write_dxf",
    "write_geojson",
]

XY = tuple[float, float]
Rect = tuple[float, float, float, float]

HALL_W = 40.0
HALL_H = 24.0
PITCH = 1.8
"""Counter pitch (m): one desk position per 1.8 m of counter front."""

# default counters of the 23 candidate agencies, in theme (cluster) order
AGENCIES: tuple[tuple[str, int], ...] = (
    ("disdukcapil", 5),  # kependudukan
    ("dinsos", 1),  # sosial
    ("disnaker", 1),  # ketenagakerjaan
    ("dpmptsp", 2),  # perizinan
    ("dinkop-ukm", 1),  # usaha
    ("dinkes", 1),  # kesehatan
    ("samsat", 3),  # kendaraan
    ("polres-skck", 2),  # kepolisian
    ("polres-sim", 1),  # kepolisian
    ("bapenda", 1),  # pajak
    ("kpp-pratama", 1),  # pajak
    ("bank-jateng", 2),  # keuangan
    ("kantah", 1),  # pertanahan
    ("bpjs-kesehatan", 2),  # jaminan-sosial
    ("bpjs-ketenagakerjaan", 1),
    ("taspen", 1),
    ("kemenag", 1),  # keagamaan
    ("pengadilan-agama", 1),  # hukum
    ("kejaksaan", 1),
    ("imigrasi", 1),  # keimigrasian
    ("perumda-air-minum", 1),  # utilitas
    ("pln", 1),
    ("kantor-pos", 1),  # pos
)


def expand(*agencies: str) -> list[str]:
    """Counter labels for whole agencies, each repeated by its default counter count."""
    counts = dict(AGENCIES)
    return [a for a in agencies for _ in range(counts[a])]


@dataclass(frozen=True, kw_only=True)
class Run:
    """A straight row of counters in front of a desk strip (the strip is an obstacle).

    Counters stand on the strip's public face, from ``start`` along ``direction`` at ``PITCH``.
    """

    prefix: str
    strip: Rect
    start: XY
    direction: XY
    agencies: Sequence[str | None]

    def counters(self) -> Iterator[tuple[str, str, XY]]:
        for k, agency in enumerate(self.agencies):
            x = self.start[0] + self.direction[0] * PITCH * k
            y = self.start[1] + self.direction[1] * PITCH * k
            yield (f"{self.prefix}{k + 1:02d}", agency or "", (round(x, 3), round(y, 3)))


@dataclass(frozen=True, kw_only=True)
class WaitingArea:
    """A waiting zone and the rectangles in it that hold seat blocks, or the seat arrays
    (x, y, seats per row, rows) drawn as one MINSERT each, as DPUPR drafts seating."""

    name: str
    rect: Rect
    seating: Sequence[Rect] = ()
    arrays: Sequence[tuple[float, float, int, int]] = ()
    priority: bool = False
    """A priority zone (its name then says "prioritas", which is what marks it in the files)."""


@dataclass(frozen=True, kw_only=True)
class Layout:
    """One arrangement of the shared building shell."""

    name: str
    title: str
    runs: Sequence[Run]
    zones: Sequence[WaitingArea]
    extra_obstacles: Sequence[Rect] = ()
    kiosks: Sequence[XY] = ((16.4, 3.2), (22.6, 3.2))
    info: XY = (19.5, 5.6)
    info_desk: Rect = (18.5, 5.6, 20.5, 6.3)
    planters: Sequence[tuple[float, float, float]] = ((11.5, 1.2, 0.45), (23.0, 1.2, 0.45))
    notes: Sequence[str] = field(default_factory=tuple)
    walls: Sequence[tuple[XY, ...]] = ()
    entrance: tuple[XY, XY] | None = None
    exit: tuple[XY, XY] | None = None
    links: Sequence[tuple[str, str, XY, Rect]] = ()
    """Stairs and lifts: (kind, LINK, where a visitor steps on, the stairwell or shaft)."""
    has_info: bool = True


# --- the shared shell -------------------------------------------------------------------------

FLOOR: Rect = (0.0, 0.0, HALL_W, HALL_H)
ENTRANCE: tuple[XY, XY] = ((18.0, 0.0), (21.0, 0.0))
EXIT: tuple[XY, XY] = ((40.0, 4.0), (40.0, 5.8))
WALLS: tuple[tuple[XY, ...], ...] = (
    ((18.0, 0.0), (0.0, 0.0), (0.0, 24.0), (40.0, 24.0), (40.0, 5.8)),
    ((40.0, 4.0), (40.0, 0.0), (21.0, 0.0)),
    # partition walls of the toilet / lactation block (north-east)
    ((31.0, 24.0), (31.0, 19.5), (40.0, 19.5)),
    ((35.5, 24.0), (35.5, 19.5)),
)
COLUMNS: tuple[XY, ...] = tuple((x, y) for x in (8.0, 16.0, 24.0, 32.0) for y in (8.0, 16.0))
COLUMN_SIZE = 0.5
ROOMS: tuple[Rect, ...] = (
    (31.0, 19.5, 35.5, 24.0),  # toilets (incl. accessible toilet), not part of the public hall
    (35.5, 19.5, 40.0, 24.0),  # lactation room
    (0.0, 20.5, 3.2, 24.0),  # children's corner (fenced)
)


def walls_of(layout: Layout) -> Sequence[tuple[XY, ...]]:
    """The layout's walls (the shared shell unless it draws its own)."""
    return layout.walls or WALLS


def doors_of(layout: Layout) -> tuple[tuple[XY, XY] | None, tuple[XY, XY] | None]:
    """(entrance, exit) lines; an upper floor has neither."""
    if layout.walls:
        return layout.entrance, layout.exit
    return layout.entrance or ENTRANCE, layout.exit or EXIT


def column_rects() -> list[Rect]:
    h = COLUMN_SIZE / 2
    return [(x - h, y - h, x + h, y + h) for x, y in COLUMNS]


def obstacles(layout: Layout) -> list[Rect]:
    """Every rectangular obstacle: columns, rooms, desk strips, info desk, kiosks, extras."""
    rects = [*column_rects(), *ROOMS, *(r.strip for r in layout.runs)]
    if layout.has_info:
        rects.append(layout.info_desk)
    rects += [(x - 0.3, y + 0.0, x + 0.3, y + 0.45) for x, y in layout.kiosks]
    rects += [well for _, _, _, well in layout.links]
    rects += list(layout.extra_obstacles)
    return rects


def seats(layout: Layout, zone: WaitingArea) -> list[XY]:
    """Seat points in blocks of six (0.55 m apart), rows 1.5 m apart, 1.5 m aisles.

    About 1.2-1.4 m2 per seat including aisles; seats closer than 0.6 m to an obstacle are
    left out.
    """
    if zone.arrays:
        return [
            (round(x + 0.55 * c, 3), round(y + 1.5 * r, 3))
            for x, y, per_row, rows in zone.arrays
            for r in range(rows)
            for c in range(per_row)
        ]
    keep_out = [box(*r).buffer(0.6) for r in obstacles(layout)]
    keep_out += [Point(x, y).buffer(r + 0.6) for x, y, r in layout.planters]
    out: list[XY] = []
    for x0, y0, x1, y1 in zone.seating:
        y = y0
        while y <= y1 + 1e-9:
            x = x0
            while x <= x1 + 1e-9:
                for k in range(6):
                    sx = x + 0.55 * k
                    if sx > x1 + 1e-9:
                        break
                    p = Point(sx, y)
                    if not any(k.covers(p) for k in keep_out):
                        out.append((round(sx, 3), round(y, 3)))
                x += 0.55 * 6 + 1.5
            y += 1.5
    return out


def rect_ring(r: Rect) -> list[XY]:
    x0, y0, x1, y1 = r
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


# --- the three arrangements -------------------------------------------------------------------


def _central() -> Layout:
    west = Run(
        prefix="W",
        strip=(0.0, 2.5, 2.2, 20.5),
        start=(2.2, 3.5),
        direction=(0, 1),
        agencies=[*expand("disdukcapil", "dinsos", "disnaker", "dpmptsp"), None],
    )
    north = Run(
        prefix="N",
        strip=(3.2, 21.8, 31.0, 24.0),
        start=(4.3, 21.8),
        direction=(1, 0),
        agencies=[
            *expand(
                "dinkop-ukm",
                "dinkes",
                "samsat",
                "polres-skck",
                "polres-sim",
                "bapenda",
                "kpp-pratama",
                "bank-jateng",
                "kantah",
            ),
            None,
        ],
    )
    east = Run(
        prefix="E",
        strip=(37.8, 7.0, 40.0, 19.5),
        start=(37.8, 17.9),
        direction=(0, -1),
        agencies=[*expand("bpjs-kesehatan", "bpjs-ketenagakerjaan", "taspen"), None, None],
    )
    south = Run(
        prefix="S",
        strip=(24.0, 0.0, 38.0, 2.2),
        start=(24.9, 2.2),
        direction=(1, 0),
        agencies=[
            *expand(
                "kemenag",
                "pengadilan-agama",
                "kejaksaan",
                "imigrasi",
                "perumda-air-minum",
                "pln",
                "kantor-pos",
            ),
            None,
        ],
    )
    hall = WaitingArea(
        name="ruang-tunggu-utama", rect=(4.5, 7.0, 35.0, 19.5), seating=((6.0, 8.5, 33.5, 18.5),)
    )
    return Layout(
        name="korpri-central",
        title="Korpri ground floor - central waiting hall (ILLUSTRATIVE)",
        runs=(west, north, east, south),
        zones=(hall,),
    )


def _clusters() -> Layout:
    west = Run(
        prefix="A",
        strip=(0.0, 2.5, 2.2, 20.5),
        start=(2.2, 3.5),
        direction=(0, 1),
        agencies=[*expand("disdukcapil", "dinsos", "disnaker", "kemenag"), None, None],
    )
    island_w = Run(
        prefix="B",
        strip=(18.5, 8.0, 20.5, 18.5),
        start=(18.5, 8.8),
        direction=(0, 1),
        agencies=[*expand("dpmptsp", "dinkop-ukm", "dinkes"), None],
    )
    island_e = Run(
        prefix="C",
        strip=(20.5, 8.0, 22.5, 18.5),
        start=(22.5, 8.8),
        direction=(0, 1),
        agencies=[*expand("samsat", "polres-skck"), None],
    )
    north = Run(
        prefix="D",
        strip=(3.2, 21.8, 31.0, 24.0),
        start=(4.3, 21.8),
        direction=(1, 0),
        agencies=[
            None,
            None,
            None,
            *expand("pengadilan-agama", "kejaksaan", "imigrasi"),
            None,
            *expand("polres-sim", "bapenda", "kpp-pratama", "bank-jateng", "kantah"),
        ],
    )
    east = Run(
        prefix="E",
        strip=(37.8, 7.0, 40.0, 19.5),
        start=(37.8, 17.9),
        direction=(0, -1),
        agencies=[*expand("bpjs-kesehatan", "bpjs-ketenagakerjaan", "taspen"), None, None],
    )
    south = Run(
        prefix="F",
        strip=(26.0, 0.0, 37.5, 2.2),
        start=(27.2, 2.2),
        direction=(1, 0),
        agencies=[*expand("perumda-air-minum", "pln", "kantor-pos"), None, None, None],
    )
    zones = (
        WaitingArea(
            name="kependudukan-sosial",
            rect=(3.5, 3.0, 11.0, 20.0),
            seating=((5.0, 4.5, 10.0, 19.0),),
        ),
        WaitingArea(
            name="perizinan-hukum", rect=(11.5, 8.0, 17.8, 20.8), seating=((12.5, 9.5, 17.0, 19.0),)
        ),
        WaitingArea(
            name="kendaraan-pajak", rect=(23.2, 8.0, 30.5, 20.8), seating=((24.5, 9.5, 30.0, 19.0),)
        ),
        WaitingArea(
            name="jaminan-sosial-utilitas",
            rect=(31.0, 3.2, 37.0, 18.8),
            seating=((32.0, 4.5, 36.0, 18.0),),
        ),
    )
    return Layout(
        name="korpri-clusters",
        title="Korpri ground floor - themed clusters (ILLUSTRATIVE)",
        runs=(west, island_w, island_e, north, east, south),
        zones=zones,
    )


def _compact() -> Layout:
    west = Run(
        prefix="A",
        strip=(0.0, 2.5, 2.2, 20.5),
        start=(2.2, 3.5),
        direction=(0, 1),
        agencies=[*expand("disdukcapil", "dinsos", "disnaker", "dpmptsp"), None],
    )
    island_w = Run(
        prefix="B",
        strip=(15.0, 7.0, 17.0, 18.0),
        start=(15.0, 7.6),
        direction=(0, 1),
        agencies=[*expand("dinkop-ukm", "dinkes", "samsat"), None],
    )
    island_e = Run(
        prefix="C",
        strip=(17.0, 7.0, 19.0, 18.0),
        start=(19.0, 7.6),
        direction=(0, 1),
        agencies=[*expand("polres-skck", "polres-sim", "bapenda"), None, None],
    )
    north = Run(
        prefix="D",
        strip=(3.2, 21.8, 31.0, 24.0),
        start=(4.3, 21.8),
        direction=(1, 0),
        agencies=[
            *expand(
                "kpp-pratama",
                "bank-jateng",
                "kantah",
                "bpjs-kesehatan",
                "bpjs-ketenagakerjaan",
                "taspen",
                "kemenag",
                "pengadilan-agama",
                "kejaksaan",
            ),
            None,
            None,
            None,
            None,
        ],
    )
    east = Run(
        prefix="E",
        strip=(37.8, 7.0, 40.0, 19.5),
        start=(37.8, 17.9),
        direction=(0, -1),
        agencies=[*expand("imigrasi", "perumda-air-minum", "pln"), None, None, None],
    )
    south = Run(
        prefix="F",
        strip=(24.0, 0.0, 37.5, 2.2),
        start=(25.2, 2.2),
        direction=(1, 0),
        agencies=[*expand("kantor-pos"), None, None, None, None, None, None],
    )
    island2 = Run(
        prefix="G",
        strip=(27.0, 8.5, 29.0, 15.0),
        start=(29.0, 9.1),
        direction=(0, 1),
        agencies=[None, None, None, None],
    )
    zones = (
        WaitingArea(
            name="ruang-tunggu-barat",
            rect=(4.0, 5.0, 13.5, 19.5),
            seating=((6.0, 8.5, 12.0, 16.0),),
        ),
        WaitingArea(
            name="ruang-tunggu-timur",
            rect=(21.0, 4.5, 35.5, 19.5),
            seating=((22.5, 10.0, 25.5, 17.0), (31.0, 10.0, 34.5, 17.0)),
        ),
    )
    return Layout(
        name="korpri-compact",
        title="Korpri ground floor - compact, more counters (ILLUSTRATIVE)",
        runs=(west, island_w, island_e, north, east, south, island2),
        zones=zones,
    )


# --- the two-floor variant: the busiest agencies downstairs, the rest upstairs -------------------

STAIR: tuple[str, str, XY, Rect] = ("stair", "T1", (34.9, 11.0), (35.5, 8.0, 40.0, 14.0))
LIFT: tuple[str, str, XY, Rect] = ("lift", "L1", (36.6, 16.6), (37.2, 15.2, 40.0, 18.0))
UPPER_WALLS: tuple[tuple[XY, ...], ...] = (
    ((0.0, 0.0), (40.0, 0.0), (40.0, 24.0)),  # the outer wall, in two open lines: a closed
    ((40.0, 24.0), (0.0, 24.0), (0.0, 0.0)),  # outline on MPP_WALL would be a solid block
    ((31.0, 24.0), (31.0, 19.5), (40.0, 19.5)),
    ((35.5, 24.0), (35.5, 19.5)),
)


def _seat_rows(x0: float, x1: float, y0: float, rows: int) -> list[tuple[float, float, int, int]]:
    """Seat arrays of six between x0 and x1 (1.5 m aisles), ``rows`` rows from y0."""
    out = []
    x = x0
    while x + 0.55 * 5 <= x1 + 1e-9:
        out.append((round(x, 3), y0, 6, rows))
        x += 0.55 * 6 + 1.5
    return out


def _ground() -> Layout:
    west = Run(
        prefix="A",
        strip=(0.0, 2.5, 2.2, 20.5),
        start=(2.2, 3.5),
        direction=(0, 1),
        agencies=[*expand("disdukcapil", "dpmptsp"), None, None],
    )
    north = Run(
        prefix="B",
        strip=(3.2, 21.8, 31.0, 24.0),
        start=(4.3, 21.8),
        direction=(1, 0),
        agencies=[
            *expand(
                "samsat",
                "polres-skck",
                "polres-sim",
                "bpjs-kesehatan",
                "bpjs-ketenagakerjaan",
                "bank-jateng",
                "bapenda",
                "kpp-pratama",
                "kantah",
            ),
        ],
    )
    hall = WaitingArea(
        name="ruang-tunggu-utama",
        rect=(4.5, 6.5, 30.0, 20.0),
        # between the column lines x = 8, 16, 24 and y = 8, 16
        arrays=[
            *_seat_rows(9.0, 15.2, 9.5, 4),
            *_seat_rows(17.0, 23.2, 9.5, 4),
            *_seat_rows(25.0, 29.0, 9.5, 4),
            *_seat_rows(9.0, 15.2, 17.0, 2),
            *_seat_rows(17.0, 23.2, 17.0, 2),
        ],
    )
    priority = WaitingArea(
        name="ruang-tunggu-prioritas",
        rect=(30.5, 14.5, 36.8, 19.0),
        arrays=[(32.9, 14.9, 6, 2)],
        priority=True,
    )
    return Layout(
        name="korpri-2f-ground",
        title="Korpri two floors - ground floor, busiest agencies (ILLUSTRATIVE)",
        runs=(west, north),
        zones=(hall, priority),
        links=(STAIR, LIFT),
    )


def _upper() -> Layout:
    west = Run(
        prefix="C",
        strip=(0.0, 2.5, 2.2, 20.5),
        start=(2.2, 3.5),
        direction=(0, 1),
        agencies=[
            *expand("pengadilan-agama", "kemenag", "kejaksaan", "imigrasi", "disnaker", "dinsos"),
            None,
            None,
        ],
    )
    north = Run(
        prefix="D",
        strip=(3.2, 21.8, 31.0, 24.0),
        start=(4.3, 21.8),
        direction=(1, 0),
        agencies=[
            *expand("perumda-air-minum", "dinkes", "taspen", "dinkop-ukm", "pln", "kantor-pos"),
            None,
            None,
            None,
        ],
    )
    zone = WaitingArea(
        name="ruang-tunggu-atas",
        rect=(4.5, 6.5, 30.0, 20.0),
        arrays=[*_seat_rows(9.0, 15.2, 9.5, 4), *_seat_rows(17.0, 23.2, 9.5, 4)],
    )
    return Layout(
        name="korpri-2f-upper",
        title="Korpri two floors - upper floor, the other agencies (ILLUSTRATIVE)",
        runs=(west, north),
        zones=(zone,),
        kiosks=(),
        planters=(),
        walls=UPPER_WALLS,
        links=(STAIR, LIFT),
        has_info=False,
    )


LAYOUTS: tuple[Layout, ...] = (_central(), _clusters(), _compact(), _ground(), _upper())
BUILDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("korpri-2f", ("korpri-2f-ground", "korpri-2f-upper")),
)
"""Buildings drawn from the layouts: name and floor layouts, ground floor first."""


# --- writers ----------------------------------------------------------------------------------

MM = 1000.0


def _mm(p: XY) -> tuple[float, float]:
    return (p[0] * MM, p[1] * MM)


def write_dxf(layout: Layout, path: Path) -> None:
    """The layout as a DXF drawing in millimetres, as a drafter would deliver it."""
    doc = ezdxf.new("R2010", setup=False)
    doc.header["$INSUNITS"] = 4
    for layer, colour in (
        ("MPP_FLOOR", 8),
        ("MPP_WALL", 7),
        ("MPP_OBSTACLE", 9),
        ("MPP_ENTRANCE", 3),
        ("MPP_EXIT", 1),
        ("MPP_COUNTER", 1),
        ("MPP_WAITING", 5),
        ("MPP_SEAT", 5),
        ("MPP_KIOSK", 6),
        ("MPP_INFO", 6),
        ("MPP_STAIR", 4),
        ("MPP_LIFT", 4),
        ("A-ANNO", 2),
    ):
        doc.layers.add(layer, color=colour)
    counter = doc.blocks.new("LOKET")
    counter.add_lwpolyline([(-700, 0), (700, 0), (700, 600), (-700, 600)], close=True)
    counter.add_attdef("SLOT", (0, -250), dxfattribs={"height": 200})
    counter.add_attdef("AGENCY", (0, -500), dxfattribs={"height": 150})
    seat = doc.blocks.new("KURSI")
    seat.add_lwpolyline([(-225, -225), (225, -225), (225, 225), (-225, 225)], close=True)
    kiosk = doc.blocks.new("KIOSK")
    kiosk.add_circle((0, 0), 200)
    for block_name in ("TANGGA", "LIFT"):
        link_block = doc.blocks.new(block_name)
        link_block.add_lwpolyline([(-300, -300), (300, -300), (300, 300), (-300, 300)], close=True)
        link_block.add_attdef("LINK", (0, -450), dxfattribs={"height": 150})
    msp = doc.modelspace()
    _dxf_shell(msp, layout)
    for run in layout.runs:
        for slot, agency, xy in run.counters():
            ref = msp.add_blockref("LOKET", _mm(xy), dxfattribs={"layer": "MPP_COUNTER"})
            ref.add_auto_attribs({"SLOT": slot, "AGENCY": agency})
    _dxf_zones(msp, layout)
    for p in layout.kiosks:
        msp.add_blockref("KIOSK", _mm(p), dxfattribs={"layer": "MPP_KIOSK"})
    if layout.has_info:
        msp.add_point(_mm(layout.info), dxfattribs={"layer": "MPP_INFO"})
    msp.add_text(
        f"{layout.title} - not DPUPR's drawing",
        height=500,
        dxfattribs={"layer": "A-ANNO", "insert": (0, -1500)},
    )
    doc.saveas(path)


def _dxf_shell(msp: Modelspace, layout: Layout) -> None:
    """Floor, walls, obstacles, doors, stairs and lifts."""
    msp.add_lwpolyline(
        [_mm(p) for p in rect_ring(FLOOR)], close=True, dxfattribs={"layer": "MPP_FLOOR"}
    )
    for wall in walls_of(layout):
        msp.add_lwpolyline([_mm(p) for p in wall], dxfattribs={"layer": "MPP_WALL"})
    for r in obstacles(layout):
        msp.add_lwpolyline(
            [_mm(p) for p in rect_ring(r)], close=True, dxfattribs={"layer": "MPP_OBSTACLE"}
        )
    for x, y, r in layout.planters:
        msp.add_circle(_mm((x, y)), r * MM, dxfattribs={"layer": "MPP_OBSTACLE"})
    entrance, exit_line = doors_of(layout)
    if entrance is not None:
        msp.add_line(_mm(entrance[0]), _mm(entrance[1]), dxfattribs={"layer": "MPP_ENTRANCE"})
    if exit_line is not None:
        msp.add_line(_mm(exit_line[0]), _mm(exit_line[1]), dxfattribs={"layer": "MPP_EXIT"})
    for kind, link, xy, _ in layout.links:
        block_name = "TANGGA" if kind == "stair" else "LIFT"
        layer = "MPP_STAIR" if kind == "stair" else "MPP_LIFT"
        ref = msp.add_blockref(block_name, _mm(xy), dxfattribs={"layer": layer})
        ref.add_auto_attribs({"LINK": link})


def _dxf_zones(msp: Modelspace, layout: Layout) -> None:
    """Waiting zones with their names and seats (MINSERT arrays or one block each)."""
    for k, zone in enumerate(layout.zones):
        msp.add_lwpolyline(
            [_mm(p) for p in rect_ring(zone.rect)], close=True, dxfattribs={"layer": "MPP_WAITING"}
        )
        cx = (zone.rect[0] + zone.rect[2]) / 2
        label_xy = _mm((cx, zone.rect[1] + 0.4))
        if k % 2:
            msp.add_mtext(
                zone.name,
                dxfattribs={"layer": "MPP_WAITING", "char_height": 250, "insert": label_xy},
            )
        else:
            msp.add_text(
                zone.name, height=250, dxfattribs={"layer": "MPP_WAITING", "insert": label_xy}
            )
        if zone.arrays:
            for x, y, per_row, rows in zone.arrays:
                ref = msp.add_blockref("KURSI", _mm((x, y)), dxfattribs={"layer": "MPP_SEAT"})
                ref.grid(size=(rows, per_row), spacing=(1.5 * MM, 0.55 * MM))
        else:
            for p in seats(layout, zone):
                msp.add_blockref("KURSI", _mm(p), dxfattribs={"layer": "MPP_SEAT"})


def _feature(kind: str, geometry: dict[str, object], **props: object) -> dict[str, object]:
    return {"type": "Feature", "properties": {"kind": kind, **props}, "geometry": geometry}


def _polygon(ring: list[XY]) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": [[list(p) for p in [*ring, ring[0]]]]}


def _point(p: XY) -> dict[str, object]:
    return {"type": "Point", "coordinates": [p[0], p[1]]}


def write_geojson(layout: Layout, path: Path) -> None:
    """The layout as a GeoJSON FeatureCollection in plan metres."""
    features = [_feature("floor", _polygon(rect_ring(FLOOR)))]
    for wall in walls_of(layout):
        features.append(
            _feature("wall", {"type": "LineString", "coordinates": [list(p) for p in wall]})
        )
    features += [_feature("obstacle", _polygon(rect_ring(r))) for r in obstacles(layout)]
    features += [_feature("obstacle", _point((x, y)), radius=r) for x, y, r in layout.planters]
    entrance, exit_line = doors_of(layout)
    if entrance is not None:
        features.append(
            _feature("entrance", {"type": "LineString", "coordinates": [list(p) for p in entrance]})
        )
    if exit_line is not None:
        features.append(
            _feature("exit", {"type": "LineString", "coordinates": [list(p) for p in exit_line]})
        )
    features += [_feature(kind, _point(xy), link=link) for kind, link, xy, _ in layout.links]
    for run in layout.runs:
        for slot, agency, xy in run.counters():
            features.append(_feature("counter", _point(xy), slot=slot, agency=agency))
    for zone in layout.zones:
        features.append(_feature("waiting", _polygon(rect_ring(zone.rect)), name=zone.name))
        features += [_feature("seat", _point(p)) for p in seats(layout, zone)]
    features += [_feature("kiosk", _point(p)) for p in layout.kiosks]
    if layout.has_info:
        features.append(_feature("info", _point(layout.info)))
    collection = {
        "type": "FeatureCollection",
        "name": layout.name,
        "description": f"{layout.title}; plan coordinates in metres",
        "features": features,
    }
    path.write_text(json.dumps(collection, indent=1) + "\n", encoding="utf-8")


def main(out_dir: Path | None = None) -> None:
    """Write every layout (DXF, GeoJSON, PNG) into ``out_dir`` (default: this folder)."""
    from simulator.floorplan import check_building, check_plan, load_building, load_floorplan
    from simulator.floorplan.draw import draw_building, draw_plan

    here = out_dir or Path(__file__).resolve().parent
    for layout in LAYOUTS:
        clear = [box(*r).buffer(0.3) for r in obstacles(layout)]
        for zone in layout.zones:
            for p in seats(layout, zone):
                if any(k.covers(Point(p)) for k in clear):
                    raise ValueError(f"{layout.name}: seat {p} of {zone.name} is in an obstacle")
        dxf_path = here / f"{layout.name}.dxf"
        write_dxf(layout, dxf_path)
        write_geojson(layout, here / f"{layout.name}.geojson")
        plan = load_floorplan(dxf_path)
        report = check_plan(plan)
        slots = len(plan.counters)
        seats_n = sum(len(z.seats) for z in plan.zones)
        print(
            f"{layout.name}: {slots} slots, {seats_n} seats, "
            f"{len(report.errors)} errors, {len(report.warnings)} warnings"
        )
        if layout.name not in {f for _, floors in BUILDINGS for f in floors}:
            fig = draw_plan(plan, title=layout.title)
            fig.savefig(here / f"{layout.name}.png")
    for name, floors in BUILDINGS:
        building = load_building([here / f"{f}.dxf" for f in floors])
        report = check_building(building)
        print(f"{name}: {len(floors)} floors, building usable: {report.ok}")
        fig = draw_building(building, title=f"{name}: Korpri on two floors (ILLUSTRATIVE)")
        fig.savefig(here / f"{name}.png")
    examples = here / "examples"
    examples.mkdir(exist_ok=True)
    write_blocks_demo(examples / "blocks-demo.dxf")
    draw_blocks_demo(examples / "blocks-demo.dxf", examples / "blocks-demo.png")
    demo = check_plan(load_floorplan(examples / "blocks-demo.dxf"))
    print(f"examples/blocks-demo: {len(demo.counters)} counters, {len(demo.errors)} errors")


# --- a small drawing that shows drafters how blocks, arrays and links are read ---------------


def write_blocks_demo(path: Path) -> None:
    """A 16 m x 10 m hall drawn the way DPUPR drafts (metres): counters as blocks with SLOT and
    AGENCY, a row of counters as one block, columns as a block on MPP_OBSTACLE, seats as a
    MINSERT array and as a bench block, a priority zone and a stair with its LINK."""
    doc = ezdxf.new("R2010", setup=False)
    doc.header["$INSUNITS"] = 6
    for layer in ("MPP_FLOOR", "MPP_WALL", "MPP_OBSTACLE", "MPP_ENTRANCE", "MPP_COUNTER"):
        doc.layers.add(layer)
    for layer in ("MPP_WAITING", "MPP_SEAT", "MPP_KIOSK", "MPP_STAIR", "A-FURN"):
        doc.layers.add(layer)
    loket = doc.blocks.new("LOKET")  # the visitor stands at the insertion point
    loket.add_lwpolyline([(-0.7, 0.0), (0.7, 0.0), (0.7, 0.6), (-0.7, 0.6)], close=True)
    loket.add_attdef("SLOT", (0, -0.25), dxfattribs={"height": 0.2})
    loket.add_attdef("AGENCY", (0, -0.5), dxfattribs={"height": 0.15})
    row = doc.blocks.new("LOKET_BARIS")  # a row of four counters with their own slots
    for k in range(4):
        ref = row.add_blockref("LOKET", (1.6 * k, 0.0))
        ref.add_auto_attribs({"SLOT": f"A{k + 1:02d}", "AGENCY": "disdukcapil" if k < 3 else ""})
    kolom = doc.blocks.new("KOLOM")  # a column: a square on layer 0
    kolom.add_lwpolyline([(-0.25, -0.25), (0.25, -0.25), (0.25, 0.25), (-0.25, 0.25)], close=True)
    kursi = doc.blocks.new("KURSI")
    kursi.add_lwpolyline([(-0.2, -0.2), (0.2, -0.2), (0.2, 0.2), (-0.2, 0.2)], close=True)
    bangku = doc.blocks.new("BANGKU")  # a bench of three chairs on layer 0
    bangku.add_line((-0.3, -0.3), (1.4, -0.3))
    for k in range(3):
        bangku.add_blockref("KURSI", (0.55 * k, 0.0))
    tangga = doc.blocks.new("TANGGA")
    tangga.add_lwpolyline([(-0.5, 0.0), (0.5, 0.0), (0.5, 2.0), (-0.5, 2.0)], close=True)
    tangga.add_attdef("LINK", (0, -0.3), dxfattribs={"height": 0.2})

    msp = doc.modelspace()
    msp.add_lwpolyline(
        [(0, 0), (16, 0), (16, 10), (0, 10)], close=True, dxfattribs={"layer": "MPP_FLOOR"}
    )
    msp.add_lwpolyline(
        [(7, 0), (0, 0), (0, 10), (16, 10), (16, 0), (9, 0)], dxfattribs={"layer": "MPP_WALL"}
    )
    msp.add_line((7, 0), (9, 0), dxfattribs={"layer": "MPP_ENTRANCE"})
    msp.add_lwpolyline(
        [(0, 1.5), (1.2, 1.5), (1.2, 8.5), (0, 8.5)],
        close=True,
        dxfattribs={"layer": "MPP_OBSTACLE"},
    )
    msp.add_blockref(
        "LOKET_BARIS",
        (1.2, 2.0),
        dxfattribs={"layer": "MPP_COUNTER", "rotation": -90, "xscale": -1},
    )
    single = msp.add_blockref(
        "LOKET", (14.8, 6.0), dxfattribs={"layer": "MPP_COUNTER", "rotation": 90}
    )
    single.add_auto_attribs({"SLOT": "B01", "AGENCY": "samsat"})
    msp.add_lwpolyline(
        [(14.8, 5.0), (16, 5.0), (16, 7.0), (14.8, 7.0)],
        close=True,
        dxfattribs={"layer": "MPP_OBSTACLE"},
    )
    for x in (5.0, 11.0):
        msp.add_blockref(
            "KOLOM", (x, 5.0), dxfattribs={"layer": "MPP_OBSTACLE", "xscale": 1.2, "yscale": 1.2}
        )
    msp.add_lwpolyline(
        [(3, 2.5), (10, 2.5), (10, 8.5), (3, 8.5)], close=True, dxfattribs={"layer": "MPP_WAITING"}
    )
    msp.add_text(
        "ruang-tunggu", height=0.3, dxfattribs={"layer": "MPP_WAITING", "insert": (3.2, 7.9)}
    )
    seats = msp.add_blockref("KURSI", (6.0, 3.0), dxfattribs={"layer": "MPP_SEAT"})
    seats.grid(size=(3, 6), spacing=(0.9, 0.55))  # MINSERT: 3 rows of 6 chairs
    msp.add_blockref("BANGKU", (3.5, 6.5), dxfattribs={"layer": "MPP_SEAT", "rotation": 90})
    msp.add_lwpolyline(
        [(11, 7.5), (14, 7.5), (14, 9.5), (11, 9.5)],
        close=True,
        dxfattribs={"layer": "MPP_WAITING"},
    )
    msp.add_text(
        "prioritas", height=0.3, dxfattribs={"layer": "MPP_WAITING", "insert": (11.2, 9.0)}
    )
    for k in range(4):
        msp.add_point((11.6 + 0.6 * k, 8.2), dxfattribs={"layer": "MPP_SEAT"})
    msp.add_blockref("TANGGA", (13.0, 1.0), dxfattribs={"layer": "MPP_STAIR"}).add_auto_attribs(
        {"LINK": "T1"}
    )
    msp.add_lwpolyline(
        [(12.5, 1.2), (15.5, 1.2), (15.5, 3.0), (12.5, 3.0)],
        close=True,
        dxfattribs={"layer": "MPP_OBSTACLE"},
    )
    msp.add_point((8.0, 1.5), dxfattribs={"layer": "MPP_KIOSK"})
    msp.add_circle((14, 8.5), 0.3, dxfattribs={"layer": "A-FURN"})  # ignored: not an MPP layer
    doc.saveas(path)


def draw_blocks_demo(dxf_path: Path, png_path: Path) -> None:
    """Two panels: the drawing as CAD shows it, and the plan the simulator reads from it."""
    from ezdxf.addons.drawing import Frontend, RenderContext
    from ezdxf.addons.drawing.matplotlib import MatplotlibBackend
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from simulator.floorplan import load_floorplan
    from simulator.floorplan.draw import draw_plan

    doc = ezdxf.readfile(dxf_path)
    fig = Figure(figsize=(14, 4.6), dpi=110)
    FigureCanvasAgg(fig)
    cad, read = fig.subplots(1, 2)
    Frontend(RenderContext(doc), MatplotlibBackend(cad)).draw_layout(doc.modelspace())
    cad.set_title("the drawing in CAD (blocks, a MINSERT array, a bench)", fontsize=10)
    cad.set_aspect("equal", adjustable="box")
    cad.set_xlim(-1, 17)
    cad.set_ylim(-1, 11)
    cad.set_facecolor("#202020")
    plan = load_floorplan(dxf_path)
    draw_plan(plan, ax=read, title="what the simulator reads from it")
    fig.tight_layout()
    fig.savefig(png_path)


if __name__ == "__main__":
    main()
