"""Renderers turn report models into text for people or machines.

They depend on the models only, never the other way round; the CLI picks one by name.
The names below are loaded on first use, so that a renderer that needs no report model
(`mtcheck rules`) does not load them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mtcheck.render.json import render_check_json
    from mtcheck.render.text import Style, Totals, render_check_text, render_document_text, render_footer_text

_HOME = {"render_check_json": "mtcheck.render.json", "Style": "mtcheck.render.text", "Totals": "mtcheck.render.text",
         "render_check_text": "mtcheck.render.text", "render_document_text": "mtcheck.render.text",
         "render_footer_text": "mtcheck.render.text"}

__all__ = ["Style", "Totals", "render_check_json", "render_check_text", "render_document_text", "render_footer_text"]


def __getattr__(name: str) -> object:
    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'mtcheck.render' has no attribute {name!r}")
