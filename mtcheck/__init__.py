"""mtcheck: tell whether English copy is machine translation, and show what gives it away.

    >>> import mtcheck
    >>> report = mtcheck.check("China News Agency, Washington, November 27th. ...")
    >>> report.provenance.verdict
    >>> mtcheck.Checker(mtcheck.Options(select=("calque",))).check(text)
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

__version__ = "0.1.0"  # the one place the version is written (pyproject.toml reads it from here)

if TYPE_CHECKING:
    from mtcheck.models import DocumentReport
    from mtcheck.pipeline import Checker
    from mtcheck.policy.options import Options


@lru_cache(maxsize=1)
def default_checker() -> Checker:
    """The checker with the shipped reference pairs, every rule and default settings."""
    from mtcheck.pipeline import Checker

    return Checker()


def check(text: str, name: str = "<text>") -> DocumentReport:
    """Check one plain text with the shipped reference pairs and every rule."""
    return default_checker().check(text, name)


def __getattr__(name: str) -> object:
    # The public types, imported on first use so that `import mtcheck` stays cheap.
    if name == "Checker":
        from mtcheck.pipeline import Checker

        return Checker
    if name == "Options":
        from mtcheck.policy.options import Options

        return Options
    if name in ("CheckReport", "DocumentReport", "Finding", "Severity", "Verdict"):
        from mtcheck import models

        return getattr(models, name)
    raise AttributeError(f"module 'mtcheck' has no attribute {name!r}")


__all__ = ["CheckReport", "Checker", "DocumentReport", "Finding", "Options", "Severity", "Verdict", "__version__",
           "check", "default_checker"]
