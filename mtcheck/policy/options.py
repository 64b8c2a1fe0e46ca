"""The options a checker is built from: a config file merged with the command line, once.

`Options` is frozen and complete: every entry point (check, report, fix, serve, eval,
align, the Python API) builds one, by `Config.merge(Overrides(...))` (`merge(Overrides(...))`
when there is no config file), or directly, and
hands it to `mtcheck.pipeline.Checker`. `Overrides` is what a command line (or a server's
settings) says; a field left at None was not given, and the config's value stands.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from mtcheck.models import Severity
from mtcheck.policy.gate import FAIL_ON

SEVERITIES = tuple(s.value for s in Severity)


class OptionsError(ValueError):
    """Options that cannot be used together or out of range: one line."""


@dataclass(frozen=True)
class Options:
    pairs: tuple[str, ...] = ()  # reference-pair files or folders besides the shipped ones
    default_pairs: bool = True  # load the shipped reference_pairs/phrases/
    packs: tuple[str, ...] = ()  # rule packs enabled: names of installed packs, or folder paths
    select: tuple[str, ...] | None = None  # rule ids, families or categories; None: every rule
    ignore: tuple[str, ...] = ()
    severities: tuple[tuple[str, str], ...] = ()  # (rule id, severity) overrides, sorted
    verdict_thresholds: tuple[float, float] | None = None  # (post_edited, machine); None: the defaults
    fail_on: str = "error"  # info | warning | error | never
    max_mt_likelihood: float | None = None
    min_fluency: float | None = None
    baseline: str | None = None  # a baseline file: its findings are left out and not failed on
    model: str | None = None  # None: the shipped provenance model; "rules": rule weights only; else a model file

    def __post_init__(self) -> None:
        if self.fail_on not in FAIL_ON:
            raise OptionsError(f"fail_on must be one of {', '.join(FAIL_ON)}, not {self.fail_on!r}")
        for rule_id, severity in self.severities:
            if severity not in SEVERITIES:
                raise OptionsError(f"severity of {rule_id!r} must be info, warning or error, not {severity!r}")
        if self.verdict_thresholds is not None:
            post_edited, machine = self.verdict_thresholds
            if not 0.0 <= post_edited <= machine <= 1.0:
                raise OptionsError("verdict thresholds must satisfy 0 <= post_edited <= machine <= 1 "
                                   f"(got {post_edited:g}, {machine:g})")
        if self.max_mt_likelihood is not None and not 0.0 <= self.max_mt_likelihood <= 1.0:
            raise OptionsError(f"max_mt_likelihood must be between 0 and 1, not {self.max_mt_likelihood:g}")
        if self.min_fluency is not None and not 0.0 <= self.min_fluency <= 100.0:
            raise OptionsError(f"min_fluency must be between 0 and 100, not {self.min_fluency:g}")

    @property
    def severity_overrides(self) -> dict[str, Severity]:
        return {rule_id: Severity(severity) for rule_id, severity in self.severities}

    def replace(self, **changes: Any) -> Options:
        return dataclasses.replace(self, **changes)

    def to_json(self) -> str:
        """For processes that build their own checker (server workers)."""
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> Options:
        data = json.loads(raw)
        tuples = {"pairs", "packs", "select", "ignore", "verdict_thresholds"}
        for key in tuples:
            if data.get(key) is not None:
                data[key] = tuple(data[key])
        data["severities"] = tuple(tuple(pair) for pair in data.get("severities", ()))
        return cls(**data)


@dataclass(frozen=True)
class Overrides:
    """What a command line gives. None (or an empty tuple for `pairs`): not given."""

    pairs: tuple[str, ...] = ()  # added to the config's
    packs: tuple[str, ...] = ()  # added to the config's
    default_pairs: bool | None = None
    select: tuple[str, ...] | None = None  # replaces the config's
    ignore: tuple[str, ...] | None = None  # replaces the config's
    fail_on: str | None = None
    max_mt_likelihood: float | None = None
    min_fluency: float | None = None
    baseline: str | None = None
    model: str | None = None


def merge(cli: Overrides, default_fail_on: str = "error", *, pairs: tuple[str, ...] = (),
          packs: tuple[str, ...] = (), default_pairs: bool = True, select: tuple[str, ...] | None = None,
          ignore: tuple[str, ...] = (), severities: tuple[tuple[str, str], ...] = (),
          verdict_thresholds: tuple[float, float] | None = None, fail_on: str | None = None,
          max_mt_likelihood: float | None = None, min_fluency: float | None = None,
          baseline: str | None = None, model: str | None = None) -> Options:
    """The options a config file's settings (the keywords, paths already made absolute; the
    defaults when there is no file) and a command line give together: a value the command
    line gives wins, except pairs and packs, which are added to the file's. `default_fail_on`
    is the command's own default when neither says (`check` fails on errors, `report` never)."""
    return Options(
        pairs=(*pairs, *cli.pairs),
        packs=tuple(dict.fromkeys((*packs, *cli.packs))),
        default_pairs=default_pairs if cli.default_pairs is None else cli.default_pairs,
        select=cli.select if cli.select is not None else select,
        ignore=cli.ignore if cli.ignore is not None else ignore,
        severities=severities,
        verdict_thresholds=verdict_thresholds,
        fail_on=cli.fail_on or fail_on or default_fail_on,
        max_mt_likelihood=cli.max_mt_likelihood if cli.max_mt_likelihood is not None else max_mt_likelihood,
        min_fluency=cli.min_fluency if cli.min_fluency is not None else min_fluency,
        baseline=cli.baseline or baseline,
        model=cli.model or model,
    )
