"""`mtcheck lsp`: the language server for editors, over stdin and stdout (needs mtcheck[lsp])."""

from __future__ import annotations

import argparse

from mtcheck.cli.common import EXIT_OK, CheckerForFile, UsageError, add_config_option, add_rule_options


def register(sub) -> None:
    p = sub.add_parser(
        "lsp", help="run the language server for editors (stdio; needs mtcheck[lsp])",
        description="Run the language server over stdin and stdout: diagnostics as documents are opened and "
                    "changed (plain text, Markdown, HTML), a quick fix for each safe finding, 'fix all safe', and "
                    "the rule's explanation on hover. Each document is checked with its folder's config "
                    "(mtcheck.toml or [tool.mtcheck]) unless --config names one. See docs/lsp.md.")
    p.add_argument("--stdio", action="store_true",
                   help="talk over stdin and stdout (the default and only transport; editors' clients pass it)")
    add_config_option(p)
    add_rule_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        import pygls  # noqa: F401  (imported here only to say what is missing)
    except ImportError:
        raise UsageError("`mtcheck lsp` needs the lsp extra (pygls is not installed): pip install 'mtcheck[lsp]'") \
            from None
    from mtcheck.lsp.server import build_server

    # A bad command-line option (an unknown rule, a missing pairs file) stops the server before it
    # starts; a bad config file is shown in each document it applies to, and re-read when saved.
    CheckerForFile(args).checker_for(None)
    build_server(lambda: CheckerForFile(args)).start_io()
    return EXIT_OK
