"""`mtcheck align --format html`: one self-contained side-by-side page.

No scripts, fonts or styles are fetched; every piece of document text goes through
`html.escape`, so a story containing markup is shown as text and runs nothing.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from importlib import resources

from mtcheck.models.align import AlignedGroup, AlignReport, FindingChange, FindingStatus, VersionSummary
from mtcheck.render.words import likelihood_text

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1400px;
  padding:1rem 2rem;color:#1d1d1f}
h1{font-size:1.4rem;overflow-wrap:anywhere}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;table-layout:fixed}
.summary{table-layout:auto}
td,th{border-top:1px solid #ddd;padding:.5rem;vertical-align:top;text-align:left}
th{background:#f4f4f6;position:sticky;top:0;white-space:nowrap;overflow-wrap:normal;word-break:normal}
td.text{width:40%;overflow-wrap:break-word}td.meta{width:17%;font-size:.85rem;color:#555}
td.num{width:3rem;text-align:right;font-variant-numeric:tabular-nums}td.num a{color:inherit}
thead th:first-child{width:3rem}thead th:nth-child(4){width:17%}
tr:target td{outline:2px solid var(--accent);outline-offset:-2px}
.scroll{overflow-x:auto}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;font-size:.9rem;margin:.3rem 0 .8rem;padding:0;list-style:none}
del{background:#ffd7d5;color:#86181d;text-decoration:line-through}
ins{background:#d2f4d3;color:#165c26;text-decoration:none}
.kept td.text{color:#666}.dropped td.text:nth-child(2){background:#fff5f5}.added{background:#f5fff6}
.status{font-weight:600}.status.edited{color:#9a6700}.status.dropped{color:#b31d28}.status.added{color:#1a7f37}
ul.findings{margin:.3rem 0 0;padding-left:1.1rem;font-size:.85rem}
.f-fixed{color:#1a7f37}.f-remaining{color:#b31d28;font-weight:600}.f-removed{color:#777}.f-introduced{color:#9a6700}
.summary{width:auto}
.summary td,.summary th{border:none;padding:.15rem .8rem .15rem 0;position:static}
.summary th,.summary td{white-space:nowrap;overflow-wrap:normal}
.summary td:nth-child(2){white-space:normal;overflow-wrap:anywhere}
.v-machine,.v-post-edited,.v-human{font-weight:600}
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
        f"<title>{escape(title)}</title><style>{palette()}{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        _summary(report),
        "<h2>Aligned sentences</h2>",
        _LEGEND,
        '<div class="scroll"><table class="groups"><thead><tr><th>#</th><th>draft</th><th>reference</th>'
        "<th>group</th></tr></thead><tbody>",
        *(_row(g) for g in report.groups),
        "</tbody></table></div>",
        f'<p class="sig">signature: {escape(report.signature)}</p>',
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


_LEGEND = (
    '<ul class="legend" aria-label="legend"><li><del>struck out</del>: only in the draft</li>'
    "<li><ins>green</ins>: only in the reference</li>"
    '<li><span class="status edited">edited</span>, <span class="status dropped">dropped</span>, '
    '<span class="status added">added</span>, kept: what editing did to each group</li>'
    "<li>1-1, 2-1, 1-0…: draft sentences to reference sentences</li>"
    '<li>findings: <span class="f-fixed">fixed</span>, <span class="f-remaining">remaining</span>, '
    '<span class="f-removed">removed</span> with a dropped sentence, <span class="f-introduced">introduced</span>'
    "</li></ul>"
)


@lru_cache(maxsize=1)
def palette() -> str:
    """The colour scheme every page shares (templates/palette.css)."""
    return (resources.files("mtcheck.render") / "templates" / "palette.css").read_text(encoding="utf-8")


def _version(label: str, v: VersionSummary) -> str:
    verdict = escape(v.verdict.value)
    return (f"<tr><th>{label}</th><td>{escape(v.source)}</td><td class='v-{verdict}'>{verdict}</td>"
            f"<td>{likelihood_text(v.mt_likelihood)}</td><td>{v.fluency:.1f}</td><td>{v.sentences}</td><td>{v.findings}</td></tr>")


def _summary(r: AlignReport) -> str:
    s, e = r.sentences, r.editing
    sigs = "".join(f"<li>{escape(k)}: <code>{escape(v)}</code></li>" for k, v in r.scores.signatures.items())
    missed = ", ".join(f"{escape(rule)} ×{n}" for rule, n in e.remaining.items()) or "none"
    return f"""<div class="scroll"><table class="summary">
<tr><th></th><th>file</th><th>verdict</th><th>MT likelihood</th><th>fluency</th><th>sentences</th><th>findings</th></tr>
{_version("draft", r.draft)}
{_version("reference", r.reference)}
</table></div>
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
    return (f'<tr class="{g.status.value}" id="g{g.index}"><td class="num"><a href="#g{g.index}">{g.index}</a></td>'
            f'<td class="text">{draft}</td>'
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

