"""DXF loader: reads the MPP_* layers of a drawing's model space into a :class:`FloorPlan`.

Only translation happens here (entities -> raw elements in metres); the meaning of the elements
is decided in :mod:`simulator.floorplan.assemble`, shared with the GeoJSON loader.

Block references are read as drafters use them (drawing standard v2): block content is placed
with the full transform of every INSERT on the way (base point, insertion point, scale,
rotation, mirroring, any depth of nesting, MINSERT arrays); content on layer ``0`` takes the
layer of the INSERT that places it. On a point layer (counter, seat, kiosk, info, stair, lift)
an INSERT is one element at its insertion point, unless it holds nested elements of its own
kind (a row of counters, a bench of chairs): then it gives those, and its own lines are
decoration. Attributes (SLOT, AGENCY, NAME, PRIORITY, LINK) belong to the INSERT carrying them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import ezdxf
import ezdxf.path
from ezdxf import recover
from ezdxf.entities.dxfgfx import DXFGraphic
from ezdxf.entities.insert import Insert
from ezdxf.entities.lwpolyline import LWPolyline
from ezdxf.entities.mtext import MText
from ezdxf.entities.polyline import Polyline
from ezdxf.math import Matrix44

from simulator.errors import FloorPlanError
from simulator.floorplan.assemble import (
    KINDS,
    MAX_COORDINATE_M,
    POINT_KINDS,
    RawElement,
    assemble,
)
from simulator.floorplan.limits import MAX_ENTITIES, check_entity_count, check_file_size
from simulator.floorplan.model import ARC_DEVIATION_M, FloorPlan, Location, Problem, Source

__all__ = ["LAYERS", "MAX_BLOCK_DEPTH", "UNIT_FACTORS", "load_dxf"]

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
MAX_BLOCK_DEPTH = 32
"""Deepest nesting of block references read (real drawings nest a few levels)."""
ATTRIBUTE_TAGS = ("SLOT", "AGENCY", "NAME", "PRIORITY", "LINK")

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
        _check_complete(path)
        check_entity_count(path, _count_entities(path), what="entities")
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
    return doc, repairs


def _check_complete(path: Path) -> None:
    """Refuse an ASCII DXF cut short: it must end with the ``EOF`` line. Said with the line
    where the file ends, since whatever ezdxf salvaged from it would be a partial plan."""
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 64))
        tail = handle.read()
    if tail.rstrip().endswith(b"EOF"):
        return
    with path.open("rb") as handle:
        lines = sum(1 for _ in handle)
    raise FloorPlanError(
        f"{path}: not a complete DXF file: it ends at line {lines} without the closing EOF, so "
        "it was cut short (an incomplete copy, download or save); copy or export the drawing "
        "again"
    )


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
    check_entity_count(path, len(msp), what="entities")
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
    reader = _Reader(doc=doc, path=path, factor=factor, problems=problems)
    raws: list[RawElement] = []
    for index, entity in enumerate(msp):
        raws.extend(reader.top(entity, index))
    return assemble(raws, units=units, name=path.name, problems=problems, file_format="dxf")


def _layer(entity: DXFGraphic, inherited: str) -> str:
    """The layer an entity ends up on: its own, or for layer ``0`` the placing INSERT's."""
    layer = str(entity.dxf.get("layer", "0")).strip().upper()
    return inherited if layer == "0" and inherited else layer


def _xy(v: object, factor: float) -> XY:
    return (float(v[0]) * factor, float(v[1]) * factor)  # type: ignore[index]


def _summary(raws: list[RawElement]) -> str:
    counts: dict[str, int] = {}
    for raw in raws:
        counts[raw.kind] = counts.get(raw.kind, 0) + 1
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))


class _Reader:
    """Reads model-space entities, following block references through every level."""

    def __init__(
        self, *, doc: ezdxf.document.Drawing, path: Path, factor: float, problems: list[Problem]
    ) -> None:
        self.doc = doc
        self.path = path
        self.factor = factor
        self.problems = problems
        self.placed = 0
        self.expected = 0
        self._mpp_inside: dict[str, bool] = {}
        self._sizes: dict[str, int] = {}

    def warn(self, message: str, source: Source, xy: XY | None = None) -> None:
        self.problems.append(
            Problem(
                severity="warning",
                message=message,
                where=Location(
                    source=source,
                    x=None if xy is None else round(xy[0], 3),
                    y=None if xy is None else round(xy[1], 3),
                ),
            )
        )

    def top(self, entity: DXFGraphic, index: int) -> list[RawElement]:
        """The raw elements of one model-space entity."""
        layer = _layer(entity, "")
        handle = str(entity.dxf.get("handle", "") or "")
        source = Source(layer=layer, index=index, handle=handle)
        if entity.dxftype() == "INSERT":
            assert isinstance(entity, Insert)
            name = str(entity.dxf.name)
            if layer in LAYERS or self._has_mpp(name):
                # refuse a block bomb before placing anything of it
                self._check_copies(entity, source)
                self.expected += int(entity.mcount) * (1 + self._expanded(name, (), source))
                if self.expected > MAX_ENTITIES:
                    self._count(self.expected)
            found = self._insert(entity, None, layer, source, ())
            if found and layer not in LAYERS:
                name = str(entity.dxf.name)
                self.warn(
                    f"block {name!r} is placed on layer {layer}, not an MPP layer, but holds "
                    f"MPP content ({_summary(found)}); it was read as drawn. Put the block "
                    "reference on the MPP layer it stands for, or keep MPP content out of "
                    "other blocks",
                    source,
                    found[0].coords[0] if found[0].coords else None,
                )
            return found
        kind = LAYERS.get(layer)
        if kind is None:
            return []
        return list(self._entity(entity, None, kind, source))

    def _count(self, n: int) -> None:
        self.placed += n
        if self.placed > MAX_ENTITIES:
            raise FloorPlanError(
                f"{self.path}: the drawing places more than {MAX_ENTITIES:,} entities through "
                "its block references (nested blocks and MINSERT arrays multiply them); at most "
                f"{MAX_ENTITIES:,} are read. Keep furniture and hatching out of the MPP layers' "
                "blocks, or explode the arrays that are not part of the plan"
            )

    def _check_copies(self, entity: Insert, source: Source) -> int:
        copies = int(entity.mcount)
        if copies > MAX_ENTITIES:
            raise FloorPlanError(
                f"{self.path}: the array of block {entity.dxf.name!r} ({source.describe()}) has "
                f"{copies:,} copies; at most {MAX_ENTITIES:,} entities are read"
            )
        return copies

    def _expanded(self, name: str, path: tuple[str, ...], source: Source) -> int:
        """Entities block ``name`` places at every depth (copies of arrays included)."""
        if name in self._sizes:
            return self._sizes[name]
        self._guard(name, path, source)
        block = self.doc.blocks.get(name)
        total = 0
        for child in block if block is not None else ():
            if isinstance(child, Insert):
                copies = int(child.mcount)
                total += copies * (1 + self._expanded(str(child.dxf.name), (*path, name), source))
            else:
                total += 1
            if total > MAX_ENTITIES:
                break
        self._sizes[name] = total
        return total

    def _has_mpp(self, name: str, seen: tuple[str, ...] = ()) -> bool:
        """Whether block ``name`` holds, at any depth, an entity on an MPP layer of its own
        (content on layer 0 counts only where the INSERT's layer is an MPP layer)."""
        if name in self._mpp_inside:
            return self._mpp_inside[name]
        block = self.doc.blocks.get(name)
        found = False
        if block is not None and name not in seen:
            for child in block:
                layer = _layer(child, "")
                if layer in LAYERS:
                    found = True
                elif isinstance(child, Insert):
                    found = self._has_mpp(str(child.dxf.name), (*seen, name))
                if found:
                    break
        self._mpp_inside[name] = found
        return found

    @staticmethod
    def _attribs(entity: Insert) -> dict[str, str]:
        """Attributes of a block reference: constant ones of its block, then its ATTRIBs."""
        out: dict[str, str] = {}
        block = entity.block()
        if block is not None:
            for attdef in block.attdefs():
                if attdef.is_const:
                    out[str(attdef.dxf.tag).strip().upper()] = str(attdef.dxf.text).strip()
        for attrib in entity.attribs:
            out[str(attrib.dxf.tag).strip().upper()] = str(attrib.dxf.text).strip()
        return {k: v for k, v in out.items() if k in ATTRIBUTE_TAGS and v}

    def _insert(
        self,
        entity: Insert,
        parent: Matrix44 | None,
        layer: str,
        source: Source,
        path: tuple[str, ...],
    ) -> list[RawElement]:
        """The raw elements placed by one block reference (every copy of a MINSERT)."""
        name = str(entity.dxf.name)
        block = self.doc.blocks.get(name)
        where = Source(
            layer=layer, index=source.index, handle=source.handle, block=" > ".join(path)
        )
        if block is None:
            self.warn(f"block reference to a missing block {name!r} is not read", where)
            return []
        self._guard(name, path, source)
        kind = LAYERS.get(layer)
        if kind is None and not self._has_mpp(name):
            return []
        copies = self._check_copies(entity, source)
        self._count(copies)
        base = block.block.dxf.base_point if block.block is not None else (0, 0, 0)
        own: list[RawElement] = []
        other: list[RawElement] = []
        marks: list[RawElement] = []
        for copy in entity.multi_insert() if copies > 1 else [entity]:
            matrix = copy.matrix44() if parent is None else copy.matrix44() * parent
            xy = _xy(matrix.transform(base), self.factor)
            marks.append(RawElement(kind=kind or "", shape="point", coords=(xy,), source=where))
            for raw in self._content(block, matrix, layer, source, (*path, name)):
                if kind in POINT_KINDS and raw.kind == kind:
                    if raw.shape == "point":
                        own.append(raw)
                    # lines on the INSERT's own point layer are its symbol: decoration
                else:
                    other.append(raw)
        placed = own if own or kind not in POINT_KINDS else marks
        return self._apply(self._attribs(entity), [*placed, *other], where)

    def _content(
        self,
        block: Iterable[DXFGraphic],
        matrix: Matrix44,
        layer: str,
        source: Source,
        path: tuple[str, ...],
    ) -> Iterator[RawElement]:
        """What one copy of a block places, at any depth (``path``: the blocks entered)."""
        for child in block:
            if child.dxftype() == "ATTDEF":
                continue
            child_layer = _layer(child, layer)
            if isinstance(child, Insert):
                yield from self._insert(child, matrix, child_layer, source, path)
                continue
            child_kind = LAYERS.get(child_layer)
            if child_kind is None:
                continue
            self._count(1)
            child_source = Source(
                layer=child_layer, index=source.index, handle=source.handle, block=" > ".join(path)
            )
            yield from self._entity(child, matrix, child_kind, child_source)

    def _guard(self, name: str, path: tuple[str, ...], source: Source) -> None:
        """Refuse a block that contains itself, or nesting deeper than ``MAX_BLOCK_DEPTH``."""
        if name in path:
            raise FloorPlanError(
                f"{self.path}: block {name!r} contains itself ({' > '.join((*path, name))}, "
                f"{source.describe()}); the drawing cannot be read. Redefine the block in CAD"
            )
        if len(path) >= MAX_BLOCK_DEPTH:
            raise FloorPlanError(
                f"{self.path}: blocks are nested more than {MAX_BLOCK_DEPTH} deep "
                f"({' > '.join(path[:4])} > ..., {source.describe()}); explode some levels"
            )

    def _apply(
        self, attribs: dict[str, str], raws: list[RawElement], where: Source
    ) -> list[RawElement]:
        """Give the INSERT's attributes to what it places: SLOT to the single counter it
        places; AGENCY, NAME, PRIORITY and LINK to every element that has none of its own."""
        if not attribs:
            return raws
        counters = [r for r in raws if r.kind == "counter" and r.shape == "point"]
        slot = attribs.get("SLOT", "")
        if slot and len(counters) > 1:
            self.warn(
                f"the block reference with SLOT {slot!r} places {len(counters)} counters; a "
                "SLOT names one counter, so it was not used (give each counter its own SLOT)",
                where,
                counters[0].coords[0],
            )
            slot = ""
        out = []
        for raw in raws:
            changes: dict[str, str] = {}
            if raw.kind == "counter" and raw.shape == "point" and slot and not raw.slot:
                changes["slot"] = slot
            for tag, attr in (
                ("AGENCY", "agency"),
                ("NAME", "name"),
                ("PRIORITY", "priority"),
                ("LINK", "link"),
            ):
                if attribs.get(tag) and not getattr(raw, attr):
                    changes[attr] = attribs[tag]
            out.append(
                replace(
                    raw,
                    slot=changes.get("slot", raw.slot),
                    agency=changes.get("agency", raw.agency),
                    name=changes.get("name", raw.name),
                    priority=changes.get("priority", raw.priority),
                    link=changes.get("link", raw.link),
                )
                if changes
                else raw
            )
        return out

    def _entity(
        self, entity: DXFGraphic, matrix: Matrix44 | None, kind: str, source: Source
    ) -> Iterator[RawElement]:
        """One entity that is not a block reference, in metres (placed by ``matrix``)."""
        factor = self.factor
        etype = entity.dxftype()

        def place(v: object) -> XY:
            return _xy(v if matrix is None else matrix.transform(v), factor)

        if etype == "POINT":
            if matrix is not None and kind not in POINT_KINDS:
                return  # a marker inside a block drawn on an area layer
            yield RawElement(
                kind=kind, shape="point", coords=(place(entity.dxf.location),), source=source
            )
        elif etype in ("TEXT", "MTEXT"):
            text = entity.plain_text() if isinstance(entity, MText) else entity.dxf.get("text", "")
            insert = (
                entity.ocs().to_wcs(entity.dxf.insert) if etype == "TEXT" else entity.dxf.insert
            )
            yield RawElement(
                kind=kind, shape="text", coords=(place(insert),), source=source, name=str(text)
            )
        elif etype == "CIRCLE" and _is_similarity(matrix):
            centre = place(entity.ocs().to_wcs(entity.dxf.center))
            scale = 1.0 if matrix is None else matrix.transform_direction((1, 0, 0)).magnitude
            yield RawElement(
                kind=kind,
                shape="circle",
                coords=(centre,),
                radius=float(entity.dxf.radius) * scale * factor,
                source=source,
            )
        elif etype in ("LINE", "LWPOLYLINE", "POLYLINE", "ARC", "ELLIPSE", "SPLINE", "CIRCLE"):
            yield from self._curve(entity, matrix, kind, source)
        else:
            self.warn(
                f"{etype} on layer {source.layer} is not read "
                "(use lines, polylines, arcs, circles, points or block references)",
                source,
            )

    def _curve(
        self, entity: DXFGraphic, matrix: Matrix44 | None, kind: str, source: Source
    ) -> Iterator[RawElement]:
        """A line, polyline, arc, ellipse, spline or distorted circle, flattened."""
        factor = self.factor
        etype = entity.dxftype()
        if isinstance(entity, Polyline) and (entity.is_poly_face_mesh or entity.is_polygon_mesh):
            self.warn(f"mesh on layer {source.layer} is not read", source)
            return
        if isinstance(entity, LWPolyline):
            closed = bool(entity.closed)
        elif isinstance(entity, Polyline):
            closed = bool(entity.is_closed)
        else:
            closed = etype == "CIRCLE"
        path = ezdxf.path.make_path(entity)
        if matrix is not None:
            path = path.transform(matrix)
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


def _is_similarity(matrix: Matrix44 | None) -> bool:
    """True when ``matrix`` keeps circles circles (same scale on both axes, no shear)."""
    if matrix is None:
        return True
    ux = matrix.transform_direction((1, 0, 0))
    uy = matrix.transform_direction((0, 1, 0))
    return bool(
        abs(ux.magnitude - uy.magnitude) <= 1e-9 * max(ux.magnitude, 1e-12)
        and abs(ux.dot(uy)) <= 1e-9 * ux.magnitude * uy.magnitude
        and abs(ux.z) <= 1e-9
        and abs(uy.z) <= 1e-9
    )
