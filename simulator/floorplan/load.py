"""Read a floor plan from a file, choosing the loader by extension or content."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from simulator.errors import FloorPlanError
from simulator.floorplan.dxf import load_dxf
from simulator.floorplan.geojson import load_geojson
from simulator.floorplan.model import Building, FloorPlan

__all__ = ["load_building", "load_floorplan"]


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


def load_building(paths: Sequence[str | Path], *, levels: Sequence[int] | None = None) -> Building:
    """Load one floor plan per file as a building; ``levels`` default to 0, 1, 2 ... in the
    order given."""
    chosen = list(levels) if levels is not None else list(range(len(paths)))
    if len(chosen) != len(paths):
        raise FloorPlanError(
            f"{len(paths)} floor-plan files but {len(chosen)} levels ({chosen}); give one "
            "level per file"
        )
    if len(set(chosen)) != len(chosen):
        raise FloorPlanError(f"two floor-plan files have the same level: {chosen}")
    floors = tuple(load_floorplan(p) for p in paths)
    order = sorted(range(len(floors)), key=lambda i: chosen[i])
    return Building(
        floors=tuple(floors[i] for i in order),
        levels=tuple(chosen[i] for i in order),
        name=" + ".join(Path(paths[i]).stem for i in order),
    )
