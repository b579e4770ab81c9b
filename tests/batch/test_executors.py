"""The local process pool: its workers start clean, whatever the process that starts them holds."""

from __future__ import annotations

import os
import socket

import psutil

from simulator.executors import LocalExecutor


def test_workers_do_not_hold_the_sockets_of_the_process_that_started_them():
    """The app's server starts the pool while browsers are connected to it: a worker holding a
    copy of such a connection keeps it open after the server closed it, and the browser's next
    request on it is never answered."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        with LocalExecutor(jobs=2) as executor:
            assert sorted(r for _, r in executor.map_unordered(abs, [-1, -2])) == [1, 2]
            started = psutil.Process(os.getpid()).children(recursive=True)
            assert len(started) >= 2  # the workers (and the fork server they start from)
            held = [c for p in started for c in p.net_connections() if c.laddr.port == port]
            assert held == []


def test_a_pool_stopped_under_a_run_gives_a_message_not_a_traceback():
    """At the server's exit Python stops the pool while a run may still submit replications:
    the run ends with the simulator's error (shown in the app's words), not a RuntimeError."""
    import pytest

    from simulator.errors import SimulatorError

    with LocalExecutor(jobs=1) as executor:
        executor._get_pool().shutdown(wait=True)  # as the interpreter's exit does
        with pytest.raises(SimulatorError, match="worker processes were stopped"):
            list(executor.map_unordered(abs, [-1, -2]))
