"""Wire XML: NITF and NewsML-G2 stories, their text extracted with offsets into the file.

The story text is the headline, the dateline (unless the first paragraph already opens
with it) and the body paragraphs, one paragraph each, separated by blank lines; the
XML's own line breaks and indentation inside a paragraph become single spaces. The
headline, agency, date and ids go to `metadata`. A NewsML-G2 `newsMessage` holds one
story per `newsItem`.

XML from the wild must not be able to read files, fetch URLs or expand without bound: the
parser is `safe_xml`'s expat, used directly, not through defusedxml, because extraction needs
the parser's byte position of every text run (`CurrentByteIndex`) to map findings back to the
file.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

from mtcheck.read import safe_xml
from mtcheck.read.formats import register
from mtcheck.read.markup import TextBuilder, layout_space
from mtcheck.read.text import Extraction, InputProblem, Source

# Elements whose text is a paragraph of its own (NITF, XHTML).
_BLOCKS = frozenset({"p", "hl1", "hl2", "li", "dt", "dd", "pre", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
                     "blockquote", "bq", "block", "div", "section", "body.content", "tagline", "abstract"})
# Elements whose text is not story prose.
_SKIP = frozenset({"head", "title", "script", "style", "media", "object", "noscript", "nitf-table-metadata"})
_XML_WHITE = " \t\r\n"
_SPACE = re.compile(f"[{_XML_WHITE}]+")
_LAYOUT_SPACE = layout_space(_XML_WHITE)  # what a verbatim run reads as one space


@dataclass
class _Run:
    """Character data: `text` stood at `at` in the file, verbatim or (an entity, a
    normalised line break) not; then it stands for the markup file[at:end]."""

    text: str
    at: int
    verbatim: bool
    end: int = -1

    def __post_init__(self) -> None:
        if self.end < 0:
            self.end = self.at + len(self.text) if self.verbatim else self.at

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Where text[start:end] stands in the file (all of the markup, for a run not verbatim)."""
        return (self.at + start, self.at + end) if self.verbatim else (self.at, self.end)


@dataclass
class _Element:
    name: str  # local name, without the namespace
    attrs: dict[str, str]
    children: list[_Element | _Run] = field(default_factory=list)

    def child(self, *names: str) -> _Element | None:
        """The first descendant along a path of child names."""
        node: _Element | None = self
        for name in names:
            assert node is not None
            node = next((c for c in node.children if isinstance(c, _Element) and c.name == name), None)
            if node is None:
                return None
        return node

    def all(self, name: str) -> list[_Element]:
        return [c for c in self.children if isinstance(c, _Element) and c.name == name]

    def runs(self) -> Iterator[_Run]:
        for c in self.children:
            if isinstance(c, _Run):
                yield c
            else:
                yield from c.runs()

    def plain(self) -> str:
        """The element's text, whitespace collapsed, for metadata."""
        return _SPACE.sub(" ", "".join(r.text for r in self.runs())).strip()


class _TreeBuilder:
    """One pass of expat: the element tree with the file offset of every text run."""

    def __init__(self, text: str):
        self.text = text
        self.ascii = text.isascii()
        self.data = b"" if self.ascii else text.encode("utf-8")
        self._byte, self._char = 0, 0  # last byte index converted, and its character offset
        self.root: _Element | None = None
        self.stack: list[_Element] = []
        p = self.parser = safe_xml.parser()
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        p.CharacterDataHandler = self._data
        p.SkippedEntityHandler = self._skipped
        p.buffer_text = False  # runs must not be merged: each needs its own position

    def parse(self, name: str) -> _Element:
        try:
            self.parser.Parse(self.text, True)  # a str is parsed as UTF-8, whatever the declaration says
        except safe_xml.Refused as exc:
            raise InputProblem(name, str(exc)) from None
        except expat.ExpatError as exc:
            raise InputProblem(name, f"not well-formed XML ({exc})") from None
        assert self.root is not None  # expat refuses a document without a root element
        return self.root

    def _offset(self) -> int:
        """Character offset of the parser's current byte position (positions only grow)."""
        at = self.parser.CurrentByteIndex
        if self.ascii:
            return at
        self._char += len(self.data[self._byte:at].decode("utf-8"))
        self._byte = at
        return self._char

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        safe_xml.entering(len(self.stack) + 1)
        element = _Element(_local(name), {_local(k): v for k, v in attrs.items()})
        if self.stack:
            self.stack[-1].children.append(element)
        else:
            self.root = element
        self.stack.append(element)

    def _end(self, name: str) -> None:
        self.stack.pop()

    def _data(self, data: str) -> None:
        if self.stack:
            at = self._offset()
            verbatim = self.text.startswith(data, at)
            self.stack[-1].children.append(_Run(data, at, verbatim, -1 if verbatim else self._markup_end(at)))

    def _markup_end(self, at: int) -> int:
        """The end of what expat decoded at `at`: a reference up to its ";", a CRLF, one character."""
        if self.text.startswith("&", at):
            semicolon = self.text.find(";", at, at + 64)
            return semicolon + 1 if semicolon >= 0 else at + 1
        return at + 2 if self.text.startswith("\r\n", at) else at + 1

    def _skipped(self, name: str, is_parameter: bool) -> None:
        # An entity defined in an external DTD that is not read (NITF's &nbsp;): decode the
        # HTML ones, drop the rest.
        char = html.entities.html5.get(f"{name};")
        if char and self.stack:
            at = self._offset()
            self.stack[-1].children.append(_Run(char, at, False, self._markup_end(at)))


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


@dataclass
class _Story:
    headline: list[_Element]
    dateline: _Element | None
    body: list[list[_Run]]
    metadata: dict[str, str]
    doc_id: str | None = None


def _paragraphs(node: _Element) -> list[list[_Run]]:
    """Text runs of `node`, one list per paragraph (block element)."""
    out: list[list[_Run]] = [[]]

    def walk(element: _Element) -> None:
        for c in element.children:
            if isinstance(c, _Run):
                out[-1].append(c)
            elif c.name in _SKIP:
                continue
            elif c.name in _BLOCKS:
                out.append([])
                walk(c)
                out.append([])
            else:
                walk(c)  # inline markup: <em>, <a>, <location>

    walk(node)
    return [runs for runs in out if any(r.text.strip() for r in runs)]


def _extract(source: Source, story: _Story, fmt: str) -> Source:
    builder = TextBuilder()
    blocks = [list(h.runs()) for h in story.headline]
    if story.dateline is not None:
        written = story.dateline.plain()
        first = _SPACE.sub(" ", "".join(r.text for r in story.body[0])).strip() if story.body else ""
        if written and not first.startswith(written):
            blocks.append(list(story.dateline.runs()))
    blocks.extend(story.body)
    for runs in blocks:
        builder.separate("\n\n")
        for run in runs:
            pos = 0
            for m in (_LAYOUT_SPACE if run.verbatim else _SPACE).finditer(run.text):
                _piece(builder, run, pos, m.start())
                builder.separate(" ", *run.span(m.start(), m.end()))
                pos = m.end()
            _piece(builder, run, pos, len(run.text))
    text = builder.text()
    if not text.strip():
        what = story.doc_id or source.name
        raise InputProblem(source.name, f"no story text in this {fmt} item ({what})")
    metadata = {k: v for k, v in story.metadata.items() if v}
    return Source(name=source.name, text=text + "\n", encoding=source.encoding, format=fmt,
                  extraction=Extraction(source.text, builder.offsets), doc_id=story.doc_id, metadata=metadata)


def _piece(builder: TextBuilder, run: _Run, start: int, end: int) -> None:
    if end > start:
        if run.verbatim:
            builder.copy(run.at + start, run.text[start:end])
        else:
            builder.insert(run.at, run.text[start:end], run.end)


# -- NITF --------------------------------------------------------------------------------

def _nitf_story(root: _Element) -> _Story:
    head = root.child("head")
    body_head = root.child("body", "body.head")
    content = root.child("body", "body.content")
    hedline = body_head.child("hedline") if body_head else None
    headlines = hedline.all("hl1") + hedline.all("hl2") if hedline else []
    title = head.child("title") if head else None
    if not headlines and title is not None:
        headlines = [title]
    docdata = head.child("docdata") if head else None
    dateline = body_head.child("dateline") if body_head else None
    story_date = dateline.child("story.date") if dateline else None
    doc_id = _attr(docdata and docdata.child("doc-id"), "id-string")
    metadata = {
        "headline": " ".join(h.plain() for h in headlines),
        "agency": _text(body_head and body_head.child("distributor"))
        or _attr(docdata and docdata.child("doc.copyright"), "holder") or _attr(head and head.child("pubdata"), "name"),
        "date": _attr(docdata and docdata.child("date.issue"), "norm") or _attr(story_date,
                                                                                "norm") or _text(story_date),
        "dateline": _text(dateline),
        "id": doc_id,
    }
    return _Story(headlines, dateline, _paragraphs(content) if content else [], metadata, doc_id or None)


def _attr(element: _Element | None, name: str) -> str:
    return element.attrs.get(name, "") if element is not None else ""


def _text(element: _Element | None) -> str:
    return element.plain() if element is not None else ""


# -- NewsML-G2 ---------------------------------------------------------------------------

def _newsml_story(item: _Element) -> _Story:
    meta = item.child("itemMeta")
    content_meta = item.child("contentMeta")
    headline = content_meta.child("headline") if content_meta else None
    dateline = content_meta.child("dateline") if content_meta else None
    provider = meta.child("provider") if meta else None
    agency = (_text(content_meta and content_meta.child("creditline")) or _text(provider and provider.child("name"))
              or _attr(provider, "literal") or _attr(provider, "qcode").split(":", 1)[-1])
    dates = [_text(content_meta and content_meta.child("contentCreated")), _text(meta and meta.child("firstCreated")),
             _text(meta and meta.child("versionCreated"))]
    guid = item.attrs.get("guid")
    metadata = {
        "headline": _text(headline),
        "agency": agency,
        "date": next((d for d in dates if d), ""),
        "dateline": _text(dateline),
        "id": guid or "",
        "version": item.attrs.get("version", ""),
        "language": _attr(content_meta and content_meta.child("language"), "tag"),
    }
    return _Story([headline] if headline else [], dateline, _newsml_body(item), metadata, guid)


def _newsml_body(item: _Element) -> list[list[_Run]]:
    """Paragraphs of the first inline content: XHTML or NITF (`inlineXML`) or plain text
    (`inlineData`, its blank lines kept as paragraph breaks). Later alternatives repeat it."""
    content_set = item.child("contentSet")
    for c in content_set.children if content_set else ():
        if isinstance(c, _Element) and c.name == "inlineXML":
            nitf = c.child("nitf")
            inner = nitf.child("body", "body.content") if nitf else None
            return _paragraphs(inner or c)
        if isinstance(c, _Element) and c.name == "inlineData":
            return _plain_paragraphs(list(c.runs()))
    return []


def _plain_paragraphs(runs: list[_Run]) -> list[list[_Run]]:
    """Split plain-text runs into paragraphs at blank lines (expat hands over each line
    break as a run of its own, so a blank line spans runs)."""
    out: list[list[_Run]] = [[]]
    newlines = 0  # in the white space since the last word
    for run in runs:
        pos = 0
        for m in [*_SPACE.finditer(run.text), None]:
            end = m.start() if m else len(run.text)
            if end > pos:
                if newlines >= 2 and out[-1]:
                    out.append([])
                out[-1].append(_slice(run, pos, end))
                newlines = 0
            if m:
                newlines += m.group().count("\n")
                out[-1].append(_slice(run, m.start(), m.end()))
                pos = m.end()
    return [p for p in out if any(r.text.strip() for r in p)]


def _slice(run: _Run, start: int, end: int) -> _Run:
    return _Run(run.text[start:end], run.at + start if run.verbatim else run.at, run.verbatim,
                -1 if run.verbatim else run.end)


# -- readers -----------------------------------------------------------------------------

def _root(source: Source) -> _Element:
    return _TreeBuilder(source.text).parse(source.name)


def _nitf(source: Source, root: _Element) -> Iterator[Source]:
    yield _extract(source, _nitf_story(root), "nitf")


def _newsml(source: Source, root: _Element) -> Iterator[Source | InputProblem]:
    if root.name == "newsItem":
        yield _extract(source, _newsml_story(root), "newsml")
        return
    items = [i for s in root.all("itemSet") for i in s.all("newsItem")]
    if not items:
        raise InputProblem(source.name, "NewsML-G2 newsMessage without a newsItem")
    for item in items:
        try:
            yield _extract(source, _newsml_story(item), "newsml")
        except InputProblem as problem:  # a picture item among stories: that item only
            yield problem


_NEWSML_ROOTS = ("newsItem", "newsMessage")


def read_nitf(source: Source) -> Iterator[Source]:
    root = _root(source)
    if root.name != "nitf":
        raise InputProblem(source.name, f"not NITF (the root element is <{root.name}>, not <nitf>)")
    yield from _nitf(source, root)


def read_newsml(source: Source) -> Iterator[Source | InputProblem]:
    root = _root(source)
    if root.name not in _NEWSML_ROOTS:
        raise InputProblem(source.name, f"not NewsML-G2 (the root element is <{root.name}>, not <newsItem> or "
                                        "<newsMessage>)")
    yield from _newsml(source, root)


def read_wire_xml(source: Source) -> Iterator[Source | InputProblem]:
    """NITF or NewsML-G2, told apart by the root element."""
    root = _root(source)
    if root.name == "nitf":
        yield from _nitf(source, root)
    elif root.name in _NEWSML_ROOTS:
        yield from _newsml(source, root)
    else:
        raise InputProblem(source.name, f"XML that is neither NITF (<nitf>) nor NewsML-G2 (<newsItem>, "
                                        f"<newsMessage>): the root element is <{root.name}>")


register("nitf", (".nitf",), read_nitf, markup=True)
register("newsml", (), read_newsml, markup=True)
register("wire-xml", (".xml",), read_wire_xml, markup=True)
