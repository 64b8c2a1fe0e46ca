"""Which files a report reads: the named files, and the files of the named folders.

Folders are walked recursively, in a fixed (sorted) order, so every run numbers the
documents the same way. Include and exclude globs are matched against each file's path
relative to the folder named (or, for a config file's globs, to the config file's
folder), with the config's glob rules: `*` stays within a folder, `**` spans folders
(`**/*.md`, `2020/**`); a folder an exclude matches is not entered. Without an include,
files with an extension a reader knows (.txt, .text, .jsonl, .xml, .nitf, .md, .html,
...) are read, at any depth. Hidden files and folders (a leading dot) and the report's
own output folder are skipped. A file named on the command line is always read; a
symbolic link in a folder is read only when it points inside the folder named, unless
`follow_symlinks` (a link out of an archive must not publish another file's text). Named
pipes, sockets and devices are refused by the reader, each as an error row.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from wcmatch import glob

from mtcheck.files import real_path
from mtcheck.read import InputProblem

TEXT_EXTENSIONS = (".txt", ".text")
_FLAGS = glob.GLOBSTAR | glob.DOTGLOB  # as the config file's include/exclude


def default_include() -> list[str]:
    from mtcheck.read.formats import EXTENSIONS, formats

    formats()  # loads the readers, which register their extensions
    return [f"**/*{ext}" for ext in sorted({*TEXT_EXTENSIONS, *EXTENSIONS})]


class Discovery:
    def __init__(self, include: Sequence[str] | None = None, exclude: Sequence[str] = (),
                 skip: Iterable[Path] = (), base: Path | None = None, follow_symlinks: bool = False):
        """`base`: the folder globs are relative to (a config file's); None: each folder named."""
        self.follow_symlinks = follow_symlinks
        self.include = list(include) if include else default_include()
        self.exclude = list(exclude)
        self._base = real_path(base) if base is not None else None
        self._skip = {real_path(p) for p in skip}

    def files(self, paths: Sequence[str]) -> Iterator[str | InputProblem]:
        """'-', file paths, and an InputProblem for each path that cannot be read."""
        seen: set[str] = set()
        for name in paths:
            if name == "-":
                yield name
                continue
            path = Path(name)
            if path.is_dir():
                for item in self._walk(path):
                    if isinstance(item, InputProblem) or _first(item, seen):
                        yield _named(item)
            elif path.exists():
                if _first(name, seen):
                    yield _named(name)
            else:
                yield InputProblem(_printable(name), "no such file or folder")

    def _walk(self, root: Path) -> Iterator[str | InputProblem]:
        problems: list[OSError] = []
        inside = real_path(root)
        for folder, dirs, files in os.walk(root, onerror=problems.append):
            here = Path(folder)
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and real_path(here / d) not in self._skip
                             and not self._excluded(self._relative(here / d, root) + "/"))
            for name in sorted(files):
                relative = self._relative(here / name, root)
                if (not name.startswith(".") and glob.globmatch(relative, self.include, flags=_FLAGS)
                        and not self._excluded(relative)):
                    yield self._outside(here / name, inside) or str(here / name)
            yield from _problems(problems)
        yield from _problems(problems)  # the folder named itself could not be listed

    def _outside(self, path: Path, inside: Path) -> InputProblem | None:
        """The refusal of a symbolic link that points out of the folder named (None: read it)."""
        if self.follow_symlinks or not path.is_symlink():
            return None
        target = real_path(path)
        if target == inside or inside in target.parents:
            return None
        return InputProblem(_printable(str(path)), f"a symbolic link to {_printable(str(target))}, outside "
                                                   f"{_printable(str(inside))}; not read (--follow-symlinks reads it)")

    def _relative(self, path: Path, root: Path) -> str:
        if self._base is None:
            return path.relative_to(root).as_posix()
        try:
            return real_path(path).relative_to(self._base).as_posix()
        except ValueError:  # outside the config's folder: as the config module does
            return real_path(path).as_posix()

    def _excluded(self, relative: str) -> bool:
        return bool(self.exclude) and glob.globmatch(relative, self.exclude, flags=_FLAGS)


def _problems(errors: list[OSError]) -> Iterator[InputProblem]:
    while errors:
        exc = errors.pop(0)
        yield InputProblem(str(exc.filename), f"cannot read folder ({exc.strerror or exc})")


def _named(item: str | InputProblem) -> str | InputProblem:
    """A file whose name is not UTF-8 (undecodable bytes in a POSIX name) cannot be named in
    the reports: it is an error row under a printable form of its name."""
    if isinstance(item, str) and _printable(item) != item:
        return InputProblem(_printable(item), "the file name is not valid UTF-8; rename the file")
    return item


def _printable(name: str) -> str:
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _first(name: str, seen: set[str]) -> bool:
    """True the first time a file is met (a file inside a named folder may be named too)."""
    key = os.path.realpath(name)
    if key in seen:
        return False
    seen.add(key)
    return True


def count_documents(items: Iterable[str | InputProblem]) -> int:
    """About how many documents the files hold (a line per JSONL record), for the progress bar."""
    from mtcheck.read.formats import format_of

    total = 0
    for item in items:
        if isinstance(item, str) and item != "-" and format_of(item) == "jsonl":
            total += _count_lines(item)
        else:
            total += 1
    return total


def _count_lines(path: str) -> int:
    from mtcheck.read.text import open_regular

    lines, last = 0, b"\n"
    try:
        fd, _ = open_regular(path)  # a named pipe would block the count: the reader refuses it later
        with open(fd, "rb") as fh:
            while chunk := fh.read(1 << 20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except (OSError, InputProblem):
        return 1
    return lines + (last != b"\n")
