"""Helpers for the CI-gate tests (config, suppressions, baselines, formats, markup)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import PLAIN

# MT-style copy: calque.term errors, a coordinated repetition, a Chinese-wire dateline.
MT = ("China News Agency, Beijing, November 27th. The new crown pneumonia epidemic was supported and supported.\n\n"
      + PLAIN + "\n")
_BUILT: dict = {}


@pytest.fixture(autouse=True)
def cached_checkers(monkeypatch):
    """Build each distinct Checker once per test run: the CLI builds one per invocation
    (~0.4 s of loading pairs), which would dominate these tests."""
    from mtcheck import pipeline as checker_module

    real = _BUILT.setdefault("__real__", checker_module.Checker)

    def build(*args, **kwargs):
        key = repr((args, sorted((k, repr(v)) for k, v in kwargs.items())))
        if key not in _BUILT:
            _BUILT[key] = real(*args, **kwargs)
        return _BUILT[key]

    monkeypatch.setattr(checker_module, "Checker", build)


def write(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path
