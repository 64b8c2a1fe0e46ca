"""The editor's page in a real headless Chromium, used as a person would: paste a story,
check it, read the highlights, apply fixes, compare two versions, open a file, and try
stories that carry scripts. Screenshots of the main views are saved (the folder is
printed) to be looked at.

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


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1366, "height": 860}, accept_downloads=True,
                                  permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    tab.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    tab.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    tab.on("request", lambda req: None if req.url.startswith(server) or req.url.startswith(("blob:", "data:"))
           else problems.append(f"request off the server: {req.url}"))
    tab.goto(server + "/")
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
    page.click("#tab-compare")
    page.fill("#draft", XSS)
    page.fill("#reference", XSS.replace("relevant person in charge", "official"))
    page.click("#compare-btn")
    page.wait_for_selector("#compare-groups article")
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
