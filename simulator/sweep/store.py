"""The result store of a sweep: one small JSON file per finished (variant, replication).

Each run is written atomically under ``DIR/runs/<key>.json``, where :func:`run_key` hashes
everything that decides its numbers (the variant's fingerprint, its drawing, the seed, the
replication number and the package version). A rerun skips every key already stored, so an
interrupted sweep loses nothing that finished.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator import __version__
from simulator.errors import SimulatorError
from simulator.experiment import KPI_COLUMNS
from simulator.output import atomic_write_bytes
from simulator.sweep.variants import Variant

__all__ = [
    "RUN_FORMAT",
    "STORED_COLUMNS",
    "RunStore",
    "encode_run",
    "json_number",
    "run_key",
    "typed_kpis",
]

RUN_FORMAT = "mpp-sim-run/1"
#: Columns of a stored run's rows: the agency (or ``overall``) and every KPI.
STORED_COLUMNS = ("agency", *KPI_COLUMNS)
_COUNT_KPIS = ("arrivals", "served", "turned_away", "abandoned")


def run_key(variant: Variant, *, seed: int, replication: int) -> str:
    """The store key of one (variant, replication): a hash of every input of its numbers."""
    data = {
        "scenario": variant.scenario_sha256,
        "floorplan": variant.floorplan_sha256,
        "seed": seed,
        "replication": replication,
        "version": __version__,
    }
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def json_number(value: Any) -> Any:
    """``value`` with NaN and infinities as ``None`` (JSON has no such numbers)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def typed_kpis(frame: pd.DataFrame) -> pd.DataFrame:
    """KPI columns as int64 (counts) and float64 (NaN where undefined)."""
    return frame.astype({k: ("int64" if k in _COUNT_KPIS else "float64") for k in KPI_COLUMNS})


def encode_run(kpis: pd.DataFrame, meta: dict[str, Any]) -> bytes:
    """The stored form of one run's KPI rows."""
    columns = list(STORED_COLUMNS)
    rows = [
        [json_number(v.item() if isinstance(v, np.generic) else v) for v in row]
        for row in kpis[columns].itertuples(index=False)
    ]
    data = {"format": RUN_FORMAT, **meta, "columns": columns, "rows": rows}
    return (json.dumps(data, allow_nan=False, separators=(",", ":")) + "\n").encode("utf-8")


class RunStore:
    """One JSON file per finished (variant, replication), named by its key, written atomically.

    JSON, never pickle: a store may come from anywhere and is only ever parsed as data. Floats
    are written with Python's shortest round-trip form, so a run read back is bit-identical.
    Rows read through :meth:`rows` are kept in memory, since a sweep reads each run twice (to
    decide on more replications, then to assemble its tables).
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder) / "runs"
        self._rows: dict[str, list[list[Any]]] = {}

    def path(self, key: str) -> Path:
        """Where the run with ``key`` is (or will be) stored."""
        return self.folder / f"{key}.json"

    def has(self, key: str) -> bool:
        """Whether the run with ``key`` is stored."""
        return self.path(key).is_file()

    def put(self, key: str, payload: bytes) -> None:
        """Store a run (bytes from :func:`encode_run`) atomically."""
        atomic_write_bytes(self.path(key), payload)

    def read(self, key: str) -> tuple[dict[str, Any], list[list[Any]]]:
        """A stored run as plain data: its metadata and its rows (columns
        :data:`STORED_COLUMNS`; null for an undefined KPI)."""
        path = self.path(key)
        try:
            data = json.loads(path.read_bytes())
            if data.get("format") != RUN_FORMAT or data.get("key") != key:
                raise ValueError(f"expected format {RUN_FORMAT} and key {key}")
            if data.get("columns") != list(STORED_COLUMNS):
                raise ValueError(f"expected the columns {', '.join(STORED_COLUMNS)}")
            rows = data["rows"]
            if not isinstance(rows, list) or not all(
                isinstance(r, list) and len(r) == len(STORED_COLUMNS) for r in rows
            ):
                raise ValueError(f"expected rows of {len(STORED_COLUMNS)} values")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SimulatorError(
                f"{path}: unreadable stored run ({exc}); delete the file and rerun the sweep"
            ) from None
        meta = {k: v for k, v in data.items() if k not in ("rows", "columns")}
        return meta, rows

    def rows(self, key: str) -> list[list[Any]]:
        """The rows of the run with ``key``, read from disk once."""
        if key not in self._rows:
            self._rows[key] = self.read(key)[1]
        return self._rows[key]

    def get(self, key: str) -> tuple[dict[str, Any], pd.DataFrame]:
        """A stored run: its metadata and its KPI rows (one per agency and ``overall``)."""
        meta, rows = self.read(key)
        return meta, typed_kpis(pd.DataFrame(rows, columns=list(STORED_COLUMNS)))
