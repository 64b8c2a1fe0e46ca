"""A cache of work that only depends on data files (the compiled reference pairs), so that a
run checking one story does not redo it.

Entries are JSON files in `$XDG_CACHE_HOME/mtcheck` (else `~/.cache/mtcheck`), each holding
the key it was made for: a reader that finds another key, a file it cannot read or parse, or
no folder at all does the work itself, as without a cache. Writes are atomic and give up
silently (a read-only home, a full disk): the cache is never required. JSON, not pickle:
a cache folder restored from elsewhere (a CI cache) can make a run slower, never run code.

Entries named FAMILY-HEX.json (the pairs: one per set of pair files, and so per install) are
many over time: each write keeps the KEEP_PER_FAMILY of its family used last (a read marks an
entry used) and removes the rest, so the folder stays a few megabytes.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path
from typing import Any

KEEP_PER_FAMILY = 8
_FAMILY_MEMBER = re.compile(r"([a-z]+)-[0-9a-f]{8,64}\.json")


def cache_dir() -> Path | None:
    """The folder of mtcheck's cache files, or None when the home folder is unknown."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        home = os.path.expanduser("~")
        if home == "~":
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "mtcheck"


def read(name: str, key: str) -> Any | None:
    """The value stored under `name` for `key`; None when there is none for that key."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with open(folder / name, encoding="utf-8") as fh:
            stored = json.load(fh)
    except (OSError, ValueError):  # absent, unreadable, truncated, not JSON
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    if _FAMILY_MEMBER.fullmatch(name):
        with contextlib.suppress(OSError):  # used now: the last to be pruned
            os.utime(folder / name)
    return stored.get("value")


def write(name: str, key: str, value: Any) -> None:
    """Store `value` (JSON-able) under `name` for `key`, replacing what was there."""
    folder = cache_dir()
    if folder is None:
        return
    from mtcheck.files import atomic_write  # (tempfile) only when there is something to write

    with contextlib.suppress(OSError):  # a read-only or full disk: the next run does the work again
        atomic_write(folder / name, json.dumps({"key": key, "value": value}, ensure_ascii=False,
                                               separators=(",", ":")), sync=False)
        family = _FAMILY_MEMBER.fullmatch(name)
        if family is not None:
            _prune(folder, family.group(1))


def _prune(folder: Path, family: str) -> None:
    """Remove the entries of `family` but the KEEP_PER_FAMILY used last. Only names this
    module makes are looked at: nothing else in the folder is ever removed."""
    members = []
    for entry in os.scandir(folder):
        match = _FAMILY_MEMBER.fullmatch(entry.name)
        if match is not None and match.group(1) == family and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):  # (removed meanwhile by another run)
                members.append((entry.stat(follow_symlinks=False).st_mtime, entry.name))
    for _, name in sorted(members, reverse=True)[KEEP_PER_FAMILY:]:
        with contextlib.suppress(OSError):
            os.unlink(folder / name)
