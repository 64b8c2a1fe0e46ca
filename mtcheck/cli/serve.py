"""`mtcheck serve`: the HTTP API under /v1 and the editor's page at /, on this computer
unless told otherwise (needs the `serve` extra: FastAPI and uvicorn)."""

from __future__ import annotations

import argparse
import ipaddress
import os
import signal
import socket
import sys

from mtcheck.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    CheckerForFile,
    UsageError,
    add_config_option,
    add_rule_options,
    positive_int,
    warning,
)

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
TOKEN_VAR = "MTCHECK_API_TOKEN"  # the API token; an environment variable keeps it out of `ps`
APP_FACTORY = "mtcheck.web.app:app_from_env"  # what a worker process serves


def register(sub) -> None:
    p = sub.add_parser(
        "serve", help="serve the HTTP API and the editor's page (needs mtcheck[serve])",
        description="Serve the HTTP API (/v1/check, /v1/fix, /v1/align, /v1/rules, /v1/extract; OpenAPI at "
                    "/openapi.json), a LanguageTool-compatible /v2/check, /healthz and the editor's page at /. "
                    "Listens on 127.0.0.1 unless --host says otherwise. With MTCHECK_API_TOKEN set in the "
                    "environment, /v1 and /v2 need that token. Stop it with Ctrl+C or SIGTERM: requests in progress "
                    "are finished first.")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this computer only; a warning is printed for any "
                        "other)")
    p.add_argument("--port", type=_port, default=8765, help="port (default: 8765)")
    p.add_argument("--workers", type=positive_int, default=1,
                   help="worker processes; each checks on one core (default: 1)")
    p.add_argument("--max-body-bytes", type=positive_int, default=None, metavar="N",
                   help="refuse request bodies over N bytes with 413 (default: 5000000)")
    p.add_argument("--request-timeout", type=_seconds, default=30.0, metavar="S",
                   help="answer a request within S seconds, body upload included: 408 for a body still arriving, "
                        "503 for work still running (default: 30)")
    p.add_argument("--keep-alive-timeout", type=positive_int, default=5, metavar="S",
                   help="close a connection idle for S seconds, or that takes longer to send a request's headers "
                        "(default: 5)")
    p.add_argument("--check-threads", type=positive_int, default=1, metavar="N",
                   help="checks run at once per worker (default: 1; more let a short check proceed beside a long "
                        "one, but threads contend for Python's lock: fewer requests a second)")
    p.add_argument("--max-concurrent", type=positive_int, default=64, metavar="N",
                   help="requests in progress at once per worker; more get 503 at once (default: 64)")
    p.add_argument("--no-access-log", action="store_true", help="do not print the JSON access log on stdout")
    p.add_argument("--cors-origin", action="append", default=[], type=_origin, metavar="ORIGIN",
                   help="let pages of this origin (e.g. https://cms.example.org) call the API from a browser "
                        "(repeatable; default: none)")
    add_rule_options(p)
    add_config_option(p)
    p.set_defaults(run=run)


def _port(value: str) -> int:
    n = positive_int(value)
    if n > 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port (1-65535)")
    return n


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be positive")
    return seconds


def _origin(value: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") or parts.query:
        raise argparse.ArgumentTypeError(f"{value!r} is not an origin such as https://cms.example.org")
    return f"{parts.scheme}://{parts.netloc}".lower()


def _api_token() -> str | None:
    token = os.environ.get(TOKEN_VAR, "").strip()
    if token and len(token) < 16:
        raise UsageError(f"{TOKEN_VAR} is too short to guess-proof ({len(token)} characters; use at least 16)")
    return token or None


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it could resolve anywhere
        return False


def run(args: argparse.Namespace) -> int:
    try:
        import fastapi  # noqa: F401  (imported here only to say what is missing)
        import uvicorn
    except ImportError as exc:
        raise UsageError(f"`mtcheck serve` needs the serve extra ({exc.name} is not installed): "
                         "pip install 'mtcheck[serve]'") from None
    from mtcheck.web.app import create_app
    from mtcheck.web.logs import log_config
    from mtcheck.web.protocol import PROTOCOL
    from mtcheck.web.settings import DEFAULT_MAX_BODY_BYTES, ServeSettings
    from mtcheck.web.supervisor import SPREADS_CONNECTIONS, Supervisor, reuse_port_sockets

    loopback = is_loopback(args.host)
    token = _api_token()
    if not loopback and token is None:
        warning(f"listening on {args.host}, not a loopback address: anyone who can reach this "
                f"computer can use the server (set {TOKEN_VAR} to require a token)")
    _check_address_free(args.host, args.port)
    # The config found from the current folder (or --config) under the command line's options;
    # a bad setting is a one-line error before anything starts.
    checkers = CheckerForFile(args)
    config = checkers.config_for("-")
    checker = checkers.checker_for(config)
    settings = ServeSettings(
        max_body_bytes=args.max_body_bytes or DEFAULT_MAX_BODY_BYTES, request_timeout=args.request_timeout,
        max_concurrent=args.max_concurrent, check_threads=args.check_threads, options=checker.options,
        allowed_hosts=tuple(dict.fromkeys((*LOOPBACK_NAMES, args.host.strip("[]").lower()))) if loopback else None,
        api_token=token, cors_origins=tuple(dict.fromkeys(args.cors_origin)),
    )
    options = {
        "host": args.host.strip("[]"), "port": args.port, "http": PROTOCOL,
        "log_config": log_config(access=not args.no_access_log), "access_log": False, "server_header": False,
        "proxy_headers": False, "timeout_keep_alive": args.keep_alive_timeout,
        "timeout_graceful_shutdown": max(1, round(args.request_timeout)),
    }
    shown = f"[{options['host']}]" if ":" in options["host"] else options["host"]
    print(f"mtcheck: serving http://{shown}:{args.port}/ (the page; the API is under /v1) with {args.workers} "
          f"worker(s); Ctrl+C or SIGTERM stops it", file=sys.stderr)
    if args.workers == 1:
        server = uvicorn.Server(uvicorn.Config(create_app(settings, checker), **options))
        # uvicorn shuts down gracefully on SIGTERM, then raises it again to the default handler,
        # which would end the process as killed; a stop that was asked for exits 0 instead.
        signal.signal(signal.SIGTERM, _stopped)
        server.run()
        return EXIT_OK if server.started else EXIT_ERROR
    # Worker processes start afresh: they build their app from the settings in the environment.
    settings.to_env()
    if SPREADS_CONNECTIONS:  # a listening socket per worker, so that every worker takes connections
        try:
            sockets = reuse_port_sockets(options["host"], args.port, args.workers)
        except OSError as exc:
            raise _cannot_listen(args.host, args.port, exc) from None
        return EXIT_OK if Supervisor(APP_FACTORY, options, sockets).run() else EXIT_ERROR
    uvicorn.run(APP_FACTORY, factory=True, workers=args.workers, **options)
    return EXIT_OK


def _stopped(signum: int, frame: object) -> None:
    raise SystemExit(EXIT_OK)


def _check_address_free(host: str, port: int) -> None:
    """A busy port or an address not on this computer is a one-line error, not a traceback."""
    host = host.strip("[]")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind(address)
    except OSError as exc:
        raise _cannot_listen(host, port, exc) from None


def _cannot_listen(host: str, port: int, exc: OSError) -> UsageError:
    return UsageError(f"cannot listen on {host.strip('[]')}:{port} ({exc.strerror or exc})")
