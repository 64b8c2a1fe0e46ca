"""mtcheck: tell whether English copy is machine translation, and show what gives it away.

    >>> import mtcheck
    >>> report = mtcheck.check("China News Agency, Washington, November 27th. ...")
    >>> report.provenance.verdict
"""

from __future__ import annotations

__version__ = "0.1.0"

from functools import lru_cache  # noqa: E402

from mtcheck.models import CheckReport, DocumentReport, Finding, Severity, Verdict  # noqa: E402


@lru_cache(maxsize=1)
def default_checker():
    from mtcheck.checker import Checker

    return Checker()


def check(text: str, source: str = "<text>") -> DocumentReport:
    """Check one text with the shipped reference pairs and every rule."""
    return default_checker().check(text, source)


__all__ = ["CheckReport", "DocumentReport", "Finding", "Severity", "Verdict", "check", "default_checker", "__version__"]
