"""Reports stay the same unless a change means them to: every format, rule and score is
compared with outputs recorded by `python tests/golden.py --write` (see that script for
when and how to re-record them)."""

import json

import golden


def test_fixture_reports_are_unchanged():
    recorded = golden.CHECK_JSON.read_text(encoding="utf-8")
    now = golden.fixtures_output()
    # Compared document by document first, so a failure names the text that changed.
    for before, after in zip(json.loads(recorded)["documents"], json.loads(now)["documents"]):
        assert after == before, f"report on {before['source']} changed (re-record with python tests/golden.py --write " \
                                "if the change is meant)"
    assert now == recorded


def test_seed_reports_are_unchanged(shared_seeds):
    recorded = json.loads(golden.SEEDS_JSON.read_text(encoding="utf-8"))
    now = golden.seed_digests()
    assert sorted(now) == sorted(recorded)
    for name, digest in now.items():
        assert digest == recorded[name], f"report on seed {name} changed (re-record with python tests/golden.py " \
                                         "--write if the change is meant)"


def test_the_fixtures_reach_every_rule_family():
    # The comparison is worth something only if the fixtures make every family speak.
    families = {f["rule"].split(".")[0] for d in json.loads(golden.CHECK_JSON.read_text(encoding="utf-8"))["documents"]
                for f in d["findings"] + d["suppressed"]}
    assert families >= {"calque", "repetition", "fragment", "punctuation", "script", "marker"}

