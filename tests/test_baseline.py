"""Baselines: stable fingerprints, accepted findings left out, only new ones fail."""

import json

from ci_helpers import MT, cached_checkers, write  # noqa: F401  (fixture)
from conftest import PLAIN

CALQUE = "The new crown pneumonia cases rose in the city."


def _fingerprints(checker, text):
    doc = checker.check(text)  # the pipeline fingerprints every finding
    return {(f.rule, f.text): f.fingerprint for f in doc.findings}, doc


def test_fingerprints_survive_edits_elsewhere_but_not_edits_around_the_finding(checker):
    base = f"{CALQUE}\n\n{PLAIN}\n"
    before, doc = _fingerprints(checker, base)
    moved, moved_doc = _fingerprints(checker, f"A new first paragraph was added here today.\n\n{PLAIN}\n\n{base}")
    key = ("calque.term", "new crown pneumonia")
    assert before[key] == moved[key]
    assert next(f.line for f in doc.findings if f.rule == "calque.term") == 1
    assert next(f.line for f in moved_doc.findings if f.rule == "calque.term") == 5  # lines moved, id did not
    reworded, _ = _fingerprints(checker, f"The new crown pneumonia deaths fell in the city.\n\n{PLAIN}\n")
    assert reworded[key] != before[key]


def test_repeats_get_an_occurrence_index(checker):
    text = f"{CALQUE}\n\n{CALQUE}\n\n{PLAIN}\n"
    doc = checker.check(text)
    ids = [f.fingerprint for f in doc.findings if f.rule == "calque.term"]
    assert len(ids) == 2 and ids[0].split(":")[0] == ids[1].split(":")[0]
    assert [i.split(":")[1] for i in ids] == ["0", "1"]


def test_write_then_check_against_baseline_fails_only_on_new_findings(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    story = write(tmp_path, "news/story.txt", MT)
    assert cli("check", "news/story.txt").code == 1
    r = cli("check", "--write-baseline", "ci/baseline.json", "news/story.txt")
    assert r.code == 0 and "wrote ci/baseline.json:" in r.err
    recorded = json.loads((tmp_path / "ci" / "baseline.json").read_text())
    assert recorded["version"] == 1 and recorded["documents"][0]["path"] == "../news/story.txt"
    assert not list((tmp_path / "ci").glob("*.tmp"))

    r = cli("check", "--format", "json", "--baseline", "ci/baseline.json", "news/story.txt")
    data = json.loads(r.out)
    assert r.code == 0 and data["documents"][0]["findings"] == []
    assert data["baselined"] == len(recorded["documents"][0]["findings"]) > 0  # the run's count

    # An edit elsewhere changes no fingerprint; a new artefact is the only thing reported.
    story.write_text("An editor added this opening line today.\n\n" + MT + "\nThe ministry held talks and talks.\n",
                     encoding="utf-8")
    r = cli("check", "--format", "json", "--baseline", "ci/baseline.json", "news/story.txt")
    doc = json.loads(r.out)["documents"][0]
    assert r.code == 1
    assert [f["text"] for f in doc["findings"] if f["severity"] == "error"] == ["talks and talks"]
    assert doc["failures"][0]["message"] == "1 finding at error or above not in the baseline"

    # From another folder the same baseline still finds the file.
    monkeypatch.chdir(tmp_path / "news")
    assert cli("check", "--baseline", "../ci/baseline.json", "--fail-on", "never", "story.txt").code == 0
    r = cli("check", "--format", "json", "--baseline", "../ci/baseline.json", "story.txt")
    assert len(json.loads(r.out)["documents"][0]["baselined"]) == len(recorded["documents"][0]["findings"])


def test_baseline_accepts_document_thresholds_until_they_get_worse(cli, tmp_path):
    story = write(tmp_path, "story.txt", MT)
    baseline = tmp_path / "baseline.json"
    gate = ("--max-mt-likelihood", "0.5", "--min-fluency", "90", "--fail-on", "never", "--model", "rules")
    r = cli("check", *gate, str(story))
    assert r.code == 1 and "MT likelihood" in r.out and "fluency" in r.out
    assert cli("check", *gate, "--write-baseline", str(baseline), str(story)).code == 0
    assert cli("check", *gate, "--baseline", str(baseline), str(story)).code == 0
    story.write_text(MT + "\nThe talks and talks were supported and supported again.\n", encoding="utf-8")
    r = cli("check", *gate, "--format", "json", "--baseline", str(baseline), str(story))
    assert r.code == 1
    assert [f["rule"] for f in json.loads(r.out)["documents"][0]["failures"]] == ["gate.mt-likelihood", "gate.fluency"]


def test_bad_baseline_files_are_one_line_errors(cli, tmp_path):
    story = write(tmp_path, "story.txt", MT)
    for name, data, needle in (("missing.json", None, "no such baseline file"),
                               ("broken.json", "{not json", "not valid JSON"),
                               ("other.json", '{"documents": 3}', "not an mtcheck baseline")):
        path = tmp_path / name
        if data is not None:
            path.write_text(data, encoding="utf-8")
        r = cli("check", "--baseline", str(path), str(story))
        assert r.code == 2 and needle in r.err and len(r.err.strip().splitlines()) == 1, (name, r.err)


def test_baseline_is_not_written_when_an_input_failed(cli, tmp_path):
    story = write(tmp_path, "story.txt", MT)
    baseline = tmp_path / "baseline.json"
    r = cli("check", "--write-baseline", str(baseline), str(story), str(tmp_path / "missing.txt"))
    assert r.code == 2 and "baseline not written" in r.err and not baseline.exists()
