"""`mtcheck check --statistics`: how many findings each rule has, most first (as ruff's
--statistics): the count, the rule, whether its findings carry safe fixes ([*] when some
do) and the rule's message; or the same as JSON."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING

from mtcheck.render.ci import Renderer, RunInfo, rule_table

if TYPE_CHECKING:
    from mtcheck.models import AnyDocumentReport


class StatisticsRenderer(Renderer):
    def __init__(self, as_json: bool = False):
        self.as_json = as_json
        self.counts: Counter[str] = Counter()
        self.fixable: Counter[str] = Counter()

    def document(self, doc: AnyDocumentReport, text: str) -> str:
        for f in doc.findings:
            self.counts[f.rule] += 1
            self.fixable[f.rule] += f.fix_safe
        return ""

    def rows(self) -> list[dict]:
        messages = {rule: message for rule, _, message, *_ in rule_table()}
        ordered = sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))
        return [{"code": rule, "count": count, "fixable": self.fixable[rule], "message": messages.get(rule, "")}
                for rule, count in ordered]

    def finish(self, run: RunInfo) -> str:
        rows = self.rows()
        if self.as_json:
            return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
        if not rows:
            return ""
        width = max(len(str(r["count"])) for r in rows)
        code_width = max(len(r["code"]) for r in rows)
        return "".join(f"{r['count']:>{width}}\t{r['code']:<{code_width}}\t{'[*]' if r['fixable'] else '[ ]'} "
                       f"{r['message']}\n" for r in rows)
