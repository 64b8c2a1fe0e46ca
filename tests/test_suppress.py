"""In-file suppressions: comments in Markdown/HTML, directive lines in plain text, counted."""

import json
import subprocess
import sys
import textwrap

from mtcheck.policy.suppress import find_suppressions, strip_directive_lines
from mtcheck.read import Source

from ci_helpers import cached_checkers, write  # noqa: F401  (fixture)
from conftest import PLAIN

CALQUE = "The new crown pneumonia cases rose again."
REPEAT = "The ministry supported and supported the plan."


def _check_json(cli, path, *args):
    r = cli("check", "--format", "json", *args, str(path))
    return r, json.loads(r.out)


def test_markdown_disable_enable_region_and_next_line(cli, tmp_path):
    text = "\n\n".join([
        CALQUE,
        "<!-- mtcheck-disable calque.term -- quoted from the source -->",
        CALQUE + " " + REPEAT,
        "<!-- mtcheck-enable -->",
        CALQUE,
        "<!-- mtcheck-disable-next-line repetition -->\n" + REPEAT,
        REPEAT,
        PLAIN,
    ]) + "\n"
    _r, data = _check_json(cli, write(tmp_path, "story.md", text))
    doc = data["documents"][0]
    shown = [(f["rule"], f["line"]) for f in doc["findings"] if f["rule"] in ("calque.term", "repetition.coordinated")]
    hidden = [(f["rule"], f["line"]) for f in doc["suppressed"]]
    assert shown == [("calque.term", 1), ("repetition.coordinated", 5), ("calque.term", 9),
                     ("repetition.coordinated", 14)]  # the region named calque.term only
    assert hidden == [("calque.term", 5), ("repetition.coordinated", 12)]
    assert data["suppressed"] == len(doc["suppressed"])
    assert doc["counts"]["by_category"].get("calque") == 2  # counts cover what is shown


def test_html_comments_suppress(cli, tmp_path):
    page = (f"<html><body><p>{CALQUE}</p>\n<!-- mtcheck-disable-next-line calque.term -->\n<p>{CALQUE}</p>\n"
            f"<p>{PLAIN}</p></body></html>\n")
    _r, data = _check_json(cli, write(tmp_path, "story.html", page))
    doc = data["documents"][0]
    assert [f["line"] for f in doc["findings"] if f["rule"] == "calque.term"] == [1]
    assert [f["line"] for f in doc["suppressed"]] == [3]


def test_a_markup_source_made_by_hand_honours_its_comments():
    """A `Source` built in the Python API, in a fresh process where no reader has registered its
    format yet, still reads its suppressions as markup comments."""
    code = textwrap.dedent(f"""
        from mtcheck.pipeline import Checker
        from mtcheck.read import OffsetMap, Source
        from mtcheck.read.text import Extraction
        page = "<!-- mtcheck-disable calque.term -->\\n<p>{CALQUE}</p>\\n<p>{PLAIN}</p>\\n"
        text = "{CALQUE}\\n\\n{PLAIN}"
        offsets = OffsetMap()
        offsets.copy(page.index("{CALQUE}"), len("{CALQUE}"))
        offsets.insert(2, page.index("</p>"))
        offsets.copy(page.index("{PLAIN}"), len("{PLAIN}"))
        report = Checker().check_source(Source(name="s.html", text=text, format="html",
                                               extraction=Extraction(page, offsets)))
        print(sorted(f.rule for f in report.suppressed), sorted(f.rule for f in report.findings))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    suppressed, reported = out.strip().split("] [")
    assert "calque.term" in suppressed and "calque.term" not in reported


def test_plain_text_directive_lines_are_not_checked_as_prose(cli, tmp_path):
    text = "\n".join([
        "# mtcheck-disable calque.term -- the new crown pneumonia, quoted",
        CALQUE,
        "[mtcheck-enable]",
        CALQUE,
        "// mtcheck-disable-next-line repetition.coordinated",
        REPEAT,
        "",
        PLAIN,
    ]) + "\n"
    path = write(tmp_path, "wire.txt", text)
    _r, data = _check_json(cli, path)
    doc = data["documents"][0]
    assert [(f["rule"], f["line"]) for f in doc["findings"] if f["rule"] != "fragment.dangling-end"] == \
        [("calque.term", 4)]
    assert sorted((f["rule"], f["line"]) for f in doc["suppressed"]) == [("calque.term", 2),
                                                                         ("repetition.coordinated", 6)]
    lines = text.splitlines()
    for f in doc["findings"] + doc["suppressed"]:
        assert "mtcheck-" not in lines[f["line"] - 1]  # nothing found on a directive line
        assert text[f["start"]:f["end"]] == f["text"]  # offsets are the file's
    text_report = cli("check", str(path))
    assert "not shown: 2 suppressed in the file" in text_report.out
    assert "2 findings suppressed in the files" in text_report.out


def test_directive_lines_hold_in_windows_files_and_jsonl_records(cli, tmp_path):
    text = "\n".join([CALQUE, "# mtcheck-disable-next-line calque.term", CALQUE, "", PLAIN]) + "\n"
    windows = write(tmp_path, "wire.txt", text.replace("\n", "\r\n"))
    archive = write(tmp_path, "wire.jsonl", json.dumps({"id": "a", "text": text}) + "\n")
    _r, data = _check_json(cli, windows)
    doc = data["documents"][0]
    assert [(f["rule"], f["line"]) for f in doc["findings"]] == [("calque.term", 1)]
    assert [(f["rule"], f["line"], f["column"]) for f in doc["suppressed"]] == [("calque.term", 3, 5)]
    in_file = windows.read_bytes().decode()
    assert all(in_file[f["start"]:f["end"]] == f["text"] for f in doc["findings"] + doc["suppressed"])
    _r, data = _check_json(cli, archive)
    doc = data["documents"][0]
    assert [f["rule"] for f in doc["findings"]] == ["calque.term"]
    assert [f["rule"] for f in doc["suppressed"]] == ["calque.term"]


def test_stripping_keeps_offsets_of_the_file():
    text = "One line.\n# mtcheck-disable\nTwo lines.\n"
    source = strip_directive_lines(Source(name="x", text=text))
    assert source.text == "One line.\nTwo lines.\n"
    at = source.text.index("Two")
    assert text[source.extraction.offsets.to_original(at):].startswith("Two lines.")
    assert strip_directive_lines(Source(name="x", text="No directives here.\n")).extraction is None


def test_prose_that_mentions_a_directive_is_not_one():
    text = "The editor typed mtcheck-disable calque.term in the middle of a sentence.\n[mtcheck-enable\n"
    assert not find_suppressions(text, markup=False)
    assert strip_directive_lines(Source(name="x", text=text)).extraction is None


def test_unknown_rule_in_a_directive_warns_and_suppresses_nothing(cli, tmp_path):
    text = f"<!-- mtcheck-disable calque.trem -->\n\n{CALQUE}\n\n{PLAIN}\n"
    path = write(tmp_path, "story.md", text)
    r, data = _check_json(cli, path)
    assert "mtcheck: warning:" in r.err and "line 1: mtcheck-disable: unknown rule or family 'calque.trem'" in r.err
    assert data["documents"][0]["suppressed"] == [] and r.code == 1


def test_disable_without_rules_silences_everything_until_enable():
    text = "a\n<!-- mtcheck-disable -->\nb\n<!-- mtcheck-enable calque.term -->\nc\n"
    found = find_suppressions(text, markup=True)
    (_start, end, rules), (_start2, end2, rest) = sorted(found.regions)
    assert "calque.term" in rules and end == text.index("<!-- mtcheck-enable")
    assert "calque.term" not in rest and end2 == len(text)
