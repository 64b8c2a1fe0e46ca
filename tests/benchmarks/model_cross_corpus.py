"""Cross-corpus figures of the provenance model: train on one set, measure on another, never on
what it was trained on. Run from the repository root (about five minutes on two cores):

    python tests/benchmarks/model_cross_corpus.py [--out reports/cross-corpus] [--resamples 1000]

Every model is trained by `mtcheck train` and measured by `mtcheck eval` (grouped bootstrap
intervals), beside the rule weights alone (`--model rules`) on the same documents:

- TRAIN (WMT22 zh->en + ja->en + English-original WMT21) -> EVAL (WMT21 zh->en news), also by source
  (Xinhua, China News Service, the others) and for documents of 200 words or more;
- WMT22 ja->en + English-original -> WMT22 zh->en, and zh->en + English-original -> ja->en (all, and
  its news documents): how far a model carries to another language and to unseen sources.

The shipped model is trained on TRAIN + EVAL (EVAL at a fifth of a source's weight; docs/model.md
says why), so none of these figures is measured on data the measured model saw. The data is read
from ../shared in place; subsets are written to the --out folder, never into the repository.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
ZH22 = SHARED / "train" / "wmt22_zhen_chunks.jsonl"
JA22 = SHARED / "train" / "wmt22_jaen_docs.jsonl"
EN21 = SHARED / "train" / "wmt21_en_original_docs.jsonl"
EV21 = SHARED / "eval" / "wmt21_zhen_docs.jsonl"


def subset(source: Path, out: Path, keep: Callable[[dict], bool]) -> Path:
    """The records of `source` that `keep` accepts, as a JSONL file in `out`."""
    with open(source, encoding="utf-8") as fh:
        records = [line for line in fh if line.strip() and keep(json.loads(line))]
    out.write_text("".join(records), encoding="utf-8")
    return out


def run(*args: str) -> None:
    from mtcheck.cli import main

    code = main(list(args))
    if code not in (0, 1):
        raise SystemExit(f"mtcheck {' '.join(args)}: exit {code}")


def train(out: Path, *files: Path) -> Path:
    folder = out / "models" / "+".join(f.stem for f in files)
    if not (folder / "model.json").is_file():
        run("train", *map(str, files), "--label", "is_human", "--out", str(folder), "-q")
    return folder


def measure(out: Path, name: str, data: Path, model: str, resamples: int) -> dict:
    folder = out / "eval" / f"{name}.{Path(model).name}"
    run("eval", str(data), "--label", "is_human", "--group", "doc_id", "--model", model, "--out", str(folder),
        "--resamples", str(resamples), "-q")
    report = json.loads((folder / "eval.json").read_text(encoding="utf-8"))
    d = report["document"]
    human_called = d["confusion"]["counts"][0]
    return {"auc": d["auc"], "human": report["inputs"]["human"], "mt": report["inputs"]["mt"],
            "human_not_human": (human_called[1] + human_called[2]) / max(sum(human_called[:3]), 1),
            "ece": d["reliability"]["expected_calibration_error"]}


def interval(auc: dict) -> str:
    if auc["value"] is None:
        return "n/a"
    low = f" [{auc['low']:.3f}, {auc['high']:.3f}]" if auc.get("low") is not None else ""
    return f"{auc['value']:.3f}{low}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(REPO / "reports" / "cross-corpus"), help="working folder")
    parser.add_argument("--resamples", default="1000", help="bootstrap resamples (default 1000)")
    args = parser.parse_args(argv)
    if not all(p.is_file() for p in (ZH22, JA22, EN21, EV21)):
        print(f"{SHARED} is incomplete: nothing to measure.")
        return 0
    out = Path(args.out)
    (out / "data").mkdir(parents=True, exist_ok=True)

    def story_source(record: dict) -> str:
        return record["doc_id"].split(".")[0].rsplit("-", 2)[0]

    tests = {
        "EVAL": EV21,
        "EVAL xinhua": subset(EV21, out / "data" / "ev21_xinhua.jsonl", lambda r: story_source(r) == "xinhua"),
        "EVAL chinanews": subset(EV21, out / "data" / "ev21_chinanews.jsonl",
                                 lambda r: story_source(r) == "chinanews"),
        "EVAL other sources": subset(EV21, out / "data" / "ev21_other.jsonl",
                                     lambda r: story_source(r) not in ("xinhua", "chinanews")),
        "EVAL >= 200 words": subset(EV21, out / "data" / "ev21_long.jsonl", lambda r: len(r["text"].split()) >= 200),
        "WMT22 zh->en": ZH22,
        "WMT22 ja->en": JA22,
        "WMT22 ja->en news": subset(JA22, out / "data" / "ja22_news.jsonl", lambda r: r.get("domain") == "news"),
    }
    trained_on = {
        "EVAL": train(out, ZH22, JA22, EN21),
        "WMT22 zh->en": train(out, JA22, EN21),
        "WMT22 ja->en": train(out, ZH22, EN21),
    }
    rows = []
    for name, data in tests.items():
        model = next(m for prefix, m in trained_on.items() if name.startswith(prefix))
        learned = measure(out, name.replace(" ", "_").replace(">", "").replace("=", ""), data, str(model),
                          args.resamples)
        rules = measure(out, name.replace(" ", "_").replace(">", "").replace("=", ""), data, "rules", args.resamples)
        rows.append((name, model.name, learned, rules))
    lines = ["| test set | human / MT | trained on | learned model AUC [95%] | human called post-edited or "
             "machine | rule weights AUC [95%] |", "|---|---|---|---|---|---|"]
    for name, model, learned, rules in rows:
        lines.append(f"| {name} | {learned['human']:,} / {learned['mt']:,} | {model} | {interval(learned['auc'])} | "
                     f"{learned['human_not_human']:.1%} | {interval(rules['auc'])} |")
    report = json.loads((trained_on["EVAL"] / "model.training.json").read_text(encoding="utf-8"))
    english = next(s for s in report["cross_validated"]["sources"] if s["source"] == EN21.stem)
    lines += ["", f"English written as English ({english['human']} documents) called post-edited or machine, out of "
              f"fold, by the TRAIN model: {english['nonhuman_rate']:.1%} (the threshold's own rule cross-validated: "
              f"{report['cross_validated']['nonhuman_rate_cross_validated']:.1%})."]
    table = "\n".join(lines) + "\n"
    (out / "cross_corpus.md").write_text(table, encoding="utf-8")
    sys.stdout.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
