"""Worker processes for `mtcheck serve --workers N` on Linux, each with a listening socket of its own.

uvicorn's workers share one listening socket, and the first to wake accepts every pending
connection: with a few keep-alive clients, one worker can take them all while the others idle
(issue 17). Here each worker gets its own socket, bound to the same address with SO_REUSEPORT,
and the kernel spreads new connections across them.

The supervisor (the process `mtcheck serve` runs in) binds the sockets and listens, so a busy
port is its one-line error before any worker starts, and keeps them open: a worker that dies is
replaced on the same socket, and the connections queued on it meanwhile wait for the
replacement instead of being refused. A worker whose app cannot start (uvicorn's
STARTUP_FAILURE) would fail the same way again, so the supervisor stops instead. SIGTERM or
Ctrl+C stops every worker the way uvicorn stops one: no new connections, the requests in
progress finished.
"""

from __future__ import annotations

import logging
import logging.config
import multiprocessing
import os
import signal
import socket
import sys
import threading
from multiprocessing.context import SpawnProcess
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE

# Linux spreads connections across the sockets of one SO_REUSEPORT group; elsewhere the option
# is missing or gives every connection to one socket (macOS), so uvicorn's own workers are kept.
SPREADS_CONNECTIONS = sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")

log = logging.getLogger(__name__)
# A worker starts a fresh interpreter, inheriting no threads or locks from the supervisor, as
# uvicorn's workers do; it builds its app from the settings in the environment.
_spawn = multiprocessing.get_context("spawn")


def reuse_port_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """`count` sockets listening on host:port, one per worker (IPv6 for an address with a colon,
    as uvicorn binds). OSError when the address cannot be bound.

    They listen before the workers start: the kernel spreads only among listening sockets, so a
    keep-alive client that connected while one worker was still starting would otherwise stay
    on the other; now its connection waits for its worker, as it does for a replaced one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            # IPPROTO_TCP said, not left 0: asyncio turns Nagle off (TCP_NODELAY) only on the
            # connections of a socket whose protocol says TCP, and with it on, each response
            # (headers, then body) waited some 40 ms for the client's delayed ACK.
            sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            sock.listen()  # uvicorn listens again with its own backlog
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


class Supervisor:
    """One worker process per socket, serving the app factory `app` (an import string) with
    uvicorn.Config `options`."""

    def __init__(self, app: str, options: dict[str, Any], sockets: list[socket.socket]):
        self.app = app
        self.options = options
        self.sockets = sockets
        self.workers: list[SpawnProcess] = []
        self.stopping = threading.Event()

    def run(self) -> bool:
        """Serve until SIGTERM or Ctrl+C (True) or until a worker cannot start (False)."""
        logging.config.dictConfig(self.options["log_config"])
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda signum, frame: self.stopping.set())
        try:
            self.workers = [self._start(sock) for sock in self.sockets]
            while not self.stopping.wait(0.5):
                if not self._replace_dead_workers():
                    return False
            return True
        finally:
            self._stop_workers()

    def _start(self, sock: socket.socket) -> SpawnProcess:
        worker = _spawn.Process(target=_serve, args=(self.app, self.options, sock), name="mtcheck serve worker")
        worker.start()
        return worker

    def _replace_dead_workers(self) -> bool:
        for index, worker in enumerate(self.workers):
            if worker.is_alive() or self.stopping.is_set():
                continue
            worker.join()
            if worker.exitcode == STARTUP_FAILURE:
                log.error("worker process [%s] could not start its app; stopping", worker.pid)
                return False
            log.error("worker process [%s] ended (%s); starting another", worker.pid, _ending(worker.exitcode))
            self.workers[index] = self._start(self.sockets[index])
        return True

    def _stop_workers(self) -> None:
        # The workers hold their own copies: once they close theirs, new connections are refused
        # rather than queued on a socket nobody accepts from.
        for sock in self.sockets:
            sock.close()
        for worker in self.workers:
            if worker.is_alive():
                worker.terminate()  # SIGTERM: uvicorn finishes the requests in progress
        for worker in self.workers:
            worker.join()


def _ending(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return f"killed by {signal.Signals(-exitcode).name}"
    return f"exit status {exitcode}"


def _serve(app: str, options: dict[str, Any], sock: socket.socket) -> None:
    """A worker process: uvicorn on `sock` until SIGTERM or SIGINT."""
    # uvicorn shuts down gracefully on either, then raises the signal again to the handler it
    # found; a stop that was asked for ends the worker with status 0.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _stopped)
    server = uvicorn.Server(uvicorn.Config(app, factory=True, **options))
    threading.Thread(target=_stop_with_supervisor, args=(server,), name="supervisor watch", daemon=True).start()
    try:
        server.run(sockets=[sock])
    except Exception:
        if server.started:
            raise
        # uvicorn says STARTUP_FAILURE only for an app it cannot import or whose startup fails;
        # a factory that raises would fail again in every replacement.
        log.exception("worker process [%s] could not build its app", os.getpid())
        sys.exit(STARTUP_FAILURE)


def _stop_with_supervisor(server: uvicorn.Server) -> None:
    """Shut down gracefully once the supervisor has ended, even killed: no worker outlives it."""
    supervisor = multiprocessing.parent_process()
    if supervisor is not None:
        supervisor.join()  # returns when the pipe the supervisor started this worker through closes
        server.should_exit = True


def _stopped(signum: int, frame: object) -> None:
    raise SystemExit(0)
