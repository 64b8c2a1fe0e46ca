"""Logging of `mtcheck serve`, as a dictConfig uvicorn applies in every worker process.

Access lines (one JSON object per request, from middleware.AccessLog) go to stdout;
server messages and the tracebacks of unexpected errors go to stderr, in uvicorn's
format. uvicorn's own access log is off: ours replaces it.
"""

from __future__ import annotations

from typing import Any


def log_config(access: bool = True, level: str = "INFO") -> dict[str, Any]:
    stderr = {"class": "logging.StreamHandler", "formatter": "server", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "server": {"()": "uvicorn.logging.DefaultFormatter", "fmt": "%(levelprefix)s %(message)s",
                       "use_colors": None},
            "json_line": {"format": "%(message)s"},
        },
        "handlers": {
            "server": stderr,
            "access": {"class": "logging.StreamHandler", "formatter": "json_line", "stream": "ext://sys.stdout"},
        },
        "loggers": {
            "uvicorn": {"handlers": ["server"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "mtcheck.web": {"handlers": ["server"], "level": level, "propagate": False},
            "mtcheck.web.access": {"handlers": ["access"] if access else [], "level": "INFO" if access else "CRITICAL",
                                   "propagate": False},
        },
    }
