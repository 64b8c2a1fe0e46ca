"""Start-up is paid only for what a run uses: commands that show no report, and a text
report of English, do not load the report models (pydantic) or langdetect. Checked in a
fresh interpreter each."""

import subprocess
import sys

import pytest

from conftest import REPO

PROBE = """
import contextlib, io, sys
from mtcheck.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
heavy = sorted(m for m in ("pydantic", "mtcheck.models.document", "langdetect", "numpy", "sklearn", "scipy")
               if m in sys.modules)
print(",".join(heavy))
"""


def loaded_after(*args: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=REPO,
                         check=True).stdout.strip()
    return out.split(",") if out else []


@pytest.mark.parametrize("args", [("--version",), ("--help",), ("rules",), ("check", "--help")])
def test_commands_that_show_no_report_load_no_models(args):
    assert loaded_after(*args) == []


def test_checking_english_as_text_loads_neither_the_models_nor_langdetect(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("The minister said on Monday that the plan would be put in place by the end of the year.\n",
                     encoding="utf-8")
    loaded_after("check", str(story))  # the first run may compile the reference pairs into the cache
    # The pipeline builds plain reports and the text renderer reads them: no pydantic; the
    # provenance model reads a short document without numpy (mtcheck/core/model/plain.py); never
    # langdetect for plain English, never the training libraries.
    assert loaded_after("check", str(story)) == []
    # JSON is the report models serialised: they are loaded for it.
    assert loaded_after("check", "--format", "json", str(story)) == ["mtcheck.models.document", "pydantic"]


def test_a_short_text_of_many_marks_is_read_by_the_numpy_model(tmp_path):
    # Few words, but tens of thousands of marks: the plain model would hold an object per mark.
    table = tmp_path / "table.txt"
    table.write_text("The figures for the year were as follows.\n" + "-|" * 30_000 + "\n", encoding="utf-8")
    assert "numpy" in loaded_after("check", str(table))
