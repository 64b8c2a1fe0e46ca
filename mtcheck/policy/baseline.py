"""Baselines: record the findings a newsroom has accepted, then fail only on new ones.

Findings are matched by their fingerprints (`mtcheck.policy.fingerprints`: rule, flagged
text and the words around it, not its line), so an edit elsewhere in the file leaves them
accepted. Paths are stored relative to the baseline file's folder, so the file works from
any checkout.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, ValidationError

from mtcheck import __version__
from mtcheck.files import real_path
from mtcheck.models import ReportModel
from mtcheck.policy import BaselineError
from mtcheck.read import STDIN_NAME

if TYPE_CHECKING:
    from mtcheck.models import AnyDocumentReport

# A baseline holds a line of JSON per accepted finding: this is some hundreds of thousands of
# findings. Larger is not a baseline (or is /dev/zero), and would take gigabytes to load.
MAX_BASELINE_BYTES = 64 << 20

__all__ = ["MAX_BASELINE_BYTES", "Baseline", "BaselineDocument", "BaselineError", "BaselineFinding", "BaselineIndex",
           "document_key", "record", "write_baseline"]


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


def document_key(path: str, base_dir: Path) -> str:
    """How a checked file is named in a baseline kept in `base_dir`."""
    if path == STDIN_NAME:
        return STDIN_NAME
    try:
        return Path(os.path.relpath(real_path(path), real_path(base_dir))).as_posix()
    except ValueError:  # another drive on Windows
        return real_path(path).as_posix()


def record(doc: AnyDocumentReport, path_key: str) -> BaselineDocument:
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
