"""`mtcheck rules`: the rule catalogue."""

from __future__ import annotations

import argparse
import sys

from mtcheck.cli.common import EXIT_OK


def register(sub) -> None:
    rules = sub.add_parser("rules", help="list the rules", description="List every rule with its id, severity and message.")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mtcheck.models import RuleCatalogue
    from mtcheck.render import render_rules_text
    from mtcheck.core.rules import rule_infos

    infos = rule_infos()
    if args.format == "json":
        sys.stdout.write(RuleCatalogue(rules=infos).model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(render_rules_text(infos))
    return EXIT_OK
