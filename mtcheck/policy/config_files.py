"""Which config file applies to a checked file: the nearest mtcheck.toml, or pyproject.toml
with a [tool.mtcheck] table, from the file's folder upwards (see `mtcheck.policy.config`).

Kept apart from the settings' model so that a run with no config file (most one-file runs,
pre-commit hooks outside a configured project) looks for one without loading pydantic:
`load_config` is imported only when a file is found.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mtcheck.files import real_path

if TYPE_CHECKING:
    from mtcheck.policy.config import Config

CONFIG_FILE = "mtcheck.toml"
PYPROJECT = "pyproject.toml"
# A config file is a few hundred bytes; a pyproject.toml some kilobytes. Anything near this
# is not a config file (or is /dev/zero).
MAX_CONFIG_BYTES = 1 << 20


class ConfigError(ValueError):
    """A config file that cannot be used; the message is one line naming the file and key."""


def discover_config(start_dir: str | Path) -> Path | None:
    """The nearest config file from `start_dir` upwards: mtcheck.toml, or a pyproject.toml
    that has a [tool.mtcheck] table. None when there is none."""
    folder = real_path(start_dir)
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _has_mtcheck_table(pyproject):
            return pyproject
    return None


def find_config(explicit: str | Path | None, start_dir: str | Path) -> Config | None:
    """The config to use: `explicit` (--config) if given, else the one discovered from `start_dir`."""
    if explicit is not None:
        return _load_config(explicit)
    found = discover_config(start_dir)
    return _load_config(found) if found is not None else None


class ConfigCache:
    """Configs by folder, so checking many files discovers and parses each config once."""

    def __init__(self, explicit: str | Path | None = None):
        self.explicit = explicit
        self._by_folder: dict[Path, Config | None] = {}
        self._by_file: dict[Path, Config] = {}

    def for_file(self, path: str | Path) -> Config | None:
        """The config that applies to `path` ('-' for stdin: the current folder's)."""
        return self.for_folder(Path.cwd() if str(path) == "-" else real_path(path).parent)

    def for_folder(self, folder: Path) -> Config | None:
        """The config that applies to files in `folder`."""
        if self.explicit is not None:
            return self._load(Path(self.explicit))
        if folder not in self._by_folder:
            found = discover_config(folder)
            self._by_folder[folder] = self._load(found) if found is not None else None
        return self._by_folder[folder]

    def _load(self, path: Path) -> Config:
        key = real_path(path)
        if key not in self._by_file:
            self._by_file[key] = _load_config(path)
        return self._by_file[key]


def parse_toml(path: Path, label: str) -> dict:
    """The TOML of a config file, read with a bound on its size; ConfigError, one line, else."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    from mtcheck.read.text import InputProblem, read_bytes

    try:
        raw, _ = read_bytes(path, MAX_CONFIG_BYTES, label, limit_hint=" for a config file")
    except InputProblem as problem:
        message = {"no such file": "no such config file",
                   "is a folder, not a file": "is a folder, not a config file"}.get(problem.message, problem.message)
        raise ConfigError(f"{label}: {message}") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{label}: not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{label}: not valid UTF-8") from None
    except RecursionError:
        raise ConfigError(f"{label}: not a config file (TOML nested too deeply)") from None


def _has_mtcheck_table(pyproject: Path) -> bool:
    try:
        data = parse_toml(pyproject, str(pyproject))
    except ConfigError:
        # A broken pyproject.toml that might hold our table: load_config reports why.
        return b"tool.mtcheck" in _head(pyproject)
    tool = data.get("tool")
    return isinstance(tool, dict) and "mtcheck" in tool


def _head(path: Path) -> bytes:
    """The first MAX_CONFIG_BYTES bytes of a regular file (nothing of a FIFO or a device)."""
    from mtcheck.read.text import InputProblem, open_regular

    try:
        fd, _ = open_regular(path)
    except InputProblem:
        return b""
    with open(fd, "rb") as fh:
        try:
            return fh.read(MAX_CONFIG_BYTES)
        except OSError:
            return b""




def _load_config(path: str | Path) -> Config:
    from mtcheck.policy.config import load_config  # the settings' model (pydantic): a file was found

    return load_config(path)
