"""Rule families. Importing this package registers every family, in report order."""

from mtcheck.core.rules.base import FAMILIES, Context, Family, RawFinding, Rule, all_rules, register, rule_infos
from mtcheck.core.rules import calques, repetition, fragments, punctuation, script, markers  # noqa: F401  (registration)

__all__ = ["FAMILIES", "Context", "Family", "RawFinding", "Rule", "all_rules", "register", "rule_infos"]
