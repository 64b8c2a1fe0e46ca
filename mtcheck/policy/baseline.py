"""Baselines: record the findings a newsroom has accepted, then fail only on new ones.

A finding's fingerprint hashes its rule, the flagged text and the words either side of it
in its sentence (not its line or offset), plus an occurrence index for repeats, so an edit
elsewhere in the file leaves it unchanged. Paths are stored relative to the baseline
file's folder, so the file works from any checkout.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, ValidationError

from mtcheck import __version__
from mtcheck.files import real_path
from mtcheck.models import DocumentReport, ReportModel
from mtcheck.read import STDIN_NAME

if TYPE_CHECKING:
    from mtcheck.core.tokens import Tokens

FINGERPRINT_KEY = "mtcheck/v1"  # SARIF partialFingerprints key; bump when the recipe changes
WINDOW_WORDS = 4  # words of the sentence kept either side of the span
# A baseline holds a line of JSON per accepted finding: this is some hundreds of thousands of
# findings. Larger is not a baseline (or is /dev/zero), and would take gigabytes to load.
MAX_BASELINE_BYTES = 64 << 20
_WORD = re.compile(r"\w+")


class BaselineError(ValueError):
    """A baseline file that cannot be used; the message is one line naming it."""


class BaselineFinding(ReportModel):
    rule: str
    fingerprint: str
    line: int = Field(description="Where it was when recorded; for people, not used to match.")
    text: str


class BaselineDocument(ReportModel):
    path: str = Field(description="Relative to the baseline file's folder, with forward slashes; '-' for stdin.")
    doc_id: str | None = None
    mt_likelihood: float | None = Field(
        ge=0, le=1, description="Accepted: the document fails max_mt_likelihood only above this (null: too short "
                                "to judge when recorded).")
    fluency: float = Field(ge=0, le=100, description="Accepted: the document fails min_fluency only below this.")
    findings: list[BaselineFinding]


class Baseline(ReportModel):
    """What `mtcheck check --write-baseline FILE` writes."""

    version: Literal[1] = 1
    tool: str = Field(default=f"mtcheck {__version__}")
    signature: str = Field(description="Checker signature when recorded (for information).")
    documents: list[BaselineDocument]


def fingerprints(text: str, spans: Sequence[tuple[str, int, int, tuple[int, int] | None]],
                 tokens: Tokens | None = None) -> list[str]:
    """The fingerprint of each (rule, start, end, sentence span) of a file's `text`, in order.
    The words around a span are taken from its sentence when the span starts inside it,
    else from 200 characters either side; repeats of one digest are numbered in text order.
    `tokens`, the words of `text` when the pipeline has them, saves splitting it again."""
    words = tokens.clipped if tokens is not None else _words_of(text)
    digests = [_digest(text, words, *span) for span in spans]
    order = sorted(range(len(spans)), key=lambda i: (spans[i][1], spans[i][2], spans[i][0]))
    seen: dict[str, int] = {}
    out = [""] * len(spans)
    for i in order:
        index = seen.get(digests[i], 0)
        seen[digests[i]] = index + 1
        out[i] = f"{digests[i]}:{index}"
    return out


_BEFORE, _AFTER = slice(-WINDOW_WORDS, None), slice(WINDOW_WORDS)


def _digest(text: str, words: Callable[[int, int, slice], list[str]], rule: str, start: int, end: int,
            sentence: tuple[int, int] | None) -> str:
    if sentence is not None and sentence[0] <= start:
        lo, hi = sentence[0], max(sentence[1], end)
    else:
        lo, hi = max(0, start - 200), min(len(text), end + 200)
    # Words only: reflowed lines, changed punctuation or markup around the sentence do not count.
    before = " ".join(w.casefold() for w in words(lo, start, _BEFORE))
    after = " ".join(w.casefold() for w in words(end, hi, _AFTER))
    flagged = " ".join(text[start:end].split()).casefold()
    key = "\x1f".join((rule, flagged, before, after))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def _words_of(text: str) -> Callable[[int, int, slice], list[str]]:
    """The words of text[start:end], some of them: like `Tokens.clipped`, for a text not tokenised
    (a file whose checked text was extracted from markup)."""
    return _Words(text).clipped


class _Words:
    r"""The last and first WINDOW_WORDS words of a stretch of text, as `\w+` finds them in that
    stretch (a word cut by its edge counts as the part inside). Looked for in a small window
    that grows while it holds too few words; where words are so sparse that it would grow past
    _REACH (a run of punctuation), in an index of every word's offsets, built once: a document
    of thousands of findings costs neither a scan of its sentence per finding nor, in the
    common case, an index."""

    _REACH = 1024

    def __init__(self, text: str):
        self.text = text
        self._starts: array[int] | None = None
        self._ends: array[int] = array("q")

    def last(self, lo: int, start: int) -> list[str]:
        window = 64 if self._starts is None else self._REACH + 1  # once indexed, always indexed
        while window <= self._REACH:
            at = max(lo, start - window)
            found = _WORD.findall(self.text, at, start)
            if at == lo or len(found) > WINDOW_WORDS:
                return found[-WINDOW_WORDS:]
            window *= 4
        if start <= lo:
            return []
        starts, ends = self._index()
        out: list[str] = []
        k = bisect_left(starts, start) - 1
        while k >= 0 and ends[k] > lo and len(out) < WINDOW_WORDS:
            out.append(self.text[max(starts[k], lo):min(ends[k], start)])
            k -= 1
        return out[::-1]

    def first(self, end: int, hi: int) -> list[str]:
        window = 64 if self._starts is None else self._REACH + 1
        while window <= self._REACH:
            at = min(hi, end + window)
            found = _WORD.findall(self.text, end, at)
            if at == hi or len(found) > WINDOW_WORDS:
                return found[:WINDOW_WORDS]
            window *= 4
        if hi <= end:
            return []
        starts, ends = self._index()
        out: list[str] = []
        k = bisect_right(ends, end)
        while k < len(starts) and starts[k] < hi and len(out) < WINDOW_WORDS:
            out.append(self.text[max(starts[k], end):min(ends[k], hi)])
            k += 1
        return out

    def _index(self) -> tuple[array[int], array[int]]:
        if self._starts is None:
            self._starts = array("q")
            for m in _WORD.finditer(self.text):
                self._starts.append(m.start())
                self._ends.append(m.end())
        return self._starts, self._ends

    def clipped(self, start: int, end: int, pick: slice) -> list[str]:
        """As `Tokens.clipped`: the last or the first WINDOW_WORDS words, or any pick of all."""
        if pick == _BEFORE:
            return self.last(start, end)
        if pick == _AFTER:
            return self.first(start, end)
        return _WORD.findall(self.text, start, end)[pick]


def document_key(path: str, base_dir: Path) -> str:
    """How a checked file is named in a baseline kept in `base_dir`."""
    if path == STDIN_NAME:
        return STDIN_NAME
    try:
        return Path(os.path.relpath(real_path(path), real_path(base_dir))).as_posix()
    except ValueError:  # another drive on Windows
        return real_path(path).as_posix()


def record(doc: DocumentReport, path_key: str) -> BaselineDocument:
    """The baseline entry for a checked document: its findings, those a baseline already
    held included (suppressed ones are accepted in the file itself)."""
    findings = sorted([*doc.findings, *doc.baselined], key=lambda f: (f.start, f.end, f.rule))
    return BaselineDocument(
        path=path_key, doc_id=doc.doc_id, mt_likelihood=doc.provenance.mt_likelihood, fluency=doc.fluency.score,
        findings=[BaselineFinding(rule=f.rule, fingerprint=f.fingerprint, line=f.line, text=f.text) for f in findings],
    )


def write_baseline(path: str | Path, documents: list[BaselineDocument], signature: str) -> None:
    from mtcheck.files import atomic_write

    ordered = sorted(documents, key=lambda d: (d.path, d.doc_id or ""))
    atomic_write(path, Baseline(signature=signature, documents=ordered).model_dump_json(indent=2) + "\n")


class BaselineIndex:
    """A loaded baseline, looked up by document."""

    def __init__(self, baseline: Baseline, base_dir: Path, digest: str = ""):
        self.base_dir = base_dir
        self.digest = digest  # of the file's content: a report store keyed on it reuses nothing stale
        self._docs = {(d.path, d.doc_id): d for d in baseline.documents}
        self._fingerprints = {key: {f.fingerprint for f in d.findings} for key, d in self._docs.items()}

    @classmethod
    def load(cls, path: str | Path) -> BaselineIndex:
        from mtcheck.read.text import InputProblem, read_bytes

        path = Path(path)
        try:
            raw, _ = read_bytes(path, MAX_BASELINE_BYTES, str(path), limit_hint=" for a baseline file")
            data = json.loads(raw.decode("utf-8"))
        except InputProblem as problem:
            message = {"no such file": "no such baseline file (write one with --write-baseline)",
                       "is a folder, not a file": "is a folder, not a baseline file"}.get(problem.message,
                                                                                          problem.message)
            raise BaselineError(f"{path}: {message}") from None
        except UnicodeDecodeError as exc:
            raise BaselineError(f"{path}: cannot read ({exc})") from None
        except json.JSONDecodeError as exc:
            raise BaselineError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
        except RecursionError:
            raise BaselineError(f"{path}: not an mtcheck baseline (JSON nested too deeply)") from None
        try:
            baseline = Baseline.model_validate(data)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in err["loc"]) or "file"
            raise BaselineError(f"{path}: not an mtcheck baseline ({where}: {err['msg']})") from None
        except RecursionError:
            raise BaselineError(f"{path}: not an mtcheck baseline (JSON nested too deeply)") from None
        return cls(baseline, real_path(path).parent, hashlib.sha256(raw).hexdigest()[:16])

    def accepted(self, source: str, doc_id: str | None) -> BaselineDocument | None:
        """The baseline's entry for a document (its file path or '-', and its id in the file)."""
        return self._docs.get((document_key(source, self.base_dir), doc_id))

    def holds(self, accepted: BaselineDocument, fingerprint: str) -> bool:
        return fingerprint in self._fingerprints[(accepted.path, accepted.doc_id)]
