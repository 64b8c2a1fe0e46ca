"""The shape of the package: layers that never import upwards, and docs generated from the code."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "mtcheck"
# Lowest first. A module may import from its own layer and the layers below it, never above.
LAYERS = [
    ("utilities", ("mtcheck.budget", "mtcheck.files", "mtcheck.progress", "mtcheck.cache", "mtcheck.regex_cache",
                   "mtcheck.memory")),
    ("input and models", ("mtcheck.read", "mtcheck.models")),
    ("core", ("mtcheck.core",)),
    ("reference corpus", ("mtcheck.corpus",)),
    ("policy", ("mtcheck.policy",)),
    ("pipeline", ("mtcheck.pipeline", "mtcheck.workers")),
    ("renderers", ("mtcheck.render",)),
    ("applications", ("mtcheck.align", "mtcheck.batch", "mtcheck.evaluate", "mtcheck.fix", "mtcheck.schemas",
                      "mtcheck.web", "mtcheck.lsp", "mtcheck.publish", "mtcheck.cli")),
]
# The package's front door (`mtcheck.check`, `python -m mtcheck`) may reach anything.
FACADE = ("mtcheck", "mtcheck.__main__")


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    for index, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return index
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.update(f"{node.module}.{alias.name}" for alias in node.names)
            out.add(node.module)
    return {name for name in out if name.startswith("mtcheck.")}


def _resolve(name: str) -> str:
    """`mtcheck.core.rules.RULES` -> `mtcheck.core.rules`: the longest prefix that is a module."""
    parts = name.split(".")
    while parts:
        candidate = PACKAGE.parent.joinpath(*parts)
        if candidate.with_suffix(".py").is_file() or (candidate / "__init__.py").is_file():
            return ".".join(parts)
        parts.pop()
    raise AssertionError(f"cannot resolve {name}")


def test_no_module_imports_from_a_higher_layer():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        if module in FACADE:
            continue
        mine = _layer(module)
        for imported in sorted({_resolve(n) for n in _imports(path)}):
            if imported in FACADE and imported == "mtcheck":
                continue  # `from mtcheck import __version__`
            theirs = _layer(imported)
            if theirs > mine:
                upward.append(f"{module} ({LAYERS[mine][0]}) imports {imported} ({LAYERS[theirs][0]})")
    assert upward == []


def test_renderers_depend_on_models_not_on_the_applications_that_fill_them():
    for path in (PACKAGE / "render").rglob("*.py"):
        for imported in _imports(path):
            assert not imported.startswith(("mtcheck.align", "mtcheck.batch", "mtcheck.evaluate", "mtcheck.cli",
                                            "mtcheck.web", "mtcheck.pipeline")), (path.name, imported)


def test_the_rule_table_in_the_docs_is_the_registry():
    from mtcheck.core.rules import rule_infos
    from mtcheck.render.rules import render_rules_markdown

    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == render_rules_markdown(rule_infos()), \
        "docs/rules.md is stale: mtcheck rules --format markdown > docs/rules.md"
