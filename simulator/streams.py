"""Named random streams: one independent ``numpy`` generator per (replication, owner, purpose).

Streams are derived from the run's seed with ``numpy.random.SeedSequence`` and a spawn key built
from stable hashes of the owner's name and the purpose, never from the order in which agencies
are listed. Changing one agency's counters, or adding an agency, therefore leaves every other
agency's draws untouched (common random numbers across variants).
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["PURPOSES", "stream"]

#: The purposes a stream may serve; each agency draws each purpose from its own stream.
PURPOSES = (
    "arrivals",
    "visitors",
    "front-office",
    "service",
    "patience",
    "transfer",
    "booking",
)


def _key(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def stream(*, seed: int, replication: int, owner: str, purpose: str) -> np.random.Generator:
    """The generator for ``purpose`` of ``owner`` (an agency id) in ``replication``."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown stream purpose {purpose!r}; expected one of {PURPOSES}")
    if replication < 0:
        raise ValueError(f"replication must be >= 0, got {replication}")
    sequence = np.random.SeedSequence(
        entropy=seed, spawn_key=(replication, _key(owner), _key(purpose))
    )
    return np.random.Generator(np.random.PCG64(sequence))
