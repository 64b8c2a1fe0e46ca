"""The compiled reference pairs are kept in the user's cache folder and read back by the next
run; the cache is never required: a missing, read-only or corrupt one only costs the work."""

import json
import os
import tempfile

import pytest

from mtcheck import cache
from mtcheck.core import pairs
from mtcheck.core.pairs import HEADER, PairsError

HEAD = "\t".join(HEADER) + "\n"
STORY = ("The two sides should strengthen the Belt and Road Initiative after the new crown pneumonia epidemic, "
         "he said at the Two Sessions.\n")


def row(mt, ref="reference", fix="review"):
    return "\t".join((mt, ref, "术语", "zh", "calque", "warning", fix, "why")) + "\n"


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home / "mtcheck"


def shipped_and(tmp_path, *rows):
    mine = tmp_path / "mine.tsv"
    mine.write_text(HEAD + "".join(rows), encoding="utf-8")
    return [pairs.default_pairs_dir() / "phrases", mine]


def fingerprint(pair_set):
    """What checking sees of a matcher: its entries, digest and matches on a story."""
    return (pair_set.entries, pair_set.digest, pair_set.files,
            [(m.entry.location, m.start, m.end) for m in pair_set.find(STORY)])


def not_loaded(*args, **kwargs):
    raise AssertionError("the pair files were parsed again instead of read from the cache")


def test_a_built_matcher_is_read_back_by_the_next_build(tmp_path, cache_home, monkeypatch):
    sources = shipped_and(tmp_path, row("sanctions club"))
    first = pairs.build(sources)
    assert len(list(cache_home.iterdir())) == 1  # one file, no temporaries left behind
    monkeypatch.setattr(pairs, "load", not_loaded)
    second = pairs.build(sources)
    assert fingerprint(second) == fingerprint(first)
    assert any(m.entry.mt_phrase == "new crown pneumonia epidemic" for m in second.find(STORY))


def test_an_edited_pair_file_is_never_answered_from_the_cache(tmp_path, cache_home):
    sources = shipped_and(tmp_path, row("sanctions club"))
    pairs.build(sources)
    sources[1].write_text(HEAD + row("two sides should", ref="both should"), encoding="utf-8")
    rebuilt = pairs.build(sources)
    assert [m.entry.mt_phrase for m in rebuilt.find(STORY) if m.entry.path.endswith("mine.tsv")] == ["two sides should"]


def test_a_bad_pair_file_is_an_error_even_when_its_good_version_is_cached(tmp_path, cache_home):
    sources = shipped_and(tmp_path, row("sanctions club"))
    pairs.build(sources)
    sources[1].write_text(HEAD + row("re:(unclosed"), encoding="utf-8")
    with pytest.raises(PairsError, match=r"mine\.tsv:2: bad pattern"):
        pairs.build(sources)


@pytest.mark.parametrize("damage", [
    b"", b"{", b"\xff\xfe not json", b"[1, 2, 3]", b'{"key": 1}',
    "truncated", "wrong shapes", "entries of another length", "wrong types",
])
def test_a_corrupt_cache_file_is_rebuilt(tmp_path, cache_home, damage):
    sources = shipped_and(tmp_path, row("sanctions club"))
    expected = fingerprint(pairs.build(sources))
    (stored,) = cache_home.iterdir()
    if damage == "truncated":
        stored.write_bytes(stored.read_bytes()[:5000])
    elif damage in ("wrong shapes", "entries of another length", "wrong types"):
        data = json.loads(stored.read_text(encoding="utf-8"))
        if damage == "wrong shapes":
            data["value"]["entries"][3] = [1, 2]
            data["value"]["anchors"][0] = "x"
        elif damage == "wrong types":  # right shapes: would break checking, not loading
            anchor = next(a for a in data["value"]["anchors"] if a is not None)
            anchor[1] = "12"
        else:
            data["value"]["patterns"].pop()
        stored.write_text(json.dumps(data), encoding="utf-8")
    else:
        stored.write_bytes(damage)
    assert fingerprint(pairs.build(sources)) == expected
    assert cache.read(stored.name, json.loads(stored.read_text(encoding="utf-8"))["key"]) is not None  # rewritten


def test_a_read_only_cache_folder_only_costs_the_work(tmp_path, cache_home, monkeypatch):
    cache_home.mkdir(parents=True)

    def read_only(*args, **kwargs):  # what creating a file in a read-only folder does (root included)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    sources = shipped_and(tmp_path, row("sanctions club"))
    assert fingerprint(pairs.build(sources)) == fingerprint(pairs.build(sources))
    assert list(cache_home.iterdir()) == []


def test_a_cache_folder_that_cannot_be_made_only_costs_the_work(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # mtcheck/ cannot be made inside a file
    sources = shipped_and(tmp_path, row("sanctions club"))
    assert fingerprint(pairs.build(sources)) == fingerprint(pairs.build(sources))


def test_no_home_means_no_cache(monkeypatch):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "")
    monkeypatch.setattr(os.path, "expanduser", lambda p: p)  # what it returns when it knows no home
    assert cache.cache_dir() is None
    assert cache.read("anything.json", "key") is None
    cache.write("anything.json", "key", [1])  # nothing to write to: nothing happens
    assert pairs.build([pairs.default_pairs_dir() / "phrases"]).entries


def test_a_relative_xdg_cache_home_is_ignored(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/folder")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / ".cache" / "mtcheck"


def test_the_cache_keeps_the_pair_sets_used_last_and_nothing_else_is_removed(cache_home):
    """One entry per set of pair files (and so per install) would pile up for ever: a write
    keeps the KEEP_PER_FAMILY used last, a read counts as a use, other files are left alone."""
    for i in range(cache.KEEP_PER_FAMILY):
        cache.write(f"pairs-{i:016x}.json", "k", i)
        os.utime(cache_home / f"pairs-{i:016x}.json", (1_000_000 + i, 1_000_000 + i))
    (cache_home / "notes.txt").write_text("mine")
    cache.write("regex-programs.json", "k", [])
    assert cache.read("pairs-0000000000000000.json", "k") == 0  # the oldest, used again now
    cache.write("pairs-00000000000000ff.json", "k", 255)
    cache.write("pairs-00000000000000fe.json", "k", 254)
    kept = sorted(p.name for p in cache_home.iterdir())
    assert kept == ["notes.txt", "pairs-0000000000000000.json", *(f"pairs-{i:016x}.json" for i in range(3, 8)),
                    "pairs-00000000000000fe.json", "pairs-00000000000000ff.json", "regex-programs.json"]
