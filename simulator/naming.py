"""How labels sort: slot labels such as ``A2`` come before ``A10`` everywhere."""

from __future__ import annotations

import re

__all__ = ["natural_key"]


def natural_key(label: str) -> tuple[object, ...]:
    """Sort key that puts A2 before A10."""
    return tuple(int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", label))
