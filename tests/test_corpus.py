"""The reference corpus: indexing, lookup, incremental updates, bad input, check annotation."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import jsonschema
import pytest

from mtcheck.corpus import index as corpus_mod
from mtcheck.corpus.index import INDEX_FOLDER, CorpusError, ReferenceIndex, References
from mtcheck.corpus.shingles import ShingleBatch, WordHasher, query_keys, words
from mtcheck.models import CheckReport
from mtcheck.pipeline import Checker
from mtcheck.schemas import schema_documents

PORT = ("QINGDAO, May 20 (Xinhua) -- The second phase of Qingdao Port's automated container terminal began "
        "operating on Saturday. The new terminal has three berths and can handle 3 million containers a year. "
        "An official with Shandong Port Group said the group would keep opening up and build a world-class port.")
FLOOD = ("HANGZHOU, June 3 (Xinhua) -- Heavy rain has forced the evacuation of 46,000 people in eastern Zhejiang. "
         "The provincial flood control headquarters raised its emergency response to level three on Friday.")
BANK = "The central bank cut its key lending rate by a quarter point on Friday. Analysts had expected the move."
RAIL = "The high-speed railway linking the two cities will open to traffic before the end of next year."
DRAFT_SENTENCE = ("The relevant person in charge of Shandong Port Group said that the group would keep opening up "
                  "and build a world-class port.")
NOVEL = "Astronomers in Chile photographed a comet passing unusually close to the planet Jupiter."


def jsonl(*records: dict) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


@pytest.fixture
def corpus(tmp_path):
    """A folder corpus: two stories as text files (one in a subfolder) and a JSONL archive."""
    root = tmp_path / "published"
    (root / "2024").mkdir(parents=True)
    (root / "port.txt").write_text(PORT, encoding="utf-8")
    (root / "2024" / "flood.md").write_text(FLOOD, encoding="utf-8")
    (root / "archive.jsonl").write_text(jsonl({"id": "bank-1", "text": BANK}), encoding="utf-8")
    return root


def open_quietly(path, **kwargs) -> ReferenceIndex:
    warnings: list[str] = []
    index = ReferenceIndex.open(path, warn=warnings.append, **kwargs)
    index.warnings = warnings  # type: ignore[attr-defined]
    return index


def test_lookup_finds_the_edited_sentence_with_its_place(corpus):
    with open_quietly(corpus) as index:
        assert (index.stats.documents, index.stats.files_added) == (3, 3)
        match = index.lookup(DRAFT_SENTENCE)
        assert match is not None and match.path == str(corpus / "port.txt") and match.document == match.path
        assert match.sentence == 2 and match.line is None
        assert PORT[match.start:match.end] == match.text
        assert match.text.startswith("An official with Shandong Port Group")
        assert 60 <= match.similarity < 100
        exact = index.lookup("The central bank cut its key lending rate by a quarter point on Friday.")
        assert exact is not None and exact.similarity == 100 and exact.document == "bank-1" and exact.line == 1
        assert index.lookup(NOVEL) is None


def test_threshold_is_respected(corpus):
    with open_quietly(corpus) as index:
        found = index.lookup(DRAFT_SENTENCE, threshold=0)
        assert found is not None
        assert index.lookup(DRAFT_SENTENCE, threshold=found.similarity) == found
        assert index.lookup(DRAFT_SENTENCE, threshold=found.similarity + 0.1) is None
        assert index.lookup_many([DRAFT_SENTENCE, NOVEL, "", "..."], threshold=50) == [found, None, None, None]


def test_index_sits_beside_the_corpus_or_where_asked(tmp_path, corpus):
    archive = tmp_path / "archive.jsonl"
    archive.write_text(jsonl({"id": "rail", "text": RAIL}), encoding="utf-8")
    with open_quietly(archive) as index:
        assert index.folder == tmp_path / "archive.jsonl.mtcheck-index" and index.folder.is_dir()
        match = index.lookup(RAIL)
        assert match is not None and (match.path, match.document) == (str(archive), "rail")
    elsewhere = tmp_path / "indexes" / "published"
    with open_quietly(corpus, index_dir=elsewhere) as index:
        assert (elsewhere / "index.sqlite3").is_file() and not (corpus / INDEX_FOLDER).exists()
    with open_quietly(corpus, index_dir=elsewhere) as index:
        assert index.stats.files_unchanged == 3 and index.stats.sentences_indexed == 0


def test_incremental_add_change_delete_reuse_the_index(corpus):
    with open_quietly(corpus) as index:
        first = index.stats.sentences
    with open_quietly(corpus) as index:
        assert index.stats.files_unchanged == 3 and index.stats.sentences_indexed == 0 and index.stats.rebuilt is None

    (corpus / "rail.txt").write_text(RAIL, encoding="utf-8")
    with open_quietly(corpus) as index:
        assert (index.stats.files_added, index.stats.files_unchanged, index.stats.sentences_indexed) == (1, 3, 1)
        assert index.stats.sentences == first + 1
        assert index.lookup(RAIL).path == str(corpus / "rail.txt")

    (corpus / "port.txt").write_text(PORT.replace("three berths", "four berths and a rail link"), encoding="utf-8")
    with open_quietly(corpus) as index:
        assert (index.stats.files_changed, index.stats.sentences_indexed) == (1, 3)
        assert index.stats.sentences == first + 1
        match = index.lookup("The new terminal has four berths and a rail link and can handle 3 million containers a "
                             "year.")
        assert match is not None and match.similarity == 100

    (corpus / "2024" / "flood.md").unlink()
    with open_quietly(corpus) as index:
        assert index.stats.files_deleted == 1 and index.stats.sentences == first - 1
        assert index.lookup("Heavy rain has forced the evacuation of 46,000 people in eastern Zhejiang.") is None


def test_a_jsonl_archive_that_only_grew_indexes_only_the_new_lines(corpus):
    archive = corpus / "archive.jsonl"
    with open_quietly(corpus) as index:
        before = index.stats.sentences
    with archive.open("a", encoding="utf-8") as fh:
        fh.write("\n" + jsonl({"id": "rail", "text": RAIL}))
    with open_quietly(corpus) as index:
        assert (index.stats.files_appended, index.stats.files_changed, index.stats.sentences_indexed) == (1, 0, 1)
        assert index.stats.sentences == before + 1
        match = index.lookup(RAIL)
        assert (match.document, match.line) == ("rail", 3)
        assert index.lookup(BANK.split(". ")[1]).document == "bank-1"  # the old lines are still there, once
    # A rewritten archive (not a pure append) is indexed again from the start.
    archive.write_text(jsonl({"id": "rail", "text": RAIL}), encoding="utf-8")
    with open_quietly(corpus) as index:
        assert index.stats.files_changed == 1 and index.stats.sentences == before - 1
        assert index.lookup(RAIL).line == 1


def test_segments_are_merged_and_tombstoned_postings_dropped(corpus):
    for i in range(6):
        (corpus / f"extra-{i}.txt").write_text(f"Story number {i} says the county opened {i + 2} new schools.",
                                               encoding="utf-8")
    with open_quietly(corpus, batch_sentences=2, max_segments=3) as index:
        assert index.stats.segments <= 3 and index.stats.merges == 1
    (corpus / "port.txt").unlink()
    for i in range(3):
        (corpus / f"late-{i}.txt").write_text(f"A late story {i} about the harbour.", encoding="utf-8")
    with open_quietly(corpus, batch_sentences=2, max_segments=3) as index:
        assert index.stats.segments <= 3
        assert index.lookup(DRAFT_SENTENCE) is None
        assert index.lookup("Story number 4 says the county opened 6 new schools.").similarity == 100
        segment_files = sorted(p.name for p in index.folder.glob("*.npy"))
        assert len(segment_files) == 2 * index.stats.segments  # merged-away segments are deleted


def test_a_crash_mid_build_leaves_a_usable_index_and_no_duplicates(corpus, monkeypatch):
    for i in range(4):
        (corpus / f"extra-{i}.txt").write_text(f"The county opened {i + 2} schools this year.", encoding="utf-8")
    real_write = corpus_mod.write_segment
    written = []

    def crash_on_second(folder, name, keys, ids):
        if written:
            raise OSError(28, "No space left on device")
        written.append(name)
        real_write(folder, name, keys, ids)

    monkeypatch.setattr(corpus_mod, "write_segment", crash_on_second)
    with pytest.raises(CorpusError, match="No space left on device"):
        ReferenceIndex.open(corpus, warn=lambda m: None, batch_sentences=3)
    monkeypatch.setattr(corpus_mod, "write_segment", real_write)
    with open_quietly(corpus, batch_sentences=3) as index:
        with open_quietly(corpus, index_dir=corpus.parent / "fresh") as fresh:
            assert (index.stats.documents, index.stats.sentences) == (fresh.stats.documents, fresh.stats.sentences)
        connection = sqlite3.connect(index.folder / "index.sqlite3")
        texts = [t for (t,) in connection.execute("SELECT text FROM sentences")]
        connection.close()
        assert len(texts) == len(set(texts))


def test_a_corrupted_index_is_rebuilt(corpus):
    with open_quietly(corpus) as index:
        folder, sentences = index.folder, index.stats.sentences
    next(folder.glob("*.keys.npy")).write_bytes(b"not numpy")
    with open_quietly(corpus) as index:
        assert index.stats.rebuilt and index.stats.sentences == sentences and index.lookup(DRAFT_SENTENCE)
        assert any("rebuilding" in w for w in index.warnings)
    for path in folder.glob("index.sqlite3*"):
        path.write_bytes(b"\x00garbage" * 100)
    with open_quietly(corpus) as index:
        assert index.stats.rebuilt and index.stats.sentences == sentences
    connection = sqlite3.connect(folder / "index.sqlite3")
    connection.execute("UPDATE meta SET value = 'other' WHERE key = 'settings'")
    connection.commit()
    connection.close()
    with open_quietly(corpus) as index:
        assert "settings" in index.stats.rebuilt and index.stats.sentences == sentences


def test_bad_documents_are_skipped_with_a_warning_naming_them(corpus):
    (corpus / "archive.jsonl").write_text(
        jsonl({"id": "bank-1", "text": BANK}) + "{not json\n" + jsonl({"id": 7}, {"text": ["a list"]}, {"text": RAIL}),
        encoding="utf-8")
    (corpus / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    (corpus / "blank.txt").write_text("   \n", encoding="utf-8")
    with open_quietly(corpus) as index:
        assert index.stats.skipped == 5
        archive = corpus / "archive.jsonl"
        assert {w.split(": ", 1)[0] for w in index.warnings} == {
            f"{archive}:2", f"{archive}:3", f"{archive}:4", str(corpus / "photo.txt"), str(corpus / "blank.txt")}
        assert all("\n" not in w for w in index.warnings)
        assert index.lookup(RAIL).document == f"{archive}:5"  # no id: the file and line name it


def test_missing_or_empty_corpus_is_a_one_line_error(tmp_path):
    with pytest.raises(CorpusError) as missing:
        ReferenceIndex.open(tmp_path / "nowhere")
    assert str(missing.value).startswith(str(tmp_path / "nowhere") + ": ") and "\n" not in str(missing.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="empty reference corpus"):
        ReferenceIndex.open(tmp_path / "empty")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "a.jsonl").write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="empty reference corpus"):
        ReferenceIndex.open(tmp_path / "junk", warn=lambda m: None)
    (tmp_path / "story.txt").write_text(RAIL, encoding="utf-8")
    with pytest.raises(CorpusError, match="--index"):
        ReferenceIndex.open(tmp_path / "story.txt", index_dir=tmp_path / "story.txt" / "inside")


def test_shingle_keys_are_the_same_in_every_process():
    sentence = "The new crown pneumonia epidemic was supported and supported."
    here = query_keys(sentence, WordHasher()).tolist()
    code = ("from mtcheck.corpus.shingles import WordHasher, query_keys; "
            f"print(query_keys({sentence!r}, WordHasher()).tolist())")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert json.loads(there.stdout) == here and len(here) == 8  # 9 words, 8 bigrams
    assert query_keys("Supported.", WordHasher()).tolist() != query_keys("supported and", WordHasher()).tolist()


def test_batch_postings_are_sorted_unique_and_chunk_independent():
    hasher = WordHasher()
    sentences = ["the port the port opened", "", "Jupiter", "a comet passed close to Jupiter", "so close"]

    def postings(chunk: int):
        batch = ShingleBatch(first_id=10)
        for s in sentences:
            batch.add(hasher.hashes(words(s)))
        return batch.postings(chunk_sentences=chunk)

    keys, ids = postings(2)
    same_keys, same_ids = postings(100)
    assert keys.tolist() == same_keys.tolist() and ids.tolist() == same_ids.tolist()
    assert keys.tolist() == sorted(keys.tolist())
    assert len(set(zip(keys.tolist(), ids.tolist()))) == len(keys)
    # "the port" twice in sentence 10 is one posting; the empty sentence 11 has none.
    assert ids.tolist().count(10) == 3 and 11 not in ids.tolist() and ids.tolist().count(12) == 1


def test_a_checker_with_references_fills_sentences_and_provenance(corpus, check):
    draft = (f"{DRAFT_SENTENCE} The new terminal has 3 berths and can handle 3 million containers a year. "
             f"{NOVEL}")
    plain = check(draft)
    assert plain.provenance.references == [] and all(s.reference is None for s in plain.fluency.sentences)
    with open_quietly(corpus) as index:
        checker = Checker(references=References(index))
        report = checker.check(draft)
    assert checker.signature.references == f"{index.stats.sentences}@60"
    matched = [s.reference for s in report.fluency.sentences]
    assert matched[0] is not None and matched[1] is not None and matched[2] is None
    assert matched[1].path == str(corpus / "port.txt") and matched[1].sentence == 1
    [reference] = report.provenance.references
    assert (reference.path, reference.sentences, reference.share) == (str(corpus / "port.txt"), 2, round(2 / 3, 4))
    assert reference.coverage == round(2 / 3, 4)
    assert reference.similarity == round((matched[0].similarity + matched[1].similarity) / 2, 2)
    schema = json.loads(schema_documents()["check-report.schema.json"])
    jsonschema.validate(json.loads(CheckReport(documents=[report], signature="test").model_dump_json()), schema)
