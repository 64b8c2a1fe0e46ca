"""Rule packs: a newsroom's (or a source language's) pairs shipped as a folder or an installed
package, found by entry point, enabled by config or --pack, validated, and used by every
entry point through the one pipeline. The pack here is a tiny Japanese->English one made for
the test; the real ja-en phrase list lives in reference_pairs/."""

from __future__ import annotations

import json

import pytest

from mtcheck.core.packs import ENTRY_POINT_GROUP, PackError, installed_packs, read_pack, resolve_packs
from mtcheck.pipeline import Checker
from mtcheck.policy.config import load_config
from mtcheck.policy.options import Options

from conftest import PLAIN

HEADER = "mt_phrase\treference\tsource_term\tsource_lang\tcategory\tseverity\tfix\tnote\n"
ENTRY = ("my number card\tMy Number national ID card\tマイナンバーカード\tja\tterm\twarning\tsafe\t"
         "The card's Japanese name read word for word; English copy glosses it.\n")
STORY = f"Officials urged residents to apply for the my number card before March. {PLAIN}"
MANIFEST = 'name = "{name}"\nversion = "1.0"\ndescription = "Test desk terms"\nsource_languages = ["ja"]\n'


def make_pack(folder, name="desk-terms", entry=ENTRY, nested=True):
    pairs = folder / "pairs" if nested else folder
    pairs.mkdir(parents=True, exist_ok=True)
    (folder / "mtcheck-pack.toml").write_text(MANIFEST.format(name=name), encoding="utf-8")
    (pairs / "terms.tsv").write_text(HEADER + entry, encoding="utf-8")
    return folder


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """A package `acme_pack` that declares the pack `acme-house` in the mtcheck.packs group."""
    site = tmp_path / "site"
    make_pack(site / "acme_pack", name="acme-house")
    (site / "acme_pack" / "__init__.py").write_text("", encoding="utf-8")
    dist = site / "acme_pack-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-pack\nVersion: 1.0\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nacme-house = acme_pack\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    return site


def _rules(checker: Checker, text: str = STORY) -> list[tuple[str, str]]:
    return [(f.rule, f.text) for f in checker.check(text).findings if f.rule.startswith("calque")]


def test_a_pack_is_loaded_only_when_enabled_and_enters_the_signature(tmp_path, checker):
    pack = make_pack(tmp_path / "desk")
    assert ("calque.term", "my number card") not in _rules(checker)
    checker = Checker(Options(packs=(str(pack),)))
    assert ("calque.term", "my number card") in _rules(checker)
    finding = next(f for f in checker.check(STORY).findings if f.text == "my number card")
    assert finding.source_language == "ja" and finding.fix_safe and finding.pair.endswith("terms.tsv:2")
    assert "packs:desk-terms@1.0" in checker.signature.format()


def test_installed_packs_are_found_by_entry_point(installed, cli):
    packs = installed_packs()
    assert packs["acme-house"].folder == installed / "acme_pack"
    assert "acme-pack 1.0" in packs["acme-house"].origin
    assert ("calque.term", "my number card") in _rules(Checker(Options(packs=("acme-house",))))
    listed = json.loads(cli("packs", "--format", "json").out)
    assert [(p["name"], p["entries"], p["source_languages"]) for p in listed] == [("acme-house", 1, ["ja"])]
    validated = cli("pairs", "validate", "--pack", "acme-house")
    assert validated.code == 0 and "pack acme-house@1.0" in validated.out and "1 entry, 0 errors" in validated.out


def test_config_and_command_line_enable_packs(installed, tmp_path, monkeypatch, cli):
    make_pack(tmp_path / "project" / "packs" / "desk", nested=False)
    (tmp_path / "project" / "mtcheck.toml").write_text('packs = ["acme-house", "packs/desk"]\n', encoding="utf-8")
    options = load_config(tmp_path / "project" / "mtcheck.toml").merge()
    assert options.packs == ("acme-house", str(tmp_path / "project" / "packs" / "desk"))
    assert [p.name for p in resolve_packs(options.packs)] == ["acme-house", "desk-terms"]
    (tmp_path / "project" / "story.txt").write_text(STORY, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "project")
    checked = json.loads(cli("check", "--format", "json", "story.txt").out)
    assert "my number card" in [f["text"] for f in checked["documents"][0]["findings"]]
    assert "packs:acme-house@1.0,desk-terms@1.0" in checked["signature"]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plain.txt").write_text(STORY, encoding="utf-8")
    plain = json.loads(cli("check", "--format", "json", "plain.txt").out)
    assert "my number card" not in [f["text"] for f in plain["documents"][0]["findings"]]
    with_flag = json.loads(cli("check", "--format", "json", "--pack", "project/packs/desk", "plain.txt").out)
    assert "my number card" in [f["text"] for f in with_flag["documents"][0]["findings"]]


def test_bad_packs_are_one_line_errors(tmp_path, cli):
    refused = cli("check", "--pack", "no-such-pack", "-", stdin=STORY.encode())
    assert refused.code == 2 and "unknown pack 'no-such-pack'" in refused.err
    (tmp_path / "notapack").mkdir()
    with pytest.raises(PackError, match="not a pack"):
        read_pack(tmp_path / "notapack", "folder")
    broken = make_pack(tmp_path / "broken")
    (broken / "mtcheck-pack.toml").write_text('name = "Bad Name"\nversion = "1"\n', encoding="utf-8")
    with pytest.raises(PackError, match="name"):
        read_pack(broken, "folder")
    bad_entry = make_pack(tmp_path / "bad-entry", entry="my number card\tx\ty\tja\tterm\tfatal\tsafe\tz\n")
    validated = cli("pairs", "validate", str(bad_entry))
    assert validated.code == 1 and "severity 'fatal'" in validated.out and "manifest ok" in validated.out
