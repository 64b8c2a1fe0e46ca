"""The two real seed documents (read from ../shared, skipped when it is absent)."""

import pytest

from mtcheck.models import Verdict
from mtcheck.read import read_path


@pytest.fixture(scope="module")
def seed_reports(shared_seeds, checker):
    reports = {}
    for path in sorted(shared_seeds.glob("*.txt")):
        source = read_path(path)
        reports[path.name[:3]] = (source.text, checker.check(source.text, str(path)))
    return reports


def test_edited_wire_copy_is_human(seed_reports):
    _text, report = seed_reports["000"]
    p = report.provenance
    assert p.verdict == Verdict.human
    assert report.counts.by_severity["error"] == 0 and report.counts.by_severity["warning"] <= 3
    assert p.agency.short == "Xinhua"
    assert (p.dateline.city.title(), p.dateline.date_normalised, p.dateline.style) == ("Beijing", "Feb. 4", "wire")


ARTEFACTS = [
    ("calque.term", "China News Agency"),
    ("marker.dateline", "China News Agency, Washington, November 27th."),
    ("repetition.coordinated", "supported and supported"),
    ("fragment.echo", "Contribute to the cause."),
    ("fragment.lowercase-start", "democracy"),
    ("punctuation.space-before", " ."),
    ("calque.term", "new crown pneumonia epidemic"),
    ("marker.end", "(over)"),
    ("calque.phrase", "sanctions club"),
]


@pytest.mark.parametrize("rule, span", ARTEFACTS)
def test_raw_mt_has_each_artefact_at_its_offsets(seed_reports, rule, span):
    text, report = seed_reports["001"]
    hits = [f for f in report.findings if f.rule == rule and f.text == span]
    assert hits, f"{rule} {span!r} not found"
    for f in hits:
        assert text[f.start:f.end] == span


def test_raw_mt_is_machine_with_indents_and_bare_dates(seed_reports):
    text, report = seed_reports["001"]
    assert report.provenance.verdict == Verdict.machine
    assert report.provenance.agency.normalised == "China News Service"
    assert report.provenance.source_language.code == "zh"
    indents = [f for f in report.findings if f.rule == "punctuation.indent"]
    assert len(indents) >= 5 and all(set(f.text) <= {" ", "\u3000"} for f in indents)
    assert any(f.rule == "marker.ordinal-date" and f.text == "on the 26th" for f in report.findings)
    # "anti-democratic ." is a space-before finding on the space and the stop only.
    space = next(f for f in report.findings if f.rule == "punctuation.space-before")
    assert text[space.start - 15:space.end].endswith("anti-democratic .")
