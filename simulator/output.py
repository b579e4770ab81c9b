"""Result files written atomically: a reader sees the whole file or none of it.

Each file is written to a temporary name in the target folder, flushed to disk, then renamed over
the final name (``os.replace`` is atomic on one file system). An interrupted or failed write
leaves no partial file behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from simulator.errors import SimulatorError
from simulator.scenario import Scenario, layout_relative_to, scenario_to_yaml

__all__ = [
    "TableFormat",
    "atomic_write_bytes",
    "file_sha256",
    "write_json",
    "write_scenario",
    "write_table",
]

TableFormat = Literal["csv", "parquet"]


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically, creating its folder if needed."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise SimulatorError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise SimulatorError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise
    return path


def write_table(frame: pd.DataFrame, path: str | Path, fmt: TableFormat = "csv") -> Path:
    """Write a table as CSV or Parquet, atomically; the suffix follows ``fmt``."""
    path = Path(path).with_suffix(f".{fmt}")
    buffer = io.BytesIO()
    if fmt == "csv":
        buffer.write(frame.to_csv(index=False).encode("utf-8"))
    elif fmt == "parquet":
        frame.to_parquet(buffer, index=False)
    else:
        raise SimulatorError(f"unknown table format {fmt!r}; expected csv or parquet")
    return atomic_write_bytes(path, buffer.getvalue())


def write_json(data: Any, path: str | Path) -> Path:
    """Write ``data`` as pretty JSON, atomically."""
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False, default=str)
    return atomic_write_bytes(path, (text + "\n").encode("utf-8"))


def write_scenario(scenario: Scenario, path: str | Path, *, comment: str = "") -> Path:
    """Write ``scenario`` as a YAML file that runs as it is, atomically: its floor-plan paths
    are written relative to the file's folder. ``comment`` lines go first, as ``#`` lines."""
    path = Path(path)
    text = scenario_to_yaml(layout_relative_to(scenario, path.parent))
    head = "".join(f"# {line}\n" for line in comment.splitlines())
    return atomic_write_bytes(path, (head + text).encode("utf-8"))


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes (to record exactly which inputs produced a result)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
