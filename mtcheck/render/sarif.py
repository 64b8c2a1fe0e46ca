"""SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps): one run, every rule with
its help text, results with regions in code points, fingerprints for baselines, fixes for
safe suggestions, in-file suppressions as suppressed results, and the invocation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from mtcheck import __version__
from mtcheck.files import real_path
from mtcheck.models import Severity
from mtcheck.read import STDIN_NAME
from mtcheck.render.ci import Annotation, Renderer, RunInfo, display_path, document_annotations, rule_table

if TYPE_CHECKING:
    from mtcheck.models import AnyDocumentReport

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.error: "error", Severity.warning: "warning", Severity.info: "note"}


class SarifRenderer(Renderer):
    def __init__(self) -> None:
        self.rules = rule_table()
        self.rule_index = {row[0]: i for i, row in enumerate(self.rules)}
        self.results: list[dict] = []

    def document(self, doc: AnyDocumentReport, text: str) -> str:
        self.results.extend(self._result(a) for a in document_annotations(doc, text, suppressed=True))
        return ""

    def finish(self, run: RunInfo) -> str:
        if run.baseline is not None:
            for result in self.results:
                result["baselineState"] = "new"  # what the baseline held is left out, not reported
        invocation = {
            "executionSuccessful": not run.errors,
            "exitCode": run.exit_code,
            "arguments": list(run.arguments),
            "workingDirectory": {"uri": _folder_uri(Path.cwd())},
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": e.message},
                 "locations": [{"physicalLocation": {"artifactLocation": _artifact(display_path(e.source))}}]}
                for e in run.errors
            ],
        }
        sarif = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "mtcheck",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "rules": [_rule(*row) for row in self.rules],
                }},
                "invocations": [invocation],
                "originalUriBaseIds": {"SRCROOT": {"uri": _folder_uri(Path.cwd())}},
                "columnKind": "unicodeCodePoints",
                "results": self.results,
                "properties": {"signature": run.signature, "suppressed": run.suppressed,
                               "baselined": run.baselined, "skipped": run.skipped},
            }],
        }
        return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"

    def _result(self, a: Annotation) -> dict:
        region: dict[str, object] = {"startLine": a.line, "startColumn": a.column, "endLine": a.end_line,
                                     "endColumn": a.end_column}
        if not a.is_gate:
            region["snippet"] = {"text": a.text}
            if not a.in_record:  # a record's offsets are into its text, not into the file
                region.update(charOffset=a.start, charLength=a.end - a.start)
        location: dict[str, object] = {"physicalLocation": {"artifactLocation": _artifact(a.path), "region": region}}
        result: dict = {
            "ruleId": a.rule,
            "ruleIndex": self.rule_index[a.rule],
            "level": _LEVELS[a.severity],
            "message": {"text": a.headline()},
            "locations": [location],
        }
        if a.doc_id is not None:
            location["logicalLocations"] = [{"name": a.doc_id, "kind": "document"}]
        if a.fingerprint:
            result["partialFingerprints"] = {"mtcheck/v1": a.fingerprint}
        if a.suggestion is not None and a.fix_safe and not a.in_record:  # (a record's text is JSON-escaped)
            result["fixes"] = [{
                "description": {"text": f"Replace with {a.suggestion or '(nothing)'}"},
                "artifactChanges": [{
                    "artifactLocation": _artifact(a.path),
                    "replacements": [{"deletedRegion": {"charOffset": a.start, "charLength": a.end - a.start},
                                      "insertedContent": {"text": a.suggestion}}],
                }],
            }]
        if a.suppressed:
            result["suppressions"] = [{"kind": "inSource"}]
        if not a.is_gate:
            result["properties"] = {"category": a.category}
        return result


def _rule(rule_id: str, severity: Severity, message: str, description: str, suggestion, category: str) -> dict:
    help_text = description + (f" Suggestion: {suggestion}" if suggestion else "")
    help_markdown = f"{description}" + (f"\n\n**Suggestion:** {suggestion}" if suggestion else "")
    return {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.replace("-", ".").split(".")),
        "shortDescription": {"text": message},
        "fullDescription": {"text": description},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": _LEVELS[severity]},
        "properties": {"category": category, "tags": ["machine-translation", category]},
    }


def _artifact(shown: str) -> dict:
    """artifactLocation of a display path: relative ones against SRCROOT (the repository root in CI)."""
    if shown == STDIN_NAME:
        return {"uri": STDIN_NAME}
    if Path(shown).is_absolute():
        return {"uri": Path(shown).as_uri()}
    return {"uri": quote(shown), "uriBaseId": "SRCROOT"}


def _folder_uri(folder: Path) -> str:
    return real_path(folder).as_uri().rstrip("/") + "/"
