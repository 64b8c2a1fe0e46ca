"""eval.md: the evaluation report for people, with how every figure was computed."""

from __future__ import annotations

from mtcheck.models.evaluate import Correlation, EvalReport
from mtcheck.render.eval_text import agreement, estimate, num, pct, ratio, verdict_reading


def _cell(text: object) -> str:
    """Table-cell text: pipes and line breaks would break the table."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_eval_markdown(report: EvalReport, roc_file: str | None = "roc.svg",
                         scatter_file: str | None = None, reliability_file: str | None = None) -> str:
    i, d, b = report.inputs, report.document, report.bootstrap
    out = [f"# mtcheck eval: {_cell(i.path)}", "",
           f"{i.documents:,} documents: {i.human:,} human, {i.mt:,} MT. Label `{_cell(i.label)}`: {i.label_rule}. "
           "MT is the positive class throughout.", "",
           f"Checker signature: `{report.signature}`; verdict thresholds post-edited {report.verdict_thresholds[0]:g}, "
           f"machine {report.verdict_thresholds[1]:g}.", "",
           f"Intervals are 95% bootstrap percentile intervals ({b.resamples:,} resamples, seed {b.seed}). "
           f"Documents: {b.documents}. Segments: {b.segments}.", "",
           "## Document level", "",
           "| figure | value [95% interval] |", "|---|---|",
           f"| ROC AUC of MT likelihood | {estimate(d.auc)} |",
           f"| ROC AUC of −fluency | {estimate(d.auc_fluency)} |"]
    if d.auc_score is not None:
        out.append(f"| ROC AUC of the human score `{_cell(i.score)}` itself (scored documents only, for scale) "
                   f"| {estimate(d.auc_score)} |")
    if d.pairwise is not None:
        p = d.pairwise
        out += [f"| pairwise accuracy by likelihood ({p.pairs:,} human/MT pairs in {p.groups:,} `{_cell(i.group)}` "
                "groups) "
                f"| {estimate(p.likelihood)} |",
                f"| pairwise accuracy by fluency | {estimate(p.fluency)} |"]
    out += ["", "ROC AUC: the chance that an MT document gets a higher MT likelihood than a human one (ties count "
            "half; Mann-Whitney with average ranks). Pairwise accuracy: within each group (versions of one source "
            "story), the share of (human, MT) pairs where the MT version gets the higher likelihood (or lower "
            "fluency), ties half.", ""]
    if roc_file:
        out += [f"![ROC curve]({roc_file})", ""]
    c = d.confusion
    out += ["### Verdicts", "", "| actual \\ verdict | " + " | ".join(c.columns) + " |",
            "|---|" + "---:|" * len(c.columns)]
    out += [f"| {'human' if row == 'human' else 'MT'} | " + " | ".join(f"{n:,}" for n in counts) + " |"
            for row, counts in zip(c.rows, c.counts)]
    out += ["", "| verdict read as | predicted | support | precision | recall | F1 |", "|---|---:|---:|---|---|---|"]
    out += [f"| {_cell(verdict_reading(v))} | {v.predicted:,} | {v.support:,} | {estimate(v.precision)} | "
            f"{estimate(v.recall)} | {estimate(v.f1)} |" for v in d.verdicts]
    out += ["", "Precision depends on the share of MT in the data; the calibration below can assume another share.", ""]
    out += _reliability(report, reliability_file)
    if d.correlation is not None:
        out += ["### Fluency and the human score", "", *_correlation(d.correlation), ""]
        if scatter_file:
            out += [f"![fluency vs {_cell(d.correlation.field)}]({scatter_file})", ""]
    s = report.segment
    if s is not None:
        out += ["## Segment level", "",
                f"`{_cell(s.path)}`: {s.segments:,} segments; {s.matched:,} placed in their documents, "
                f"{s.without_document:,} without a document, {s.not_found:,} not covered by a sentence, "
                f"{s.documents_rechecked:,} documents rechecked from their segments.", "",
                f"Method: {s.method}.", ""]
        if s.correlation is not None:
            out += [*_correlation(s.correlation), ""]
    out += _rules(report)
    if report.calibration is not None:
        out += _calibration(report)
    if report.errors:
        out += ["## Left out", "", f"{len(report.errors):,} malformed records or unreadable inputs:", ""]
        out += [f"- `{_cell(e.source)}`: {_cell(e.message)}" for e in report.errors[:50]]
        if len(report.errors) > 50:
            out.append(f"- … and {len(report.errors) - 50:,} more (all in eval.json)")
        out.append("")
    return "\n".join(out)


def _correlation(c: Correlation) -> list[str]:
    return ["| fluency vs | n | Kendall tau-b | Spearman rho | Kendall tau-b within length quintiles |",
            "|---|---:|---|---|---|",
            f"| `{_cell(c.field)}` | {c.n:,} | {estimate(c.kendall_tau_b)} | {estimate(c.spearman_rho)} | "
            f"{estimate(c.kendall_tau_b_within_length)} |", "",
            f"Raw correlations, sign kept: {agreement(c)}. Items without a score are left out. Within length "
            "quintiles: the mean tau-b inside each fifth of the items by length in words, so that 'longer text has "
            "more errors' alone earns nothing."]


def _reliability(report: EvalReport, reliability_file: str | None) -> list[str]:
    r = report.document.reliability
    ece = f"{r.expected_calibration_error:.3f}" if r.expected_calibration_error is not None else "n/a"
    out = ["### Is the likelihood a probability?", "",
           f"Reliability of the MT likelihood on the {r.documents:,} documents judged (too short to judge or not "
           "in English: left out), "
           f"{r.weighting}: human and MT weigh the same in total, the even odds the learned model's probability is "
           f"calibrated to. Expected calibration error {ece} (the bins' distance from the diagonal, weighted).", "",
           "| likelihood | documents | mean likelihood | MT share |", "|---|---:|---:|---:|"]
    out += [f"| {b.low:.1f}–{b.high:.1f} | {b.documents:,} | {b.mean_probability:.3f} | {b.mt_share:.3f} |"
            for b in r.bins]
    out.append("")
    if reliability_file:
        out += [f"![reliability diagram]({reliability_file})", ""]
    return out


def _rules(report: EvalReport) -> list[str]:
    table = report.rules
    lo, hi = table.band
    out = ["## Per rule", "",
           "Documents each rule fires in, by class; likelihood ratio = MT rate / human rate, each rate with add-half "
           "smoothing ((k + 0.5) / (n + 1)), 95% interval by Katz's log method. Weight: the rule's declared "
           "log-odds weight (`mtcheck rule ID`), what `--model rules` scores with; the learned model fits its own to "
           "the rates of the rules it reads and adds these, scaled.",
           "",
           "| rule | weight | human docs | MT docs | human hits | MT hits | ratio [95%] | evidence |",
           "|---|---:|---:|---:|---:|---:|---|---|"]
    out += [f"| `{r.rule}` | {r.weight:.1f} | {r.human_docs:,} ({pct(r.human_rate)}) | {r.mt_docs:,} "
            f"({pct(r.mt_rate)}) | "
            f"{r.human_hits:,} | {r.mt_hits:,} | {ratio(r)} | {r.evidence} |" for r in table.rules]
    names = ", ".join(f"`{r}`" for r in table.not_evidence) or "none"
    out += ["", f"**Not evidence** (ratio within [{lo:g}, {hi:g}]): {names}.", "",
            "'for MT' / 'against MT': the interval excludes 1. 'uncertain': the interval holds 1 and the ratio is "
            "outside the band, or the rule never fired in one class (then the smoothing, not the data, sets the "
            "ratio): too few documents to tell.", ""]
    return out


def _calibration(report: EvalReport) -> list[str]:
    cal = report.calibration
    assert cal is not None
    out = ["## Calibration", "",
           f"Target precision for MT: {cal.target_precision:g}. Precision is computed for copy of which "
           f"{cal.mt_share:.3g} is MT (the data: {cal.data_mt_share:.3g}) from the true- and false-positive rates "
           "at each threshold, so it holds for that share, not only for this data set.", "",
           "- **machine**: the lowest MT-likelihood threshold at which the precision for MT reaches the target: the "
           "most MT caught at that precision.",
           "- **post_edited**: the lowest threshold at which the precision reaches a softer target, by default "
           "half-way from the MT share (the precision of flagging everything) to the target: a flag that still "
           "does half as well over guessing as the machine verdict. It is never above machine.", "",
           "| verdict | rule | threshold | precision | recall | human docs flagged |", "|---|---|---:|---:|---:|---:|"]
    for choice in (cal.post_edited, cal.machine):
        if choice.reached:
            out.append(f"| {choice.verdict} | {_cell(choice.rule)} | {choice.threshold!r} | {num(choice.precision)} | "
                       f"{num(choice.recall)} | {pct(choice.false_alarm_rate)} |")
        else:
            out.append(f"| {choice.verdict} | {_cell(choice.rule)} | not reached (best precision "
                       f"{num(choice.best_precision)}) | | | |")
    out.append("")
    out += [f"- {_cell(note)}" for note in cal.notes]
    if cal.reached:
        out += ["", "Written to `calibration.toml`; put its table in `pyproject.toml` (or `[verdict]` in "
                    "`mtcheck.toml`) "
                "and `check` and `report` use the thresholds.", ""]
    else:
        out += ["", "**No thresholds are written** (see the notes above); `mtcheck eval` exits 1.", ""]
    out += ["```toml", cal.snippet.rstrip("\n"), "```", ""]
    return out
