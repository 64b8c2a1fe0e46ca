"""Project configuration: `[tool.mtcheck]` in pyproject.toml, or the same keys in mtcheck.toml.

    [tool.mtcheck]
    select = ["calque", "repetition"]   # rule ids, families, categories or "all"
    ignore = ["punctuation.indent"]
    pairs = ["house/terms.tsv"]         # relative to the config file
    packs = ["acme-house", "./packs/desk"]  # rule packs: installed names, or folders
    default_pairs = true
    fail_on = "error"                   # info | warning | error | never
    max_mt_likelihood = 0.7             # a document above this fails
    baseline = "ci/mtcheck-baseline.json"  # accepted findings (relative to the config file)
    min_fluency = 60                    # a document below this fails
    include = ["**/*.md", "**/*.txt"]
    exclude = ["drafts/**"]

    [tool.mtcheck.severity]
    "punctuation.indent" = "info"

    [tool.mtcheck.verdict]              # written by `mtcheck eval --calibrate`
    post_edited = 0.35
    machine = 0.7

The file is found from the checked file's folder upwards (mtcheck.toml wins over
pyproject.toml in the same folder; a pyproject.toml without [tool.mtcheck] is skipped).
Every problem is a `ConfigError`: one line naming the file and the key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mtcheck.core import scores
from mtcheck.files import real_path
from mtcheck.policy.config_files import (
    CONFIG_FILE,
    MAX_CONFIG_BYTES,
    PYPROJECT,
    ConfigCache,
    ConfigError,
    discover_config,
    find_config,
    parse_toml,
)
from mtcheck.policy.options import Options, Overrides, merge

# Finding the file is `config_files`' (no pydantic there); its names are this module's too.
__all__ = ["CONFIG_FILE", "MAX_CONFIG_BYTES", "PYPROJECT", "Config", "ConfigCache", "ConfigError", "VerdictThresholds",
           "discover_config", "find_config", "load_config"]

class _Strict(BaseModel):
    # strict: TOML already has types, so "60" for a number is a mistake, not something to coerce.
    model_config = ConfigDict(extra="forbid", strict=True)


class VerdictThresholds(_Strict):
    """MT-likelihood thresholds of the verdicts: below post_edited is human, from machine up is machine."""

    post_edited: float = Field(default=scores.POST_EDITED, ge=0, le=1)
    machine: float = Field(default=scores.MACHINE, ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> VerdictThresholds:
        if self.post_edited > self.machine:
            raise ValueError(f"post_edited ({self.post_edited}) must not be above machine ({self.machine})")
        return self


class Config(_Strict):
    """The settings of one config file; `path` is the file they came from (None: defaults)."""

    # The descriptions are what an editor shows for each key (reports/schema/config.schema.json).
    path: Path | None = Field(default=None, exclude=True, description="The file these settings came from.")
    select: list[str] | None = Field(
        default=None, description='Only these rules: ids, families or categories, or "all" (`mtcheck rules`).')
    ignore: list[str] = Field(default_factory=list, description="Skip these rules: ids, families or categories.")
    pairs: list[str] = Field(default_factory=list,
                             description="Reference-pair files or folders besides the shipped ones, relative to "
                                         "this file.")
    default_pairs: bool = Field(default=True, description="Load the reference pairs shipped with mtcheck.")
    packs: list[str] = Field(default_factory=list,
                             description="Rule packs to enable: names of installed packs (`mtcheck packs`), or "
                                         "folders holding an mtcheck-pack.toml, relative to this file.")
    fail_on: Literal["info", "warning", "error", "never"] | None = Field(
        default=None, description="`mtcheck check` exits 1 when a finding has this severity or higher.")
    max_mt_likelihood: float | None = Field(default=None, ge=0, le=1,
                                            description="A document whose MT likelihood is above this fails.")
    min_fluency: float | None = Field(default=None, ge=0, le=100,
                                      description="A document whose fluency (0-100) is below this fails.")
    include: list[str] = Field(default_factory=list,
                               description="Globs of the files to check, relative to this file (** spans folders).")
    exclude: list[str] = Field(default_factory=list, description="Globs of files not to check.")
    severity: dict[str, Literal["info", "warning", "error"]] = Field(
        default_factory=dict, description="Rule id -> severity, replacing the rule's default.")
    verdict: VerdictThresholds | None = Field(
        default=None, description="MT-likelihood thresholds of the verdicts (`mtcheck eval --calibrate` writes "
                                  "them).")
    baseline: str | None = Field(default=None, description="A baseline file (`mtcheck check --write-baseline`), "
                                                           "relative to this file: its findings are not reported.")
    model: str | None = Field(default=None, description="The provenance model: a model file or a folder `mtcheck "
                                                        "train` wrote (relative to this file), or \"rules\" for the "
                                                        "rule weights alone; default: the shipped model.")

    @property
    def base_dir(self) -> Path:
        """Folder that relative paths and globs are taken from: the config file's."""
        return self.path.parent if self.path is not None else Path.cwd()

    @property
    def pair_paths(self) -> list[Path]:
        return [self.base_dir / p for p in self.pairs]

    @property
    def pack_specs(self) -> list[str]:
        """`packs` with folder paths made relative to this file (names stay names)."""
        from mtcheck.core.packs import is_path

        return [str(self.base_dir / p) if is_path(p) else p for p in self.packs]

    @property
    def verdict_thresholds(self) -> tuple[float, float] | None:
        return (self.verdict.post_edited, self.verdict.machine) if self.verdict is not None else None

    def includes(self, path: str | Path) -> bool:
        """Whether a file is checked under `include` and `exclude` (globs relative to the config
        file's folder; `**` spans folders). No `include` means every file."""
        from wcmatch import glob

        flags = glob.GLOBSTAR | glob.DOTGLOB
        name = _relative_posix(Path(path), self.base_dir)
        if self.include and not glob.globmatch(name, self.include, flags=flags):
            return False
        return not (self.exclude and glob.globmatch(name, self.exclude, flags=flags))

    def merge(self, cli: Overrides = Overrides(), default_fail_on: str = "error") -> Options:
        """The options these settings and a command line give together: a value the command
        line gives wins, except pairs, which are added to the file's. `default_fail_on` is the
        command's own default when neither says (`check` fails on errors, `report` never)."""
        return merge(
            cli, default_fail_on, pairs=tuple(str(p) for p in self.pair_paths), packs=tuple(self.pack_specs),
            default_pairs=self.default_pairs, select=tuple(self.select) if self.select is not None else None,
            ignore=tuple(self.ignore), severities=tuple(sorted(self.severity.items())),
            verdict_thresholds=self.verdict_thresholds, fail_on=self.fail_on,
            max_mt_likelihood=self.max_mt_likelihood, min_fluency=self.min_fluency,
            baseline=str(self.base_dir / self.baseline) if self.baseline else None, model=self._model_location(),
        )

    def _model_location(self) -> str | None:
        if self.model is None or self.model == "rules":
            return self.model
        return str(self.base_dir / self.model)


def load_config(path: str | Path) -> Config:
    """Read and validate one config file (mtcheck.toml, or pyproject.toml's [tool.mtcheck])."""
    path = Path(path)
    label = _label(path)
    data = parse_toml(path, label)
    in_pyproject = path.name == PYPROJECT
    table = "[tool.mtcheck] " if in_pyproject else ""
    if in_pyproject:
        tool = data.get("tool", {})
        settings = tool.get("mtcheck") if isinstance(tool, dict) else None
        if settings is None:
            raise ConfigError(f"{label}: has no [tool.mtcheck] table")
        if not isinstance(settings, dict):
            raise ConfigError(f"{label}: tool.mtcheck must be a table")
    else:
        settings = data
    if "path" in settings:  # set from where the file is, never from inside it
        raise ConfigError(f"{label}: {table}path: unknown key (known: {', '.join(_known_keys())})")
    try:
        config = Config.model_validate({**settings, "path": path})
    except ValidationError as exc:
        raise ConfigError(f"{label}: {_first_problem(exc, table)}") from None
    except RecursionError:
        raise ConfigError(f"{label}: {table}values nested too deeply") from None
    _check_references(config, label, table)
    return config


def _check_references(config: Config, label: str, table: str) -> None:
    """Rule names and pairs files exist: a typo is an error now, not a silently unused setting."""
    from mtcheck.core.rules import RULES, RuleSelectionError, resolve_rules

    for key in ("select", "ignore"):
        items = getattr(config, key) or []
        for item in items:
            try:
                resolve_rules([item])
            except RuleSelectionError as exc:
                raise ConfigError(f"{label}: {table}{key}: {exc}") from None
    for rule_id in config.severity:
        if rule_id not in RULES:
            raise ConfigError(
                f"{label}: [{_table(table, 'severity')}] {rule_id}: unknown rule id (see `mtcheck rules`)")
    for name, full in zip(config.pairs, config.pair_paths):
        if not full.exists():
            raise ConfigError(f"{label}: {table}pairs: {name}: no such pairs file or folder")


def _table(table: str, sub: str) -> str:
    return f"tool.mtcheck.{sub}" if table else sub


def _known_keys() -> list[str]:
    return [k for k in Config.model_fields if k != "path"]


_LISTS = ("select", "ignore", "pairs", "packs", "include", "exclude")
_TABLES = ("severity", "verdict")
_MESSAGES = {
    "literal_error": lambda err: "must be one of " + err["ctx"]["expected"].replace("'", "").replace(" or ", ", "),
    "bool_type": lambda err: "must be true or false",
    "list_type": lambda err: 'must be a list of strings, e.g. ["a", "b"]',
    "string_type": lambda err: "must be a string",
    "float_type": lambda err: "must be a number",
    "dict_type": lambda err: "must be a table",
    "model_type": lambda err: "must be a table",
    "greater_than_equal": lambda err: f"must be at least {err['ctx']['ge']:g}",
    "less_than_equal": lambda err: f"must be at most {err['ctx']['le']:g}",
}


def _first_problem(exc: ValidationError, table: str) -> str:
    """The first validation error as `[table] key: problem`, in the words a config author uses."""
    err = exc.errors(include_url=False)[0]
    loc = [str(part) for part in err["loc"]]
    kind = err["type"]
    if loc and loc[0] in _LISTS and len(loc) > 1:
        loc, kind = loc[:1], "list_type"  # "select: must be a list of strings", not "select.2: ..."
    if kind == "extra_forbidden":
        known = _known_keys() if len(loc) == 1 else list(VerdictThresholds.model_fields)
        message = f"unknown key (known: {', '.join(known)})"
    else:
        make = _MESSAGES.get(kind)
        message = make(err) if make else err["msg"].removeprefix("Value error, ")
    if len(loc) >= 2 and loc[0] in _TABLES:
        return f"[{_table(table, loc[0])}] {'.'.join(loc[1:])}: {message}"
    return f"{table}{'.'.join(loc) or 'table'}: {message}"


def _relative_posix(path: Path, base: Path) -> str:
    """`path` relative to `base` with forward slashes; the absolute path when outside it."""
    absolute = real_path(path)
    try:
        return absolute.relative_to(real_path(base)).as_posix()
    except ValueError:
        return absolute.as_posix()


def _label(path: Path) -> str:
    """The config file as messages name it: relative to the current folder when inside it."""
    try:
        return real_path(path).relative_to(real_path(Path.cwd())).as_posix()
    except (ValueError, OSError):
        return str(path)
