"""uvicorn's h11 protocol with a deadline for request heads.

uvicorn closes a keep-alive connection that stays idle for `timeout_keep_alive`
seconds, but a client that opens a connection, or starts its next request, and then
trickles header bytes is never timed out: the request never reaches the app, so the
app's own deadline cannot see it. Here every connection must deliver a complete
request head within `timeout_keep_alive` seconds of opening or of its previous
response, or it is closed. Named by import string in the uvicorn config, so worker
processes load it too.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.h11_impl import H11Protocol


class HeadDeadlineH11Protocol(H11Protocol):
    _head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]  # uvicorn passes a Transport
        self._arm_head_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_deadline()
        super().connection_lost(exc)

    def _arm_head_deadline(self) -> None:
        self._cancel_head_deadline()
        if not self.transport.is_closing():
            self._head_deadline = self.loop.call_later(self.timeout_keep_alive, self._head_timed_out)

    def _cancel_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_timed_out(self) -> None:
        self._head_deadline = None
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request is in the app, under the app's own deadline
        if not self.transport.is_closing():
            self.transport.close()


# uvicorn's `http` setting takes an import string.
PROTOCOL = f"{__name__}:{HeadDeadlineH11Protocol.__name__}"
