"""Hostile and odd input: time and peak memory of whole `mtcheck` processes, shape by shape.

Run from the repository root:

    python tests/benchmarks/bench_hostile.py                     # every shape, text/json/fix
    python tests/benchmarks/bench_hostile.py --shape md-links --mode json
    python tests/benchmarks/bench_hostile.py --repo /tmp/before  # another checkout (BEFORE figures)
    python tests/benchmarks/bench_hostile.py --json              # one JSON object per line

Each shape is written to a file in a temporary folder and run through whole processes
(`python -m mtcheck check FILE`, `check --format json FILE`, `fix --diff FILE`; some shapes
have a command of their own, such as `align`), one at a time. For each run it prints the wall
time, the peak RSS of the process (its VmHWM), the exit code, and whether stderr
held a traceback. A run over --timeout seconds or over --mem-cap MiB is killed and shown as
such. The budget column is what a shape may take: 3x the time of ordinary news of the same
size in the same mode (news-1mb for shapes up to 1 MB, news-5mb above) plus 3 s, and 250 MiB.

The inputs are built deterministically (random.Random(0)); "ordinary news" is bench_check.py's
corpus (the example stories, plus ../shared/eval when it is beside the repository).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import MB, build_corpus, pool_lines, pool_texts

REPO = Path(__file__).resolve().parents[2]
KB = 1000
MEMORY_BUDGET_MIB = 250
MODES = ("text", "json", "fix")


# --------------------------------------------------------------------------- shapes


def _news(size: int) -> str:
    texts, _ = pool_texts()
    return "\n".join(build_corpus(pool_lines(texts), size))[:size]


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _md_links(size: int) -> str:
    """One Markdown paragraph of links (no blank line anywhere)."""
    return _repeat("see [the report](https://example.com/a/b?c=d) and ", size) + "\n"


def _md_emphasis(size: int) -> str:
    """Ordinary prose, one paragraph, *emphasis* about every 70 characters."""
    rng = random.Random(0)
    words = "the minister said on monday that plan would be put in place by end of year officials".split()
    out, length = [], 0
    while length < size:
        phrase = " ".join(rng.choice(words) for _ in range(10))
        piece = f"{phrase} *{rng.choice(words)}*"
        out.append(piece)
        length += len(piece) + 1
    return " ".join(out) + ".\n"


def _md_link_lines(count: int) -> str:
    return "".join(f"- [link {i}](https://example.com/{i}) and more\n" for i in range(count))


def _random_punctuation(size: int) -> str:
    rng = random.Random(0)
    return "".join(rng.choice(",.;:!?()[]\"'“”‘’-—…") for _ in range(size))


def _no_spaces(size: int) -> str:
    rng = random.Random(0)
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(size))


def _mixed_line_ends(size: int) -> str:
    rng = random.Random(0)
    lines = pool_lines(pool_texts()[0])
    out, length = [], 0
    while length < size:
        piece = rng.choice(lines) + rng.choice(("\n", "\r\n", "\r", "\n\n", "\r\n\r\n"))
        out.append(piece)
        length += len(piece)
    return "".join(out)


def _rtl_combining(size: int) -> str:
    unit = ("The minister said \u202eevil\u202c that שלום עולם and مرحبا e\u0301\u0301\u0301 "
            "a\u0300\u0301\u0302\u0303\u0304 were quoted \u200f\u200e. ")
    return _repeat(unit, size)


def _astral(size: int) -> str:
    unit = "The minister 😀 said 𝕋𝕙𝕖 plan 𠀋𠀌 would 🇨🇳 go ahead 👩‍👩‍👧. "
    return _repeat(unit, size)


def _html_unterminated(size: int) -> str:
    return '<html><body><p>The minister said <a href="' + "x" * size


def _html_nested(depth: int) -> str:
    return "<html><body>" + "<div>" * depth + "The minister said so." + "</div>" * depth + "</body></html>\n"


def _md_nested(depth: int) -> str:
    return "> " * depth + "The minister said so.\n"


def _jsonl_deep(depth: int) -> str:
    good = json.dumps({"id": "ok", "text": "The minister said on Monday that the plan would go ahead."})
    return good + "\n" + '{"id": "deep", "text": "x", "a": ' + "[" * depth + "]" * depth + "}\n" + good + "\n"


def _jsonl_huge_line(size: int) -> str:
    return json.dumps({"id": "huge", "text": _repeat("the minister said that the plan would go ahead and ", size)}) + "\n"


def _xml_many_items(items: int) -> str:
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">'
             "<itemSet>"]
    for i in range(items):
        parts.append(f'<newsItem guid="urn:item:{i}"><contentMeta><headline>Story {i} &amp; more</headline>'
                     "</contentMeta><contentSet><inlineXML><html><body><p>The minister said the the plan "
                     f"would go ahead , officials said &amp; agreed {i}.</p></body></html></inlineXML></contentSet>"
                     "</newsItem>")
    parts.append("</itemSet></newsMessage>\n")
    return "".join(parts)


@dataclass(frozen=True)
class Shape:
    name: str
    extension: str
    build: Callable[[float], str]  # the input at a scale (1.0: the size in the name; tests use less)
    size_class: int = MB  # the news it is compared with (1 MB or 5 MB)
    modes: tuple[str, ...] = MODES
    command: tuple[str, ...] | None = None  # instead of the modes: argv after `mtcheck`, {file} replaced


def _n(count: float, scale: float) -> int:
    return max(1, int(count * scale))


SHAPES: tuple[Shape, ...] = (
    Shape("news-1mb", ".txt", lambda s: _news(_n(MB, s))),
    Shape("news-5mb", ".txt", lambda s: _news(_n(5 * MB, s)), size_class=5 * MB),
    Shape("md-links-33k", ".md", lambda s: _md_links(_n(33 * KB, s))),
    Shape("md-links-138k", ".md", lambda s: _md_links(_n(138 * KB, s))),
    Shape("md-links-278k", ".md", lambda s: _md_links(_n(278 * KB, s))),
    Shape("md-emphasis-292k", ".md", lambda s: _md_emphasis(_n(292 * KB, s))),
    Shape("md-link-lines-20000", ".md", lambda s: _md_link_lines(_n(20_000, s))),
    Shape("md-nested-quotes-5000", ".md", lambda s: _md_nested(_n(5_000, s))),
    Shape("doubled-the-10k", ".txt", lambda s: _repeat("the ", _n(10 * KB, s))),
    Shape("the-the-lines-1mb", ".txt", lambda s: _repeat("The the minister said.\n", _n(MB, s))),
    # A " ," elsewhere makes the punctuation rules scan the text; the run of spaces is the attack.
    Shape("spaces-40k", ".txt", lambda s: "word" + " " * _n(40_000, s) + "word , end )\n"),
    Shape("spaces-1mb", ".txt", lambda s: "word" + " " * _n(MB, s) + "word , end )\n"),
    Shape("tabs-1mb", ".txt", lambda s: "word" + "\t" * _n(MB, s) + "word , end )\n"),
    Shape("no-break-findings-100k", ".txt",
          lambda s: _repeat("the plan , officials said ( now ) ", _n(100 * KB, s)) + "\n"),
    Shape("sentence-1mb", ".txt",
          lambda s: _repeat("the minister said that the plan would go ahead and ", _n(MB, s)) + "\n"),
    Shape("one-char-lines-200k", ".txt", lambda s: "a\n" * _n(200_000, s)),
    Shape("quotes-100k", ".txt", lambda s: 'He said "' + '"' * _n(100 * KB, s) + "\n"),
    Shape("curly-quotes-100k", ".txt", lambda s: "He said " + _repeat("“‘(", _n(100 * KB, s)) + "\n"),
    Shape("one-char-run-1mb", ".txt", lambda s: "a" * _n(MB, s) + "\n"),
    Shape("one-word-run-1mb", ".txt", lambda s: _repeat("the ", _n(MB, s)) + ".\n"),
    Shape("no-spaces-1mb", ".txt", lambda s: _no_spaces(_n(MB, s)) + "\n"),
    Shape("punctuation-1mb", ".txt", lambda s: _random_punctuation(_n(MB, s))),
    Shape("punctuation-5mb", ".txt", lambda s: _random_punctuation(_n(5 * MB, s)), size_class=5 * MB),
    Shape("numbers-5mb", ".txt", lambda s: _repeat("1,000,000. ", _n(5 * MB, s)), size_class=5 * MB),
    Shape("initials-5mb", ".txt", lambda s: _repeat("A. B. C. ", _n(5 * MB, s)), size_class=5 * MB),
    Shape("mixed-line-ends-1mb", ".txt", lambda s: _mixed_line_ends(_n(MB, s))),
    Shape("rtl-combining-1mb", ".txt", lambda s: _rtl_combining(_n(MB, s))),
    Shape("astral-1mb", ".txt", lambda s: _astral(_n(MB, s))),
    Shape("html-unterminated-attr-1mb", ".html", lambda s: _html_unterminated(_n(MB, s))),
    Shape("html-nested-100k", ".html", lambda s: _html_nested(_n(100_000, s))),
    Shape("newsml-500-items", ".xml", lambda s: _xml_many_items(_n(500, s))),
    Shape("jsonl-deep-100k", ".jsonl", lambda s: _jsonl_deep(_n(100_000, s)), modes=("text", "json")),
    Shape("jsonl-huge-line-5mb", ".jsonl", lambda s: _jsonl_huge_line(_n(5 * MB, s)), size_class=5 * MB,
          modes=("text", "json")),
    Shape("align-1mb", ".txt", lambda s: _news(_n(MB, s)), command=("align", "{file}", "{other}", "--format", "json")),
)


# --------------------------------------------------------------------------- running


@dataclass
class Run:
    shape: str
    mode: str
    seconds: float
    peak_mib: float
    code: int | None  # None: killed
    killed: str = ""  # why
    traceback: bool = False
    stderr: str = ""


def run_one(argv: list[str], repo: Path, timeout: float, mem_cap_mib: float) -> tuple[float, float, int | None, str,
                                                                                       str]:
    """Run `python -m mtcheck ARGV` with `repo` first on the path; (seconds, peak MiB, exit code
    or None, why killed, stderr). The peak is the process's VmHWM, read every 10 ms: unlike
    ru_maxrss, which Linux carries over from the parent through fork and exec, it is the
    process's own."""
    env = {**os.environ, "PYTHONPATH": str(repo), "NO_COLOR": "1"}
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "mtcheck", *argv], stdout=subprocess.DEVNULL, stderr=err,
                                stdin=subprocess.DEVNULL, env=env, cwd=repo, start_new_session=True)
        killed, peak = "", 0.0
        while True:
            peak = max(peak, _high_water_mib(proc.pid))
            pid, status = os.waitpid(proc.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.perf_counter() - started
            if not killed and elapsed > timeout:
                killed = f"over {timeout:g} s"
            elif not killed and peak > mem_cap_mib:
                killed = f"over {mem_cap_mib:g} MiB"
            if killed:
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status = os.waitpid(proc.pid, 0)
                break
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    code = None if killed else proc.returncode
    return seconds, peak, code, killed, stderr


def _high_water_mib(pid: int) -> float:
    """The process's peak resident set size so far (VmHWM), in MiB; 0 once it has exited."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def argv_for(shape: Shape, mode: str, path: Path, other: Path) -> list[str]:
    if shape.command is not None:
        return [a.replace("{file}", str(path)).replace("{other}", str(other)) for a in shape.command]
    return {"text": ["check", str(path)],
            "json": ["check", "--format", "json", str(path)],
            "fix": ["fix", "--diff", str(path)]}[mode]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo", type=Path, default=REPO, help="the checkout to run (default: this one)")
    ap.add_argument("--shape", action="append", default=[], help="only shapes whose name contains this (repeatable)")
    ap.add_argument("--mode", action="append", choices=MODES, default=[], help="only these modes (repeatable)")
    ap.add_argument("--timeout", type=float, default=60.0, help="kill a run after this many seconds (default 60)")
    ap.add_argument("--mem-cap", type=float, default=3072.0, help="kill a run above this RSS in MiB (default 3072)")
    ap.add_argument("--json", action="store_true", help="one JSON object per run")
    args = ap.parse_args(argv)

    modes = tuple(args.mode) or MODES
    shapes = [s for s in SHAPES if not args.shape or any(f in s.name for f in args.shape)]
    news: dict[tuple[int, str], float] = {}  # (size class, mode) -> seconds of ordinary news
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        folder = Path(tmp)
        if not args.json:
            print(f"{'shape':28} {'mode':5} {'size':>9} {'seconds':>8} {'peak MiB':>9} {'exit':>5}  budget  notes")
        for shape in shapes:
            text = shape.build(1.0)
            path = folder / f"{shape.name}{shape.extension}"
            path.write_text(text, encoding="utf-8", newline="")
            other = folder / f"{shape.name}.other{shape.extension}"
            other.write_text(text.replace("the ", "The "), encoding="utf-8", newline="")
            size = path.stat().st_size
            for mode in (("json",) if shape.command is not None else [m for m in shape.modes if m in modes]):
                seconds, peak, code, killed, stderr = run_one(argv_for(shape, mode, path, other), args.repo,
                                                              args.timeout, args.mem_cap)
                if shape.name.startswith("news-"):
                    news[(shape.size_class, mode)] = seconds
                reference = news.get((shape.size_class, mode), news.get((shape.size_class, "json")))
                budget = 3 * reference + 3 if reference is not None else None
                within = (code in (0, 1, 2) and "Traceback" not in stderr and peak <= MEMORY_BUDGET_MIB
                          and (budget is None or seconds <= budget))
                record = {"shape": shape.name, "mode": mode, "bytes": size, "seconds": round(seconds, 2),
                          "peak_mib": round(peak, 1), "exit": code, "killed": killed,
                          "traceback": "Traceback" in stderr, "budget_s": round(budget, 1) if budget else None,
                          "within_budget": within,
                          "stderr": stderr.strip().splitlines()[-1][:160] if stderr.strip() else ""}
                if args.json:
                    print(json.dumps(record, ensure_ascii=False), flush=True)
                else:
                    note = killed or ("traceback: " + record["stderr"] if record["traceback"] else record["stderr"])
                    shown_code = "-" if code is None else str(code)
                    print(f"{shape.name:28} {mode:5} {size:>9,} {seconds:>8.2f} {peak:>9.1f} {shown_code:>5}  "
                          f"{'ok' if within else 'OVER':6}  {note[:90]}", flush=True)
            path.unlink()
            other.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
