"""A LanguageTool-compatible endpoint: `POST /v2/check` (and `GET /v2/languages`), so the
clients that let a user point at a self-hosted LanguageTool server (browser extensions, CMS
and editor plugins) show mtcheck's findings unchanged.

The request is LanguageTool's: form-encoded `text`, or `data` (JSON annotations: text pieces
and markup, each markup piece optionally `interpretAs` text), with `language` and the
optional rule filters. The answer is LanguageTool's JSON: `matches` with `offset` and
`length` in UTF-16 code units (LanguageTool is Java: its offsets index a Java String, and
the browser clients index JavaScript strings, which count the same way), `message`,
`shortMessage`, `replacements[].value`, `rule` (`id`, `description`, `issueType`, `category`)
and `context`. For `data`, offsets point into the whole annotated document (markup included),
as LanguageTool's do. Fields LanguageTool has and mtcheck does not fill are left at their
documented neutral values; an `mtcheck` field adds the document's verdict, which clients ignore.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import parse_qsl

from pydantic import BaseModel, Field

from mtcheck import __version__
from mtcheck.core.rules.script import language_name
from mtcheck.models import DocumentReport, Finding, Verdict
from mtcheck.pipeline import Checker
from mtcheck.read import Extraction, Source
from mtcheck.read.markup import TextBuilder

CONTEXT_CHARS = 40  # characters either side of a match in its `context`, as LanguageTool's default
MAX_FIELDS = 100
# LanguageTool's issue types (a client colours matches by them), for mtcheck's categories.
ISSUE_TYPES = {"calque": "style", "repetition": "duplication", "fragment": "grammar", "punctuation": "typographical",
               "script": "typographical", "marker": "non-conformance"}
TERMINOLOGY_RULES = frozenset({"calque.term"})
LANGUAGES = [("English", "en", "en"), ("English (US)", "en", "en-US"), ("English (GB)", "en", "en-GB"),
             ("English (Australian)", "en", "en-AU"), ("English (Canadian)", "en", "en-CA")]


class LTSoftware(BaseModel):
    name: str = "mtcheck"
    version: str = __version__
    buildDate: str = ""
    apiVersion: int = 1
    premium: bool = False
    status: str = ""


class LTDetectedLanguage(BaseModel):
    name: str
    code: str
    confidence: float = Field(ge=0, le=1)


class LTLanguage(BaseModel):
    name: str
    code: str
    detectedLanguage: LTDetectedLanguage


class LTReplacement(BaseModel):
    value: str


class LTContext(BaseModel):
    text: str
    offset: int = Field(description="Where the match starts in `text` (UTF-16 code units).")
    length: int


class LTCategory(BaseModel):
    id: str
    name: str


class LTRule(BaseModel):
    id: str
    description: str
    issueType: str
    category: LTCategory


class LTType(BaseModel):
    typeName: str = "Other"


class LTMatch(BaseModel):
    message: str
    shortMessage: str
    replacements: list[LTReplacement]
    offset: int = Field(description="UTF-16 code units from the start of the text (of the whole annotated document "
                                    "for `data`).")
    length: int = Field(description="UTF-16 code units.")
    context: LTContext
    sentence: str
    type: LTType = Field(default_factory=LTType)
    rule: LTRule
    ignoreForIncompleteSentence: bool = False
    contextForSureMatch: int = 0


class LTWarnings(BaseModel):
    incompleteResults: bool = False


class LTVerdict(BaseModel):
    """mtcheck's own addition (LanguageTool clients ignore it): the document's provenance."""

    verdict: str
    mt_likelihood: float | None  # null: too short to judge
    fluency: float
    signature: str


class LTResponse(BaseModel):
    """The answer of POST /v2/check, in LanguageTool's shape."""

    software: LTSoftware = Field(default_factory=LTSoftware)
    warnings: LTWarnings = Field(default_factory=LTWarnings)
    language: LTLanguage
    matches: list[LTMatch]
    mtcheck: LTVerdict | None = None


class LTLanguageEntry(BaseModel):
    name: str
    code: str
    longCode: str


class LTRequestError(ValueError):
    """A request LanguageTool would refuse with 400: one line."""


@dataclass(frozen=True)
class LTRequest:
    original: str  # what the client's offsets count in: the text, or the whole annotated document
    checked: str  # what mtcheck checks: the text, or the annotations' text with markup interpreted
    extraction: Extraction | None
    language: str
    enabled: tuple[str, ...]
    disabled: tuple[str, ...]
    enabled_only: bool


def parse_form(body: bytes, query: str = "") -> dict[str, str]:
    """Form fields from a urlencoded body and the query string (the body wins)."""
    fields: dict[str, str] = {}
    for raw in (query, body.decode("latin-1") if body else ""):
        if not raw:
            continue
        try:
            pairs = parse_qsl(raw, keep_blank_values=True, max_num_fields=MAX_FIELDS, encoding="utf-8",
                              errors="strict")
        except UnicodeDecodeError:
            raise LTRequestError("form fields are not UTF-8") from None
        except ValueError as exc:
            raise LTRequestError(f"malformed form body ({exc})") from None
        fields.update(pairs)
    return fields


def parse_request(fields: dict[str, str]) -> LTRequest:
    language = fields.get("language", "").strip()
    if not language:
        raise LTRequestError("missing 'language' parameter (e.g. en-US, or auto)")
    if "text" in fields and "data" in fields:
        raise LTRequestError("give either 'text' or 'data', not both")
    if "text" in fields:
        original = checked = fields["text"]
        extraction = None
    elif "data" in fields:
        original, checked, extraction = _annotated(fields["data"])
    else:
        raise LTRequestError("missing 'text' or 'data' parameter")

    def ids(name: str) -> tuple[str, ...]:
        return tuple(part.strip() for part in fields.get(name, "").split(",") if part.strip())

    return LTRequest(original, checked, extraction, language, ids("enabledRules") + ids("enabledCategories"),
                     ids("disabledRules") + ids("disabledCategories"), fields.get("enabledOnly", "") == "true")


def _annotated(raw: str) -> tuple[str, str, Extraction]:
    """LanguageTool's `data`: {"annotation": [{"text": ...}, {"markup": ..., "interpretAs": ...}]}."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LTRequestError(f"'data' is not JSON ({exc})") from None
    except RecursionError:
        raise LTRequestError("'data' is JSON nested too deeply") from None
    items = data.get("annotation") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise LTRequestError("'data' must be an object with an 'annotation' list")
    builder, pieces, at = TextBuilder(), [], 0
    for k, item in enumerate(items):
        if not isinstance(item, dict) or ("text" in item) == ("markup" in item):
            raise LTRequestError(f"'data' annotation {k} must have either 'text' or 'markup'")
        piece = item.get("text", item.get("markup"))
        interpret = item.get("interpretAs", "")
        if not isinstance(piece, str) or not isinstance(interpret, str):
            raise LTRequestError(f"'data' annotation {k}: text, markup and interpretAs must be strings")
        if "text" in item:
            builder.copy(at, piece)
        else:
            builder.insert(at, interpret, at + len(piece))  # stands for the whole markup
        pieces.append(piece)
        at += len(piece)
    return "".join(pieces), builder.text(), Extraction("".join(pieces), builder.offsets)


def utf16_length(text: str) -> int:
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def check(checker: Checker, request: LTRequest) -> LTResponse:
    """Check the request's text with the one pipeline and answer in LanguageTool's shape."""
    from mtcheck.core.rules import RuleSelectionError, resolve_rules

    try:
        disabled = resolve_rules(list(request.disabled), None) if request.disabled else frozenset()
        enabled = resolve_rules(list(request.enabled), None) if request.enabled else None
    except RuleSelectionError as exc:
        raise LTRequestError(str(exc)) from None
    if not request.checked.strip() or not _english(request.language):
        return LTResponse(language=_language(request.language, None), matches=[])
    # The checked text is plain text: findings at its offsets, mapped to the client's below.
    report = checker.check_source(Source(name="<languagetool>", text=request.checked))
    # asked to detect, and the text is in a language mtcheck does not check: answered as if named
    detected_other = request.language == "auto" and report.provenance.verdict is Verdict.not_english
    matches = []
    for f in () if detected_other else report.findings:
        if f.rule in disabled or (request.enabled_only and (enabled is None or f.rule not in enabled)):
            continue
        matches.append(_match(f, report, request))
    likelihood = report.provenance.mt_likelihood
    verdict = LTVerdict(verdict=report.provenance.verdict.value, mt_likelihood=likelihood,
                        fluency=report.fluency.score, signature=report.provenance.signature)
    return LTResponse(language=_language(request.language, report), matches=matches, mtcheck=verdict)


def _english(code: str) -> bool:
    return code == "auto" or code.lower().split("-")[0] == "en"


def _language(code: str, report: DocumentReport | None) -> LTLanguage:
    """The language the text was checked as (with `auto`, LanguageTool's answer is the language
    it detected: English, US spelling, unless the text is in another language) and the one
    detected, each with its name."""
    names = {long_code.lower(): name for name, _, long_code in LANGUAGES}
    guess = report.provenance.document_language if report is not None else None
    detected = (guess.code or "en") if guess is not None else "en"
    if code != "auto":
        shown = code
    else:
        shown = detected if report is not None and report.provenance.verdict is Verdict.not_english else "en-US"
    return LTLanguage(name=names.get(shown.lower()) or language_name(shown), code=shown,
                      detectedLanguage=LTDetectedLanguage(name=names.get(detected) or language_name(detected),
                                                          code=detected,
                                                          confidence=guess.confidence if guess is not None else 0.0))


def _match(f: Finding, report: DocumentReport, request: LTRequest) -> LTMatch:
    from mtcheck.core.rules import RULES
    from mtcheck.fix.apply import keep_case

    text = request.checked
    start, end = f.start, f.end  # in the checked text (plain text: no extraction of its own)
    original_start, original_end = start, end
    if request.extraction is not None:
        offsets = request.extraction.offsets
        original_start, original_end = offsets.to_original(start), offsets.to_original_end(end)
    rule = RULES.get(f.rule)
    replacements = [LTReplacement(value=keep_case(f.text, f.suggestion or ""))] if f.fix_safe else []
    message = f.message
    if f.suggestion and not f.fix_safe:
        message += f" \u2014 suggestion: {f.suggestion}"
    before, after = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
    prefix = ("..." if before > 0 else "") + text[before:start]
    context = prefix + text[start:end] + text[end:after] + ("..." if after < len(text) else "")
    sentences = report.fluency.sentences
    sentence = text[sentences[f.sentence].start:sentences[f.sentence].end] if f.sentence < len(sentences) else ""
    category = f.category
    return LTMatch(
        message=message, shortMessage=rule.message if rule is not None else f.message, replacements=replacements,
        offset=utf16_length(request.original[:original_start]),
        length=utf16_length(request.original[original_start:original_end]),
        context=LTContext(text=" ".join(context.split("\n")), offset=utf16_length(prefix),
                          length=utf16_length(text[start:end])),
        sentence=sentence,
        rule=LTRule(id=f.rule, description=rule.message if rule is not None else f.message,
                    issueType="terminology" if f.rule in TERMINOLOGY_RULES else ISSUE_TYPES.get(category, "style"),
                    category=LTCategory(id=category.upper(), name=category.capitalize())),
    )


def languages() -> list[LTLanguageEntry]:
    return [LTLanguageEntry(name=name, code=code, longCode=long_code) for name, code, long_code in LANGUAGES]
