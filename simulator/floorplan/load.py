"""Read a floor plan from a file, choosing the loader by extension or content."""

from __future__ import annotations

from pathlib import Path

from simulator.errors import FloorPlanError
from simulator.floorplan.dxf import load_dxf
from simulator.floorplan.geojson import load_geojson
from simulator.floorplan.model import FloorPlan

__all__ = ["load_floorplan"]


def load_floorplan(path: str | Path) -> FloorPlan:
    """Load a DXF (``.dxf``) or GeoJSON (``.geojson``/``.json``) floor plan.

    Other extensions are sniffed: a file starting with ``{`` is GeoJSON, anything else DXF.
    Raises :class:`FloorPlanError` when the file cannot be read at all.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".dxf":
        return load_dxf(path)
    if suffix in (".geojson", ".json"):
        return load_geojson(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(256).lstrip()
    except OSError as exc:
        raise FloorPlanError(f"{path}: cannot open the file ({exc.strerror or exc})") from exc
    return load_geojson(path) if head.startswith(b"{") else load_dxf(path)
