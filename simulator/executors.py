"""Where replications run: here, in a local process pool, or on a dask.distributed cluster.

Every backend offers one operation, :meth:`Executor.map_unordered`: apply a picklable top-level
function to a list of items and yield ``(index, result)`` pairs as they finish, in whatever order
they finish. Callers store or combine results by index, never by arrival order, so nothing they
compute depends on the backend or on how many workers share the work (each replication draws
from its own named random streams).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from typing import Literal, TypeVar

from simulator.errors import SimulatorError

__all__ = [
    "DaskExecutor",
    "Executor",
    "ExecutorKind",
    "InlineExecutor",
    "LocalExecutor",
    "make_executor",
]

T = TypeVar("T")
R = TypeVar("R")
ExecutorKind = Literal["local", "dask"]

#: Tasks kept in flight per worker: enough to keep workers busy, few enough to stop quickly.
_IN_FLIGHT_PER_WORKER = 4


class Executor(ABC):
    """Runs a function over items somewhere and hands back results as they finish."""

    #: How many tasks can run at the same time.
    workers: int = 1

    @abstractmethod
    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[int, R]]:
        """Yield ``(index, fn(items[index]))`` for every item, in completion order."""

    @abstractmethod
    def close(self) -> None:
        """Release workers and connections (idempotent)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InlineExecutor(Executor):
    """Runs everything in this process, in order (``--jobs 1``): no start-up cost at all."""

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[int, R]]:
        """Yield ``(index, fn(item))`` pairs in order, computed here."""
        for index, item in enumerate(items):
            yield index, fn(item)

    def close(self) -> None:
        """Nothing to release."""


#: Modules a worker needs for every task, imported once by the fork server, not per worker.
WORKER_MODULES = ("simulator.experiment",)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exit_with_parent(parent: int) -> None:
    while _alive(parent):
        time.sleep(0.5)
    os._exit(1)


def _worker_context(preload: Sequence[str]) -> BaseContext:
    """Workers start from a fork server, never by forking this process. A fork copies every
    open file and socket: the app's workers, forked from the Streamlit server, kept its browser
    connections open, so a connection the server had closed stayed open for the browser, whose
    next request on it never got an answer (charts that never loaded). Forking a process that
    runs threads is unsafe besides. The fork server imports ``preload`` once for all workers."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    return context


def _init_worker(parent: int) -> None:
    """Worker initializer: Ctrl-C is handled by the parent, which stops the pool; a worker
    whose parent was killed (``kill -9``) exits instead of waiting for work forever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


class LocalExecutor(Executor):
    """A pool of ``jobs`` worker processes on this machine, started from a fork server that has
    imported ``preload`` (the modules the tasks' functions live in)."""

    def __init__(self, *, jobs: int, preload: Sequence[str] = WORKER_MODULES) -> None:
        if jobs < 1:
            raise SimulatorError(f"a local executor needs at least 1 worker process, got {jobs}")
        self.workers = jobs
        self._preload = tuple(preload)
        self._pool: ProcessPoolExecutor | None = None
        self._pool_lock = threading.Lock()  # threads of one server share the pool (the app)

    def _get_pool(self) -> ProcessPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=_worker_context(self._preload),
                    initializer=_init_worker,
                    initargs=(os.getpid(),),
                )
            return self._pool

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[int, R]]:
        """Yield ``(index, fn(item))`` pairs as tasks finish."""
        pool = self._get_pool()
        source = enumerate(items)
        pending: dict[Future[R], int] = {}
        limit = self.workers * _IN_FLIGHT_PER_WORKER
        exhausted = False
        try:
            while True:
                while not exhausted and len(pending) < limit:
                    nxt = next(source, None)
                    if nxt is None:
                        exhausted = True
                        break
                    try:
                        pending[pool.submit(fn, nxt[1])] = nxt[0]
                    except RuntimeError as exc:  # closed, or the interpreter is exiting
                        raise SimulatorError(
                            f"the worker processes were stopped ({exc}); the program is "
                            "stopping, so this run was not finished"
                        ) from None
                if not pending:
                    return
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=pending.__getitem__):
                    result = future.result()
                    yield pending.pop(future), result
        except BrokenProcessPool:
            # seen by the future of the task that died, or by the next submit to the pool
            raise SimulatorError(
                "a worker process stopped unexpectedly (killed, or out of memory); "
                "rerun the command (a sweep resumes where it stopped)"
            ) from None
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        """Stop the workers (idempotent)."""
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _worker_version() -> str:
    from simulator import __version__

    return __version__


class DaskExecutor(Executor):
    """Tasks on a dask.distributed cluster reached at ``address`` (e.g. ``tcp://host:8786``).

    Every worker must run the same mpp-sim version as this process; that is checked on connect,
    because a different engine would give different numbers under the same seed.
    """

    def __init__(self, *, address: str, timeout_s: float = 10.0) -> None:
        from distributed import Client

        from simulator import __version__

        try:
            self._client = Client(address, timeout=f"{timeout_s}s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise SimulatorError(
                f"cannot reach the dask scheduler at {address!r}: {exc}; expected the address "
                "of a running scheduler, e.g. tcp://127.0.0.1:8786"
            ) from None
        try:
            versions = self._client.run(_worker_version)
        except Exception as exc:
            self._client.close()
            raise SimulatorError(
                f"dask workers at {address!r} cannot import the simulator: {exc}"
            ) from None
        wrong = {w: v for w, v in versions.items() if v != __version__}
        if wrong:
            self._client.close()
            raise SimulatorError(
                f"dask workers run mpp-sim {sorted(set(wrong.values()))}, this is {__version__}; "
                "install the same version everywhere"
            )
        self.workers = max(1, sum(self._client.nthreads().values()))
        self._prefix = f"mpp-{os.getpid()}-{id(self)}"
        self._batch = 0

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[int, R]]:
        """Yield ``(index, fn(item))`` pairs as tasks finish."""
        from distributed import as_completed

        self._batch += 1
        source = enumerate(items)
        index: dict[str, int] = {}
        live: dict[str, object] = {}
        limit = self.workers * _IN_FLIGHT_PER_WORKER

        def submit_next() -> object | None:
            nxt = next(source, None)
            if nxt is None:
                return None
            key = f"{self._prefix}-{self._batch}-{nxt[0]}"
            future = self._client.submit(fn, nxt[1], key=key, pure=False)
            index[key] = nxt[0]
            live[key] = future
            return future

        first = [f for f in (submit_next() for _ in range(limit)) if f is not None]
        if not first:
            return
        queue = as_completed(first, loop=self._client.loop)
        try:
            for future in queue:
                result = future.result()
                live.pop(future.key, None)
                more = submit_next()
                if more is not None:
                    queue.add(more)
                yield index[future.key], result
        finally:
            self._client.cancel([f for f in live.values()])

    def close(self) -> None:
        """Disconnect from the cluster (its workers keep running)."""
        self._client.close()


def make_executor(
    kind: ExecutorKind = "local", *, jobs: int = 1, scheduler: str | None = None
) -> Executor:
    """The executor of ``kind``: ``local`` with ``jobs`` processes (this process for one), or
    ``dask`` on the cluster whose scheduler is at ``scheduler``."""
    if kind == "local":
        if scheduler is not None:
            raise SimulatorError(
                f"a scheduler address ({scheduler}) is only used with the dask executor"
            )
        return InlineExecutor() if jobs == 1 else LocalExecutor(jobs=jobs)
    if kind == "dask":
        if not scheduler:
            raise SimulatorError(
                "the dask executor needs a scheduler address, e.g. tcp://127.0.0.1:8786"
            )
        return DaskExecutor(address=scheduler)
    raise SimulatorError(f"unknown executor {kind!r}; expected local or dask")
