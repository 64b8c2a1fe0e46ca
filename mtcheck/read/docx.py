"""Word documents (.docx): the story's paragraphs, as a newsroom files it from Word.

A .docx is a ZIP archive; the text is in `word/document.xml`. Each Word paragraph becomes a
paragraph of the text, blank lines between; a tab is a tab, a line break a line break. What
a reader of the printed page does not see is left out: text deleted or moved away under
tracked changes, field instructions, paragraph properties. Text boxes and table cells are
paragraphs of their own. The document's title, author and creation date (`docProps/core.xml`)
go to `metadata`.

Findings are placed in the text as extracted (a paragraph a line), not in the ZIP's bytes, so
`fix` does not rewrite Word files. The archive and its XML are read within the input limit
(--max-bytes, which a part's uncompressed size must keep to as well: no ZIP bomb), with the
`safe_xml` parser (no entities, no external DTD, bounded nesting). A Word file is read from a
path, stdin (`--input-format docx -`) or, in `serve`, an upload: from its bytes, never decoded.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from xml.parsers import expat

from mtcheck.read import safe_xml
from mtcheck.read.formats import register
from mtcheck.read.text import InputProblem, Source

DOCUMENT, CORE = "word/document.xml", "docProps/core.xml"
# What zipfile raises for a damaged archive: its own error, zlib's, a bad field's ValueError, a
# truncation's EOFError, an encrypted part's RuntimeError, an unknown compression method.
_DAMAGED = (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError, NotImplementedError)
# Elements whose text and children a reader does not see: tracked deletions and moves away.
_HIDDEN = frozenset({"del", "moveFrom"})
# Elements of a run that stand for a character.
_RUN_CHARACTERS = {"tab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-"}
# docProps/core.xml element -> metadata key
_CORE_FIELDS = {"title": "title", "creator": "author", "created": "date"}


def docx_documents(data: bytes, name: str, max_bytes: int) -> Iterator[Source | InputProblem]:
    """The document of a Word file's bytes (from a file, stdin or an upload)."""
    if not data:
        raise InputProblem(name, "empty file (no text to check)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _DAMAGED:
        raise InputProblem(name, "not a Word document (.docx is a ZIP archive; a password-protected or older .doc "
                                 "file is not): save it as .docx, or as plain text") from None
    with archive:
        body = _part(archive, DOCUMENT, name, max_bytes)
        if body is None:
            raise InputProblem(name, f"not a Word document (the ZIP archive has no {DOCUMENT})")
        text = _Paragraphs().read(body, name)
        core = _part(archive, CORE, name, max_bytes)
    if not text.strip():
        raise InputProblem(name, "empty document (no text to check)")
    metadata = _core_metadata(core, name) if core is not None else {}
    yield Source(name=name, text=text, format="docx", metadata=metadata)


def _from_text(source: Source) -> Iterator[Source | InputProblem]:
    """A Word document is read from its bytes: decoded text is never one."""
    yield InputProblem(source.name, "a Word document (.docx) is read from its bytes, not from decoded text")


def _part(archive: zipfile.ZipFile, part: str, name: str, max_bytes: int) -> bytes | None:
    """A part of the archive, at most `max_bytes` uncompressed; None when it has none."""
    try:
        with archive.open(part) as fh:
            data = fh.read(max_bytes + 1)
    except KeyError:
        return None
    except _DAMAGED as exc:
        raise InputProblem(name, f"cannot read {part} of the Word document: a damaged archive ({exc})") from None
    if len(data) > max_bytes:
        raise InputProblem(name, f"{part} is over {max_bytes:,} bytes uncompressed (the input limit, set with "
                                 "--max-bytes)")
    return data


def _parse(data: bytes, name: str, part: str, start: Callable[[str], None], end: Callable[[str], None],
           text: Callable[[str], None]) -> None:
    """One pass of the safe parser over a part: `start` and `end` get local element names
    (namespaces dropped), nesting is bounded, and a refusal or XML that is not well-formed is
    the file's one-line problem."""
    depth = 0

    def on_start(qualified: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        safe_xml.entering(depth)
        start(qualified.rpartition(" ")[2])

    def on_end(qualified: str) -> None:
        nonlocal depth
        depth -= 1
        end(qualified.rpartition(" ")[2])

    p = safe_xml.parser()
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = on_start, on_end, text
    try:
        p.Parse(data, True)
    except safe_xml.Refused as exc:
        raise InputProblem(name, f"{part}: {exc}") from None
    except expat.ExpatError as exc:
        raise InputProblem(name, f"{part} is not well-formed XML ({exc})") from None


class _Paragraphs:
    """word/document.xml's paragraphs, keeping the text a reader sees."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.open: list[list[str]] = []  # the text of each paragraph being read (a text box nests one)
        self.hidden = 0  # depth inside a tracked deletion or move away (0: outside)
        self.runs = 0  # how many runs (w:r) enclose the parser
        self.in_text = False  # inside w:t: its characters are text

    def read(self, data: bytes, name: str) -> str:
        _parse(data, name, DOCUMENT, self._start, self._end, self._data)
        return "\n\n".join(self.paragraphs)

    def _start(self, element: str) -> None:
        if self.hidden or element in _HIDDEN:
            self.hidden += 1
        elif element == "p":
            self.open.append([])
        elif element == "r":
            self.runs += 1
        elif element == "t":
            self.in_text = True
        elif self.runs and self.open and element in _RUN_CHARACTERS:
            self.open[-1].append(_RUN_CHARACTERS[element])

    def _end(self, element: str) -> None:
        if self.hidden:
            self.hidden -= 1
        elif element == "p" and self.open:
            text = "".join(self.open.pop())
            if text.strip():
                self.paragraphs.append(text)
        elif element == "r":
            self.runs -= 1
        elif element == "t":
            self.in_text = False

    def _data(self, data: str) -> None:
        if self.in_text and not self.hidden and self.open:
            self.open[-1].append(data)


def _core_metadata(data: bytes, name: str) -> dict[str, str]:
    """Title, author and creation date from docProps/core.xml (what it has of them)."""
    found: dict[str, str] = {}
    current: str | None = None

    def start(element: str) -> None:
        nonlocal current
        current = _CORE_FIELDS.get(element)

    def end(element: str) -> None:
        nonlocal current
        current = None

    def text(data: str) -> None:
        if current is not None:
            found[current] = found.get(current, "") + data

    _parse(data, name, CORE, start, end, text)
    return {key: value.strip() for key, value in found.items() if value.strip()}


register("docx", (".docx",), _from_text, from_bytes=docx_documents)
