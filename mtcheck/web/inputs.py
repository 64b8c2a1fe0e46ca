"""Request text and uploaded bytes to documents, through the same readers as the CLI.

Nothing here touches the file system: a client's `name` only names the document and,
with format 'auto', picks the reader by its extension.
"""

from __future__ import annotations

from mtcheck.read import DEFAULT_MAX_BYTES, InputProblem, Source, decode
from mtcheck.read import formats as read_formats

Item = Source | InputProblem


def known_formats() -> list[str]:
    """Formats a request may name (the readers are imported on the first call)."""
    return ["auto", *read_formats.formats()]


def documents_from_bytes(data: bytes, name: str, fmt: str = "auto", max_bytes: int = DEFAULT_MAX_BYTES) -> list[Item]:
    """The documents in an uploaded file, or an InputProblem in place of each record that
    cannot be read. Raises InputProblem when the whole input is unusable. `max_bytes` limits
    what a packed format (a Word file) may unpack to."""
    formats = known_formats()
    if fmt not in formats:
        raise InputProblem(name, f"unknown input format {fmt!r} (known: {', '.join(formats)})")
    chosen = read_formats.format_of(name) if fmt == "auto" else fmt
    if chosen in read_formats.BYTES_READERS:
        return list(read_formats.BYTES_READERS[chosen](data, name, max_bytes))
    source = decode(data, name)
    if chosen == "text":
        return [source]
    return list(read_formats.READERS[chosen](source))


def documents_from_text(text: str, name: str, fmt: str = "auto") -> list[Item]:
    """Like documents_from_bytes, for text sent in a JSON body: the same checks (empty,
    binary control characters) and the same messages as for a file."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:  # JSON may carry "\ud800", which is no character
        raise InputProblem(name,
                           f"lone surrogate U+{ord(text[exc.start]):04X} at character {exc.start}, not text") from None
    if fmt == "auto" and read_formats.format_of(name) in read_formats.BYTES_READERS:
        fmt = "text"  # text sent for "story.docx" is the text of it (as /v1/extract gave it), never its bytes
    return documents_from_bytes(data, name, fmt)


def one_document(text: str, name: str, fmt: str = "auto") -> Source:
    """The single document a side of an alignment (or a fix) needs."""
    items = documents_from_text(text, name, fmt)
    for item in items:
        if isinstance(item, InputProblem):
            raise item
    if len(items) != 1:
        raise InputProblem(name, f"holds {len(items)} documents; this takes one story")
    (source,) = (item for item in items if isinstance(item, Source))
    return source
