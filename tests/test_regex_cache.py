"""The regex programs a run compiles are kept in the user's cache and handed to the next run's
`re`, which then does not compile them again; the patterns are the very ones `re` would make,
and a damaged or foreign cache only costs the compiling."""

import json
import os
import re
import subprocess
import sys

import pytest

from mtcheck import regex_cache

PATTERNS = [(r"(?P<word>\w+)[ \t]+(?=[.!?])", 0), (r"new crown (pneumonia|virus)", re.IGNORECASE),
            (r"(?<![\w'’])(?:the|a)\s+relevant\s+(?P<who>department|person)", re.IGNORECASE | re.MULTILINE)]
TEXT = "The Relevant Department said . New Crown Pneumonia cases rose !\nthe relevant person said ?"

pytestmark = pytest.mark.skipif(regex_cache._re_cache() is None, reason="programs are kept on CPython only")


@pytest.fixture
def process(tmp_path, monkeypatch):
    """A fresh process's state: `re` has compiled nothing and the cache has not been read;
    new_process() starts another one with the same cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(regex_cache, "_WORTH_WRITING", 0)  # these patterns are small

    def new_process():
        monkeypatch.setattr(re, "_cache", {})
        if hasattr(re, "_cache2"):  # (3.12: a second, smaller cache in front of the first)
            monkeypatch.setattr(re, "_cache2", {})
        monkeypatch.setattr(regex_cache, "_read", False)
        monkeypatch.setattr(regex_cache, "_primed", set())
        monkeypatch.setattr(regex_cache, "_stored", [])

    new_process()
    return new_process


def fresh_compile(pattern, flags):
    """The pattern as `re` compiles it, whatever its cache holds."""
    held = re._cache
    re._cache = {}
    try:
        return re.compile(pattern, flags)
    finally:
        re._cache = held


def behaviour(compiled):
    return [(m.span(), m.groups(), m.groupdict()) for m in compiled.finditer(TEXT)]


def test_the_next_run_gets_the_compiled_patterns_without_compiling(process):
    for pattern, flags in PATTERNS:
        re.compile(pattern, flags)
    regex_cache.remember()
    process()
    regex_cache.prime()
    for pattern, flags in PATTERNS:
        primed = re._cache[(str, pattern, int(flags))]  # there before anyone asks for it
        got = re.compile(pattern, flags)
        assert got is primed
        fresh = fresh_compile(pattern, flags)
        assert got == fresh  # (a pattern's equality compares its program)
        assert (got.flags, got.groups, got.groupindex) == (fresh.flags, fresh.groups, fresh.groupindex)
        assert behaviour(got) == behaviour(fresh)
    assert [len(behaviour(re.compile(p, f))) for p, f in PATTERNS] == [3, 1, 2]


def test_a_later_run_adds_its_new_patterns_and_keeps_the_old_ones_it_used(process):
    held = re.compile(*PATTERNS[0])  # (a module's global)
    regex_cache.remember()
    process()
    regex_cache.prime()
    held = [re.compile(*PATTERNS[0]), re.compile(*PATTERNS[1])]
    regex_cache.remember()
    process()
    regex_cache.prime()
    assert (str, PATTERNS[0][0], 0) in re._cache and (str, PATTERNS[1][0], int(re.IGNORECASE)) in re._cache
    assert held


def test_patterns_primed_that_nothing_asked_for_are_dropped(process):
    """A phrase group an earlier run's copy needed is not read back by every later run."""
    held = [re.compile(pattern, flags) for pattern, flags in PATTERNS]
    regex_cache.remember()
    process()
    regex_cache.prime()
    held = [re.compile(*PATTERNS[2])]  # this run's copy needs one of them
    regex_cache.remember()
    process()
    regex_cache.prime()
    assert [(str, p, int(f)) in re._cache for p, f in PATTERNS] == [False, False, True]
    assert held


def test_a_damaged_cache_only_costs_the_compiling(process, tmp_path):
    for pattern, flags in PATTERNS:
        re.compile(pattern, flags)
    regex_cache.remember()
    path = tmp_path / "mtcheck" / "regex-programs.json"
    stored = json.loads(path.read_text(encoding="utf-8"))
    good, other, third = stored["value"]
    not_a_program = [good[0], good[1], good[2], "AAAAAP////8=", *good[4:]]  # words _sre rejects
    not_base64 = [other[0], other[1], other[2], "***", *other[4:]]
    damaged = [not_a_program, not_base64, ["too", "short"], "not a list", [7, 0, 0, "", 0, {}, []],
               [["a list"], 0, 0, "", 0, {}, []], third]
    path.write_text(json.dumps({**stored, "value": damaged}), encoding="utf-8")
    process()
    regex_cache.prime()
    assert (str, third[0], third[1]) in re._cache  # the sound entry is still used
    assert (str, good[0], good[1]) not in re._cache
    held = [re.compile(pattern, flags) for pattern, flags in PATTERNS]
    assert [behaviour(p) for p in held] == [behaviour(fresh_compile(p, f)) for p, f in PATTERNS]
    regex_cache.remember()  # reads the damaged file again to keep what it still needs
    path.write_text("{not json", encoding="utf-8")
    process()
    regex_cache.prime()
    assert re._cache == {}


def test_a_run_that_filled_res_cache_is_not_remembered(process, tmp_path):
    """Building the reference pairs anew compiles a thousand patterns once: re's cache is then
    full of them, and the modules' patterns were dropped from it."""
    for i in range(regex_cache._limit()):
        re.compile(rf"filler {i}\b")
    regex_cache.remember()
    assert not (tmp_path / "mtcheck" / "regex-programs.json").exists()


def test_a_few_small_patterns_coming_or_going_do_not_rewrite_the_file(process, tmp_path, monkeypatch):
    held = [re.compile(pattern, flags) for pattern, flags in PATTERNS]
    regex_cache.remember()
    path = tmp_path / "mtcheck" / "regex-programs.json"
    written = path.read_bytes()
    monkeypatch.setattr(regex_cache, "_WORTH_WRITING", 1_000)
    process()
    regex_cache.prime()
    held = [re.compile(r"a (small) one"), re.compile(*PATTERNS[0])]  # one new, two primed let go
    regex_cache.remember()
    assert path.read_bytes() == written and held


def test_no_program_is_made_that_would_not_be_kept(process, monkeypatch):
    """Making a program compiles the pattern again: a run over thousands of stories compiles
    hundreds of phrase groups, and only what fits is worth it."""
    real, made = regex_cache._program, []
    monkeypatch.setattr(regex_cache, "_program", lambda p, f: made.append(p) or real(p, f))
    monkeypatch.setattr(regex_cache, "_WORDS_LIMIT", regex_cache._words(real(*PATTERNS[0])))  # room for one
    held = [re.compile(pattern, flags) for pattern, flags in PATTERNS]
    regex_cache.remember()
    assert made == [PATTERNS[0][0]]  # the one kept; then no room was left
    process()
    regex_cache.prime()
    assert [(str, p, int(f)) in re._cache for p, f in PATTERNS] == [True, False, False]
    assert held


def test_runs_of_check_say_the_same_whether_or_not_they_read_the_programs(tmp_path):
    """The first run after an install builds the reference pairs (and fills re's cache): the
    second keeps its programs, the third reads them."""
    story = tmp_path / "story.txt"
    story.write_text("The reporter learned that the relevant person in charge said the new crown pneumonia "
                     "epidemic is under control . Increase income.\n", encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    run = [sys.executable, "-m", "mtcheck", "check", "--format", "json", str(story)]
    runs = []
    for _ in range(3):
        runs.append(subprocess.run(run, capture_output=True, text=True, env=env))
        assert runs[-1].returncode == 1, runs[-1].stderr
    programs = json.loads((tmp_path / "cache" / "mtcheck" / "regex-programs.json").read_text(encoding="utf-8"))
    assert len(programs["value"]) > 20  # the rules' patterns
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
