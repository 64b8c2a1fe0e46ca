"""Unified diffs built on rapidfuzz: GNU diff's format, applied by patch, any file size."""

from __future__ import annotations

import random
import shutil
import subprocess

import pytest

from mtcheck.fix import diff
from mtcheck.fix.diff import line_opcodes, split_lines, unified_diff


def test_equal_texts_have_no_diff():
    assert unified_diff("a\nb\n", "a\nb\n", "a/f", "b/f") == ""


def test_hunks_have_three_lines_of_context_and_standard_headers():
    old = "".join(f"line {i}\n" for i in range(1, 21))
    new = old.replace("line 2\n", "line two\n").replace("line 18\n", "").replace("line 20\n", "line 20\nline 21\n")
    assert unified_diff(old, new, "a/f.txt", "b/f.txt") == (
        "--- a/f.txt\n+++ b/f.txt\n"
        "@@ -1,5 +1,5 @@\n line 1\n-line 2\n+line two\n line 3\n line 4\n line 5\n"
        "@@ -15,6 +15,6 @@\n line 15\n line 16\n line 17\n-line 18\n line 19\n line 20\n+line 21\n"
    )


def test_missing_final_newline_and_crlf_are_kept():
    assert unified_diff("a\r\nb", "a\r\nc", "a/f", "b/f") == (
        "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\r\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n")
    assert unified_diff("a\n", "", "a/f", "b/f") == "--- a/f\n+++ b/f\n@@ -1 +0,0 @@\n-a\n"
    assert split_lines("x\n\ny") == ["x\n", "\n", "y"] and split_lines("") == []


def random_lines(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(("a", "b", "c", "dd", "the the", "")) + "\n" for _ in range(n)]


def edited(rng: random.Random, lines: list[str]) -> list[str]:
    out = list(lines)
    for _ in range(rng.randint(1, 6)):
        roll = rng.random()
        if roll < 0.35 and out:
            del out[rng.randrange(len(out))]
        elif roll < 0.7:
            out.insert(rng.randint(0, len(out)), rng.choice(("x\n", "y\n", "a\n")))
        elif out:
            out[rng.randrange(len(out))] = "z\n"
    return out


def assert_opcodes_rebuild(a: list[str], b: list[str]) -> None:
    rebuilt, i_at, j_at = [], 0, 0
    for tag, i1, i2, j1, j2 in line_opcodes(a, b):
        assert (i1, j1) == (i_at, j_at)
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
        rebuilt += b[j1:j2]
        i_at, j_at = i2, j2
    assert (i_at, j_at) == (len(a), len(b)) and rebuilt == b


def test_opcodes_rebuild_the_new_text_directly_and_through_anchors(monkeypatch):
    rng = random.Random(4)
    cases = []
    for _ in range(200):
        a = random_lines(rng, rng.randint(0, 40)) + [f"unique {k}\n" for k in range(rng.randint(0, 5))]
        rng.shuffle(a)
        cases.append((a, edited(rng, a)))
    for a, b in cases:
        assert_opcodes_rebuild(a, b)
    monkeypatch.setattr(diff, "_DIRECT_CELLS", 4)  # every gap through the patience anchors
    for a, b in cases:
        assert_opcodes_rebuild(a, b)


@pytest.mark.skipif(shutil.which("patch") is None, reason="patch is not installed")
def test_patch_applies_every_diff(tmp_path):
    rng = random.Random(11)
    for trial in range(40):
        old = "".join(random_lines(rng, rng.randint(1, 30)))
        new = "".join(edited(rng, split_lines(old)))
        if rng.random() < 0.3:
            new = new.rstrip("\n")
        if old == new:
            continue
        (tmp_path / "a").mkdir(exist_ok=True)
        (tmp_path / "a" / "f.txt").write_text(old, encoding="utf-8", newline="")
        (tmp_path / "p.diff").write_text(unified_diff(old, new, "a/f.txt", "b/f.txt"), encoding="utf-8", newline="")
        subprocess.run(["patch", "-s", "-p1", "--binary", "-d", str(tmp_path), "-o", "out.txt", "a/f.txt", "p.diff"],
                       check=True)
        assert (tmp_path / "out.txt").read_text(encoding="utf-8") == new, trial
        (tmp_path / "out.txt").unlink()


def test_long_files_are_diffed_in_pieces():
    old = [f"paragraph {i} of a long archive\n" for i in range(6000)]
    new = list(old)
    for i in range(0, 6000, 700):
        new[i] = "changed\n"
    del new[3001]
    text = unified_diff("".join(old), "".join(new), "a/f", "b/f")
    assert len(old) * len(new) > diff._DIRECT_CELLS  # too big for one rapidfuzz call
    lines = text.splitlines()
    assert text.count("@@ -") == 10 and "-paragraph 3001 of a long archive" in lines
    assert sum(line.startswith("-") for line in lines) == 11 and sum(line.startswith("+") for line in lines) == 10
