"""CI output formats, the per-document gate, exit codes, and the pre-commit hook."""

import csv
import io
import json
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET

import jsonschema
import pytest
import yaml

from ci_helpers import MT, cached_checkers, write  # noqa: F401  (fixture)
from conftest import PLAIN, REPO

SARIF_SCHEMA = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"
# Non-ASCII before the finding: character and UTF-8 byte columns differ.
ACCENTED = "Café owners — «déjà vu» — said cases of new crown pneumonia hit trade.\n\n" + PLAIN + "\n"


@pytest.fixture
def stories(tmp_path, monkeypatch):
    """A folder with an MT story (a suppression in it), a clean one, and a story with accents."""
    monkeypatch.chdir(tmp_path)
    # The formats' mechanics on the rule weights: these stories are short (the learned model
    # calls them too short to judge) and the gate tests need a likelihood.
    write(tmp_path, "mtcheck.toml", 'model = "rules"\n')
    write(tmp_path, "news/mt.md", MT + "\n<!-- mtcheck-disable-next-line calque -->\nThe new crown pneumonia.\n")
    write(tmp_path, "news/clean.txt", PLAIN + "\n")
    write(tmp_path, "news/accented.txt", ACCENTED)
    return ["news/mt.md", "news/clean.txt", "news/accented.txt"]


def test_sarif_validates_against_the_2_1_0_schema(cli, stories):
    r = cli("check", "--format", "sarif", "--max-mt-likelihood", "0.5", *stories, "news/missing.txt")
    assert r.code == 2
    sarif = json.loads(r.out)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(sarif)
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {"calque.term", "gate.mt-likelihood"} <= {rule["id"] for rule in rules}
    assert all(rule["help"]["text"] and rule["shortDescription"]["text"] for rule in rules)
    results = run["results"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        if not result["ruleId"].startswith("gate."):
            assert result["partialFingerprints"]["mtcheck/v1"]
    calque = next(x for x in results if x["ruleId"] == "calque.term" and "suppressions" not in x)
    location = calque["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "news/mt.md", "uriBaseId": "SRCROOT"}
    assert location["region"]["snippet"]["text"] == "China News Agency"
    assert calque["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "China News Service"
    assert [x["locations"][0]["physicalLocation"]["region"]["startLine"]
            for x in results if x.get("suppressions")] == [6]
    assert any(x["ruleId"] == "gate.mt-likelihood" for x in results)
    invocation = run["invocations"][0]
    assert invocation["exitCode"] == 2 and invocation["executionSuccessful"] is False
    assert "no such file" in invocation["toolExecutionNotifications"][0]["message"]["text"]
    assert run["columnKind"] == "unicodeCodePoints"


def test_junit_has_a_testcase_per_document(cli, stories):
    r = cli("check", "--format", "junit", *stories, "news/missing.txt")
    root = ET.fromstring(r.out)
    suite = root.find("testsuite")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == {*stories, "news/missing.txt"}
    assert suite.get("tests") == "4" and suite.get("failures") == "2" and suite.get("errors") == "1"
    failure = cases["news/mt.md"].find("failure")
    assert failure is not None and "at error or above" in failure.get("message")
    assert "news/mt.md:1:1: error calque.term" in failure.text
    assert cases["news/clean.txt"].find("failure") is None
    assert cases["news/missing.txt"].find("error").get("message") == "no such file"


def test_github_workflow_commands(cli, stories):
    r = cli("check", "--format", "github", *stories)
    assert r.code == 1
    lines = r.out.splitlines()
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    calque = next(line for line in lines if "title=mtcheck calque.term" in line and "news/mt.md" in line)
    assert calque.startswith("::error file=news/mt.md,line=1,col=1,endLine=1,endColumn=18,")
    accented = next(line for line in lines if "news/accented.txt" in line and "calque.term" in line)
    column = ACCENTED.index("new crown") + 1
    assert f",col={column}," in accented
    from mtcheck.render.github import command
    assert command("error", "50% done\nnext", file="a,b:c.md",
                   line=3) == "::error file=a%2Cb%3Ac.md,line=3::50%25 done%0Anext"


def test_github_says_when_its_annotation_cap_applies(cli, tmp_path):
    story = write(tmp_path, "many.txt",
                  "".join(f"Item {i}: the new crown pneumonia rose.\n" for i in range(12)) + PLAIN)
    r = cli("check", "--format", "github", str(story))
    assert sum(line.startswith("::error ") for line in r.out.splitlines()) >= 12
    assert "GitHub shows at most 10" in r.out.splitlines()[-1]


def test_rdjson_columns_count_utf8_bytes(cli, stories):
    r = cli("check", "--format", "rdjson", "news/accented.txt")
    data = json.loads(r.out)
    diag = next(d for d in data["diagnostics"] if d["code"]["value"] == "calque.term")
    prefix = ACCENTED[:ACCENTED.index("new crown")]
    start = diag["location"]["range"]["start"]
    assert start == {"line": 1, "column": len(prefix.encode("utf-8")) + 1}
    assert len(prefix.encode("utf-8")) > len(prefix)
    assert diag["severity"] == "ERROR" and diag["suggestions"][0]["text"] == "COVID-19"
    assert data["source"]["name"] == "mtcheck"


def test_csv_rows_with_character_and_byte_columns(cli, stories):
    r = cli("check", "--format", "csv", *stories, "news/missing.txt")
    rows = list(csv.DictReader(io.StringIO(r.out)))
    kinds = {row["kind"] for row in rows}
    assert {"finding", "suppressed", "error"} <= kinds
    accented = next(row for row in rows if row["path"] == "news/accented.txt" and row["rule"] == "calque.term")
    prefix = ACCENTED[:ACCENTED.index("new crown")]
    assert int(accented["column"]) == len(prefix) + 1
    assert int(accented["byte_column"]) == len(prefix.encode("utf-8")) + 1
    assert accented["fingerprint"] and accented["text"] == "new crown pneumonia"
    from mtcheck.render.csv import _cell
    assert _cell("=HYPERLINK()") == "'=HYPERLINK()" and _cell("plain") == "plain"


def test_jsonl_is_one_report_per_line_then_errors(cli, stories):
    r = cli("check", "--format", "jsonl", *stories, "news/missing.txt")
    records = [json.loads(line) for line in r.out.splitlines()]
    assert [x.get("source") for x in records] == [*stories, "news/missing.txt"]
    assert "findings" in records[0] and records[-1]["message"] == "no such file"


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "sarif", "junit", "github", "rdjson", "csv"])
def test_a_missing_file_is_an_error_in_every_format(cli, stories, fmt):
    r = cli("check", "--format", fmt, "news/clean.txt", "news/missing.txt")
    assert r.code == 2 and "news/missing.txt: no such file" in r.err
    assert r.out  # the other input is still reported


def test_thresholds_apply_per_document(cli, stories):
    assert cli("check", "--fail-on", "never", *stories).code == 0
    r = cli("check", "--format", "json", "--fail-on", "never", "--max-mt-likelihood", "0.6", *stories)
    failing = {d["source"]: [f["rule"] for f in d["failures"]] for d in json.loads(r.out)["documents"]}
    assert r.code == 1
    assert failing["news/mt.md"] == ["gate.mt-likelihood"] and failing["news/clean.txt"] == []
    r = cli("check", "--format", "json", "--fail-on", "never", "--min-fluency", "99", "news/clean.txt")
    assert r.code == 0  # a clean story is fluent
    r = cli("check", "--fail-on", "never", "--min-fluency", "99", "news/mt.md")
    assert r.code == 1 and "fails: fluency" in r.out
    assert cli("check", "--fail-on", "warning", "news/clean.txt").code == 0
    for bad in (("--max-mt-likelihood", "2"), ("--min-fluency", "-1"), ("--max-mt-likelihood", "high")):
        r = cli("check", *bad, "news/clean.txt")
        assert r.code == 2 and "Traceback" not in r.err


def test_pre_commit_hook_definition_runs(tmp_path):
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "mtcheck")
    assert hook["language"] == "python" and {"markdown", "html", "plain-text"} <= set(hook["types_or"])
    argv = shlex.split(hook["entry"]) + list(hook.get("args", []))
    assert argv[0] == "mtcheck"
    command = [sys.executable, "-m", "mtcheck", *argv[1:]]  # the console script, without relying on PATH
    mt = write(tmp_path, "mt.md", MT)
    clean = write(tmp_path, "clean.txt", PLAIN + "\n")
    passed = subprocess.run([*command, str(clean)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert passed.returncode == 0, passed.stderr
    failed = subprocess.run([*command, str(clean), str(mt)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert failed.returncode == 1 and "error calque.term" in failed.stdout
