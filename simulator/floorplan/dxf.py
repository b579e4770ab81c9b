"""DXF loader: reads the MPP_* layers of a drawing's model space into a :class:`FloorPlan`.

Only translation happens here (entities -> raw elements in metres); the meaning of the elements
is decided in :mod:`simulator.floorplan.assemble`, shared with the GeoJSON loader.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import ezdxf
import ezdxf.path
from ezdxf import recover
from ezdxf.entities import DXFGraphic

from simulator.errors import FloorPlanError
from simulator.floorplan.assemble import (
    KINDS,
    MAX_COORDINATE_M,
    POINT_KINDS,
    RawElement,
    assemble,
)
from simulator.floorplan.limits import check_entity_count, check_file_size
from simulator.floorplan.model import ARC_DEVIATION_M, FloorPlan, Problem, Site, Source

__all__ = ["LAYERS", "UNIT_FACTORS", "load_dxf"]

LAYERS = {f"MPP_{kind.upper()}": kind for kind in KINDS}
"""Layer name (upper case) -> element kind."""

UNIT_FACTORS: dict[int, tuple[str, float]] = {
    1: ("in", 0.0254),
    2: ("ft", 0.3048),
    4: ("mm", 0.001),
    5: ("cm", 0.01),
    6: ("m", 1.0),
    14: ("dm", 0.1),
}
"""$INSUNITS code -> (name, metres per drawing unit)."""

XY = tuple[float, float]

_EZDXF_LOG = logging.getLogger("ezdxf")
_READ_LOCK = threading.Lock()


class _Collect(logging.Handler):
    """Keeps what ezdxf logs while repairing a file, instead of letting it reach stderr."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _starts_like_dxf(head: bytes) -> bool:
    """True when ``head`` opens a binary DXF or an ASCII DXF: optional ``999`` comments, then
    the group code ``0`` and ``SECTION``. Anything else (a text file, a picture) is refused
    before ezdxf's recover mode, which would otherwise salvage any text as an empty drawing."""
    if head.startswith(b"AutoCAD Binary DXF"):
        return True
    tags = [line.strip() for line in head.removeprefix(b"\xef\xbb\xbf").splitlines()]
    i = 0
    while i + 1 < len(tags) and tags[i] == b"999":
        i += 2
    return i + 1 < len(tags) and tags[i] == b"0" and tags[i + 1].upper() == b"SECTION"


_SUB_ENTITIES = frozenset((b"VERTEX", b"SEQEND", b"ATTRIB"))


def _count_entities(path: Path) -> int:
    """Entities in an ASCII DXF's ENTITIES section, counted on the raw group-code/value lines
    before ezdxf builds an object for each (which takes seconds and hundreds of MB per 200,000
    entities). Vertices, attributes and sequence ends belong to their entity and do not count."""
    count = 0
    inside = False
    with path.open("rb") as handle:
        for code in handle:
            value = handle.readline().strip()
            if code.strip() != b"0":
                continue
            if value == b"SECTION":
                handle.readline()
                inside = handle.readline().strip() == b"ENTITIES"
            elif value == b"ENDSEC":
                inside = False
            elif inside and value not in _SUB_ENTITIES:
                count += 1
    return count


def _read(path: Path) -> tuple[ezdxf.document.Drawing, list[str]]:
    """The drawing and the repairs ezdxf's recover mode made to it."""
    check_file_size(path)
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head.strip():
        raise FloorPlanError(f"{path}: the file is empty")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FloorPlanError(f"{path}: not a DXF file (UTF-16 text); save it from CAD as DXF")
    if b"\x00" in head and not head.startswith(b"AutoCAD Binary DXF"):
        raise FloorPlanError(f"{path}: not a DXF file (binary content)")
    if not _starts_like_dxf(head):
        raise FloorPlanError(
            f"{path}: not a readable DXF file (it does not start with a DXF section: the lines "
            "'0' and 'SECTION'); export the drawing from CAD as DXF"
        )
    if not head.startswith(b"AutoCAD Binary DXF"):
        check_entity_count(path, _count_entities(path))
    collect = _Collect()
    with _READ_LOCK:
        propagate = _EZDXF_LOG.propagate
        _EZDXF_LOG.addHandler(collect)
        _EZDXF_LOG.propagate = False
        try:
            doc, auditor = recover.readfile(str(path))
        except Exception as exc:  # ezdxf raises many types for broken files
            raise FloorPlanError(f"{path}: not a readable DXF file ({exc})") from exc
        finally:
            _EZDXF_LOG.removeHandler(collect)
            _EZDXF_LOG.propagate = propagate
    repairs = collect.messages + [str(error.message) for error in auditor.errors]
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 32))
        if not head.startswith(b"AutoCAD Binary DXF") and not handle.read().rstrip().endswith(
            b"EOF"
        ):
            repairs.insert(0, "it ends without EOF, so it is probably cut short (a broken copy)")
    return doc, repairs


def load_dxf(path: str | Path) -> FloorPlan:
    """Read a DXF drawing (damaged files through ``ezdxf.recover``).

    Raises :class:`FloorPlanError` when the file cannot be read at all; problems inside a
    readable drawing end up in ``plan.problems``.
    """
    path = Path(path)
    doc, repairs = _read(path)
    try:
        return _interpret(doc, path, repairs)
    except FloorPlanError:
        raise
    except Exception as exc:  # a drawing ezdxf accepted but that is malformed inside
        raise FloorPlanError(f"{path}: the drawing could not be interpreted ({exc})") from exc


def _interpret(doc: ezdxf.document.Drawing, path: Path, repairs: list[str]) -> FloorPlan:
    problems: list[Problem] = []
    if repairs:
        more = f" (and {len(repairs) - 1} more)" if len(repairs) > 1 else ""
        problems.append(
            Problem(
                severity="warning",
                message=f"the file is damaged and was repaired on reading: {repairs[0]}{more}; "
                "check the result and save the drawing again from CAD",
            )
        )
    msp = doc.modelspace()
    check_entity_count(path, len(msp))
    code = int(doc.header.get("$INSUNITS", 0) or 0)
    if code in UNIT_FACTORS:
        units, factor = UNIT_FACTORS[code]
    else:
        units, factor = "mm", 0.001
        reason = "has no units ($INSUNITS = 0)" if code == 0 else f"uses unit code {code}"
        problems.append(
            Problem(
                severity="warning",
                message=f"the drawing {reason}; it was read as millimetres. "
                "Set $INSUNITS (e.g. UNITS command) to 4 (mm), 5 (cm) or 6 (m)",
            )
        )
    raws: list[RawElement] = []
    for index, entity in enumerate(msp):
        layer = str(entity.dxf.get("layer", "0")).upper()
        kind = LAYERS.get(layer)
        if kind is None:
            continue
        source = Source(layer=layer, index=index)
        raws.extend(_elements(entity, kind, source, factor, problems))
    return assemble(raws, units=units, name=path.name, problems=problems)


def _xy(v: object, factor: float) -> XY:
    return (float(v[0]) * factor, float(v[1]) * factor)  # type: ignore[index]


def _attribs(entity: DXFGraphic) -> dict[str, str]:
    out: dict[str, str] = {}
    for attrib in getattr(entity, "attribs", []):
        out[str(attrib.dxf.tag).strip().upper()] = str(attrib.dxf.text).strip()
    return out


def _elements(
    entity: DXFGraphic, kind: str, source: Source, factor: float, problems: list[Problem]
) -> Iterator[RawElement]:
    etype = entity.dxftype()
    if etype in ("POINT", "INSERT"):
        if etype == "POINT":
            xy = _xy(entity.dxf.location, factor)
            attribs: dict[str, str] = {}
        else:
            xy = _xy(entity.ocs().to_wcs(entity.dxf.insert), factor)
            attribs = _attribs(entity)
        if etype == "INSERT" and kind not in POINT_KINDS:
            problems.append(
                Problem(
                    severity="warning",
                    message=f"block reference on layer {source.layer} is not read; "
                    "explode it so its lines and polylines are on the layer",
                    where=Site(source=source, x=round(xy[0], 3), y=round(xy[1], 3)),
                )
            )
            return
        yield RawElement(
            kind=kind,
            shape="point",
            coords=(xy,),
            source=source,
            slot=attribs.get("SLOT", ""),
            agency=attribs.get("AGENCY", ""),
        )
    elif etype in ("TEXT", "MTEXT"):
        text = entity.plain_text() if etype == "MTEXT" else entity.dxf.get("text", "")
        xy = _xy(
            entity.ocs().to_wcs(entity.dxf.insert) if etype == "TEXT" else entity.dxf.insert, factor
        )
        yield RawElement(kind=kind, shape="text", coords=(xy,), source=source, name=str(text))
    elif etype == "CIRCLE":
        centre = _xy(entity.ocs().to_wcs(entity.dxf.center), factor)
        yield RawElement(
            kind=kind,
            shape="circle",
            coords=(centre,),
            radius=float(entity.dxf.radius) * factor,
            source=source,
        )
    elif etype in ("LINE", "LWPOLYLINE", "POLYLINE", "ARC", "ELLIPSE", "SPLINE"):
        if etype == "POLYLINE" and (entity.is_poly_face_mesh or entity.is_polygon_mesh):
            problems.append(
                Problem(
                    severity="warning",
                    message=f"mesh on layer {source.layer} is not read",
                    where=Site(source=source),
                )
            )
            return
        closed = bool(
            entity.closed
            if etype == "LWPOLYLINE"
            else entity.is_closed
            if etype == "POLYLINE"
            else False
        )
        path = ezdxf.path.make_path(entity)
        corners = [_xy(v, factor) for v in path.control_vertices()]
        if not all(abs(x) <= MAX_COORDINATE_M and abs(y) <= MAX_COORDINATE_M for x, y in corners):
            # Flattening an arc of a million km to 1 cm would never end; the check reports
            # these coordinates as out of range (or not a number) instead.
            yield RawElement(
                kind=kind, shape="line", coords=tuple(corners), closed=closed, source=source
            )
            return
        pts = [_xy(v, factor) for v in path.flattening(ARC_DEVIATION_M / factor, segments=4)]
        if not pts:
            pts = [_xy(path.start, factor)]
        yield RawElement(kind=kind, shape="line", coords=tuple(pts), closed=closed, source=source)
    else:
        problems.append(
            Problem(
                severity="warning",
                message=f"{etype} on layer {source.layer} is not read "
                "(use lines, polylines, arcs, circles, points or block references)",
                where=Site(source=source),
            )
        )
