"""Rule packs: reference pairs (literal phrases and `re:` patterns, the rules a newsroom can
write without code) shipped as a unit, by a newsroom or for another source language.

A pack is a folder with a manifest, `mtcheck-pack.toml`, and its pair files (`.tsv`, the
format of reference_pairs/phrases/) in `pairs/`, or beside the manifest when there is no
`pairs/` folder:

    name = "acme-house"                  # lower case, digits and hyphens; what configs enable
    version = "2026.1"
    description = "ACME's house terms and the calques its desk keeps fixing"
    source_languages = ["ja", "zh"]      # ISO 639 codes the pack's pairs translate from

A pack is found as
- an installed Python package that declares it under the entry-point group `mtcheck.packs`
  (`acme-house = "acme_mtcheck_pack"`: the module's folder is the pack; or an object that is,
  or returns, the folder's path), or
- a folder named by path in a config's `packs` or by `--pack` (relative to the config file,
  or to the current folder on the command line).

Packs are enabled by name or path (`packs = ["acme-house", "./packs/desk"]`, `--pack`); none
is loaded unless enabled. `mtcheck packs` lists what is installed, and `mtcheck pairs validate
--pack NAME` (or a pack folder) checks a manifest and every entry.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from mtcheck.core.pairs import PairsError, is_language_code, pair_files

if TYPE_CHECKING:
    from mtcheck.core.pack_manifest import PackManifest

ENTRY_POINT_GROUP = "mtcheck.packs"
MANIFEST = "mtcheck-pack.toml"
NAME_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class PackError(PairsError):
    """A pack that cannot be used: unknown, or its manifest is wrong. One line."""


@dataclass(frozen=True)
class Pack:
    manifest: PackManifest
    folder: Path
    origin: str  # "entry point acme-house (acme-mtcheck-pack 1.0)" or "folder ./packs/desk"

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def pairs_folder(self) -> Path:
        nested = self.folder / "pairs"
        return nested if nested.is_dir() else self.folder

    def pair_files(self) -> list[Path]:
        return pair_files([self.pairs_folder])

    def describe(self) -> str:
        return f"{self.name}@{self.manifest.version}"


def read_pack(folder: Path, origin: str) -> Pack:
    """The pack in `folder`, its manifest validated."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    manifest_path = folder / MANIFEST
    try:
        data = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackError(f"{folder}: not a pack (no {MANIFEST})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(f"{manifest_path}: cannot read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise PackError(f"{manifest_path}: not valid TOML ({exc})") from None
    from pydantic import ValidationError  # the manifest's model, only when a pack is enabled

    from mtcheck.core.pack_manifest import PackManifest

    try:
        manifest = PackManifest.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in err["loc"]) or "manifest"
        raise PackError(f"{manifest_path}: {where}: {err['msg']}") from None
    for code in manifest.source_languages:
        if not is_language_code(code):
            raise PackError(f"{manifest_path}: source_languages: {code!r} is not an ISO 639-1 code such as ja")
    pack = Pack(manifest, folder, origin)
    if not pack.pair_files():
        raise PackError(f"{folder}: the pack {manifest.name!r} has no .tsv pair files")
    return pack


def installed_packs() -> dict[str, Pack]:
    """Packs declared by installed packages (entry-point group `mtcheck.packs`), by name."""
    from importlib import metadata  # (tens of milliseconds) only when an installed pack is asked for

    found: dict[str, Pack] = {}
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = f" ({entry.dist.name} {entry.dist.version})" if entry.dist is not None else ""
        origin = f"entry point {entry.name}{dist}"
        try:
            target = entry.load()
        except Exception as exc:  # a broken third-party package: say which, do not crash
            raise PackError(f"{origin}: cannot load {entry.value!r} ({exc})") from None
        pack = read_pack(_folder_of(target, origin), origin)
        if pack.name != entry.name:
            raise PackError(f"{origin}: its manifest names the pack {pack.name!r}, not {entry.name!r}")
        found[pack.name] = pack
    return found


def _folder_of(target: object, origin: str) -> Path:
    if isinstance(target, ModuleType):
        file = getattr(target, "__file__", None)
        if file is None:
            raise PackError(f"{origin}: the module {target.__name__} is not in a folder on disk")
        return Path(file).resolve().parent
    if callable(target):
        target = target()
    if isinstance(target, (str, Path)):
        return Path(target)
    raise PackError(f"{origin}: points at {type(target).__name__}, not a module or a folder path")


def is_path(spec: str) -> bool:
    """Whether a `packs` entry is a folder path rather than a pack name."""
    return not re.fullmatch(NAME_PATTERN, spec)


def resolve_packs(specs: tuple[str, ...] | list[str]) -> list[Pack]:
    """The packs that `specs` (names, or folder paths) enable, in order, each once."""
    installed: dict[str, Pack] | None = None
    out: dict[str, Pack] = {}
    for spec in specs:
        if is_path(spec):
            pack = read_pack(Path(spec), f"folder {spec}")
        else:
            if installed is None:
                installed = installed_packs()
            if spec not in installed:
                known = ", ".join(sorted(installed)) or "none is installed"
                raise PackError(f"unknown pack {spec!r} (installed: {known}; `mtcheck packs` lists them)")
            pack = installed[spec]
        if pack.name in out and out[pack.name].folder.resolve() != pack.folder.resolve():
            raise PackError(f"two packs are named {pack.name!r}: {out[pack.name].origin} and {pack.origin}")
        out[pack.name] = pack
    return list(out.values())
