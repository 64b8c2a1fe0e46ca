"""An expat parser that cannot read files, fetch URLs or expand without bound: entity
declarations and external entities are refused (the defaults of defusedxml), an external DTD
is never loaded (expat fetches nothing), and readers refuse elements nested deeper than
MAX_DEPTH. Shared by the wire-XML and the Word readers."""

from __future__ import annotations

from xml.parsers import expat

# Stories nest a few levels; far deeper is an attack on a recursive extraction.
MAX_DEPTH = 200


class Refused(Exception):
    """What the XML holds is refused (the message says why)."""


def _refuse_entities(*_args: object) -> None:
    raise Refused("XML entity declarations are refused (they can read files or expand without bound)")


def _refuse_external(*_args: object) -> int:
    raise Refused("XML external entity references are refused (they can read files or fetch URLs)")


def entering(depth: int) -> None:
    """Refuse an element opened at `depth` (the root's is 1) deeper than MAX_DEPTH."""
    if depth > MAX_DEPTH:
        raise Refused(f"XML nested deeper than {MAX_DEPTH} elements is refused")


def parser(namespace_separator: str = " ") -> expat.XMLParserType:
    p = expat.ParserCreate(namespace_separator=namespace_separator)
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.EntityDeclHandler = _refuse_entities
    p.UnparsedEntityDeclHandler = _refuse_entities
    p.ExternalEntityRefHandler = _refuse_external
    return p
