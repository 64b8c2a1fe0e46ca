"""Regular expressions compiled once per machine, not once per run.

`re.compile` parses a pattern into a program for the regex engine, `_sre`, in pure Python:
a run of `mtcheck check` on one story compiles some 90 patterns, 11 ms of a 100 ms run (133
patterns and 36 ms for Chinese-wire copy). The programs depend only on the pattern, its flags and the
interpreter, so the CLI keeps them in mtcheck's cache (`mtcheck.cache`, JSON) under a key
naming the interpreter exactly. The next run hands each to `_sre.compile`, the call
`re.compile` ends with (0.4 ms for all of them), and puts the compiled pattern in `re`'s own
cache, where `re.compile` then finds it: the modules compile their patterns as they always do.

This leans on CPython internals that `re` has kept from 3.10 to 3.13: `_sre.compile`'s
arguments and `re._cache` keyed by (type, pattern, flags). Anything else (another
interpreter, another shape, a program `_sre` rejects) leaves `re` to compile as usual. A
program is stored only when `_sre` built from it equals the pattern `re` compiled (a
pattern's equality compares its program).
"""

from __future__ import annotations

import base64
import importlib
import re
import sys
from array import array
from typing import Any

from mtcheck import cache

_NAME = "regex-programs.json"
_FORMAT = "regex-programs-1"
# What is kept: the programs of a few kinds of runs (90 patterns, 17,000 words, for an English
# story; `re` itself keeps 512 patterns), never so many that reading them costs what compiling
# the few a run needs would (100,000 words: 6 ms).
_LIMIT = 400
_WORDS_LIMIT = 100_000
# The file is rewritten when programs of more words than this come or go: a few small patterns
# (the standard library's, used once and let go) compile in microseconds, and rewriting the
# file every run for them would not pay.
_WORTH_WRITING = 1_000

_sre: Any
try:  # CPython's regex engine and compiler (3.11 moved the compiler into re)
    _sre = importlib.import_module("_sre")
    _compiler: Any = importlib.import_module("re._compiler" if sys.version_info >= (3, 11) else "sre_compile")
    _parser: Any = importlib.import_module("re._parser" if sys.version_info >= (3, 11) else "sre_parse")
except ImportError:  # another interpreter
    _sre = None

# (pattern, flags) of the programs primed or stored by this process; (pattern, flags, code
# words) of the stored ones primed (the entries themselves are read again only to rewrite the
# file); whether the cache has been read (once a process: `re` keeps what it primed)
_primed: set[tuple[str, int]] = set()
_stored: list[tuple[str, int, int]] = []
_read = False


def _re_cache() -> dict[Any, Any] | None:
    """`re`'s cache of compiled patterns, when this is an interpreter whose programs are kept."""
    compiled = getattr(re, "_cache", None)
    if (_sre is None or sys.implementation.name != "cpython" or not isinstance(compiled, dict)
            or array("I").itemsize != _sre.CODESIZE):
        return None
    return compiled


def _key() -> str:
    return f"{_FORMAT}|{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}|{_sre.MAXREPEAT}|{_sre.MAXGROUPS}"


def prime() -> None:
    """Put the stored patterns in `re`'s cache (those it does not hold already)."""
    global _read
    compiled = _re_cache()
    if compiled is None or _read:
        return
    _read = True
    stored = cache.read(_NAME, _key())
    if not isinstance(stored, list):
        return
    room, words = min(_limit() - len(compiled), _LIMIT), 0
    for entry in stored[:max(room, 0)]:
        if not _sound(entry):
            continue
        pattern, flags = entry[0], entry[1]
        size = _words(entry)
        words += size
        if words > _WORDS_LIMIT:  # (a file another version wrote): what is over is compiled
            break
        try:
            pattern_ = _build(entry)
        except Exception:  # a damaged entry (wrong shapes, a program `_sre` rejects): re compiles it
            continue
        compiled.setdefault((str, pattern, flags), pattern_)
        _primed.add((pattern, flags))
        _stored.append((pattern, flags, size))


def remember() -> None:
    """Store the programs of the patterns this process compiled that the cache lacks, and drop
    those it primed that nothing asked for.

    A primed pattern was asked for when something besides `re`'s cache holds it (a module's
    global, the reference pairs' compiled groups): one nothing holds was a phrase group an
    earlier run's copy needed (a run over 400 stories compiles 140 of them, and reading them
    back cost a one-story run what compiling its own patterns does). Nothing is stored when
    `re`'s cache is full: it has then dropped the patterns compiled first (the modules') and
    holds what building the reference pairs anew compiled once (a thousand patterns checked
    and never used again)."""
    compiled = _re_cache()
    if compiled is None or len(compiled) >= _limit():
        return
    asked = {(p, f): w for p, f, w in _stored if _held(compiled.get((str, p, f)))}
    room, slots = _WORDS_LIMIT - sum(asked.values()), _LIMIT - len(asked)
    entries = []
    # In the order `re` compiled them (a run's own patterns before the phrase groups its copy
    # needed), while they fit: a program is made by compiling the pattern again, so none is
    # made that would not be kept (a run over thousands of stories compiles hundreds of groups)
    for key in list(compiled):
        if len(key) != 3 or key[0] is not str or type(key[2]) is not int or key[1:] in _primed:
            continue
        if room <= 0 or slots <= 0:
            break
        try:
            entry = _program(key[1], key[2])
            if _build(entry) != compiled[key]:
                continue
        except Exception:  # (a pattern of another shape): left out
            continue
        if _words(entry) > room:
            break
        entries.append(entry)
        room, slots = room - _words(entry), slots - 1
    changed = sum(map(_words, entries)) + sum(w for _, _, w in _stored) - sum(asked.values())
    if changed < _WORTH_WRITING:
        return
    stored = cache.read(_NAME, _key()) if asked else None  # (another run may have rewritten it)
    kept = [e for e in (stored if isinstance(stored, list) else ()) if _sound(e) and (e[0], e[1]) in asked]
    cache.write(_NAME, _key(), kept + entries)  # what was asked for first: it is read first
    _primed.update((e[0], e[1]) for e in entries)
    _stored[:] = [(e[0], e[1], _words(e)) for e in kept + entries]


def _held(pattern: re.Pattern[str] | None) -> bool:
    """Whether something besides `re`'s cache refers to the pattern (or 3.12's second cache of
    the patterns used last). References: re's cache, this function's argument, getrefcount's."""
    return pattern is not None and sys.getrefcount(pattern) > 3


def _limit() -> int:
    """How many patterns `re` keeps."""
    return int(getattr(re, "_MAXCACHE", 512))


def _program(pattern: str, flags: int) -> list[Any]:
    """[pattern, flags, program flags, code, groups, groupindex, indexgroup]: re's compile
    without its last step, `_build`. The code (a list of 32-bit words) is kept as base64 of
    its bytes: read as JSON numbers, 400 programs took 6 ms; as this, 1 ms."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    state = parsed.state
    indexgroup: list[str | None] = [None] * state.groups
    for name, index in state.groupdict.items():
        indexgroup[index] = name
    words = base64.b64encode(array("I", [int(c) for c in code]).tobytes()).decode("ascii")
    return [pattern, flags, flags | state.flags, words, state.groups - 1, dict(state.groupdict), indexgroup]


def _sound(entry: Any) -> bool:
    """Whether a stored entry has the shape `_program` gives (its program may still be refused)."""
    return (isinstance(entry, list) and len(entry) == 7 and type(entry[0]) is str and type(entry[1]) is int
            and type(entry[3]) is str)


def _words(entry: list[Any]) -> int:
    """How many code words a stored program has (its base64 is 16 characters for 3 words)."""
    return len(entry[3]) * 3 // 16


def _build(entry: list[Any]) -> re.Pattern[str]:
    """The pattern `_sre` makes of a stored program."""
    pattern, _, program_flags, words, groups, groupindex, indexgroup = entry
    code = array("I", base64.b64decode(words, validate=True)).tolist()
    built: re.Pattern[str] = _sre.compile(pattern, program_flags, code, groups, groupindex, tuple(indexgroup))
    return built
