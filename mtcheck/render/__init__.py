"""Renderers turn report models into text for people or machines.

They depend on the models only, never the other way round; the CLI picks one by name.
"""

from mtcheck.render.json import render_check_json
from mtcheck.render.text import Style, Totals, render_check_text, render_document_text, render_footer_text

__all__ = ["Style", "Totals", "render_check_json", "render_check_text", "render_document_text", "render_footer_text"]
