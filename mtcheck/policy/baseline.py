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
from pathlib import Path
from typing import Literal, Optional

from pydantic import Field, ValidationError

from mtcheck import __version__
from mtcheck.models import DocumentReport, Finding, ReportModel
from mtcheck.policy.suppress import recount

FINGERPRINT_KEY = "mtcheck/v1"  # SARIF partialFingerprints key; bump when the recipe changes
WINDOW_WORDS = 4  # words of the sentence kept either side of the span
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
    doc_id: Optional[str] = None
    mt_likelihood: float = Field(ge=0, le=1, description="Accepted: the document fails max_mt_likelihood only above this.")
    fluency: float = Field(ge=0, le=100, description="Accepted: the document fails min_fluency only below this.")
    findings: list[BaselineFinding]


class Baseline(ReportModel):
    """What `mtcheck check --write-baseline FILE` writes."""

    version: Literal[1] = 1
    tool: str = Field(default=f"mtcheck {__version__}")
    signature: str = Field(description="Checker signature when recorded (for information).")
    documents: list[BaselineDocument]


def fingerprint_findings(doc: DocumentReport, text: str) -> None:
    """Set `fingerprint` on every finding of `doc` (offsets into `text`, the checked file)."""
    seen: dict[str, int] = {}
    for f in sorted(doc.findings, key=lambda f: (f.start, f.end, f.rule)):
        digest = _digest(f, doc, text)
        index = seen.get(digest, 0)
        seen[digest] = index + 1
        f.fingerprint = f"{digest}:{index}"


def _digest(f: Finding, doc: DocumentReport, text: str) -> str:
    sentences = doc.fluency.sentences
    if f.sentence < len(sentences) and sentences[f.sentence].start <= f.start:
        lo, hi = sentences[f.sentence].start, max(sentences[f.sentence].end, f.end)
    else:
        lo, hi = max(0, f.start - 200), min(len(text), f.end + 200)
    before = _words(text[lo:f.start])[-WINDOW_WORDS:]
    after = _words(text[f.end:hi])[:WINDOW_WORDS]
    flagged = " ".join(text[f.start:f.end].split()).casefold()
    key = "\x1f".join((f.rule, flagged, " ".join(before), " ".join(after)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def _words(s: str) -> list[str]:
    # Words only: reflowed lines, changed punctuation or markup around the sentence do not count.
    return [w.casefold() for w in _WORD.findall(s)]


def document_key(path: str, base_dir: Path) -> str:
    """How a checked file is named in a baseline kept in `base_dir`."""
    if path == "-":
        return "-"
    try:
        return Path(os.path.relpath(Path(path).resolve(), base_dir.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return Path(path).resolve().as_posix()


def record(doc: DocumentReport, path_key: str) -> BaselineDocument:
    """The baseline entry for a checked (and fingerprinted) document."""
    return BaselineDocument(
        path=path_key, doc_id=doc.doc_id, mt_likelihood=doc.provenance.mt_likelihood, fluency=doc.fluency.score,
        findings=[BaselineFinding(rule=f.rule, fingerprint=f.fingerprint or "", line=f.line, text=f.text)
                  for f in doc.findings],
    )


def write_baseline(path: str | Path, documents: list[BaselineDocument], signature: str) -> None:
    from mtcheck.files import atomic_write

    ordered = sorted(documents, key=lambda d: (d.path, d.doc_id or ""))
    atomic_write(path, Baseline(signature=signature, documents=ordered).model_dump_json(indent=2) + "\n")


class BaselineIndex:
    """A loaded baseline, looked up by document."""

    def __init__(self, baseline: Baseline, base_dir: Path):
        self.base_dir = base_dir
        self._docs = {(d.path, d.doc_id): d for d in baseline.documents}
        self._fingerprints = {key: {f.fingerprint for f in d.findings} for key, d in self._docs.items()}

    @classmethod
    def load(cls, path: str | Path) -> "BaselineIndex":
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BaselineError(f"{path}: no such baseline file (write one with --write-baseline)") from None
        except IsADirectoryError:
            raise BaselineError(f"{path}: is a folder, not a baseline file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise BaselineError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
        except json.JSONDecodeError as exc:
            raise BaselineError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
        try:
            baseline = Baseline.model_validate(data)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in err["loc"]) or "file"
            raise BaselineError(f"{path}: not an mtcheck baseline ({where}: {err['msg']})") from None
        return cls(baseline, path.resolve().parent)

    def key(self, doc: DocumentReport) -> tuple[str, Optional[str]]:
        return document_key(doc.source, self.base_dir), doc.doc_id

    def apply(self, doc: DocumentReport) -> Optional[BaselineDocument]:
        """Take the findings the baseline holds out of `doc` (counted in `doc.baselined`);
        returns the document's baseline entry, or None when it has none."""
        key = self.key(doc)
        accepted = self._docs.get(key)
        if accepted is None:
            return None
        known = self._fingerprints[key]
        kept = [f for f in doc.findings if f.fingerprint not in known]
        doc.baselined += len(doc.findings) - len(kept)
        if len(kept) != len(doc.findings):
            doc.findings = kept
            recount(doc)
        return accepted
