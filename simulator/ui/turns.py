"""Whose replication goes to the app's shared worker pool next: the computation with the fewest
replications left to hand out, the earliest started among equals (shortest remaining first).

Sessions of the app that run different scenarios at once share one pool. Handing their
replications out in turn made every computation finish near the end of all of them, and then
queue together for the server's one interpreter to summarise and draw them. Handing the
shortest computation's replications out first answers the first session in about the time it
takes alone, the next one after it, and so on; each summary and page is drawn while the
workers already compute the next scenario. A short run asked for during a long one is not
stuck behind it. (A long run can wait while shorter ones keep coming: in a hall's planning
office, a rare and brief wait.)

Each replication draws from its own random streams (:mod:`simulator.streams`), so the order
in which they are handed out never changes a result.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

__all__ = ["ShortestFirst"]

T = TypeVar("T")


class ShortestFirst:
    """A gate that the computations sharing one pool pass each of their tasks through."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._left: dict[int, tuple[int, int]] = {}  # ticket -> (work left, ticket)
        self._names: dict[int, str] = {}
        self._tickets = itertools.count()

    @contextmanager
    def turn(
        self, items: Sequence[T], *, name: str = "", sizes: Sequence[int] | None = None
    ) -> Iterator[Iterator[T]]:
        """Within the block, ``items`` are handed out, each when this computation has its
        turn. ``sizes`` weigh the items (a batch of 3 replications weighs 3; 1 each by
        default), so computations compare by the work they have left. It takes part from
        entering (not from its first item), so the order of entering decides ties; leaving,
        however it leaves, lets the others go on."""
        weights = list(sizes) if sizes is not None else [1] * len(items)
        if len(weights) != len(items):
            raise ValueError(f"{len(items)} items but {len(weights)} sizes")
        ticket = next(self._tickets)
        with self._changed:
            if items:
                self._left[ticket] = (sum(weights), ticket)
                self._names[ticket] = name
        try:
            yield self._handed_out(ticket, items, weights)
        finally:
            with self._changed:
                self._forget(ticket)
                self._changed.notify_all()

    def next_up(self) -> str | None:
        """The name of the computation whose task is handed out next (``None`` if none)."""
        with self._changed:
            return self._names[min(self._left.values())[1]] if self._left else None

    def ahead(self, name: str) -> int:
        """How many computations hand out their tasks before the one named (0 when it is next,
        or not waiting at all)."""
        with self._changed:
            mine = [key for ticket, key in self._left.items() if self._names[ticket] == name]
            return sum(key < mine[0] for key in self._left.values()) if mine else 0

    def _handed_out(self, ticket: int, items: Sequence[T], weights: list[int]) -> Iterator[T]:
        left = sum(weights)
        for item, weight in zip(items, weights, strict=True):
            with self._changed:
                self._changed.wait_for(lambda: min(self._left.values())[1] == ticket)
                left -= weight
                if left > 0:
                    self._left[ticket] = (left, ticket)
                else:  # the last one: the others need not wait until it is taken
                    self._forget(ticket)
                self._changed.notify_all()
            yield item

    def _forget(self, ticket: int) -> None:
        self._left.pop(ticket, None)
        self._names.pop(ticket, None)
