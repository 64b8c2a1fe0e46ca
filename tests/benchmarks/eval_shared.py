"""Measure mtcheck on the shared WMT21 zh->en evaluation data (`../shared/eval/`, see its README.md).

A thin wrapper over `mtcheck eval` with the options this data needs; run from the repository root:

    python tests/benchmarks/eval_shared.py                                  # figures, eval.md and plots
    python tests/benchmarks/eval_shared.py --calibrate --mt-share 0.5       # ... and calibrated thresholds

Further arguments go to `mtcheck eval` (see `mtcheck eval --help`); the report is written to
reports/eval-wmt21_zhen_docs/ unless --out says otherwise. When `../shared/eval/` is absent it
says so and exits 0. The data is read in place, never copied.

The shipped provenance model was trained with this data (at a fifth of a source's weight), so
its figures here would not be held out: the wrapper scores with the rule weights (`--model
rules`) unless `--model` is given. The learned model's held-out figures come from
`python tests/benchmarks/model_cross_corpus.py`, which trains without this data.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EVAL_DIR = REPO.parent / "shared" / "eval"
DOCS_FILE = EVAL_DIR / "wmt21_zhen_docs.jsonl"
SEGMENTS_FILE = EVAL_DIR / "wmt21_zhen_segments.jsonl"


def main(argv: list[str] | None = None) -> int:
    if not DOCS_FILE.is_file():
        print(f"{DOCS_FILE} is absent: nothing to evaluate.")
        return 0
    from mtcheck.cli import main as mtcheck

    args = ["eval", str(DOCS_FILE), "--label", "is_human", "--group", "doc_id", "--score", "mqm_fluency"]
    if SEGMENTS_FILE.is_file():
        args += ["--segments", str(SEGMENTS_FILE)]
    extra = list(sys.argv[1:] if argv is None else argv)
    if not any(a == "--model" or a.startswith("--model=") for a in extra):
        args += ["--model", "rules"]
    return mtcheck(args + extra)


if __name__ == "__main__":
    sys.exit(main())
