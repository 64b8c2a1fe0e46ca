"""The public API end to end: a report model with findings, fluency and provenance."""

import textwrap

import pytest

import mtcheck
from mtcheck.models import DocumentReport, Verdict
from mtcheck.pipeline import Checker
from mtcheck.policy.options import Options

from conftest import PLAIN, REPO, flat

EXAMPLES = REPO / "reference_pairs" / "examples"

MT_STORY = (
    "China News Agency, Beijing, March 3rd. (Reporter Li Hua) The relevant person in charge said on the 2nd "
    "that the new crown pneumonia epidemic prevention and control work has achieved results.\n\n"
    "  He said that the masses fully supported and supported the measures, which contribute to the cause of "
    "reform. Contribute to the cause.\n\n"
    "  The departments will comprehensively promote the work in an all-round way .\n(over)\n"
)
EDITED_STORY = (
    "BEIJING, March 3 (CNS) -- Efforts to control COVID-19 have paid off, an official said on Monday.\n\n"
    "Residents have backed the measures, which will stay in place until the end of the month, he said.\n\n"
    "The health authorities said they would publish a full report next week.\n"
)


def test_check_returns_a_report_with_offsets_into_the_text():
    report = mtcheck.check(MT_STORY, "story.txt")
    assert isinstance(report, DocumentReport) and report.source == "story.txt"
    for f in report.findings:
        assert MT_STORY[f.start:f.end] == f.text
        line_start = MT_STORY.rfind("\n", 0, f.start) + 1
        assert (f.line, f.column) == (MT_STORY.count("\n", 0, f.start) + 1, f.start - line_start + 1)
    assert report.findings == sorted(report.findings, key=lambda f: (f.start, f.end, f.rule))


def test_hard_wrapped_copy_gets_the_report_of_the_same_copy_unwrapped():
    # Archives and e-mailed copy come wrapped at a fixed width: a phrase, a date or a sentence
    # broken across lines is read as on one line, and the verdict does not move.
    story = (EXAMPLES / "mt_wire_story.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in story.split("\n\n") if p.strip()]
    for width, newline in ((60, "\n"), (72, "\r\n")):
        wrapped = "\n\n".join(textwrap.fill(p.strip(), width, initial_indent=p[:len(p) - len(p.lstrip())],
                                              break_on_hyphens=False) for p in paragraphs)
        wrapped = wrapped.replace("\n", newline) + newline
        assert wrapped.count("\n") > 2 * len(paragraphs)
        whole, lines = mtcheck.check(story), mtcheck.check(wrapped)
        assert [(f.rule, flat(f.text)) for f in lines.findings] == [(f.rule, flat(f.text)) for f in whole.findings]
        assert lines.provenance.mt_likelihood == whole.provenance.mt_likelihood
        assert lines.sentences == whole.sentences and lines.paragraphs == whole.paragraphs
        assert all(wrapped[f.start:f.end] == f.text for f in lines.findings)


def test_a_windows_file_reads_as_the_same_file_with_unix_line_ends():
    # Wire feeds and archives made on Windows end their lines with CR LF. A pattern with a space
    # in it (a calque written as a regex) broken across such a line is found as
    # across a LF, and the report's offsets, lines, columns and quotes are the file's own.
    unix = ("Officials said the transformation of scientific and\ntechnological achievements sped up "
            "on\nthe 26th, and the scientific research\npersonnel of the subject group would go on "
            "with\nkey problem tackling in the city, he said.\n") * 3
    windows = unix.replace("\n", "\r\n")
    lf, crlf = mtcheck.check(unix), mtcheck.check(windows)
    assert len(crlf.findings) >= 12 and any("\r\n" in f.text for f in crlf.findings)
    assert [(f.rule, f.line, f.column, f.end_line, f.end_column) for f in crlf.findings] == \
        [(f.rule, f.line, f.column, f.end_line, f.end_column) for f in lf.findings]
    assert [f.text.replace("\r\n", "\n") for f in crlf.findings] == [f.text for f in lf.findings]
    assert all(windows[f.start:f.end] == f.text for f in crlf.findings)
    assert crlf.provenance.mt_likelihood == lf.provenance.mt_likelihood
    assert crlf.provenance.content_hash == lf.provenance.content_hash  # the same copy
    assert [f.fingerprint for f in crlf.findings] == [f.fingerprint for f in lf.findings]  # one baseline for both
    at = windows.index("scientific research\r\npersonnel")  # a regex pair's space at a CR LF
    assert any(f.rule == "calque.phrase" and f.start == at for f in crlf.findings)


def test_mt_story_reads_as_machine_and_edited_copy_as_human():
    mt = mtcheck.check((EXAMPLES / "mt_wire_story.txt").read_text(encoding="utf-8"))
    edited = mtcheck.check((EXAMPLES / "edited_wire_story.txt").read_text(encoding="utf-8"))
    assert mt.provenance.verdict == Verdict.machine and mt.provenance.mt_likelihood > 0.9
    assert edited.provenance.verdict == Verdict.human and edited.provenance.mt_likelihood < 0.35
    assert edited.fluency.score > mt.fluency.score
    # The evidence is the model's own: findings quoted, and features of the writing in words.
    kinds = {e.kind for e in mt.provenance.evidence}
    assert kinds == {"rule", "style"} and all(e.description for e in mt.provenance.evidence)
    assert any(e.kind == "rule" and "'" in e.description and e.contribution > 0 for e in mt.provenance.evidence)
    # Each sentence has its own MT probability, and the MT story's sentences read as MT more.
    mt_sentences = [s.mt_probability for s in mt.fluency.sentences]
    edited_sentences = [s.mt_probability for s in edited.fluency.sentences]
    assert all(p is not None and 0 <= p <= 1 for p in mt_sentences + edited_sentences)
    assert sum(mt_sentences) / len(mt_sentences) > sum(edited_sentences) / len(edited_sentences)


def test_the_findings_of_a_short_story_stand_but_its_provenance_is_not_guessed():
    short = mtcheck.check(f"The new crown pneumonia cases were supported and supported. {PLAIN}")
    assert short.provenance.verdict == Verdict.too_short and short.provenance.mt_likelihood is None
    assert short.findings and short.fluency.score < 100


GERMAN = ("Der Bundestag hat am Mittwoch ein neues Gesetz zum Schutz der Wälder beschlossen. Die Opposition "
          "kritisierte den Entwurf scharf, doch die Regierung verteidigte ihn als notwendig. ") * 4


@pytest.mark.parametrize("model", [None, "rules"])
def test_a_story_in_another_language_gets_no_likelihood_from_any_scorer(model):
    # Read as English style, a German story scored 0.97: another language is no evidence of English MT.
    report = Checker(Options(model=model)).check(GERMAN)
    p = report.provenance
    assert p.document_language.code == "de" and [f.rule for f in report.findings] == ["script.not-english"]
    assert p.verdict == Verdict.not_english and p.mt_likelihood is None and p.evidence == []
    assert all(s.mt_probability is None for s in report.fluency.sentences)


def test_typography_does_not_move_the_likelihood():
    text = (EXAMPLES / "edited_wire_story.txt").read_text(encoding="utf-8")
    typeset = (text.replace('"', "\u201c").replace("'", "\u2019").replace(" -- ", " \u2014 ")
               .replace("...", "\u2026"))
    assert typeset != text
    assert mtcheck.check(typeset).provenance.mt_likelihood == mtcheck.check(text).provenance.mt_likelihood
    rules_only = mtcheck.Checker(mtcheck.Options(model="rules"))
    assert rules_only.check(text).provenance.model == "rules"


def test_the_rule_families_all_fire_on_one_mt_story():
    mt = mtcheck.check(MT_STORY)
    rules = {f.rule for f in mt.findings}
    assert {"calque.term", "marker.dateline", "marker.ordinal-date", "repetition.coordinated", "fragment.echo",
            "punctuation.indent", "punctuation.space-before", "marker.end"} <= rules
    assert mt.provenance.evidence and mt.provenance.evidence[0].contribution > 0


def test_provenance_names_agency_dateline_and_source_language():
    p = mtcheck.check(MT_STORY).provenance
    assert p.agency.normalised == "China News Service" and p.agency.as_written == "China News Agency"
    assert (p.dateline.city, p.dateline.date_normalised, p.dateline.style) == ("Beijing", "March 3", "chinese-wire")
    assert p.source_language.code == "zh"
    assert p.document_language.code == "en"
    assert len(p.content_hash) == 64
    e = mtcheck.check(EDITED_STORY).provenance
    assert (e.agency.short, e.dateline.city, e.dateline.date, e.dateline.style) == ("CNS", "BEIJING", "March 3", "wire")


def test_content_hash_of_a_long_text_is_the_sha256_of_its_utf8():
    """A long text is hashed a piece at a time: the digest is still that of its whole UTF-8,
    with characters of every width on the cuts between pieces."""
    import hashlib

    from mtcheck.core.provenance import _HASH_CHARS, content_hash

    for text in ("a" * (_HASH_CHARS - 1) + "é€𝄞" * 5, "€" * (2 * _HASH_CHARS + 3), "x" * _HASH_CHARS, "", "é"):
        assert content_hash(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_an_agency_named_near_the_top_is_found_as_the_pattern_finds_it():
    """The automaton behind `first_name` finds what the registry's pattern finds: the leftmost
    name standing alone (not inside a word or a hyphenated one), the longest there."""
    import random

    from mtcheck.core.agencies import default_registry

    registry = default_registry()
    rng = random.Random(5)
    pieces = ["Xinhua", "Xinhua News Agency", "AP", "Reuters", "AFP", "Kyodo", "China News Service", "CNS", "APx",
              "-AP", "AP-", "Xinhuanet", "(AP)", "_AP", "é", "the", "\n", ",", "Yonhap News Agency", "x"]
    texts = ["".join(rng.choice([" ", "", "\n"]) + rng.choice(pieces) for _ in range(rng.randint(1, 10)))
             for _ in range(2000)]
    texts += [MT_STORY, EDITED_STORY, PLAIN, ""]
    for text in texts:
        for end in (800, 20, 3):
            m = registry.pattern.search(text, 0, end)
            assert registry.first_name(text, end) == ((m.group(), m.start()) if m else None), (text, end)


def test_signature_names_version_pairs_and_settings():
    sig = mtcheck.check(PLAIN).provenance.signature
    assert sig.startswith(f"mtcheck:{mtcheck.__version__}|pairs:") and "|rules:all|" in sig and "langdetect:seed0" in sig


def test_reports_are_deterministic():
    a = mtcheck.check(MT_STORY).model_dump()
    b = mtcheck.check(MT_STORY).model_dump()
    assert a == b


def test_select_and_ignore_rules():
    from mtcheck import Checker, Options

    only = Checker(Options(select=("calque",))).check(MT_STORY)
    assert {f.category for f in only.findings} == {"calque"}
    without = Checker(Options(ignore=("punctuation.indent", "markers"))).check(MT_STORY)
    rules = {f.rule for f in without.findings}
    assert "punctuation.indent" not in rules and not any(r.startswith("marker.") for r in rules)
    assert "calque.term" in rules
