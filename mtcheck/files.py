"""Writing files atomically: a reader never sees half a report, a crash never leaves one.

`rewrite` changes a user's own file in place of `mtcheck fix --write`: only the file that was
read, with its owner, group, mode and hard links kept.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def atomic_open(path: str | Path, binary: bool = False, sync: bool = True,
                mode: int | None = None) -> Iterator[IO]:
    """A file to stream into that replaces `path` only once complete (and, with `sync`, on
    disk). It gets `mode`, else the mode of the file it replaces, else what a plain open()
    would give; text is UTF-8 with LF line endings."""
    import tempfile  # (with shutil, 3 ms of a one-story check, which writes no file)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600): reports are for sharing.
        os.chmod(tmp, mode if mode is not None else _mode_for(path))
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")) as fh:
            yield fh
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: str | Path, text: str, sync: bool = True) -> None:
    """Write `text` (UTF-8) to a temporary file beside `path`, then rename it into place."""
    with atomic_open(path, sync=sync) as fh:
        fh.write(text)


def atomic_write_bytes(path: str | Path, data: bytes, mode: int | None = None) -> None:
    with atomic_open(path, binary=True, mode=mode) as fh:
        fh.write(data)


def atomic_create(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file beside it renamed into place, as
    `atomic_open` does, with the fewest system calls: for the many small files of a folder
    that one process writes at a time (a report's pages, under the run's lock). The folder
    must exist; the temporary file's name is fixed (`.NAME.new.tmp`); the file gets the mode
    a plain open() gives, and is not synced. The temporary file is always a new one (O_EXCL):
    one left behind, or a link someone put in its place, is removed, never written through."""
    tmp = path.with_name(f".{path.name}.new.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:
            os.unlink(tmp)
            fd = os.open(tmp, flags, 0o666)
        with open(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


class FileChanged(Exception):
    """The file at a path is no longer the one that was read (edited, replaced, or swapped for
    a symbolic link): it is not written."""


def same_file(a: os.stat_result, b: os.stat_result) -> bool:
    """The same file, unchanged: device and inode, size and modification time."""
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns) == (b.st_dev, b.st_ino, b.st_size, b.st_mtime_ns)


def real_path(path: str | os.PathLike[str]) -> Path:
    """The absolute path with symbolic links resolved, as far as they resolve: unlike
    Path.resolve() before Python 3.13, a symbolic link loop raises nothing (it stays as named)."""
    return Path(os.path.realpath(path))


def rewrite(path: str | Path, data: bytes, expected: os.stat_result) -> str:
    """Give the regular file at `path` the contents `data`, if it is still the file `expected`
    (its stat when it was read) describes; raises FileChanged otherwise, or OSError.

    A file with one link whose owner and group a new file can be given is replaced
    atomically (a temporary file beside it, renamed over it): a crash leaves the old file or
    the new one. Otherwise (hard links, which a rename would split; another user's file, which
    a rename would make ours) it is overwritten in place, through a temporary copy of the new
    contents written and read back first, and left beside it should the overwrite be
    interrupted. Never follows a symbolic link. Returns "replaced" or "overwritten"."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):  # O_NOFOLLOW met a symbolic link: swapped in
            raise FileChanged(str(path)) from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not same_file(st, expected):
            raise FileChanged(str(path))
        if st.st_nlink == 1 and _replace(path, data, st):
            return "replaced"
        _overwrite(fd, path, data)
        return "overwritten"
    finally:
        os.close(fd)


def _replace(path: Path, data: bytes, st: os.stat_result) -> bool:
    """Rename a new file with `st`'s owner, group and mode over `path`; False (nothing done)
    when the new file cannot be given that owner and group."""
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            own = os.fstat(fh.fileno())
            if (own.st_uid, own.st_gid) != (st.st_uid, st.st_gid):
                try:
                    os.fchown(fh.fileno(), st.st_uid, st.st_gid)
                except PermissionError:
                    os.unlink(tmp)
                    return False
            os.fchmod(fh.fileno(), stat.S_IMODE(st.st_mode))  # after fchown, which clears set-id bits
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if not same_file(os.lstat(path), st):  # the last look before the rename
            raise FileChanged(str(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _overwrite(fd: int, path: Path, data: bytes) -> None:
    """Write `data` into the open file `fd` in place, after a copy of it beside the file has
    been written and read back; the copy is removed once the file holds `data`."""
    copy = path.with_name(f".{path.name}.mtcheck-fixed")
    if os.path.lexists(copy):
        raise FileExistsError(errno.EEXIST, f"{copy} is there already, left by an interrupted fix: "
                                            "see which version is right, then remove it")
    with open(copy, "xb") as fh:  # mode 0666 & ~umask: the copy is ours
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    if copy.read_bytes() != data:
        raise OSError(f"the copy of the new contents in {copy} does not read back as written")
    view = memoryview(data)
    written = 0
    while written < len(data):
        written += os.pwrite(fd, view[written:], written)
    os.ftruncate(fd, len(data))
    os.fsync(fd)
    copy.unlink()
