"""A live mtcheck server on 127.0.0.1 in a thread, for tests that need real sockets (slow
clients, the browser)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import uvicorn

from mtcheck.web.protocol import PROTOCOL


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_server(app: Any, **options: Any) -> Iterator[str]:
    """Serve `app` on a free loopback port until the block ends; yields the base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, http=PROTOCOL, log_config=None, log_level="warning",
                            access_log=False, **options)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"mtcheck-test-server-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
