"""The pipeline: read -> segment -> rules -> scores -> report.

A `Checker` is built once (pairs compiled, rules chosen) and then checks any number
of documents; like a sacrebleu metric it carries a `signature` that makes every
number it produces reproducible.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, Optional, Sequence

from mtcheck import __version__
from mtcheck.core import pairs as pairs_mod, provenance, scores
from mtcheck.core.agencies import AgencyRegistry, default_registry
from mtcheck.core.datelines import find_dateline
from mtcheck.core.language import LANGDETECT_SEED, detect_document
from mtcheck.models import Counts, DocumentReport, Finding, Severity
from mtcheck.core.rules import FAMILIES, Context, all_rules
from mtcheck.core.rules.script import Script
from mtcheck.core.segment import segment

if TYPE_CHECKING:
    from mtcheck.read import Source


class RuleSelectionError(ValueError):
    """An unknown rule id or family in --select / --ignore."""


def resolve_rules(select: Optional[Iterable[str]] = None, ignore: Optional[Iterable[str]] = None) -> frozenset[str]:
    """Rule ids enabled by a selection. Items are rule ids ('calque.term'), categories or
    families ('punctuation'), or 'all'."""
    known = {r.id: r for r in all_rules()}

    def expand(items: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for item in items:
            item = item.strip()
            if not item:
                continue
            if item == "all":
                out |= known.keys()
                continue
            hits = {rid for rid, r in known.items() if rid == item or r.category == item or r.family == item
                    or rid.startswith(item.rstrip("*").rstrip(".") + ".")}
            if not hits:
                raise RuleSelectionError(f"unknown rule or family {item!r} (see `mtcheck rules`)")
            out |= hits
        return out

    enabled = expand(select) if select else set(known)
    return frozenset(enabled - expand(ignore or ()))


class Checker:
    def __init__(
        self,
        pairs: Sequence[str | Path] = (),
        select: Optional[Iterable[str]] = None,
        ignore: Optional[Iterable[str]] = None,
        default_pairs: bool = True,
        agencies: Optional[AgencyRegistry] = None,
        severities: Optional[Mapping[str, Severity | str]] = None,
        verdict_thresholds: Optional[tuple[float, float]] = None,
    ):
        """`severities` overrides rules' severities by rule id; `verdict_thresholds` is
        (post_edited, machine) on MT likelihood, as `mtcheck eval --calibrate` writes them."""
        sources: list[str | Path] = [pairs_mod.default_pairs_dir() / "phrases"] if default_pairs else []
        sources.extend(pairs)
        self.pairs = pairs_mod.build(sources)
        self.agencies = agencies or default_registry()
        self.enabled = resolve_rules(select, ignore)
        known = {r.id for r in all_rules()}
        self.severities: dict[str, Severity] = {}
        for rule_id, severity in (severities or {}).items():
            if rule_id not in known:
                raise RuleSelectionError(f"unknown rule {rule_id!r} in severity overrides (see `mtcheck rules`)")
            try:
                self.severities[rule_id] = Severity(severity)
            except ValueError:
                raise RuleSelectionError(f"severity of {rule_id!r} must be info, warning or error, not {severity!r}") from None
        post_edited, machine = verdict_thresholds or (scores.POST_EDITED, scores.MACHINE)
        if not 0.0 <= post_edited <= machine <= 1.0:
            raise RuleSelectionError(
                f"verdict thresholds must satisfy 0 <= post_edited <= machine <= 1 (got {post_edited}, {machine})")
        self.verdict_thresholds = (float(post_edited), float(machine))
        self._references = None
        self.families = [cls() for cls in FAMILIES.values()]
        self._language_only = [f for f in self.families if isinstance(f, Script)]
        total = len(all_rules())
        rules_sig = "all" if len(self.enabled) == total else f"{len(self.enabled)}of{total}"
        extra = f"+{len(pairs)}" if pairs else ""
        self.signature = (
            f"mtcheck:{__version__}|pairs:{self.pairs.digest}{extra}|entries:{len(self.pairs)}|rules:{rules_sig}"
            f"|scores:{scores.weights_digest()}|langdetect:seed{LANGDETECT_SEED}"
        )
        if self.severities:
            blob = repr(sorted((k, v.value) for k, v in self.severities.items()))
            self.signature += f"|severities:{hashlib.sha256(blob.encode()).hexdigest()[:8]}"
        if self.verdict_thresholds != (scores.POST_EDITED, scores.MACHINE):
            self.signature += "|verdict:{:g},{:g}".format(*self.verdict_thresholds)

    def use_reference_corpus(self, index, threshold: float) -> None:
        """From now on, give every sentence its closest sentence in a published corpus and
        every report the corpus documents it draws on (`mtcheck.corpus.index.ReferenceIndex`)."""
        self._references = (index, threshold)
        self.signature += f"|references:{index.stats.sentences}@{threshold:g}"

    def check(self, text: str, source: str = "<text>") -> DocumentReport:
        report = self._check(text, source)
        if self._references is not None:
            from mtcheck.corpus.index import annotate

            # Before any move to original-file offsets: the lookup reads the checked text.
            annotate(report, text, *self._references)
        return report

    def _check(self, text: str, source: str) -> DocumentReport:
        doc = segment(text)
        language = detect_document(text)
        dateline = find_dateline(text, self.agencies)
        ctx = Context(doc, self.pairs, language, self.agencies, dateline, self.enabled)
        # A document in another language gets its one finding, not hundreds.
        families = self._language_only if language.code is not None and not language.is_english else self.families
        for family in families:
            family.check(ctx)
        findings = self._resolve(doc, ctx)
        words = len(text.split())
        likelihood, evidence = scores.mt_likelihood(findings, words)
        verdict = scores.verdict(likelihood, *self.verdict_thresholds)
        fluency = scores.fluency(doc, findings)
        # Overrides change what is reported and gated on, not the scores: a newsroom that
        # silences a rule in CI still gets likelihoods comparable with everyone else's.
        if self.severities:
            for f in findings:
                f.severity = self.severities.get(f.rule, f.severity)
        by_severity = {s.value: 0 for s in Severity}
        by_category: dict[str, int] = {}
        for f in findings:
            by_severity[f.severity.value] += 1
            by_category[f.category] = by_category.get(f.category, 0) + 1
        return DocumentReport(
            source=source,
            characters=len(text),
            paragraphs=len(doc.paragraphs),
            sentences=len(doc.sentences),
            findings=findings,
            counts=Counts(by_severity=by_severity, by_category=by_category),
            fluency=fluency,
            provenance=provenance.build(text, findings, language, dateline, self.agencies, likelihood, verdict,
                                        evidence, self.signature),
        )

    def check_source(self, source: "Source") -> DocumentReport:
        """Check a read document. For text extracted from markup, every offset, line and
        column in the report points into the original file."""
        report = self.check(source.text, source.name)
        report.doc_id = source.doc_id
        report.format = source.format
        report.metadata = dict(source.metadata)
        if source.offsets is not None and source.original is not None:
            _map_to_original(report, source)
        return report

    @staticmethod
    def _resolve(doc, ctx: Context) -> list[Finding]:
        text = doc.text
        out = []
        seen = set()
        for raw in sorted(ctx.findings, key=lambda r: (r.start, r.end, r.rule.id)):
            key = (raw.rule.id, raw.start, raw.end)
            if key in seen:
                continue
            seen.add(key)
            line, col = doc.position(raw.start)
            end_line, end_col = doc.position(raw.end)
            out.append(Finding(
                rule=raw.rule.id, category=raw.rule.category, severity=raw.severity,
                start=raw.start, end=raw.end, line=line, column=col, end_line=end_line, end_column=end_col,
                text=text[raw.start:raw.end], message=raw.message, suggestion=raw.suggestion,
                fix_safe=raw.fix_safe, sentence=doc.sentence_at(raw.start),
                source_term=raw.source_term, source_language=raw.source_language, pair=raw.pair,
            ))
        return out


def _map_to_original(report: DocumentReport, source: "Source") -> None:
    """Move a report's spans from the extracted text to the original file, in place."""
    from mtcheck.read import LineIndex

    offsets, lines = source.offsets, LineIndex(source.original)
    for f in report.findings:
        f.start, f.end = offsets.to_original(f.start), offsets.to_original_end(f.end)
        f.line, f.column = lines.position(f.start)
        f.end_line, f.end_column = lines.position(f.end)
    for s in report.fluency.sentences:
        s.start, s.end = offsets.to_original(s.start), offsets.to_original_end(s.end)
        s.line, s.column = lines.position(s.start)
    for span in (report.provenance.agency, report.provenance.dateline):
        if span is not None:
            span.start, span.end = offsets.to_original(span.start), offsets.to_original_end(span.end)
