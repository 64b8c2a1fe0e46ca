"""What every command shares: exit codes, the one-line error, argument helpers."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mtcheck.corpus.index import References
    from mtcheck.evaluate.labelled import LabelSpec
    from mtcheck.pipeline import Checker
    from mtcheck.policy.config import Config
    from mtcheck.policy.options import Options, Overrides


EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A bad argument or unusable configuration: one line, exit 2."""


@contextmanager
def collector_waits() -> Iterator[None]:
    """The cyclic collector off until `collect_from_now()`: up to its first document a command
    that checks builds tables it keeps to the end (the reference pairs, the rules, the model),
    and the collector's passes over them free nothing (a fourteenth of checking one story).
    Once the first document is checked, what is alive then is frozen out of its way
    (gc.freeze) and it runs as usual."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def collect_from_now() -> None:
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def error(message: str) -> None:
    _tell("error: " + message)


def notice(message: str) -> None:
    """What the user should know though nothing is wrong (why a run does more work than expected)."""
    _tell(message)


def _tell(message: str) -> None:
    from mtcheck.render.terminal import terminal_safe

    print(f"mtcheck: {terminal_safe(message, one_line=True)}", file=sys.stderr)


def positive_int(value: str) -> int:
    try:
        n = int(value.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be positive")
    return n


def number_between(low: float, high: float, above_low: bool = False):
    """An argparse type: a number in [low, high] (or (low, high] with `above_low`)."""

    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
        if above_low and not low < number <= high:
            raise argparse.ArgumentTypeError(f"{value!r} must be above {low:g} and at most {high:g}")
        if not above_low and not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{value!r} must be between {low:g} and {high:g}")
        return number

    return parse


def warning(message: str) -> None:
    _tell("warning: " + message)


def split(items: Sequence[str]) -> list[str]:
    """Comma-separated, repeatable option values as one flat list."""
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


def add_rule_options(p: argparse.ArgumentParser, scorer: bool = True) -> None:
    """The options that choose the rules, the pairs and (with `scorer`) the provenance model;
    a command that only reads findings (`train`) checks with the rule weights alone."""
    p.add_argument("--pairs", action="append", default=[], metavar="PATH",
                   help="add a reference-pairs file or folder (repeatable)")
    p.add_argument("--no-default-pairs", action="store_true", help="do not load the shipped reference pairs")
    p.add_argument("--pack", action="append", default=[], metavar="NAME|PATH",
                   help="enable a rule pack: an installed pack's name (`mtcheck packs`) or a pack folder "
                        "(repeatable; added to the config's)")
    if scorer:
        p.add_argument("--model", metavar="PATH|rules",
                       help="score with this provenance model (a file or a folder `mtcheck train` wrote), or 'rules' "
                            "for the rule weights alone (default: the config's, else the shipped model)")
    else:
        p.set_defaults(model="rules")
    p.add_argument("--select", action="append", default=[], metavar="RULES",
                   help="only these rules: ids, families or categories, comma-separated (repeatable)")
    p.add_argument("--ignore", action="append", default=[], metavar="RULES",
                   help="skip these rules: ids, families or categories, comma-separated (repeatable)")


def add_label_options(p: argparse.ArgumentParser) -> None:
    """The options that read labelled JSONL (`eval`, `train`): the label and the text."""
    p.add_argument("--label", required=True, metavar="FIELD",
                   help="boolean field that says whether a document is MT or human (e.g. is_human, is_mt)")
    p.add_argument("--true-means", choices=("mt", "human"), default=None,
                   help="what a true label means; by default read off the name: is_human/human -> human, "
                        "is_mt/mt/machine -> mt (a name that says neither is refused)")
    p.add_argument("--text", default="text", metavar="FIELD", help="field holding the document text (default: text)")


def add_labelled_run_options(p: argparse.ArgumentParser, config_help: str) -> None:
    """How a run over labelled JSONL (`eval`, `train`) works: processes, settings, limits, noise."""
    p.add_argument("--jobs", type=positive_int, default=None, metavar="N", help="processes (default: one per core)")
    p.add_argument("--config", metavar="PATH", help=config_help)
    p.add_argument("--max-bytes", type=positive_int, default=None, metavar="N",
                   help="refuse input files larger than N bytes (default: 50 MB)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary, only errors")


def label_spec(args: argparse.Namespace) -> LabelSpec:
    """The LabelSpec --label and --true-means give; a label name that says neither class is a UsageError."""
    from mtcheck.evaluate.labelled import LabelSpec

    try:
        return LabelSpec.of(args.label, args.true_means)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def checker_of_config_option(args: argparse.Namespace) -> Checker:
    """The Checker the options ask for: the settings of --config (none are discovered: an
    evaluation or a training uses what it is told to) under the command line's rule options."""
    from mtcheck.policy.config import ConfigError, load_config

    try:
        config = load_config(args.config) if args.config else None
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    return CheckerForFile(args).checker_for(config)


def add_encoding_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--encoding", type=_encoding, default=None, metavar="NAME",
                   help="decode files without a byte-order mark as NAME, e.g. cp1252, gb18030, big5 for legacy "
                        "archives (default: UTF-8; JSONL is always UTF-8)")


def _encoding(value: str) -> str:
    from mtcheck.read.text import UnknownEncoding, text_encoding

    try:
        return text_encoding(value)
    except UnknownEncoding as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_config_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="PATH",
                   help="use this config file instead of discovering one from each file's folder upwards")


def overrides_from_args(args: argparse.Namespace) -> Overrides:
    """What the command line says about the options (whatever options the command has)."""
    from mtcheck.policy.options import Overrides

    for path in args.pairs:
        if not Path(path).exists():
            raise UsageError(f"{path}: no such pairs file or folder")
    from mtcheck.core.packs import is_path

    select, ignore = split(args.select), split(args.ignore)
    packs = tuple(str(Path(p).resolve()) if is_path(p) else p for p in args.pack)
    return Overrides(
        pairs=tuple(args.pairs), packs=packs, default_pairs=False if args.no_default_pairs else None,
        select=tuple(select) if select else None, ignore=tuple(ignore) if ignore else None,
        fail_on=getattr(args, "fail_on", None), max_mt_likelihood=getattr(args, "max_mt_likelihood", None),
        min_fluency=getattr(args, "min_fluency", None), baseline=getattr(args, "baseline", None),
        model=args.model,
    )


class CheckerForFile:
    """The Checker for each input: the config that applies to its folder (or --config) merged
    with the command line, each built once. A bad config or option is a UsageError.
    `default_fail_on` is the command's own default (check fails on errors; report, fix never)."""

    def __init__(self, args: argparse.Namespace, default_fail_on: str = "error",
                 references: References | None = None, overrides: Overrides | None = None,
                 missing_baseline_ok: bool = False):
        from mtcheck.policy.config_files import ConfigCache

        self.configs = ConfigCache(args.config)
        self.overrides = overrides if overrides is not None else overrides_from_args(args)
        self.default_fail_on = default_fail_on
        self.references = references
        self.missing_baseline_ok = missing_baseline_ok  # writing the first baseline
        self._checkers: dict[Path | None, Checker] = {}

    def __call__(self, name: str) -> Checker:
        return self.checker_for(self.config_for(name))

    def config_for(self, name: str) -> Config | None:
        """The config that applies to file `name` ('-': the current folder's), or None."""
        from mtcheck.policy.config_files import ConfigError

        try:
            return self.configs.for_file(name)
        except ConfigError as exc:
            raise UsageError(str(exc)) from None

    def options_for(self, config: Config | None) -> Options:
        from mtcheck.policy.options import OptionsError, merge

        try:
            options = (config.merge(self.overrides, self.default_fail_on) if config is not None
                       else merge(self.overrides, self.default_fail_on))
        except OptionsError as exc:
            raise UsageError(f"{_where(config)}{exc}") from None
        if self.missing_baseline_ok and options.baseline is not None and not Path(options.baseline).exists():
            options = options.replace(baseline=None)
        return options

    def checker_for(self, config: Config | None) -> Checker:
        from mtcheck.core.model.scorer import ModelError
        from mtcheck.core.pairs import PairsError
        from mtcheck.core.rules import RuleSelectionError
        from mtcheck.pipeline import Checker
        from mtcheck.policy import BaselineError

        key = config.path if config is not None else None
        if key not in self._checkers:
            options = self.options_for(config)
            try:
                self._checkers[key] = Checker(options, self.references)
            except (RuleSelectionError, PairsError) as exc:
                raise UsageError(f"{_where(config)}{exc}") from None
            except (BaselineError, ModelError) as exc:
                raise UsageError(str(exc)) from None
        return self._checkers[key]

    def signature(self) -> str:
        """The signatures of the checkers used (of the current folder's when none was)."""
        signatures = list(dict.fromkeys(c.signature.format() for c in self._checkers.values()))
        if not signatures:
            signatures = [self("-").signature.format()]
        return " ; ".join(signatures)


def _where(config: Config | None) -> str:
    return f"{config.path}: " if config is not None and config.path is not None else ""
