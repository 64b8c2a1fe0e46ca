"""Regenerate the sample outputs in README.md and docs/*.md from the commands they show.

A sample is a fenced block after a marker naming its command:

    <!-- sample: mtcheck check reference_pairs/examples/mt_wire_story.txt | lines 1:9,-8:-2 -->
    ```
    $ mtcheck check reference_pairs/examples/mt_wire_story.txt
    ...
    ```

The command runs from the repository root at 80 columns without colour (stdout, then
stderr); `| lines` keeps line ranges (1-based and inclusive, negative from the end: `1:9,-8:-2`)
with `...` where lines are left out (a sample leaves out the signature line, which changes with
every edit of the reference pairs). `python docs/samples.py` rewrites every sample; `--check` only says
which are out of date (tests/test_docs.py runs it), so no sample can go stale.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FILES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SAMPLE = re.compile(r"(<!-- sample: (?P<spec>.+?) -->\n)```[^\n]*\n(?:(?!```).*?\n)?```\n", re.S)


def run(command: str) -> str:
    """The output of `mtcheck ARGS` as a reader would see it in an 80-column terminal."""
    argv = shlex.split(command)
    assert argv[0] == "mtcheck", f"a sample runs mtcheck, not {argv[0]}"
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "mtcheck", *argv[1:]], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=300)
    return done.stdout + done.stderr


def select(output: str, ranges: str) -> list[str]:
    """The lines in `ranges` ('1:16,-14:-2': 1-based and inclusive, negative counting from the
    end, -1 the last line), '...' where some are left out."""
    lines = output.rstrip("\n").split("\n")

    def index(n: str) -> int:
        return int(n) - 1 if int(n) > 0 else len(lines) + int(n)

    keep: set[int] = set()
    for part in ranges.split(","):
        lo, _, hi = part.partition(":")
        keep.update(range(max(0, index(lo)), min(index(hi or lo), len(lines) - 1) + 1))
    out, previous = [], -1
    for i in sorted(keep):
        if i != previous + 1:
            out.append("...")
        out.append(lines[i])
        previous = i
    if previous != len(lines) - 1:
        out.append("...")
    return out


def render(spec: str) -> str:
    command, _, ranges = spec.partition(" | lines ")
    output = run(command)
    shown = select(output, ranges) if ranges else output.rstrip("\n").split("\n")
    return "```\n$ " + command + "\n" + "\n".join(line.rstrip() for line in shown) + "\n```\n"


def regenerate(text: str) -> str:
    return SAMPLE.sub(lambda m: m.group(1) + render(m.group("spec")), text)


def stale() -> list[str]:
    """The files whose samples differ from what their commands print now."""
    return [str(path.relative_to(REPO)) for path in FILES
            if SAMPLE.search(text := path.read_text(encoding="utf-8")) and regenerate(text) != text]


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        out_of_date = stale()
        for name in out_of_date:
            print(f"{name}: samples out of date (run python docs/samples.py)")
        return 1 if out_of_date else 0
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        if SAMPLE.search(text):
            path.write_text(regenerate(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
