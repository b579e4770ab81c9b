"""Size limits on floor-plan files, so a wrong or hostile file fails fast with a clear message."""

from __future__ import annotations

from pathlib import Path

from simulator.errors import FloorPlanError

__all__ = ["MAX_ENTITIES", "MAX_FILE_BYTES", "check_entity_count", "check_file_size"]

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Largest floor-plan file read (50 MB): a building floor is a few MB even with furniture."""
MAX_ENTITIES = 200_000
"""Most model-space entities (DXF) or features (GeoJSON) read from one file."""


def check_file_size(path: Path) -> None:
    """Refuse missing, empty or oversized files before parsing them."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FloorPlanError(f"{path}: cannot open the file ({exc.strerror or exc})") from exc
    if not path.is_file():
        raise FloorPlanError(f"{path}: not a file")
    if size == 0:
        raise FloorPlanError(f"{path}: the file is empty")
    if size > MAX_FILE_BYTES:
        raise FloorPlanError(
            f"{path}: the file is {size / 1e6:.0f} MB; at most {MAX_FILE_BYTES // 2**20} MB are "
            "read. Remove furniture, hatching and xrefs, or keep only the MPP_* layers"
        )


def check_entity_count(path: Path, count: int, *, what: str) -> None:
    """Refuse drawings with more elements than the tool handles.

    ``what`` is ``entities`` (DXF model space) or ``features`` (GeoJSON); the advice is given
    in the file's own terms.
    """
    if count > MAX_ENTITIES:
        hint = (
            "Keep only the MPP_* layers (e.g. WBLOCK them into a new drawing)"
            if what == "entities"
            else "Keep only the features of the plan (one per floor, wall, obstacle, door, "
            "counter, zone, seat ...)"
        )
        raise FloorPlanError(
            f"{path}: the file has {count:,} {what}; at most {MAX_ENTITIES:,} are read. {hint}"
        )
