"""`mtcheck align --format html`: one self-contained side-by-side page.

No scripts, fonts or styles are fetched; every piece of document text goes through
`html.escape`, so a story containing markup is shown as text and runs nothing.
"""

from __future__ import annotations

from html import escape

from mtcheck.models.align import AlignedGroup, AlignReport, FindingChange, FindingStatus, VersionSummary

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1400px;
  padding:1rem 2rem;color:#1d1d1f}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;table-layout:fixed}
.summary{table-layout:auto}
td,th{border-top:1px solid #ddd;padding:.5rem;vertical-align:top;text-align:left}
th{background:#f4f4f6;position:sticky;top:0}
td.text{width:42%;overflow-wrap:anywhere}td.meta{width:16%;font-size:.85rem;color:#555}
thead th:nth-child(3){width:16%}
del{background:#ffd7d5;color:#86181d;text-decoration:line-through}
ins{background:#d2f4d3;color:#165c26;text-decoration:none}
.kept td.text{color:#666}.dropped td.text:first-child{background:#fff5f5}.added{background:#f5fff6}
.status{font-weight:600}.status.edited{color:#9a6700}.status.dropped{color:#b31d28}.status.added{color:#1a7f37}
ul.findings{margin:.3rem 0 0;padding-left:1.1rem;font-size:.85rem}
.f-fixed{color:#1a7f37}.f-remaining{color:#b31d28;font-weight:600}.f-removed{color:#777}.f-introduced{color:#9a6700}
.summary td,.summary th{border:none;padding:.15rem .8rem .15rem 0;overflow-wrap:anywhere}
code,.sig{font:12px ui-monospace,monospace;color:#555;word-break:break-all}
"""


def render_align_html(report: AlignReport, title: str = "") -> str:
    title = title or f"{report.draft.source} → {report.reference.source}"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Nothing on this page may load from anywhere: it is opened from disk or an intranet.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        _summary(report),
        "<h2>Aligned sentences</h2>",
        '<table><thead><tr><th>draft</th><th>reference</th><th>group</th></tr></thead><tbody>',
        *(_row(g) for g in report.groups),
        "</tbody></table>",
        f'<p class="sig">signature: {escape(report.signature)}</p>',
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _version(label: str, v: VersionSummary) -> str:
    return (f"<tr><th>{label}</th><td>{escape(v.source)}</td><td>{escape(v.verdict.value)}</td>"
            f"<td>{v.mt_likelihood:.2f}</td><td>{v.fluency:.1f}</td><td>{v.sentences}</td><td>{v.findings}</td></tr>")


def _summary(r: AlignReport) -> str:
    s, e = r.sentences, r.editing
    sigs = "".join(f"<li>{escape(k)}: <code>{escape(v)}</code></li>" for k, v in r.scores.signatures.items())
    missed = ", ".join(f"{escape(rule)} ×{n}" for rule, n in e.remaining.items()) or "none"
    return f"""<table class="summary">
<tr><th></th><th>file</th><th>verdict</th><th>MT likelihood</th><th>fluency</th><th>sentences</th><th>findings</th></tr>
{_version("draft", r.draft)}
{_version("reference", r.reference)}
</table>
<p>Sentences of the draft: {s.kept} kept ({s.kept_share:.0%}), {s.edited} edited ({s.edited_share:.0%}),
{s.dropped} dropped ({s.dropped_share:.0%}); {s.added} added in the reference ({s.added_share:.0%}).</p>
<p>BLEU {r.scores.bleu:.2f} · chrF {r.scores.chrf:.2f} · TER {r.scores.ter:.2f}</p>
<p>Editing fixed {sum(e.fixed.values())} findings and missed {sum(e.remaining.values())} ({missed});
{sum(e.removed.values())} went with dropped sentences; {sum(e.introduced.values())} were introduced.</p>
<details><summary>sacrebleu signatures</summary><ul>{sigs}</ul></details>"""


def _row(g: AlignedGroup) -> str:
    draft = _highlight(g.draft.text, g.draft.start, [(e.draft_start, e.draft_end) for e in g.edits], "del")
    reference = _highlight(g.reference.text, g.reference.start,
                           [(e.reference_start, e.reference_end) for e in g.edits], "ins")
    meta = [f'<span class="status {g.status.value}">{g.status.value}</span> {escape(g.operation)}']
    if g.scores is not None:
        meta.append(f"similarity {g.similarity:.1f}<br>BLEU {g.scores.bleu:.1f} · chrF {g.scores.chrf:.1f}"
                    f" · TER {g.scores.ter:.1f}")
    findings = "".join(_finding(c) for c in g.findings)
    if findings:
        meta.append(f'<ul class="findings">{findings}</ul>')
    return (f'<tr class="{g.status.value}" id="g{g.index}"><td class="text">{draft}</td>'
            f'<td class="text">{reference}</td><td class="meta">{"<br>".join(meta)}</td></tr>')


def _finding(c: FindingChange) -> str:
    shown = c.draft_text if c.draft_text is not None else c.reference_text
    advice = f" → {escape(c.suggestion)}" if c.status == FindingStatus.remaining and c.suggestion else ""
    return (f'<li class="f-{c.status.value}" title="{escape(c.message)}">{c.status.value}: '
            f"{escape(c.rule)} “{escape(shown or '')}”{advice}</li>")


def _highlight(text: str, at: int, spans: list[tuple[int, int]], tag: str) -> str:
    """`text` escaped, with the changed spans wrapped in <del> or <ins>."""
    out, pos = [], 0
    for start, end in sorted((s - at, e - at) for s, e in spans if e > s):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        out.append(escape(text[pos:start]))
        out.append(f"<{tag}>{escape(text[start:end])}</{tag}>")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)

