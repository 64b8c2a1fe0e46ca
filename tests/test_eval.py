"""`mtcheck eval`: statistics against hand-computed values (and scipy where installed),
labelled-data validation, calibration, per-rule figures, and the command end to end on
small synthetic labelled JSONL."""

from __future__ import annotations

import json
import math
import re
import sys
import xml.dom.minidom
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from mtcheck.core.rules import RULES
from mtcheck.evaluate import stats
from mtcheck.evaluate.calibrate import calibrate, snippet
from mtcheck.evaluate.checking import check_texts, summarise
from mtcheck.evaluate.labelled import LabelSpec, load_documents, load_segments
from mtcheck.evaluate.per_rule import rule_figures, rule_table
from mtcheck.evaluate.segments import joined, locate, span_fluency
from mtcheck.read import InputProblem
from mtcheck.render import svg
from mtcheck.schemas import schema_documents

from conftest import PLAIN

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

# --------------------------------------------------------------------------- statistics


def test_average_ranks_share_ties():
    assert list(stats.average_ranks([3, 1, 3, 2])) == [3.5, 1.0, 3.5, 2.0]


def test_roc_auc_counts_ties_half():
    # MT 0.9, 0.5, 0.5 against human 0.5, 0.1: of 6 pairs, 4 won and 2 tied -> 5/6.
    assert stats.roc_auc([0.9, 0.5, 0.5, 0.5, 0.1], [True, True, True, False, False]) == pytest.approx(5 / 6)
    assert math.isnan(stats.roc_auc([0.2, 0.4], [True, True]))


def test_roc_curve_points():
    curve = stats.roc_curve([0.9, 0.5, 0.5, 0.1], [True, True, False, False])
    assert curve == [(None, 0.0, 0.0), (0.9, 0.0, 0.5), (0.5, 0.5, 1.0), (0.1, 1.0, 1.0)]


@pytest.mark.parametrize("cells_per_item", [0, 10**6])  # the sorting and the contingency-table paths
def test_kendall_tau_b_by_hand(monkeypatch, cells_per_item):
    monkeypatch.setattr(stats, "TABLE_CELLS_PER_ITEM", cells_per_item)
    # 5 concordant, 1 discordant pair, no ties.
    assert stats.kendall_tau_b([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(4 / 6)
    # 6 pairs: one tied on x, one on y, 4 concordant: 4 / sqrt(5 * 5).
    assert stats.kendall_tau_b([1, 1, 2, 3], [1, 2, 2, 3]) == pytest.approx(0.8)
    assert stats.kendall_tau_b([4, 3, 2, 1], [1, 2, 3, 4]) == pytest.approx(-1.0)
    assert math.isnan(stats.kendall_tau_b([1, 1, 1], [1, 2, 3]))


def test_reliability_bins_by_hand():
    p = [0.05, 0.15, 0.12, 0.95, 1.0, 0.91]
    y = [False, False, True, True, True, False]
    rows = stats.reliability(p, y)
    assert [(r.low, r.high, r.documents) for r in rows] == [(0.0, 0.1, 1), (0.1, 0.2, 2), (0.9, 1.0, 3)]
    assert rows[1].mean_probability == pytest.approx(0.135) and rows[1].positive_share == pytest.approx(0.5)
    assert rows[2].positive_share == pytest.approx(2 / 3) and rows[2].weight == pytest.approx(0.5)
    # |0.05 - 0| / 6 + 2 |0.135 - 0.5| / 6 + 3 |0.62 - 2/3| / 6 (0.62: the mean of 0.95, 1.0, 0.91)
    expected = (0.05 + 2 * 0.365 + 3 * abs(2.86 / 3 - 2 / 3)) / 6
    assert stats.expected_calibration_error(rows) == pytest.approx(expected)
    # Class-balanced: one positive among three weighs as much as the two negatives together.
    w = stats.class_balanced_weights([True, False, False])
    assert list(w) == pytest.approx([1.5, 0.75, 0.75])


def test_correlation_within_quantiles_removes_what_length_explains():
    # Within each length bin the two move together; across bins length alone drives both apart.
    length = np.array([1, 2, 3, 4, 10, 11, 12, 13], dtype=float)
    x = np.array([1, 2, 3, 4, 11, 12, 13, 14], dtype=float)
    y = np.array([11, 12, 13, 14, 1, 2, 3, 4], dtype=float)
    assert stats.kendall_tau_b(x, y) == pytest.approx((12 - 16) / 28)
    assert stats.within_quantiles(stats.kendall_tau_b, x, y, length, 2) == pytest.approx(1.0)
    assert math.isnan(stats.within_quantiles(stats.kendall_tau_b, np.ones(4), y[:4], length[:4], 2))


def test_count_inversions():
    assert stats.count_inversions(np.array([3, 1, 2])) == 2
    assert stats.count_inversions(np.array([2, 2, 1])) == 2  # equal values are no inversion
    assert stats.count_inversions(np.array([1, 2, 2, 3])) == 0


def test_spearman_rho_by_hand():
    # ranks of y: 1, 2, 3.5, 5, 3.5 -> sum of products 8, sums of squares 10 and 9.5.
    assert stats.spearman_rho([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) == pytest.approx(8 / math.sqrt(95))


def test_precision_recall_f1_and_confusion():
    p, r, f1 = stats.precision_recall_f1(8, 2, 4)
    assert (p, r) == (pytest.approx(0.8), pytest.approx(8 / 12))
    assert f1 == pytest.approx(2 * 0.8 * (8 / 12) / (0.8 + 8 / 12))
    assert math.isnan(stats.precision_recall_f1(0, 0, 3)[0])
    counts = stats.confusion_matrix(["human", "mt", "mt"], ["human", "machine", "human"], ["human", "mt"],
                                    ["human", "post-edited", "machine"])
    assert counts == [[1, 0, 0], [1, 0, 1]]


def test_statistics_agree_with_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(3)
    for n, k in ((40, 3), (300, 20), (500, 10_000)):  # the table path, then the sorting path
        x, y = rng.integers(0, k, n).astype(float), rng.integers(0, k, n) + 0.5 * rng.integers(0, 2, n)
        assert stats.kendall_tau_b(x, y) == pytest.approx(scipy_stats.kendalltau(x, y).statistic, abs=1e-12)
        assert stats.spearman_rho(x, y) == pytest.approx(scipy_stats.spearmanr(x, y).statistic, abs=1e-12)
        labels = rng.random(n) < 0.3
        u = scipy_stats.mannwhitneyu(x[labels], x[~labels]).statistic
        assert stats.roc_auc(x, labels) == pytest.approx(u / (labels.sum() * (~labels).sum()))


def test_grouped_resamples_keep_groups_whole_and_stratified_keep_class_sizes():
    groups = ["a", "a", "a", "b", "c", "c"]
    sample = stats.Resampler(6, groups=groups, seed=1).sample()
    drawn = [groups[i] for i in sample]
    for g in set(drawn):  # every drawn group comes with all its members, as often as it was drawn
        assert drawn.count(g) % groups.count(g) == 0
    strata = [True] * 2 + [False] * 5
    sample = stats.Resampler(7, strata=strata, seed=1).sample()
    assert sum(strata[i] for i in sample) == 2 and len(sample) == 7


def test_bootstrap_is_seeded_and_brackets_the_value():
    values = np.arange(100, dtype=float)

    def mean(idx):
        return [values[idx].mean()]

    first = stats.bootstrap_ci(mean, stats.Resampler(100, seed=7), 200)
    again = stats.bootstrap_ci(mean, stats.Resampler(100, seed=7), 200)
    assert first == again
    low, high = first[0]
    assert low < 49.5 < high and high - low < 25
    assert stats.bootstrap_ci(lambda idx: [3.0], stats.Resampler(5), 50) == [(3.0, 3.0)]


# --------------------------------------------------------------------------- labelled data


def test_label_rule_is_read_off_the_name_or_given():
    assert LabelSpec.of("is_human").rule == "MT = not is_human"
    assert LabelSpec.of("is_mt").rule == "MT = is_mt"
    assert LabelSpec.of("machine-translated").true_means == "mt"
    assert LabelSpec.of("label", "human").is_mt(False)
    for ambiguous in ("label", "human_or_mt"):
        with pytest.raises(ValueError, match="--true-means"):
            LabelSpec.of(ambiguous)


def test_malformed_records_are_named_by_file_and_line(tmp_path):
    path = tmp_path / "docs.jsonl"
    good = {"text": "A story.", "is_human": True, "mqm": 1.5, "doc_id": "d1"}
    lines = [json.dumps(good), "{not json", "[1, 2]", json.dumps({**good, "is_human": "yes"}),
             json.dumps({**good, "mqm": "bad"}), json.dumps({**good, "text": "  "}), "",
             json.dumps({**good, "mqm": None, "is_human": 0})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, errors = load_documents(path, LabelSpec.of("is_human"), score_field="mqm", group_field="doc_id")
    assert [(d.line, d.is_mt, d.score) for d in docs] == [(1, False, 1.5), (8, True, None)]
    where = [e.source for e in errors]
    assert where == [f"{path}:{n}" for n in (2, 3, 4, 5, 6)]
    assert "not valid JSON" in errors[0].message and "JSON object" in errors[1].message
    assert "must be true or false" in errors[2].message and "must be a number" in errors[3].message


def test_whole_file_problems_are_one_input_problem(tmp_path):
    label = LabelSpec.of("is_human")
    empty, binary, wrong = tmp_path / "empty.jsonl", tmp_path / "bin.jsonl", tmp_path / "wrong.jsonl"
    empty.write_text("\n", encoding="utf-8")
    binary.write_bytes(b"\x00\x01\x02" * 100)
    wrong.write_text(json.dumps({"text": "x", "human": True}) + "\n", encoding="utf-8")
    for path, message in ((empty, "empty"), (binary, "binary"), (tmp_path / "missing.jsonl", "no such file"),
                          (wrong, "no record has the field 'is_human' (--label)")):
        with pytest.raises(InputProblem, match=re.escape(message)):
            load_documents(path, label)


def test_segments_load_in_order(tmp_path):
    path = tmp_path / "segs.jsonl"
    rows = [{"doc_id": "d", "system": "s", "seg_id": 10, "target": "two", "mqm": 1},
            {"doc_id": "d", "system": "s", "seg_id": 9, "target": "one", "mqm": None},
            {"doc_id": "d", "seg_id": 11, "target": "orphan"}]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    segments, errors = load_segments(path, ("doc_id", "system"), score_field="mqm")
    assert sorted((s.order, s.text) for s in segments)[0][1] == "one"
    assert len(errors) == 1 and errors[0].source.endswith(":3") and "key fields" in errors[0].message


def test_segment_spans_and_fluency():
    text, spans = joined(["One.", "", "Two three."])
    assert text == "One.\n\nTwo three." and spans == [(0, 4), (5, 5), (6, 16)]
    assert locate("x One. y Two three.", ["One.", "Two three."]) == [(2, 6), (9, 19)]
    assert locate("One.", ["Two."]) is None
    sentences = [(0, 10, 100.0), (10, 20, 50.0)]
    assert span_fluency(sentences, 5, 15) == pytest.approx(75.0)
    assert span_fluency(sentences, 0, 10) == 100.0
    assert span_fluency(sentences, 20, 25) is None


# --------------------------------------------------------------------------- calibration and rules


def _points():
    # MT: 0.9 0.8 0.7 0.6 0.3; human: 0.75 0.5 0.2 0.1
    scores = [0.9, 0.8, 0.7, 0.6, 0.3, 0.75, 0.5, 0.2, 0.1]
    return stats.roc_points(scores, [True] * 5 + [False] * 4)


def test_machine_threshold_is_the_lowest_reaching_the_precision():
    cal = calibrate(_points(), 0.75, mt_share=0.5)
    # At 0.6: 4 of 5 MT and 1 of 4 human flagged: precision .8/(.8+.25) = 0.762; at 0.5 it is 0.8/1.3 = 0.615.
    assert cal.machine.threshold == 0.6 and cal.machine.precision == pytest.approx(0.8 / 1.05)
    assert cal.machine.recall == 0.8 and cal.machine.false_alarm_rate == 0.25
    # post_edited: half-way from 0.5 to 0.75 = 0.625; at 0.3 precision is 1/1.5 = 0.667, at 0.2 it is 0.571.
    assert cal.post_edited.threshold == 0.3 and cal.reached
    text = snippet(cal, "x.jsonl", 9, "sig")
    assert tomllib.loads(text) == {"tool": {"mtcheck": {"verdict": {"post_edited": 0.3, "machine": 0.6}}}}


def test_unreachable_or_uninformative_targets_write_no_thresholds():
    cal = calibrate(_points(), 0.99, mt_share=0.5)
    # At 0.8 and above no human is flagged, so precision is 1: 0.99 is reached there...
    assert cal.machine.threshold == 0.8 and cal.reached
    assert any("rule of three" in note for note in cal.notes)
    unreachable = calibrate(stats.roc_points([0.9, 0.9, 0.1], [True, False, False]), 0.9, mt_share=0.5)
    assert not unreachable.reached and unreachable.machine.best_precision == pytest.approx(2 / 3)
    assert "[tool.mtcheck.verdict]" not in snippet(unreachable, "x", 3, "sig")
    trivial = calibrate(_points(), 0.5)  # the data is 5/9 MT: flagging everything reaches 0.5
    assert not trivial.reached and "at or below the MT share" in trivial.notes[0]


def test_rule_figures_by_hand():
    row = rule_figures("calque.term", human_docs=1, mt_docs=5, human_hits=1, mt_hits=9, n_human=9, n_mt=9)
    assert row.likelihood_ratio == pytest.approx((5.5 / 10) / (1.5 / 10))
    assert row.ratio_low < row.likelihood_ratio < row.ratio_high
    assert row.weight == RULES["calque.term"].weight and row.human_rate == pytest.approx(1 / 9)
    table = rule_table(["calque.term", "marker.end", "repetition.phrase"],
                       [{"calque.term": 2}, {"calque.term": 1}, {}, {"repetition.phrase": 1}] * 10,
                       [False, True, True, False] * 10)
    by_rule = {r.rule: r for r in table.rules}
    assert by_rule["marker.end"].evidence == "never fired"
    assert by_rule["calque.term"].evidence == "not evidence"  # 10 of 20 documents in each class
    assert by_rule["repetition.phrase"].evidence == "against MT"  # only ever in human documents
    assert table.not_evidence == ["calque.term"]


def test_pool_gives_the_same_summaries(checker, monkeypatch):
    from mtcheck.evaluate import checking

    monkeypatch.setattr(checking, "MIN_TEXTS_FOR_POOL", 1)
    texts = [MT_TEXT, HUMAN_TEXT, MT_TEXT]
    assert check_texts(checker, texts, jobs=2, quiet=True) == [summarise(checker, t) for t in texts]


# --------------------------------------------------------------------------- end to end

MT_TEXT = ("China News Agency, Beijing, November 27th. The new crown pneumonia epidemic was supported and "
           "supported by the masses.\nRelevant departments will inspect and inspect the work in an all-round way.\n"
           + PLAIN)
MILD_MT_TEXT = ("China News Agency, Beijing, November 27th. The plan was supported and supported by residents in an "
                "all-round way.\n" + PLAIN + "\n" + PLAIN)
HUMAN_TEXT = ("BEIJING, Nov. 27 (Reuters) - Officials said the coronavirus outbreak was under control.\n"
              "Inspectors will review the work this week.\n" + PLAIN)
FALSE_ALARM_TEXT = HUMAN_TEXT + "\nThe new crown pneumonia cases fell, the relevant person in charge said."
# (human version, MT version) of each story: MT strong or mild, one human version with a calque.
STORIES = ((HUMAN_TEXT, MT_TEXT), (HUMAN_TEXT, MT_TEXT), (HUMAN_TEXT, MILD_MT_TEXT), (FALSE_ALARM_TEXT, MILD_MT_TEXT))


def write_labelled(tmp_path, stories=STORIES):
    """Each story in a human and an MT version (doc_id = group), with MQM (none for story 0) and segments."""
    docs, segments = [], []
    for story, versions in enumerate(stories):
        for system, text, mqm in (("ref", versions[0], 0.5 + story), ("mt", versions[1], 6.0 + story)):
            doc_id = f"story{story}"
            docs.append({"doc_id": doc_id, "system": system, "is_human": system == "ref", "text": text,
                         "mqm": mqm if story else None})
            for seg_id, part in enumerate(text.split("\n")):
                segments.append({"doc_id": doc_id, "system": system, "seg_id": seg_id, "target": part,
                                 "mqm": mqm if seg_id == 0 else 0.0})
    docs_path, segments_path = tmp_path / "docs.jsonl", tmp_path / "segs.jsonl"
    docs_path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    # Segments in reverse file order: their order comes from seg_id.
    segments_path.write_text("".join(json.dumps(s) + "\n" for s in reversed(segments)), encoding="utf-8")
    return str(docs_path), str(segments_path), len(segments)


def run_eval(cli, tmp_path, *extra):
    """Eval's mechanics on the rule-only scorer: the fixture stories are short (the learned model
    calls them too short to judge) and built from rule evidence."""
    docs, segments, _ = write_labelled(tmp_path)
    out = tmp_path / "out"
    r = cli("eval", docs, "--label", "is_human", "--group", "doc_id", "--score", "mqm", "--segments", segments,
            "--out", str(out), "--resamples", "50", "--jobs", "1", "--model", "rules", *extra)
    return r, out


def test_eval_end_to_end(cli, tmp_path):
    r, out = run_eval(cli, tmp_path)
    assert r.code == 0, r.err
    assert {p.name for p in out.iterdir()} == {"eval.json", "eval.md", "roc.svg", "fluency_vs_score.svg",
                                               "reliability.svg"}
    report = json.loads((out / "eval.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, json.loads(schema_documents()["eval-report.schema.json"]))
    doc = report["document"]
    assert report["inputs"]["label_rule"] == "MT = not is_human"
    assert (report["inputs"]["human"], report["inputs"]["mt"]) == (4, 4)
    assert doc["auc"]["value"] == 1.0 and doc["pairwise"]["likelihood"]["value"] == 1.0
    assert doc["pairwise"]["pairs"] == 4 and doc["confusion"]["counts"][0] == [3, 1, 0, 0, 0]
    assert doc["confusion"]["counts"][1] == [0, 0, 4, 0, 0]
    machine = doc["verdicts"][0]
    assert machine["verdicts"] == ["machine"] and machine["precision"]["value"] == 1.0
    correlation = doc["correlation"]
    assert correlation["n"] == 6 and correlation["expected_sign"] == -1
    assert correlation["kendall_tau_b"]["value"] < 0  # worse MQM, lower fluency
    assert correlation["kendall_tau_b_within_length"]["value"] is None  # 6 documents: no fifth holds two
    reliability = doc["reliability"]
    assert reliability["weighting"] == "class-balanced" and reliability["documents"] == 8
    assert sum(b["documents"] for b in reliability["bins"]) == 8
    assert sum(b["weight"] for b in reliability["bins"]) == pytest.approx(1.0)
    segment = report["segment"]
    expected_segments = write_labelled(tmp_path / "..")[2]
    assert segment["segments"] == segment["matched"] == expected_segments
    assert segment["documents_rechecked"] == 0 and segment["correlation"]["kendall_tau_b"]["value"] < 0
    assert segment["correlation"]["kendall_tau_b_within_length"]["value"] is not None
    fired = {row["rule"]: row for row in report["rules"]["rules"]}
    assert (fired["repetition.coordinated"]["mt_docs"], fired["repetition.coordinated"]["human_docs"]) == (4, 0)
    assert (fired["calque.term"]["mt_docs"], fired["calque.term"]["human_docs"]) == (4, 1)
    assert "ROC AUC of MT likelihood    1.000" in r.out and "not evidence (ratio within [0.8, 1.25])" in r.out
    for name in ("roc.svg", "fluency_vs_score.svg", "reliability.svg"):
        xml.dom.minidom.parse(str(out / name))  # well-formed as a file of its own
    markdown = (out / "eval.md").read_text(encoding="utf-8")
    assert "![ROC curve](roc.svg)" in markdown and "![reliability diagram](reliability.svg)" in markdown
    # The plots say n, mark the verdict thresholds on the ROC curve, give the AUC's interval, and
    # colour machine red and human blue as every page does, the few human points on top.
    roc = (out / "roc.svg").read_text(encoding="utf-8")
    assert "n = 8: 4 MT, 4 human" in roc and roc.count('class="threshold"') >= 1
    assert re.search(r"AUC 1\.000, \d\.\d\d–\d\.\d\d", roc) and "95% interval" in roc
    scatter = (out / "fluency_vs_score.svg").read_text(encoding="utf-8")
    mt_at, human_at = scatter.index(svg.VERDICT_COLOURS["machine"]), scatter.index(svg.VERDICT_COLOURS["human"])
    assert mt_at < human_at  # human drawn last, over the MT points
    assert re.search(r"MT \(n = \d+\)", scatter) and re.search(r"human \(n = \d+\)", scatter)


def test_a_document_whose_text_is_not_its_segments_is_checked_from_them(cli, tmp_path):
    docs, segments, n = write_labelled(tmp_path)
    rows = [json.loads(line) for line in Path(docs).read_text(encoding="utf-8").splitlines()]
    rows[0]["text"] = "Another text altogether. " + PLAIN
    with open(docs, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(row) + "\n" for row in rows)
    out = tmp_path / "out"
    r = cli("eval", docs, "--label", "is_human", "--segments", segments, "--score", "mqm", "--out", str(out),
            "--resamples", "0", "-q")
    segment = json.loads((out / "eval.json").read_text(encoding="utf-8"))["segment"]
    assert r.code == 0 and segment["documents_rechecked"] == 1 and segment["matched"] == n


def test_calibration_snippet_is_read_by_the_config_and_changes_verdicts(cli, tmp_path):
    config = pytest.importorskip("mtcheck.policy.config")
    from mtcheck.pipeline import Checker, Options

    checker = Checker(Options(model="rules"))
    r, out = run_eval(cli, tmp_path, "--calibrate", "--target-precision", "0.9", "--mt-share", "0.5")
    assert r.code == 0, r.err
    text = (out / "calibration.toml").read_text(encoding="utf-8")
    assert text.startswith("# written by mtcheck eval --calibrate --target-precision 0.9 on ")
    likelihood = {name: checker.check(t).provenance.mt_likelihood for name, t in
                  (("mild", MILD_MT_TEXT), ("false alarm", FALSE_ALARM_TEXT))}
    # machine: the mild MT documents are the lowest flagged with no human one (precision 1);
    # post_edited (precision 0.7): down to the false alarm, where precision is 0.5 / (0.5 + 0.5 * 1/4) = 0.8.
    settings = tomllib.loads(text)["tool"]["mtcheck"]
    assert settings["model"] == "rules"  # the thresholds cut that model's likelihoods
    thresholds = settings["verdict"]
    assert thresholds == {"post_edited": likelihood["false alarm"], "machine": likelihood["mild"]}
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n\n" + text, encoding="utf-8")
    loaded = config.load_config(project / "pyproject.toml")
    assert loaded.verdict_thresholds == (thresholds["post_edited"], thresholds["machine"])
    between = (PLAIN + "\nThe plan was supported and supported by the residents. The new crown pneumonia cases fell in "
               "an all-round way.\n")
    before, after = checker.check(between).provenance, Checker(loaded.merge()).check(between).provenance
    assert 0.7 <= before.mt_likelihood < thresholds["machine"]
    assert (before.verdict.value, after.verdict.value) == ("machine", "post-edited")


def test_uninformative_precision_exits_1_and_writes_no_thresholds(cli, tmp_path):
    r, out = run_eval(cli, tmp_path, "--target-precision", "0.4")  # at or below the data's MT share, 0.5
    assert r.code == 1 and "no thresholds written" in r.out
    assert "[tool.mtcheck.verdict]" not in (out / "calibration.toml").read_text(encoding="utf-8")


def test_bad_input_is_one_line_and_the_rest_is_still_reported(cli, tmp_path):
    docs, _, _ = write_labelled(tmp_path, stories=STORIES[:2])
    with open(docs, "a", encoding="utf-8") as fh:
        fh.write('{"text": "x", "is_human": "maybe"}\n{oops\n')
    out = tmp_path / "out"
    r = cli("eval", docs, "--label", "is_human", "--out", str(out), "--resamples", "0", "-q")
    assert r.code == 2
    lines = r.err.strip().splitlines()
    assert lines == [f"mtcheck: error: {docs}:5: label field 'is_human' must be true or false, not \"maybe\"",
                     f"mtcheck: error: {docs}:6: not valid JSON (Expecting property name enclosed in double quotes "
                     "at column 2)"]
    assert json.loads((out / "eval.json").read_text(encoding="utf-8"))["inputs"]["documents"] == 4
    r = cli("eval", docs, "--label", "is_mt", "--out", str(out))
    assert r.code == 2 and r.err.count("\n") == 1 and "no record has the field 'is_mt' (--label)" in r.err
    r = cli("eval", docs, "--label", "label", "--out", str(out))
    assert r.code == 2 and "--true-means" in r.err and "Traceback" not in r.err
    r = cli("eval", str(tmp_path / "none.jsonl"), "--label", "is_human", "--out", str(out))
    assert r.code == 2 and r.err == f"mtcheck: error: {tmp_path / 'none.jsonl'}: no such file\n"


def test_svg_charts_escape_labels():
    chart = svg.standalone(svg.scatter({"<b>&": [(1.0, 2.0), (float("nan"), 1.0)]}, "t<", "x&", "y>"))
    assert "&lt;b&gt;&amp;" in chart and "t&lt;" in chart and "<b>" not in chart
    assert chart.count("<circle") == 1
    dom = xml.dom.minidom.parseString(chart)
    assert dom.documentElement.getAttribute("xmlns") == svg.SVG_NAMESPACE
    roc = svg.roc_curve({"A & B": [(0.0, 0.0), (0.5, 1.0), (1.0, 1.0)]}, "ROC")
    assert "A &amp; B" in roc and "<polyline" in roc
