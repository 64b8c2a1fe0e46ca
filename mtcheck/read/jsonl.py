"""JSONL archives: one document a line, `{"id": ..., "text": ..., other fields...}`.

Each good line becomes a `Source` with `doc_id` from `id` (or `line N` without one), the
`text`, every other field in `metadata`, and `record`: the line's number and the column each
character of the text is written at on it, so a finding is reported on its record's line
(every output format: text, GitHub, SARIF, JUnit, rdjson, CSV) rather than at the line of the
text inside the record. A bad line (not JSON, not an object, no
`text`, `text` not a string or empty, not UTF-8, too large) becomes an InputProblem
naming `file:line`, yielded in its place; the lines after it are read as usual.

Files are read line by line, so an archive of any size is never held in memory whole;
--max-bytes limits one line (one document), not the file.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from mtcheck.read.formats import register
from mtcheck.read.offsets import OffsetMap, RecordPosition
from mtcheck.read.text import InputProblem, Source, open_regular, unreadable

_CHUNK = 1 << 16
# A record's fields nest a level or two; far deeper is an attack on everything that walks
# them afterwards (the report's metadata, its JSON).
MAX_DEPTH = 64
# A \uXXXX escape of a UTF-16 surrogate: only then can a record hold one unpaired.
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def read_jsonl(source: Source) -> Iterator[Source | InputProblem]:
    """The documents of a JSONL file already read and decoded (stdin)."""
    # Only "\n" ends a line: str.splitlines would also split at U+2028 inside a JSON string.
    for number, line in enumerate(source.text.split("\n"), start=1):
        if line.strip():
            yield _record(source.name, number, line.rstrip("\r"))


def stream_jsonl(path: Path, max_bytes: int) -> Iterator[Source | InputProblem]:
    """The documents of a JSONL file, read a line at a time."""
    name = str(path)
    if path.is_dir():
        raise InputProblem(name, "is a folder, not a JSONL file")
    fd, _ = open_regular(path, name)
    with open(fd, "rb") as fh:
        head = fh.read(8192)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise InputProblem(name, "JSONL must be UTF-8 (this file is UTF-16)")
        if b"\x00" in head:
            raise InputProblem(name, "binary file (NUL bytes), not JSONL")
        if not head.strip(codecs.BOM_UTF8 + b" \t\r\n"):
            raise InputProblem(name, "empty file (no documents)")
        fh.seek(len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0)
        for number, raw in enumerate(_lines(fh, max_bytes, name), start=1):
            if raw is None:
                yield InputProblem(f"{name}:{number}", f"line too large (over {max_bytes:,} bytes, set with "
                                                       "--max-bytes)")
                continue
            item = parse_record(name, number, raw)
            if item is not None:
                yield item


def _lines(fh: IO[bytes], max_bytes: int, name: str) -> Iterator[bytes | None]:
    """The file's lines without their line break; None for a line over max_bytes, whose
    bytes are skipped rather than read into memory."""
    while True:
        try:
            line = fh.readline(max_bytes + 1)
        except OSError as exc:  # a disk error mid-file
            raise unreadable(name, exc) from None
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = fh.readline(_CHUNK)
            yield None
            continue
        yield line.rstrip(b"\r\n")


def parse_record(name: str, number: int, raw: bytes, name_by_line: bool = True) -> Source | InputProblem | None:
    """Line `number` of a JSONL archive (without its line break) as a document, or a problem
    naming `name:number`; None for a blank line. A record without an `id` is called
    "line N" unless `name_by_line` is off (then its doc_id is None)."""
    if not raw.strip():
        return None
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return InputProblem(f"{name}:{number}", f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column "
                                                f"{exc.start + 1})")
    return _record(name, number, line.rstrip("\r"), name_by_line)


def _record(name: str, number: int, line: str, name_by_line: bool = True) -> Source | InputProblem:
    where = f"{name}:{number}"
    try:
        record = json.loads(line, parse_constant=_not_json)
    except json.JSONDecodeError as exc:
        return InputProblem(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
    except ValueError as exc:
        return InputProblem(where, f"not valid JSON ({exc})")
    except RecursionError:
        return InputProblem(where, f"JSON nested deeper than {MAX_DEPTH} levels is refused")
    if _too_deep(record):
        return InputProblem(where, f"JSON nested deeper than {MAX_DEPTH} levels is refused")
    if _SURROGATE.search(line) and _has_surrogates(record):
        return InputProblem(where, "an unpaired UTF-16 surrogate escape (\\ud800-\\udfff) is not text")
    if not isinstance(record, dict):
        return InputProblem(where, f"not a JSON object (a JSON {_json_type(record)})")
    if "text" not in record:
        return InputProblem(where, 'no "text" field')
    text = record.pop("text")
    if not isinstance(text, str):
        return InputProblem(where, f'"text" is not a string (a JSON {_json_type(text)})')
    if not text.strip():
        return InputProblem(where, 'empty "text" (nothing to check)')
    if "\x00" in text:
        return InputProblem(where, '"text" holds a NUL character: binary data, not text')
    doc_id = record.pop("id", None)
    if isinstance(doc_id, (dict, list)):
        return InputProblem(where, '"id" must be a string or a number')
    return Source(name=name, text=text, format="jsonl",
                  doc_id=str(doc_id) if doc_id is not None else f"line {number}" if name_by_line else None,
                  metadata=record, record=RecordPosition(number, _text_columns(line, len(text))))


# --- where the text stands on its line ---------------------------------------------------
_DECODER = json.JSONDecoder()
# One JSON string escape: a surrogate pair (one character), \uXXXX, or \n \" \\ and the like.
_ESCAPE = re.compile(r"\\(?:u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)")


def _text_columns(line: str, length: int) -> OffsetMap:
    """For each character of the record's `text`, where it is written on the line: plain
    characters where they stand, an escaped one where its escape starts. The line is
    valid JSON (it was parsed); the last "text" key wins, as in json.loads."""
    columns = OffsetMap()
    quote = _text_value_at(line)
    if quote is None:  # cannot happen for a parsed record; the whole text then maps to column 1
        columns.insert(length, 0)
        return columns
    _, end = _DECODER.raw_decode(line, quote)
    at = quote + 1
    for m in _ESCAPE.finditer(line, at, end - 1):
        columns.copy(at, m.start() - at)
        columns.insert(1, m.start(), m.end())  # the character stands for its whole escape
        at = m.end()
    columns.copy(at, end - 1 - at)
    return columns


def _text_value_at(line: str) -> int | None:
    """Where the top-level "text" value's opening quote is on a JSON object's line."""
    found, i = None, _after_space(line, 0) + 1  # after "{"
    while True:
        i = _after_space(line, i)
        if line[i] == "}":
            return found
        key, i = _DECODER.raw_decode(line, i)
        i = _after_space(line, _after_space(line, i) + 1)  # past ":"
        if key == "text":
            found = i
        _, i = _DECODER.raw_decode(line, i)
        i = _after_space(line, i)
        if line[i] == ",":
            i += 1


def _after_space(line: str, i: int) -> int:
    while i < len(line) and line[i] in " \t\n\r":
        i += 1
    return i


def _too_deep(value: object) -> bool:
    """Whether arrays and objects nest deeper than MAX_DEPTH (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > MAX_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _has_surrogates(value: object) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _not_json(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")  # Python's json accepts NaN and Infinity; JSON does not


def _json_type(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return names.get(type(value), "null")


register("jsonl", (".jsonl",), read_jsonl, stream=stream_jsonl)
