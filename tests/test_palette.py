"""One colour scheme: the editor's page, the report pages, the align page and the plots agree
on what a colour means (a rule category; machine warm, human cool)."""

from __future__ import annotations

import re

from mtcheck.render.align_html import palette
from mtcheck.render.svg import VERDICT_COLOURS

from conftest import REPO

PALETTE = REPO / "mtcheck/render/templates/palette.css"


def _categories(css: str) -> dict[str, tuple[str, str]]:
    return {m[0]: (m[1].lower(), m[2].lower()) for m in re.findall(
        r"\.cat-(\w+)\s*\{\s*--cat-bg:\s*(#[0-9a-fA-F]+);\s*--cat-ink:\s*(#[0-9a-fA-F]+);", css)}


def test_the_editors_page_uses_the_shared_category_colours():
    shared = _categories(PALETTE.read_text(encoding="utf-8"))
    from mtcheck.core.rules import all_rules

    assert set(shared) >= {r.category for r in all_rules()}  # every category has its colour
    # The editor's page loads the palette before its own sheet, which defines no colour of its own
    # for a category, a verdict or the MT shading.
    page = (REPO / "mtcheck/web/static/index.html").read_text(encoding="utf-8")
    assert page.index('href="/static/palette.css"') < page.index('href="/static/app.css"')
    app = (REPO / "mtcheck/web/static/app.css").read_text(encoding="utf-8")
    assert _categories(app) == {} and not re.search(r"\.sent\.mt-\d\s*\{|--(machine|human|error):", app)


def test_plots_and_pages_give_verdicts_the_same_colours():
    css = PALETTE.read_text(encoding="utf-8")
    for verdict, colour in VERDICT_COLOURS.items():
        assert re.search(rf"--{verdict}:\s*{colour};", css), verdict


def test_every_page_carries_the_palette(cli, checker):
    from fastapi.testclient import TestClient

    from mtcheck.render.report_html import render_document_page

    page = render_document_page("story.txt", None, "text", {}, b"").decode("utf-8")
    assert palette().strip() in page  # report pages: inline (they load nothing)
    align = cli("align", str(REPO / "reference_pairs/documents/flood_control_draft.txt"),
                str(REPO / "reference_pairs/documents/flood_control_published.txt"), "--format", "html").out
    assert palette().strip() in align
    from mtcheck.web.app import create_app

    served = TestClient(create_app(checker=checker)).get("/static/palette.css")  # for the editor's page
    assert served.status_code == 200 and served.text == palette()
    assert served.headers["content-type"].startswith("text/css")
