"""Provenance out: the verdict written where a CMS keeps it, as IPTC's digital source type.

    machine      -> trainedAlgorithmicMedia               (machine translation: a trained model's output)
    post-edited  -> compositeWithTrainedAlgorithmicMedia  (a person edited machine output)
    human        -> humanEdits                            (no sign of machine output: a person's hand
                                                           throughout; mtcheck cannot tell written from
                                                           edited, so it claims no more than that)

For each checked document: a JSON-LD snippet (schema.org NewsArticle with
`digitalSourceType`, and mtcheck's verdict, MT likelihood, content hash and signature); for
a NewsML-G2 or NITF file, a copy of the file with the term added (NewsML-G2:
`<digitalSourceType uri="..."/>` in each newsItem's contentMeta; NITF: `<meta
name="digitalSourceType" content="..."/>` in its head). The copy is the original byte for
byte but for the inserted element (or an old digital source type replaced), so signatures
over the rest of the file, diffs and the story text are untouched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from xml.parsers import expat

from mtcheck.files import atomic_write, atomic_write_bytes
from mtcheck.models import Verdict

if TYPE_CHECKING:
    from mtcheck.models import AnyDocumentReport

IPTC_SCHEME = "http://cv.iptc.org/newscodes/digitalsourcetype/"
DIGITAL_SOURCE_TYPES = {
    Verdict.machine: "trainedAlgorithmicMedia",
    Verdict.post_edited: "compositeWithTrainedAlgorithmicMedia",
    Verdict.human: "humanEdits",
}
JSONLD_CONTEXT = ["https://schema.org", {"mtcheck": "https://github.com/mtcheck/mtcheck/blob/main/docs/"
                                                    "provenance-out.md#"}]
WIRE_FORMATS = ("nitf", "newsml")
# NewsML-G2 contentMeta children that come before digitalSourceType (administrative metadata).
_NEWSML_BEFORE = ("urgency", "contentCreated", "contentModified", "located", "infoSource")


class ProvenanceError(Exception):
    """A copy that cannot be written: one line naming the file."""


def source_type_uri(verdict: Verdict) -> str | None:
    """The IPTC digital source type a verdict claims; None for a story too short to judge or
    not in English, which is claimed to be nothing."""
    term = DIGITAL_SOURCE_TYPES.get(verdict)
    return IPTC_SCHEME + term if term is not None else None


def json_ld(doc: AnyDocumentReport) -> dict:
    """A schema.org NewsArticle snippet with the document's digital source type and verdict."""
    p = doc.provenance
    snippet: dict = {"@context": JSONLD_CONTEXT, "@type": "NewsArticle",
                     "identifier": doc.doc_id or doc.metadata.get("id") or doc.source}
    if doc.metadata.get("headline"):
        snippet["headline"] = doc.metadata["headline"]
    if p.document_language.code:
        snippet["inLanguage"] = p.document_language.code
    uri = source_type_uri(p.verdict)
    if uri is not None:
        snippet["digitalSourceType"] = uri
    snippet.update({"mtcheck:verdict": p.verdict.value, "mtcheck:mtLikelihood": p.mt_likelihood,
                    "mtcheck:sourceLanguage": p.source_language.code, "mtcheck:contentHash": p.content_hash,
                    "mtcheck:signature": p.signature})
    return snippet


# -- stamping wire XML ----------------------------------------------------------------------

@dataclass
class _Element:
    name: str
    start: int  # byte offset of '<'
    start_end: int = -1  # byte offset after the start tag's '>'
    end: int = -1  # byte offset after the element ('/>' or its end tag)
    attrs: dict[str, str] | None = None
    children: list[_Element] | None = None


def _tag_end(data: bytes, at: int) -> int:
    """The offset after the '>' that closes the tag starting at `at` (quotes respected)."""
    quote = None
    for i in range(at, len(data)):
        c = data[i:i + 1]
        if quote:
            if c == quote:
                quote = None
        elif c in (b'"', b"'"):
            quote = c
        elif c == b">":
            return i + 1
    raise ProvenanceError("unterminated tag")


def _parse(data: bytes) -> _Element:
    """The element tree with byte offsets (namespaces stripped from names). Entities are
    refused as the readers refuse them."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[_Element] = []
    root: list[_Element] = []

    def refuse(*_args: object) -> None:
        raise ProvenanceError("XML entity declarations are refused")

    def start(name: str, attrs: dict[str, str]) -> None:
        at = parser.CurrentByteIndex
        element = _Element(name.rsplit(" ", 1)[-1], at, start_end=_tag_end(data, at),
                           attrs={k.rsplit(" ", 1)[-1]: v for k, v in attrs.items()}, children=[])
        if stack:
            assert stack[-1].children is not None
            stack[-1].children.append(element)
        else:
            root.append(element)
        stack.append(element)

    def end(name: str) -> None:
        element = stack.pop()
        at = parser.CurrentByteIndex
        # An empty-element tag reports its end where it started: it ends with its start tag.
        element.end = element.start_end if at == element.start else _tag_end(data, at)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ProvenanceError(f"not well-formed XML ({exc})") from None
    return root[0]


def _children(element: _Element, name: str) -> list[_Element]:
    return [c for c in element.children or [] if c.name == name]


def _indent(data: bytes, element: _Element) -> bytes:
    """The white space before `element` on its line, to indent an inserted sibling alike."""
    line_start = data.rfind(b"\n", 0, element.start) + 1
    prefix = data[line_start:element.start]
    return prefix if not prefix.strip() else b""


def stamp_wire(data: bytes, verdicts: dict[str | None, Verdict], fmt: str) -> bytes:
    """`data` (a NITF or NewsML-G2 file, UTF-8) with each story's digital source type set.
    `verdicts` maps a newsItem's guid (NewsML-G2) or None (NITF, one story) to its verdict."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ProvenanceError("a UTF-16 or UTF-32 file cannot be stamped in place; convert it to UTF-8")
    root = _parse(data)
    edits: list[tuple[int, int, bytes]] = []  # (start, end, replacement) in the original
    if fmt == "nitf":
        story = verdicts.get(None) or next(iter(verdicts.values()))
        uri = source_type_uri(story)
        if uri is not None:
            edits.append(_nitf_edit(data, root, uri))
    else:
        items = [root] if root.name == "newsItem" else [i for s in _children(root, "itemSet")
                                                         for i in _children(s, "newsItem")]
        for item in items:
            guid = (item.attrs or {}).get("guid")
            found = verdicts.get(guid) if guid in verdicts else verdicts.get(None)
            uri = source_type_uri(found) if found is not None else None
            if uri is not None:
                edits.append(_newsml_edit(data, item, uri))
    out = data
    for start, end, replacement in sorted(edits, reverse=True):
        out = out[:start] + replacement + out[end:]
    return out


def _nitf_edit(data: bytes, root: _Element, uri: str) -> tuple[int, int, bytes]:
    head = next(iter(_children(root, "head")), None)
    element = f'<meta name="digitalSourceType" content="{uri}"/>'.encode()
    if head is None:  # NITF requires a head; give it one before the body
        return root.start_end, root.start_end, b"<head>" + element + b"</head>"
    old = next((m for m in _children(head, "meta") if (m.attrs or {}).get("name") == "digitalSourceType"), None)
    if old is not None:
        return old.start, old.end, element
    title = next(iter(_children(head, "title")), None)  # meta elements follow the title
    at = title.end if title is not None else head.start_end
    children = head.children or []
    indent = _indent(data, children[0]) if children else b""
    return at, at, (b"\n" + indent if indent else b"") + element


def _newsml_edit(data: bytes, item: _Element, uri: str) -> tuple[int, int, bytes]:
    element = f'<digitalSourceType uri="{uri}"/>'.encode()
    meta = next(iter(_children(item, "contentMeta")), None)
    if meta is None:
        item_meta = next(iter(_children(item, "itemMeta")), None)
        at = item_meta.end if item_meta is not None else item.start_end
        return at, at, b"<contentMeta>" + element + b"</contentMeta>"
    old = next(iter(_children(meta, "digitalSourceType")), None)
    if old is not None:
        return old.start, old.end, element
    before = [c for c in meta.children or [] if c.name in _NEWSML_BEFORE]
    at = before[-1].end if before else meta.start_end
    indent = _indent(data, meta.children[0]) if meta.children else b""
    return at, at, (b"\n" + indent if indent else b"") + element


# -- writing ---------------------------------------------------------------------------------

def _relative(source: str) -> Path:
    """Where a source's outputs go under the output folder: its path relative to the current
    folder when inside it, else its name."""
    path = Path(source)
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except (ValueError, OSError):
        return Path(path.name)


def _safe_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)[:120] or "_"


def write_provenance(out: Path, documents: Iterable[AnyDocumentReport]) -> list[Path]:
    """JSON-LD for every document, and a stamped copy of every NITF and NewsML-G2 file, under
    `out`. Returns the files written. Raises ProvenanceError for a copy that cannot be made."""
    written: list[Path] = []
    wire: dict[str, tuple[str, dict[str | None, Verdict]]] = {}
    for doc in documents:
        base = out / _relative(doc.source)
        name = base.name + (f".{_safe_part(doc.doc_id)}" if doc.doc_id else "") + ".jsonld"
        target = base.with_name(name)
        _write(target, json.dumps(json_ld(doc), indent=2, ensure_ascii=False) + "\n")
        written.append(target)
        if doc.format in WIRE_FORMATS and doc.source != "-":
            key = doc.doc_id if doc.format == "newsml" else None
            wire.setdefault(doc.source, (doc.format, {}))[1][key] = doc.provenance.verdict
    for source, (fmt, verdicts) in wire.items():
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise ProvenanceError(f"{source}: cannot read ({exc.strerror or exc})") from None
        try:
            stamped = stamp_wire(data, verdicts, fmt)
        except ProvenanceError as exc:
            raise ProvenanceError(f"{source}: {exc}") from None
        target = out / _relative(source)
        _write(target, stamped)
        written.append(target)
    return written


def _write(target: Path, content: str | bytes) -> None:
    try:
        if isinstance(content, bytes):
            atomic_write_bytes(target, content)
        else:
            atomic_write(target, content)
    except OSError as exc:
        raise ProvenanceError(f"{target}: cannot write ({exc.strerror or exc})") from None
