"""`mtcheck train` end to end on texts written here: the model folder, checking with it,
`mtcheck model info`, determinism, and the one-line errors."""

from __future__ import annotations

import json

import jsonschema
import pytest
from test_model import HUMAN, MT

from mtcheck.schemas import schema_documents

pytest.importorskip("sklearn")


def write_jsonl(path, records) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


def labelled(tmp_path, name="desk.jsonl", extra=()):
    """Six stories, each a human and an MT version (the same doc_id)."""
    records = [{"doc_id": f"story{k}", "is_human": is_human, "text": text}
               for k, (h, m) in enumerate(zip(HUMAN, MT)) for text, is_human in ((h, True), (m, False))]
    return write_jsonl(tmp_path / name, [*records, *extra])


def train(cli, tmp_path, *extra, out="model"):
    return cli("train", labelled(tmp_path), "--label", "is_human", "--out", str(tmp_path / out), "--min-words", "20",
               "--jobs", "1", *extra)


def test_train_writes_a_model_that_check_and_model_info_use(cli, tmp_path):
    r = train(cli, tmp_path)
    assert r.code == 0, r.err
    folder = tmp_path / "model"
    assert {p.name for p in folder.iterdir()} == {"model.json", "model.training.json", "MODEL_CARD.md"}
    report = json.loads((folder / "model.training.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, json.loads(schema_documents()["training-report.schema.json"]))
    assert (report["documents"], report["stories"], report["label_rule"]) == (12, 6, "MT = not is_human")
    assert report["inputs"][0]["source"] == "desk" and report["settings"]["min_words"] == 20
    assert "desk: document AUC" in r.out and "mtcheck check --model" in r.out

    story = tmp_path / "story.txt"
    story.write_text(MT[0] + "\n", encoding="utf-8")
    checked = cli("check", "--model", str(folder), "--format", "json", "--fail-on", "never", str(story))
    assert checked.code == 0, checked.err
    provenance = json.loads(checked.out)["documents"][0]["provenance"]
    assert provenance["model"] == str(folder) and provenance["verdict"] in ("post-edited", "machine")
    assert f"@{report['model']['sha256'][:12]}" in provenance["signature"]

    card = cli("model", "info", str(folder))
    assert card.code == 0 and card.out == (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "6 stories" in card.out and "| desk |" in card.out and "Reliability" in card.out
    as_json = cli("model", "info", str(folder / "model.json"), "--format", "json")
    assert json.loads(as_json.out) == report


def test_the_same_data_and_seed_give_the_same_file_and_another_seed_another(cli, tmp_path):
    assert train(cli, tmp_path, "-q", out="a").code == 0
    assert train(cli, tmp_path, "-q", out="b").code == 0
    assert train(cli, tmp_path, "-q", "--seed", "7", out="c").code == 0
    a, b, c = ((tmp_path / name / "model.json").read_bytes() for name in "abc")
    assert a == b and a != c


def test_the_shipped_models_card_needs_no_path(cli):
    r = cli("model", "info")
    assert r.code == 0 and "the shipped model (mtcheck/core/model/shipped/model.json)" in r.out
    assert "Rules read:" in r.out and "calque.term" in r.out


def test_a_config_model_is_read_relative_to_the_config(cli, tmp_path):
    assert train(cli, tmp_path, "-q").code == 0
    project = tmp_path / "project"
    project.mkdir()
    (project / "mtcheck.toml").write_text('model = "../model"\n', encoding="utf-8")
    (project / "story.txt").write_text(MT[1] + "\n", encoding="utf-8")
    r = cli("check", "--format", "json", "--fail-on", "never", str(project / "story.txt"))
    assert r.code == 0, r.err
    assert json.loads(r.out)["documents"][0]["provenance"]["model"] == str(project / "../model")


@pytest.mark.parametrize(("args", "message"), [
    (("--label", "is_human", "--weight", "elsewhere=0.5"), "a source weight names no source of the data: elsewhere"),
    (("--label", "flag"), "cannot tell from the label name 'flag'"),
    (("--label", "is_human", "--weight", "desk=0"), "is not SOURCE=WEIGHT with a positive weight"),
    (("--label", "is_human", "--text", "body"), "no record has the field 'body' (--text)"),
    (("--label", "is_human", "--rule-weight-share", "-1"), "'-1' is not a share from 0 to 10"),
])
def test_bad_options_are_one_line(cli, tmp_path, args, message):
    r = cli("train", labelled(tmp_path), "--out", str(tmp_path / "m"), "--jobs", "1", "-q", *args)
    assert r.code == 2 and message in r.err and "Traceback" not in r.err
    assert not (tmp_path / "m" / "model.json").exists()


def test_records_without_a_story_field_are_stories_of_their_own_unless_group_is_named(cli, tmp_path):
    records = [{"is_human": is_human, "text": text} for h, m in zip(HUMAN, MT) for text, is_human in ((h, True), (m, False))]
    path = write_jsonl(tmp_path / "plain.jsonl", records)
    r = cli("train", path, "--label", "is_human", "--out", str(tmp_path / "m"), "--min-words", "20", "--jobs", "1", "-q")
    assert r.code == 0, r.err
    report = json.loads((tmp_path / "m" / "model.training.json").read_text(encoding="utf-8"))
    assert report["stories"] == report["documents"] == 12 and report["group_field"] == "doc_id"
    named = cli("train", path, "--label", "is_human", "--group", "story", "--out", str(tmp_path / "n"), "-q")
    assert named.code == 2 and "no record has the field 'story' (--group)" in named.err


def test_one_class_cannot_train(cli, tmp_path):
    only_mt = write_jsonl(tmp_path / "mt.jsonl", [{"doc_id": f"s{k}", "is_human": False, "text": t}
                                                   for k, t in enumerate(MT)])
    r = cli("train", only_mt, "--label", "is_human", "--out", str(tmp_path / "m"), "-q")
    assert r.code == 2 and "must include both human and machine-translated copy" in r.err
    assert len(r.err.strip().splitlines()) == 1


def test_malformed_records_are_named_and_left_out(cli, tmp_path):
    path = labelled(tmp_path, extra=[{"doc_id": "x", "is_human": "yes", "text": "A text."}])
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    r = cli("train", path, "--label", "is_human", "--out", str(tmp_path / "m"), "--min-words", "20", "--jobs", "1",
            "-q")
    assert r.code == 2
    assert f"{path}:13: label field 'is_human' must be true or false" in r.err and f"{path}:14:" in r.err
    report = json.loads((tmp_path / "m" / "model.training.json").read_text(encoding="utf-8"))
    assert report["documents"] == 12 and len(report["errors"]) == 2


def test_a_model_that_is_not_one_is_refused_in_one_line(cli, tmp_path):
    bad = tmp_path / "model.json"
    bad.write_text('{"format": "mtcheck-provenance-model/2"}', encoding="utf-8")
    story = tmp_path / "story.txt"
    story.write_text(MT[0] + "\n", encoding="utf-8")
    for args in (("check", "--model", str(bad), str(story)), ("check", "--model", str(tmp_path / "none"), str(story)),
                 ("model", "info", str(tmp_path / "none"))):
        r = cli(*args)
        assert r.code == 2 and r.err.count("\n") == 1 and "Traceback" not in r.err, args


def test_the_rule_weights_share_is_a_setting_the_card_states(cli, tmp_path):
    assert train(cli, tmp_path, "-q", out="mixed").code == 0
    assert train(cli, tmp_path, "-q", "--rule-weight-share", "0", out="learned").code == 0
    mixed, learned = (json.loads((tmp_path / name / "model.json").read_text(encoding="utf-8"))
                      for name in ("mixed", "learned"))
    assert mixed["rule_weights"]["scale"] > 0 and mixed["settings"]["rule_weight_share"] == 0.5
    assert "rule_weights" not in learned and learned["settings"]["rule_weight_share"] == 0.0
    assert "hand-set weights" in (tmp_path / "mixed" / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "hand-set weights" not in (tmp_path / "learned" / "MODEL_CARD.md").read_text(encoding="utf-8")
