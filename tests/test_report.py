"""`mtcheck report`: outputs, error rows, incremental and resumable runs, engines, charts."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

import mtcheck
from mtcheck.batch.store import STORE_FORMAT
from mtcheck.cli import main
from mtcheck.models import DocumentReport
from mtcheck.models.batch import ReportLine
from mtcheck.read.formats import read_documents

from browser import (
    WIDTHS,
    chromium_fixture,  # noqa: F401  (the `chromium` fixture)
    open_page,
    screenshot,
)
from conftest import PLAIN, REPO

MT = "China News Agency, Beijing, November 27th. The new crown pneumonia epidemic was supported and supported."
NITF = ("<nitf><head><docdata><doc-id id-string=\"W-1\"/></docdata></head><body><body.head><hedline><hl1>Reform"
        "</hl1></hedline><distributor>Xinhua</distributor></body.head><body.content><p>Officials will deepen reform "
        "in an all-round way, the minister said on Monday.</p></body.content></body></nitf>")
HOSTILE = '<script>alert("x")</script> ' + PLAIN


def make_archive(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "mt.txt").write_text(MT + "\n" + PLAIN + "\n", encoding="utf-8")
    (root / "human.txt").write_text(PLAIN + "\n", encoding="utf-8")
    (root / "hostile.md.txt").write_text(HOSTILE + "\n", encoding="utf-8")
    lines = [json.dumps({"id": "j1", "text": MT, "date": "2020-11-27", "agency": "=HYPERLINK(\"x\")"}),
             "{not json",
             json.dumps({"id": "j3", "text": PLAIN + " It rained.", "headline": "<b>bold</b>"})]
    (root / "stories.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "wire").mkdir(exist_ok=True)
    (root / "wire" / "story.xml").write_text(NITF, encoding="utf-8")
    (root / "binary.txt").write_bytes(b"\x00\x01\x02\x03\x04binary")
    (root / "latin1.txt").write_bytes("caf\u00e9 au lait".encode("latin-1"))
    (root / "empty.txt").write_bytes(b"")
    (root / "image.png").write_bytes(b"\x89PNG\r\n")  # not a text extension: not read
    (root / "drafts").mkdir(exist_ok=True)
    (root / "drafts" / "draft.txt").write_text(PLAIN + " Draft.\n", encoding="utf-8")
    (root / ".hidden").mkdir(exist_ok=True)
    (root / ".hidden" / "secret.txt").write_text(PLAIN, encoding="utf-8")
    return root


# documents in input order: files sorted, a folder's files before its subfolders'
EXPECTED = ["binary.txt", "empty.txt", "hostile.md.txt", "human.txt", "latin1.txt", "mt.txt",
            "stories.jsonl#j1", "stories.jsonl:2", "stories.jsonl#j3", "drafts/draft.txt", "wire/story.xml#W-1"]
ERRORS = {"binary.txt": "binary file", "empty.txt": "empty file", "latin1.txt": "not valid UTF-8",
          "stories.jsonl:2": "not valid JSON"}


def run_report(*args: str, stdin: bytes | None = None) -> int:
    return main(["report", *args])


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def label(row: dict, root: Path) -> str:
    rel = Path(row["source"].split(":")[0]).relative_to(root).as_posix()
    if ":" in row["source"]:
        return f"{rel}:{row['source'].split(':')[1]}"
    return f"{rel}#{row['doc_id']}" if row.get("doc_id") else rel


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """One uninterrupted run over the archive, shared by the tests that compare with it."""
    base = tmp_path_factory.mktemp("report")
    root = make_archive(base / "archive")
    out = base / "run"
    # Short stories: the rule weights give them verdicts (the learned model: too short to judge).
    code = run_report(str(root), "--out", str(out), "--jobs", "1", "--quiet", "--model", "rules")
    return root, out, code


def test_the_collector_waits_for_the_first_document_and_is_on_after_the_run(tmp_path, monkeypatch):
    """As check does, report keeps the cyclic collector off while it builds what it keeps to the
    end, turns it on once the first document is done, and leaves it on."""
    import gc

    from mtcheck.cli import common
    from mtcheck.cli import report as report_command

    seen: list[bool] = []

    def spy() -> None:
        seen.append(gc.isenabled())
        common.collect_from_now()

    monkeypatch.setattr(report_command, "collect_from_now", spy)
    root = make_archive(tmp_path / "archive")
    assert run_report(str(root), "--out", str(tmp_path / "run"), "-j", "1", "-q", "--model", "rules") == 2
    assert seen == [False] + [True] * (len(EXPECTED) - 1)  # called as each document is done
    assert gc.isenabled()


def test_a_terminal_is_shown_the_checking_and_then_the_writing(tmp_path, cli, monkeypatch):
    """The outputs are written from the store after the last document is checked: on an archive
    that takes minutes, so the writing has its own bar; neither shows with --quiet."""
    root = make_archive(tmp_path / "archive")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    shown = cli("report", str(root), "--out", str(tmp_path / "run"), "-j", "1", "--model", "rules")
    assert shown.code == 2
    total = len(EXPECTED)
    assert re.search(rf"report: 100%\|.*\| {total}/{total} ", shown.err)
    assert re.search(rf"writing: 100%\|.*\| {total}/{total} ", shown.err)
    assert shown.err.index("report: 100%") < shown.err.index("writing: 100%")
    quiet = cli("report", str(root), "--out", str(tmp_path / "run"), "-j", "1", "--model", "rules", "-q")
    assert quiet.code == 2 and "writing" not in quiet.err and "100%" not in quiet.err


def test_outputs_hold_every_document_in_order_with_error_rows(reference):
    root, out, code = reference
    assert code == 2  # error rows were written
    rows = lines(out / "documents.jsonl")
    assert [label(r, root) for r in rows] == EXPECTED
    for row in rows:
        line = ReportLine.model_validate(row).root
        name = label(row, root)
        if name in ERRORS:
            assert ERRORS[name] in row["error"] and set(row) == {"source", "doc_id", "error"}
        else:
            assert isinstance(line, DocumentReport) and "error" not in row
    by_id = {r.get("doc_id"): r for r in rows}
    assert by_id["j1"]["provenance"]["verdict"] == "machine" and by_id["j1"]["metadata"]["date"] == "2020-11-27"
    assert by_id["W-1"]["format"] == "nitf" and by_id["W-1"]["metadata"]["agency"] == "Xinhua"
    run = json.loads((out / "run.json").read_text())
    assert run["totals"]["documents"] == 11 and run["totals"]["errors"] == 4 and run["checked"] == 7
    assert run["signature"].startswith("mtcheck:")


def test_outputs_match_their_published_schemas(reference):
    jsonschema = pytest.importorskip("jsonschema")
    _, out, _ = reference
    schemas = REPO / "reports" / "schema"
    line = jsonschema.Draft202012Validator(json.loads((schemas / "report-line.schema.json").read_text()))
    for row in lines(out / "documents.jsonl"):
        line.validate(row)
    run = json.loads((schemas / "report-run.schema.json").read_text())
    jsonschema.validate(json.loads((out / "run.json").read_text()), run)


def test_documents_jsonl_is_what_the_pipeline_reports(reference):
    from mtcheck.pipeline import Checker
    from mtcheck.policy.options import Options

    checker = Checker(Options(fail_on="never", model="rules"))  # the options the reference run was given
    root, out, _ = reference
    rows = {label(r, root): r for r in lines(out / "documents.jsonl")}
    for name, source in (("mt.txt", next(read_documents(root / "mt.txt"))),
                         ("stories.jsonl#j1", next(read_documents(root / "stories.jsonl"))),
                         ("wire/story.xml#W-1", next(read_documents(root / "wire" / "story.xml")))):
        assert rows[name] == json.loads(checker.check_source(source).model_dump_json())


def test_summary_csv_has_a_row_per_document(reference):
    _root, out, _ = reference
    table = list(csv.DictReader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8"))))
    assert len(table) == 11
    assert list(table[0])[:6] == ["id", "path", "format", "verdict", "mt_likelihood", "fluency"]
    assert {"calque", "repetition", "source_language", "agency", "date", "error"} <= set(table[0])
    j1 = next(r for r in table if r["id"] == "j1")
    assert j1["verdict"] == "machine" and float(j1["mt_likelihood"]) > 0.7 and int(j1["repetition"]) >= 1
    assert j1["date"] == "2020-11-27" and j1["source_language"] == "zh"
    bad = next(r for r in table if r["id"].endswith("stories.jsonl:2"))
    assert "not valid JSON" in bad["error"] and bad["verdict"] == "" and bad["findings"] == ""
    # A metadata value a spreadsheet would run as a formula is defused.
    assert all(not r["agency"].startswith("=") for r in table)


def test_index_and_pages_are_self_contained_and_escape_document_text(reference):
    _root, out, _ = reference
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("<svg") == 2 and "MT likelihood" in index and "Fluency" in index
    for marker in ("src=", "http://", "https://", "<link", "@import"):
        assert marker not in index
    assert "<script>alert" not in index and "<b>bold" not in index
    pages = sorted((out / "docs").glob("*.html"))
    assert len(pages) == 7  # one per checked document
    hostile = next(p.read_text(encoding="utf-8") for p in pages if "hostile.md.txt" in p.read_text(encoding="utf-8"))
    assert "&lt;script&gt;alert(" in hostile and "<script>alert" not in hostile
    assert "<script" not in hostile.split("</head>")[1]  # document pages run no script at all
    j1 = next(p.read_text(encoding="utf-8") for p in pages if "j1" in p.read_text(encoding="utf-8"))
    # Highlights are coloured by category (the palette the editor's page shares) and link to their row.
    assert '<a class="hl cat-repetition sev-error"' in j1 and 'supported and supported</a>' in j1
    assert re.search(r'<a class="hl cat-\w+ sev-\w+" id="f0" href="#r\d+"', j1) and '<tr id="r0">' in j1
    assert "COVID-19" in j1  # the suggestions are on the page
    # Every page the index links to exists.
    data = json.loads(index.split('<script type="application/json" id="rows">')[1].split("</script>")[0])
    linked = {row[-1] for row in data if row[-1]}
    assert linked == {p.name for p in pages}


def test_rerun_reuses_unchanged_documents_and_rechecks_changed_ones(reference, tmp_path):
    _root, _out, _ = reference
    copy = make_archive(tmp_path / "archive")
    run_dir = tmp_path / "run"
    run_report(str(copy), "--out", str(run_dir), "-j", "1", "-q")
    first = {n: (run_dir / n).read_bytes() for n in ("documents.jsonl", "summary.csv", "index.html")}
    run_report(str(copy), "--out", str(run_dir), "-j", "1", "-q")
    again = json.loads((run_dir / "run.json").read_text())
    assert (again["checked"], again["reused"]) == (0, 7)
    assert {n: (run_dir / n).read_bytes() for n in first} == first
    (copy / "human.txt").write_text(PLAIN + " Something changed.\n", encoding="utf-8")
    (copy / "mt.txt").unlink()
    run_report(str(copy), "--out", str(run_dir), "-j", "1", "-q")
    changed = json.loads((run_dir / "run.json").read_text())
    assert (changed["checked"], changed["reused"], changed["totals"]["documents"]) == (1, 5, 10)
    assert len(list((run_dir / "docs").glob("*.html"))) == 6  # the deleted story's page is gone
    # A different signature (another rule selection) recomputes everything.
    run_report(str(copy), "--out", str(run_dir), "-j", "1", "-q", "--ignore", "punctuation")
    assert json.loads((run_dir / "run.json").read_text())["checked"] == 6


def test_include_exclude_and_an_output_folder_inside_the_input(tmp_path):
    root = make_archive(tmp_path / "archive")
    out = root / "reports"
    run_report(str(root), "--out", str(out), "-j", "1", "-q", "--exclude", "drafts/**", "--exclude", "*.jsonl")
    names = [label(r, root) for r in lines(out / "documents.jsonl")]
    assert "drafts/draft.txt" not in names and not any("stories" in n for n in names)
    # The run folder (with its documents.jsonl) is not read back as input.
    run_report(str(root), "--out", str(out), "-j", "1", "-q", "--include", "**/*.jsonl", "--include", "wire/*.xml")
    names = [label(r, root) for r in lines(out / "documents.jsonl")]
    assert names == ["stories.jsonl#j1", "stories.jsonl:2", "stories.jsonl#j3", "wire/story.xml#W-1"]


def test_config_file_globs_rules_and_thresholds(tmp_path, monkeypatch):
    make_archive(tmp_path / "archive")
    (tmp_path / "mtcheck.toml").write_text(
        'exclude = ["archive/drafts/**", "archive/*.jsonl"]\nignore = ["repetition"]\nmodel = "rules"\n'
        "[verdict]\npost_edited = 0.01\nmachine = 0.02\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run_report("archive", "--out", "out", "-j", "1", "-q")
    rows = [r for r in lines(tmp_path / "out" / "documents.jsonl") if "error" not in r]
    assert {Path(r["source"]).name for r in rows} == {"hostile.md.txt", "human.txt", "mt.txt", "story.xml"}
    assert all(r["provenance"]["verdict"] == "machine" for r in rows)  # the config's thresholds
    assert not any(f["rule"].startswith("repetition") for r in rows for f in r["findings"])
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["config"].endswith("mtcheck.toml") and "verdict:0.01,0.02" in run["signature"]


def test_a_story_in_another_language_is_counted_as_such_not_judged(tmp_path, cli):
    folder = tmp_path / "desk"
    folder.mkdir()
    (folder / "de.txt").write_text("Der Bundestag hat am Mittwoch ein neues Gesetz beschlossen. Die Opposition "
                                   "kritisierte den Entwurf scharf, doch die Regierung verteidigte ihn.\n" * 4,
                                   encoding="utf-8")
    done = cli("report", str(folder), "--out", str(tmp_path / "run"), "-j", "1")
    assert "1 document: 1 reported (0 machine, 0 post-edited, 0 human, 1 not in English), 0 errors" in done.out
    (row,) = lines(tmp_path / "run" / "documents.jsonl")
    assert row["provenance"]["verdict"] == "not-english" and row["provenance"]["mt_likelihood"] is None
    page = next((tmp_path / "run" / "docs").glob("*.html")).read_text(encoding="utf-8")
    assert "n/a (not in English)" in page


def test_exit_codes_and_stdin(tmp_path, cli):
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "a.txt").write_text(MT + "\n", encoding="utf-8")
    (clean / "b.txt").write_text(PLAIN + "\n", encoding="utf-8")
    out = tmp_path / "run"
    done = cli("report", str(clean), "--out", str(out), "-j", "1")
    assert done.code == 0 and "2 documents: 2 reported (0 machine, 0 post-edited, 0 human, 2 too short to judge), " \
                              "0 errors" in done.out  # one-paragraph stories: the model does not guess
    assert str(out / "index.html") in done.out and done.err == ""  # no bar when stderr is not a terminal
    assert cli("report", str(clean), "--out", str(out), "-j", "1", "--fail-on", "error").code == 1
    piped = cli("report", "-", "--out", str(out), "-j", "1", "-q", "--model", "rules", stdin=(MT + "\n").encode())
    assert piped.code == 0 and piped.out == ""
    (row,) = lines(out / "documents.jsonl")
    assert row["source"] == "stdin" and row["provenance"]["verdict"] == "machine"
    assert next(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))["path"] == "stdin"  # not "'-"
    missing = cli("report", str(tmp_path / "nowhere"), "--out", str(out), "-j", "1", "-q")
    assert missing.code == 2 and missing.err.strip() == f"mtcheck: error: {tmp_path / 'nowhere'}: no such file or folder"
    (tmp_path / "pictures").mkdir()
    (tmp_path / "pictures" / "a.png").write_bytes(b"\x89PNG")
    nothing = cli("report", str(tmp_path / "pictures"), "--out", str(out), "-j", "1", "-q")
    assert nothing.code == 2 and "no documents found" in nothing.err and "--include" in nothing.err


@pytest.mark.parametrize("args, message", [
    (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler needs --engine dask"),
    (["--input-format", "pdf"], "unknown --input-format 'pdf'"),
    (["--select", "nonsense"], "unknown rule or family 'nonsense'"),
    (["-", "-"], "stdin ('-') can be read only once"),
])
def test_usage_errors_are_one_line(tmp_path, cli, args, message):
    result = cli("report", *args, str(tmp_path), "--out", str(tmp_path / "run"))
    assert result.code == 2 and result.err.count("\n") == 1 and message in result.err


def test_out_must_be_a_folder_and_a_broken_store_is_named(tmp_path, cli):
    (tmp_path / "file").write_text("x")
    assert "not a folder" in cli("report", str(tmp_path), "--out", str(tmp_path / "file")).err
    run = tmp_path / "run"
    run.mkdir()
    (run / "store.sqlite").write_bytes(b"this is not a database" * 100)
    result = cli("report", str(tmp_path / "file"), "--out", str(run), "-j", "1")
    assert result.code == 2 and "not a usable report store" in result.err


@pytest.mark.parametrize("stored, writer", [("3/page2", "an older"), ("99/page2", "a newer")])
def test_a_store_of_another_format_is_rebuilt_and_the_run_says_why(reference, tmp_path, cli, stored, writer):
    root, reference_out, _ = reference
    out = tmp_path / "run"
    assert cli("report", str(root), "--out", str(out), "-j", "1", "-q", "--model", "rules").code == 2  # error rows
    # As another mtcheck left it: its format, and its reports in bytes this one cannot read.
    with sqlite3.connect(out / "store.sqlite") as db:
        db.execute("UPDATE meta SET value=? WHERE key='format'", (stored,))
        db.execute("UPDATE results SET report=?, page=?", (zlib.compress(b"{}"), zlib.compress(b"")))
    db.close()
    resumed = cli("report", str(root), "--out", str(out), "-j", "1", "--model", "rules")
    said = (f"mtcheck: {out / 'store.sqlite'}: written by {writer} mtcheck (store format {stored}, this one reads "
            f"{STORE_FORMAT}); re-checking all documents")
    assert resumed.err.splitlines().count(said) == 1
    assert "7 checked now, 0 reused from the store" in resumed.out
    for name in ("documents.jsonl", "summary.csv", "index.html"):
        assert (out / name).read_bytes() == (reference_out / name).read_bytes(), name
    again = cli("report", str(root), "--out", str(out), "-j", "1", "-q", "--model", "rules")
    assert "store format" not in again.err and json.loads((out / "run.json").read_text())["reused"] == 7


def test_a_run_with_other_settings_says_why_nothing_is_reused(tmp_path, cli):
    (tmp_path / "a.txt").write_text(PLAIN)
    out = tmp_path / "run"
    assert cli("report", str(tmp_path / "a.txt"), "--out", str(out), "-j", "1", "-q", "--model", "rules").code == 0
    same = cli("report", str(tmp_path / "a.txt"), "--out", str(out), "-j", "1", "--model", "rules")
    assert same.err == "" and "0 checked now, 1 reused from the store" in same.out
    other = cli("report", str(tmp_path / "a.txt"), "--out", str(out), "-j", "1", "-q", "--ignore", "calque")
    assert other.err == (f"mtcheck: {out / 'store.sqlite'}: the stored reports were made with other settings "
                         "(rules, model changed); re-checking all documents\n")
    assert json.loads((out / "run.json").read_text())["reused"] == 0


def test_a_store_found_damaged_during_the_run_is_named(tmp_path, cli):
    (tmp_path / "a.txt").write_text(PLAIN)
    out = tmp_path / "run"
    assert cli("report", str(tmp_path / "a.txt"), "--out", str(out), "-j", "1", "-q").code == 0
    store = out / "store.sqlite"
    with sqlite3.connect(store) as db:
        (page_size,) = db.execute("PRAGMA page_size").fetchone()
        (root_page,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name='results'").fetchone()
    db.close()
    with open(store, "r+b") as fh:  # opening the store reads no page of results: the first lookup does
        fh.seek((root_page - 1) * page_size)
        fh.write(b"\xff" * page_size)
    result = cli("report", str(tmp_path / "a.txt"), "--out", str(out), "-j", "1", "-q")
    assert result.code == 2 and result.err == (f"mtcheck: error: {store}: not a usable report store (database disk "
                                               "image is malformed); remove it or use another --out\n")


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes as a name")
def test_a_file_name_that_is_not_utf8_is_an_error_row(tmp_path, cli):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text(PLAIN)
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "w") as fh:
        fh.write(PLAIN)
    result = cli("report", str(folder), "--out", str(tmp_path / "run"), "-j", "1", "-q")
    assert result.code == 2 and "caf\\xe9.txt: the file name is not valid UTF-8" in result.err
    assert next(r.get("error", "") for r in lines(tmp_path / "run" / "documents.jsonl")).startswith("the file name")


def test_two_runs_cannot_share_a_run_folder(tmp_path, cli):
    fcntl = pytest.importorskip("fcntl")
    (tmp_path / "a.txt").write_text(PLAIN)
    run = tmp_path / "run"
    run.mkdir()
    with open(run / ".lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a run in progress holds it
        result = cli("report", str(tmp_path / "a.txt"), "--out", str(run), "-j", "1")
    assert result.code == 2 and "another mtcheck report is writing to this folder" in result.err
    assert cli("report", str(tmp_path / "a.txt"), "--out", str(run), "-j", "1", "-q").code == 0


def test_process_pool_gives_the_same_outputs(reference, tmp_path):
    root, out, _ = reference
    run_report(str(root), "--out", str(tmp_path), "--jobs", "2", "-q", "--model", "rules")
    assert json.loads((tmp_path / "run.json").read_text())["engine"] == "local"
    for name in ("documents.jsonl", "summary.csv", "index.html"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


@pytest.mark.dask
def test_dask_engine_gives_the_same_outputs(reference, tmp_path):
    distributed = pytest.importorskip("distributed")
    root, out, _ = reference
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        code = run_report(str(root), "--out", str(tmp_path), "--engine", "dask", "--scheduler",
                          cluster.scheduler_address, "-q", "--model", "rules")
    assert code == 2
    assert json.loads((tmp_path / "run.json").read_text())["engine"] == "dask"
    for name in ("documents.jsonl", "summary.csv", "index.html"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


# Run the CLI slowly in a child process (each check sleeps, commits come often) so that it
# can be killed mid-run.
SLOW_RUN = """
import sys, time
import mtcheck.batch.store as store
import mtcheck.pipeline as checker
store.COMMIT_EVERY_SECONDS = 0.05
check = checker.Checker.check
checker.Checker.check = lambda self, *a, **k: (time.sleep(0.02), check(self, *a, **k))[1]
from mtcheck.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_run_killed_with_sigkill_resumes_to_the_same_outputs(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    records = [{"id": f"doc-{i:03}", "text": f"Story {i}. {MT if i % 3 == 0 else PLAIN} It was day {i}."}
               for i in range(150)]
    (archive / "big.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    (archive / "notes.txt").write_text(PLAIN + "\n", encoding="utf-8")
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    # The child imports the very mtcheck this process runs (the reports name its pairs files).
    env = {**os.environ, "PYTHONPATH": str(Path(mtcheck.__file__).resolve().parent.parent)}
    child = subprocess.Popen([sys.executable, "-c", SLOW_RUN, "report", str(archive), "--out", str(killed),
                              "-j", "1", "-q"], env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    try:
        stored = _wait_for_results(killed / "store.sqlite", child, at_least=20)
        assert child.poll() is None, "the run ended before it could be killed"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    assert 20 <= stored < 151 and not (killed / "documents.jsonl").exists()
    assert run_report(str(archive), "--out", str(killed), "-j", "1", "-q") == 0
    resumed = json.loads((killed / "run.json").read_text())
    assert resumed["reused"] >= stored and resumed["checked"] + resumed["reused"] == 151
    assert run_report(str(archive), "--out", str(whole), "-j", "1", "-q") == 0
    ids = [r["doc_id"] for r in lines(killed / "documents.jsonl")]
    assert len(ids) == len(set(ids)) == 151
    for name in ("documents.jsonl", "summary.csv", "index.html"):
        assert (killed / name).read_bytes() == (whole / name).read_bytes(), name
    assert sorted(p.name for p in (killed / "docs").iterdir()) == sorted(p.name for p in (whole / "docs").iterdir())


def _wait_for_results(db: Path, child: subprocess.Popen, at_least: int, timeout: float = 60.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and child.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
                    n = con.execute("SELECT COUNT(*) FROM results").fetchone()[0]
            except sqlite3.OperationalError:  # the schema is not there yet
                n = 0
            if n >= at_least:
                return n
        time.sleep(0.02)
    raise AssertionError(f"no {at_least} stored results before the run ended: {child.stderr.read().decode()}")


def test_histogram_counts_bins_and_escapes_labels():
    from mtcheck.render.svg import bin_counts, histogram, ticks

    assert bin_counts([0.0, 0.1, 0.5, 0.95, 1.0, 1.5, -1], [0, 0.5, 1.0]) == [2, 3]
    assert ticks(0, 100) == [0, 20, 40, 60, 80, 100] and ticks(0, 7) == [0, 2, 4, 6, 8]
    svg = histogram([0.1, 0.2, 0.2, 0.9, float("nan")], [0, 0.25, 0.5, 0.75, 1.0], "MT <likelihood> & co",
                    'x "label"')
    assert svg.startswith("<svg") and svg.endswith("</svg>") and svg.count("<rect") == 4
    assert "MT &lt;likelihood&gt; &amp; co" in svg and "<likelihood>" not in svg
    assert "0–0.25: 3</title>" in svg and "0.75–1: 1</title>" in svg
    assert "href" not in svg and "http" not in svg
    assert histogram([], 5, "empty", "x").count("<rect") == 5
    with pytest.raises(ValueError):
        histogram([1.0], [1.0, 0.5], "t", "x")


def test_highlight_splits_overlaps_marks_empty_spans_and_escapes(check):
    from mtcheck.models import Finding, Severity
    from mtcheck.render.report_html import highlight

    def finding(start, end, severity, rule):
        return Finding(rule=rule, category="x", severity=Severity(severity), start=start, end=end, line=1, column=1,
                       end_line=1, end_column=1, text="", message=f"<{rule}>", suggestion="a & b", sentence=0,
                       fingerprint=f"{rule}:0")

    text = "one <two> three"
    html = str(highlight(text, [finding(0, 9, "warning", "w"), finding(4, 9, "error", "e"), finding(10, 10, "info",
                                                                                                    "i")]))
    assert html == ('<a class="hl cat-x sev-warning" id="f0" href="#r0" title="warning w: &lt;w&gt; → a &amp; b">'
                    'one </a><sup class="n">1</sup>'
                    '<a class="hl cat-x sev-error" id="f1" href="#r1" title="warning w: &lt;w&gt; → a &amp; b\n'
                    'error e: &lt;e&gt; → a &amp; b">&lt;two&gt;</a><sup class="n">2</sup> '
                    '<a class="hl point cat-x sev-info" id="f2" href="#r2" title="info i: &lt;i&gt; → a &amp; b">‸</a>'
                    '<sup class="n">3</sup>three')


def test_finding_rows_number_link_and_escape_each_finding():
    from mtcheck.models import Finding, Severity
    from mtcheck.render.report_html import finding_rows

    def finding(rule, suggestion, fix_safe):
        return Finding(rule=rule, category="calque", severity=Severity.warning, start=0, end=3, line=2, column=5,
                       end_line=2, end_column=8, text="<b>&", message='say "this"', suggestion=suggestion,
                       fix_safe=fix_safe, sentence=0, fingerprint=f"{rule}:0")

    rows = str(finding_rows([finding("calque.term", "<i>", True), finding("calque.x", "", False),
                             finding("calque.y", None, False)]))
    assert rows == (
        '<tr id="r0"><td><a href="#f0" title="show it in the text">1</a></td><td class="num">2:5</td>\n'
        '<td class="what"><span class="sev-warning">warning</span> <span class="cat cat-calque">calque.term</span> '
        '“&lt;b&gt;&amp;”<br>say &#34;this&#34;</td>\n<td>&lt;i&gt; <span class="safe">safe to apply</span></td></tr>\n'
        '<tr id="r1"><td><a href="#f1" title="show it in the text">2</a></td><td class="num">2:5</td>\n'
        '<td class="what"><span class="sev-warning">warning</span> <span class="cat cat-calque">calque.x</span> '
        '“&lt;b&gt;&amp;”<br>say &#34;this&#34;</td>\n<td>(delete)</td></tr>\n'
        '<tr id="r2"><td><a href="#f2" title="show it in the text">3</a></td><td class="num">2:5</td>\n'
        '<td class="what"><span class="sev-warning">warning</span> <span class="cat cat-calque">calque.y</span> '
        '“&lt;b&gt;&amp;”<br>say &#34;this&#34;</td>\n<td></td></tr>\n')
    assert finding_rows([]) == ""


def test_highlight_shades_sentences_by_mt_probability_around_the_marks():
    from mtcheck.models import Finding, Severity
    from mtcheck.models.document import SentenceFluency
    from mtcheck.render.report_html import highlight

    def sentence(index, start, end, p):
        return SentenceFluency(index=index, start=start, end=end, line=1, column=start + 1, paragraph=0, score=100.0,
                               findings=0, mt_probability=p)

    text = "Aa bb. Cc dd. Ee."
    mark = Finding(rule="r", category="x", severity=Severity.info, start=3, end=9, line=1, column=4, end_line=1,
                   end_column=10, text="bb. Cc", message="m", suggestion=None, sentence=0, fingerprint="r:0")
    html = str(highlight(text, [mark], [sentence(0, 0, 6, 0.95), sentence(1, 7, 13, 0.1), sentence(2, 14, 17, None)]))
    # A mark that crosses a sentence end is cut there, so every span closes where it opened.
    assert html == ('<span class="sent mt-4" title="sentence 1: MT probability 0.95">Aa '
                    '<a class="hl cat-x sev-info" id="f0" href="#r0" title="info r: m">bb.</a><sup class="n">1</sup>'
                    '</span><a class="hl cat-x sev-info" href="#r0" title="info r: m"> </a>'
                    '<span class="sent mt-0" title="sentence 2: MT probability 0.10">'
                    '<a class="hl cat-x sev-info" href="#r0" title="info r: m">Cc</a> dd.</span> Ee.')


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_index_page_in_a_browser(reference, chromium, width):
    """The index fits the window (the table scrolls in its own box when it cannot), rows are one
    line, the worst documents come first, the charts mark the thresholds and filter the table."""
    _root, out, _ = reference
    page = open_page(chromium, (out / "index.html").as_uri(), width)
    screenshot(page, f"report-index-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing sticks out of the window
    box = page.evaluate("(() => { const b = document.querySelector('.table-box');"
                        " return [b.scrollWidth, b.clientWidth, b.getBoundingClientRect().right]; })()")
    assert box[2] <= width
    if width >= 1400:
        assert box[0] <= box[1]  # the whole table shows, no column cut off
    heights = page.evaluate("[...document.querySelectorAll('#docs tbody tr')].map(r => r.getBoundingClientRect().height)")
    assert heights and max(heights) < 32  # one line a row
    assert page.text_content("#shown") == "1–11 of 11"
    likelihoods = page.evaluate("[...document.querySelectorAll('#docs tbody td.col-mt_likelihood')]"
                                ".map(td => td.textContent).filter(Boolean).map(Number)")
    assert likelihoods == sorted(likelihoods, reverse=True)  # worst first by default
    assert page.text_content("#docs tbody tr:nth-child(1) td:nth-child(2)") == "machine"
    page.click("#docs th.col-fluency")  # a first click shows the least fluent first
    fluency = page.evaluate("[...document.querySelectorAll('#docs tbody td.col-fluency')]"
                            ".map(td => td.textContent).filter(Boolean).map(Number)")
    assert fluency == sorted(fluency)
    assert page.locator(".charts svg").first.locator(".threshold").count() == 2  # post-edited, machine
    bars = page.locator('.charts .bar[data-key="mt_likelihood"]')
    data = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    likelihood = [d["provenance"]["mt_likelihood"] for d in data if "provenance" in d]
    bar = next(bars.nth(i) for i in range(bars.count())
               if any(float(bars.nth(i).get_attribute("data-lo")) <= x < float(bars.nth(i).get_attribute("data-hi"))
                      for x in likelihood))
    lo, hi = float(bar.get_attribute("data-lo")), float(bar.get_attribute("data-hi"))
    bar.click()
    expected = sum(1 for x in likelihood if lo <= x < hi or (bar.get_attribute("data-last") == "1" and x == hi))
    assert page.text_content("#shown") == f"1–{expected} of {expected}"
    page.click("#range .chip button")
    assert page.text_content("#shown") == "1–11 of 11"
    page.fill("#q", "j3")
    assert page.text_content("#shown") == "1–1 of 1"
    page.fill("#q", "")
    page.select_option("#verdict", "!error")
    assert page.text_content("#shown") == "1–4 of 4"
    page.select_option("#verdict", "")
    page.fill("#q", "hostile")
    page.click("#docs tbody tr:nth-child(1) a")  # to the story that carries a script
    assert '<script>alert("x")' in page.text_content("pre.story")  # shown as text...
    assert page.locator("script").count() == 0  # ...and never an element
    assert page.problems == []


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_document_page_in_a_browser(reference, chromium, width):
    """Proportional type, highlights coloured by category and linked to their rows and back."""
    _root, out, _ = reference
    pages = sorted((out / "docs").glob("*.html"))
    j1 = next(p for p in pages if "supported and supported" in p.read_text(encoding="utf-8"))
    page = open_page(chromium, j1.as_uri(), width)
    screenshot(page, f"report-document-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    font = page.evaluate("getComputedStyle(document.querySelector('pre.story')).fontFamily")
    assert "mono" not in font.lower()
    mark = page.locator("pre.story a.hl.cat-repetition").first
    assert mark.evaluate("m => getComputedStyle(m).backgroundColor") == "rgb(227, 215, 255)"  # palette.css
    row = mark.get_attribute("href")
    mark.click()
    assert page.evaluate("location.hash") == row
    assert "repetition" in page.text_content(f"tr{row}")
    page.click(f"tr{row} td a")  # the number leads back to the text
    assert page.evaluate("location.hash").startswith("#f")
    assert page.problems == []
