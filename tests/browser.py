"""Headless Chromium for the report and align page tests: Debian's browser driven by
Playwright (no browser download), and screenshots kept as artefacts.

Screenshots go to $MTCHECK_SCREENSHOTS, else reports/screenshots/ (not tracked): a person
reviewing a change looks at them at 1400 and 800 px."""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDTHS = (1400, 800)


def _skip(reason: str):
    warnings.warn(f"browser tests skipped: {reason}", stacklevel=2)
    pytest.skip(reason)


@pytest.fixture(scope="module", name="chromium")
def chromium_fixture():
    """A running headless Chromium; the test skips (with a warning saying why) without one."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip("playwright is not installed (pip install '.[browser]')")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        _skip("no Chromium on PATH (Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=FLAGS, headless=True)
        except Exception as exc:  # a browser that cannot start here is a reason to skip, not a failure
            _skip(f"Chromium at {executable} did not start: {str(exc).splitlines()[0]}")
        yield browser
        browser.close()


def open_page(browser, url: str, width: int):
    """A page at `width` px, failing the test on any script error or dialog."""
    page = browser.new_page(viewport={"width": width, "height": 1000})
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("dialog", lambda dialog: (problems.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.problems = problems  # checked by the caller at the end
    return page


def screenshot(page, name: str) -> Path:
    folder = Path(os.environ.get("MTCHECK_SCREENSHOTS") or REPO / "reports" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    return path
