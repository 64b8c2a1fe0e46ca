"""The model card (Markdown): what a provenance model is, what it was trained on and how well
it did out of fold. `mtcheck train` writes it as MODEL_CARD.md; `mtcheck model info` prints it.

A model file alone (no training report beside it) still gets a card, of what the file says.
"""

from __future__ import annotations

from typing import Any

from mtcheck.models.train import TrainingReport


def _num(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_model_card(spec: dict[str, Any], sha256: str, size: int, location: str,
                      report: TrainingReport | None) -> str:
    """The card of the model `spec` (from the file at `location`), with its training report
    when there is one."""
    st = spec.get("settings", {})
    post_edited, machine = spec["thresholds"]
    out = ["# Model card: mtcheck provenance model", "",
           f"- File: {location} ({size / 1000:.0f} kB, format `{spec['format']}`), sha256 `{sha256}`; reports name "
           f"it by its first 12 characters (`@{sha256[:12]}` in the signature).",
           f"- Findings read from the checker `{spec.get('checker', 'unknown')}`."]
    if report is not None:
        out.append(f"- Trained {report.created} by mtcheck {report.version}; seed {st.get('seed')} (the same data and "
                   "settings give a byte-identical file).")
    out += ["- Task: P(machine translation) of English copy per document and per sentence (in its document), at even "
            "prior odds; a verdict (human / post-edited / machine / too short to judge) and the evidence behind it.",
            "", "## Data", ""]
    data = spec.get("training_data", {})
    if report is not None:
        out += [f"{report.documents:,} documents in {report.stories:,} stories (`{_cell(report.group_field)}`); "
                f"label `{_cell(report.label)}` ({report.label_rule}), text `{_cell(report.text_field)}`.", "",
                "| file | source | documents | human | MT |", "|---|---|---:|---:|---:|"]
        out += [f"| `{_cell(i.path)}` | {_cell(i.source)} | {i.documents:,} | {i.human:,} | {i.mt:,} |"
                for i in report.inputs]
        if report.errors:
            out.append(f"\n{len(report.errors):,} malformed records were left out (training.json lists them).")
    else:
        out += ["| source | human | MT |", "|---|---:|---:|"]
        out += [f"| {_cell(name)} | {n['human']:,} | {n['mt']:,} |" for name, n in sorted(data.items())]
    weights = ", ".join(f"{name} x{w:g}" for name, w in st.get("source_weights", [])) or "none"
    out += ["", "## Model", "",
            f"Linear: L2 logistic regression (C={st.get('C')}) over standardised style features (groups: "
            f"{', '.join(st.get('groups', []))}), the finding rates of {len(spec['rules'])} typography-blind rules, "
            f"the sentence model's scores ({', '.join(st.get('aggregates', [])) or 'none'}, out of fold) and "
            f"{len(spec['ngrams']):,} function-word and word-shape n-grams (in at least {st.get('min_df', 0):.0%} of "
            "the stories of every source with both classes). Quotes, apostrophes, dashes and spacing are folded "
            "before any feature is read. Human and MT weigh the same inside each source; a human-only source weighs "
            f"{st.get('human_only_weight')} x a source's human share; source weights: {weights}.", "",
            f"Calibration: Platt scaling on {st.get('folds')}-fold out-of-fold scores, folds grouped by story. "
            f"Verdicts: human below {post_edited:.2f} (the lowest threshold with at most "
            f"{st.get('max_nonhuman', 0):.0%} of human-only copy above it), machine from {machine:.2f}; under "
            f"{spec['min_words']} words: too short to judge.", "",
            "Rules read: " + ", ".join(f"`{r}`" for r in spec["rules"]) + "."]
    if spec.get("rule_weights"):
        out += ["", f"Their hand-set weights (the `rules` scorer's) are added to the learned score at "
                    f"{st.get('rule_weight_share')} x its out-of-fold spread (scale "
                    f"{spec['rule_weights']['scale']:g}), before calibration."]
    if report is not None:
        out += _figures(report)
    out += ["", "## Limits", "",
            "Cross-validated figures describe copy like the training data. Measure the model on your own copy, "
            "kept apart from training: `mtcheck eval LABELLED.jsonl --model DIR`."]
    return "\n".join(out) + "\n"


def _figures(report: TrainingReport) -> list[str]:
    cv = report.cross_validated
    out = ["", f"## Cross-validated figures ({cv.folds} folds grouped by story)", "",
           "| source | human | MT | document AUC | sentence AUC | human docs called human / post-edited / machine "
           "| MT docs called machine |", "|---|---:|---:|---:|---:|---|---:|"]
    for s in cv.sources:
        auc = _num(s.auc) if s.auc is not None else f"{_num(s.auc_against_all_mt)} (vs all MT)"
        h = s.human_verdicts
        human = f"{h.human:.1%} / {h.post_edited:.1%} / {h.machine:.1%}" if h is not None else ""
        mt = f"{s.mt_verdicts.machine:.1%}" if s.mt_verdicts is not None else ""
        out.append(f"| {_cell(s.source)} | {s.human:,} | {s.mt:,} | {auc} | {_num(s.sentence_auc)} | {human} | {mt} |")
    if cv.nonhuman_rate_cross_validated is not None:
        out += ["", f"Human-only copy called post-edited or machine, with the threshold's own rule cross-validated: "
                    f"{cv.nonhuman_rate_cross_validated:.1%}."]
    out += ["", "Document AUC by length (mean over sources with both classes): "
            + ", ".join(f"{b.min_words}+ words {_num(b.auc)}" for b in cv.auc_by_length) + ".",
            "", "### Reliability (out of fold, class-balanced)", "",
            "| probability | documents | mean probability | MT share |", "|---|---:|---:|---:|"]
    out += [f"| {b.low:.1f}–{b.high:.1f} | {b.documents:,} | {b.mean_probability:.3f} | {b.mt_share:.3f} |"
            for b in cv.reliability]
    return out
