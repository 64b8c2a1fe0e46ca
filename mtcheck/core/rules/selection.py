"""Which rules run: `--select` / `--ignore` items resolved against the registry."""

from __future__ import annotations

from collections.abc import Iterable

from mtcheck.core.rules.base import RULES


class RuleSelectionError(ValueError):
    """An unknown rule id or family in --select / --ignore (or a config's select, ignore, severity)."""


def resolve_rules(select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> frozenset[str]:
    """Rule ids enabled by a selection. Items are rule ids ('calque.term'), categories
    ('calque'), families ('calques'), prefixes ('punctuation.*') or 'all'."""
    enabled = _expand(select) if select else set(RULES)  # nothing selected: every rule
    return frozenset(enabled - _expand(ignore or ()))


def _expand(items: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for item in items:
        item = item.strip()
        if not item:
            continue
        if item == "all":
            out |= RULES.keys()
            continue
        prefix = item.rstrip("*").rstrip(".") + "."
        hits = {rid for rid, r in RULES.items()
                if rid == item or r.category == item or r.family == item or rid.startswith(prefix)}
        if not hits:
            raise RuleSelectionError(f"unknown rule or family {item!r} (see `mtcheck rules`)")
        out |= hits
    return out
