"""mtcheck align: sentence alignment, scores, word edits, what editing fixed, output formats."""

from __future__ import annotations

import itertools
import json
import re
import sys
from collections import Counter

import jsonschema
import pytest

from mtcheck.align import Aligner, AlignSettings, align_sentences

from align_synthetic import link_f1, make_versions
from browser import WIDTHS, chromium_fixture, open_page, screenshot  # noqa: F401  (the `chromium` fixture)
from conftest import PLAIN, REPO, SHARED, flat

PAIRS = REPO / "reference_pairs"


@pytest.fixture(scope="module")
def aligner(checker):
    return Aligner(checker)


def _links(links) -> set[tuple[int, int]]:
    return {(i, j) for link in links for i in range(*link.draft) for j in range(*link.reference)}


@pytest.mark.parametrize("seed", range(6))
def test_synthetic_versions_with_splits_merges_insertions_and_deletions_align_exactly(seed):
    versions = make_versions(80, seed=seed)
    assert all(versions.operations.values()) or seed  # the generator does make every kind of change
    links = align_sentences(versions.draft, versions.reference)
    assert link_f1(_links(links), versions.links) >= 0.98


def test_every_group_shape_is_used_and_both_sides_are_covered_in_order():
    versions = make_versions(300, seed=11, split=0.1, merge=0.1, delete=0.06, insert=0.06)
    links = align_sentences(versions.draft, versions.reference)
    ops = {link.operation for link in links}
    assert {"1-1", "1-2", "2-1", "1-0", "0-1"} <= ops
    assert [i for link in links for i in range(*link.draft)] == list(range(len(versions.draft)))
    assert [j for link in links for j in range(*link.reference)] == list(range(len(versions.reference)))


@pytest.mark.parametrize("dense_pairs", [1_000_000, 100])  # the whole matrix; the band computed as reached
def test_versions_with_more_words_than_characters_align_as_their_word_lists(monkeypatch, dense_pairs):
    """Words are compared as one character each; where a version had more distinct words than
    there are characters, the word lists are compared instead, and give the same groups."""
    from mtcheck.align import dp

    versions = make_versions(120, seed=5)
    monkeypatch.setattr(dp, "DENSE_PAIRS", dense_pairs)
    as_letters = align_sentences(versions.draft, versions.reference)
    monkeypatch.setattr(dp, "_LETTERS", 10)
    assert align_sentences(versions.draft, versions.reference) == as_letters


def test_two_two_group_when_a_boundary_moves():
    draft = ["The council approved the budget for next year after a long debate on Monday and",
             "the mayor said the money would go to schools.",
             "Police reported no arrests."]
    reference = ["The council approved the budget for next year after a long debate on Monday.",
                 "And the mayor said the money would go to schools.",
                 "Police reported no arrests."]
    assert align_sentences(draft, reference)[-1].operation == "1-1"
    shifted = ["The council approved the budget", "for next year after a long debate, and the mayor said the money "
                                                  "would go to schools.",
               "Police reported no arrests."]
    ops = [link.operation for link in align_sentences(shifted, reference)]
    assert ops[0] in ("2-2", "1-1") and ops[-1] == "1-1"
    assert "1-0" not in ops and "0-1" not in ops


def test_empty_side_is_all_added_or_dropped():
    assert [link.operation for link in align_sentences(["One."], [])] == ["1-0"]
    assert [link.operation for link in align_sentences([], ["One.", "Two."])] == ["0-1", "0-1"]


def test_identical_versions_are_kept_with_perfect_scores(aligner):
    text = f"{PLAIN} Officials said the bridge would reopen in May.\n\nTraffic was diverted."
    report = aligner.align_texts(text, text)
    assert {g.status.value for g in report.groups} == {"kept"}
    assert report.sentences.kept_share == 1.0
    assert report.scores.bleu == 100.0 and report.scores.ter == 0.0
    assert all(g.scores.chrf == 100.0 and not g.edits for g in report.groups)


def test_spans_and_edits_point_into_each_side(aligner):
    draft = (PAIRS / "documents/flood_control_draft.txt").read_text(encoding="utf-8")
    reference = (PAIRS / "documents/flood_control_published.txt").read_text(encoding="utf-8")
    report = aligner.align_texts(draft, reference)
    for g in report.groups:
        assert draft[g.draft.start:g.draft.end] == g.draft.text
        assert reference[g.reference.start:g.reference.end] == g.reference.text
        for e in g.edits:
            assert draft[e.draft_start:e.draft_end] == e.draft_text
            assert reference[e.reference_start:e.reference_end] == e.reference_text
            assert e.op in ("replace", "insert", "delete")
        for c in g.findings:
            if c.draft_start is not None:
                assert draft[c.draft_start:c.draft_end] == c.draft_text
    assert report.scores.signatures["bleu"].startswith("nrefs:1|")
    assert "align:" in report.signature and "sacrebleu:" in report.signature


def test_what_editing_fixed_and_missed(aligner):
    flood = aligner.align_texts((PAIRS / "documents/flood_control_draft.txt").read_text(encoding="utf-8"),
                                (PAIRS / "documents/flood_control_published.txt").read_text(encoding="utf-8"))
    assert flood.editing.fixed.get("repetition.coordinated") == 1
    assert flood.editing.fixed.get("repetition.doubled-word") == 1
    assert flood.editing.removed.get("marker.end") == 1  # "(over)" went with its line
    assert not flood.editing.remaining
    port = aligner.align_texts((PAIRS / "documents/port_expansion_draft.txt").read_text(encoding="utf-8"),
                               (PAIRS / "documents/port_expansion_published.txt").read_text(encoding="utf-8"))
    assert port.editing.remaining == {"calque.style": 1}  # official phrasing, kept by the desk
    kept = [c for g in port.groups for c in g.findings if c.status.value == "remaining"]
    assert kept[0].draft_text == kept[0].reference_text == "high-quality development"


def test_introduced_findings_are_reported(aligner):
    draft = f"{PLAIN} The committee approved the plan on Monday."
    reference = f"{PLAIN} The committee approved the the plan on Monday."
    report = aligner.align_texts(draft, reference)
    assert report.editing.introduced == {"repetition.doubled-word": 1}


def test_shipped_document_pairs_align(aligner):
    rows = [line.split("\t") for line in (PAIRS / "documents/index.tsv").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    assert len(rows) >= 3
    for name, draft, reference, _ in rows:
        report = aligner.align_texts((PAIRS / draft).read_text(encoding="utf-8"),
                                     (PAIRS / reference).read_text(encoding="utf-8"), draft, reference)
        # A mildly MT draft (port_expansion keeps some officialese) may read as post-edited.
        assert report.draft.verdict.value in ("machine", "post-edited"), name
        assert report.draft.mt_likelihood > report.reference.mt_likelihood, name
        assert report.reference.verdict.value == "human", name
        assert sum(report.editing.fixed.values()) >= 2, name
        assert report.sentences.edited >= 3, name


def test_the_flood_control_pair_aligns_as_its_description_says(aligner):
    row = next(line.split("\t") for line in (PAIRS / "documents/index.tsv").read_text(encoding="utf-8").splitlines()
               if line.startswith("flood_control\t"))
    report = aligner.align_texts((PAIRS / row[1]).read_text(encoding="utf-8"),
                                 (PAIRS / row[2]).read_text(encoding="utf-8"), row[1], row[2])
    operations = Counter(g.operation for g in report.groups)
    assert operations == {"1-1": 6, "1-0": 3}
    assert "six 1-1 edits and three 1-0 drops" in row[3]
    dropped = [g.draft.text.strip() for g in report.groups if g.operation == "1-0"]
    assert "Guard against risks." in dropped and "(over)" in dropped


def test_cli_json_matches_the_exported_schema(cli):
    result = cli("align", str(PAIRS / "documents/port_expansion_draft.txt"),
                 str(PAIRS / "documents/port_expansion_published.txt"), "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    schema = json.loads((REPO / "reports/schema/align-report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    group = data["groups"][0]
    assert {"operation", "draft", "reference", "scores", "edits", "findings"} <= group.keys()
    assert {"sentences", "start", "end"} <= group["draft"].keys()


def test_cli_text_is_side_by_side_with_changes_marked(cli):
    result = cli("align", str(PAIRS / "documents/flood_control_draft.txt"),
                 str(PAIRS / "documents/flood_control_published.txt"), "--width", "100", "--color", "never")
    assert result.code == 0, result.err
    assert " │ " in result.out
    assert "[-The the local government has relocated-]" in result.out
    assert "{+Local authorities have moved+}" in result.out
    assert "fixed      repetition.coordinated \"inspection and inspection\"" in result.out
    assert "BLEU" in result.out and "chrF" in result.out and "TER" in result.out


def test_cli_html_escapes_document_text(cli, tmp_path):
    draft = tmp_path / "draft.txt"
    reference = tmp_path / "reference.txt"
    draft.write_text(f"{PLAIN} Click <script>alert(1)</script> here.\n", encoding="utf-8")
    reference.write_text(f"{PLAIN} Click <img src=x onerror=alert(2)> now.\n", encoding="utf-8")
    out = tmp_path / "page.html"
    result = cli("align", str(draft), str(reference), "--format", "html", "--out", str(out))
    assert result.code == 0, result.err
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page
    shown = re.sub(r"</?(del|ins)>", "", page)  # change marks may split the escaped markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "&lt;img src=x onerror=alert(2)&gt;" in shown
    assert "http://" not in page and "https://" not in page  # self-contained


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary", b"\xff\xfe\xfa not utf-8 \xc3",
                                     b"# mtcheck-disable\n"])  # the last: checked, but no sentences
def test_bad_versions_are_one_line_errors(cli, tmp_path, content):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = cli("align", str(bad), str(PAIRS / "documents/flood_control_published.txt"))
    assert result.code == 2
    assert result.err.count("\n") == 1 and result.err.startswith(f"mtcheck: error: {bad}:")
    assert "Traceback" not in result.err


def test_missing_version_and_stdin_twice(cli):
    assert cli("align", "no/such/draft.txt", str(PAIRS / "documents/flood_control_published.txt")).code == 2
    result = cli("align", "-", "-", stdin=b"Text.")
    assert result.code == 2 and "only once" in result.err


@pytest.mark.skipif(not (SHARED / "eval" / "wmt21_zhen_docs.jsonl").exists(), reason="../shared/eval is not beside the "
                                                                                     "repository")
def test_versions_of_real_news_align(monkeypatch):
    """WMT21 zh-en: versions of the first three stories, joined and re-segmented, recover their segment links."""
    monkeypatch.syspath_prepend(str(REPO / "tests" / "benchmarks"))
    import align_eval

    versions = list(align_eval.versions(SHARED / "eval" / "wmt21_zhen_docs.jsonl").values())[:3]
    scores = [align_eval.f1_of_pair(a, b, "\n", AlignSettings()) for vs in versions for a, b in itertools.pairwise(vs)]
    assert sum(scores) / len(scores) >= 0.98
    sys.modules.pop("align_eval", None)


def test_shared_statistics_give_sacrebleus_own_sentence_and_corpus_scores():
    from sacrebleu.metrics import BLEU, CHRF, TER

    from mtcheck.align.metrics import Metrics

    drafts = ["The the committee approved a plan on Monday.", "Officials said nothing.", ""]
    references = ["The committee approved the plan on Monday.", "", "Police made no arrests."]
    metrics = Metrics()
    sentences, corpus = metrics.score(drafts, references)
    assert sentences[0] == metrics.sentence(drafts[0], references[0])
    assert sentences[1] is None and sentences[2] is None
    refs = [references]
    assert corpus.bleu == round(BLEU().corpus_score(drafts, refs).score, 2)
    assert corpus.chrf == round(CHRF().corpus_score(drafts, refs).score, 2)
    assert corpus.ter == round(TER().corpus_score(drafts, refs).score, 2)


def test_statistics_are_sacrebleus_own():
    """BLEU's and chrF's n-gram counts are taken from the runs two sides share, not by
    sacrebleu; they must be sacrebleu's, whatever the sentences look like: kept as they were,
    edited a little or a lot, unrelated, empty on one side, repetitive."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    from mtcheck.align.metrics import Metrics

    same = ["", "Yes.", "A", "The committee approved the plan on Monday .", "  spaced\tout   words  ",
            "e\u0301t\u00e9 \u2014 \u201cquoted\u201d, (bracketed) 1,000,000.", "the the the the the"]
    drafts = [*same, "The the committee approved a plan on Monday.", "Officials said nothing.", "Officials said it.",
              "aaaa aaaa b aaaa", "abababababab", "Police made no arrests.", "", "x",
              "The port handled more containers than ever, the the port said."]
    references = [*same, "The committee approved the plan on Monday.", "Officials SAID nothing.", "",
                  "aaaaaaa b aaa", "babababa", "Rain fell on the city all week.", "Police made no arrests.", "xy",
                  "The port said it handled more containers than ever."]
    versions = make_versions(40, seed=3)  # sentences of a story and its edit, mostly paired up off by a few
    drafts += versions.draft[:40]
    references += versions.reference[:40]
    metrics = Metrics()
    assert metrics._bleu_statistics(drafts, references) == BLEU()._extract_corpus_statistics(drafts, [references])
    assert metrics._chrf_statistics(drafts, references) == CHRF()._extract_corpus_statistics(drafts, [references])
    chrf_plus = Metrics()
    chrf_plus._chrf = CHRF(word_order=2)
    assert (chrf_plus._chrf_statistics(drafts, references)
            == CHRF(word_order=2)._extract_corpus_statistics(drafts, [references]))
    assert metrics._ter_statistics(drafts, references) == TER()._extract_corpus_statistics(drafts, [references])
    sentences, corpus = metrics.score(drafts, references)
    assert sentences[len(same)] == metrics.sentence(drafts[len(same)], references[len(same)])
    assert corpus.bleu == round(BLEU().corpus_score(drafts, [references]).score, 2)
    assert corpus.chrf == round(CHRF().corpus_score(drafts, [references]).score, 2)
    assert corpus.ter == round(TER().corpus_score(drafts, [references]).score, 2)


def test_check_with_a_reference_corpus_names_the_closest_published_copy(cli, tmp_path):
    corpus = tmp_path / "published"
    corpus.mkdir()
    (corpus / "flood.txt").write_text((PAIRS / "documents/flood_control_published.txt").read_text(encoding="utf-8"),
                                      encoding="utf-8")
    (corpus / "other.txt").write_text(f"{PLAIN} The port handled more containers than ever.\n", encoding="utf-8")
    draft = tmp_path / "draft.txt"
    draft.write_text("Heavy rain has affected more than 300,000 people in the province in recent days.\n"
                     "The new crown pneumonia epidemic was supported and supported by the masses.\n", encoding="utf-8")
    result = cli("check", str(draft), "--reference-corpus", str(corpus), "--format", "json", "--fail-on", "never")
    assert result.code == 0, result.err
    doc = json.loads(result.out)["documents"][0]
    first, second = doc["fluency"]["sentences"]
    assert first["reference"]["text"].startswith("Heavy rain has affected more than 300,000 people")
    assert first["reference"]["path"].endswith("flood.txt")
    assert second["reference"] is None
    assert doc["provenance"]["references"][0]["share"] == 0.5
    assert "references:" in doc["provenance"]["signature"]
    assert (corpus / ".mtcheck-index").is_dir()  # persisted beside the corpus
    text = cli("check", str(draft), "--reference-corpus", str(corpus), "--fail-on", "never", "--color", "never")
    assert "closest published: " in flat(text.out) and "flood.txt (50% of sentences" in flat(text.out)


def test_check_with_a_missing_reference_corpus_is_a_one_line_error(cli, tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text(f"{PLAIN}\n", encoding="utf-8")
    result = cli("check", str(draft), "--reference-corpus", str(tmp_path / "nowhere"))
    assert result.code == 2
    assert result.err.startswith("mtcheck: error: ") and result.err.count("\n") == 1 and "nowhere" in result.err
    assert cli("check", str(draft), "--index", str(tmp_path)).code == 2  # --index alone makes no sense


def test_align_checks_both_versions_with_the_drafts_config(cli, tmp_path):
    draft, reference = tmp_path / "draft.txt", tmp_path / "published.txt"
    draft.write_text(f"{PLAIN} The the committee approved the plan.\n", encoding="utf-8")
    reference.write_text(f"{PLAIN} The committee approved the plan.\n", encoding="utf-8")
    fixed = json.loads(cli("align", str(draft), str(reference), "--format", "json").out)["editing"]["fixed"]
    assert fixed == {"repetition.doubled-word": 1}
    (tmp_path / "mtcheck.toml").write_text('ignore = ["repetition"]\n', encoding="utf-8")
    assert json.loads(cli("align", str(draft), str(reference), "--format", "json").out)["editing"]["fixed"] == {}


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_align_page_in_a_browser(cli, tmp_path, chromium, width):
    """Headings whole (no "verdic|t" at 800 px), groups numbered and linkable, a legend."""
    page_file = tmp_path / "align.html"
    page_file.write_text(cli("align", str(PAIRS / "documents/flood_control_draft.txt"),
                             str(PAIRS / "documents/flood_control_published.txt"), "--format", "html").out,
                         encoding="utf-8")
    page = open_page(chromium, page_file.as_uri(), width)
    screenshot(page, f"align-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    line = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)")
    heights = page.evaluate("[...document.querySelectorAll('thead th, .summary tr:first-child th')].map(th => [th.textContent, "
                            "th.getBoundingClientRect().height, parseFloat(getComputedStyle(th).paddingTop) * 2])")
    for text, height, padding in heights:
        if text:
            assert height - padding < 1.6 * line, f"{text!r} breaks across lines"
    numbers = page.evaluate("[...document.querySelectorAll('table.groups tbody tr')].map(r => r.cells[0].textContent)")
    assert numbers == [str(i) for i in range(len(numbers))] and len(numbers) == 9
    assert page.locator(".legend del").count() == 1 and page.locator(".legend ins").count() == 1
    page.click("table.groups tbody tr:nth-child(3) td a")
    assert page.evaluate("location.hash") == "#g2"
    assert page.problems == []
