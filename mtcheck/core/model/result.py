"""The provenance model's reading of one document (`Result`) and its explanation in editor
words, without numpy: shared by the numpy scorer (`model.ProvenanceModel`) and the plain
one (`plain.PlainModel`), which give the same figures to the last bit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from mtcheck.core.model.vocabulary import CLASSES, DENSE_GROUP, DENSE_NAMES, GROUPS, code_to_ngram

FORMAT = "mtcheck-provenance-model/2"
TOO_SHORT = "too short to tell"
VERDICTS = ("human", "post-edited", "machine")

# One phrase per rule family for the evidence line; the finding's own text is quoted after it.
RULE_WORDS = {
    "calque": "calque", "repetition": "repetition", "fragment": "broken sentence", "marker": "wire-copy marker",
    "script": "untranslated text", "number": "malformed number",
}

Finding = tuple  # (rule id, sentence index[, start, end[, severity]])


class ModelFileError(ValueError):
    """The model file is missing, unreadable or of another format."""


@dataclass
class Result:
    """The model's reading of one document."""
    probability: float | None  # calibrated P(machine translation); None when too short to tell
    log_odds: float | None
    verdict: str  # human | post-edited | machine | too short to tell
    words: int
    groups: dict[str, float]  # log-odds contribution per feature group (vs. an average training text)
    sentence_probability: list[float] = field(default_factory=list)  # P(MT) of each sentence in its document
    rules: dict[str, float] = field(default_factory=dict)  # log-odds contribution of each rule's findings
    _explainer: Callable[[], list[Explained]] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def explanation(self) -> list[Explained]:
        """The groups that move the score most, strongest first, in editor words (built on
        first access: a batch run that never shows them does not pay for them)."""
        return self._explainer() if self._explainer is not None else []


@dataclass(frozen=True)
class Explained:
    """One feature group's part in the score, in words: "Clause structure: few relative
    clauses for its length" pointing to machine translation by +0.4 log-odds."""

    group: str
    title: str
    detail: str
    log_odds: float

    @property
    def line(self) -> str:
        side = "points to machine translation" if self.log_odds > 0 else "points to human writing"
        return f"{self.title}: {self.detail} - {side} ({self.log_odds:+.2f} log-odds)"


@dataclass(frozen=True)
class RuleWeights:
    """The checker's hand-set rule weights (`Rule.weight`, what `model = "rules"` scores with)
    as a fixed part of the document log-odds: ``scale`` · weight · (1 − exp(−mass / units))
    per rule, where a rule's mass is its findings weighted by severity and units are the
    document's words per ``words_per_unit`` (at least 1), as `core.scores.mt_likelihood`
    counts them. Fitted weights learn one corpus's rates; the hand-set ones carried across
    corpora better, so training adds them at a share of the learned score's spread
    (docs/model.md). Plain floats, the same in both scorers to the last bit."""

    weights: tuple[float, ...]  # aligned with the model's rules
    severity: dict[str, float]  # a finding's factor by its severity
    words_per_unit: float
    scale: float

    @classmethod
    def from_spec(cls, spec: dict) -> RuleWeights | None:
        """The model file's rule weights, None if it has none."""
        d = spec.get("rule_weights")
        if not d:
            return None
        weights = d["weights"]
        return cls(tuple(float(weights.get(r, 0.0)) for r in spec["rules"]),
                   {str(k): float(v) for k, v in d["severity"].items()}, float(d["words_per_unit"]), float(d["scale"]))

    def terms(self, mass: Sequence[float], words: int) -> list[float]:
        """Each rule's log-odds (before calibration) for its findings' mass in a document of `words` words."""
        units = max(1.0, words / self.words_per_unit)
        return [self.scale * w * (1.0 - math.exp(-m / units)) for w, m in zip(self.weights, mass)]


def document_result(log_odds: float, words: int, min_words: int, thresholds: tuple[float, float],
                    groups: dict[str, float], sentence_probability: list[float], rules: dict[str, float],
                    explainer: Callable[[], list[Explained]] | None) -> Result:
    """The Result of a document's calibrated log-odds: its probability and verdict, or too
    short to tell below `min_words`."""
    if words < min_words:
        return Result(None, None, TOO_SHORT, words, groups, sentence_probability, rules, explainer)
    p = 1.0 / (1.0 + math.exp(-max(min(log_odds, 40.0), -40.0)))
    post_edited, machine = thresholds
    verdict = "machine" if p >= machine else "post-edited" if p >= post_edited else "human"
    return Result(round(p, 4), round(log_odds, 4), verdict, words, groups, sentence_probability, rules, explainer)


def check_spec(spec: dict) -> None:
    """ModelFileError unless `spec` (a model file's JSON) is a model of this feature set."""
    if spec.get("format") != FORMAT:
        raise ModelFileError(f"not a {FORMAT} file (format {spec.get('format')!r})")
    if spec.get("classes") != list(CLASSES) or spec.get("dense") != list(DENSE_NAMES):
        raise ModelFileError("the model file was trained with another feature set; retrain it")


class Explainer:
    """What a model file says about explaining a score: each document feature's name, group,
    mean and spread, and the editor words for the features."""

    def __init__(self, spec: dict):
        self.rules = tuple(spec["rules"])
        self.aggregates = tuple(spec["document"].get("aggregates", ()))
        self.mu = [float(v) for v in spec["document"]["mu"]]
        self.sd = [float(v) for v in spec["document"]["sd"]]
        self.names = list(DENSE_NAMES) + list(self.rules) + [f"sentences_{a}" for a in self.aggregates]
        nd, nr = len(DENSE_NAMES), len(self.rules)
        self.rule_slice = slice(nd, nd + nr)
        self.group_of = list(DENSE_GROUP) + ["rules"] * nr + ["sentence_model"] * len(self.aggregates)
        self.groups = tuple(dict.fromkeys(["function_ngrams", *self.group_of]))
        self._members = {g: [i for i, gg in enumerate(self.group_of) if gg == g] for g in self.groups}
        self.feature_words = dict(spec.get("feature_words", {}))

    def parts(self, pa: float, contrib: list[float], by_group: list[float],
              rule_terms: list[float]) -> tuple[list[float], dict[str, float], dict[str, float]]:
        """Calibrated (× ``pa``) log-odds of each feature, each group and each rule, the rule
        weights' terms (`RuleWeights`, if any) joined to their rules: what the evidence shows
        is what the score summed. ``contrib``/``by_group``: the features' contributions and
        their sums per group, before calibration."""
        rs = self.rule_slice
        if rule_terms:
            contrib = contrib.copy()
            contrib[rs] = [c + t for c, t in zip(contrib[rs], rule_terms)]
            by_group = by_group.copy()
            by_group[self.groups.index("rules")] += sum(rule_terms)
        scaled = [pa * c for c in contrib]
        return scaled, dict(zip(self.groups, (pa * v for v in by_group))), dict(zip(self.rules, scaled[rs]))

    def explain(self, x: Sequence[float], contrib: Sequence[float], groups: dict[str, float],
                per_ngram: tuple[Sequence[int], Sequence[float]] | None, text: str,
                findings: Sequence[Finding]) -> list[Explained]:
        """The (up to four) groups that move the score most. Each names what was seen in plain
        words; the direction comes from the fitted weights, never from a canned assumption.
        ``x``: the document's features; ``contrib``: each one's calibrated log-odds;
        ``per_ngram``: the codes of the known n-grams seen, ascending, and each one's share
        of the n-gram part (None without any)."""
        lines: list[Explained] = []
        for g, v in sorted(groups.items(), key=lambda kv: -abs(kv[1]))[:4]:
            if abs(v) < 0.1:
                continue
            title, up, down = GROUPS.get(g, (g, "", ""))
            to_mt = v > 0
            if g == "function_ngrams":
                detail = up if to_mt else down
                if per_ngram is not None:
                    codes, c = per_ngram
                    top = _furthest(c, to_mt)
                    if top:
                        detail += ": " + ", ".join(f"'{_readable(code_to_ngram(codes[i]))}'" for i in top)
            elif g == "rules":
                detail = self._quote_findings(text, findings, contrib) if to_mt else "fewer checker findings than usual"
            elif g == "sentence_model":
                detail = up if to_mt else down
            else:
                idx = [i for i in self._members.get(g, ()) if (contrib[i] > 0) == to_mt]
                idx = sorted(idx, key=lambda i: -abs(contrib[i]))[:2]
                detail = "; ".join(self._feature_phrase(self.names[i], (x[i] - self.mu[i]) / self.sd[i])
                                   for i in idx if abs(contrib[i]) >= 0.03)
            lines.append(Explained(g, title, detail, round(float(v), 3)))
        return lines

    def _feature_phrase(self, name: str, z: float) -> str:
        if name.startswith("sentences_"):
            return "sentences that read like MT" if z > 0 else "sentences that read like a writer's"
        if name in self.rules:
            return f"{'more' if z > 0 else 'fewer'} '{name}' findings than usual"
        phrase = self.feature_words.get(name, name.replace("_", " "))
        measure = phrase.startswith(("mean ", "spread ", "share ", "distinct ", "words used once", "pronouns relative",
                                     "'s-genitives relative"))
        more, fewer = ("higher", "lower") if measure else ("more", "fewer")
        return f"{more if z > 0 else fewer} {phrase} than usual"

    def _quote_findings(self, text: str, findings: Sequence[Finding], contrib: Sequence[float]) -> str:
        positive = {r for r, c in zip(self.rules, contrib[self.rule_slice]) if c > 0}
        quoted: list[str] = []
        seen: set[str] = set()
        for fd in findings:
            if fd[0] in positive and len(fd) >= 4 and text:
                snippet = text[int(fd[2]):int(fd[3])].strip()
                key = snippet.lower()
                if snippet and len(snippet) <= 60 and not any(key in k or k in key for k in seen):
                    seen.add(key)
                    quoted.append(f"{RULE_WORDS.get(fd[0].split('.')[0], fd[0])} '{snippet}'")
            if len(quoted) == 3:
                break
        if quoted:
            return ", ".join(quoted)
        return "findings of " + ", ".join(sorted(positive))[:120]


def _furthest(shares: Sequence[float], to_mt: bool) -> list[int]:
    """The (up to) three n-grams whose shares push furthest towards MT (or human writing), of
    those that push that way; of equal shares, the first in vocabulary order (a stable sort)."""
    if to_mt:
        chosen = [(-share, i) for i, share in enumerate(shares) if share > 0]
    else:
        chosen = [(share, i) for i, share in enumerate(shares) if not share > 0]
    return [i for _, i in sorted(chosen)[:3]]


def _readable(ngram: str) -> str:
    shape_words = {"NOM": "<-tion noun>", "ING": "<-ing>", "ED": "<-ed>", "PART": "<participle>", "LY": "<-ly>",
                   "ADJ": "<adjective>", "VB": "<verb>", "ER": "<-er noun>", "PL": "<plural>", "W": "<word>",
                   "NUM": "<number>", "CAPS1": "<letter>", "X": "<foreign script>", "<s>": "[start]",
                   "</s>": "[end]", "HYPHEN": "-", "DASH": "--"}
    return " ".join(shape_words.get(p, p) for p in ngram.split(" "))
