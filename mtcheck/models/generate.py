"""Writes `mtcheck/models/plain.py`: the document report's models as plain classes.

    python -m mtcheck.models.generate          # rewrite plain.py from the pydantic models
    python -m mtcheck.models.generate --check  # exit 1 when plain.py is not what they make

The pydantic models in `document.py` are the one definition of a report: its fields, their
types, descriptions and constraints, the JSON schemas. The pipeline builds the same reports
as plain classes (slots, a keyword-only `__init__`, nothing checked), and turns them into the
models only where a report leaves the program as data (JSON, the API): building and
validating ~60 models a document, and importing pydantic at all, cost more than checking a
short story. `plain.py` is generated from the models so that the two never differ in a
field; `tests/test_plain_models.py` fails when it is out of step, naming this command.

A computed field (`DocumentReport.counts`) is copied into its plain class from the model's
source, so its body may use only names both modules have: the model classes and `Severity`.
"""

from __future__ import annotations

import inspect
import json
import sys
import textwrap
import types
import typing
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from mtcheck.models import document

PLAIN = Path(__file__).with_name("plain.py")
ROOTS: tuple[type[BaseModel], ...] = (document.DocumentReport,)

HEADER = '''"""The document report as plain classes: what the pipeline builds. GENERATED from the
pydantic models in `document.py` by `python -m mtcheck.models.generate`; do not edit.

The fields are the models' (same names, types and order); nothing is validated here: the
pipeline makes these from values it computed, and `to_model` in `document.py` turns one into
the validated, serialisable model where a report leaves the program as data.
"""

from __future__ import annotations

from typing import {typing_names}

from mtcheck.models.enums import Severity, Verdict

__all__ = [
{names}
]


class PlainReport:
    """Equality and a readable repr, field by field, for every plain class."""

    __slots__: tuple[str, ...] = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    def __repr__(self) -> str:
        fields = ", ".join(f"{{name}}={{getattr(self, name)!r}}" for name in self.__slots__)
        return f"{{type(self).__name__}}({{fields}})"
'''


def models(roots: tuple[type[BaseModel], ...] = ROOTS) -> list[type[BaseModel]]:
    """Every model a root reaches through its fields and computed fields, dependencies first."""
    ordered: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model in ordered:
            return
        for field in model.model_fields.values():
            for reached in _models_in(field.annotation):
                visit(reached)
        for computed in model.model_computed_fields.values():
            for reached in _models_in(computed.return_type):
                visit(reached)
        ordered.append(model)

    for root in roots:
        visit(root)
    return ordered


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def annotation_source(annotation: Any) -> str:
    """A field's type as written in plain.py."""
    if annotation is type(None):
        return "None"
    if annotation is Any:
        return "Any"
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(annotation_source(a) for a in args)
    if origin is typing.Literal:
        return f"Literal[{', '.join(json.dumps(a) for a in args)}]"
    if origin in (list, dict, tuple):
        return f"{origin.__name__}[{', '.join(annotation_source(a) for a in args)}]"
    if isinstance(annotation, type) and (issubclass(annotation, (BaseModel, Enum))
                                         or annotation in (str, int, float, bool)):
        return annotation.__name__
    raise ValueError(f"no plain spelling for the annotation {annotation!r}: teach annotation_source")


def class_source(model: type[BaseModel]) -> str:
    fields = list(model.model_fields.items())
    doc = inspect.cleandoc(model.__doc__) if model.__doc__ and model.__doc__ != BaseModel.__doc__ else ""
    lines = [f"class {model.__name__}(PlainReport):"]
    if doc:
        lines.append(textwrap.indent(f'"""{doc}"""', "    "))
        lines.append("")
    lines.append("    __slots__ = (")
    lines.extend(_wrapped([f'"{name}"' for name, _ in fields], "        ", trailing=","))
    lines.append("    )")
    lines.append("")
    for name, field in fields:
        lines.append(f"    {name}: {annotation_source(field.annotation)}")
    lines.append("")
    lines.append("    def __init__(")
    lines.extend(_wrapped(["self", "*", *(f"{name}: {annotation_source(field.annotation)}" for name, field in fields)],
                          "        ", trailing=","))
    lines.append("    ) -> None:")
    lines.extend(f"        self.{name} = {name}" for name, _ in fields)
    for name, computed in model.model_computed_fields.items():
        lines.append("")
        lines.append("    @property")
        lines.extend(_property_source(model, name, computed.wrapped_property))
    return "\n".join(lines) + "\n"


def _wrapped(items: list[str], indent: str, trailing: str = "", width: int = 110) -> list[str]:
    """Items joined by ", " in lines of at most `width` characters, each line indented."""
    lines: list[str] = []
    line = ""
    for item in items:
        if line and len(indent) + len(line) + 2 + len(item) > width:
            lines.append(indent + line + ",")
            line = item
        else:
            line = f"{line}, {item}" if line else item
    lines.append(indent + line + trailing)
    return lines


def _property_source(model: type[BaseModel], name: str, prop: Any) -> list[str]:
    """The computed field's function, without its decorators, indented for a class body."""
    function = prop.fget if isinstance(prop, property) else prop
    if not callable(function):
        raise ValueError(f"{model.__name__}.{name}: a computed field without a function to copy")
    source = textwrap.dedent(inspect.getsource(function))
    body = source[source.index("def "):]
    if not body.startswith(f"def {name}(self)"):
        raise ValueError(f"{model.__name__}.{name}: cannot copy a computed field that is not a plain method")
    return [("    " + line).rstrip() for line in body.splitlines()]


def source() -> str:
    """The text plain.py should have."""
    found = models()
    names = "\n".join(_wrapped([f'"{m.__name__}"' for m in sorted(found, key=lambda m: m.__name__)], "    ",
                               trailing=","))
    classes = [class_source(m) for m in found]
    typing_names = ", ".join(n for n in ("Any", "Literal") if any(f"{n}[" in c or f"{n}]" in c or f"{n} " in c
                                                                      for c in classes))
    return "\n\n".join([HEADER.format(names=names, typing_names=typing_names), *classes])


def main(argv: list[str]) -> int:
    text = source()
    if "--check" in argv:
        if PLAIN.read_text(encoding="utf-8") != text:
            print(f"{PLAIN} is out of step with the models: run python -m mtcheck.models.generate", file=sys.stderr)
            return 1
        return 0
    PLAIN.write_text(text, encoding="utf-8")
    print(f"wrote {PLAIN}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
