"""Counted nouns for messages people read: "1 finding", "2 findings", "1 entry"."""

from __future__ import annotations

# Nouns whose plural is not noun + "s".
_IRREGULAR = {"entry": "entries", "info": "info", "match": "matches", "fix": "fixes", "summary": "summaries"}


def plural(n: int, noun: str, many: str | None = None) -> str:
    """`n` and the noun, singular for exactly one: plural(1, "error") == "1 error". Thousands
    get separators (12,408 documents)."""
    return f"{n:,} {noun if n == 1 else many or _IRREGULAR.get(noun, noun + 's')}"


def likelihood_text(value: float | None) -> str:
    """An MT likelihood as reports print it: two decimals, or "n/a" for a text too short to judge."""
    return "n/a" if value is None else f"{value:.2f}"


def noun(n: int, singular: str, many: str | None = None) -> str:
    """The noun alone, agreeing with `n`: noun(3, "file") == "files"."""
    return singular if n == 1 else many or _IRREGULAR.get(singular, singular + "s")
