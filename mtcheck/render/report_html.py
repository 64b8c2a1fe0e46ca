"""The HTML report of `mtcheck report`: index.html and a page per document.

Templates are Jinja2 with autoescaping on for everything, so no piece of document text,
metadata or path can become markup by a forgotten escape; the few fragments passed as
already safe are built here from escaped parts. Pages are self-contained (inline CSS,
SVG and script, a Content-Security-Policy that loads nothing).

The index table is filled by a small script from the rows embedded as JSON (escaped
for a <script> element, cells set with textContent), so an archive of hundreds of
thousands of documents makes a page a browser can sort and filter, and the rows are
streamed into the file, never held in memory.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import PurePath
from typing import IO, TYPE_CHECKING

from markupsafe import Markup, escape

from mtcheck.models import Severity
from mtcheck.render.text import severity_counts

if TYPE_CHECKING:
    from mtcheck.models import AnyDocumentReport, AnyEvidence, AnyFinding, AnySentenceFluency
    from mtcheck.models.batch import RunTotals

# Bump when a page's HTML changes: stored page bodies are then rendered again.
PAGE_FORMAT = "2"

# Columns of the index table, in the order of the row arrays: key, heading, decimals shown
# (None for a text column), and which end of a sort is the worst (shown first on a click).
# The key columns come first; `path` is not a column of its own: the document cell names the
# file after the id when the file holds many documents (JSONL).
INDEX_COLUMNS = (
    ("id", "document", None, "asc"), ("verdict", "verdict", None, "asc"),
    ("mt_likelihood", "MT likelihood", 3, "desc"), ("fluency", "fluency", 1, "asc"),
    ("findings", "findings", 0, "desc"), ("errors", "errors", 0, "desc"), ("warnings", "warnings", 0, "desc"),
    ("info", "info", 0, "desc"), ("source_language", "language", None, "asc"), ("agency", "agency", None, "asc"),
    ("date", "date", None, "desc"), ("error", "not checked", None, "asc"), ("path", "file", None, "asc"),
)


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    # auto_reload off: the templates are the package's, not edited while it runs; on, every
    # page would look at the files of its templates again.
    return Environment(loader=PackageLoader("mtcheck.render", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False)


def render_document_body(report: AnyDocumentReport, text: str) -> str:
    """The part of a document's page that depends on its content only: verdict,
    provenance, findings and the text with every finding highlighted. `text` is what the
    report's offsets point into (for markup, the original file)."""
    template = _environment().get_template("report_document_body.html.j2")
    categories = sorted({f.category for f in report.findings})
    sentences = report.fluency.sentences
    p = report.provenance
    return template.render(report=report, p=p, counts=severity_counts(report),
                           highlighted=highlight(text, report.findings, sentences), categories=categories,
                           shaded=any(s.mt_probability is not None for s in sentences),
                           finding_rows=finding_rows(report.findings), evidence_rows=evidence_rows(p.evidence),
                           language_evidence=Markup("".join(f"<li>{_escape(e)}</li>"
                                                            for e in p.source_language.evidence)))


def render_document_page(source: str, doc_id: str | None, fmt: str, metadata: dict, body: bytes) -> bytes:
    """A document's page (UTF-8): what names it (file, id, metadata), then its body, the
    UTF-8 that render_document_body made, put in as it is (not decoded and encoded again).
    The page around them is the same for every document: rendered once (`_page_shell`)."""
    title = f"{source} — {doc_id}" if doc_id else source
    items = [(str(k), v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)) for k, v in metadata.items()
             if not (k == "id" and v == doc_id)]
    heading = _environment().get_template("report_document_heading.html.j2").render(
        title=title, source=source, doc_id=doc_id, format=fmt, metadata=items)
    before_title, before_heading, before_body, after_body = _page_shell()
    return b"".join((before_title, str(escape(title)).encode("utf-8"), before_heading, heading.encode("utf-8"),
                     before_body, body, after_body))


@lru_cache(maxsize=1)
def _page_shell() -> tuple[bytes, bytes, bytes, bytes]:
    """The document page cut where its title, heading and body go (UTF-8). It is rendered
    with nothing but the place holders in it, so each occurs once (a second would make the
    unpacking below fail, never a wrong page)."""
    page = _environment().get_template("report_document.html.j2").render(
        title=_TITLE_PLACE, heading=_HEADING_PLACE, body=_BODY_PLACE)
    before_title, rest = page.split(_TITLE_PLACE)
    before_heading, rest = rest.split(_HEADING_PLACE)
    before_body, after_body = rest.split(_BODY_PLACE)
    return tuple(part.encode("utf-8") for part in (before_title, before_heading, before_body, after_body))


_TITLE_PLACE, _HEADING_PLACE, _BODY_PLACE = (Markup("<!--title-->"), Markup("<!--heading-->"),
                                             Markup("<!--body-->"))


def write_index(out: IO[str], *, title: str, totals: RunTotals, signature: str, gate: str, charts: Sequence[str],
                breakdowns: Sequence[tuple[str, Sequence[tuple[str, int]]]], rows: Iterable[str]) -> None:
    """Stream index.html to `out`. `rows` are the table rows as `index_row` made them."""
    template = _environment().get_template("report_index.html.j2")
    template.stream(
        title=title, t=totals, signature=signature, gate=gate, charts=[Markup(c) for c in charts],
        breakdowns=breakdowns, columns=INDEX_COLUMNS[:-1], rows=rows, page_column=len(INDEX_COLUMNS),
        error_column=_column("error"), verdict_column=_column("verdict"), path_column=_column("path"),
        sort_column=_column("mt_likelihood"),
        filter_columns={key: _column(key) for key in ("mt_likelihood", "fluency")},
    ).dump(out)


def index_row(values: dict, page: str, first: bool) -> Markup:
    """One row of the embedded table data: a JSON array in INDEX_COLUMNS order, then the
    page, made safe inside <script> (no '<', '>' or '&' left)."""
    checked = not values.get("error")
    cells = [values.get(key) if checked or digits is None else None for key, _, digits, _ in INDEX_COLUMNS] + [page]
    if values.get("id") == values.get("path"):  # a file of one document: its name, the path is beside it
        cells[0] = PurePath(str(values["path"])).name
    data = json.dumps(cells, ensure_ascii=False, separators=(",", ":"))
    data = (data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return Markup(("" if first else ",\n") + data)


def finding_rows(findings: Sequence[AnyFinding]) -> Markup:
    """The rows of a page's findings table: the number (linking to the finding's mark in the
    text, which links back to row r{i}), line:column, what was found, the suggestion. Made
    here, every value escaped (line and column are formatted as integers), rather than in the
    template: a template loop over a long list of findings cost more than the rest of the page."""
    return Markup("".join(
        f'<tr id="r{i}"><td><a href="#f{i}" title="show it in the text">{i + 1}</a></td>'
        f'<td class="num">{f.line:d}:{f.column:d}</td>\n'
        + _finding_cells(f.severity.value, f.category, f.rule, f.text, f.message, f.suggestion, f.fix_safe)
        for i, f in enumerate(findings)))


@lru_cache(maxsize=4096)
def _finding_cells(severity: str, category: str, rule: str, text: str, message: str, suggestion: str | None,
                   fix_safe: bool) -> str:
    """A findings-table row after its number and place, escaped. The same finding recurs in
    story after story of an archive (a calque's message is the same each time): made once."""
    severity = _escape(severity)
    advice = ""
    if suggestion is not None:
        safe = ' <span class="safe">safe to apply</span>' if fix_safe else ""
        advice = f"{_escape(suggestion or '(delete)')}{safe}"
    return (f'<td class="what"><span class="sev-{severity}">{severity}</span> '
            f'<span class="cat cat-{_escape(category)}">{_escape(rule)}</span> '
            f'“{_escape(text)}”<br>{_escape(message)}</td>\n'
            f'<td>{advice}</td></tr>\n')


def evidence_rows(evidence: Sequence[AnyEvidence]) -> Markup:
    """The rows of a page's table of the evidence behind the MT likelihood, every value
    escaped; made here for the reason finding_rows is."""
    return Markup("".join(
        f'<tr><td>{_escape(e.description)}</td><td>{_escape(e.rule or "")}</td>'
        f'<td class="num">{"" if e.count is None else f"{e.count:d}"}</td><td class="num">{e.contribution:+.2f}</td>'
        "</tr>\n" for e in evidence))


def _escape(text: str) -> str:
    """markupsafe.escape's text, as a str: a page escapes thousands of short strings, most with
    nothing to escape, and making a Markup of each cost more than the escaping."""
    if "&" in text or "<" in text or ">" in text or "'" in text or '"' in text:
        return str(escape(text))
    return text


def _column(key: str) -> int:
    return next(i for i, (k, _, _, _) in enumerate(INDEX_COLUMNS) if k == key)


def highlight(text: str, findings: Sequence[AnyFinding], sentences: Sequence[AnySentenceFluency] = ()) -> Markup:
    """`text` escaped, each finding's span in a <mark>: coloured by the rule category of the
    severest finding covering it (the palette every page shares), underlined by that
    severity, with the findings as its tooltip. Overlapping spans are split into pieces, and
    an empty span is shown as a caret. The first piece of finding i has the anchor id f{i},
    which the findings table links to, and links to its row (r{i}) in the table, where the
    finding's message and suggestion are; its number follows it.

    Each sentence with an MT probability is a <span class="sent mt-K"> around its pieces
    (K: the probability in fifths, as on the editor's page), which the page shades."""
    size = len(text)
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    points: dict[int, list[int]] = {}
    for i, f in enumerate(findings):
        start, end = min(max(f.start, 0), size), min(max(f.end, 0), size)
        if end > start:
            starts.setdefault(start, []).append(i)
            ends.setdefault(end, []).append(i)
        else:
            points.setdefault(start, []).append(i)
    # Sentence start -> (its opening <span>, its end).
    shaded: dict[int, tuple[str, int]] = {}
    for s in sentences:
        p = s.mt_probability
        if p is not None and 0 <= s.start < s.end <= size:
            shaded[s.start] = (f'<span class="sent mt-{min(4, int(p * 5))}" title="sentence {s.index + 1}: '
                               f'MT probability {p:.2f}">', s.end)
    cuts = sorted({0, size, *starts, *ends, *points, *shaded, *(end for _, end in shaded.values())})
    needs_escape = "&" in text or "<" in text or ">" in text  # what html.escape(quote=False) replaces; rare in copy
    marks = _Marks(findings)
    out: list[str] = []
    active: list[int] = []
    open_until = -1  # the end of the sentence whose span is open
    for at, nxt in zip(cuts, [*cuts[1:], None]):
        if at in ends:
            active = [i for i in active if i not in ends[at]]
        if at in starts:
            active = active + starts[at]
        if at == open_until:
            out.append("</span>")
            open_until = -1
        if open_until < 0 and at in shaded:
            tag, open_until = shaded[at]
            out.append(tag)
        if at in points:
            for i in points[at]:
                out.append(marks.mark([i], "‸", "point "))
        if nxt is None:
            break
        piece = html.escape(text[at:nxt], quote=False) if needs_escape else text[at:nxt]
        out.append(marks.mark(active, piece) if active else piece)
    if open_until >= 0:
        out.append("</span>")
    return Markup("".join(out))


class _Marks:
    """The highlighted pieces of one text: each finding's classes and tooltip made once, however
    many pieces it is cut into, and each finding's anchor put on its first piece. A finding over
    many sentences (or the whole text) covers a piece between every two sentence ends: the
    opening tag of a set of findings whose anchors are placed is made once too."""

    def __init__(self, findings: Sequence[AnyFinding]):
        self.findings = findings
        self.classes = [_classes(f.category, f.severity.value) for f in findings]
        self.tooltips = [_tooltip(f.severity.value, f.rule, f.message, f.suggestion) for f in findings]
        self.anchored: set[int] = set()
        self._opening: dict[tuple[str | int, ...], str] = {}  # (extra, *indexes) -> <a ...>

    def mark(self, indexes: list[int], piece: str, extra: str = "") -> str:
        """A highlighted piece of text (`piece`, escaped already) that `indexes` cover."""
        key: tuple[str | int, ...] = (extra, *indexes)
        opening = self._opening.get(key)
        if opening is not None:
            return f"{opening}{piece}</a>"
        findings = self.findings
        worst = indexes[0] if len(indexes) == 1 else max(indexes, key=lambda i: Severity(findings[i].severity).rank)
        title = "\n".join([self.tooltips[i] for i in indexes])
        new = [i for i in indexes if i not in self.anchored]
        # The mark carries the first new finding's anchor; findings starting at the same place get empty ones.
        anchor = f' id="f{new[0]}"' if new else ""
        opening = f'<a class="hl {extra}{self.classes[worst]}"{anchor} href="#r{worst}" title="{title}">'
        if not new:  # (every later piece of the same findings opens the same way)
            self._opening[key] = opening
            return f"{opening}{piece}</a>"
        self.anchored.update(new)
        others = "".join(f'<span id="f{i}"></span>' for i in new[1:])
        numbers = "".join(f'<sup class="n">{i + 1}</sup>' for i in new)
        return f"{others}{opening}{piece}</a>{numbers}"


@lru_cache(maxsize=64)
def _classes(category: str, severity: str) -> str:
    return f"cat-{html.escape(category)} sev-{severity}"


@lru_cache(maxsize=4096)
def _tooltip(severity: str, rule: str, message: str, suggestion: str | None) -> str:
    """A mark's tooltip, escaped for an attribute (made once per finding, as _finding_cells)."""
    advice = "" if suggestion is None else f" → {suggestion or '(delete)'}"
    return html.escape(f"{severity} {rule}: {message}{advice}")
