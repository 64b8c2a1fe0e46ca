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
from collections.abc import Iterator, Sequence
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
        self._pending_end: int | None = None

    def copy(self, original_start: int, text: str) -> None:
        """`text` stands verbatim at `original_start` in the file."""
        if text:
            self._flush(original_start)
            self.parts.append(text)
            self.offsets.copy(original_start, len(text))

    def insert(self, original_at: int, text: str, original_end: int | None = None) -> None:
        """`text` stands for the markup at original[original_at:original_end] (a decoded
        entity), or for nothing at `original_at`."""
        if text:
            self._flush(original_at)
            self.parts.append(text)
            self.offsets.insert(len(text), original_at, original_end)

    def separate(self, separator: str, original_at: int | None = None, original_end: int | None = None) -> None:
        """Put `separator` before the next text: the stronger of two pending ones wins. It
        stands for original[original_at:original_end] (white space), or for nothing."""
        if not self.parts:
            return
        # Of two alike (white space either side of a tag) the later stands for it: the one next to
        # the text that follows, so " ," after "<b>" is the space and comma as written.
        if self._pending is None or _STRENGTH[separator] >= _STRENGTH[self._pending]:
            self._pending, self._pending_at, self._pending_end = separator, original_at, original_end

    def _flush(self, next_at: int) -> None:
        if self._pending is not None:
            self.parts.append(self._pending)
            at = self._pending_at if self._pending_at is not None else next_at
            self.offsets.insert(len(self._pending), at, self._pending_end)
            self._pending = self._pending_at = self._pending_end = None

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
        children = token.children or []
        if not _inline_prose(children).strip():
            continue
        first, last = token.map[0], token.map[1] - 1
        lo = max(starts[first], row_cursor.get(first, 0))
        hi = _line_end(text, starts, last)
        builder.separate("\n\n")
        row_cursor[first] = _InlineAligner(builder, text, lo, hi).run(children)
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


# How far past the cursor a piece of prose may stand (markup between: `*`, `[`, a tag).
_MARKUP_REACH = 1024
# How far a single character may stand past the cursor (an entity, an escape, `**`).
_CHARACTER_REACH = 64
_MARKDOWN_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_WORD_CHARACTER = re.compile(r"[^\W_]")
_ANY_SPACE = re.compile(r"\s")


class _InlineAligner:
    """Maps the prose of one block's inline tokens onto text[lo:hi], the markup it came from,
    left to right: the parser does not say where each piece came from.

    A piece of prose that stands verbatim in the source (nearly all of them) is found with
    str.find near the cursor; one that does not (an entity or a backslash escape in it) is
    walked character by character with a bounded look-ahead. Link destinations and images,
    which hold text that is not prose, are stepped over. Every step moves the cursor forward
    by a bounded amount, so a block of any length or shape costs time linear in its length,
    and nothing is mapped to text it does not equal (a decoded entity is an insert standing
    for the whole entity)."""

    def __init__(self, builder: TextBuilder, text: str, lo: int, hi: int):
        self.builder, self.text, self.pos, self.hi = builder, text, lo, hi

    def run(self, children) -> int:
        """Add the prose of the block; returns where it ended in the source."""
        for child in children:
            kind = child.type
            if kind in ("text", "code_inline"):
                if child.content:
                    self._prose(child.content)
            elif kind in ("softbreak", "hardbreak"):
                self._line_break()
            elif kind == "html_inline":
                self._skip_verbatim(child.content)
            elif kind == "image":
                self._skip_image()
            elif kind == "link_close":
                self._skip_link_end(child.markup == "autolink")
        return self.pos

    def _prose(self, piece: str) -> None:
        text, pos = self.text, self.pos
        at = text.find(piece, pos, min(self.hi, pos + len(piece) + _MARKUP_REACH))
        # What lies between is markup (`*`, a backtick, a line's "> "), never a letter or a
        # digit: a piece found past one is found in the wrong place (inline code written across
        # a line break reads as a space, which stands further on as well).
        if at >= 0 and _WORD_CHARACTER.search(text, pos, at) is None:
            self.builder.copy(at, piece)
            self.pos = at + len(piece)
        else:
            self._walk(piece)

    def _walk(self, piece: str) -> None:
        """Map `piece` character by character: verbatim runs, entities, escapes, markup skipped."""
        text, hi, builder = self.text, self.hi, self.builder
        i, n = 0, len(piece)
        while i < n:
            pos, c = self.pos, piece[i]
            here = text[pos] if pos < hi else ""
            if here == "&":
                m = _REFERENCE.match(text, pos, hi)
                decoded = html.unescape(m.group()) if m else ""
                if m and decoded != m.group() and piece.startswith(decoded, i):
                    builder.insert(pos, decoded, m.end())
                    i, self.pos = i + len(decoded), m.end()
                    continue
            if here == "\\" and pos + 1 < hi and text[pos + 1] == c and c != "\\":
                builder.copy(pos + 1, c)  # a backslash escape: the backslash is markup
                i, self.pos = i + 1, pos + 2
                continue
            if here == c:
                j, q = i + 1, pos + 1
                while j < n and q < hi and text[q] == piece[j] and text[q] not in "&\\":
                    j, q = j + 1, q + 1
                builder.copy(pos, piece[i:j])
                i, self.pos = j, q
                continue
            if c.isspace() and here.isspace():  # a line break read as a space (inline code)
                builder.insert(pos, c, pos + 1)
                i, self.pos = i + 1, pos + 1
                continue
            ahead = self._next_for(piece, i, pos + 1, min(hi, pos + _CHARACTER_REACH))
            if ahead >= 0:
                self.pos = ahead  # markup before it; the next turn takes it
            else:
                builder.insert(pos, c)  # no counterpart in the source
                i += 1

    def _next_for(self, piece: str, i: int, lo: int, hi: int) -> int:
        """Where piece[i] stands next in text[lo:hi]: itself, backslash-escaped, or as the start
        of an entity that decodes to what follows in the piece; -1 when nowhere."""
        text, c = self.text, piece[i]
        if c.isspace():  # any white space may stand for it (a line break in inline code)
            m = _ANY_SPACE.search(text, lo, hi)
            best = m.start() if m else -1
        else:
            best = text.find(c, lo, hi)
        escaped = text.find("\\" + c, lo, hi)
        if escaped >= 0 and (best < 0 or escaped < best):
            best = escaped
        amp = text.find("&", lo, best if best >= 0 else hi)
        while amp >= 0:
            m = _REFERENCE.match(text, amp, self.hi)
            if m and html.unescape(m.group()) != m.group() and piece.startswith(html.unescape(m.group()), i):
                return amp
            amp = text.find("&", amp + 1, best if best >= 0 else hi)
        return best

    def _line_break(self) -> None:
        m = _MARKDOWN_LINE_BREAK.search(self.text, self.pos, self.hi)
        if m is None:
            self.builder.insert(self.pos, "\n")
        elif m.group() == "\n":
            self.builder.copy(m.start(), "\n")
            self.pos = m.end()
        else:
            self.builder.insert(m.start(), "\n", m.end())
            self.pos = m.end()

    def _skip_verbatim(self, markup: str) -> None:
        at = self.text.find(markup, self.pos, min(self.hi, self.pos + len(markup) + _MARKUP_REACH))
        if at >= 0:
            self.pos = at + len(markup)

    def _skip_image(self) -> None:
        """Step over `![alt](destination)`, `![alt][ref]` or `![alt]`."""
        at = self.text.find("![", self.pos, min(self.hi, self.pos + _MARKUP_REACH))
        end = _bracketed_end(self.text, at + 1, self.hi) if at >= 0 else -1
        if end >= 0:
            self.pos = end
            self._skip_destination()

    def _skip_link_end(self, autolink: bool) -> None:
        """Step over the `](destination)`, `][ref]` or `>` that closes a link."""
        text = self.text
        at = text.find(">" if autolink else "]", self.pos, min(self.hi, self.pos + _CHARACTER_REACH))
        if at < 0:
            return
        self.pos = at + 1
        if not autolink:
            self._skip_destination()

    def _skip_destination(self) -> None:
        if self.text.startswith(("(", "["), self.pos):
            end = _bracketed_end(self.text, self.pos, self.hi)
            if end >= 0:
                self.pos = end


# How long a link destination or an image's alt text may be (a data: URI can be long); a
# bound, so that brackets that never close cannot make every link rescan the block.
_DESTINATION_REACH = 1 << 14
# A backslash escape (one unit, so an escaped bracket never counts), or a bracket.
_BRACKETS = {"(": re.compile(r"\\.|[()]", re.DOTALL), "[": re.compile(r"\\.|[\[\]]", re.DOTALL)}


def _bracketed_end(text: str, at: int, hi: int) -> int:
    """Where the bracket opening at text[at] closes (nested pairs and escapes allowed), plus
    one; -1 when it does not close within _DESTINATION_REACH characters or before `hi`."""
    opening = text[at]
    depth = 0
    for m in _BRACKETS[opening].finditer(text, at, min(hi, at + _DESTINATION_REACH)):
        c = m.group()
        if len(c) == 2:
            continue  # escaped
        depth += 1 if c == opening else -1
        if depth == 0:
            return m.end()
    return -1


def _line_end(text: str, starts: Sequence[int], line: int) -> int:
    """Offset of the end of a 0-based line, before its line break."""
    end = starts[line + 1] if line + 1 < len(starts) else len(text)
    while end > starts[line] and text[end - 1] in "\r\n":
        end -= 1
    return end


def _blank_front_matter(text: str, starts: Sequence[int]) -> str:
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
_HTML_WHITE = " \t\n\r\f"  # HTML's white space (not U+00A0: &nbsp; is text)
_WHITESPACE = re.compile(f"[{_HTML_WHITE}]+")


def layout_space(white: str) -> re.Pattern[str]:
    """The white space of a markup's text that is read as one space, for a markup whose white
    space is the characters `white` (a space among them): all of it but a single space between
    two words, which is copied with them (most of a text's spaces; a piece each would make the
    extraction's map a run per word)."""
    others = white.replace(" ", "")
    return re.compile(f"[{re.escape(white)}]{{2,}}|[{re.escape(others)}]|\\A | \\Z")


_LAYOUT_SPACE = layout_space(_HTML_WHITE)
_REFERENCE = re.compile(r"&(?:#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);?")
_NEWLINE = re.compile("\n")


class _ProseParser(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.source_text = text
        self.newlines = [0, *(m.end() for m in _NEWLINE.finditer(text))]  # html.parser counts lines by "\n"
        self.builder = TextBuilder()
        self.skipping: list[str] = []  # open skipped elements, innermost last
        self.skipped: dict[str, int] = {}  # how many of each are open (a deep document stays linear)

    def position(self) -> int:
        line, column = self.getpos()
        return self.newlines[line - 1] + column

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "body" and self.skipped.get("head"):  # a head never closed ends where the body starts
            self._close_skipped("head")
        if tag in _SKIPPED:
            self.skipping.append(tag)
            self.skipped[tag] = self.skipped.get(tag, 0) + 1
        elif tag == "br":
            self.builder.separate("\n", self.position())
        elif tag in _BLOCKS:
            self.builder.separate("\n\n", self.position())

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag not in _SKIPPED:  # <svg/> and the like hold nothing
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.skipped.get(tag):
            self._close_skipped(tag)
        elif tag in _BLOCKS:
            self.builder.separate("\n\n", self.position())

    def _close_skipped(self, tag: str) -> None:
        """Close the innermost open `tag` and the skipped elements opened inside it."""
        while self.skipping:
            inner = self.skipping.pop()
            self.skipped[inner] -= 1
            if inner == tag:
                return

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        at = self.position()
        if not self.source_text.startswith(data, at):  # never seen; a copy must be verbatim
            self.builder.insert(at, data)
            return
        pos = 0
        for m in _LAYOUT_SPACE.finditer(data):
            self.builder.copy(at + pos, data[pos:m.start()])
            self.builder.separate(" ", at + m.start(), at + m.end())  # any run of white space reads as one space
            pos = m.end()
        self.builder.copy(at + pos, data[pos:])

    def _reference(self, raw: str) -> None:
        """An entity or character reference, `raw` as the parser consumed it."""
        if self.skipping:
            return
        at = self.position()
        if not self.source_text.startswith(raw, at):
            return
        decoded = html.unescape(raw)
        if decoded == raw:
            self.builder.copy(at, raw)
            return
        # "&ampfoo.." is the entity "&amp" and "foo.." as written: only what was decoded is an
        # insert, the rest a copy.
        kept = 0  # characters at the end that came through as written
        while kept < min(len(raw), len(decoded)) - 1 and raw[-1 - kept] == decoded[-1 - kept]:
            kept += 1
        entity, value = raw[:len(raw) - kept], decoded[:len(decoded) - kept]
        if _WHITESPACE.fullmatch(value):
            self.builder.separate(" ", at, at + len(entity))
        else:
            self.builder.insert(at, value, at + len(entity))
        self.builder.copy(at + len(entity), raw[len(entity):])

    def handle_entityref(self, name: str) -> None:
        self._reference(self._consumed("&" + name))

    def handle_charref(self, name: str) -> None:
        self._reference(self._consumed("&#" + name))

    def _consumed(self, raw: str) -> str:
        """The reference with its ";" when it has one (the parser consumes it too)."""
        end = self.position() + len(raw)
        return raw + ";" if self.source_text.startswith(";", end) else raw


def read_html(source: Source) -> Iterator[Source]:
    parser = _ProseParser(source.text)
    try:
        parser.feed(source.text)
        parser.close()
    except (AssertionError, ValueError) as exc:  # html.parser's last-resort complaints
        raise InputProblem(source.name, f"cannot parse HTML ({exc})") from None
    yield _extracted(source, parser.builder, "html")


register("markdown", (".md", ".markdown"), read_markdown, markup=True)
register("html", (".html", ".htm"), read_html, markup=True)

__all__ = ["TextBuilder", "layout_space", "read_html", "read_markdown"]
