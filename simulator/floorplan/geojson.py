"""GeoJSON loader: a FeatureCollection in plan metres with ``properties.kind`` per feature."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from simulator.errors import FloorPlanError
from simulator.floorplan.assemble import KINDS, RawElement, assemble
from simulator.floorplan.limits import check_entity_count, check_file_size
from simulator.floorplan.model import FloorPlan, Location, Problem, Source

__all__ = ["load_geojson"]

XY = tuple[float, float]


def load_geojson(path: str | Path) -> FloorPlan:
    """Read a GeoJSON floor plan.

    Raises :class:`FloorPlanError` when the file is not a GeoJSON FeatureCollection at all;
    problems with single features end up in ``plan.problems``.
    """
    path = Path(path)
    check_file_size(path)
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FloorPlanError(f"{path}: not a readable JSON file (UTF-16 text); save it as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FloorPlanError(
            f"{path}: not a readable JSON file (not UTF-8 text: byte 0x{raw[exc.start]:02x} at "
            f"offset {exc.start}); save it as UTF-8"
        ) from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise FloorPlanError(f"{path}: not a readable JSON file (nested too deeply)") from None
    except ValueError as exc:
        raise FloorPlanError(f"{path}: not a readable JSON file ({exc})") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise FloorPlanError(f"{path}: expected a GeoJSON FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list):
        raise FloorPlanError(f"{path}: 'features' must be a list")
    check_entity_count(path, len(features), what="features")
    problems: list[Problem] = []
    raws: list[RawElement] = []
    for index, feature in enumerate(features):
        source = Source(index=index)
        try:
            raws.extend(_elements(feature, source, problems))
        except (
            TypeError,
            ValueError,
            ArithmeticError,
            IndexError,
            KeyError,
            AttributeError,
        ) as exc:
            problems.append(
                Problem(
                    severity="error",
                    message=f"feature geometry is not readable ({exc})",
                    where=Location(source=source),
                )
            )
    problems.extend(_degrees_warning(raws))
    try:
        return assemble(raws, units="m", name=path.name, problems=problems, file_format="geojson")
    except Exception as exc:  # defensive: never let a malformed file escape as a traceback
        raise FloorPlanError(f"{path}: the plan could not be interpreted ({exc})") from exc


def _degrees_warning(raws: list[RawElement]) -> list[Problem]:
    """An error when the whole drawing spans less than a metre inside lon/lat range: the file
    was most likely exported in WGS84 degrees, not in plan metres."""
    points = [
        (x, y) for raw in raws for x, y in raw.coords if math.isfinite(x) and math.isfinite(y)
    ]
    if len(points) < 3:
        return []
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys))
    in_range = all(abs(x) <= 180 and abs(y) <= 90 for x, y in points)
    if not in_range or span >= 1.0:
        return []
    return [
        Problem(
            severity="error",
            message=f"the whole plan spans only {span:.4g} m and its coordinates look like "
            "longitude/latitude degrees; a GeoJSON floor plan must be in plan metres "
            "(export it in a local metric system, not WGS84)",
        )
    ]


def _flag(value: object) -> str:
    """A yes/no property as text (``true`` for JSON true)."""
    if isinstance(value, bool):
        return "true" if value else ""
    return "" if value is None else str(value)


def _xy(value: object) -> XY:
    if not isinstance(value, list | tuple) or len(value) < 2:
        raise ValueError(f"position {value!r} is not [x, y]")
    x, y = value[0], value[1]
    if (
        isinstance(x, bool)
        or isinstance(y, bool)
        or not isinstance(x, int | float)
        or not isinstance(y, int | float)
    ):
        raise ValueError(f"position {value!r} is not numeric")
    try:
        return (float(x), float(y))
    except OverflowError:
        raise ValueError("a coordinate is too large to be a number of metres") from None


def _ring(value: object) -> tuple[XY, ...]:
    if not isinstance(value, list):
        raise ValueError("ring is not a list of positions")
    return tuple(_xy(p) for p in value)


def _elements(feature: object, source: Source, problems: list[Problem]) -> Iterator[RawElement]:
    if not isinstance(feature, dict):
        raise ValueError("feature is not an object")
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        raise ValueError("properties is not an object")
    kind = str(props.get("kind", "")).strip().lower()
    if kind not in KINDS:
        problems.append(
            Problem(
                severity="warning",
                message=f"properties.kind {kind!r} is not one of {', '.join(KINDS)}; the "
                "feature is ignored",
                where=Location(source=source),
            )
        )
        return
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        raise ValueError("feature has no geometry")
    base = RawElement(
        kind=kind,
        shape="point",
        coords=(),
        source=source,
        slot=str(props.get("slot") or ""),
        agency=str(props.get("agency") or ""),
        name=str(props.get("name") or ""),
        priority=_flag(props.get("priority")),
        link=str(props.get("link") or ""),
    )
    for shape, at, holes, radius in _shapes(geometry, props.get("radius")):
        closed = shape == "line" and len(at) > 3 and at[0] == at[-1]
        yield replace(base, shape=shape, coords=at, closed=closed, holes=holes, radius=radius)


Shape = tuple[str, tuple[XY, ...], tuple[tuple[XY, ...], ...], float]


def _shapes(geometry: dict[str, Any], radius: object) -> Iterator[Shape]:
    """(shape, coordinates, holes, radius) of each part of a geometry."""
    gtype = geometry.get("type")
    coords: Any = geometry.get("coordinates")
    if gtype == "Point" and radius is not None:
        r = float(radius)  # type: ignore[arg-type]
        if not math.isfinite(r) or r <= 0:
            raise ValueError(f"radius {radius!r} must be a positive number")
        yield ("circle", (_xy(coords),), (), r)
    elif gtype in ("Point", "MultiPoint"):
        for p in [coords] if gtype == "Point" else coords:
            yield ("point", (_xy(p),), (), 0.0)
    elif gtype in ("LineString", "MultiLineString"):
        for part in [coords] if gtype == "LineString" else coords:
            yield ("line", _ring(part), (), 0.0)
    elif gtype in ("Polygon", "MultiPolygon"):
        for poly in [coords] if gtype == "Polygon" else list(coords):
            if not isinstance(poly, list) or not poly:
                raise ValueError("polygon has no rings")
            yield ("polygon", _ring(poly[0]), tuple(_ring(h) for h in poly[1:]), 0.0)
    else:
        raise ValueError(f"geometry type {gtype!r} is not supported")
