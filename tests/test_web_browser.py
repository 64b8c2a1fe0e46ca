"""The editor's page in a real headless Chromium, used as a person would: paste a story,
check it, read the highlights, apply fixes, compare two versions, open a file, and try
stories that carry scripts. Screenshots of the main views are saved (the folder is
printed) to be looked at.

The editor's working loop (the selected finding's card in view, j/k, editing in place,
undo, filters, the verdict after each check, sentence shading, Compare's labels and its
warning for unrelated texts, keyboard and screen-reader use) is driven at a laptop's
width (1400 px) and a narrow window's (800 px), where the card is a bottom sheet.

Skipped, with the reason given as a warning, when Playwright or a Chromium cannot be had;
the API tests (test_web_api.py) run regardless.
"""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the serve extra (fastapi) is not installed")
httpx = pytest.importorskip("httpx", reason="httpx is not installed")

from mtcheck.web.app import create_app  # noqa: E402
from mtcheck.web.settings import ServeSettings  # noqa: E402

from conftest import PLAIN, REPO  # noqa: E402
from web_server import running_server  # noqa: E402

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(os.environ.get("MTCHECK_SCREENSHOTS", REPO / "reports" / "screenshots"))
# An astral character (two UTF-16 units in the page, one character for the server) ahead
# of the findings: every highlight after it would be shifted if offsets were mixed up.
MT = ("China News Agency, Beijing, November 27th. \U0001F4F0 The new crown pneumonia epidemic was supported and "
      "supported by the relevant departments . " + PLAIN + "\n\nThe two sides will strengthen cooperation in an "
      "all-round way , the the spokesman said.")
DRAFT = ("China News Agency, Beijing, November 27th. The new crown pneumonia epidemic was supported and supported "
         "by the relevant departments . " + PLAIN)
PUBLISHED = ("China News Service, Beijing, Nov. 27. The COVID-19 pandemic was supported by the relevant departments. "
             + PLAIN)
XSS = ('<script>window.pwned = "script"</script> The relevant person in charge said <img src=x '
       'onerror="window.pwned = \'img\'"> that <a href="javascript:window.pwned = \'link\'">the plan</a> '
       "would go ahead . [click](javascript:window.pwned='md') " + PLAIN)


try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips with the reason
    expect = None


def _skip(reason: str):
    warnings.warn(f"browser tests skipped: {reason}", stacklevel=2)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip("playwright is not installed (pip install playwright; no `playwright install` needed)")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        _skip("no Chromium on PATH (Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        except Exception as exc:  # a browser that cannot start here is a reason to skip, not a failure
            _skip(f"Chromium at {executable} did not start: {str(exc).splitlines()[0]}")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(checker):
    with running_server(create_app(ServeSettings(), checker)) as url:
        yield url


def _watched_tab(context, server: str):
    """A tab of `context` on the page, and the list its errors, dialogs and off-server requests go to."""
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    tab.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    tab.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    tab.on("request", lambda req: None if req.url.startswith(server) or req.url.startswith(("blob:", "data:"))
           else problems.append(f"request off the server: {req.url}"))
    tab.goto(server + "/")
    return tab, problems


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1366, "height": 860}, accept_downloads=True,
                                  permissions=["clipboard-read", "clipboard-write"])
    tab, problems = _watched_tab(context, server)
    yield tab
    context.close()
    assert problems == []


@pytest.fixture(params=[1400, 800], ids=["1400px", "800px"])
def wpage(request, browser, server):
    """The page at a laptop's width and at a narrow window's (the card is a bottom sheet there).
    Reduced motion makes scrolling instant, so positions can be read right after a key."""
    context = browser.new_context(viewport={"width": request.param, "height": 900}, reduced_motion="reduce")
    tab, problems = _watched_tab(context, server)
    tab.width = request.param
    yield tab
    context.close()
    assert problems == []


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    print(f"screenshot: {path}")


def check_text(page, text: str) -> None:
    page.fill("#input", text)
    page.click("#check-btn")
    expect(page.locator("#status")).to_contain_text("finding")
    expect(page.locator("#doc")).to_be_visible()


def highlighted(page) -> dict[int, str]:
    """Finding index -> the text its <mark> elements show, in document order."""
    return {int(k): v for k, v in page.evaluate("""() => {
        const out = {};
        for (const mark of document.querySelectorAll('#doc mark')) {
            for (const id of mark.dataset.findings.split(' ')) out[id] = (out[id] || '') + mark.textContent;
        }
        return out;
    }""").items()}


def test_highlights_match_the_api_and_the_summary_shows_the_report(page, server):
    check_text(page, MT)
    api = httpx.post(server + "/v1/check", json={"text": MT, "format": "text"}).json()["documents"][0]
    assert api["findings"], "the fixture must have findings"
    shown = highlighted(page)
    assert {i: f["text"] for i, f in enumerate(api["findings"]) if f["text"]} == shown
    assert page.locator("#doc").text_content() == MT
    assert page.locator(".finding-item").count() == len(api["findings"])
    assert page.locator("#verdict").text_content() == api["provenance"]["verdict"]
    assert page.locator("#signature").text_content() == api["provenance"]["signature"]
    assert page.locator("#source-language").text_content().startswith("zh")
    assert "Beijing" in page.locator("#dateline").text_content()
    assert page.locator(".sentences li").count() == len(api["fluency"]["sentences"])
    categories = {f["category"] for f in api["findings"]}
    assert set(page.locator("#legend .chip").all_text_contents()) == categories
    shot(page, "check")


def test_select_apply_navigate_fix_all_and_download(page, server):
    check_text(page, MT)
    page.click("#doc mark:has-text('China News Agency')")
    panel = page.locator("#finding")
    assert "calque.term" in panel.text_content() and "China News Service" in panel.text_content()
    shot(page, "finding")
    page.click("#apply-btn")
    expect(page.locator("#doc")).to_contain_text("China News Service, Beijing")
    assert page.locator("#doc").text_content() == MT.replace("China News Agency", "China News Service", 1)

    first = panel.locator("h2").text_content()
    page.locator("#doc").focus()
    page.keyboard.press("j")
    assert panel.locator("h2").text_content() != first
    page.keyboard.press("k")
    assert panel.locator("h2").text_content() == first

    current = page.locator("#doc").text_content()
    expected = httpx.post(server + "/v1/fix", json={"text": current, "format": "text"}).json()["text"]
    page.click("#fix-all-btn")
    expect(page.locator("#doc")).to_have_text(expected)
    assert page.locator("#doc").text_content() == expected
    assert "departments." in expected and " , the spokesman" not in expected

    with page.expect_download() as download:
        page.click("#download-btn")
    assert Path(download.value.path()).read_text(encoding="utf-8") == expected
    assert download.value.suggested_filename == "story-edited.txt"
    page.click("#copy-btn")
    expect(page.locator("#status")).to_contain_text("clipboard")
    assert page.evaluate("navigator.clipboard.readText()") == expected


def test_compare_two_versions(page, server):
    page.click("#tab-compare")
    page.fill("#draft", DRAFT)
    page.fill("#reference", PUBLISHED)
    page.click("#compare-btn")
    page.wait_for_selector("#compare-groups article")
    api = httpx.post(server + "/v1/align", json={"draft": DRAFT, "reference": PUBLISHED, "format": "text"}).json()
    assert page.locator("#compare-groups article").count() == len(api["groups"])
    assert page.locator("#edit-fixed strong").text_content() == str(sum(api["editing"]["fixed"].values()))
    assert page.locator("#edit-missed strong").text_content() == str(sum(api["editing"]["remaining"].values()))
    deleted = page.locator("#compare-groups del").all_text_contents()
    inserted = page.locator("#compare-groups ins").all_text_contents()
    assert "Agency" in deleted and "Service" in inserted
    assert any("new crown pneumonia" in d for d in deleted) or "new" in deleted
    shot(page, "compare")
    page.check("#changed-only")
    kept = sum(1 for g in api["groups"] if g["status"] == "kept")
    assert page.locator("#compare-groups article:visible").count() == len(api["groups"]) - kept


def test_scripts_in_a_story_are_shown_as_text_and_never_run(page, server, tmp_path):
    check_text(page, XSS)
    assert page.locator("#doc").text_content() == XSS
    assert page.locator("#doc img, #doc script, #doc a, #doc iframe").count() == 0
    page.click("#doc mark >> nth=0")
    # The story's text in the card's context, the editor in place, the history and Show changes.
    page.keyboard.press("e")
    expect(page.locator("#inline-input")).to_be_focused()
    page.keyboard.press("Escape")
    page.click("#fix-all-btn")
    expect(page.locator("#status")).to_contain_text("Applied")
    page.keyboard.press("Control+z")
    expect(page.locator("#doc")).to_have_text(XSS)
    page.click("#redo-btn")
    page.click("#changes-btn")
    expect(page.locator("#compare-groups")).to_contain_text("would go ahead.")
    markup = "img, script, a, iframe"
    assert page.locator(f"#doc :is({markup}), #finding :is({markup}), #findings :is({markup}), #legend :is({markup}), "
                        f"#compare-groups :is({markup})").count() == 0
    assert page.evaluate("window.pwned") is None
    page.click("#tab-compare")
    page.fill("#draft", XSS)
    page.fill("#reference", XSS.replace("relevant person in charge", "official"))
    page.click("#compare-btn")
    expect(page.locator("#compare-groups")).to_contain_text("official")
    assert page.locator("#compare-groups img, #compare-groups script, #compare-groups a").count() == 0
    assert page.evaluate("window.pwned") is None
    assert page.locator("script").count() == 1  # the page's own
    shot(page, "xss")

    story = tmp_path / "story.md"
    story.write_text("# Notice <script>window.pwned='file'</script>\n\nThe new crown pneumonia spread. " + PLAIN + "\n",
                     encoding="utf-8")
    page.click("#tab-check")
    page.set_input_files("#file-input", str(story))
    expect(page.locator("#doc")).to_contain_text("new crown pneumonia")
    assert page.locator("#doc").text_content().startswith("Notice")  # the Markdown's prose, as the checker reads it

    dropped = page.evaluate_handle("""() => {
        const data = new DataTransfer();
        data.items.add(new File(['<p>The new crown pneumonia <img src=x onerror="window.pwned=1">spread.</p>'
                                 + '<script>window.pwned = 2</script>'], 'dropped.html', {type: 'text/html'}));
        return data;
    }""")
    page.dispatch_event("#doc", "drop", {"dataTransfer": dropped})
    expect(page.locator("#doc")).to_have_text("The new crown pneumonia spread.")
    assert page.evaluate("window.pwned") is None


def test_narrow_window(browser, server):
    context = browser.new_context(viewport={"width": 420, "height": 900})
    tab = context.new_page()
    tab.goto(server + "/")
    check_text(tab, MT)
    tab.click("#doc mark >> nth=1")
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(tab, "narrow")
    context.close()


# ---------------------------------------------------------------------------------------
# The editor's working loop, at 1400 px and at 800 px.

FILLER = ("Officials said the talks had been constructive and that a further round was planned. "
          "The ministry did not give details of the agreement, which still needs approval from parliament. ")
# Fourteen findings of every kind the page treats apart (safe replacement, safe deletion,
# white space, alternatives, advice), spread over a story longer than the window.
STORY = "\n\n".join([
    ("China News Agency, Beijing, November 27th. The new crown pneumonia epidemic was supported and supported by "
     "the relevant departments ."),
    PLAIN + " " + FILLER,
    "  The two sides will strengthen cooperation in an all-round way , the spokesman said.",
    FILLER + PLAIN, FILLER + FILLER, FILLER,
    "  The sanctions club was brandished at every turn, officials said on the 26th.",
    FILLER + FILLER, FILLER,
    "Analysts said the the plan would raise prices. " + PLAIN,
    FILLER + FILLER, FILLER,
    "(over)",
])
OTHER_STORY = ("Heavy rain is expected across the north of the country this weekend, forecasters said. Rivers could "
               "burst their banks in low-lying areas, and drivers have been told to avoid flooded roads. The storm "
               "follows the driest summer on record. Farmers welcomed the rain but warned it came too late for many "
               "crops. Temperatures will fall sharply on Monday.")
# A dropped sentence (the credit line), a kept one, an edited one and an added one.
BEFORE = "Responsible editor: Zhang San. " + PLAIN + " The bridge was closed for repairs on Tuesday."
AFTER = (PLAIN + " The bridge was closed for repairs on Tuesday morning. Electricity prices will rise by ten percent "
         "in January, the regulator said.")

LAYOUT = """() => {
    const box = (n) => {
        if (!n || n.hidden || !n.getClientRects().length) return null;
        const b = n.getBoundingClientRect();
        return {top: b.top, bottom: b.bottom, left: b.left, right: b.right, width: b.width, height: b.height};
    };
    const card = document.getElementById('finding');
    return {
        scrollY: window.scrollY, height: window.innerHeight, width: window.innerWidth,
        header: document.getElementById('top').getBoundingClientRect().bottom,
        card: box(card), sheet: getComputedStyle(card).position === 'fixed',
        doc: box(document.getElementById('doc')), docScroll: document.getElementById('doc').scrollTop,
        selected: box(document.querySelector('#doc mark.selected')),
        sideScroll: document.getElementById('side-scroll').scrollTop,
    };
}"""


def layout(page) -> dict:
    return page.evaluate(LAYOUT)


def assert_card_in_view(g: dict) -> None:
    """The selected finding's card is wholly on screen, below the header."""
    card = g["card"]
    assert card is not None, "no card"
    assert card["top"] >= g["header"] - 1 and card["bottom"] <= g["height"] + 1, g


def assert_selected_in_story(g: dict) -> None:
    """The selected highlight is in the part of the story the editor can see (above the sheet)."""
    sel, doc = g["selected"], g["doc"]
    assert sel is not None and doc is not None, g
    top = max(doc["top"], g["header"])
    bottom = min(doc["bottom"], g["height"], g["card"]["top"] if g["sheet"] and g["card"] else g["height"])
    assert sel["top"] >= top - 1 and sel["bottom"] <= bottom + 1, g


def api_check(server: str, text: str) -> dict:
    return httpx.post(server + "/v1/check", json={"text": text, "format": "text"}).json()["documents"][0]


def wshot(page, name: str) -> None:
    shot(page, f"{name}-{page.width}")


def click_row(row) -> None:
    """Click a row of the findings list as a person would on a narrow window: scrolled up
    clear of the bottom sheet first (Playwright only scrolls what is off-screen)."""
    row.evaluate("e => e.scrollIntoView({block: 'center'})")
    row.click()


def current(page) -> int:
    """The index (in the report) of the selected finding."""
    return int(page.locator(".finding-item[aria-current]").get_attribute("data-index"))


def test_the_card_stays_in_view_and_j_k_scroll_the_story_not_the_page(wpage, server):
    page = wpage
    check_text(page, STORY)
    api = api_check(server, STORY)
    # A click on a highlight shows its card on screen (at 800 px: a bottom sheet, not a list far below).
    page.click("#doc mark:has-text('China News Agency')")
    g = layout(page)
    assert_card_in_view(g)
    assert g["sheet"] == (page.width < 900)
    assert "China News Service" in page.locator("#finding").text_content()
    assert g["scrollY"] == 0

    page.locator("#doc").focus()
    for _ in range(3):
        page.keyboard.press("j")
    g = layout(page)
    assert current(page) == 3
    assert_card_in_view(g)
    assert_selected_in_story(g)
    assert g["scrollY"] == 0, "j moved the page"

    # Back past the first finding to the last one, at the end of the story: the story scrolls, the page stays.
    for _ in range(4):
        page.keyboard.press("k")
    g = layout(page)
    assert api["findings"][current(page)]["rule"] == "marker.end"
    assert g["docScroll"] > 0
    assert_card_in_view(g)
    assert_selected_in_story(g)
    assert g["scrollY"] == 0
    wshot(page, "card-after-keys")

    # Apply: the card, the next finding and the verdict stay in view.
    page.keyboard.press("k")
    assert api["findings"][current(page)]["rule"] == "repetition.doubled-word"
    page.keyboard.press("a")
    expect(page.locator("#doc")).to_have_text(STORY.replace("the the plan", "the plan"))
    expect(page.locator("#finding-title")).to_contain_text("of 13")
    g = layout(page)
    assert_card_in_view(g)
    assert_selected_in_story(g)
    assert g["scrollY"] == 0 and g["sideScroll"] == 0
    assert "(over)" in page.locator("#finding-context").text_content()
    assert page.locator("#shade-toggle").count() == 1  # the server's model gives each sentence an MT probability
    wshot(page, "card-after-apply")


def test_edit_in_place_with_the_suggestion_prefilled(wpage, server):
    page = wpage
    check_text(page, STORY)
    marks = page.locator("#doc mark").count()
    page.click("#doc mark:has-text('new crown pneumonia epidemic')")
    expect(page.locator("#apply-btn")).to_have_text("Edit here")
    page.click("#apply-btn")
    field = page.locator("#doc .inline-edit #inline-input")
    expect(field).to_be_focused()
    assert field.input_value() == "COVID-19 pandemic"  # the first of "COVID-19 pandemic or COVID-19 outbreak"
    assert page.locator("#doc mark").count() == marks  # every highlight stays
    assert layout(page)["scrollY"] == 0
    wshot(page, "edit-in-place")
    page.click("#doc .inline-edit .alt:has-text('COVID-19 outbreak')")
    assert field.input_value() == "COVID-19 outbreak"
    field.press("Enter")
    edited = STORY.replace("new crown pneumonia epidemic", "COVID-19 outbreak", 1)
    expect(page.locator("#doc")).to_have_text(edited)
    expect(page.locator("#status")).to_contain_text("COVID-19 outbreak")

    # e opens the editor on the selected finding; Esc leaves the text as it was.
    page.locator("#doc").focus()
    page.keyboard.press("j")
    page.keyboard.press("e")
    expect(page.locator("#inline-input")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#inline-input")).to_have_count(0)
    expect(page.locator("#doc")).to_be_focused()
    assert page.locator("#doc").text_content() == edited

    # The whole text opens at the selected finding, not scrolled to its end.
    for rule, where in (("calque.term", "top"), ("calque.phrase", "middle")):
        page.locator("#doc").focus()
        page.keyboard.press("Escape")
        row = page.locator(f".finding-item:has-text('{rule}')")
        click_row(row.first if where == "top" else row.last)
        selected = api_check(server, edited)["findings"][current(page)]
        page.click("#edit-btn")
        area = page.locator("#input")
        expect(area).to_be_focused()
        state = area.evaluate("a => [a.selectionStart, a.selectionEnd, a.scrollTop, a.scrollHeight - a.clientHeight]")
        assert state[:2] == [selected["start"], selected["end"]]
        assert state[3] > 0, "the fixture must be longer than the textarea"
        if where == "top":
            assert state[2] == 0
        else:
            assert 0 < state[2] < state[3]
        page.keyboard.press("Control+Enter")
        expect(page.locator("#doc")).to_be_visible()


NOTED = ("The new crown spread fast in the city last winter, officials said on Monday. It is understood that the plan "
         "was dropped after the vote, the ministry said on Tuesday.")


def test_a_suggestions_notes_are_advice_not_text_to_put_in(wpage, server):
    # "COVID-19 <or the coronavirus, as the sentence needs> or coronavirus" offers two replacements,
    # not "COVID-19 <" (the note's "or" once split it); "<attribute the information>" offers none.
    page = wpage
    check_text(page, NOTED)
    page.click("#doc mark:has-text('new crown')")
    expect(page.locator("#finding-suggestion")).to_have_text(
        "COVID-19 <or the coronavirus, as the sentence needs> or coronavirus")
    page.click("#apply-btn")
    field = page.locator("#doc .inline-edit #inline-input")
    assert field.input_value() == "COVID-19"
    assert page.locator("#doc .inline-edit .alt").all_text_contents() == ["COVID-19", "coronavirus"]
    expect(page.locator("#inline-hint")).to_contain_text("as the sentence needs")
    field.press("Escape")
    page.click("#doc mark:has-text('It is understood that')")
    expect(page.locator(".suggestion-line .term")).to_have_text("Advice")
    page.click("#apply-btn")
    field = page.locator("#doc .inline-edit #inline-input")
    assert field.input_value() == "It is understood that"  # the passage itself, to rewrite
    expect(page.locator("#inline-hint")).to_contain_text("<attribute the information>")
    assert page.locator("#doc .inline-edit .alt").count() == 0


def test_white_space_and_deletions_read_as_words(wpage, server):
    page = wpage
    check_text(page, STORY)
    rows = page.evaluate("""() => [...document.querySelectorAll('.finding-item')].map(
        b => [b.querySelector('.rule').textContent, b.querySelector('.text').textContent])""")
    assert rows.count(["punctuation.indent", "indent (2 spaces)"]) == 2
    assert ["punctuation.space-before", "space before ‘.’"] in rows
    assert ["punctuation.space-before", "space before ‘,’"] in rows
    assert all(text.strip() for _, text in rows)
    indent = page.locator("#doc mark.ws").first
    box = indent.bounding_box()
    assert box["width"] >= 20 and box["height"] >= 18, box  # a target, not an 11 px sliver
    indent.click()
    expect(page.locator("#finding-suggestion")).to_have_text("(delete)")
    expect(page.locator("#apply-btn")).to_have_text("Delete it")
    assert "indent (2 spaces)" in page.locator("#finding-context").text_content()
    wshot(page, "white-space")
    page.click("#apply-btn")
    expect(page.locator("#status")).to_contain_text("Delete indent (2 spaces)")
    expect(page.locator("#doc")).to_have_text(STORY.replace("\n\n  The two", "\n\nThe two", 1))
    click_row(page.locator(".finding-item:has-text('marker.end')"))
    expect(page.locator("#finding-suggestion")).to_have_text("(delete)")
    page.click("#apply-btn")
    expect(page.locator("#status")).to_contain_text("Delete “(over)”")


def test_the_legend_explains_and_filters_with_counts(wpage, server):
    page = wpage
    check_text(page, STORY)
    api = api_check(server, STORY)
    counts = api["counts"]
    for kind, values in (("category", counts["by_category"]), ("severity", counts["by_severity"])):
        for value, n in values.items():
            button = page.locator(f"#legend .filter[data-{kind}='{value}']")
            assert button.locator(".count").text_content() == str(n)
            assert button.get_attribute("aria-pressed") == "true"
    legend = page.locator("#legend").text_content()
    assert "Colour: category" in legend and "Underline: severity" in legend
    assert all(word in legend for word in ("solid", "dashed", "dotted"))
    # One scheme: a highlight has its category chip's colour and its severity's line.
    scheme = page.evaluate("""() => {
        const out = {lines: {}, colours: {}};
        for (const m of document.querySelectorAll('#doc mark')) {
            const sev = [...m.classList].find(c => c.startsWith('sev-')).slice(4);
            const cat = [...m.classList].find(c => c.startsWith('cat-'));
            out.lines[sev] = getComputedStyle(m).borderBottomStyle;
            const chip = document.querySelector('#legend .chip.' + cat);
            out.colours[cat] = getComputedStyle(m).backgroundColor === getComputedStyle(chip).backgroundColor;
        }
        return out;
    }""")
    assert scheme["lines"] == {"error": "solid", "warning": "dashed", "info": "dotted"}
    assert all(scheme["colours"].values()), scheme

    info = sum(1 for f in api["findings"] if f["severity"] == "info")
    page.click("#legend .filter[data-severity='info']")
    expect(page.locator("#legend .filter[data-severity='info']")).to_have_attribute("aria-pressed", "false")
    assert page.locator("#doc mark.sev-info").count() == 0
    shown = len(api["findings"]) - info
    assert page.locator(".finding-item:visible").count() == shown
    expect(page.locator("#status")).to_contain_text(f"{info} hidden")
    page.locator("#doc").focus()
    seen = []
    for _ in range(shown + 1):
        page.keyboard.press("j")
        seen.append(api["findings"][current(page)]["severity"])
    assert "info" not in seen and seen[0] == seen[-1]  # wrapped round the shown ones only
    expect(page.locator("#finding-title")).to_contain_text(f"of {shown}")
    page.click("#legend .filter[data-category='calque']")
    assert page.locator("#doc mark.cat-calque").count() == 0
    wshot(page, "filters")
    page.reload()  # the choice outlasts the page
    check_text(page, STORY)
    expect(page.locator("#legend .filter[data-severity='info']")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#legend .filter[data-category='calque']")).to_have_attribute("aria-pressed", "false")


def test_undo_redo_and_show_changes(wpage, server):
    page = wpage
    check_text(page, STORY)
    expect(page.locator("#undo-btn")).to_be_disabled()
    expect(page.locator("#changes-btn")).to_be_disabled()
    fixed = httpx.post(server + "/v1/fix", json={"text": STORY, "format": "text"}).json()["text"]
    page.click("#fix-all-btn")
    doc = page.locator("#doc")
    expect(doc).to_have_text(fixed)
    page.keyboard.press("Control+z")
    expect(doc).to_have_text(STORY)
    expect(page.locator("#status")).to_contain_text("Undone: Apply all safe fixes")
    page.keyboard.press("Control+Shift+z")
    expect(doc).to_have_text(fixed)
    page.click("#undo-btn")
    expect(doc).to_have_text(STORY)
    page.click("#redo-btn")
    expect(doc).to_have_text(fixed)
    expect(page.locator("#redo-btn")).to_be_disabled()
    # A single fix, then undo: back to the text before it, the finding selected again.
    page.click("#doc mark:has-text('supported and supported')")
    page.click("#apply-btn")
    page.locator("#inline-input").fill("supported")
    page.locator("#inline-input").press("Enter")
    expect(doc).not_to_contain_text("supported and supported")
    page.keyboard.press("Control+z")
    expect(doc).to_have_text(fixed)
    expect(page.locator("#finding")).to_contain_text("supported and supported")
    wshot(page, "undo")

    page.click("#changes-btn")
    expect(page.locator("#view-compare")).to_be_visible()
    assert page.locator("#draft").input_value() == STORY
    assert page.locator("#reference").input_value() == fixed
    page.wait_for_selector("#compare-groups article")
    expect(page.locator("#compare-warning")).to_be_hidden()
    assert "Agency" in page.locator("#compare-groups del").all_text_contents()
    assert "Service" in page.locator("#compare-groups ins").all_text_contents()
    expect(page.locator("#changed-only")).to_be_checked()  # only what the editor changed
    assert page.locator("#compare-groups article[data-status='kept']:visible").count() == 0
    assert page.locator("#compare-groups article:visible").count() > 0
    wshot(page, "show-changes")


def test_each_check_brings_the_verdict_back_into_view(wpage, server):
    page = wpage
    check_text(page, STORY)
    if page.width >= 900:
        page.click("#details-title")  # the evidence, sentences and source: the side column scrolls
        page.evaluate("() => { const s = document.getElementById('side-scroll'); s.scrollTop = s.scrollHeight; }")
        assert layout(page)["sideScroll"] > 0
    else:
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        assert layout(page)["scrollY"] > 0
    page.evaluate("() => { document.getElementById('verdict').dataset.old = 'yes'; }")
    page.keyboard.press("Control+Enter")
    page.wait_for_function("() => !document.getElementById('verdict').dataset.old")
    verdict = page.locator("#verdict" if page.width >= 900 else "#verdict-strip")
    box = verdict.bounding_box()
    g = layout(page)
    assert box["y"] >= g["header"] - 1 and box["y"] + box["height"] <= g["height"], (box, g)
    assert g["sideScroll"] == 0
    wshot(page, "verdict-after-check")


def _with_model_fields(route):
    """The report as the coming model gives it: an MT probability per sentence (one unknown)
    and a description on each evidence item."""
    response = route.fetch()
    data = response.json()
    for doc in data["documents"]:
        sentences = doc["fluency"]["sentences"]
        for k, sentence in enumerate(sentences):
            sentence["mt_probability"] = None if k == 1 else round(k / max(1, len(sentences) - 1), 3)
        for item in doc["provenance"]["evidence"]:
            item["description"] = f"what {item['rule']} says about the source"
    route.fulfill(response=response, json=data)


def _too_short(route):
    response = route.fetch()
    data = response.json()
    data["documents"][0]["provenance"]["verdict"] = "too-short"
    route.fulfill(response=response, json=data)


def test_sentences_are_shaded_by_mt_probability_when_the_report_has_it(wpage, server):
    page = wpage
    page.route("**/v1/check", _with_model_fields)
    check_text(page, STORY)
    api = api_check(server, STORY)
    n = len(api["fluency"]["sentences"])
    assert page.locator("#doc .sent").count() == n
    assert page.locator("#doc").text_content() == STORY  # the spans add no text
    assert highlighted(page) == {i: f["text"] for i, f in enumerate(api["findings"]) if f["text"]}
    last = page.locator(f"#doc .sent[data-sentence='{n - 1}']")
    expect(last).to_have_class("sent mt-4")
    expect(page.locator("#doc .sent[data-sentence='0']")).to_have_class("sent mt-0")
    expect(page.locator("#doc .sent[data-sentence='1']")).to_have_class("sent mt-none")
    background = "e => getComputedStyle(e).backgroundColor"
    assert last.evaluate(background) != "rgba(0, 0, 0, 0)"
    expect(page.locator("#legend .mt-legend")).to_be_visible()
    expect(page.locator("#shade-toggle")).to_be_checked()
    click_row(page.locator(".finding-item:has-text('marker.end')"))
    expect(page.locator("#finding-mt")).to_have_text("sentence MT probability 1.00")
    wshot(page, "mt-shading")
    page.locator("#shade-toggle").uncheck()
    assert last.evaluate(background) == "rgba(0, 0, 0, 0)"
    page.click("#details-title")
    expect(page.locator("#details .description").first).to_contain_text("says about the source")
    assert page.locator("#details .sentences.with-mt").count() == 1

    # A verdict the page has not seen before ("too-short") is shown as such.
    page.unroute("**/v1/check")
    page.route("**/v1/check", _too_short)
    page.locator("#doc").focus()
    page.click("#edit-btn")
    page.fill("#input", "Analysts said the the plan would rise.")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#verdict")).to_have_text("too-short")
    expect(page.locator("#status")).to_contain_text("too short to tell")
    expect(page.locator("#verdict-strip")).to_contain_text("too short to tell")
    assert page.locator("#shade-toggle").count() == 0


def test_a_story_in_another_language_is_said_to_be_so_not_given_a_verdict(wpage, server):
    page = wpage
    check_text(page, "Der Bundestag hat am Mittwoch ein neues Gesetz beschlossen. Die Opposition kritisierte "
                     "den Entwurf scharf, doch die Regierung verteidigte ihn als notwendig.")
    expect(page.locator("#verdict")).to_have_text("not-english")
    expect(page.locator("#summary")).to_contain_text("not in English")
    expect(page.locator("#status")).to_contain_text("not English")
    assert page.locator("#likelihood").count() == 0 and page.locator("#shade-toggle").count() == 0


def test_compare_labels_the_missing_side_and_warns_of_unrelated_texts(wpage, server):
    page = wpage
    page.click("#tab-compare")
    page.fill("#draft", BEFORE)
    page.fill("#reference", AFTER)
    page.click("#compare-btn")
    page.wait_for_selector("#compare-groups article")
    added = page.locator("#compare-groups article[data-status='added']")
    dropped = page.locator("#compare-groups article[data-status='dropped']")
    expect(added).to_have_count(1)
    expect(dropped).to_have_count(1)
    assert "added in the reference" in added.locator(".draft-side").text_content()
    assert "dropped" not in added.text_content().replace("DROPPED", "")
    assert "dropped from the draft" in dropped.locator(".reference-side").text_content()
    assert "Electricity" in added.locator(".reference-side").text_content()
    assert "Responsible editor" in dropped.locator(".draft-side").text_content()
    expect(page.locator("#compare-warning")).to_be_hidden()
    wshot(page, "compare-labels")

    page.fill("#draft", STORY)
    page.fill("#reference", OTHER_STORY)
    page.click("#compare-btn")
    expect(page.locator("#compare-warning")).to_be_visible()
    expect(page.locator("#compare-warning")).to_contain_text("two different stories")
    expect(page.locator("#compare-warning")).to_have_attribute("role", "alert")
    wshot(page, "compare-unrelated")
    page.fill("#draft", DRAFT)
    page.fill("#reference", PUBLISHED)
    page.click("#compare-btn")
    expect(page.locator("#compare-warning")).to_be_hidden()


CONTRAST = """() => {
    const parse = (c) => {
        const m = /rgba?\\(([^)]+)\\)/.exec(c);
        if (!m) return [0, 0, 0, 0];
        const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
        return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const over = (top, base) => [0, 1, 2].map(i => top[i] * top[3] + base[i] * (1 - top[3])).concat(1);
    const lum = (c) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
    };
    const background = (node) => {
        const layers = [];
        for (let n = node; n; n = n.parentElement) {
            const c = parse(getComputedStyle(n).backgroundColor);
            if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
        }
        let bg = [255, 255, 255, 1];
        for (const c of layers.reverse()) bg = over(c, bg);
        return bg;
    };
    const failures = [];
    const seen = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        const node = t.parentElement;
        if (!t.data.trim() || seen.has(node)) continue;
        seen.add(node);
        if (!node.getClientRects().length || node.closest('.sr-only, .skip-link, [disabled]')) continue;
        const style = getComputedStyle(node);
        let opacity = 1;
        for (let n = node; n; n = n.parentElement) opacity *= Number(getComputedStyle(n).opacity);
        const bg = background(node);
        const c = parse(style.color);
        const fg = over([c[0], c[1], c[2], c[3] * opacity], bg);
        const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
        const ratio = (hi + 0.05) / (lo + 0.05);
        const size = parseFloat(style.fontSize);
        const need = size >= 24 || (Number(style.fontWeight) >= 700 && size >= 18.66) ? 3 : 4.5;
        if (ratio < need) failures.push(`${node.tagName}.${node.className} "${t.data.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
    }
    return failures;
}"""

UNNAMED = """() => [...document.querySelectorAll('button, input, textarea, select, a[href], [tabindex]:not([tabindex="-1"])')]
    .filter(n => n.getClientRects().length)
    .filter(n => {
        const byIds = (n.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean)
            .map(id => (document.getElementById(id) || {}).textContent || '').join(' ');
        const labels = n.labels ? [...n.labels].map(l => l.textContent).join(' ') : '';
        return !((n.getAttribute('aria-label') || '') + byIds + labels + n.textContent + (n.title || '')).trim();
    })
    .map(n => n.outerHTML.slice(0, 100))"""


def test_keyboard_only_and_screen_reader_cues(wpage, server):
    page = wpage

    def focused() -> str:
        return page.evaluate("() => document.activeElement.id")

    page.keyboard.press("Tab")
    assert focused() == "skip-link"
    page.keyboard.press("Tab")
    assert focused() == "tab-check"
    page.keyboard.press("ArrowRight")  # tabs as the ARIA pattern has them
    expect(page.locator("#view-compare")).to_be_visible()
    assert focused() == "tab-compare"
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#view-check")).to_be_visible()
    page.keyboard.press("Tab")
    assert focused() == "check-btn"
    page.locator("#input").focus()
    page.keyboard.insert_text(STORY)
    page.keyboard.press("Control+Enter")
    expect(page.locator("#doc")).to_be_visible()
    expect(page.locator("#doc")).to_be_focused()  # from the textarea to the story, ready for j
    page.keyboard.press("j")
    expect(page.locator("#announce")).to_contain_text("Finding 1 of 14: error, calque")
    expect(page.get_by_role("region", name="error Finding 1 of 14")).to_be_visible()
    page.keyboard.press("a")
    expect(page.locator("#doc")).to_contain_text("China News Service, Beijing")
    expect(page.locator("#announce")).to_contain_text("Applied")
    page.keyboard.press("Escape")
    if page.width >= 900:
        expect(page.locator("#finding-title")).to_have_text("No finding selected")
    else:
        expect(page.locator("#finding")).to_be_hidden()
    # Focus is visible on what the keyboard reaches next: the legend's filters.
    page.locator("#doc").focus()
    page.keyboard.press("Tab")
    ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [document.activeElement.className, s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
    assert ring[0] == "filter" and ring[1] != "none" and ring[2] >= 2, ring
    page.keyboard.press("Enter")  # a filter toggled from the keyboard keeps the focus
    expect(page.locator("#legend .filter").first).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#legend .filter").first).to_be_focused()
    page.keyboard.press("Enter")
    page.locator("#doc").focus()
    page.keyboard.press("j")
    assert page.evaluate(UNNAMED) == []
    assert page.evaluate(CONTRAST) == []
    wshot(page, "keyboard")
    page.click("#tab-compare")
    page.fill("#draft", STORY)
    page.fill("#reference", OTHER_STORY)
    page.click("#compare-btn")
    expect(page.locator("#compare-warning")).to_be_visible()
    assert page.evaluate(UNNAMED) == []
    assert page.evaluate(CONTRAST) == []
