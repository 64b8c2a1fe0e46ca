"""Every rule's own examples, run as tests: what `mtcheck rule ID` promises is what it does."""

import pytest

from mtcheck.core.rules import all_rules
from mtcheck.fix.apply import fix_text

EXAMPLES = [pytest.param(rule, example, id=f"{rule.id}-{k}")
            for rule in all_rules() for k, example in enumerate(rule.examples)]


@pytest.mark.parametrize(("rule", "example"), EXAMPLES)
def test_rule_example(rule, example, checker):
    found = [f for f in checker.check(example.text).findings if f.rule == rule.id]
    if not example.flagged:
        assert found == [], f"{rule.id} flags plain English: {[f.text for f in found]}"
        return
    assert found, f"{rule.id} misses its own example"
    if example.fixed is not None:
        assert fix_text(example.text, checker, select=[rule.id]).text == example.fixed


def test_every_rule_documents_itself():
    for rule in all_rules():
        info = rule.info()
        assert info.examples and info.fix in ("always", "sometimes", "never") and info.weight >= 0
        assert rule.problems() == []
        # A rule whose fixes are always safe shows one; one that never fixes shows none.
        if rule.fix.value == "always":
            assert any(e.fixed is not None for e in rule.examples), rule.id
