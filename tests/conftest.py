"""Shared fixtures: one checker for the whole run, the CLI run in-process, ../shared paths."""

from __future__ import annotations

import atexit
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

import mtcheck
from mtcheck.cli import main

# The suite keeps what mtcheck caches (the compiled reference pairs) in a folder of its own,
# never the user's: set before anything runs, so the CLI run in subprocesses inherits it.
os.environ["XDG_CACHE_HOME"] = _CACHE_HOME = tempfile.mkdtemp(prefix="mtcheck-tests-cache-")
atexit.register(shutil.rmtree, _CACHE_HOME, ignore_errors=True)

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
# A plain English sentence: short fixtures are padded with it so the language check
# sees English and every rule family runs.
PLAIN = "The minister said on Monday that the plan would be put in place by the end of the year."


@pytest.fixture(scope="session")
def checker():
    return mtcheck.default_checker()


@pytest.fixture(scope="session")
def check(checker):
    """check(text) -> DocumentReport."""
    return lambda text, source="<test>": checker.check(text, source)


@pytest.fixture(scope="session")
def found(checker):
    """found(text, rule_or_prefix) -> list of (rule, text) for findings whose rule id starts with it."""

    def _found(text: str, prefix: str = "") -> list[tuple[str, str]]:
        return [(f.rule, f.text) for f in checker.check(text).findings if f.rule.startswith(prefix)]

    return _found


def pytest_collection_modifyitems(config, items) -> None:
    """Tests that drive a browser carry the `browser` marker whoever wrote them (the editor's
    page tests use a `browser` fixture, the report and align page tests `chromium`), so
    `-m "not browser"` leaves every one of them out. Tests marked `slow` run only when the -m
    expression names them (`-m slow`): any other run, marker expression or not, skips them."""
    slow_asked = "slow" in (config.getoption("markexpr", "") or "")
    for item in items:
        if {"browser", "chromium"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        if "slow" in item.keywords and not slow_asked:
            item.add_marker(pytest.mark.skip(reason="slow: run with python -m pytest -m slow"))


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces: what a report says,
    whatever width it was wrapped to."""
    return " ".join(text.split())


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def cli(capsys, monkeypatch):
    """cli(*args, stdin=None) runs `mtcheck ARGS` in-process and returns code, out, err."""

    def _run(*args: str, stdin: bytes | None = None) -> CliResult:
        if stdin is not None:
            stream = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
            monkeypatch.setattr(sys, "stdin", stream)
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return _run


@pytest.fixture(scope="session")
def shared_seeds() -> Path:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is not beside the repository")
    return seeds
