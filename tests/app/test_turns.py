"""The shared pool's turns: the computation with the fewest replications left goes first."""

from __future__ import annotations

import threading

import pytest

from simulator.ui.turns import ShortestFirst


def test_the_shortest_goes_first_and_the_earliest_among_equals() -> None:
    gate = ShortestFirst()
    with gate.turn(["l1", "l2", "l3"], name="long") as long:
        assert gate.next_up() == "long"
        with gate.turn(["s1"], name="short") as short:
            assert gate.next_up() == "short"  # came later, but one left against three
            assert list(short) == ["s1"]
            assert gate.next_up() == "long"
        assert next(long) == "l1"  # two left now
        with gate.turn(["x1", "x2"], name="later") as later:
            assert gate.next_up() == "long"  # two against two: the earlier one
            assert list(long) == ["l2", "l3"]
            assert gate.next_up() == "later"
            assert list(later) == ["x1", "x2"]
    assert gate.next_up() is None


def test_leaving_without_taking_every_item_lets_the_others_go_on() -> None:
    gate = ShortestFirst()
    with pytest.raises(RuntimeError), gate.turn([1], name="failed"):
        raise RuntimeError("the pool stopped before the first task")
    with gate.turn([1, 2], name="next") as items:
        assert gate.next_up() == "next"  # not the one that left (it would block forever)
        assert list(items) == [1, 2]
    assert gate.next_up() is None


def test_a_longer_computation_waits_in_its_own_thread_until_the_shorter_handed_out_all() -> None:
    gate = ShortestFirst()
    taken: list[str] = []
    with gate.turn(["a1", "a2"], name="a") as a, gate.turn(["b1", "b2", "b3"], name="b") as b:

        def take_b() -> None:
            taken.extend(b)

        waiting = threading.Thread(target=take_b)
        waiting.start()  # blocks on its first item: "a" has fewer left
        for item in a:
            taken.append(item)
        waiting.join(timeout=10)
        assert not waiting.is_alive()
    assert taken.index("a1") < taken.index("b1")
    assert sorted(taken) == ["a1", "a2", "b1", "b2", "b3"]
    assert [t for t in taken if t[0] == "b"] == ["b1", "b2", "b3"]


def test_each_computation_knows_how_many_go_before_it() -> None:
    gate = ShortestFirst()
    with (
        gate.turn(["a1", "a2", "a3"], name="a"),
        gate.turn(["b1"], name="b") as b,
        gate.turn(["c1", "c2", "c3"], name="c"),
    ):
        assert [gate.ahead(n) for n in "abc"] == [1, 0, 2]
        assert gate.ahead("not waiting") == 0
        assert list(b) == ["b1"]
        assert [gate.ahead(n) for n in "abc"] == [0, 0, 1]
    assert [gate.ahead(n) for n in "abc"] == [0, 0, 0]


def test_computations_compare_by_the_work_they_have_left() -> None:
    """Ten batches of one replication go before ten batches of three."""
    gate = ShortestFirst()
    with (
        gate.turn(list(range(10)), name="30 replications", sizes=[3] * 10),
        gate.turn(list(range(10)), name="10 replications", sizes=[1] * 10),
    ):
        assert gate.next_up() == "10 replications"
    with pytest.raises(ValueError, match="2 items but 1 sizes"), gate.turn([1, 2], sizes=[1]):
        pass
