"""The rule registry: rule families are pipeline components, rules are their data.

A family is one module that registers itself with `@register`; it declares its rules
(stable id, category, default severity, message, suggestion) and one `check` method
that scans a whole document and reports findings through the context. Families scan
the full text with compiled patterns rather than looping sentence by sentence: the
checker must keep up with whole archives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Optional

from mtcheck.models import RuleInfo, Severity

if TYPE_CHECKING:
    from mtcheck.core.agencies import AgencyRegistry
    from mtcheck.core.datelines import DatelineMatch
    from mtcheck.core.language import LanguageInfo
    from mtcheck.core.pairs import PairSet
    from mtcheck.core.segment import Document


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    severity: Severity
    message: str
    description: str
    suggestion: Optional[str] = None
    family: str = ""


@dataclass(slots=True)
class RawFinding:
    """A finding before positions are resolved into line, column and sentence."""

    rule: Rule
    start: int
    end: int
    message: str
    suggestion: Optional[str]
    severity: Severity
    fix_safe: bool = False
    source_term: Optional[str] = None
    source_language: Optional[str] = None
    pair: Optional[str] = None


@dataclass
class Context:
    """What a family sees of one document, and where it reports."""

    doc: "Document"
    pairs: "PairSet"
    language: "LanguageInfo"
    agencies: "AgencyRegistry"
    dateline: Optional["DatelineMatch"]
    enabled: frozenset[str]
    findings: list[RawFinding] = field(default_factory=list)

    def report(
        self,
        rule: Rule,
        start: int,
        end: int,
        message: Optional[str] = None,
        suggestion: Optional[str] = None,
        severity: Optional[Severity | str] = None,
        fix_safe: bool = False,
        **provenance: Optional[str],
    ) -> None:
        if rule.id not in self.enabled:
            return
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


class Family:
    """Base class of a rule family. Subclasses set `name`, `rules` and `check`."""

    name: ClassVar[str]
    description: ClassVar[str]
    rules: ClassVar[tuple[Rule, ...]]

    def check(self, ctx: Context) -> None:  # pragma: no cover - interface
        raise NotImplementedError


FAMILIES: dict[str, type[Family]] = {}


def register(cls: type[Family]) -> type[Family]:
    if cls.name in FAMILIES:
        raise ValueError(f"rule family {cls.name!r} registered twice")
    cls.rules = tuple(
        Rule(r.id, r.category, r.severity, r.message, r.description, r.suggestion, cls.name) for r in cls.rules
    )
    FAMILIES[cls.name] = cls
    return cls


def all_rules() -> list[Rule]:
    return [rule for fam in FAMILIES.values() for rule in fam.rules]


def rule(
    id: str, category: str, severity: str, message: str, description: str, suggestion: Optional[str] = None
) -> Rule:
    """Shorthand for declaring a rule in a family body."""
    return Rule(id, category, Severity(severity), message, description, suggestion)




def rule_infos() -> list[RuleInfo]:
    """Every registered rule as a report model, in registry order (what `mtcheck rules` lists)."""
    return [RuleInfo(id=r.id, family=r.family, category=r.category, severity=r.severity, message=r.message,
                     suggestion=r.suggestion, description=r.description) for r in all_rules()]
