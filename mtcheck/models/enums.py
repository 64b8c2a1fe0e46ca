"""The enumerations reports use, free of pydantic: the rule registry and `mtcheck rules`
need them without paying for the report models (`mtcheck.models` loads those on first use)."""

from __future__ import annotations

from enum import Enum


class Severity(str, Enum):
    info = "info"
    warning = "warning"
    error = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.info: 0, Severity.warning: 1, Severity.error: 2}


class Verdict(str, Enum):
    human = "human"
    post_edited = "post-edited"
    machine = "machine"
    too_short = "too-short"  # too few words to judge: no guess is made
    not_english = "not-english"  # in another language: the likelihood measures English copy

    @property
    def judged(self) -> bool:
        """Whether a document with this verdict has an MT likelihood (one too short to judge or
        not in English has none)."""
        return self not in (Verdict.too_short, Verdict.not_english)
