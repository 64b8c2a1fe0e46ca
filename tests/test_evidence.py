"""`mtcheck pairs stats`: how often each rule and entry fires in human and MT text, with intervals."""

from __future__ import annotations

import json

from conftest import PLAIN

MT = f"The new crown pneumonia cases rose. {PLAIN} The plan was supported and supported by the residents."
HUMAN = f"COVID-19 cases rose. {PLAIN} The plan was backed by the residents, who said so on Monday."


def _labelled(tmp_path, rows):
    path = tmp_path / "labelled.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_pairs_stats_measures_rules_and_entries_by_story(cli, tmp_path):
    rows = []
    for story in range(6):
        rows.append({"doc_id": f"s{story}", "is_human": True, "text": HUMAN})
        rows += [{"doc_id": f"s{story}", "is_human": False, "text": MT} for _ in range(3)]
    path = _labelled(tmp_path, rows)
    r = cli("pairs", "stats", str(path), "--label", "is_human", "--group", "doc_id", "--resamples", "50",
            "--jobs", "1", "--format", "json")
    assert r.code == 0, r.err
    table = json.loads(r.out)
    assert (table["human_documents"], table["mt_documents"]) == (6, 18)
    rows_by_id = {row["id"]: row for row in table["rows"]}
    coordinated = rows_by_id["repetition.coordinated"]
    assert (coordinated["human_hits"], coordinated["mt_hits"], coordinated["groups"]) == (0, 18, 6)
    assert coordinated["likelihood_ratio"] > 1 and coordinated["low"] <= coordinated["likelihood_ratio"]
    entry = next(row for row in table["rows"] if row["kind"] == "entry" and row["phrase"] == "new crown pneumonia")
    assert entry["rule"] == "calque.term" and entry["mt_hits"] == 18 and entry["human_hits"] == 0
    assert entry["mt_rate"] > 0 and entry["human_rate"] == 0
    # Rules first, then entries; each part by ratio, highest first.
    kinds = [row["kind"] for row in table["rows"]]
    assert kinds == sorted(kinds, key=lambda k: k != "rule")
    text = cli("pairs", "stats", str(path), "--label", "is_human", "--resamples", "0", "--jobs", "1")
    assert text.code == 0 and "repetition.coordinated" in text.out and "new crown pneumonia" in text.out


def test_pairs_stats_refuses_a_bad_label_in_one_line(cli, tmp_path):
    path = _labelled(tmp_path, [{"is_human": True, "text": HUMAN}])
    r = cli("pairs", "stats", str(path), "--label", "kind")
    assert r.code == 2 and r.err.count("\n") == 1 and "kind" in r.err
