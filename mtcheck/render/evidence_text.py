"""`mtcheck pairs stats` for people: a table of rules, then one of entries."""

from __future__ import annotations

from mtcheck.models.evaluate import EvidenceRow, EvidenceTable


def render_evidence_text(table: EvidenceTable) -> str:
    unit = f"stories ({table.grouped_by})" if table.grouped_by else "documents"
    out = [f"{table.human_documents:,} human documents ({table.human_words:,} words), "
           f"{table.mt_documents:,} MT documents ({table.mt_words:,} words); 95% intervals from "
           f"{table.resamples:,} resamples of {unit}"]
    for kind, title in (("rule", "rule"), ("entry", "entry")):
        rows = [r for r in table.rows if r.kind == kind]
        if not rows:
            continue
        out += ["", f"{title:<44} {'human':>7} {'MT':>7} {'/1k h':>7} {'/1k MT':>7} {'ratio':>7}  interval"]
        out += [_row(r) for r in rows]
    out += ["", f"signature: {table.signature}"]
    return "\n".join(out) + "\n"


def _row(r: EvidenceRow) -> str:
    name = r.id if r.kind == "rule" else f"{r.phrase} ({r.id.rsplit('/', 1)[-1]})"
    if len(name) > 44:
        name = name[:43] + "…"
    interval = f"[{r.low:.2f}, {r.high:.2f}]" if r.low is not None and r.high is not None else "n/a"
    return (f"{name:<44} {r.human_hits:>7,} {r.mt_hits:>7,} {r.human_rate:>7.3f} {r.mt_rate:>7.3f} "
            f"{r.likelihood_ratio:>7.2f}  {interval}")
