"""`mtcheck train`: labelled JSONL files in, a provenance model, its training report and
model card out.

Every document goes through the checker's own analysis (`Checker.analyse`, then
`model_inputs`), exactly what the scorer reads when it checks, so a model never meets
inputs made another way. A file is a source (a wire, a language pair, a year) unless
`--source FIELD` names one per record: human and MT weigh the same inside each source,
and a human-only source (English written as English) sets the human threshold.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from mtcheck import __version__
from mtcheck.core.model.features import Spans
from mtcheck.core.model.scorer import model_inputs
from mtcheck.evaluate.fit import TrainingDoc, TrainingError, TrainSettings, fit, model_bytes
from mtcheck.evaluate.labelled import LabelledDoc, LabelSpec, load_documents
from mtcheck.models import InputError
from mtcheck.models.train import TrainedModel, TrainingInput, TrainingReport
from mtcheck.pipeline import Checker
from mtcheck.progress import progress
from mtcheck.read import DEFAULT_MAX_BYTES, InputProblem
from mtcheck.workers import CheckerPool, available_cores

MIN_TEXTS_FOR_POOL = 200
DEFAULT_GROUP_FIELD = "doc_id"


@dataclass(frozen=True)
class TrainOptions:
    label: LabelSpec
    text_field: str = "text"
    group_field: str | None = None  # None: DEFAULT_GROUP_FIELD where a record has it
    source_field: str | None = None  # None: each file is one source, named by its file name
    settings: TrainSettings = field(default_factory=TrainSettings)
    jobs: int = 0  # 0: one process per core
    quiet: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class Trained:
    """A trained model: the file's bytes, its spec and what the training found."""

    model: bytes
    spec: dict
    report: TrainingReport


def source_name(path: str | Path) -> str:
    """A file's source name: its name without .jsonl (or .json)."""
    name = Path(path).name
    for suffix in (".jsonl", ".json"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def train_model(paths: Sequence[str | Path], options: TrainOptions, checker: Checker,
                model_file: str = "model.json") -> Trained:
    """Read the labelled files, analyse every document, fit; raises InputProblem when no file
    holds a usable record and fit.TrainingError when the data cannot train a model."""
    docs: list[tuple[LabelledDoc, str, str]] = []  # (document, its source, its story)
    group_field = options.group_field or DEFAULT_GROUP_FIELD
    inputs, errors = [], []
    for path in paths:
        try:
            found, bad = load_documents(path, options.label, options.text_field, group_field=group_field,
                                        max_bytes=options.max_bytes, source_field=options.source_field,
                                        group_required=options.group_field is not None)
        except InputProblem as problem:
            errors.append(InputError(source=problem.source, message=problem.message))
            continue
        errors.extend(bad)
        default = source_name(path)
        # A record without a story is a story of its own.
        docs.extend((d, d.source or default, d.group if d.group is not None else f"\0{path}:{d.line}") for d in found)
        counts = Counter(d.is_mt for d in found)
        named = sorted({d.source or default for d in found})
        inputs.append(TrainingInput(path=str(path), source=", ".join(named), documents=len(found),
                                    human=counts[False], mt=counts[True]))
    if not docs:
        first = errors[0] if errors else None
        raise InputProblem(str(paths[0]) if len(paths) == 1 else "the inputs",
                           "no usable record" + (f" (the first problem, {first.source}: {first.message})"
                                                 if first else ""))
    sources = {source for _, source, _ in docs}
    unknown = sorted({name for name, _ in options.settings.source_weights} - sources)
    if unknown:
        raise TrainingError(f"a source weight names no source of the data: {', '.join(unknown)} (the sources: "
                            f"{', '.join(sorted(sources))})")
    analysed = _analyse(checker, [d.text for d, _, _ in docs], options)
    training = [TrainingDoc(text=d.text, is_mt=d.is_mt, group=story, source=source, words=words, starts=starts,
                            ends=ends, sentences=sentences, findings=findings)
                for (d, source, story), (words, starts, ends, sentences, findings) in zip(docs, analysed)]
    settings = options.settings
    spec, figures = fit(training, settings)
    by_source = Counter((t.source, t.is_mt) for t in training)
    spec["training_data"] = {src: {"human": by_source[(src, False)], "mt": by_source[(src, True)]}
                             for src in sorted({t.source for t in training})}
    spec["checker"] = checker.signature.format()
    data = model_bytes(spec)
    report = TrainingReport(
        version=__version__, created=time.strftime("%Y-%m-%d"), signature=checker.signature.format(),
        label=options.label.field, label_rule=options.label.rule, text_field=options.text_field,
        group_field=group_field, inputs=inputs, documents=len(training),
        stories=len({t.group for t in training}), settings=spec["settings"],
        model=TrainedModel(file=model_file, sha256=hashlib.sha256(data).hexdigest(), bytes=len(data),
                           rules=list(spec["rules"]), ngrams=len(spec["ngrams"]), min_words=spec["min_words"],
                           thresholds=(spec["thresholds"][0], spec["thresholds"][1])),
        cross_validated=figures, errors=errors)
    return Trained(model=data, spec=spec, report=report)


Analysed = tuple[list[str], Sequence[int], Sequence[int], Spans, list[tuple[str, int, int, int, str]]]


def analyse_for_model(checker: Checker, text: str) -> Analysed:
    """What the scorer would read of `text` (its words, sentences and findings; not the text,
    which the caller has)."""
    _, words, starts, ends, sentences, findings = model_inputs(checker.analyse(text))
    return list(words), starts, ends, sentences, findings


def _analyse(checker: Checker, texts: list[str], options: TrainOptions) -> list[Analysed]:
    jobs = options.jobs or available_cores()
    if jobs == 1 or len(texts) < MIN_TEXTS_FOR_POOL:
        return [analyse_for_model(checker, t)
                for t in progress(texts, total=len(texts), desc="analysing", quiet=options.quiet)]
    # Findings do not depend on the scorer: the workers need not load any model.
    with CheckerPool(replace(checker.options, model="rules"), jobs) as pool:
        results = pool.map(analyse_for_model, texts, window=jobs * 32)
        return list(progress(results, total=len(texts), desc="analysing", quiet=options.quiet))
