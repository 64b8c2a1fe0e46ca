"""What every command shares: exit codes, the one-line error, argument helpers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FAIL_ON = ("info", "warning", "error", "never")


class UsageError(Exception):
    """A bad argument or unusable configuration: one line, exit 2."""


def error(message: str) -> None:
    print(f"mtcheck: error: {message}", file=sys.stderr)


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
    print(f"mtcheck: warning: {message}", file=sys.stderr)


def split(items: Sequence[str]) -> list[str]:
    """Comma-separated, repeatable option values as one flat list."""
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


def add_rule_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pairs", action="append", default=[], metavar="PATH",
                   help="add a reference-pairs file or folder (repeatable)")
    p.add_argument("--no-default-pairs", action="store_true", help="do not load the shipped reference pairs")
    p.add_argument("--select", action="append", default=[], metavar="RULES",
                   help="only these rules: ids, families or categories, comma-separated (repeatable)")
    p.add_argument("--ignore", action="append", default=[], metavar="RULES",
                   help="skip these rules: ids, families or categories, comma-separated (repeatable)")


def checker_from_args(args: argparse.Namespace, config=None):
    """The Checker the rule options ask for, on top of a config file's settings when one is
    given (command-line options win); a bad option or setting is a UsageError."""
    from mtcheck.checker import RuleSelectionError
    from mtcheck.policy.config import Config
    from mtcheck.core.pairs import PairsError

    for path in args.pairs:
        if not Path(path).exists():
            raise UsageError(f"{path}: no such pairs file or folder")
    try:
        return (config or Config()).checker(pairs=args.pairs, select=split(args.select), ignore=split(args.ignore),
                                            default_pairs=False if args.no_default_pairs else None)
    except (RuleSelectionError, PairsError) as exc:
        where = f"{config.path}: " if config is not None and config.path is not None else ""
        raise UsageError(f"{where}{exc}") from None


def add_config_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="PATH",
                   help="use this config file instead of discovering one from each file's folder upwards")


class CheckerForFile:
    """The Checker for each input: the config that applies to its folder (or --config) under
    the command line's rule options, each built once; a bad config is a UsageError."""

    def __init__(self, args: argparse.Namespace):
        from mtcheck.policy.config import ConfigCache

        self.args = args
        self.configs = ConfigCache(args.config)
        self._checkers: dict = {}

    def __call__(self, name: str):
        return self.checker_for(self.config_for(name))

    def config_for(self, name: str):
        """The config that applies to `name` ('-': the current folder's), or None."""
        from mtcheck.policy.config import ConfigError

        try:
            return self.configs.for_file(name)
        except ConfigError as exc:
            raise UsageError(str(exc)) from None

    def checker_for(self, config):
        key = config.path if config is not None else None
        if key not in self._checkers:
            self._checkers[key] = checker_from_args(self.args, config)
        return self._checkers[key]
