"""DXF loader: reads the MPP_* layers of a drawing's model space into a :class:`FloorPlan`.

Only translation happens here (entities -> raw elements in metres); the meaning of the elements
is decided in :mod:`simulator.floorplan.assemble`, shared with the GeoJSON loader.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import ezdxf
import ezdxf.path
from ezdxf import recover
from ezdxf.entities import DXFGraphic

from simulator.errors import FloorPlanError
from simulator.floorplan.assemble import KINDS, POINT_KINDS, RawElement, assemble
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


def _read(path: Path) -> ezdxf.document.Drawing:
    check_file_size(path)
    head = path.read_bytes()[:64]
    if not head.strip():
        raise FloorPlanError(f"{path}: the file is empty")
    if b"\x00" in head and not head.startswith(b"AutoCAD Binary DXF"):
        raise FloorPlanError(f"{path}: not a DXF file (binary content)")
    try:
        doc, _auditor = recover.readfile(str(path))
    except Exception as exc:  # ezdxf raises many types for broken files
        raise FloorPlanError(f"{path}: not a readable DXF file ({exc})") from exc
    return doc


def load_dxf(path: str | Path) -> FloorPlan:
    """Read a DXF drawing (damaged files through ``ezdxf.recover``).

    Raises :class:`FloorPlanError` when the file cannot be read at all; problems inside a
    readable drawing end up in ``plan.problems``.
    """
    path = Path(path)
    doc = _read(path)
    try:
        return _interpret(doc, path)
    except FloorPlanError:
        raise
    except Exception as exc:  # a drawing ezdxf accepted but that is malformed inside
        raise FloorPlanError(f"{path}: the drawing could not be interpreted ({exc})") from exc


def _interpret(doc: ezdxf.document.Drawing, path: Path) -> FloorPlan:
    problems: list[Problem] = []
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
