"""The README and docs/: the commands a newcomer pastes work as written, every sample output is
what the command prints today, every link leads somewhere, and the pre-commit snippet runs."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest
import yaml

from conftest import PLAIN, REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
DOCS = sorted((REPO / "docs").glob("*.md"))
MT = "China News Agency, Beijing, March 3rd. The new crown pneumonia cases fell, he said on the 2nd.\n"


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def test_the_readme_opens_with_the_two_commands_a_newcomer_pastes():
    first, second = _blocks(README, "sh")[:2]
    assert README.index(first) < README.index("## Contents") < README.index("## What it prints")
    install, _, run = first.strip().rpartition(" && ")
    assert install.endswith("pip install .") and run == "mtcheck check reference_pairs/examples/mt_wire_story.txt"
    assert second.strip().endswith("pip install '.[test]' && python -m pytest")
    # The command runs on the example the repository ships, and says what the README says.
    done = subprocess.run([sys.executable, "-m", *shlex.split(run)], capture_output=True, text=True, cwd=REPO,
                          timeout=120)
    assert done.returncode == 1 and "machine: MT likelihood" in done.stdout
    assert len(README.splitlines()) < 200  # the long reference lives in docs/


def test_every_sample_output_is_what_its_command_prints():
    sys.path.insert(0, str(REPO / "docs"))
    try:
        import samples
    finally:
        sys.path.pop(0)
    assert samples.SAMPLE.findall(README) and any(samples.SAMPLE.search(p.read_text(encoding="utf-8")) for p in DOCS)
    assert samples.stale() == [], "run: python docs/samples.py"


@pytest.mark.parametrize("page", [REPO / "README.md", *DOCS], ids=lambda p: p.name)
def test_links_lead_to_files_and_headings_that_exist(page):
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith(("http://", "https://")):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        assert file.exists(), f"{page.name}: {target}"
        if anchor and file.suffix == ".md":
            headings = {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
                        for h in re.findall(r"^#+ (.+)$", file.read_text(encoding="utf-8"), re.M)}
            assert anchor in headings, f"{page.name}: {target}"


def test_the_pre_commit_snippet_works_as_written(tmp_path):
    check = (REPO / "docs/check.md").read_text(encoding="utf-8")
    config = next(yaml.safe_load(b) for b in _blocks(check, "yaml") if "repos:" in b)
    (repo,) = config["repos"]
    assert repo["repo"] == "local"  # no tag to pin, no placeholder repository
    (hook,) = repo["hooks"]
    assert {"id", "name", "entry", "language"} <= hook.keys() and hook["language"] == "system"
    argv = shlex.split(hook["entry"]) + list(hook.get("args", []))
    assert argv[0] == "mtcheck"
    (tmp_path / "clean.md").write_text(PLAIN + "\n", encoding="utf-8")
    (tmp_path / "mt.md").write_text(MT, encoding="utf-8")
    baseline = argv[argv.index("--baseline") + 1]
    command = [sys.executable, "-m", "mtcheck", *argv[1:]]
    env = {"PYTHONPATH": str(REPO), "PATH": ""}
    subprocess.run([sys.executable, "-m", "mtcheck", "check", "--write-baseline", baseline, "clean.md"],
                   cwd=tmp_path, env=env, capture_output=True, timeout=120, check=True)
    passed = subprocess.run([*command, "clean.md"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert passed.returncode == 0, passed.stderr
    failed = subprocess.run([*command, "clean.md", "mt.md"], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=120)
    assert failed.returncode == 1 and "error calque.term" in failed.stdout
