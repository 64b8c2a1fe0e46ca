"""Atomic writes: whole files or none, readable like any other file the user writes."""

from __future__ import annotations

import os
import stat

import pytest

from mtcheck.files import atomic_create, atomic_write


def test_new_file_gets_the_umask_mode_not_a_private_one(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "report.json", "{}\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "report.json").stat().st_mode) == 0o644


def test_replacing_keeps_the_existing_mode_and_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "index.html"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    atomic_write(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]


def test_a_failed_write_leaves_the_old_file_whole(tmp_path):
    target = tmp_path / "summary.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        atomic_write(target, "bad \ud800 surrogate")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.csv"]


def test_atomic_create_writes_a_whole_file_with_the_umask_mode_and_leaves_no_temporary_file(tmp_path):
    stale = tmp_path / ".page.html.new.tmp"  # a run killed while writing it
    stale.write_bytes(b"half a pa")
    old = os.umask(0o022)
    try:
        atomic_create(tmp_path / "page.html", "<p>é</p>\n".encode())
    finally:
        os.umask(old)
    assert (tmp_path / "page.html").read_bytes() == "<p>é</p>\n".encode()
    assert stat.S_IMODE((tmp_path / "page.html").stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


@pytest.mark.skipif(os.name != "posix", reason="symbolic and hard links as POSIX makes them")
def test_atomic_create_never_writes_through_a_link_in_place_of_its_temporary_file(tmp_path):
    pages, outside = tmp_path / "pages", tmp_path / "outside"
    pages.mkdir()
    outside.mkdir()
    for kind, victim in (("symlink", outside / "a.txt"), ("hardlink", outside / "b.txt")):
        victim.write_text("keep me", encoding="utf-8")
        temporary = pages / f".{kind}.html.new.tmp"
        temporary.symlink_to(victim) if kind == "symlink" else os.link(victim, temporary)
        atomic_create(pages / f"{kind}.html", b"<p>page</p>")
        assert victim.read_text(encoding="utf-8") == "keep me", kind
        assert (pages / f"{kind}.html").read_bytes() == b"<p>page</p>"
        assert not (pages / f"{kind}.html").is_symlink()
    assert sorted(p.name for p in pages.iterdir()) == ["hardlink.html", "symlink.html"]


def test_atomic_create_that_fails_leaves_nothing(tmp_path):
    with pytest.raises(TypeError):
        atomic_create(tmp_path / "page.html", "not bytes")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []
