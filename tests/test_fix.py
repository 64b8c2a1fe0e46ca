"""mtcheck fix: safe fixes only, case kept, nothing outside a fix touched, idempotent."""

from __future__ import annotations

import ast
import codecs
import os
import random
import shutil
import subprocess

import pytest

from mtcheck.core.pairs import HEADER, load
from mtcheck.fix.apply import MAX_ROUNDS, fix_source, fix_text, keep_case
from mtcheck.models import FixReport
from mtcheck.pipeline import RuleSelectionError
from mtcheck.read import InputProblem
from mtcheck.read.formats import read_documents

from conftest import PLAIN, REPO


@pytest.fixture(scope="module")
def fix(checker):
    return lambda text, **kw: fix_text(text, checker, **kw)


def rebuilt(original: str, report: FixReport) -> str:
    """The input with only the reported changes applied, checking their spans on the way."""
    parts, at = [], 0
    for change in report.applied:
        assert at <= change.start <= change.end, "changes overlap or are out of order"
        assert original[change.start:change.end] == change.original
        parts += [original[at:change.start], change.replacement]
        at = change.end
    return "".join([*parts, original[at:]])


def assert_settled(fix, text: str) -> FixReport:
    """fix(fix(x)) == fix(x); no safe finding left; the text outside the changes untouched."""
    first = fix(text)
    assert rebuilt(text, first) == first.text
    assert [(f.rule, f.text) for f in first.remaining if f.fix_safe] == []
    if first.changed:  # unchanged, fix(fix(x)) is the very same call as fix(x)
        again = fix(first.text)
        assert again.text == first.text and again.applied == [] and not again.changed
    assert first.rounds <= MAX_ROUNDS + 1
    return first


# -- replacements -------------------------------------------------------------------------


def test_safe_pairs_are_replaced_keeping_case_and_inflection(fix):
    text = (f"{PLAIN} New crown pneumonia spread in the city. Officials said new crown vaccines were given "
            "to peasant workers. Peasant workers queued. The Wall Street Daily and China News Agency's "
            "reporters saw it.")
    report = fix(text)
    assert report.text == (f"{PLAIN} COVID-19 spread in the city. Officials said COVID-19 vaccines were given "
                           "to migrant workers. Migrant workers queued. The Wall Street Journal and China News "
                           "Service's reporters saw it.")
    assert {tuple(c.rules) for c in report.applied} == {("calque.term",)}


def test_headline_case_all_capitals_and_title_case(fix):
    text = f"NEW CROWN VACCINE ROLLOUT BEGINS\n\n{PLAIN} The Development and Reform Committee met the development and reform committee."
    assert fix(text).text == (f"COVID-19 VACCINE ROLLOUT BEGINS\n\n{PLAIN} The Development and Reform Commission "
                              "met the development and reform commission.")


@pytest.mark.parametrize("original, replacement, start, expected", [
    ("new crown pneumonia", "COVID-19", True, "COVID-19"),
    ("New crown vaccine", "COVID-19 vaccine", False, "COVID-19 vaccine"),
    ("express brother", "courier", True, "Courier"),
    ("Netizen friends", "internet users", False, "Internet users"),
    ("netizen friends", "internet users", False, "internet users"),
    ("NEW CROWN VIRUS", "coronavirus", False, "CORONAVIRUS"),
    ("New Crown Vaccine", "COVID-19 vaccine", False, "COVID-19 Vaccine"),
    ("Health and Health Commission", "health commission", False, "Health Commission"),
    ("The the", "The", True, "The"),
    ("the the", "the", False, "the"),
    ("anything", "iPhone", True, "iPhone"),
    (" .", ".", False, "."),
])
def test_keep_case(original, replacement, start, expected):
    assert keep_case(original, replacement, start) == expected


def test_unsafe_findings_stay_for_a_person(fix):
    text = (f"{PLAIN} The new crown pneumonia epidemic was supported and supported by the people. "
            "He met an express brother. It will contribute to human progress. Contribute to the cause.")
    report = fix(text)
    assert report.text == text and not report.changed and report.applied == []
    left = {f.rule for f in report.remaining}
    assert {"calque.term", "repetition.coordinated", "calque.phrase", "fragment.echo"} <= left


@pytest.mark.parametrize("matched, expected", [
    ("npc representative", "NPC deputy"),
    ("NPC representatives", "NPC deputies"),
    ("NPC Representative's", "NPC deputy's"),
    ("npc\nrepresentative’s", "NPC deputy’s"),
    ("npc representatived", None),  # not a noun form
    ("npcs representative", None),  # an inner word inflected
])
def test_safe_replacement_carries_the_plural_or_possessive(checker, matched, expected):
    (entry,) = [e for e in checker.pairs.entries if e.mt_phrase == "npc representative"]
    assert entry.replacement_for(matched) == expected


def test_inflections_the_reference_cannot_follow_are_not_safe(checker):
    found = {f.text: f for f in checker.check(f"{PLAIN} China News Agencies and the WeChat circle of friends grew.").findings}
    assert not found["China News Agencies"].fix_safe  # a plural of a name
    # A name takes "the" away with it: "the WeChat circle of friends grew" -> "WeChat Moments grew".
    moments = found["the WeChat circle of friends"]
    assert moments.fix_safe and moments.suggestion == "WeChat Moments"


# -- deletions and spacing --------------------------------------------------------------------


def test_deletions_leave_no_stray_space_or_empty_line(fix):
    text = f"  {PLAIN}\n  The plan was approved . (over)\n{PLAIN}\n(over)\n"
    assert fix(text).text == f"{PLAIN}\nThe plan was approved.\n{PLAIN}\n"
    assert fix(f"{PLAIN}\r\n\r\n  (over)\r\n\r\n").text == f"{PLAIN}\r\n"  # no blank lines left at the end


def test_crlf_and_ideographic_spaces(fix):
    text = f"{PLAIN}\r\nThe plan \u3000. Next\u3000step ，then more.\r\n\u3000\u3000{PLAIN} (over)\r\n"
    report = assert_settled(fix, text)
    assert report.text == f"{PLAIN}\r\nThe plan. Next step, then more.\r\n{PLAIN}\r\n"


def test_overlapping_fixes_settle_over_rounds(fix):
    text = f'{PLAIN} The " new crown vaccine " arrived ，, today.'
    report = assert_settled(fix, text)
    assert report.text == f'{PLAIN} The "COVID-19 vaccine" arrived, today.'
    assert report.rounds >= 2


def test_select_and_ignore_choose_what_is_fixed(fix):
    text = f"{PLAIN} The the new crown vaccine arrived ."
    assert fix(text, select=["punctuation"]).text == f"{PLAIN} The the new crown vaccine arrived."
    assert fix(text, ignore=["calque", "punctuation"]).text == f"{PLAIN} The new crown vaccine arrived ."
    assert fix(text).signature.endswith("|fixes:all")
    assert "|fixes:all" not in fix(text, ignore=["punctuation"]).signature
    with pytest.raises(RuleSelectionError):
        fix(text, select=["no.such-rule"])


def test_suppressed_findings_are_not_fixed(fix):
    text = f"{PLAIN}\n# mtcheck-disable calque.term\nNew crown vaccines arrived .\n# mtcheck-enable\nNew crown vaccines arrived .\n"
    assert fix(text).text == (f"{PLAIN}\n# mtcheck-disable calque.term\nNew crown vaccines arrived.\n"
                              "# mtcheck-enable\nCOVID-19 vaccines arrived.\n")


# -- markup: fixed in the file, never across markup ----------------------------------------


def fix_file(checker, path):
    (source,) = read_documents(path)
    return fix_source(source, checker)


def test_markdown_fixed_in_place_markup_kept(checker, tmp_path):
    path = tmp_path / "story.md"
    path.write_text(f"# New crown vaccine rollout\n\n{PLAIN} The *new crown* pneumonia spread . "
                    "Prices rose ＊ fell.\n\n```\nnew crown vaccine\n```\n", encoding="utf-8")
    report = fix_file(checker, path)
    assert report.format == "markdown"
    assert report.text == (f"# COVID-19 vaccine rollout\n\n{PLAIN} The *new crown* pneumonia spread. "
                           "Prices rose \\* fell.\n\n```\nnew crown vaccine\n```\n")


def test_html_fixed_in_place_replacements_escaped(checker, tmp_path):
    path = tmp_path / "story.html"
    path.write_text(f"<html><head><title>x</title></head><body><p>{PLAIN} Tom ＆ Jerry met peasant "
                    "workers&nbsp;today . The <b>new crown</b> vaccine came.</p></body></html>", encoding="utf-8")
    report = fix_file(checker, path)
    assert report.text == (f"<html><head><title>x</title></head><body><p>{PLAIN} Tom &amp; Jerry met migrant "
                           "workers&nbsp;today. The <b>new crown</b> vaccine came.</p></body></html>")
    assert fix_file(checker, _write(tmp_path / "again.html", report.text)).applied == []


def test_many_document_formats_are_refused(checker):
    from mtcheck.read import Source

    with pytest.raises(InputProblem, match="cannot fix jsonl"):
        fix_source(Source(name="a.jsonl", text="x", format="jsonl"), checker)


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


# -- idempotence on every fixture text and on a generated corpus -----------------------------


def fixture_texts() -> list[str]:
    """String literals of the test suite that read like text, and the shipped example stories."""
    texts = set()
    for path in sorted((REPO / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) >= 20 \
                    and " " in node.value:
                texts.add(node.value)
    for path in sorted((REPO / "reference_pairs").rglob("*.txt")):
        texts.add(path.read_text(encoding="utf-8"))
    return sorted(texts)


def test_fix_is_idempotent_on_every_fixture_text(fix):
    texts = fixture_texts()
    assert len(texts) > 100
    for text in texts:
        assert_settled(fix, text)


SENTENCES = (
    "The minister said on Monday that the plan would be put in place by the end of the year.",
    "new crown pneumonia spread in several provinces last winter.",
    "Officials said the new crown vaccine was given to peasant workers.",
    "The relevant person in charge said the work has achieved results.",
    "China News Agency reported that the the fair opened on November 27th.",
    "The plan was supported and supported by the people.",
    "Express brothers delivered the goods within 48 hours.",
    "Prices rose by 20% over the previous year, officials said.",
    "It will contribute to human progress. Contribute to the cause.",
    "The NPC representatives discussed the new crown epidemic.",
)
ARTEFACTS = (
    lambda s: s.replace(".", " .", 1),
    lambda s: s.replace(",", " ，", 1) if "," in s else s.replace(" the ", " the the ", 1),
    lambda s: s[:-1] + "。",
    lambda s: s.replace(" ", "\u3000", 1),
    lambda s: s.replace(" said ", " said said ", 1),
    lambda s: s.replace("the ", '" the ', 1).replace(" by", ' " by', 1),
    lambda s: s.upper() if len(s) < 70 else s,
    lambda s: s,
)
LINE_ARTEFACTS = (lambda s: "  " + s, lambda s: "\u3000\u3000" + s, lambda s: s + " (over)", lambda s: s)


def generated_corpus(count: int = 120, seed: int = 8) -> list[str]:
    rng = random.Random(seed)
    docs = []
    for _ in range(count):
        lines = []
        for _ in range(rng.randint(2, 6)):
            sentences = [rng.choice(SENTENCES) for _ in range(rng.randint(1, 3))]
            for _ in range(rng.randint(0, 3)):
                k = rng.randrange(len(sentences))
                sentences[k] = rng.choice(ARTEFACTS)(sentences[k])
            lines.append(rng.choice(LINE_ARTEFACTS)(" ".join(sentences)))
        if rng.random() < 0.3:
            lines.append("(over)")
        newline = "\r\n" if rng.random() < 0.3 else "\n"
        blank = newline if rng.random() < 0.5 else ""
        docs.append((newline + blank).join(lines) + (newline if rng.random() < 0.7 else ""))
    return docs


def test_fix_is_idempotent_on_generated_text(fix):
    changed = 0
    for text in generated_corpus():
        report = assert_settled(fix, text)
        changed += report.changed
        if "\n" not in text.replace("\r\n", ""):  # CRLF files stay CRLF
            assert "\n" not in report.text.replace("\r\n", "")
        assert "  " not in report.text and " \r" not in report.text and not report.text.startswith(" ")
    assert changed > 100


def test_only_the_flagged_text_and_white_space_beside_it_changes(fix, checker):
    """Every changed character lies inside a finding of the input, or is white space beside one
    (texts whose fixes all settle in one round, where that is the whole story)."""
    checked = 0
    for text in generated_corpus(60, seed=3):
        report = fix(text)
        if report.rounds > 2:
            continue
        spans = [(f.start, f.end) for f in checker.check(text).findings if f.fix_safe]
        for change in report.applied:
            for at in range(change.start, change.end):
                assert text[at].isspace() or any(a <= at < b for a, b in spans), (text, change)
        checked += 1
    assert checked > 20


# -- reference pairs: a safe pair must have a literal replacement ------------------------------


def test_pairs_marked_safe_need_a_literal_replacement_that_does_not_loop(tmp_path):
    rows = [
        ("alpha beta gamma", "COVID-19 pandemic or COVID-19 outbreak", "safe"),
        ("delta epsilon zeta", "the official term <quote it>", "safe"),
        ("eta theta iota", "kappa lambda", "safe"),
        ("kappa lambda", "eta theta iota", "safe"),
        ("mu nu xi", "omicron <a note is fine here>", "review"),
    ]
    text = "\t".join(HEADER) + "\n" + "".join(
        "\t".join((mt, ref, "术语", "zh", "term", "error", fix, "why")) + "\n" for mt, ref, fix in rows)
    path = tmp_path / "p.tsv"
    path.write_text(text, encoding="utf-8")
    problems = {p.line: p.message for p in load([path]).problems}
    assert "not advice" in problems[2] and "not advice" in problems[3]
    assert "never settle" in problems[4] and "never settle" in problems[5]
    assert 6 not in problems


# -- the command ------------------------------------------------------------------------------

MT = f"China News Agency, Beijing, November 27th. New crown vaccines arrived .\n  The the plan was approved.\n{PLAIN}\n(over)\n"
FIXED = f"China News Service, Beijing, November 27th. COVID-19 vaccines arrived.\nThe plan was approved.\n{PLAIN}\n"


@pytest.fixture(scope="module")
def small_pairs(tmp_path_factory):
    """The two pairs the command tests need: building the checker is then quick."""
    path = tmp_path_factory.mktemp("pairs") / "small.tsv"
    path.write_text("\t".join(HEADER) + "\n" + "".join(
        "\t".join((mt, ref, "术语", "zh", "term", "error", "safe", "why")) + "\n"
        for mt, ref in (("china news agency", "China News Service"), ("new crown vaccine", "COVID-19 vaccine"))),
        encoding="utf-8")
    return ["--no-default-pairs", "--pairs", str(path)]


def test_cli_prints_the_fixed_text_and_a_summary(cli, tmp_path, small_pairs):
    path = _write(tmp_path / "s.txt", MT)
    r = cli("fix", str(path))  # the shipped pairs
    assert r.code == 0 and r.out == FIXED
    assert r.err.startswith(f"{path}: 6 changes (") and "left for a person: 1 warning" in r.err
    assert path.read_text(encoding="utf-8") == MT
    assert cli("fix", *small_pairs, "-", stdin=MT.encode()).out == FIXED
    assert cli("fix", *small_pairs, "--fail-on", "warning", str(path)).code == 1
    assert cli("fix", *small_pairs, "--rules", "marker.end", "-q", str(path)).out == MT.replace("(over)\n", "")


def test_cli_refuses_what_it_cannot_do_in_one_line(cli, tmp_path, small_pairs):
    a, b = _write(tmp_path / "a.txt", MT), _write(tmp_path / "b.txt", MT)
    for args in ((str(a), str(b)), ("--write", "-"), ("--select", "nonsense", str(a))):
        r = cli("fix", *small_pairs, *args)
        assert r.code == 2 and r.out == "" and r.err.count("\n") == 1 and r.err.startswith("mtcheck: error: ")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    jsonl = _write(tmp_path / "docs.jsonl", '{"id": 1, "text": "New crown vaccines arrived."}\n')
    r = cli("fix", *small_pairs, "--write", str(tmp_path / "bin.txt"), str(a), str(tmp_path / "missing.txt"),
            str(jsonl))
    assert r.code == 2 and "bin.txt: binary file" in r.err and "missing.txt: no such file" in r.err
    assert "docs.jsonl: cannot fix jsonl" in r.err
    assert a.read_text(encoding="utf-8") == FIXED  # the good file was still fixed


@pytest.mark.parametrize("encoding, bom, newline", [
    ("utf-8", b"", "\n"), ("utf-8", codecs.BOM_UTF8, "\r\n"), ("utf-16-le", codecs.BOM_UTF16_LE, "\r\n"),
    ("utf-16-be", codecs.BOM_UTF16_BE, "\n"),
])
def test_write_keeps_encoding_bom_line_endings_and_mode(cli, tmp_path, small_pairs, encoding, bom, newline):
    path = tmp_path / "s.txt"
    path.write_bytes(bom + MT.replace("\n", newline).encode(encoding))
    os.chmod(path, 0o640)
    r = cli("fix", *small_pairs, "--write", str(path))
    assert r.code == 0 and r.out == "" and "rewritten" in r.err
    assert path.read_bytes() == bom + FIXED.replace("\n", newline).encode(encoding)
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["s.txt"]  # no temporary file left
    before = os.stat(path).st_mtime_ns
    assert "nothing to fix" in cli("fix", *small_pairs, "--write", str(path)).err
    assert os.stat(path).st_mtime_ns == before


@pytest.mark.parametrize("tool", ["git", "patch"])
def test_diff_applies_with_git_apply_and_patch(cli, tmp_path, monkeypatch, small_pairs, tool):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    _write(tmp_path / "docs" / "a.txt", MT)
    (tmp_path / "docs" / "b.txt").write_bytes(MT.replace("\n", "\r\n").rstrip("\r\n").encode())
    r = cli("fix", *small_pairs, "--diff", "docs/a.txt", "docs/b.txt")
    assert r.code == 0 and r.out.startswith("--- a/docs/a.txt\n+++ b/docs/a.txt\n@@ -1,4 +1,3 @@\n")
    (tmp_path / "fix.diff").write_text(r.out, encoding="utf-8", newline="")
    if tool == "git":
        subprocess.run(["git", "init", "-q"], check=True)
        subprocess.run(["git", "apply", "fix.diff"], check=True)
    else:
        subprocess.run(["patch", "-p1", "-s", "--binary", "-i", "fix.diff"], check=True)
    assert (tmp_path / "docs" / "a.txt").read_text(encoding="utf-8") == FIXED
    assert (tmp_path / "docs" / "b.txt").read_bytes() == FIXED.replace("\n", "\r\n").encode()


def test_fix_follows_the_config_beside_the_file(cli, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("  The the committee met on Monday , officials said.\n", encoding="utf-8")
    assert cli("fix", str(story)).out == "The committee met on Monday, officials said.\n"
    (tmp_path / "mtcheck.toml").write_text('ignore = ["punctuation.indent", "punctuation.space-before"]\n',
                                           encoding="utf-8")
    assert cli("fix", str(story)).out == "  The committee met on Monday , officials said.\n"
    (tmp_path / "mtcheck.toml").write_text('ignore = ["no.such-rule"]\n', encoding="utf-8")
    bad = cli("fix", str(story))
    assert bad.code == 2 and "mtcheck.toml" in bad.err and bad.out == ""
