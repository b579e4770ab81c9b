"""Which tickets are first visits, and which came on from another agency (``visit`` links them).

A visitor sent on by one agency takes a new ticket at the next; both tickets carry the same
``visit`` id on the same date. Only first visits are the agency's own demand (the scenario's
``visitors_per_day``); later tickets of a visit are transfers (the scenario's ``transfers``).
Without a ``visit`` column every ticket counts as a first visit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["first_visits", "transfer_counts"]


def _ordered_visits(tickets: pd.DataFrame) -> pd.DataFrame:
    linked = tickets[tickets["visit"] != ""]
    return linked.sort_values(["date", "visit", "issued", "line"], kind="stable")


def first_visits(tickets: pd.DataFrame) -> np.ndarray:
    """A mask over ``tickets``: the ticket is the first of its visit (or has no visit id)."""
    ordered = _ordered_visits(tickets)
    later = ordered.duplicated(["date", "visit"], keep="first")
    mask = np.ones(len(tickets), dtype=bool)
    mask[tickets.index.get_indexer(ordered.index[later.to_numpy()])] = False
    return mask


def transfer_counts(tickets: pd.DataFrame) -> pd.DataFrame:
    """Moves between agencies within one visit: columns ``from``, ``to``, ``count``.

    A move is a ticket followed, in the same visit, by a ticket at another agency after the
    first was served or transferred (the engine sends on only visitors served on their first
    visit, so only a visit's first move counts).
    """
    ordered = _ordered_visits(tickets)
    if ordered.empty:
        return pd.DataFrame({"from": [], "to": [], "count": []})
    same_visit = (ordered["date"].shift(-1) == ordered["date"]) & (
        ordered["visit"].shift(-1) == ordered["visit"]
    )
    first = ~ordered.duplicated(["date", "visit"], keep="first")
    moved = (
        same_visit
        & first
        & ordered["outcome"].isin(("served", "transferred"))
        & (ordered["agency"].shift(-1) != ordered["agency"])
    )
    moves = pd.DataFrame(
        {"from": ordered["agency"][moved], "to": ordered["agency"].shift(-1)[moved]}
    )
    counts = moves.groupby(["from", "to"]).size().rename("count").reset_index()
    return counts.sort_values(["from", "to"]).reset_index(drop=True)
