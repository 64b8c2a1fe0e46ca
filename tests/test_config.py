"""Config files: discovery, validation with one-line errors, and what each key changes."""

import json

import pytest

from mtcheck.models import Verdict
from mtcheck.pipeline import Checker
from mtcheck.policy.config import Config, ConfigError, discover_config, find_config, load_config
from mtcheck.policy.options import Overrides

from ci_helpers import MT, cached_checkers, write  # noqa: F401  (fixture)
from conftest import PLAIN

FULL = """
[tool.mtcheck]
select = ["calque", "repetition"]
ignore = ["calque.phrase"]
pairs = ["house/terms.tsv"]
default_pairs = true
fail_on = "warning"
max_mt_likelihood = 0.9
min_fluency = 40
include = ["**/*.md", "**/*.txt"]
exclude = ["drafts/**"]

[tool.mtcheck.severity]
"repetition.coordinated" = "info"

[tool.mtcheck.verdict]
post_edited = 0.2
machine = 0.95
"""
HEADER = "mt_phrase\treference\tsource_term\tsource_lang\tcategory\tseverity\tfix\tnote\n"


def test_pyproject_table_is_loaded_with_every_key(tmp_path):
    write(tmp_path, "house/terms.tsv",
          HEADER + "golden week holiday\tGolden Week\t黄金周\tzh\tterm\twarning\tsafe\tn\n")
    config = load_config(write(tmp_path, "pyproject.toml", FULL))
    assert config.path == tmp_path / "pyproject.toml"
    assert config.select == ["calque", "repetition"] and config.ignore == ["calque.phrase"]
    assert config.pair_paths == [tmp_path / "house" / "terms.tsv"]
    assert (config.fail_on, config.max_mt_likelihood, config.min_fluency) == ("warning", 0.9, 40)
    assert config.severity == {"repetition.coordinated": "info"}
    assert config.verdict_thresholds == (0.2, 0.95)


def test_checker_uses_the_config_and_command_line_values_win(tmp_path):
    write(tmp_path, "house/terms.tsv",
          HEADER + "golden week holiday\tGolden Week\t黄金周\tzh\tterm\twarning\tsafe\tn\n")
    config = load_config(write(tmp_path, "pyproject.toml", FULL))
    text = "During the golden week holiday the new crown pneumonia cases were supported and supported.\n" + PLAIN
    doc = Checker(config.merge()).check(text)
    rules = {f.rule: f for f in doc.findings}
    assert "calque.term" in rules and "repetition.coordinated" in rules
    assert not any(r.startswith(("punctuation", "marker", "calque.phrase")) for r in rules)
    assert rules["repetition.coordinated"].severity.value == "info"  # severity override
    assert any(f.text == "golden week holiday" for f in doc.findings)  # house pairs, relative to the file
    assert "|verdict:0.2,0.95" in Checker(config.merge()).signature.format()
    narrowed = Checker(config.merge(Overrides(select=("repetition",))))
    assert {f.rule for f in narrowed.check(text).findings} == {"repetition.coordinated"}
    merged = config.merge(Overrides(fail_on="never", pairs=("extra.tsv",)))
    assert merged.fail_on == "never" and merged.min_fluency == 40  # a value given wins, the others stand
    assert merged.pairs[-1] == "extra.tsv" and merged.pairs[0].endswith("terms.tsv")  # pairs add up
    assert config.merge().fail_on == "warning" and Config().merge(default_fail_on="never").fail_on == "never"


def test_verdict_thresholds_change_verdicts(tmp_path):
    text = "The new crown pneumonia cases rose.\n" + PLAIN
    default = Checker(Config(model="rules").merge()).check(text).provenance
    strict = load_config(write(tmp_path, "mtcheck.toml",
                               'model = "rules"\n[verdict]\npost_edited = 0.05\nmachine = 0.1\n'))
    assert default.mt_likelihood > 0.1 and default.verdict != Verdict.machine
    assert Checker(strict.merge()).check(text).provenance.verdict == Verdict.machine


def test_discovery_walks_up_prefers_mtcheck_toml_and_skips_foreign_pyproject(tmp_path):
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    write(tmp_path, "pyproject.toml", '[tool.mtcheck]\nfail_on = "info"\n')
    write(tmp_path, "a/pyproject.toml", '[project]\nname = "x"\n')  # no [tool.mtcheck]: skipped
    assert discover_config(nested) == tmp_path / "pyproject.toml"
    write(tmp_path, "mtcheck.toml", 'fail_on = "never"\n')
    assert discover_config(nested) == tmp_path / "mtcheck.toml"
    assert find_config(None, nested).fail_on == "never"
    explicit = write(tmp_path, "other.toml", 'fail_on = "warning"\n')
    assert find_config(explicit, nested).fail_on == "warning"


@pytest.mark.parametrize("name, body, message", [
    ("mtcheck.toml", 'fail_on = "fatal"\n', "mtcheck.toml: fail_on: must be one of info, warning, error, never"),
    ("pyproject.toml", '[tool.mtcheck]\nfail_on = "fatal"\n',
     "pyproject.toml: [tool.mtcheck] fail_on: must be one of info, warning, error, never"),
    ("mtcheck.toml", "selct = []\n", "mtcheck.toml: selct: unknown key (known: select, ignore,"),
    ("mtcheck.toml", 'select = "calque"\n', "mtcheck.toml: select: must be a list of strings"),
    ("mtcheck.toml", 'select = ["nosuch"]\n', "mtcheck.toml: select: unknown rule or family 'nosuch'"),
    ("mtcheck.toml", 'min_fluency = "60"\n', "mtcheck.toml: min_fluency: must be a number"),
    ("mtcheck.toml", "max_mt_likelihood = 7\n", "mtcheck.toml: max_mt_likelihood: must be at most 1"),
    ("mtcheck.toml", "default_pairs = 1\n", "mtcheck.toml: default_pairs: must be true or false"),
    ("mtcheck.toml", 'pairs = ["missing.tsv"]\n', "mtcheck.toml: pairs: missing.tsv: no such pairs file or folder"),
    ("pyproject.toml", '[tool.mtcheck.severity]\n"calque.term" = "fatal"\n',
     "pyproject.toml: [tool.mtcheck.severity] calque.term: must be one of info, warning, error"),
    ("mtcheck.toml", '[severity]\n"calque.nope" = "info"\n', "mtcheck.toml: [severity] calque.nope: unknown rule id"),
    ("mtcheck.toml", "[verdict]\nmachine = 0.2\npost_edited = 0.5\n", "mtcheck.toml: verdict: post_edited (0.5) must "
                                                                      "not"),
    ("mtcheck.toml", "[verdict]\nhuman = 0.2\n", "mtcheck.toml: [verdict] human: unknown key (known: post_edited, "
                                                 "machine)"),
    ("mtcheck.toml", "fail_on = \n", "mtcheck.toml: not valid TOML"),
    ("pyproject.toml", "[project]\n", "pyproject.toml: has no [tool.mtcheck] table"),
])
def test_bad_config_is_one_line_naming_file_and_key(tmp_path, monkeypatch, name, body, message):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, name, body)
    with pytest.raises(ConfigError) as caught:
        load_config(name)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_include_and_exclude_globs_are_relative_to_the_config(tmp_path):
    config = load_config(write(tmp_path, "mtcheck.toml", 'include = ["**/*.md"]\nexclude = ["drafts/**"]\n'))
    assert config.includes(tmp_path / "story.md") and config.includes(tmp_path / "a" / "b" / "story.md")
    assert not config.includes(tmp_path / "story.txt")
    assert not config.includes(tmp_path / "drafts" / "x" / "story.md")
    assert Config().includes(tmp_path / "anything.bin")


def test_cli_discovers_config_and_flags_win(cli, tmp_path):
    story = write(tmp_path, "desk/story.txt", MT)
    assert cli("check", str(story)).code == 1
    write(tmp_path, "mtcheck.toml", 'fail_on = "never"\nignore = ["marker"]\n')
    r = cli("check", "--format", "json", str(story))
    assert r.code == 0
    assert not any(f["rule"].startswith("marker") for f in json.loads(r.out)["documents"][0]["findings"])
    assert cli("check", "--fail-on", "error", str(story)).code == 1
    other = write(tmp_path, "elsewhere/strict.toml", 'fail_on = "error"\n')
    assert cli("check", "--config", str(other), str(story)).code == 1


def test_cli_bad_or_missing_config_exits_2_with_one_line(cli, tmp_path):
    story = write(tmp_path, "story.txt", MT)
    write(tmp_path, "mtcheck.toml", 'fail_on = "sometimes"\n')
    r = cli("check", str(story))
    assert r.code == 2 and r.out == ""
    assert r.err.strip().endswith("mtcheck.toml: fail_on: must be one of info, warning, error, never")
    assert len(r.err.strip().splitlines()) == 1 and "Traceback" not in r.err
    r = cli("check", "--config", str(tmp_path / "nope.toml"), str(story))
    assert r.code == 2 and "nope.toml: no such config file" in r.err


def test_cli_config_include_exclude_skips_named_files(cli, tmp_path):
    write(tmp_path, "mtcheck.toml", 'exclude = ["drafts/**"]\n')
    draft = write(tmp_path, "drafts/story.txt", MT)
    clean = write(tmp_path, "story.txt", PLAIN + "\n")
    r = cli("check", "--format", "json", str(draft), str(clean))
    data = json.loads(r.out)
    assert r.code == 0 and data["skipped"] == [str(draft)]
    assert [d["source"] for d in data["documents"]] == [str(clean)]
    missing = cli("check", str(tmp_path / "drafts" / "gone.txt"))
    assert missing.code == 2 and "no such file" in missing.err  # missing is an error even where excluded
