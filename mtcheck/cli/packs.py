"""`mtcheck packs`: the rule packs installed (entry-point group `mtcheck.packs`) and, with
--pack or a config's `packs`, the ones a check would use."""

from __future__ import annotations

import argparse
import json
import sys

from mtcheck.cli.common import EXIT_OK, UsageError


def register(sub) -> None:
    p = sub.add_parser("packs", help="list the rule packs installed",
                       description="List the rule packs installed as Python packages (entry points in the group "
                                   "mtcheck.packs): name, version, source languages, entries, where from. Enable "
                                   "one with packs = [...] in the config or --pack. See docs/packs.md.")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mtcheck.core.packs import installed_packs
    from mtcheck.core.pairs import PairsError, load

    try:
        packs = sorted(installed_packs().values(), key=lambda p: p.name)
    except PairsError as exc:
        raise UsageError(str(exc)) from None
    rows: list[dict] = [{"name": p.name, "version": p.manifest.version, "source_languages": p.manifest.source_languages,
             "entries": len(load(p.pair_files(), check_replacements=False).entries), "origin": p.origin,
             "folder": str(p.folder), "description": p.manifest.description} for p in packs]
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    elif not rows:
        print("no rule packs installed (a pack is a package with an entry point in the group mtcheck.packs; "
              "see docs/packs.md)")
    else:
        for r in rows:
            languages = ",".join(r["source_languages"]) or "-"
            print(f"{r['name']:24} {r['version']:10} {languages:8} {r['entries']:>6} entries  {r['origin']}")
            if r["description"]:
                print(f"  {r['description']}")
    return EXIT_OK
