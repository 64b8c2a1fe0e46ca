"""Plain-text reading: UTF-8 (with or without BOM), UTF-16 with BOM, any line ending; a
legacy encoding (cp1252, GB18030, Big5, ...) when the caller names it (`--encoding`).

The decoded text keeps its line endings, so offsets and line:column numbers point
into what the user's editor shows. Only the BOM is dropped.

Only regular files are read: a named pipe, a socket or a device is refused before it is
read from (a FIFO would block the run forever, /dev/zero never ends), and so is a
symbolic link loop, each in one line. A NUL byte anywhere means binary.
"""

from __future__ import annotations

import codecs
import dataclasses
import errno
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtcheck.memory import after_reading
from mtcheck.read.offsets import ChainedMap, LineEndMap, RecordPosition, TextMap

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# What standard input ('-' on the command line) is called in every report and output format.
STDIN_NAME = "stdin"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 controls other than tab, LF, VT, FF, CR; ESC is allowed (terminal captures).
_BINARY_CONTROLS = bytes([*range(9), *range(14, 27), *range(28, 32)])


class InputProblem(Exception):
    """An input that cannot be checked; the message is one line naming the problem."""

    def __init__(self, source: str, message: str):
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


@dataclass(frozen=True)
class Extraction:
    """Where extracted text came from: the decoded file, and the map from offsets in the
    extracted text to offsets in it."""

    original: str
    offsets: TextMap


@dataclass(frozen=True)
class Source:
    """One document to check.

    `text` is what the rules see. For a document extracted from a file (HTML, Markdown,
    wire XML, plain text with its directive lines taken out or its CR LF line ends read as LF),
    `extraction` holds the
    decoded file and the offset map back to it, so findings are reported where they stand
    in the file. `doc_id` names one document of a file that holds many (a JSONL archive);
    `metadata` is carried into its report; `record` places a JSONL record's text on its line
    of the file, for the lines and columns of its report.
    """

    name: str
    text: str
    encoding: str = "utf-8"
    format: str = "text"
    extraction: Extraction | LineEnds | None = None
    doc_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    record: RecordPosition | None = None

    @property
    def file_text(self) -> str:
        """The text of the file as decoded: what offsets in a report point into."""
        return self.extraction.original if self.extraction is not None else self.text


class LineEnds:
    """How `with_lf_line_ends` read a text: its CR LF and lone CR line ends as LF. The text with
    them (the file's) is put back together only when asked for: kept beside the text checked, a
    10 MB file would be held twice over while it is checked."""

    __slots__ = ("_checked", "_original", "offsets")

    def __init__(self, checked: str, offsets: LineEndMap):
        self._checked, self.offsets = checked, offsets
        self._original: str | None = None

    @property
    def original(self) -> str:
        if self._original is None:
            self._original = self.offsets.restore(self._checked)
        return self._original


def with_lf_line_ends(source: Source) -> Source:
    """`source` with its CR LF (and lone CR) line ends read as LF, offsets mapped back to the
    file: a sentence that runs on across a line break reads the same whichever system wrote
    the file, so a pattern with one space in it finds "as for" split over two lines of a
    Windows file as it does in a Unix one. Reports still give the file's own offsets."""
    text = source.text
    if "\r" not in text:
        return source
    checked, to_text = LineEndMap.read(text), LineEndMap(text)
    extraction = (LineEnds(checked, to_text) if source.extraction is None
                  else Extraction(source.extraction.original, ChainedMap(to_text, source.extraction.offsets)))
    return dataclasses.replace(source, text=checked, extraction=extraction)


class UnknownEncoding(ValueError):
    """An --encoding that names no text encoding Python knows: one line."""


def text_encoding(name: str) -> str:
    """The canonical name of a text encoding ('CP-1252' -> 'cp1252', 'GB18030' -> 'gb18030')."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise UnknownEncoding(f"unknown encoding {name!r} (e.g. cp1252, gb18030, big5, utf-8)") from None
    if not getattr(info, "_is_text_encoding", True):
        raise UnknownEncoding(f"{name!r} is not a text encoding")
    return info.name


def decode(data: bytes, name: str, encoding: str | None = None) -> Source:
    """Decode raw bytes, or raise InputProblem saying why they are not text. A byte-order mark
    decides the encoding; without one the text is UTF-8 unless `encoding` names another."""
    named = text_encoding(encoding) if encoding else "utf-8"
    body = data
    for bom, enc in _BOMS:
        if data.startswith(bom):
            named, body = enc, data[len(bom):]
            break
    else:
        if named not in ("utf-8",):
            return _decode_legacy(body, name, named)
    encoding = named
    if encoding == "utf-8":
        sample = body[:8192]
        if b"\x00" in body or _control_share(sample) > 0.05:
            raise InputProblem(name, "binary file (NUL or control bytes), not text")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputProblem(
                name, f"not valid UTF-8 (byte 0x{body[exc.start]:02x} at offset {exc.start + len(data) - len(body)}); "
                      "save it as UTF-8 or UTF-16 with a BOM, or name its encoding with --encoding "
                      "(e.g. cp1252, gb18030, big5)"
            ) from None
    else:
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputProblem(name,
                               f"not valid {encoding.upper()} despite its byte-order mark "
                               f"(offset {exc.start})") from None
        if "\x00" in text:
            raise InputProblem(name, "binary file (NUL characters), not text")
    if not text.strip():
        raise InputProblem(name, "empty file (no text to check)")
    return Source(name=name, text=text, encoding=encoding)


def _decode_legacy(data: bytes, name: str, encoding: str) -> Source:
    """Bytes in the encoding the user named: every byte must decode (no guessing, no
    replacement characters), and the text must be text."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputProblem(name, f"not valid {encoding} (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                                 "is --encoding right?") from None
    if "\x00" in text or _control_share(data[:8192]) > 0.05:
        raise InputProblem(name, "binary file (NUL or control bytes), not text")
    if not text.strip():
        raise InputProblem(name, "empty file (no text to check)")
    return Source(name=name, text=text, encoding=encoding)


def _control_share(sample: bytes) -> float:
    if not sample:
        return 0.0
    return (len(sample) - len(sample.translate(None, _BINARY_CONTROLS))) / len(sample)  # (counted in C)


def unreadable(name: str, exc: OSError) -> InputProblem:
    """The one-line problem for a file the system would not let us read."""
    if isinstance(exc, FileNotFoundError):
        return InputProblem(name, "no such file")
    if isinstance(exc, PermissionError):
        return InputProblem(name, "permission denied")
    if isinstance(exc, IsADirectoryError):
        return InputProblem(name, "is a folder, not a file")
    if exc.errno == errno.ELOOP:
        return InputProblem(name, "a symbolic link loop (too many levels of symbolic links)")
    return InputProblem(name, f"cannot read ({exc.strerror or exc})")


def not_a_file(mode: int) -> str | None:
    """What a file of this st_mode is when it is not a regular file (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a file; save what it carries to a file, or pipe it to stdin"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file"
    return "is not a regular file"


def open_regular(path: str | Path, name: str | None = None, follow_symlinks: bool = True) -> tuple[int, os.stat_result]:
    """Open a regular file for reading: its descriptor and its fstat. A FIFO, socket or device
    is refused before it is opened (opening one can block or have effects) and checked again
    on the descriptor (the file opened, not the name looked at). Without `follow_symlinks` a
    symbolic link is refused. Raises InputProblem, one line naming `name` (default: path)."""
    name = str(path) if name is None else name
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        st = os.stat(path, follow_symlinks=follow_symlinks)
        if not follow_symlinks and stat.S_ISLNK(st.st_mode):
            raise InputProblem(name, "is a symbolic link")
        problem = not_a_file(st.st_mode)
        if problem is not None:
            raise InputProblem(name, problem)
        fd = os.open(path, flags | (0 if follow_symlinks else getattr(os, "O_NOFOLLOW", 0)))
    except OSError as exc:
        raise unreadable(name, exc) from None
    try:
        st = os.fstat(fd)
        problem = not_a_file(st.st_mode)
        if problem is not None:
            raise InputProblem(name, problem)
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def read_bytes(path: str | Path, max_bytes: int, name: str | None = None, limit_hint: str = ", set with --max-bytes",
               follow_symlinks: bool = True) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file of at most `max_bytes`, and its fstat; InputProblem otherwise
    (`limit_hint` follows the limit in the message: how to change it, or what it is for)."""
    name = str(path) if name is None else name
    fd, st = open_regular(path, name, follow_symlinks)
    try:
        if st.st_size > max_bytes:
            raise InputProblem(name, f"too large ({st.st_size:,} bytes; the limit is {max_bytes:,}{limit_hint})")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise unreadable(name, exc) from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise InputProblem(name, f"too large (over {max_bytes:,} bytes{limit_hint})")
    after_reading(len(data))
    return data, st


def read_path(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None) -> Source:
    name = str(path)
    if Path(path).is_dir():
        raise InputProblem(name, "is a folder; name the files to check (or use `mtcheck report` for folders)")
    data, _ = read_bytes(path, max_bytes, name)
    return decode(data, name, encoding)


def read_stdin(max_bytes: int = DEFAULT_MAX_BYTES, name: str = STDIN_NAME, encoding: str | None = None) -> Source:
    return decode(read_stdin_bytes(max_bytes, name), name, encoding)


def read_stdin_bytes(max_bytes: int = DEFAULT_MAX_BYTES, name: str = STDIN_NAME) -> bytes:
    stream = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
    # A text-only stdin (some test harnesses) has no buffer.
    data = sys.stdin.read().encode("utf-8") if stream is None else stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputProblem(name, f"too large (over {max_bytes:,} bytes, set with --max-bytes)")
    after_reading(len(data))
    return data
