"""Rule families. Importing this package registers every family, in report order."""

from mtcheck.core.rules import (  # noqa: F401  (registration)
    calques,
    fragments,
    markers,
    numbers,
    punctuation,
    repetition,
    script,
)
from mtcheck.core.rules.base import (
    FAMILIES,
    RULES,
    Context,
    Example,
    Family,
    FixAvailability,
    RawFinding,
    Rule,
    all_rules,
    register,
    rule_infos,
)
from mtcheck.core.rules.selection import RuleSelectionError, resolve_rules

__all__ = ["FAMILIES", "RULES", "Context", "Example", "Family", "FixAvailability", "RawFinding", "Rule",
           "RuleSelectionError", "all_rules", "register", "resolve_rules", "rule_infos"]
