"""`mtcheck align` for a person at a terminal: the versions side by side, changes marked.

    #3 1-1 edited  similarity 48.0  BLEU 15.1  chrF 58.5  TER 81.0
      The [-reporter learned from-] the     │ {+According to+} the organizing
      organizing committee [-that-] the     │ committee, {+this year's+}
      ...
      fixed      calque.phrase "The reporter learned"

Without colour, words only in the draft are [-marked-] and words only in the reference
{+marked+}; with colour they are red and green.
"""

from __future__ import annotations

import re

from mtcheck.models.align import AlignedGroup, AlignReport, FindingStatus, GroupStatus
from mtcheck.render.text import Style, display_width
from mtcheck.render.words import likelihood_text, plural

_WORDS = re.compile(r"\S+")
STATUS_COLOURS = {GroupStatus.kept: "2", GroupStatus.edited: "33", GroupStatus.added: "32", GroupStatus.dropped: "31"}
FINDING_COLOURS = {FindingStatus.fixed: "32", FindingStatus.remaining: "1;31", FindingStatus.removed: "2",
                   FindingStatus.introduced: "33"}


def render_align_text(report: AlignReport, style: Style = Style(), width: int = 100, changed_only: bool = False) -> str:
    column = max(20, (width - 5) // 2)
    out = [_header(report, style), ""]
    for g in report.groups:
        if changed_only and g.status == GroupStatus.kept:
            continue
        out.extend(_group(g, column, style))
        out.append("")
    out.append(_footer(report, style))
    return "\n".join(out) + "\n"


def _header(r: AlignReport, style: Style) -> str:
    def side(label: str, v) -> str:
        return (f"{label}: {style.bold(v.source)} ({v.verdict.value}, "
                f"MT likelihood {likelihood_text(v.mt_likelihood)}, fluency {v.fluency:.1f}, "
                f"{plural(v.sentences, 'sentence')}, {plural(v.findings, 'finding')})")

    return side("draft", r.draft) + "\n" + side("reference", r.reference)


def _group(g: AlignedGroup, column: int, style: Style) -> list[str]:
    head = f"#{g.index} {g.operation} {style.paint(g.status.value, STATUS_COLOURS[g.status])}"
    if g.scores is not None:
        head += (f"  similarity {g.similarity:.1f}  BLEU {g.scores.bleu:.1f}  chrF {g.scores.chrf:.1f}"
                 f"  TER {g.scores.ter:.1f}")
    left = _wrap(_marked(g.draft.text, g.draft.start, [(e.draft_start, e.draft_end) for e in g.edits],
                         ("[-", "-]"), "31", style), column)
    right = _wrap(_marked(g.reference.text, g.reference.start,
                          [(e.reference_start, e.reference_end) for e in g.edits], ("{+", "+}"), "32", style), column)
    lines = [head]
    for k in range(max(len(left), len(right))):
        l_text, l_width = left[k] if k < len(left) else ("", 0)
        r_text = right[k][0] if k < len(right) else ""
        lines.append(f"  {l_text}{' ' * (column - l_width)} │ {r_text}".rstrip())
    for c in g.findings:
        shown = c.draft_text if c.draft_text is not None else c.reference_text
        line = f"  {style.paint(c.status.value.ljust(10), FINDING_COLOURS[c.status])} {c.rule} \"{shown}\""
        if c.status == FindingStatus.remaining and c.suggestion:
            line += f" → {c.suggestion}"
        lines.append(line)
    return lines


def _marked(text: str, at: int, spans: list[tuple[int, int]], marks: tuple[str, str], colour: str,
            style: Style) -> list[tuple[str, int]]:
    """The words of `text` as (display, width), changed runs marked."""
    changed = [(s - at, e - at) for s, e in spans if e > s]
    words = []
    k = 0
    for m in _WORDS.finditer(text):
        while k < len(changed) and changed[k][1] <= m.start():
            k += 1
        inside = k < len(changed) and changed[k][0] < m.end()
        words.append((m.group(), inside))
    out = []
    for i, (word, inside) in enumerate(words):
        if not inside:
            out.append((word, display_width(word)))
            continue
        if style.color:
            out.append((style.paint(word, colour), display_width(word)))
            continue
        opens = i == 0 or not words[i - 1][1]
        closes = i == len(words) - 1 or not words[i + 1][1]
        shown = (marks[0] if opens else "") + word + (marks[1] if closes else "")
        out.append((shown, display_width(shown)))
    return out


def _wrap(words: list[tuple[str, int]], column: int) -> list[tuple[str, int]]:
    lines: list[tuple[str, int]] = []
    current: list[str] = []
    used = 0
    for shown, w in words:
        if current and used + 1 + w > column:
            lines.append((" ".join(current), used))
            current, used = [], 0
        used += w + (1 if current else 0)
        current.append(shown)
    if current:
        lines.append((" ".join(current), used))
    return lines


def _footer(r: AlignReport, style: Style) -> str:
    s = r.sentences
    ops = ", ".join(f"{op} ×{n}" for op, n in sorted(r.operations.items()))
    e = r.editing
    lines = [
        style.bold("sentences") + f": {s.kept} kept ({s.kept_share:.0%}), {s.edited} edited ({s.edited_share:.0%}), "
        f"{s.dropped} dropped ({s.dropped_share:.0%}) of the draft's; {s.added} added ({s.added_share:.0%}) "
        f"of the reference's; groups: {ops}",
        style.bold("scores") + f": BLEU {r.scores.bleu:.2f}  chrF {r.scores.chrf:.2f}  TER {r.scores.ter:.2f}",
        style.bold("editing") + f": fixed {sum(e.fixed.values())}, missed {sum(e.remaining.values())}, "
        f"removed with their sentence {sum(e.removed.values())}, introduced {sum(e.introduced.values())}",
    ]
    if e.remaining:
        lines.append("  missed: " + ", ".join(f"{rule} ×{n}" for rule, n in e.remaining.items()))
    lines.append(style.dim("sacrebleu: " + "; ".join(f"{k} {v}" for k, v in r.scores.signatures.items())))
    lines.append(style.dim(f"signature: {r.signature}"))
    return "\n".join(lines)
