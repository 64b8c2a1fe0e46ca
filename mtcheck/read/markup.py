"""Markdown and HTML input: the prose extracted, every character mapped back to the file.

The extracted text has one paragraph per block (paragraph, heading, list item, table
cell, quote) separated by blank lines. Code blocks, inline images, raw HTML blocks in
Markdown, front matter, and HTML's head, script, style, pre, nav and the like are
skipped; entities are decoded. `Source.extraction` maps the extracted text back, so
`Checker.check_source` reports findings at the file's own lines and columns.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser

from mtcheck.read.formats import register
from mtcheck.read.offsets import LineIndex, OffsetMap
from mtcheck.read.text import Extraction, InputProblem, Source

_FRONT_MATTER = {"---": ("---", "..."), "+++": ("+++",)}
_STRENGTH = {" ": 0, "\n": 1, "\n\n": 2}  # of separators: a paragraph break beats a line break beats a space


class TextBuilder:
    """Extracted text and its OffsetMap, built piece by piece. Separators are added lazily,
    so the text never starts or ends with one and never doubles them."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offsets = OffsetMap()
        self._pending: str | None = None  # separator due before the next text
        self._pending_at: int | None = None

    def copy(self, original_start: int, text: str) -> None:
        """`text` stands verbatim at `original_start` in the file."""
        if text:
            self._flush(original_start)
            self.parts.append(text)
            self.offsets.copy(original_start, len(text))

    def insert(self, original_at: int, text: str) -> None:
        """`text` stands for the markup at `original_at` (a decoded entity)."""
        if text:
            self._flush(original_at)
            self.parts.append(text)
            self.offsets.insert(len(text), original_at)

    def separate(self, separator: str, original_at: int | None = None) -> None:
        """Put `separator` before the next text: the stronger of two pending ones wins."""
        if not self.parts:
            return
        if self._pending is None or _STRENGTH[separator] > _STRENGTH[self._pending]:
            self._pending, self._pending_at = separator, original_at

    def _flush(self, next_at: int) -> None:
        if self._pending is not None:
            self.parts.append(self._pending)
            self.offsets.insert(len(self._pending), self._pending_at if self._pending_at is not None else next_at)
            self._pending = self._pending_at = None

    def text(self) -> str:
        return "".join(self.parts)


def _extracted(source: Source, builder: TextBuilder, fmt: str) -> Source:
    text = builder.text()
    if not text.strip():
        raise InputProblem(source.name, f"no prose to check in this {fmt} file (only markup, code or front matter)")
    return dataclasses.replace(source, text=text, format=fmt, extraction=Extraction(source.text, builder.offsets))


# -- Markdown ---------------------------------------------------------------------------


def read_markdown(source: Source) -> Iterator[Source]:
    from markdown_it import MarkdownIt

    text = source.text
    starts = LineIndex(text).starts
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    tokens = parser.parse(_blank_front_matter(text, starts))
    builder = TextBuilder()
    row_cursor: dict[int, int] = {}  # table cells share a line: search each after the last
    for token in tokens:
        if token.type != "inline" or token.map is None:
            continue
        prose = _inline_prose(token.children or [])
        if not prose.strip():
            continue
        first, last = token.map[0], token.map[1] - 1
        lo = max(starts[first], row_cursor.get(first, 0))
        hi = _line_end(text, starts, last)
        builder.separate("\n\n")
        row_cursor[first] = _align(builder, prose, text, lo, hi)
    yield _extracted(source, builder, "markdown")


def _inline_prose(children) -> str:
    """The text a reader sees of an inline token: text, inline code, line breaks; not images or raw HTML."""
    out = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)


def _align(builder: TextBuilder, prose: str, text: str, lo: int, hi: int) -> int:
    """Add `prose` mapped onto text[lo:hi], the markup it came from; returns where it ended.

    The parser does not say where each character came from, so the prose is aligned with
    its source (longest common subsequence: markup is what the source has in addition;
    a decoded entity or escape is what differs)."""
    from rapidfuzz.distance import Indel

    block = text[lo:hi]
    end = lo
    for op in Indel.opcodes(prose, block):
        piece = prose[op.src_start:op.src_end]
        if op.tag == "equal":
            builder.copy(lo + op.dest_start, piece)
            end = lo + op.dest_end
        elif piece:  # "delete": prose characters that are written differently in the source
            builder.insert(lo + op.dest_start, piece)
    return end


def _line_end(text: str, starts: list[int], line: int) -> int:
    """Offset of the end of a 0-based line, before its line break."""
    end = starts[line + 1] if line + 1 < len(starts) else len(text)
    while end > starts[line] and text[end - 1] in "\r\n":
        end -= 1
    return end


def _blank_front_matter(text: str, starts: list[int]) -> str:
    """`text` with YAML (---) or TOML (+++) front matter emptied, line count kept."""
    first = text[:_line_end(text, starts, 0)].rstrip()
    closers = _FRONT_MATTER.get(first)
    if closers is None:
        return text
    for line in range(1, len(starts)):
        if text[starts[line]:_line_end(text, starts, line)].rstrip() in closers:
            return "\n" * (line + 1) + text[starts[line + 1]:] if line + 1 < len(starts) else "\n" * (line + 1)
    return text  # never closed: not front matter


# -- HTML -------------------------------------------------------------------------------

_SKIPPED = frozenset({"head", "script", "style", "pre", "noscript", "template", "svg", "math", "textarea", "nav",
                      "iframe", "object", "canvas", "select", "button"})
_BLOCKS = frozenset({"address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div", "dl",
                     "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
                     "header", "hgroup", "hr", "li", "main", "ol", "p", "section", "summary", "table", "tbody", "td",
                     "tfoot", "th", "thead", "title", "tr", "ul"})
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's white space (not U+00A0: &nbsp; is text)
_REFERENCE = re.compile(r"&(?:#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);?")


class _ProseParser(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.source_text = text
        self.newlines = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self.builder = TextBuilder()
        self.skipping: list[str] = []

    def position(self) -> int:
        line, column = self.getpos()  # html.parser counts lines by "\n" only
        return self.newlines[line - 1] + column

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "body" and "head" in self.skipping:  # a head never closed ends where the body starts
            del self.skipping[self.skipping.index("head"):]
        if tag in _SKIPPED:
            self.skipping.append(tag)
        elif tag == "br":
            self.builder.separate("\n", self.position())
        elif tag in _BLOCKS:
            self.builder.separate("\n\n", self.position())

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag not in _SKIPPED:  # <svg/> and the like hold nothing
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.skipping:
            del self.skipping[len(self.skipping) - 1 - self.skipping[::-1].index(tag):]
        elif tag in _BLOCKS:
            self.builder.separate("\n\n", self.position())

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        at = self.position()
        pos = 0
        for m in _WHITESPACE.finditer(data):
            self.builder.copy(at + pos, data[pos:m.start()])
            self.builder.separate(" ", at + m.start())  # any run of white space reads as one space
            pos = m.end()
        self.builder.copy(at + pos, data[pos:])

    def _reference(self) -> None:
        if self.skipping:
            return
        at = self.position()
        m = _REFERENCE.match(self.source_text, at)
        raw = m.group() if m else "&"
        decoded = html.unescape(raw)
        if decoded == raw:
            self.builder.copy(at, raw)
        elif _WHITESPACE.fullmatch(decoded):
            self.builder.separate(" ", at)
        else:
            self.builder.insert(at, decoded)

    def handle_entityref(self, name: str) -> None:
        self._reference()

    def handle_charref(self, name: str) -> None:
        self._reference()


def read_html(source: Source) -> Iterator[Source]:
    parser = _ProseParser(source.text)
    try:
        parser.feed(source.text)
        parser.close()
    except (AssertionError, ValueError) as exc:  # html.parser's last-resort complaints
        raise InputProblem(source.name, f"cannot parse HTML ({exc})") from None
    yield _extracted(source, parser.builder, "html")


register("markdown", (".md", ".markdown"), read_markdown)
register("html", (".html", ".htm"), read_html)

__all__ = ["TextBuilder", "read_html", "read_markdown"]
