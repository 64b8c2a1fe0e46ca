"""Which reader a file needs, by its format: one registry, used by every command.

A reader turns one decoded file (a `Source` of format "text") into the documents it
holds: one for a story in HTML, Markdown or wire XML (text extracted, offsets mapped
back), many for a JSONL archive. Format modules register themselves below; a file
whose extension no reader claims is read as plain text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

from mtcheck.read.text import DEFAULT_MAX_BYTES, InputProblem, Source, read_path, read_stdin

# format name -> function(decoded file) -> iterator of documents (raises InputProblem)
Reader = Callable[[Source], Iterator[Source]]
READERS: dict[str, Reader] = {}
# lower-case file extension (with the dot) -> format name
EXTENSIONS: dict[str, str] = {}


def register(name: str, extensions: tuple[str, ...], reader: Reader) -> None:
    READERS[name] = reader
    for ext in extensions:
        EXTENSIONS[ext.lower()] = name


def format_of(path: str | Path) -> str:
    return EXTENSIONS.get(Path(str(path)).suffix.lower(), "text")


def formats() -> list[str]:
    """Every format a user can name with --input-format."""
    _load_readers()
    return ["text", *sorted(READERS)]


def read_documents(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, fmt: str = "auto") -> Iterator[Source]:
    """The documents in a file ('-' for stdin), read with the reader its format needs.

    A problem with the whole file raises InputProblem before anything is yielded; a
    reader of many documents (JSONL) raises InputProblem for a bad record, naming it,
    and the caller decides whether to go on with the next."""
    _load_readers()
    name = str(path)
    source = read_stdin(max_bytes) if name == "-" else read_path(path, max_bytes)
    chosen = format_of(path) if fmt == "auto" else fmt
    if chosen == "text":
        yield source
        return
    reader = READERS.get(chosen)
    if reader is None:
        raise InputProblem(name, f"unknown input format {chosen!r} (known: {', '.join(formats())})")
    yield from reader(source)


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
_FORMAT_MODULES = ("mtcheck.read.markup", "mtcheck.read.wire", "mtcheck.read.jsonl")
