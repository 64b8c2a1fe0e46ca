"""Offsets of extracted text map back to the original file, and reports follow them."""

from __future__ import annotations

from mtcheck.pipeline import Checker, prepare
from mtcheck.policy.options import Options
from mtcheck.read import Extraction, LineIndex, OffsetMap, Source, with_lf_line_ends

from conftest import PLAIN


def _extract(original: str, pieces: list[tuple[int, int]], joiner: str = "\n\n") -> tuple[str, OffsetMap]:
    """Extracted text made of original[a:b] pieces joined by inserted separators."""
    offsets, parts = OffsetMap(), []
    for i, (a, b) in enumerate(pieces):
        if i:
            offsets.insert(len(joiner), original_at=a)
            parts.append(joiner)
        offsets.copy(a, b - a)
        parts.append(original[a:b])
    return "".join(parts), offsets


def test_copied_runs_map_exactly_and_inserted_text_maps_to_its_place():
    original = "<p>Hello world.</p>\n<p>Second one.</p>"
    first, second = (3, 15), (23, 34)
    text, offsets = _extract(original, [first, second])
    assert text == "Hello world.\n\nSecond one."
    for i, ch in enumerate(text):
        if ch != "\n":
            assert original[offsets.to_original(i)] == ch
    assert offsets.to_original(12) == 23  # the inserted break stands where the next piece starts
    assert offsets.to_original_end(12) == 15  # a span ending at "world." ends before "</p>"


def test_adjacent_copies_merge_into_one_run():
    offsets = OffsetMap()
    offsets.copy(10, 3)
    offsets.copy(13, 4)
    assert offsets.length == 7 and offsets.to_original(6) == 16


def test_report_of_extracted_text_points_into_the_original_file(checker):
    body = f"{PLAIN} The new crown pneumonia epidemic spread."
    original = f"---\ntitle: x\n---\n\n# Heading\n\n{body}\n"
    start = original.index(body)
    text, offsets = _extract(original, [(start, start + len(body))])
    report = checker.check_source(Source(name="story.md", text=text, format="markdown",
                                         extraction=Extraction(original, offsets)))
    finding = next(f for f in report.findings if f.rule == "calque.term")
    assert original[finding.start:finding.end] == finding.text
    assert finding.text.startswith("new crown pneumonia")
    assert (finding.line, finding.column) == (7, original.index("new crown") - original.index(body) + 1)
    assert report.format == "markdown"
    sentence = report.fluency.sentences[-1]
    assert original[sentence.start:sentence.end] == "The new crown pneumonia epidemic spread."


def test_severity_overrides_change_reported_severity_not_scores():
    text = f"{PLAIN} The new crown pneumonia epidemic spread."
    plain, overridden = Checker(), Checker(Options(severities=(("calque.term", "info"),)))
    a, b = plain.check(text), overridden.check(text)
    assert [f.severity.value for f in b.findings if f.rule == "calque.term"] == ["info"]
    assert a.provenance.mt_likelihood == b.provenance.mt_likelihood
    assert a.fluency.score == b.fluency.score
    assert plain.signature != overridden.signature


def test_verdict_thresholds_are_used_and_signed():
    text = f"{PLAIN} The new crown pneumonia epidemic spread."
    strict = Checker(Options(verdict_thresholds=(0.0, 0.0), model="rules"))
    assert strict.check(text).provenance.verdict.value == "machine"
    assert "verdict:0,0" in strict.signature.format()


def test_cr_lf_and_lone_cr_line_ends_read_as_lf_map_back_character_for_character():
    original = "One\r\ntwo\r\n\r\nthree\rfour\r\r\nfive\nsix\r\n"  # (a lone CR, a CR doubled, a LF)
    source = with_lf_line_ends(Source(name="x", text=original))
    text, to_file = source.text, source.extraction.offsets
    assert text == "One\ntwo\n\nthree\nfour\n\nfive\nsix\n" and source.extraction.original == original
    assert LineIndex(original).starts.tolist() == to_file.lines_of_original(LineIndex(text)).starts.tolist()
    for i, ch in enumerate(text):
        j = to_file.to_original(i)
        assert original[j:to_file.to_original_end(i + 1)] in (("\r\n", "\r", "\n") if ch == "\n" else (ch,))
    for a in range(len(text)):  # any span quoted as the file has it
        for b in range(a, len(text) + 1):
            assert to_file.restore(text[a:b], a) == original[to_file.to_original(a):to_file.to_original_end(b)]
    # A span that ends before a line break stops before its CR; one that ends after it takes both.
    assert original[to_file.to_original(0):to_file.to_original_end(3)] == "One"
    assert original[to_file.to_original(0):to_file.to_original_end(4)] == "One\r\n"
    assert with_lf_line_ends(source) is source  # done once
    # After another step (here directive lines taken out), the maps chain back to the file.
    stripped = prepare(Source(name="x", text="# mtcheck-disable\r\nThe plan.\r\nIt works.\r\n"))
    assert stripped.text == "The plan.\nIt works.\n"
    at = stripped.text.index("It")
    assert stripped.extraction.original[stripped.extraction.offsets.to_original(at):].startswith("It works.\r\n")
