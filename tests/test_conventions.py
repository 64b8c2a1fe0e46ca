"""What users of other linters expect: --statistics, --stdin-filename, GitLab Code Quality,
shell completion, a config schema for editors, --encoding for legacy archives."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import PLAIN, REPO

MT = f"Officials said new crown pneumonia cases fell and fell. {PLAIN}\n"


def test_statistics_counts_findings_per_rule(cli, tmp_path):
    (tmp_path / "a.txt").write_text(MT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(MT.replace("fell and fell", "rose"), encoding="utf-8")
    shown = cli("check", "--statistics", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    assert shown.code == 1
    rows = [[cell.strip() for cell in line.split("\t")] for line in shown.out.splitlines()]
    assert rows[0][:2] == ["2", "calque.term"] and rows[0][2].startswith("[*] ")  # most first; fixable
    as_json = json.loads(cli("check", "--statistics", "--format", "json", str(tmp_path / "a.txt"),
                             str(tmp_path / "b.txt")).out)
    assert {"code": "calque.term", "count": 2, "fixable": 2}.items() <= as_json[0].items()
    assert sum(r["count"] for r in as_json) == sum(int(r[0]) for r in rows)
    refused = cli("check", "--statistics", "--format", "sarif", str(tmp_path / "a.txt"))
    assert refused.code == 2 and "--statistics" in refused.err


def test_stdin_filename_picks_reader_config_and_name(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "quiet").mkdir()
    (tmp_path / "quiet" / "mtcheck.toml").write_text('ignore = ["calque.term"]\n', encoding="utf-8")
    markdown = f"# Health\n\nOfficials said **new crown pneumonia** cases fell.\n\n{PLAIN}\n".encode()
    out = json.loads(cli("check", "--format", "json", "--stdin-filename", "news/story.md", stdin=markdown).out)
    (doc,) = out["documents"]
    assert doc["source"] == "news/story.md" and doc["format"] == "markdown"
    term = next(f for f in doc["findings"] if f["rule"] == "calque.term")
    assert (term["line"], term["column"]) == (3, 18)  # in the Markdown as sent, markup included
    quiet = json.loads(cli("check", "--format", "json", "--stdin-filename", "quiet/story.md", stdin=markdown).out)
    assert "calque.term" not in {f["rule"] for f in quiet["documents"][0]["findings"]}
    assert cli("check", "--stdin-filename", "x.md", str(tmp_path / "quiet" / "mtcheck.toml")).code == 2


def test_gitlab_code_quality_report(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "story.txt").write_text(MT + MT, encoding="utf-8")
    done = cli("check", "--format", "gitlab", "story.txt", "missing.txt")
    issues = json.loads(done.out)
    assert done.code == 2  # the missing file
    found = [i for i in issues if i["check_name"] == "calque.term"]
    assert len(found) == 2 and len({i["fingerprint"] for i in issues}) == len(issues)
    first = found[0]
    assert first["severity"] in ("info", "minor", "major", "critical", "blocker")
    assert first["location"]["path"] == "story.txt" and first["location"]["positions"]["begin"]["line"] == 1
    assert "COVID-19" in first["description"]
    assert any(i["check_name"] == "mtcheck/input" and i["location"]["path"] == "missing.txt" for i in issues)


def test_encoding_decodes_legacy_archives_exactly():
    from mtcheck.read import InputProblem, decode

    story = "Officials said new crown pneumonia cases fell \u201csharply\u201d.\n"
    for encoding, text in {"cp1252": story, "gb18030": story + "新冠肺炎\n", "big5": story + "臺灣\n"}.items():
        data = text.encode(encoding)
        with pytest.raises(InputProblem, match="--encoding"):
            decode(data, "old.txt")
        source = decode(data, "old.txt", encoding)
        assert source.text == text and source.encoding == encoding
    with pytest.raises(InputProblem, match=r"not valid big5 .*is --encoding right"):
        decode("caf\u00e9 \u201cx\u201d".encode("cp1252"), "old.txt", "big5")
    assert decode("\ufeffBOM wins".encode("utf-8"), "x.txt", "cp1252").text == "BOM wins"


def test_encoding_on_the_command_line(cli, tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes(f"Officials said new crown pneumonia cases fell \u201csharply\u201d. {PLAIN}\n".encode("cp1252"))
    refused = cli("check", str(path))
    assert refused.code == 2 and "--encoding" in refused.err and str(path) in refused.err
    (doc,) = json.loads(cli("check", "--format", "json", "--encoding", "windows-1252", str(path)).out)["documents"]
    term = next(f for f in doc["findings"] if f["rule"] == "calque.term")
    assert term["text"] == "new crown pneumonia"
    unknown = cli("check", "--encoding", "klingon", str(path))
    assert unknown.code == 2 and "unknown encoding 'klingon'" in unknown.err
    (tmp_path / "a.jsonl").write_text('{"id": "1", "text": "x"}\n', encoding="utf-8")
    jsonl = cli("check", "--encoding", "cp1252", str(tmp_path / "a.jsonl"))
    assert jsonl.code == 2 and "UTF-8 by definition" in jsonl.err


def test_report_reads_legacy_archives_with_encoding(cli, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "old.txt").write_bytes(MT.replace("fell and", "fell \u201cand\u201d").encode("cp1252"))
    done = cli("report", str(tmp_path / "in"), "--out", str(tmp_path / "run"), "-j", "1", "-q", "--encoding", "cp1252")
    assert done.code == 0, done.err
    row = json.loads((tmp_path / "run" / "documents.jsonl").read_text(encoding="utf-8"))
    assert "error" not in row and row["characters"] > 0


def test_config_schema_describes_every_key_and_validates_real_configs():
    jsonschema = pytest.importorskip("jsonschema")
    from mtcheck.policy.config import Config
    from mtcheck.schemas import exported_schema

    schema = exported_schema("config")
    assert set(schema["properties"]) == set(Config.model_fields) - {"path"}
    assert all(spec.get("description") for spec in schema["properties"].values())
    jsonschema.validate({"select": ["calque"], "fail_on": "warning", "severity": {"calque.term": "error"},
                         "verdict": {"post_edited": 0.3, "machine": 0.7}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"fail_on": "sometimes"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"no_such_key": 1}, schema)


def _completions(script: str, *words: str) -> list[str]:
    """What bash offers for `words` (the last one being completed)."""
    program = (f"{script}\nCOMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}; "
               "_mtcheck; printf '%s\\n' \"${COMPREPLY[@]}\"")
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, timeout=30, cwd=REPO)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_bash_completion_knows_commands_options_and_choices(cli):
    script = cli("completion", "bash").out
    assert _completions(script, "mtcheck", "ch") == ["check"]
    assert "lsp" in _completions(script, "mtcheck", "")
    assert _completions(script, "mtcheck", "check", "--stat") == ["--statistics"]
    assert "gitlab" in _completions(script, "mtcheck", "check", "--format", "")
    assert _completions(script, "mtcheck", "pairs", "v") == ["validate"]
    assert _completions(script, "mtcheck", "completion", "f") == ["fish"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_scripts_parse(cli, tmp_path, shell):
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    script = tmp_path / f"mtcheck.{shell}"
    script.write_text(cli("completion", shell).out, encoding="utf-8")
    done = subprocess.run([shell, "-n", str(script)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    if shell == "fish":
        offered = subprocess.run(["fish", "-c", f"source {script}; complete -C 'mtcheck check --format gitl'"],
                                 capture_output=True, text=True, timeout=30)
        assert offered.stdout.split()[:1] == ["gitlab"]


def test_format_of_knows_every_extension_before_any_file_is_read():
    # A fresh process: no reader module imported yet (check --stdin-filename asks first).
    script = "from mtcheck.read.formats import format_of; print(format_of('a.md'), format_of('b.nitf'))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.stdout.split() == ["markdown", "nitf"], done.stderr


def test_the_extensions_known_without_the_readers_are_those_they_register():
    # `format_of` answers "text" for any other extension without importing the reader modules
    # (a .txt story's check does not load HTML or XML parsers): the list must be theirs.
    script = ("import sys\nfrom mtcheck.read.formats import CLAIMED_EXTENSIONS, EXTENSIONS, format_of, formats\n"
              "assert format_of('story.txt') == 'text' and 'mtcheck.read.markup' not in sys.modules\n"
              "formats()\nprint(sorted(CLAIMED_EXTENSIONS) == sorted(EXTENSIONS))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.stdout.split() == ["True"], done.stderr
