"""The server's ASGI middleware: access log, security headers, allowed hosts, the limit on
requests in progress, the catch-all for unexpected errors, the request deadline and the
body-size limit.

Pure ASGI classes (not Starlette's BaseHTTPMiddleware), so nothing buffers a request or
a response. Every error they send is one line of JSON, `{"error": "..."}`.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import time
from collections.abc import Iterable
from datetime import datetime, timezone

import anyio
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("mtcheck.web.access")
error_log = logging.getLogger("mtcheck.web")

# default-src 'self' with no 'unsafe-inline' anywhere: the page's script and style are
# files of the package, and a story's text can never become markup that runs.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def error_body(message: str) -> bytes:
    """The one-line JSON body of every error response."""
    return json.dumps({"error": " ".join(message.split())}).encode()


async def send_error(send: Send, status: int, message: str) -> None:
    body = error_body(message)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class _Tracked:
    """A `send` that remembers whether the response has started, its status and its size."""

    def __init__(self, send: Send):
        self.send = send
        self.status: int | None = None
        self.bytes = 0
        self.complete = False

    @property
    def started(self) -> bool:
        return self.status is not None

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body":
            self.bytes += len(message.get("body", b""))
            self.complete = not message.get("more_body", False)
        await self.send(message)


class _HttpMiddleware:
    """Passes anything but HTTP (lifespan) straight through; `handle` sees HTTP requests."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        else:
            await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class AccessLog(_HttpMiddleware):
    """One JSON line per request: time, client, method, path, status, bytes sent, ms, and the
    worker process that answered."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        began = time.perf_counter()
        tracked = _Tracked(send)
        try:
            await self.app(scope, receive, tracked)
        finally:
            client = scope.get("client")
            access_log.info(json.dumps({
                "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                "client": client[0] if client else None,
                "method": scope["method"],
                "path": scope["path"],
                "status": tracked.status,  # null: the client left before a response
                "bytes": tracked.bytes,
                "ms": round(1000 * (time.perf_counter() - began), 1),
                "pid": os.getpid(),
            }))


class SecurityHeaders(_HttpMiddleware):
    """The Content-Security-Policy and its companions on every response."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, with_headers)


class AllowedHosts(_HttpMiddleware):
    """Refuse requests whose Host header is not one of the server's names, so a web page
    cannot reach a loopback server through a domain that resolves to 127.0.0.1 (DNS
    rebinding). `hosts` None allows any host (a server bound to a public address)."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str] | None):
        super().__init__(app)
        self.hosts = None if hosts is None else frozenset(h.lower() for h in hosts)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.hosts is not None:
            host = _host_name(Headers(scope=scope).get("host", ""))
            if host not in self.hosts:
                await send_error(send, 400, f"host {host!r} is not served here (allowed: "
                                            f"{', '.join(sorted(self.hosts))})")
                return
        await self.app(scope, receive, send)


def _host_name(header: str) -> str:
    """'127.0.0.1:8765' -> '127.0.0.1'; '[::1]:8765' -> '::1'."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


# The paths a bearer token guards: the APIs. The editor's page and /healthz stay open.
API_PREFIXES = ("/v1/", "/v2/")


class BearerToken(_HttpMiddleware):
    """With a token set, API requests must carry it: `Authorization: Bearer TOKEN`, or (for
    LanguageTool clients, which send an API key as a form field) `apiKey=TOKEN` in the query
    string or a urlencoded body. 401 otherwise. Compared in constant time."""

    def __init__(self, app: ASGIApp, token: str, prefixes: tuple[str, ...]):
        super().__init__(app)
        self.token = token.encode()
        self.prefixes = prefixes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not scope["path"].startswith(self.prefixes) or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        scheme, _, given = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and self._valid(given.strip()):
            await self.app(scope, receive, send)
            return
        if self._valid(_form_value(scope.get("query_string", b""), b"apiKey")):
            await self.app(scope, receive, send)
            return
        if "application/x-www-form-urlencoded" in headers.get("content-type", ""):
            # The key may be in the body: read it (BodyLimit, inside, bounds it) and replay it.
            body, messages = b"", []
            while True:
                message = await receive()
                messages.append(message)
                body += message.get("body", b"")
                if message["type"] != "http.request" or not message.get("more_body", False):
                    break
            if self._valid(_form_value(body, b"apiKey")):
                await self.app(scope, _replay(messages, receive), send)
                return
        await send_error(send, 401, "this server needs an API token: send 'Authorization: Bearer TOKEN' "
                                    "(or apiKey=TOKEN)")

    def _valid(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.token)


def _form_value(raw: bytes, key: bytes) -> str | None:
    from urllib.parse import unquote_plus

    for part in raw.split(b"&"):
        name, _, value = part.partition(b"=")
        if name == key:
            return unquote_plus(value.decode("latin-1"), encoding="utf-8", errors="replace")
    return None


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


class ConcurrencyLimit(_HttpMiddleware):
    """503 at once for a request beyond `limit` in progress in this worker, so a flood queues
    no unbounded work."""

    def __init__(self, app: ASGIApp, limit: int):
        super().__init__(app)
        self.limit = limit
        self.in_progress = 0

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.in_progress >= self.limit:
            await send_error(send, 503, f"busy: {self.limit} requests in progress; try again shortly")
            return
        self.in_progress += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_progress -= 1


class CatchAll(_HttpMiddleware):
    """Any unexpected exception becomes a 500 with a one-line body; the traceback goes to
    the server's log only."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        tracked = _Tracked(send)
        try:
            await self.app(scope, receive, tracked)
        except Exception:
            error_log.exception("unhandled error in %s %s", scope.get("method"), scope.get("path"))
            if not tracked.started:
                await send_error(send, 500, "internal server error (the details are in the server's log)")


class Deadline(_HttpMiddleware):
    """A request, its body upload included, must be answered within `seconds`: a client that
    sends slowly gets 408, work that runs over gets 503."""

    def __init__(self, app: ASGIApp, seconds: float):
        super().__init__(app)
        self.seconds = seconds

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        body_done = headers.get("content-length", "0") == "0" and "transfer-encoding" not in headers

        async def watched_receive() -> Message:
            nonlocal body_done
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        tracked = _Tracked(send)
        try:
            with anyio.fail_after(self.seconds):
                await self.app(scope, watched_receive, tracked)
        except TimeoutError:
            if tracked.started:  # nothing more can be said; the server closes the connection
                return
            if not body_done:
                await send_error(send, 408, f"request body not received within {self.seconds:g} seconds")
            else:
                await send_error(send, 503, f"request not answered within {self.seconds:g} seconds; send less text")


class BodyTooLarge(HTTPException):
    """Raised from `receive` when the streamed body passes the limit; FastAPI lets an
    HTTPException through its body parsing, so the app's handler answers 413."""

    def __init__(self, limit: int):
        super().__init__(413, f"request body over the limit of {limit:,} bytes")


class BodyLimit(_HttpMiddleware):
    """413 for a body over `max_bytes`: at once when Content-Length says so (the body is
    never read), else as soon as the bytes streamed in pass the limit. 400 for a request that
    has both Content-Length and Transfer-Encoding."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        super().__init__(app)
        self.max_bytes = max_bytes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        if declared is not None and "transfer-encoding" in headers:
            # Two framings: a proxy in front may read the body by one and this server by the
            # other, and a request hidden in the body would reach the app (request smuggling).
            await send_error(send, 400, "a request with both Content-Length and Transfer-Encoding is refused")
            return
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await send_error(send, 413, f"request body of {int(declared):,} bytes is over the limit of "
                                        f"{self.max_bytes:,}")
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        tracked = _Tracked(send)
        try:
            await self.app(scope, counted_receive, tracked)
        except BodyTooLarge as exc:  # raised where no handler turned it into a response
            if tracked.started:
                raise
            await send_error(send, 413, exc.detail)
