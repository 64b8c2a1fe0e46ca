"""Labelled JSONL for `mtcheck eval`: one document (or segment) a line, validated.

A malformed record is an `InputError` naming `FILE:LINE` and the problem; it is left
out and the others are evaluated. A problem with the whole file (unreadable, binary,
empty, or a field that no record has) raises `InputProblem`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from mtcheck.models import InputError
from mtcheck.read import DEFAULT_MAX_BYTES, InputProblem, read_path

MT_WORDS = frozenset({"mt", "machine", "machine_translated", "translated"})
HUMAN_WORDS = frozenset({"human", "ht", "reference", "ref"})
T = TypeVar("T")


@dataclass(frozen=True)
class LabelSpec:
    """Which boolean field holds the label and what `true` means: 'mt' or 'human'."""

    field: str
    true_means: str

    @classmethod
    def of(cls, field: str, true_means: str | None = None) -> LabelSpec:
        """With `true_means` omitted it is read off the name (is_human, human -> human;
        is_mt, machine -> mt); a name that says neither, or both, is refused."""
        if true_means is not None:
            if true_means not in ("mt", "human"):
                raise ValueError(f"--true-means must be mt or human, not {true_means!r}")
            return cls(field, true_means)
        words = set(re.split(r"[^a-z0-9]+", field.lower()))
        says_mt, says_human = bool(words & MT_WORDS), bool(words & HUMAN_WORDS)
        if says_mt == says_human:
            raise ValueError(f"cannot tell from the label name {field!r} whether true means MT or human: "
                             f"add --true-means mt or --true-means human")
        return cls(field, "mt" if says_mt else "human")

    @property
    def rule(self) -> str:
        return f"MT = {self.field}" if self.true_means == "mt" else f"MT = not {self.field}"

    def is_mt(self, value: bool) -> bool:
        return value if self.true_means == "mt" else not value


@dataclass(frozen=True)
class LabelledDoc:
    line: int
    text: str
    is_mt: bool
    score: float | None = None
    group: str | None = None
    key: tuple[str, ...] | None = None  # matches segments to their document
    source: str | None = None  # the set it comes from (`mtcheck train --source FIELD`)


@dataclass(frozen=True)
class LabelledSegment:
    line: int
    key: tuple[str, ...]
    order: tuple[int, float, str]
    text: str
    score: float | None = None


class RecordError(ValueError):
    """One field of one record is unusable; the message names the field."""


def _records(path: str | Path, max_bytes: int) -> tuple[list[tuple[int, dict[str, Any]]], list[tuple[int, str]],
                                                        set[str]]:
    """(line number, object) of every record, (line number, problem) of every line that is
    not a JSON object, and the field names seen."""
    source = read_path(path, max_bytes)
    records: list[tuple[int, dict]] = []
    problems: list[tuple[int, str]] = []
    seen: set[str] = set()
    # Only "\n" ends a record: str.splitlines would also split at U+2028, legal inside JSON strings.
    for number, line in enumerate(source.text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append((number, f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        if not isinstance(record, dict):
            problems.append((number, f"a record must be a JSON object, not {type(record).__name__}"))
            continue
        records.append((number, record))
        seen.update(record)
    return records, problems, seen


def _errors(path: str | Path, problems: list[tuple[int, str]]) -> list[InputError]:
    """One error a bad line, in line order."""
    return [InputError(source=f"{path}:{line}", message=message) for line, message in sorted(problems)]


def _text(record: dict, field: str) -> str:
    value = record.get(field)
    if not isinstance(value, str):
        raise RecordError(f"field {field!r} is missing" if value is None else f"field {field!r} must be a string")
    if not value.strip():
        raise RecordError(f"field {field!r} is empty")
    return value


def _label(record: dict, field: str) -> bool:
    value = record.get(field)
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if value is None:
        raise RecordError(f"label field {field!r} is missing")
    raise RecordError(f"label field {field!r} must be true or false, not {json.dumps(value)[:40]}")


def _score(record: dict, field: str | None) -> float | None:
    """A finite number; null or absent means unscored."""
    value = record.get(field) if field is not None else None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise RecordError(f"score field {field!r} must be a number or null, not {json.dumps(value)[:40]}")
    return float(value)


def _name(record: dict, field: str | None) -> str | None:
    """A group or key value: a string or number; null or absent means none."""
    value = record.get(field) if field is not None else None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise RecordError(f"field {field!r} must be a string or number, not {json.dumps(value)[:40]}")
    return str(value)


def _key(record: dict, fields: Sequence[str]) -> tuple[str, ...] | None:
    values = tuple(_name(record, f) for f in fields)
    return None if not fields or any(v is None for v in values) else values  # type: ignore[return-value]


def _order(record: dict, field: str, line: int) -> tuple[int, float, str]:
    """Sort key: numbers before strings; the line number when the field is absent."""
    value = record.get(field)
    if value is None:
        return (0, float(line), "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, float(value), "")
    return (1, 0.0, str(value))


def _require_fields(path: str | Path, seen: set[str], wanted: Sequence[tuple[str, str | None]]) -> None:
    """A field no record has is a wrong option, not a thousand bad records: say so once."""
    if not seen:
        return
    for option, field in wanted:
        if field is not None and field not in seen:
            fields = ", ".join(sorted(seen)[:12])
            raise InputProblem(str(path), f"no record has the field {field!r} ({option}); the fields are: {fields}")


def _load(path: str | Path, max_bytes: int, wanted: Sequence[tuple[str, str | None]],
          parse: Callable[[int, dict], T]) -> tuple[list[T], list[InputError]]:
    """`parse(line, record)` of every record, and an error for each line it refuses."""
    raw, problems, seen = _records(path, max_bytes)
    _require_fields(path, seen, wanted)
    items = []
    for line, record in raw:
        try:
            items.append(parse(line, record))
        except RecordError as exc:
            problems.append((line, str(exc)))
    if not items and not problems:
        raise InputProblem(str(path), "no records (one JSON object a line expected)")
    return items, _errors(path, problems)


def load_documents(path: str | Path, label: LabelSpec, text_field: str = "text", score_field: str | None = None,
                   group_field: str | None = None, key_fields: Sequence[str] = (),
                   max_bytes: int = DEFAULT_MAX_BYTES, source_field: str | None = None,
                   group_required: bool = True) -> tuple[list[LabelledDoc], list[InputError]]:
    """The labelled documents of a JSONL file and the errors of its malformed records. A
    `group_field` no record has is an error unless `group_required` is False (a default field
    that records may lack)."""
    def parse(line: int, record: dict) -> LabelledDoc:
        source = _name(record, source_field)
        if source_field is not None and source is None:
            raise RecordError(f"source field {source_field!r} is missing")
        return LabelledDoc(line=line, text=_text(record, text_field), is_mt=label.is_mt(_label(record, label.field)),
                           score=_score(record, score_field), group=_name(record, group_field),
                           key=_key(record, key_fields), source=source)

    wanted = [("--label", label.field), ("--text", text_field), ("--score", score_field),
              ("--group", group_field if group_required else None), ("--source", source_field),
              *(("--segment-key", f) for f in key_fields)]
    return _load(path, max_bytes, wanted, parse)


def load_segments(path: str | Path, key_fields: Sequence[str], order_field: str = "seg_id", text_field: str = "target",
                  score_field: str | None = None,
                  max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[list[LabelledSegment], list[InputError]]:
    """The segments of a JSONL file: the key of their document, their order in it, text and score."""
    def parse(line: int, record: dict) -> LabelledSegment:
        key = _key(record, key_fields)
        if key is None:
            raise RecordError(f"key fields {', '.join(key_fields)} must all be present")
        # An empty segment is legal (a blank line of the document): it is simply not scored.
        text = record.get(text_field)
        if not isinstance(text, str):
            raise RecordError(f"field {text_field!r} must be a string")
        return LabelledSegment(line=line, key=key, order=_order(record, order_field, line), text=text,
                               score=_score(record, score_field))

    wanted = [("--segment-text", text_field), ("--score", score_field), *(("--segment-key", f) for f in key_fields)]
    return _load(path, max_bytes, wanted, parse)
