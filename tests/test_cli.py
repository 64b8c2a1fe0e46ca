"""The command line: output shapes, exit codes and one-line errors."""

import json
import platform
import re
import subprocess
import sys

import pytest

from conftest import PLAIN, REPO, flat

MT = ("China News Agency, Beijing, March 3rd. The new crown pneumonia cases fell, he said on the 2nd. The plan was "
      "supported and supported by the residents.\n")


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(path)


def test_text_report_shows_location_span_suggestion_and_summary(cli, tmp_path):
    path = write(tmp_path, "story.txt", MT)
    r = cli("check", path)
    assert r.code == 1  # errors found, default --fail-on error
    column = MT.index("new crown pneumonia") + 1
    lines = r.out.splitlines()
    assert lines[0] == path  # findings grouped under their file, named once
    at = next(i for i, line in enumerate(lines) if line.startswith(f"  1:{column} ") and "error calque.term" in line)
    below = next(i for i in range(at, len(lines)) if "^" in lines[i])  # under the message, wrapped to 80
    context, caret = lines[below - 1], lines[below]
    start = caret.index("^")
    assert context[start:start + caret.count("^")] == "new crown pneumonia"
    assert lines[below + 1].strip().startswith("= suggestion: COVID-19")
    assert lines[below + 2] == ""  # a blank line between findings
    text = flat(r.out)
    assert re.search(r"(machine|post-edited|too-short): MT likelihood ([\d.]+|n/a), fluency [\d.]+/100, "
                     r"\d+ findings \(\d+ errors?, ", text)
    assert "agency: China News Service" in text and "dateline: Beijing, March 3" in text
    assert "source language: zh" in text
    assert r.out.rstrip().splitlines()[-1].startswith("signature: mtcheck:")


def test_json_report_shape(cli, tmp_path):
    path = write(tmp_path, "story.txt", MT)
    r = cli("check", "--format", "json", path)
    data = json.loads(r.out)
    assert set(data) == {"documents", "errors", "signature", "suppressed", "baselined", "skipped"}
    doc = data["documents"][0]
    f = doc["findings"][0]
    for key in ("rule", "category", "severity", "start", "end", "line", "column", "text", "message", "suggestion"):
        assert key in f
    assert MT[f["start"]:f["end"]] == f["text"]
    assert 0 <= doc["fluency"]["score"] <= 100
    for key in ("mt_likelihood", "verdict", "source_language", "agency", "dateline"):
        assert key in doc["provenance"]


def test_fail_on_thresholds(cli, tmp_path):
    clean = write(tmp_path, "clean.txt", PLAIN + "\n")
    info_only = write(tmp_path, "info.txt", PLAIN + "\n\n  Indented second paragraph here.\n")
    assert cli("check", clean).code == 0
    assert cli("check", info_only).code == 0
    assert cli("check", "--fail-on", "info", info_only).code == 1
    assert cli("check", "--fail-on", "never", write(tmp_path, "mt.txt", MT)).code == 0


def test_bad_inputs_are_one_line_errors_and_the_rest_is_still_checked(cli, tmp_path):
    good = write(tmp_path, "good.txt", MT)
    empty = write(tmp_path, "empty.txt", b"")
    binary = write(tmp_path, "image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    latin1 = write(tmp_path, "latin1.txt", "café".encode("latin-1"))
    r = cli("check", "--format", "json", empty, good, binary, str(tmp_path / "missing.txt"), latin1)
    assert r.code == 2
    errors = r.err.strip().splitlines()
    assert len(errors) == 4
    for name, needle in ((empty, "empty"), (binary, "binary"), ("missing.txt", "no such file"), (latin1, "UTF-8")):
        assert any(name in e and needle in e for e in errors), (name, errors)
    assert "Traceback" not in r.err
    data = json.loads(r.out)
    assert [d["source"] for d in data["documents"]] == [good]
    assert len(data["errors"]) == 4


def test_stdin(cli):
    r = cli("check", "--format", "json", "-", stdin=MT.encode("utf-16"))
    assert r.code == 1
    doc = json.loads(r.out)["documents"][0]
    assert doc["source"] == "stdin" and any(f["rule"] == "calque.term" for f in doc["findings"])


def test_usage_errors_exit_2_with_one_line(cli, tmp_path):
    path = write(tmp_path, "s.txt", MT)
    for args in (("check", "--select", "nosuchrule", path), ("check", "--pairs", str(tmp_path / "nope.tsv"), path),
                 ("check", "--format", "xml", path), ("check", "--max-bytes", "-5", path), ("frobnicate",)):
        r = cli(*args)
        assert r.code == 2, args
        assert "Traceback" not in r.err and r.err.strip()
    bad_pairs = write(tmp_path, "bad.tsv", "not a header\n")
    r = cli("check", "--pairs", bad_pairs, path)
    assert r.code == 2 and r.err.strip() == f"mtcheck: error: {bad_pairs}:1: bad header; expected: " \
        "mt_phrase reference source_term source_lang category severity fix note (tab-separated), optionally " \
        "followed by measured"


def test_max_bytes(cli, tmp_path):
    path = write(tmp_path, "s.txt", MT)
    r = cli("check", "--max-bytes", "10", path)
    assert r.code == 2 and "too large" in r.err


def test_rules_lists_every_rule(cli):
    from mtcheck.core.rules import all_rules

    text = cli("rules")
    data = json.loads(cli("rules", "--format", "json").out)
    assert text.code == 0
    assert [r["id"] for r in data["rules"]] == [r.id for r in all_rules()]
    for r in all_rules():
        assert r.id in text.out


def test_rule_says_whether_the_shipped_model_reads_it(cli):
    """`mtcheck rule` must not claim the model weighs a rule it never reads (typography, or a
    rule that did not help it across corpora)."""
    assert "the shipped model fits a weight to its rate" in cli("rule", "calque.term").out
    for rule in ("punctuation.space-before", "fragment.comma-splice"):
        assert "the shipped model does not read this rule" in cli("rule", rule).out


def test_pairs_validate(cli, tmp_path):
    ok = cli("pairs", "validate")
    assert ok.code == 0 and " 0 errors" in ok.out
    header = "mt_phrase\treference\tsource_term\tsource_lang\tcategory\tseverity\tfix\tnote\n"
    bad = write(tmp_path, "mine.tsv", header + "my country\tChina\t我国\tzh\tcalque\twarning\treview\tn\n"
                + "my country\tthe country\t我国\tzh\tcalque\twarning\treview\tn\n")
    r = cli("pairs", "validate", bad)
    assert r.code == 1 and f"{bad}:3: error: conflicts with {bad}:2" in r.out


def test_schema_command_writes_files(cli, tmp_path):
    r = cli("schema", "--out", str(tmp_path / "schema"))
    assert r.code == 0
    names = sorted(p.name for p in (tmp_path / "schema").iterdir())
    assert "check-report.schema.json" in names and not any(n.endswith(".tmp") for n in names)


def test_python_dash_m_and_version():
    r = subprocess.run([sys.executable, "-m", "mtcheck", "--version"], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 0 and r.stdout.startswith("mtcheck ")
    r = subprocess.run([sys.executable, "-m", "mtcheck", "check", "reference_pairs/examples/mt_wire_story.txt"],
                       capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 1 and "machine: MT likelihood" in r.stdout


def test_several_files_are_reported_one_by_one_with_totals(cli, tmp_path):
    mt, clean = write(tmp_path, "mt.txt", MT), write(tmp_path, "clean.txt", PLAIN + "\n")
    r = cli("check", "-q", "--model", "rules", mt, clean)  # short texts: the rule weights give verdicts
    assert r.out.index(f"{mt}\n  machine") < r.out.index(f"{clean}\n  human")
    assert "2 documents: 1 human, 1 machine;" in r.out
    assert "source language: zh (confidence" in flat(r.out) and "Chinese-wire dateline" in flat(r.out)


def test_a_closed_pipe_stops_quietly(tmp_path):
    story = write(tmp_path, "s.txt", MT * 20)
    proc = subprocess.Popen([sys.executable, "-m", "mtcheck", "check", *[story] * 30], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # what `| head -1` does
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert proc.returncode == 0 and "Traceback" not in err and "Error" not in err


_FREED_BLOCKS = """
import sys

import pytest
sys.path.insert(0, sys.argv[2])
def rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096
if sys.argv[1] == "fixed":
    from mtcheck.memory import return_freed_memory
    return_freed_memory()
big = bytearray(20 << 20)  # a mapping of its own; freeing it raises glibc's default threshold to 20 MB
del big
before = rss()
blocks = [bytearray(b"x" * (4 << 20)) for _ in range(4)]  # 16 MB in blocks of 4 MB, written
del blocks
print((rss() - before) >> 20)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or "glibc" not in " ".join(platform.libc_ver()),
                    reason="glibc's malloc only")
def test_the_command_gives_large_freed_blocks_back_to_the_system():
    # (what kept 40 MiB of a 10 MB document's freed lists and arrays in `check`'s peak RSS)
    def resident_after_free(mode: str) -> int:
        out = subprocess.run([sys.executable, "-c", _FREED_BLOCKS, mode, str(REPO)], capture_output=True, text=True,
                             check=True).stdout
        return int(out)

    assert resident_after_free("default") >= 8  # the freed blocks stay resident: the test sees the problem
    assert resident_after_free("fixed") <= 2


def test_only_reading_a_large_input_changes_the_memory_allocator(tmp_path, monkeypatch, cli):
    from mtcheck import memory

    calls = []
    monkeypatch.setattr(memory, "return_freed_memory", lambda: calls.append(1))
    small, large = tmp_path / "small.txt", tmp_path / "large.txt"
    story = "The minister said the plan would be in place by the end of the year.\n"
    small.write_text(story, encoding="utf-8")
    large.write_text(story * 16_000, encoding="utf-8")
    assert large.stat().st_size >= memory.MMAP_THRESHOLD
    cli("rules")
    cli("check", "--format", "csv", str(small))
    assert calls == []
    cli("check", "--format", "csv", "--model", "rules", str(small), str(large))
    assert calls == [1]
    # standard input too, as a pipe gives it (no file to look at beforehand)
    cli("check", "--format", "csv", "--model", "rules", stdin=(story * 16_000).encode("utf-8"))
    assert calls == [1, 1]
