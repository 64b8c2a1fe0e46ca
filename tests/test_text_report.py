"""The terminal report: fitted to the width, carets under the span, grouped under the file,
colours that agree with the labels, plurals, JSONL records on their lines in every format,
one name for stdin, pair paths that do not depend on where mtcheck is installed."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from mtcheck.render.text import display_width, fit

from conftest import PLAIN, REPO, flat

MT = "China News Agency, Beijing, March 3rd. The new crown pneumonia cases fell, he said on the 2nd.\n"
# Long sentences, a wide (CJK) character before and inside the context, and a span near each end.
LONG = (
    "China News Agency, Hangzhou, March 8th. The 12th Zhejiang Rural Specialty Products Fair, which brought "
    "together more than 1,100 enterprises from 25 provinces of my country with tea, bamboo products, silk and dried "
    "seafood, opened in Hangzhou on the 8th and will last until the 15th, the organisers said.\n\n"
    "Officials said the 新冠 outbreak, which they kept calling the new crown pneumonia epidemic in every one of the "
    "briefings held over the past week in the provincial capital, had been brought under control.\n"
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _excerpts(out: str) -> list[tuple[str, str]]:
    """(excerpt, caret line) pairs of a full-layout report, with the gutter kept (for widths)."""
    lines = out.splitlines()
    return [(lines[i - 1], line) for i, line in enumerate(lines) if "│ " in line and "^" in line]


def _under(excerpt: str, caret: str) -> str:
    """The characters of `excerpt` standing above the carets (terminal columns, not characters)."""
    first, last = caret.index("^"), caret.rindex("^")
    out, column = [], 0
    for c in excerpt:
        if first <= column <= last:
            out.append(c)
        column += display_width(c)
    return "".join(out)


def _flat_span(s: str) -> str:
    return s.replace("\r\n", "↵").replace("\n", "↵").replace("\t", "→")


def _check_fitted(out: str, findings: list[dict], width: int) -> None:
    pairs = _excerpts(out)
    assert len(pairs) == len(findings)
    for (excerpt, caret), f in zip(pairs, findings):
        assert display_width(excerpt) <= width, excerpt
        assert display_width(caret) <= width, caret
        assert excerpt.index("│") == caret.index("│")  # the caret line shares the excerpt's gutter
        shown = _under(excerpt, caret)
        span = _flat_span(f["text"])
        assert shown == span or (shown.endswith("…") and span.startswith(shown[:-1])), (shown, span)


@pytest.mark.parametrize("width", [40, 80, 120])
def test_excerpts_fit_the_width_with_carets_under_the_span(cli, tmp_path, monkeypatch, width):
    story = tmp_path / "story.txt"
    story.write_text(LONG, encoding="utf-8")
    monkeypatch.setenv("COLUMNS", str(width))
    findings = json.loads(cli("check", "--format", "json", str(story)).out)["documents"][0]["findings"]
    assert len(findings) >= 5
    out = cli("check", str(story)).out
    _check_fitted(out, findings, width)
    assert "…" in out  # the long sentences were cut, not wrapped


def test_the_raw_mt_seed_at_80_columns(shared_seeds):
    """COLUMNS=80 on the raw-MT seed: no excerpt or caret line over 80 columns, carets under the span."""
    seed = next(iter(sorted(shared_seeds.glob("001_*.txt"))), None)
    if seed is None:
        pytest.skip("no 001_* seed in ../shared/seeds")
    env = {"COLUMNS": "80", "PATH": "", "PYTHONPATH": str(REPO)}
    text = subprocess.run([sys.executable, "-m", "mtcheck", "check", str(seed)], capture_output=True, text=True,
                          env=env, cwd=REPO)
    data = subprocess.run([sys.executable, "-m", "mtcheck", "check", "--format", "json", str(seed)],
                          capture_output=True, text=True, env=env, cwd=REPO)
    findings = json.loads(data.stdout)["documents"][0]["findings"]
    _check_fitted(text.stdout, findings, 80)


def test_off_a_terminal_the_width_is_80(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(LONG, encoding="utf-8")
    env = {"PATH": "", "PYTHONPATH": str(REPO)}  # no COLUMNS, stdout a pipe
    out = subprocess.run([sys.executable, "-m", "mtcheck", "check", str(story)], capture_output=True, text=True,
                         env=env, cwd=REPO).stdout
    widths = [display_width(line) for pair in _excerpts(out) for line in pair]
    assert widths and max(widths) <= 80 and max(widths) > 70  # fitted to 80, not to something narrower


def test_fit_keeps_the_whole_span_and_cuts_at_words():
    before = "The officials who had spent the whole week in the provincial capital said that the "
    line, at, width = fit(before, "new crown pneumonia", " epidemic was now under control in every county.", 50)
    assert display_width(line) <= 50 and line[at:at + width] == "new crown pneumonia"
    assert line.startswith("…") and line.endswith("…")
    assert line[1] != " " and line[1:].split(" ")[0] in before.split(" ")  # cut at a word, not inside one
    long_span = "x" * 100
    line, at, width = fit("before ", long_span, " after", 30)
    assert display_width(line) <= 30 and line[at:at + width].endswith("…") and set(line[at:at + width - 1]) == {"x"}
    wide, at, width = fit("前" * 30, "新冠肺炎", "后" * 30, 21)
    assert display_width(wide) <= 21 and display_width(wide[:wide.index("新冠肺炎")]) == at and width == 8


def test_widths_are_counted_as_character_by_character():
    """display_width and the column cutters take shortcuts (ASCII, each other character once);
    they must give what adding up every character's width gives."""
    import random

    from mtcheck.render.text import char_width, take_columns, take_last_columns

    def take(s, columns):
        used = 0
        for i, c in enumerate(s):
            used += char_width(c)
            if used > columns:
                return s[:i]
        return s

    def take_last(s, columns):
        used = 0
        for i in range(len(s) - 1, -1, -1):
            used += char_width(s[i])
            if used > columns:
                return s[i + 1:]
        return s

    rng = random.Random(2)
    alphabet = "ab XZ\t\n.,“”’新华社\u0301\u3000é한ｱＡ"
    for _ in range(3000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        if rng.random() < 0.4:
            s = "".join(c for c in s if c.isascii())
        assert display_width(s) == sum(map(char_width, s)), s
        for columns in (-1, 0, 1, 2, 7, 19, 20, 21, 40):
            assert take_columns(s, columns) == take(s, columns), (s, columns)
            assert take_last_columns(s, columns) == take_last(s, columns), (s, columns)


def test_wrap_breaks_where_counting_every_character_breaks():
    """wrap measures a text of one-column characters by its length and keeps a line that fits
    whole; wide characters and combining marks must still break lines where adding up each
    character's columns says, and no line may pass the width unless it is one long word."""
    import random

    from mtcheck.render.text import char_width, wrap

    def reference(text, width, first, rest):
        lines, line, used = [], "", first
        for word in text.split(" "):
            w = sum(map(char_width, word))
            if line and used + 1 + w > width:
                lines.append(line)
                line, used = " " * rest + word, rest + w
            else:
                line, used = (line + " " + word, used + 1 + w) if line else (word, used + w)
        return [*lines, line]

    rng = random.Random(5)
    words = ["the", "epidemic", "新冠肺炎", "e\u0301te\u0301", "“quoted”", "ＡＢＣ", "x" * 30, "", "-"]
    for _ in range(2000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 12)))
        width, first = rng.choice((20, 40, 80)), rng.randint(0, 30)
        lines = wrap(text, width, first=first, rest=4)
        assert lines == reference(text, width, first, 4), (text, width, first)
        for k, line in enumerate(lines):
            columns = sum(map(char_width, line)) + (first if k == 0 else 0)
            assert columns <= width or " " not in line.strip(), (text, line)


def test_findings_are_grouped_under_their_file_with_a_blank_line_between(cli, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(MT, encoding="utf-8")
    out = cli("check", str(story)).out
    assert out.count(str(story)) == 1  # named once, not on every finding
    blocks = out.split("\n\n")
    finding_blocks = [b for b in blocks if "= suggestion:" in b or " │ " in b]
    assert len(finding_blocks) == 4  # each finding its own block


def test_concise_layout_is_one_line_per_finding(cli, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(MT, encoding="utf-8")
    findings = json.loads(cli("check", "--format", "json", str(story)).out)["documents"][0]["findings"]
    out = cli("check", "--output-format", "concise", str(story)).out.splitlines()
    assert [line.split(": ", 2)[0] for line in out[:len(findings)]] == [
        f"{story}:{f['line']}:{f['column']}" for f in findings]
    assert all(f"{f['severity']} {f['rule']}  {f['message']}" in line for f, line in zip(findings, out))
    assert re.match(rf"{re.escape(str(story))}: (machine|post-edited|too-short): MT likelihood", out[len(findings)])
    assert "│" not in "\n".join(out) and "^" not in "\n".join(out)


def test_caret_colours_agree_with_the_severity_labels(cli, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(MT + "\n  Indented paragraph, which is only worth a note.\n", encoding="utf-8")
    out = cli("check", "--color", "always", str(story)).out
    seen = set()
    for line in out.splitlines():
        label = re.search(r"\x1b\[([0-9;]+)m(error|warning|info)\x1b\[0m", line)
        if label:
            colour, severity = label.groups()
        caret = re.search(r"\x1b\[([0-9;]+)m\^+\x1b\[0m", line)
        if caret:
            assert caret.group(1) == colour, (severity, line)
            seen.add(severity)
    assert seen == {"error", "warning", "info"}
    assert "\x1b[1;32m" not in out  # bold green reads "OK": no finding is painted with it


def test_counts_agree_with_their_nouns(cli, tmp_path):
    one = tmp_path / "one.txt"
    one.write_text(PLAIN + " He said on the 2nd that it would go ahead.\n", encoding="utf-8")
    text = flat(cli("check", str(one)).out)
    assert "1 finding (1 warning) in 2 sentences" in text
    (tmp_path / "mtcheck.toml").write_text('exclude = ["skip.txt"]\n', encoding="utf-8")
    skipped = tmp_path / "skip.txt"
    skipped.write_text(PLAIN + "\n", encoding="utf-8")
    out = cli("check", str(one), str(skipped)).out
    assert "1 file skipped" in out and "1 files" not in out
    baseline = tmp_path / "base.json"
    err = cli("check", "--write-baseline", str(baseline), str(one)).err
    assert "1 finding in 1 document" in err
    fixed = cli("fix", _write(tmp_path, "mt.txt", MT))
    assert re.search(r": 1 change \(|: [2-9] changes \(", fixed.err), fixed.err
    assert "1 errors" not in fixed.err and "1 warnings" not in fixed.err


def _write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- JSONL records: named, and on their own line in every format -----------------------------

RECORDS = [
    {"id": "a", "text": PLAIN},
    # Escapes before the span ("\"" and "\n"), so a column counted in the text would be wrong.
    {"id": "b", "text": "The \"new crown pneumonia\" epidemic.\nChina News Agency, Hangzhou, March 8th."},
]


@pytest.fixture
def archive(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "wire.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    raw = path.read_text(encoding="utf-8").splitlines()[1]
    return "wire.jsonl", raw


def test_a_record_is_named_and_its_findings_stand_on_its_line(cli, archive):
    name, raw = archive
    doc = json.loads(cli("check", "--format", "json", name).out)["documents"][1]
    assert doc["doc_id"] == "b" and doc["line"] == 2
    for f in doc["findings"]:
        assert f["line"] == f["end_line"] == 2
        written = raw[f["column"] - 1:f["end_column"] - 1]
        assert json.loads(f'"{written}"') == f["text"]  # the columns hold the span as written in JSON
        assert doc["findings"] and f["text"] == RECORDS[1]["text"][f["start"]:f["end"]]  # offsets: into the text
    text = cli("check", name).out
    assert "wire.jsonl#b\n" in text and f"  2:{doc['findings'][0]['column']} " in text
    concise = cli("check", "--output-format", "concise", name).out
    assert f"wire.jsonl:2:{doc['findings'][0]['column']}: #b error calque.term" in concise


def test_every_ci_format_puts_a_record_on_its_line(cli, archive):
    name, _ = archive
    doc = json.loads(cli("check", "--format", "json", name).out)["documents"][1]
    expected = sorted((f["line"], f["column"]) for f in doc["findings"])
    github = [line for line in cli("check", "--format", "github", name).out.splitlines() if line.startswith("::")]
    assert sorted((int(re.search(r"line=(\d+)", g)[1]), int(re.search(r"col=(\d+)", g)[1]))
                  for g in github if "title=mtcheck calque" in g or "title=mtcheck marker" in g) == expected
    sarif = json.loads(cli("check", "--format", "sarif", name).out)
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in sarif["runs"][0]["results"]]
    assert sorted((r["startLine"], r["startColumn"]) for r in regions) == expected
    assert all("charOffset" not in r for r in regions)  # a record's offsets are not the file's
    rows = [r for r in csv.DictReader(io.StringIO(cli("check", "--format", "csv", name).out)) if r["kind"] == "finding"]
    assert sorted((int(r["line"]), int(r["column"])) for r in rows) == expected
    assert {r["doc_id"] for r in rows} == {"b"}
    rdjson = json.loads(cli("check", "--format", "rdjson", name).out)
    assert sorted((d["location"]["range"]["start"]["line"], d["location"]["range"]["start"]["column"])
                  for d in rdjson["diagnostics"]) == expected  # ASCII-escaped JSON: bytes are characters
    junit = ET.fromstring(cli("check", "--format", "junit", name).out)
    case = next(c for c in junit.iter("testcase") if c.get("name") == "wire.jsonl#b")
    assert f"wire.jsonl:2:{expected[0][1]}: #b " in case.find("system-out").text
    gate = cli("check", "--format", "github", "--max-mt-likelihood", "0.1", "--model", "rules", name).out
    assert re.search(r"::error file=wire.jsonl,line=2,col=1,title=mtcheck gate.mt-likelihood", gate)


def test_record_columns_follow_json_escapes():
    from mtcheck.read.jsonl import parse_record

    text = 'é "q" \\ tab\there\n新冠 \U0001f600 end \u2028 x'
    for ensure_ascii in (True, False):
        # A "text" key inside another value, a key that only looks like it, and a repeated key (the
        # last wins, as in json.loads) do not fool the column map.
        raw = ('{"meta": {"text": "not this"}, "text": "first", "id": 1, "text ": 2, "text": '
               + json.dumps(text, ensure_ascii=ensure_ascii) + ' }')
        source = parse_record("a.jsonl", 7, raw.encode())
        assert source.text == text and source.record.line == 7
        for i, c in enumerate(text):
            written = raw[source.record.position(i)[1] - 1:]
            assert json.loads(f'"{_json_token(written)}"') == c, (i, c, written[:12])


def _json_token(s: str) -> str:
    """The one character, escape or surrogate pair of escapes `s` starts with."""
    if not s.startswith("\\"):
        return s[0]
    if s[1] != "u":
        return s[:2]
    return s[:12] if 0xD800 <= int(s[2:6], 16) < 0xDC00 else s[:6]


# --- one name for stdin; pair paths ---------------------------------------------------------

def test_stdin_has_one_name_in_every_format(cli):
    data = json.loads(cli("check", "--format", "json", "-", stdin=MT.encode()).out)
    assert data["documents"][0]["source"] == "stdin"
    assert cli("check", "-", stdin=MT.encode()).out.startswith("stdin\n")
    rows = list(csv.DictReader(io.StringIO(cli("check", "--format", "csv", "-", stdin=MT.encode()).out)))
    assert {r["path"] for r in rows} == {"stdin"}
    assert "file=stdin," in cli("check", "--format", "github", "-", stdin=MT.encode()).out


def test_a_shipped_pair_is_named_from_the_repository_root(cli, tmp_path, monkeypatch):
    story = _write(tmp_path, "story.txt", MT)
    monkeypatch.chdir(tmp_path)  # anywhere: the name does not depend on the working folder or the install
    findings = json.loads(cli("check", "--format", "json", story).out)["documents"][0]["findings"]
    pairs = {f["pair"] for f in findings if f["pair"]}
    assert pairs and all(re.fullmatch(r"reference_pairs/phrases/[\w./-]+\.tsv:\d+", p) for p in pairs), pairs
    file, line = next(iter(pairs)).rsplit(":", 1)
    row = (REPO / file).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    assert any(f["text"].lower() in row.lower() for f in findings if f["pair"] == f"{file}:{line}")
