"""Golden outputs: `mtcheck check --format json` on fixed texts, recorded so that a change
meant to be invisible (speed, memory, refactoring) can be shown to change no report.

    python tests/golden.py            # compare; exit 1 and name what differs
    python tests/golden.py --write    # record the outputs of the code as it is now

`tests/test_golden.py` runs the comparison. The texts in tests/data/golden/texts/ are short
fixtures written for this (a raw MT story, edited wire copy, Markdown, HTML, suppressions,
CRLF, JSONL, hard-wrapped prose, French, an empty file); their whole JSON report is kept in
tests/data/golden/check.json. For the two real seed documents in ../shared/seeds (never
copied here) only the sha256 of each one's JSON report is kept, in seeds.json.

A change that is MEANT to change reports (a rule that finds more, new reference pairs, a
new report field, a new version number) changes these outputs too: look at the difference
(`git diff tests/data/golden` after --write), make sure it is what you meant, then commit
the rewritten files with your change and say so in the commit message.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "data" / "golden"
TEXTS = GOLDEN / "texts"
CONFIG = GOLDEN / "mtcheck.toml"  # default settings, whatever configs lie further up
CHECK_JSON = GOLDEN / "check.json"
SEEDS_JSON = GOLDEN / "seeds.json"
SEEDS = REPO.parent / "shared" / "seeds"


@contextlib.contextmanager
def _in_folder(folder: Path) -> Iterator[None]:
    # Files are named relative to their folder, so reports do not depend on the checkout's path.
    old = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)


def check_json(folder: Path, names: list[str]) -> str:
    """What `mtcheck check --format json NAMES` prints, run in-process in folder."""
    sys.path.insert(0, str(REPO))
    from mtcheck.cli import main

    out = io.StringIO()
    with _in_folder(folder), contextlib.redirect_stdout(out):
        code = main(["check", "--format", "json", "--config", str(CONFIG), "--color", "never", *names])
    if code not in (0, 1, 2):  # 2: an input could not be checked (empty.txt), reported in "errors"
        raise RuntimeError(f"mtcheck check exited {code} on {names}")
    # A finding's `pair` names the shipped pairs file by its absolute path: the checkout's
    # own folder is written as <repo>, so that the outputs are the same in any clone.
    return out.getvalue().replace(json.dumps(str(REPO))[1:-1], "<repo>")


def fixture_names() -> list[str]:
    return sorted(p.name for p in TEXTS.iterdir() if p.is_file())


def fixtures_output() -> str:
    return check_json(TEXTS, fixture_names())


def seed_digests() -> dict[str, str]:
    """sha256 of the JSON report of each seed document, checked on its own ({} without ../shared/seeds)."""
    if not SEEDS.is_dir():
        return {}
    names = sorted(p.name for p in SEEDS.glob("*.txt"))
    return {name: hashlib.sha256(check_json(SEEDS, [name]).encode("utf-8")).hexdigest() for name in names}


def write() -> None:
    from mtcheck.files import atomic_write

    atomic_write(CHECK_JSON, fixtures_output())
    digests = seed_digests()
    if digests:
        atomic_write(SEEDS_JSON, json.dumps(digests, indent=2, sort_keys=True) + "\n")
    else:
        print(f"{SEEDS} is absent: {SEEDS_JSON.name} left as it was", file=sys.stderr)


def differences() -> list[str]:
    """What differs from the recorded outputs, one line each."""
    problems = []
    if fixtures_output() != CHECK_JSON.read_text(encoding="utf-8"):
        problems.append(f"the report on {TEXTS.relative_to(REPO)} differs from {CHECK_JSON.relative_to(REPO)}")
    recorded = json.loads(SEEDS_JSON.read_text(encoding="utf-8"))
    for name, digest in seed_digests().items():
        if recorded.get(name) != digest:
            problems.append(f"the report on seed {name} differs from the digest in {SEEDS_JSON.relative_to(REPO)}")
    return problems


def main(argv: list[str]) -> int:
    if argv == ["--write"]:
        write()
        return 0
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    problems = differences()
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
