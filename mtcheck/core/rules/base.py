"""The rule registry: every rule one self-describing unit, every family one module.

A rule declares everything a user or the scores need to know about it: its id (the
category is the part before the dot), default severity, weight (its part in the MT
likelihood), whether its findings can be fixed without a person (always, sometimes or
never, as ruff says), a message, a description, and examples: texts it must flag (with
the safe fix's result where it has one) and plain English it must leave alone. The
examples are run as tests and printed by `mtcheck rule ID`.

A family is one module that registers itself with `@register`; it declares its rules
and one `check` method that scans a whole document and reports findings through the
context. Families scan the full text with compiled patterns rather than looping sentence
by sentence: the checker must keep up with whole archives.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, ClassVar

from mtcheck.models import Severity

if TYPE_CHECKING:
    from mtcheck.core.agencies import AgencyRegistry
    from mtcheck.core.datelines import DatelineMatch
    from mtcheck.core.language import LanguageInfo
    from mtcheck.core.pairs import PairSet
    from mtcheck.core.segment import Document
    from mtcheck.core.tokens import Tokens
    from mtcheck.models import RuleInfo


class FixAvailability(str, Enum):
    """Whether a rule's findings carry a fix that needs no person (`mtcheck fix` applies it)."""

    always = "always"
    sometimes = "sometimes"
    never = "never"


@dataclass(frozen=True)
class Example:
    """A text a rule must flag (`flagged`), or plain English it must not."""

    text: str
    flagged: bool
    fixed: str | None = None  # what `mtcheck fix` makes of a flagged text, for rules with safe fixes


def flags(text: str, fixed: str | None = None) -> Example:
    return Example(text, True, fixed)


def passes(text: str) -> Example:
    return Example(text, False)


_RULE_ID = re.compile(r"[a-z]+\.[a-z]+(?:-[a-z]+)*")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    weight: float
    fix: FixAvailability
    message: str
    description: str
    examples: tuple[Example, ...]
    suggestion: str | None = None

    @property
    def category(self) -> str:
        return self.id.partition(".")[0]

    def problems(self) -> list[str]:
        """What is wrong with the declaration itself (checked when it is registered)."""
        out = []
        if not _RULE_ID.fullmatch(self.id):
            out.append("id must be 'category.name' in lower case, e.g. 'calque.term'")
        if not (math.isfinite(self.weight) and self.weight >= 0):
            out.append(f"weight must be a number of at least 0, not {self.weight!r}")
        if not any(e.flagged for e in self.examples) or all(e.flagged for e in self.examples):
            out.append("needs examples it flags and examples it leaves alone")
        if self.fix is FixAvailability.never and any(e.fixed is not None for e in self.examples):
            out.append("an example has a fixed text, but the rule's fix availability is 'never'")
        return out

    @property
    def family(self) -> str:
        """The family (module) that declares the rule."""
        return FAMILY_OF[self.id]

    def info(self) -> RuleInfo:
        from mtcheck.models import RuleExample, RuleInfo  # the report models, only when asked for

        return RuleInfo(
            id=self.id, family=self.family, category=self.category, severity=self.severity, weight=self.weight,
            fix=self.fix.value, message=self.message, suggestion=self.suggestion, description=self.description,
            examples=[RuleExample(text=e.text, flagged=e.flagged, fixed=e.fixed) for e in self.examples],
        )


def rule(id: str, severity: str, *, weight: float, fix: str, message: str, description: str,
         examples: tuple[Example, ...], suggestion: str | None = None) -> Rule:
    """Declare a rule in a family module."""
    return Rule(id, Severity(severity), weight, FixAvailability(fix), message, description, examples, suggestion)


@dataclass(slots=True)
class RawFinding:
    """A finding in the checked text's coordinates, before the pipeline places it in the file."""

    rule: Rule
    start: int
    end: int
    message: str
    suggestion: str | None
    severity: Severity
    fix_safe: bool = False
    source_term: str | None = None
    source_language: str | None = None
    pair: str | None = None


# Findings of one rule kept per document: past this a document is garbage or an attack (a
# megabyte of punctuation), and holding a report of millions of findings would cost gigabytes.
# The findings past it are counted (`Context.overflow`) and the report says so.
MAX_FINDINGS_PER_RULE = 20_000


@dataclass
class Context:
    """What a family sees of one document, and where it reports."""

    doc: Document
    pairs: PairSet
    language: LanguageInfo
    agencies: AgencyRegistry
    dateline: DatelineMatch | None
    enabled: frozenset[str]
    tokens: Tokens  # the document's words, shared: read them here rather than splitting the text again
    findings: list[RawFinding] = field(default_factory=list)
    overflow: dict[str, int] = field(default_factory=dict)  # rule id -> findings past MAX_FINDINGS_PER_RULE
    _counts: dict[str, int] = field(default_factory=dict, repr=False)

    def report(
        self,
        rule: Rule,
        start: int,
        end: int,
        message: str | None = None,
        suggestion: str | None = None,
        severity: Severity | str | None = None,
        fix_safe: bool = False,
        **provenance: str | None,
    ) -> None:
        if rule.id not in self.enabled:
            return
        if fix_safe and rule.fix is FixAvailability.never:
            raise AssertionError(f"{rule.id} declares no safe fix but reported one")
        count = self._counts.get(rule.id, 0)
        if count >= MAX_FINDINGS_PER_RULE:
            self.overflow[rule.id] = self.overflow.get(rule.id, 0) + 1
            return
        self._counts[rule.id] = count + 1
        self.findings.append(
            RawFinding(
                rule,
                start,
                end,
                message or rule.message,
                suggestion if suggestion is not None else rule.suggestion,
                Severity(severity) if severity else rule.severity,
                fix_safe,
                **provenance,
            )
        )

    def wants(self, *rules: Rule) -> bool:
        return any(r.id in self.enabled for r in rules)

    def full(self, *rules: Rule) -> bool:
        """Every one of `rules` has reported as many findings as a document keeps (or is not
        enabled): a family scanning for them can stop."""
        return all(r.id not in self.enabled or self._counts.get(r.id, 0) >= MAX_FINDINGS_PER_RULE for r in rules)


class Family:
    """Base class of a rule family. Subclasses set `name`, `description`, `rules` and `check`."""

    name: ClassVar[str]
    description: ClassVar[str]
    rules: ClassVar[tuple[Rule, ...]]

    def check(self, ctx: Context) -> None:  # pragma: no cover - interface
        raise NotImplementedError


FAMILIES: dict[str, type[Family]] = {}
RULES: dict[str, Rule] = {}
FAMILY_OF: dict[str, str] = {}


class RuleDeclarationError(ValueError):
    """A rule or family declared wrongly: a programming error, raised at import."""


def register(cls: type[Family]) -> type[Family]:
    if cls.name in FAMILIES:
        raise RuleDeclarationError(f"rule family {cls.name!r} registered twice")
    for r in cls.rules:
        if r.id in RULES:
            raise RuleDeclarationError(f"rule {r.id!r} declared twice")
        problems = r.problems()
        if problems:
            raise RuleDeclarationError(f"rule {r.id}: {'; '.join(problems)}")
    for r in cls.rules:
        RULES[r.id] = r
        FAMILY_OF[r.id] = cls.name
    FAMILIES[cls.name] = cls
    return cls


def all_rules() -> list[Rule]:
    """Every registered rule, in registry order (what `mtcheck rules` lists)."""
    return list(RULES.values())


def rule_infos() -> list[RuleInfo]:
    return [r.info() for r in all_rules()]
