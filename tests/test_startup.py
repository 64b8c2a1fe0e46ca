"""Start-up is paid only for what a run uses: commands that show no report, and a text
report of English, do not load the report models (pydantic) or langdetect. Checked in a
fresh interpreter each."""

import subprocess
import sys

import pytest

from conftest import REPO

# A fresh interpreter runs `mtcheck ARGS` (its output swallowed) between `before` and `after`.
_RUN = """
import contextlib, io, sys
{before}
from mtcheck.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
{after}
"""
PROBE = _RUN.format(before="", after="""
heavy = sorted(m for m in ("pydantic", "mtcheck.models.document", "langdetect", "numpy", "sklearn", "scipy")
               if m in sys.modules)
print(",".join(heavy))""")


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



# The same, counting the documents the plain-Python model scored.
PLAIN_PROBE = _RUN.format(before="""
from mtcheck.core.model import plain
used = []
score = plain.PlainModel.score
plain.PlainModel.score = lambda self, *args: used.append(1) or score(self, *args)""",
                          after='print(len(used), "numpy" in sys.modules)')


def test_a_batch_is_read_with_numpy_from_its_first_document_and_a_few_stories_without(tmp_path):
    """The plain model saves importing numpy and costs more per word: a run whose files hold
    more words than that saving is worth reads every document with numpy, the first included
    (the reports are the same either way: tests/test_plain_model.py)."""
    story = "The minister said on Monday that the plan would be put in place by the end of the year. " * 12
    paths = []
    for name, repeat in (("a-first.txt", 1), ("b.txt", 1), ("c-big.txt", 300)):  # c: about 65,000 words
        paths.append(tmp_path / name)
        paths[-1].write_text(story * repeat + "\n", encoding="utf-8")

    def run(*files):
        out = subprocess.run([sys.executable, "-c", PLAIN_PROBE, "check", *map(str, files)], capture_output=True,
                             text=True, cwd=REPO, check=True).stdout.split()
        return int(out[0]), out[1] == "True"

    assert run(*paths[:2]) == (2, False)  # two stories: plain Python, numpy never imported
    assert run(*paths) == (0, True)  # the same two before a big file: numpy from the first
