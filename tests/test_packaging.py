"""What the wheel and the sdist carry: the licence, type information, the schemas (loadable
from an installed copy), the shipped pairs; and the sdist everything its own tests read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The wheel and the sdist, built in-process by the project's build backend."""
    build = pytest.importorskip("hatchling.build", reason="hatchling (the build backend) is not installed")
    out = tmp_path_factory.mktemp("dist")
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        wheel = out / build.build_wheel(str(out))
        sdist = out / build.build_sdist(str(out))
    finally:
        os.chdir(cwd)
    return wheel, sdist


def test_metadata_declares_licence_python_versions_and_urls():
    project = PYPROJECT["project"]
    assert project["license"] == "Apache-2.0"  # SPDX expression (PEP 639), not the legacy table
    assert (REPO / "LICENSE").read_text(encoding="utf-8").lstrip().startswith("Apache License")
    versions = {c.rsplit(" ", 1)[-1] for c in project["classifiers"] if c.startswith("Programming Language :: Python :: 3.")}
    assert {"3.10", "3.11", "3.12", "3.13"} <= versions
    assert project["requires-python"] == ">=3.10"
    assert {"Homepage", "Source", "Issues", "Documentation"} <= set(project["urls"])
    extras = project["optional-dependencies"]
    assert any(d.startswith("scipy") for d in extras["test"]), "the scipy cross-check must run in the test suite"
    uvicorn = next(d for d in extras["serve"] if d.startswith("uvicorn"))
    assert "<1" in uvicorn, "mtcheck.web.protocol subclasses uvicorn internals: keep it below its next major"
    assert any(d.startswith("mtcheck[serve") for d in extras["test"])  # the test suite gets the same pin


def test_wheel_carries_licence_types_schemas_pairs_and_the_model(built):
    wheel, _ = built
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "mtcheck/py.typed" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    schemas = {n.rsplit("/", 1)[-1] for n in names if n.startswith("mtcheck/schema/")}
    assert schemas == {p.name for p in (REPO / "reports" / "schema").glob("*.schema.json")}
    assert "config.schema.json" in schemas
    assert any(n.startswith("mtcheck/reference_pairs/phrases/") for n in names)
    assert {"mtcheck/core/model/shipped/model.json", "mtcheck/core/model/shipped/model.training.json"} <= names
    metadata = next(zipfile.ZipFile(wheel).read(n).decode() for n in names if n.endswith(".dist-info/METADATA"))
    assert "License-Expression: Apache-2.0" in metadata


def test_an_installed_wheel_loads_its_schemas_with_importlib_resources(built, tmp_path):
    wheel, _ = built
    zipfile.ZipFile(wheel).extractall(tmp_path)
    script = ("import json, mtcheck.schemas as s; from importlib import resources; "
              "print(s.__file__); print(json.dumps(s.exported_schema('config')['title'])); "
              "print(resources.files('mtcheck').joinpath('schema', 'check-report.schema.json').is_file())")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    where, title, found = done.stdout.splitlines()
    assert Path(where).is_relative_to(tmp_path)  # the unpacked wheel, not this checkout
    assert "mtcheck configuration" in json.loads(title) and found == "True"


def test_sdist_holds_every_tracked_file_its_tests_may_read(built):
    _, sdist = built
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout (an unpacked sdist): nothing to compare with")
    with tarfile.open(sdist) as tar:
        members = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    # CI's own script and the ignore file are the only tracked files an sdist user does not need.
    wanted = {f for f in tracked.stdout.splitlines() if not f.startswith((".ci/", ".gitignore"))}
    assert wanted - members == set()
