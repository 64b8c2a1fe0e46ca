"""JUnit XML for CI test reports (Jenkins, GitLab, Azure DevOps, CircleCI): one testcase
per checked document. A document that fails the gate has a <failure> listing why and
every finding; an input that could not be checked is an <error>; a file the config
excludes is <skipped>. All findings, failing or not, are also in the testcase's <system-out>."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from mtcheck.render.ci import Renderer, RunInfo, display_path, document_annotations
from mtcheck.render.words import likelihood_text, plural

if TYPE_CHECKING:
    from mtcheck.models import AnyDocumentReport

# XML 1.0 cannot hold most C0 controls, even escaped; document text may.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(s: str) -> str:
    return _NOT_XML.sub("\ufffd", s)


class JunitRenderer(Renderer):
    def __init__(self) -> None:
        self.cases: list[ET.Element] = []
        self.failures = 0

    def document(self, doc: AnyDocumentReport, text: str) -> str:
        path = display_path(doc.source)
        name = path + (f"#{doc.doc_id}" if doc.doc_id is not None else "")
        case = ET.Element("testcase", classname="mtcheck", name=_clean(name), file=_clean(path))
        record = f" #{doc.doc_id}" if doc.doc_id is not None else ""
        lines = [f"{a.path}:{a.line}:{a.column}:{record} {a.severity.value} {a.rule}  {a.headline()}"
                 for a in document_annotations(doc, text)]
        p = doc.provenance
        summary = (f"{p.verdict.value} (MT likelihood {likelihood_text(p.mt_likelihood)}), "
                   f"fluency {doc.fluency.score:.1f}/100, "
                   f"{plural(len(doc.findings), 'finding')}, {len(doc.suppressed)} suppressed, {len(doc.baselined)} "
                   "in the baseline")
        if doc.failures:
            self.failures += 1
            failure = ET.SubElement(case, "failure", type="mtcheck",
                                    message=_clean("; ".join(f.message for f in doc.failures)))
            failure.text = _clean("\n".join([*lines, summary]))
        out = ET.SubElement(case, "system-out")
        out.text = _clean("\n".join([*lines, summary]))
        self.cases.append(case)
        return ""

    def finish(self, run: RunInfo) -> str:
        for e in run.errors:
            case = ET.Element("testcase", classname="mtcheck", name=_clean(display_path(e.source)))
            ET.SubElement(case, "error", type="input", message=_clean(e.message))
            self.cases.append(case)
        for path in run.skipped:
            case = ET.Element("testcase", classname="mtcheck", name=_clean(display_path(path)))
            ET.SubElement(case, "skipped", message="excluded by the config's include/exclude")
            self.cases.append(case)
        counts = {"tests": str(len(self.cases)), "failures": str(self.failures), "errors": str(len(run.errors)),
                  "skipped": str(len(run.skipped))}
        suites = ET.Element("testsuites", {"name": "mtcheck", **{k: v for k, v in counts.items() if k != "skipped"}})
        suite = ET.SubElement(suites, "testsuite", {"name": "mtcheck", **counts})
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="signature", value=run.signature)
        ET.SubElement(properties, "property", name="suppressed", value=str(run.suppressed))
        ET.SubElement(properties, "property", name="baselined", value=str(run.baselined))
        suite.extend(self.cases)
        ET.indent(suites)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
