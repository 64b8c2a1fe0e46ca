"""`mtcheck rules` (the rule catalogue) and `mtcheck rule ID` (one rule explained)."""

from __future__ import annotations

import argparse
import sys

from mtcheck.cli.common import EXIT_OK, UsageError


def register(sub: argparse._SubParsersAction) -> None:
    rules = sub.add_parser("rules", help="list the rules",
                           description="List every rule with its id, severity, weight, fix availability and message.")
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                       help="text (default), json (with descriptions and examples), or markdown (docs/rules.md)")
    rules.set_defaults(run=run_rules)
    rule = sub.add_parser("rule", help="explain one rule",
                          description="Print one rule's documentation: severity, weight, fix availability, "
                                      "description and examples.")
    rule.add_argument("id", metavar="ID", help="a rule id, e.g. calque.term")
    rule.add_argument("--format", choices=("text", "json"), default="text")
    rule.set_defaults(run=run_rule)


def run_rules(args: argparse.Namespace) -> int:
    from mtcheck.core.rules import all_rules, rule_infos
    from mtcheck.render.rules import render_rules_markdown, render_rules_text

    if args.format == "json":
        from mtcheck.models import RuleCatalogue

        sys.stdout.write(RuleCatalogue(rules=rule_infos()).model_dump_json(indent=2) + "\n")
    elif args.format == "markdown":
        sys.stdout.write(render_rules_markdown(rule_infos()))
    else:
        sys.stdout.write(render_rules_text(all_rules()))  # no report models: the catalogue in a blink
    return EXIT_OK


def run_rule(args: argparse.Namespace) -> int:
    from mtcheck.core.model.scorer import shipped_model_rules
    from mtcheck.core.rules import RULES
    from mtcheck.render.rules import render_rule_text

    rule = RULES.get(args.id)
    if rule is None:
        close = [rid for rid in RULES if args.id in rid or rid.startswith(args.id.split(".")[0] + ".")]
        hint = f"; did you mean {', '.join(close[:5])}?" if close else " (see `mtcheck rules`)"
        raise UsageError(f"unknown rule {args.id!r}{hint}")
    info = rule.info()
    if args.format == "json":
        sys.stdout.write(info.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(render_rule_text(info, model_reads=rule.id in shipped_model_rules()))
    return EXIT_OK
