"""One pipeline: the same file gives the same findings from check, report, fix, serve and the
Python API, with the file's own suppressions and the config's baseline honoured everywhere."""

from __future__ import annotations

import json
import warnings

import pytest

from conftest import PLAIN

pytest.importorskip("fastapi", reason="the serve extra (fastapi) is not installed")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

import mtcheck
from mtcheck.fix.apply import fix_source
from mtcheck.policy.config import load_config
from mtcheck.read.formats import read_documents
from mtcheck.web.app import create_app
from mtcheck.web.settings import ServeSettings

# Findings with no safe fix, so that `fix` leaves them all for a person.
ACCEPTED = "The plan was supported and supported by the residents, officials said on Monday."
SILENCED = "The reporter learned from the relevant department that the road will reopen."
NEW = "The two sides will deepen cooperation in an all-round way."
MARKDOWN_BEFORE = f"# Roads\n\n{ACCEPTED}\n\n<!-- mtcheck-disable-next-line calque.phrase -- quoted -->\n{SILENCED}\n\n{PLAIN}\n"
MARKDOWN = f"# Roads\n\n{ACCEPTED}\n\n<!-- mtcheck-disable-next-line calque.phrase -- quoted -->\n{SILENCED}\n\n{NEW}\n\n{PLAIN}\n"
TEXT = f"{PLAIN}\n\n# mtcheck-disable-next-line\n{SILENCED}\n\n{NEW}\n"


def _key(finding: dict) -> tuple:
    return finding["rule"], finding["start"], finding["end"], finding["line"], finding["column"], finding["fingerprint"]


def _summary(doc: dict) -> dict:
    return {"findings": sorted(map(_key, doc["findings"])), "suppressed": sorted(map(_key, doc["suppressed"])),
            "baselined": sorted(map(_key, doc["baselined"]))}


@pytest.fixture
def project(tmp_path, monkeypatch, cli):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "news").mkdir()
    story = tmp_path / "news" / "story.md"
    story.write_text(MARKDOWN_BEFORE, encoding="utf-8")
    (tmp_path / "mtcheck.toml").write_text('baseline = "ci/baseline.json"\nfail_on = "warning"\n', encoding="utf-8")
    written = cli("check", "--write-baseline", "ci/baseline.json", "news/story.md")
    assert written.code == 0, written.err
    story.write_text(MARKDOWN, encoding="utf-8")  # a new finding since the baseline
    (tmp_path / "news" / "wire.txt").write_text(TEXT, encoding="utf-8")
    return tmp_path


def test_the_same_file_gives_the_same_findings_from_every_entry_point(project, cli):
    names = ("news/story.md", "news/wire.txt")
    checked = cli("check", "--format", "json", *names)
    assert checked.code == 1, checked.err  # the new finding fails; the accepted and silenced ones do not
    by_check = {d["source"]: _summary(d) for d in json.loads(checked.out)["documents"]}

    story = by_check["news/story.md"]
    assert [k[0] for k in story["findings"]] == ["calque.phrase"]  # only the new one
    assert [k[0] for k in story["baselined"]] == ["repetition.coordinated"]
    assert {k[0] for k in story["suppressed"]} == {"calque.phrase"}
    assert {k[0] for k in by_check["news/wire.txt"]["suppressed"]} == {"calque.phrase"}

    reported = cli("report", "news", "--out", "run", "-j", "1", "-q")
    assert reported.code == 1, reported.err  # the config's gate holds for report too
    rows = [json.loads(line) for line in (project / "run" / "documents.jsonl").read_text().splitlines()]
    by_report = {row["source"]: _summary(row) for row in rows}
    assert by_report == by_check

    options = load_config(project / "mtcheck.toml").merge()
    checker = mtcheck.Checker(options)
    with TestClient(create_app(ServeSettings(options=options))) as client:
        for name in names:
            source = next(read_documents(name))
            assert _summary(json.loads(checker.check_source(source).model_dump_json())) == by_check[name]
            fixed = fix_source(source, checker)
            assert not fixed.changed
            assert sorted(map(_key, json.loads(fixed.model_dump_json())["remaining"])) == by_check[name]["findings"]
            fmt = "markdown" if name.endswith(".md") else "text"
            served = client.post("/v1/check", json={"text": source.file_text, "name": name, "format": fmt}).json()
            assert _summary(served["documents"][0]) == by_check[name]


def test_suppressed_findings_count_in_the_scores_everywhere(project):
    """Documented choice: filters change what is reported and gated on, not fluency or MT likelihood."""
    options = load_config(project / "mtcheck.toml").merge()
    source = next(read_documents("news/wire.txt"))
    filtered = mtcheck.Checker(options).check_source(source)
    # The same text as checked, without the directive: the finding is reported, the scores are the same.
    unfiltered = mtcheck.Checker(options).check(source.file_text.replace("# mtcheck-disable-next-line\n", ""))
    assert filtered.suppressed and {f.rule for f in filtered.suppressed} == {"calque.phrase"}
    assert len(unfiltered.findings) == len(filtered.findings) + len(filtered.suppressed)
    assert [s.score for s in filtered.fluency.sentences] == [s.score for s in unfiltered.fluency.sentences]
    assert filtered.provenance.mt_likelihood == unfiltered.provenance.mt_likelihood
