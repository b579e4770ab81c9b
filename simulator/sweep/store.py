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
from simulator.metrics import OVERALL
from simulator.output import atomic_write_bytes
from simulator.pooled import SUM_COLUMNS
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

RUN_FORMAT = "mpp-sim-run/2"
#: Columns of a stored run's rows: the agency (or ``overall``), every KPI, and the day's sums
#: from which several days pool into one figure.
STORED_COLUMNS = ("agency", *KPI_COLUMNS, *(c for c in SUM_COLUMNS if c not in KPI_COLUMNS))
#: Columns of a stored run's holders: agency (index into ``agencies``), wait (null: never
#: called), priority (0 or 1), channel (0 walk-in, 1 booked).
WAIT_STORED = ("agency", "wait_min", "priority", "channel")
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
    return frame.astype(
        {k: ("int64" if k in _COUNT_KPIS else "float64") for k in STORED_COLUMNS[1:]}
    )


def encode_run(kpis: pd.DataFrame, waits: pd.DataFrame, meta: dict[str, Any]) -> bytes:
    """The stored form of one run: its KPI rows and its ticket holders' waits."""
    columns = list(STORED_COLUMNS)
    rows = [
        [json_number(v.item() if isinstance(v, np.generic) else v) for v in row]
        for row in kpis[columns].itertuples(index=False)
    ]
    agencies = [a for a in kpis["agency"].tolist() if a != OVERALL]
    index = {a: i for i, a in enumerate(agencies)}
    holders = [
        [index[a], json_number(float(w)), int(bool(p)), int(c)]
        for a, w, p, c in zip(
            waits["agency"], waits["wait_min"], waits["priority"], waits["channel"], strict=True
        )
    ]
    data = {
        "format": RUN_FORMAT,
        **meta,
        "columns": columns,
        "rows": rows,
        "agencies": agencies,
        "waits": {"columns": list(WAIT_STORED), "rows": holders},
    }
    return (json.dumps(data, allow_nan=False, separators=(",", ":")) + "\n").encode("utf-8")


def _decode_waits(data: dict[str, Any]) -> pd.DataFrame:
    agencies = data["agencies"]
    block = data["waits"]
    if block.get("columns") != list(WAIT_STORED):
        raise ValueError(f"expected wait columns {', '.join(WAIT_STORED)}")
    rows = block["rows"]
    return pd.DataFrame(
        {
            "agency": [agencies[r[0]] for r in rows],
            "wait_min": [math.inf if r[1] is None else float(r[1]) for r in rows],
            "priority": [bool(r[2]) for r in rows],
            "channel": [int(r[3]) for r in rows],
        }
    )


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
        self._waits: dict[str, pd.DataFrame] = {}

    def path(self, key: str) -> Path:
        """Where the run with ``key`` is (or will be) stored."""
        return self.folder / f"{key}.json"

    def has(self, key: str) -> bool:
        """Whether the run with ``key`` is stored."""
        return self.path(key).is_file()

    def put(self, key: str, payload: bytes) -> None:
        """Store a run (bytes from :func:`encode_run`) atomically."""
        atomic_write_bytes(self.path(key), payload)

    def read(self, key: str) -> tuple[dict[str, Any], list[list[Any]], pd.DataFrame]:
        """A stored run: its metadata, its rows (columns :data:`STORED_COLUMNS`; null for an
        undefined KPI) and its holders' waits."""
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
            waits = _decode_waits(data)
        except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            raise SimulatorError(
                f"{path}: unreadable stored run ({exc}); delete the file and rerun the sweep"
            ) from None
        meta = {k: v for k, v in data.items() if k not in ("rows", "columns", "agencies", "waits")}
        return meta, rows, waits

    def rows(self, key: str) -> list[list[Any]]:
        """The rows of the run with ``key``, read from disk once."""
        if key not in self._rows:
            _, self._rows[key], self._waits[key] = self.read(key)
        return self._rows[key]

    def waits(self, key: str) -> pd.DataFrame:
        """The holders' waits of the run with ``key`` (inf: never called), read once."""
        if key not in self._waits:
            _, self._rows[key], self._waits[key] = self.read(key)
        return self._waits[key]

    def get(self, key: str) -> tuple[dict[str, Any], pd.DataFrame]:
        """A stored run: its metadata and its KPI rows (one per agency and ``overall``)."""
        meta, rows, _ = self.read(key)
        return meta, typed_kpis(pd.DataFrame(rows, columns=list(STORED_COLUMNS)))
