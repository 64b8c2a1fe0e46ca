"""Reference-corpus speed: index build time, lookup time per sentence, recall, memory, disk.

    python tests/benchmarks/bench_corpus.py                      # 1,000,000 sentences
    python tests/benchmarks/bench_corpus.py --sentences 100000   # smaller
    python tests/benchmarks/bench_corpus.py --keep DIR           # corpus and index kept in DIR

A deterministic corpus of news-like sentences (an opener, one of 16 clause templates and
a tail, filled from Zipf-distributed vocabularies of made-up names, places, organisations
and content words, numbers and dates, so shingles repeat as in real copy without a few
sentences repeating) is written
as JSONL archives of 5-20-sentence documents. The index is built (time, peak RSS), opened
again unchanged (time), grown by an appended archive (incremental time), and then 1,000
query sentences are looked up: half perturbed copies of corpus sentences (adjacent words
swapped, a word deleted or replaced), half novel sentences from another seed. It prints
ms per sentence, recall@1 of the perturbed copies (the closest match is the sentence they
were made from), the share of novel sentences that matched anything, and the index size.
When ../shared/eval is beside the repository it also measures the matching on real text:
WMT21 zh-en MT sentences against a corpus of human translations, at several thresholds.

Targets (issue 4): build < 60 s and lookup < 10 ms/sentence at 1,000,000 sentences, RSS
within a few hundred MB.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from mtcheck.corpus.index import DEFAULT_THRESHOLD, ReferenceIndex
from mtcheck.corpus.shingles import normalise

SHARED_SEGMENTS = Path(__file__).resolve().parents[3] / "shared" / "eval" / "wmt21_zhen_segments.jsonl"
SYLLABLES = ("ba be bi bo bu da de di do du fa fe fi ga ge go ha he hi ka ke ki ko ku la le li lo lu ma me mi mo "
             "mu na ne ni no nu pa pe pi po ra re ri ro ru sa se si so su ta te ti to tu va ve vi wa we xi ya "
             "yo za zu an en in on un ar er ir or ur").split()
FUNCTION_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
TITLES = ("spokesman", "spokeswoman", "director", "minister", "chairman", "deputy head", "governor", "mayor",
          "chief economist", "secretary", "president", "vice president", "analyst", "senior official")
VERBS = ("said", "announced", "warned", "reported", "confirmed", "told reporters", "stressed", "noted",
         "estimated", "predicted", "acknowledged", "insisted")
CORES = (
    "{name}, {title} of the {org}, {verb} that {np} would {act} {np2} in {place}",
    "the {org} {act_past} {number} {noun}s in {place} during the first {count} months of the year",
    "{place} will {act} a new {adj} {noun} worth {number} million yuan by {month} {year}",
    "{np} rose {pct} percent year on year to {number}",
    "{name} {verb} that the {adj} {noun} of {place} had {act_past} {np2}",
    "{count} {noun}s were {act_past} after {adj} {noun2} hit {place}",
    "the {adj} {noun} is expected to {act} {np2} and {act2} the {noun2} of {place}",
    "{np} in {place} has {act_past} {np2}, {name}, a {title} at the {org}, {verb}",
    "officials {verb} they would {act} {number} {noun}s and {act2} the {adj} {noun2}",
    "the {org} and the {org2} signed an agreement to {act} {np2} in {place} and {place2}",
    "{name} {verb} the {org} had {act_past} {pct} percent of its {noun}s",
    "prices of {noun}s fell {pct} percent, the lowest level since {year}",
    "{name} will visit {place} to discuss {np2} with {name2}",
    "a {adj} {noun} near {place} was {act_past} by {count} {noun2}s",
    "the {org} {act_past} its plan for {np2}, citing {adj} {noun}s",
    "{number} people took part in the {adj} {noun} organised by the {org}",
)
OPENERS = ("", "", "", "on {day}, ", "in {month}, ", "according to the {org}, ", "in {place}, ",
           "meanwhile, ", "earlier this year, ", "despite the {adj} {noun2}, ", "as of {month} {year}, ")
TAILS = ("", "", "", ", {name2} {verb}", ", the {org2} {verb}", ", according to {name2}", " on {day}",
         " in {month}", ", up from {number2} a year earlier", " after months of {adj} {noun2}",
         ", {title} {name2} {verb} in a statement", " despite {adj} {noun2}s in {place2}")


class Vocabulary:
    """Made-up words, names and places, drawn with Zipf-like frequencies."""

    def __init__(self, seed: int = 0):
        rng = random.Random(seed)

        def made_up(n: int, parts: tuple[int, int], capital: bool) -> list[str]:
            out: set[str] = set()
            while len(out) < n:
                word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(*parts)))
                out.add(word.capitalize() if capital else word)
            ranked = sorted(out)
            rng.shuffle(ranked)  # frequency rank must not follow spelling
            return ranked

        self.nouns = made_up(20_000, (2, 3), False)
        self.adjs = made_up(5_000, (2, 3), False)
        self.verbs = made_up(4_000, (2, 3), False)
        self.names = made_up(8_000, (2, 3), True)
        self.places = made_up(6_000, (2, 4), True)
        self.orgs = [f"{a} {b}" for a, b in zip(made_up(3_000, (2, 3), True), made_up(3_000, (3, 4), True))]
        self._weights: dict[int, np.ndarray] = {}

    def cumulative(self, n: int) -> np.ndarray:
        if n not in self._weights:
            w = 1.0 / np.arange(1, n + 1) ** 0.9
            self._weights[n] = np.cumsum(w) / w.sum()
        return self._weights[n]


class SentenceMaker:
    def __init__(self, vocabulary: Vocabulary, seed: int):
        self.v = vocabulary
        self.rng = random.Random(seed)
        self.np_rng = np.random.default_rng(seed)
        self._drawn: dict[int, list[int]] = {}

    def pick(self, words: list[str]) -> str:
        """A Zipf-weighted word, ranks drawn 10,000 at a time (one numpy call, not one per word)."""
        drawn = self._drawn.get(id(words))
        if not drawn:
            ranks = np.searchsorted(self.v.cumulative(len(words)), self.np_rng.random(10_000))
            drawn = self._drawn[id(words)] = np.minimum(ranks, len(words) - 1).tolist()
        return words[drawn.pop()]

    def sentence(self) -> str:
        r, p, v = self.rng, self.pick, self.v
        fields = {
            "name": f"{p(v.names)} {p(v.names)}", "name2": f"{p(v.names)} {p(v.names)}",
            "title": r.choice(TITLES), "org": p(v.orgs), "org2": p(v.orgs), "number2": f"{r.randint(2, 9999):,}",
            "verb": r.choice(VERBS), "day": r.choice(FUNCTION_DAYS), "month": r.choice(MONTHS),
            "year": str(r.randint(1990, 2025)), "place": p(v.places), "place2": p(v.places),
            "np": f"the {p(v.adjs)} {p(v.nouns)}", "np2": f"{p(v.nouns)} {p(v.nouns)}s",
            "act": p(v.verbs), "act2": p(v.verbs), "act_past": p(v.verbs) + "ed", "noun": p(v.nouns),
            "noun2": p(v.nouns), "adj": p(v.adjs), "number": f"{r.randint(2, 9999):,}",
            "count": str(r.randint(2, 40)), "pct": f"{r.randint(1, 300) / 10:.1f}",
        }
        text = (r.choice(OPENERS) + r.choice(CORES) + r.choice(TAILS) + ".").format(**fields)
        return text[0].upper() + text[1:]


def perturb(sentence: str, rng: random.Random, vocabulary: Vocabulary) -> str:
    """One to three edits: adjacent words swapped, a word deleted, a word replaced."""
    tokens = sentence.split()
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(tokens) - 1)
        edit = rng.choice(("swap", "delete", "replace"))
        if edit == "swap":
            tokens[i], tokens[i + 1] = tokens[i + 1], tokens[i]
        elif edit == "delete" and len(tokens) > 6:
            del tokens[i]
        else:
            tokens[i] = rng.choice(vocabulary.nouns)
    return " ".join(tokens)


def write_corpus(folder: Path, sentences: int, files: int, sample: set[int]) -> dict[int, str]:
    """JSONL archives holding `sentences` sentences in all; returns the sampled sentences by position."""
    vocabulary = Vocabulary(0)
    maker = SentenceMaker(vocabulary, seed=1)
    rng = random.Random(2)
    per_file = -(-sentences // files)
    kept: dict[int, str] = {}
    written = 0
    doc = 0
    for f in range(files):
        with open(folder / f"archive-{f:03d}.jsonl", "w", encoding="utf-8") as fh:
            limit = min(sentences, (f + 1) * per_file)
            while written < limit:
                n = min(rng.randint(5, 20), limit - written)
                story = []
                for _ in range(n):
                    s = maker.sentence()
                    if written in sample:
                        kept[written] = s
                    story.append(s)
                    written += 1
                paragraphs = "\n\n".join(" ".join(story[i:i + 2]) for i in range(0, len(story), 2))
                fh.write(json.dumps({"id": f"story-{doc}", "text": paragraphs}) + "\n")
                doc += 1
    return kept


def wmt21(shared_segments: Path, folder: Path) -> None:
    """Real text: MT outputs of WMT21 zh-en looked up in a corpus of the human translations
    of half the documents. A sentence of those documents should find its human translation;
    one of the other half has none in the corpus and should find nothing."""
    segments = [json.loads(line) for line in shared_segments.open(encoding="utf-8") if line.strip()]
    human = {(s["doc_id"], s["seg_id"]): s["target"] for s in segments if s["is_human"]}
    documents = sorted({d for d, _ in human})
    random.Random(0).shuffle(documents)
    inside = set(documents[: len(documents) // 2])
    folder.mkdir(parents=True)
    with open(folder / "references.jsonl", "w", encoding="utf-8") as fh:
        for doc in sorted(inside):
            text = "\n\n".join(human[key] for key in sorted(human) if key[0] == doc)
            fh.write(json.dumps({"id": doc, "text": text}) + "\n")
    machine = [s for s in segments if not s["is_human"] and (s["doc_id"], s["seg_id"]) in human]
    random.Random(1).shuffle(machine)
    machine = machine[:3000]
    index = ReferenceIndex.open(folder, warn=print)
    matches = index.lookup_many([s["target"] for s in machine], threshold=0)
    index.close()
    truth = [normalise(human[(s["doc_id"], s["seg_id"])]) for s in machine]
    present = [s["doc_id"] in inside for s in machine]
    right = np.array([m is not None and normalise(m.text) == t for m, t in zip(matches, truth)])
    score = np.array([m.similarity if m is not None else 0.0 for m in matches])
    has, hasnt = np.array(present), ~np.array(present)
    print(f"WMT21 zh-en: {has.sum()} MT sentences whose human translation is in a corpus of "
          f"{index.stats.sentences} sentences, {hasnt.sum()} whose is not; "
          f"closest is the translation (recall@1): {right[has].mean():.3f}")
    for t in (50, 60, 70, 80):
        found = score >= t
        print(f"  threshold {t}: translation found {(found & right)[has].mean():.2f}, wrong sentence "
              f"{(found & ~right)[has].mean():.2f}; absent ones matched {found[hasnt].mean():.3f}")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def disk_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1_000)
    ap.add_argument("--files", type=int, default=10, help="JSONL archives the corpus is split into")
    ap.add_argument("--keep", metavar="DIR", help="build in DIR and keep it (default: a temporary folder)")
    args = ap.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="mtcheck-bench-corpus-"))
    corpus = work / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    try:
        rng = random.Random(3)
        half = args.queries // 2
        sample = set(rng.sample(range(args.sentences), half))
        started = time.perf_counter()
        originals = write_corpus(corpus, args.sentences, args.files, sample)
        size = sum(p.stat().st_size for p in corpus.glob("*.jsonl")) / 1e6
        print(f"corpus: {args.sentences:,} sentences in {args.files} JSONL files, {size:.0f} MB "
              f"(generated in {time.perf_counter() - started:.1f} s); peak RSS so far {peak_rss_mb():.0f} MB")

        started, cpu = time.perf_counter(), time.process_time()
        index = ReferenceIndex.open(corpus, warn=print)
        build, cpu = time.perf_counter() - started, time.process_time() - cpu
        s = index.stats
        print(f"build: {build:.1f} s, CPU {cpu:.1f} s ({s.sentences / build:,.0f} sentences/s); {s.documents:,} "
              "documents, "
              f"{s.sentences:,} sentences, {s.segments} segments, {s.postings:,} postings; "
              f"peak RSS {peak_rss_mb():.0f} MB")
        print(f"index on disk: {disk_mb(Path(s.index_dir)):.0f} MB ({s.index_dir})")
        index.close()

        started = time.perf_counter()
        index = ReferenceIndex.open(corpus, warn=print)
        print(f"reopen unchanged: {(time.perf_counter() - started) * 1000:.0f} ms "
              f"(files unchanged {index.stats.files_unchanged}, sentences indexed {index.stats.sentences_indexed})")
        index.close()

        extra = SentenceMaker(Vocabulary(0), seed=99)
        with open(corpus / "archive-999.jsonl", "w", encoding="utf-8") as fh:
            for doc in range(1_000):
                fh.write(json.dumps({"id": f"late-{doc}",
                                     "text": " ".join(extra.sentence() for _ in range(10))}) + "\n")
        started = time.perf_counter()
        index = ReferenceIndex.open(corpus, warn=print)
        print(f"incremental: a new archive of 10,000 sentences indexed in {time.perf_counter() - started:.2f} s "
              f"({index.stats.segments} segments)")

        vocabulary = Vocabulary(0)
        perturbed = {pos: perturb(text, rng, vocabulary) for pos, text in sorted(originals.items())}
        novel_maker = SentenceMaker(vocabulary, seed=12345)
        novel = [novel_maker.sentence() for _ in range(args.queries - len(perturbed))]
        queries = list(perturbed.values()) + novel
        index.lookup_many(queries[:20])  # warm-up: page cache of the segments
        started = time.perf_counter()
        matches = index.lookup_many(queries, DEFAULT_THRESHOLD)
        took = time.perf_counter() - started
        single = time.perf_counter()
        for q in queries[:200]:
            index.lookup(q)
        single = (time.perf_counter() - single) / 200
        hits = sum(1 for (pos, _), m in zip(perturbed.items(), matches)
                   if m is not None and normalise(m.text) == normalise(originals[pos]))
        false = sum(1 for m in matches[len(perturbed):] if m is not None)
        print(f"lookup: {took / len(queries) * 1000:.2f} ms/sentence batched ({len(queries)} queries), "
              f"{single * 1000:.2f} ms/sentence one at a time")
        print(f"recall@1 of perturbed copies: {hits / len(perturbed):.3f} ({hits}/{len(perturbed)}); "
              f"novel sentences matched at >= {DEFAULT_THRESHOLD:g}: {false}/{len(novel)}")
        print(f"peak RSS {peak_rss_mb():.0f} MB")
        index.close()
        if SHARED_SEGMENTS.is_file():
            wmt21(SHARED_SEGMENTS, work / "wmt21")
        else:
            print(f"WMT21 zh-en: skipped ({SHARED_SEGMENTS} is absent)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
