"""Which reader a file needs, by its format: one registry, used by every command.

A reader turns one decoded file (a `Source` of format "text") into the documents it
holds: one for a story in HTML, Markdown or wire XML (text extracted, offsets mapped
back), many for a JSONL archive. Format modules register themselves below; a file
whose extension no reader claims is read as plain text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from mtcheck.read.text import (
    DEFAULT_MAX_BYTES,
    STDIN_NAME,
    InputProblem,
    Source,
    read_bytes,
    read_path,
    read_stdin,
    read_stdin_bytes,
    with_lf_line_ends,
)

# format name -> function(decoded file) -> iterator of documents. A problem with the whole
# file is raised as InputProblem; a reader of many documents (JSONL) yields an InputProblem
# in place of a bad record, naming it, and goes on with the next.
Reader = Callable[[Source], Iterator[Source | InputProblem]]
READERS: dict[str, Reader] = {}
# format name -> function(path, max_bytes) that reads a file of many documents record by
# record, so a multi-gigabyte archive is never held whole (max_bytes then limits a record)
StreamReader = Callable[[Path, int], Iterator[Source | InputProblem]]
STREAM_READERS: dict[str, StreamReader] = {}
# format name -> function(bytes, name, max_bytes) for a format that is not text (a Word file):
# its documents from the file's bytes, never decoded; max_bytes also limits what it unpacks
BytesReader = Callable[[bytes, str, int], Iterator[Source | InputProblem]]
BYTES_READERS: dict[str, BytesReader] = {}
# lower-case file extension (with the dot) -> format name
EXTENSIONS: dict[str, str] = {}
# The formats whose text is extracted from markup (HTML, Markdown, wire XML): suppressions are
# written in them as comments (`<!-- mtcheck-disable ... -->`), not as lines of their own. Read
# through `is_markup`, which loads the readers first.
_MARKUP_FORMATS: set[str] = set()


def register(name: str, extensions: tuple[str, ...], reader: Reader, stream: StreamReader | None = None,
             from_bytes: BytesReader | None = None, markup: bool = False) -> None:
    READERS[name] = reader
    if markup:
        _MARKUP_FORMATS.add(name)
    if stream is not None:
        STREAM_READERS[name] = stream
    if from_bytes is not None:
        BYTES_READERS[name] = from_bytes
    for ext in extensions:
        EXTENSIONS[ext.lower()] = name


def format_of(path: str | Path) -> str:
    suffix = Path(str(path)).suffix.lower()
    if suffix not in CLAIMED_EXTENSIONS:
        return "text"  # (known without importing the format modules: `check` on a .txt story)
    _load_readers()  # the extensions are registered by the reader modules as they are imported
    return EXTENSIONS.get(suffix, "text")


def formats() -> list[str]:
    """Every format a user can name with --input-format."""
    _load_readers()
    return ["text", *sorted(READERS)]


def read_documents(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, fmt: str = "auto",
                   encoding: str | None = None) -> Iterator[Source]:
    """The documents in a file ('-' for stdin), read with the reader its format needs;
    `encoding` names a legacy encoding (default: UTF-8, or what a byte-order mark says).

    Raises InputProblem at the first problem: with the whole file, before anything is
    yielded, or with one record of many (JSONL), naming it. `iter_documents` goes on
    past bad records instead."""
    for item in iter_documents(path, max_bytes, fmt, encoding):
        if isinstance(item, InputProblem):
            raise item
        yield item


def iter_documents(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, fmt: str = "auto",
                   encoding: str | None = None) -> Iterator[Source | InputProblem]:
    """Like `read_documents`, but a problem is yielded in place of the file or record that
    cannot be read, so one bad record never stops the others; never raises InputProblem."""
    try:
        yield from _documents(path, max_bytes, fmt, encoding)
    except InputProblem as problem:
        yield problem


def is_markup(fmt: str) -> bool:
    """Whether documents of format `fmt` are extracted from markup. Asks the readers, loading
    them when `fmt` is not plain text and none has registered it yet (a `Source` made by hand
    in the Python API meets a registry no file has filled)."""
    if fmt != "text" and fmt not in READERS:
        _load_readers()
    return fmt in _MARKUP_FORMATS


def chosen_format(name: str | Path, fmt: str = "auto") -> str:
    """The format a file is read as (`fmt`, or by its extension); InputProblem for an unknown one."""
    chosen = format_of(name) if fmt == "auto" else fmt
    if chosen != "text":
        _load_readers()
    if chosen != "text" and chosen not in READERS:
        raise InputProblem(str(name), f"unknown input format {chosen!r} (known: {', '.join(formats())})")
    return chosen


def documents_of(source: Source, fmt: str) -> Iterator[Source | InputProblem]:
    """The documents of a file already read and decoded, by the reader of format `fmt`."""
    if fmt == "text":
        source = with_lf_line_ends(source)  # (rebound: the text with CRs is let go while it is checked)
        yield source
        return
    _load_readers()
    yield from READERS[fmt](source)


def _documents(path: str | Path, max_bytes: int, fmt: str,
               encoding: str | None = None) -> Iterator[Source | InputProblem]:
    name = str(path)
    chosen = chosen_format(path, fmt)
    if encoding is not None and (chosen in BYTES_READERS or (name != "-" and chosen in STREAM_READERS)) \
            and encoding.lower().replace("-", "").replace("_", "") not in ("utf8", "utf8sig"):
        raise InputProblem(name, f"--encoding {encoding} does not apply to {chosen} (it is UTF-8 by definition)")
    if chosen in BYTES_READERS:
        if name == "-":
            yield from BYTES_READERS[chosen](read_stdin_bytes(max_bytes), STDIN_NAME, max_bytes)
        else:
            yield from BYTES_READERS[chosen](read_bytes(path, max_bytes, name)[0], name, max_bytes)
        return
    if name != "-" and chosen in STREAM_READERS:
        yield from STREAM_READERS[chosen](Path(path), max_bytes)
        return
    # (Not bound to a name here: `documents_of` may let the text as read go.)
    yield from documents_of(read_stdin(max_bytes, encoding=encoding) if name == "-"
                            else read_path(path, max_bytes, encoding), chosen)


def _load_readers() -> None:
    """Import the format modules, which register themselves (kept lazy: `check` on plain
    text does not pay for XML or Markdown parsers)."""
    import importlib

    for module in _FORMAT_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:  # a reader whose own dependency is missing is a real error
                raise


# Each module calls register(...) at import time.
_FORMAT_MODULES = ("mtcheck.read.markup", "mtcheck.read.wire", "mtcheck.read.jsonl", "mtcheck.read.docx")
# Every extension those modules register (tests/test_conventions.py keeps the two in step): a
# file with none of them is plain text, known without importing the modules (their parsers
# and patterns are a few milliseconds of a one-story `check`).
CLAIMED_EXTENSIONS = frozenset({".md", ".markdown", ".html", ".htm", ".nitf", ".xml", ".jsonl", ".docx"})
