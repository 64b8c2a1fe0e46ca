"""The one per-document pipeline: every entry point checks documents here and nowhere else.

    Source (read) -> directive lines taken out (plain text) -> analysis in the checked
    text's coordinates (segment, language, dateline, rules: `mtcheck.core.analysis`)
    -> scores (fluency, MT likelihood) -> every span placed in the file once (offsets,
    lines, columns, fingerprints) -> provenance -> filters (the file's suppressions, the
    baseline) -> the gate -> a DocumentReport, built once and never changed.

`check`, `report`, `fix`, `serve`, `eval`, `align` and `mtcheck.check()` all call
`Checker.check_source` (or `check`, for a bare text; `check_analysed`, for the report
with the sentences it was made from). Layers, lowest first: read and models; core;
corpus; policy; this module; the applications (align, batch, evaluate, fix, render, cli,
web). A lower layer never imports a higher one.

Suppressed and baselined findings are not reported as findings, counted or gated on, but
they count in fluency and MT likelihood like every other finding: the scores describe the
text, not what a newsroom chose to accept (see `DocumentReport`).
"""

from __future__ import annotations

import hashlib
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from mtcheck import __version__
from mtcheck.core import pairs as pairs_mod
from mtcheck.core import scores
from mtcheck.core.agencies import default_registry
from mtcheck.core.analysis import Analysis, Analyzer
from mtcheck.core.language import LANGDETECT_SEED
from mtcheck.core.model.scorer import scorer_for
from mtcheck.core.packs import resolve_packs
from mtcheck.core.provenance import content_hash, document_language, find_agency, source_language
from mtcheck.core.rules import RULES, RuleSelectionError, resolve_rules
from mtcheck.core.rules.base import MAX_FINDINGS_PER_RULE
from mtcheck.core.segment import MAX_SENTENCE_CHARS
from mtcheck.core.signature import Signature
from mtcheck.models import plain
from mtcheck.policy.fingerprints import fingerprints
from mtcheck.policy.gate import Gate
from mtcheck.policy.options import Options
from mtcheck.policy.suppress import strip_directive_lines, suppressions_of
from mtcheck.read import LineIndex, Source, with_lf_line_ends
from mtcheck.read.text import LineEnds

if TYPE_CHECKING:
    from mtcheck.corpus.index import References
    from mtcheck.models import DocumentReport
    from mtcheck.policy.baseline import BaselineIndex

# Sentences whose scores a report lists: some six megabytes of news. A document of a million
# "sentences" ("1,000,000. 1,000,000. ...") would otherwise make a report of gigabytes.
MAX_LISTED_SENTENCES = 50_000


class Checker:
    """Built once from `Options` (pairs compiled, rules chosen, baseline read); checks any
    number of documents. Like a sacrebleu metric it carries a `signature` that makes every
    number it produces reproducible."""

    def __init__(self, options: Options | None = None, references: References | None = None):
        self.options = options = options or Options()
        sources: list[Path] = [pairs_mod.default_pairs_dir() / "phrases"] if options.default_pairs else []
        sources.extend(Path(p) for p in options.pairs)
        self.packs = resolve_packs(options.packs)
        for pack in self.packs:
            sources.extend(pack.pair_files())
        self.pairs = pairs_mod.build(sources)
        self.enabled = resolve_rules(options.select, options.ignore)
        self.severities = options.severity_overrides
        for rule_id in self.severities:
            if rule_id not in RULES:
                raise RuleSelectionError(f"unknown rule {rule_id!r} in severity overrides (see `mtcheck rules`)")
        self.scorer = scorer_for(options.model)
        self.analyzer = Analyzer(self.pairs, self.enabled, default_registry())
        self.gate = Gate.from_options(options)
        self.baseline: BaselineIndex | None = None
        if options.baseline:
            from mtcheck.policy.baseline import BaselineIndex  # (pydantic) only with a baseline

            self.baseline = BaselineIndex.load(options.baseline)
        self.references = references
        self.signature = Signature(
            version=__version__, pairs=self.pairs.digest, extra_pairs=len(options.pairs) + len(self.packs),
            entries=len(self.pairs),
            rules="all" if len(self.enabled) == len(RULES) else f"{len(self.enabled)}of{len(RULES)}",
            scores=scores.weights_digest(), model=f"{_model_name(options.model)}@{self.scorer.digest}",
            langdetect_seed=LANGDETECT_SEED,
            severities=_digest(options.severities) if options.severities else None,
            verdict=options.verdict_thresholds,
            references=references.describe() if references is not None else None,
        )
        if self.packs:
            self.signature = self.signature.extended(packs=",".join(p.describe() for p in self.packs))

    def expect(self, words: int) -> None:
        """A hint from a caller that knows it: about `words` words will be checked in all (file
        sizes / `BYTES_PER_WORD`), so costs paid once that save on every word are paid now.
        The reports are the same with or without it."""
        self.scorer.expect(words)

    @property
    def verdict_thresholds(self) -> tuple[float, float]:
        """(post_edited, machine) on MT likelihood: the config's calibration, else the scorer's own."""
        return self.options.verdict_thresholds or self.scorer.thresholds

    def check(self, text: str, name: str = "<text>") -> DocumentReport:
        """Check a text given as a string (plain text)."""
        return self.check_source(Source(name=name, text=text))

    def check_source(self, source: Source) -> DocumentReport:
        """Check one read document. Every offset, line and column of the report points into
        the file as decoded (for text extracted from markup, the original file)."""
        from mtcheck.models.document import to_model

        return to_model(self.check_plain(source))

    def check_plain(self, source: Source) -> plain.DocumentReport:
        """`check_source`'s report as plain classes, not validated models: what a command that
        prints text, or renders pages, needs (the renderers read either). Cheaper to build,
        and it needs no pydantic: `to_model` makes the model when the report leaves as data."""
        return self._report(source).build()  # (the analysis is not kept: the last steps let go of its words)

    def check_analysed(self, source: Source) -> tuple[DocumentReport, Analysis]:
        """`check_source`'s report and the analysis it was made from (the checked text, its
        sentences, tokens, language): for a caller that goes on working on the same sentences
        (`align`) instead of segmenting the text again. Keep only what is needed of it: the
        analysis of a large document is large."""
        from mtcheck.models.document import to_model

        report = self._report(source)
        analysis = report.analysis  # (as analysed: the report's building lets go of its words)
        return to_model(report.build()), analysis

    def _report(self, source: Source) -> _Report:
        """The building of `source`'s report, its text prepared and analysed."""
        source = prepare(source)
        return _Report(self, source, self.analyzer.analyse(source.text))

    def analyse(self, text: str) -> Analysis:
        """The pipeline's steps before scoring, on plain text: what the scorer reads (and what
        `mtcheck train` trains a model on, so that training and checking see the same)."""
        return self.analyzer.analyse(prepare(Source(name="<text>", text=text)).text)


def prepare(source: Source) -> Source:
    """The pipeline's first step: the document as the rules see it. Plain text's directive
    lines (`# mtcheck-disable ...`) are taken out and CR LF line ends read as LF, offsets
    mapped back to the file; a step that is done already is not done again."""
    return with_lf_line_ends(strip_directive_lines(source))


class _Report:
    """The building of one DocumentReport: placement in the file, filters, gate."""

    def __init__(self, checker: Checker, source: Source, analysis: Analysis):
        self.checker, self.source, self.analysis = checker, source, analysis
        extraction = source.extraction
        self.to_file = extraction.offsets if extraction is not None else None
        # A file whose only change is its line ends read as LF: its lines, quotes and words are
        # the checked text's, CRs added, so its text is never put back together for a report.
        self.line_ends = extraction.offsets if isinstance(extraction, LineEnds) else None
        self.lines = (analysis.document.lines if extraction is None
                      else self.line_ends.lines_of_original(analysis.document.lines) if self.line_ends is not None
                      else LineIndex(extraction.original))
        # Where reports place a span: the file's line and column; for a JSONL record, its line
        # in the archive (the text's own lines still decide which suppressions cover a finding).
        self.place = source.record.position if source.record is not None else self.lines.position
        self.suppressions = suppressions_of(source)
        baseline = checker.baseline
        self.accepted = baseline.accepted(source.name, source.doc_id) if baseline is not None else None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A span of the checked text placed in the file."""
        if self.to_file is None:
            return start, end
        return self.to_file.to_original(start), self.to_file.to_original_end(end)

    def build(self) -> plain.DocumentReport:
        checker, source, analysis = self.checker, self.source, self.analysis
        doc, text = analysis.document, analysis.text
        scored = (scores.in_another_language(analysis) if analysis.language.is_another_language
                  else checker.scorer.score(analysis, checker.options.verdict_thresholds))
        findings, suppressed, baselined = self._findings()
        self.analysis = analysis = analysis.without_words()  # (the fingerprints were the last to read them)
        references = None
        if checker.references is not None and doc.sentences:
            references = checker.references.match([text[s.start:s.end] for s in doc.sentences])
        return plain.DocumentReport(
            source=source.name, doc_id=source.doc_id, format=source.format, metadata=dict(source.metadata),
            line=source.record.line if source.record is not None else None,
            characters=len(text), paragraphs=len(doc.paragraphs), sentences=len(doc.sentences),
            findings=findings,
            fluency=self._fluency(scored, references[0] if references else None),
            provenance=self._provenance(scored, references[1] if references else []),
            suppressed=suppressed, baselined=baselined,
            failures=checker.gate.failures(findings, scored.likelihood, scored.fluency.score, self.accepted),
            warnings=[*self.suppressions.warnings, *self._checked_in_part()],
        )

    def _checked_in_part(self) -> list[str]:
        """What of the document was checked only in part: runs of text with no sentence end cut
        into pieces, findings past a rule's cap. One line each, at most one per kind."""
        doc, out = self.analysis.document, []
        if doc.long_sentences:
            start, length = doc.long_sentences[0]
            more = len(doc.long_sentences) - 1
            out.append(f"line {self.lines.line(self.span(start, start)[0])}: a run of {length:,} characters with no "
                       f"sentence end{f' (and {more:,} more)' if more else ''} is checked as sentences of at most "
                       f"{MAX_SENTENCE_CHARS:,} characters")
        if len(doc.sentences) > MAX_LISTED_SENTENCES:
            out.append(f"the scores of the first {MAX_LISTED_SENTENCES:,} of {len(doc.sentences):,} sentences are "
                       "listed (the document's fluency is of them all)")
        overflow = self.analysis.overflow
        if overflow:
            counts = ", ".join(f"{rule} {n:,}" for rule, n in sorted(overflow.items()))
            out.append(f"findings past {MAX_FINDINGS_PER_RULE:,} of one rule are not reported: {counts} more")
        return out

    def quote(self, start: int, end: int, file_start: int, file_end: int) -> str:
        """A span of the checked text as the file has it where the file's characters are the
        checked ones (plain text, whatever its line ends: a finding quotes what `fix` replaces),
        as extracted where markup stands between."""
        checked = self.analysis.text[start:end]
        if self.to_file is None:
            return checked
        if self.line_ends is not None:
            return self.line_ends.restore(checked, start)
        in_file = self.source.file_text[file_start:file_end]
        return in_file if in_file.replace("\r\n", "\n") == checked else checked

    def sentence_span(self, k: int) -> tuple[int, int]:
        """Sentence k placed in the file (placed when asked for: a document may have hundreds of
        thousands)."""
        s = self.analysis.document.sentences[k]
        return self.span(s.start, s.end)

    def _findings(self) -> tuple[list[plain.Finding], list[plain.Finding], list[plain.Finding]]:
        """Every finding placed in the file and fingerprinted; then (reported, suppressed, baselined)."""
        checker, source, analysis = self.checker, self.source, self.analysis
        doc = analysis.document
        raw = analysis.findings
        placed = [self.span(f.start, f.end) for f in raw]
        sentence_of = [doc.sentence_at(f.start) for f in raw]
        if self.to_file is None or self.line_ends is not None:
            # The file's words are the checked text's (at most CRs are gone): fingerprinted there,
            # with its words split already, and the same as the file with LF line ends.
            sentences = doc.sentences
            prints = fingerprints(analysis.text, [
                (f.rule.id, f.start, f.end, (sentences.starts[k], sentences.ends[k]) if sentences else None)
                for f, k in zip(raw, sentence_of)], tokens=analysis.tokens)
        else:
            prints = fingerprints(source.file_text, [
                (f.rule.id, start, end, self.sentence_span(k) if doc.sentences else None)
                for f, (start, end), k in zip(raw, placed, sentence_of)])
        baseline, accepted = checker.baseline, self.accepted
        findings: list[plain.Finding] = []
        suppressed: list[plain.Finding] = []
        baselined: list[plain.Finding] = []
        for f, (start, end), k, fingerprint in zip(raw, placed, sentence_of, prints):
            line, column = self.place(start)
            end_line, end_column = self.place(end)
            finding = plain.Finding(
                rule=f.rule.id, category=f.rule.category, severity=checker.severities.get(f.rule.id, f.severity),
                start=start, end=end, line=line, column=column, end_line=end_line, end_column=end_column,
                text=self.quote(f.start, f.end, start, end), message=f.message, suggestion=f.suggestion,
                fix_safe=f.fix_safe,
                sentence=k, source_term=f.source_term, source_language=f.source_language, pair=f.pair,
                fingerprint=fingerprint,
            )
            if self.suppressions.covers(f.rule.id, self.lines.line(start), start):
                suppressed.append(finding)
            elif accepted is not None and baseline is not None and baseline.holds(accepted, fingerprint):
                baselined.append(finding)
            else:
                findings.append(finding)
        return findings, suppressed, baselined

    def _fluency(self, scored: scores.Scores, references: list[plain.ReferenceMatch | None] | None
                 ) -> plain.Fluency:
        sentences = []
        mt = scored.sentence_mt
        for s, score in islice(zip(self.analysis.document.sentences, scored.fluency.sentences), MAX_LISTED_SENTENCES):
            start, end = self.span(s.start, s.end)
            line, column = self.place(start)
            sentences.append(plain.SentenceFluency(
                index=s.index, start=start, end=end, line=line, column=column, paragraph=s.paragraph,
                score=score.score, findings=score.findings,
                mt_probability=mt[s.index] if mt is not None and s.index < len(mt) else None,
                reference=references[s.index] if references is not None else None))
        return plain.Fluency(score=scored.fluency.score, sentences=sentences)

    def _provenance(self, scored: scores.Scores, references: list[plain.ReferenceDocument]) -> plain.Provenance:
        checker, analysis = self.checker, self.analysis
        text, flowed, dl = analysis.text, analysis.document.text, analysis.dateline
        registry = checker.analyzer.agencies
        agency = find_agency(flowed, dl, registry)
        agency_model = None
        if agency is not None:
            start, end = self.span(agency.start, agency.end)
            agency_model = plain.Agency(as_written=agency.as_written, normalised=agency.normalised,
                                        short=agency.short, language=agency.language, start=start, end=end)
        dateline_model = None
        if dl is not None:
            start, end = self.span(dl.start, dl.end)
            dateline_model = plain.Dateline(as_written=text[dl.start:dl.end], style=dl.style, city=dl.city,
                                            date=dl.date, date_normalised=dl.date_normalised, agency=dl.agency,
                                            start=start, end=end)
        return plain.Provenance(
            content_hash=content_hash(text),
            document_language=document_language(analysis.language),
            source_language=source_language(flowed, analysis.findings, dl, agency, registry),
            agency=agency_model,
            dateline=dateline_model,
            mt_likelihood=scored.likelihood,
            verdict=scored.verdict,
            evidence=[plain.Evidence(kind=e.kind, feature=e.feature, rule=e.feature if e.kind == "rule" else None,
                                     count=e.count, description=e.description, contribution=e.contribution)
                      for e in scored.evidence],
            model=checker.scorer.name,
            signature=checker.signature.format(),
            references=references,
        )


def _model_name(model: str | None) -> str:
    return "learned" if model is None else "rules" if model == "rules" else "custom"


def _digest(severities: tuple[tuple[str, str], ...]) -> str:
    return hashlib.sha256(repr(sorted(severities)).encode()).hexdigest()[:8]
