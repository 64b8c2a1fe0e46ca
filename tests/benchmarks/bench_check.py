"""Speed and memory of `mtcheck check` as users get them: whole-process runs beside proselint.

Run from the repository root:

    python tests/benchmarks/bench_check.py                        # every scenario, 3 runs of each
    python tests/benchmarks/bench_check.py --repeat 5 --scenarios story-1.5k,story-5k
    python tests/benchmarks/bench_check.py --before /tmp/mtcheck-main   # another checkout, side by side
    python tests/benchmarks/bench_check.py --also-model rules     # the shipped model against the rule weights
    python tests/benchmarks/bench_check.py --json                 # the figures as one JSON object
    python tests/benchmarks/bench_check.py --shared /work/shared  # stories from a shared folder elsewhere

Each run is a fresh process, as a user or a pre-commit hook starts it:
`python -m mtcheck check --format text FILE...` (output to /dev/null) with PYTHONPATH set to
the checkout measured, and `python -m proselint check FILE...` on the same files. Start-up,
reading, checking and rendering are all in the figures. As an installed package has them,
each checkout's bytecode is compiled first (compileall) and each tool is run once before
the timed runs, so mtcheck's cache (`mtcheck.cache`: the compiled reference pairs and regex
programs; a folder for each checkout, as each install has its own) is filled;
what the first run after an install costs, with an empty cache folder, is printed apart. For each scenario and tool it prints
the CPU time (user + system of the finished process, from wait4: other processes on a busy
machine barely change it), the wall time, the peak RSS, and MB/s and the speed relative to
proselint computed from the median CPU times. Runs of the tools alternate within each
repeat so that a change of machine load hits them alike; the load average is printed.

Scenarios (MB = 10**6 bytes of UTF-8):
  story-1.5k  one story of about 1.5 KB      story-5k    one story of about 5 KB
  1mb-files   1 MB of stories, one file each 1mb-one     the same stories in one file
  10mb-one    10 MB of stories in one file   10mb-files  10 MB of stories, one file each (not run by default)

Then the warm in-process figure: a child process builds the default checker, warms it up and
times `Checker.check` (CPU time, best of 3 passes) over the 1 MB of stories: what a
long-running process (`serve`, `report`'s workers) gets per document, without start-up,
reading or rendering; and `Checker.check_plain` (the report as plain classes, not validated
models: what `check` renders from) where the checkout has it.

The stories are the English texts of ../shared/eval/wmt21_zhen_docs.jsonl (news, human and
machine translations, about 2.5 KB each) when that folder is beside the repository (or named
with --shared), in a fixed shuffled order; without it they are generated from the example stories in
reference_pairs/examples (the line pool below). They are written to a temporary folder and
removed afterwards; nothing of them is kept in the repository. The corpus digest is printed so
that runs can be compared.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "reference_pairs" / "examples"
SHARED_EVAL = REPO.parent / "shared" / "eval"
SHARED_DOCS = SHARED_EVAL / "wmt21_zhen_docs.jsonl"

DOC_MIN_CHARS = 3000
DOC_MAX_CHARS = 6000
MAX_LINE_CHARS = 2000  # longer pool lines would not fit a 3-6 KB document comfortably
MB = 1_000_000
SCENARIOS = ("story-1.5k", "story-5k", "1mb-files", "1mb-one", "10mb-one", "10mb-files")
DEFAULT_SCENARIOS = SCENARIOS[:5]


# --------------------------------------------------------------------------- the line pool
# (also used by bench_report.py and bench_fix.py to generate their archives)


def pool_texts() -> tuple[list[str], list[str]]:
    """The texts lines are drawn from, in a fixed order, and a description of their sources."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    sources = [f"{len(texts)} example file(s) in {EXAMPLES.relative_to(REPO)}"]
    if SHARED_EVAL.is_dir() and SHARED_DOCS.is_file():
        shared = shared_stories()
        texts.extend(shared)
        sources.append(f"{len(shared)} docs of ../shared/eval/{SHARED_DOCS.name}")
    return texts, sources


def pool_lines(texts: list[str]) -> list[str]:
    """Non-blank lines of every text, right-stripped (leading indentation is kept: it is news copy)."""
    lines = []
    for text in texts:
        for line in text.splitlines():
            line = line.rstrip()
            if line.strip() and len(line) <= MAX_LINE_CHARS:
                lines.append(line)
    return lines


def build_corpus(lines: list[str], target_bytes: int, seed: int = 0,
                 min_chars: int = DOC_MIN_CHARS, max_chars: int = DOC_MAX_CHARS) -> list[str]:
    """Documents of min_chars..max_chars characters drawn from the line pool until the corpus
    holds target_bytes."""
    rng = random.Random(seed)
    docs: list[str] = []
    total = 0
    while total < target_bytes:
        sep = rng.choice(("\n\n", "\n"))
        target = rng.randint(min_chars, max_chars)
        parts: list[str] = []
        size = 0
        misses = 0
        while size < target and misses < 50:
            line = rng.choice(lines)
            added = len(line) + (len(sep) if parts else 0)
            if size + added > max_chars:
                misses += 1
                if size >= min_chars:
                    break
                continue
            parts.append(line)
            size += added
        doc = sep.join(parts) + "\n"
        docs.append(doc)
        total += len(doc.encode("utf-8"))
    return docs


def corpus_digest(docs: list[str]) -> str:
    h = hashlib.sha256()
    for doc in docs:
        h.update(doc.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------- the stories


def shared_stories(path: Path = SHARED_DOCS) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


def stories(shared_docs: Path = SHARED_DOCS) -> tuple[list[str], str]:
    """English news stories in a fixed order, and where they come from."""
    if shared_docs.is_file():
        docs = [t.rstrip("\n") + "\n" for t in shared_stories(shared_docs)]
        source = f"{len(docs)} stories of {shared_docs}"
    else:
        texts, _ = pool_texts()
        docs = build_corpus(pool_lines(texts), 3 * MB, min_chars=1200, max_chars=4800)
        source = f"{len(docs)} stories generated from the lines of {EXAMPLES.relative_to(REPO)}"
    random.Random(0).shuffle(docs)
    return docs, source


def size(text: str) -> int:
    return len(text.encode("utf-8"))


def leading(docs: list[str], target_bytes: int) -> list[str]:
    """Docs from the start of the list, cycled when it is short, until they hold target_bytes."""
    out: list[str] = []
    total = 0
    while total < target_bytes:
        doc = docs[len(out) % len(docs)]
        out.append(doc)
        total += size(doc)
    return out


def scenario_files(name: str, docs: list[str], folder: Path) -> list[Path]:
    """Write the files of one scenario into folder; return them in order."""
    folder.mkdir(parents=True, exist_ok=True)
    if name.startswith("story-"):
        target = 1500 if name == "story-1.5k" else 5000
        story = min(docs, key=lambda d: (abs(size(d) - target), d))
        chosen = [story]
    else:
        chosen = leading(docs, (10 if name.startswith("10mb") else 1) * MB)
    if name.endswith("-one"):
        chosen = ["\n".join(chosen)]  # stories separated by a blank line
    paths = []
    for i, text in enumerate(chosen):
        path = folder / f"story-{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- whole-process runs


@dataclass
class Tool:
    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None  # `python -m` imports from the working folder first: run each checkout in its own


@dataclass
class Runs:
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)
    codes: set[int] = field(default_factory=set)


# Runs the command it is given and writes the command's exit code, CPU, wall time and peak RSS
# to the file descriptor it is given. A process's peak RSS starts at its parent's at the fork
# (Linux keeps the larger across exec): run from this benchmark, whose RSS is some 30 MiB, every
# small run measured 30 MiB. The launcher forks the run from a fresh interpreter's 9 MiB.
_LAUNCHER = r"""
import os, sys, time
fd, argv = int(sys.argv[1]), sys.argv[2:]
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - t0
os.write(fd, f"{os.waitstatus_to_exitcode(status)} {usage.ru_utime + usage.ru_stime} {wall} {usage.ru_maxrss}".encode())
"""


def run_once(tool: Tool, files: list[Path], runs: Runs) -> None:
    """Run the tool on the files in a fresh process; add its CPU, wall time and peak RSS."""
    env = {**os.environ, **tool.env}
    read_end, write_end = os.pipe()
    try:
        proc = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(write_end), *tool.command, *map(str, files)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=tool.cwd,
                                pass_fds=(write_end,))
    finally:
        os.close(write_end)
    assert proc.stderr is not None
    err = proc.stderr.read()
    proc.wait()
    with os.fdopen(read_end, "rb") as fh:
        measured = fh.read().split()
    if proc.returncode != 0 or len(measured) != 4:
        raise SystemExit(f"{tool.name}: the launcher failed ({proc.returncode}):\n{err.decode(errors='replace')[-2000:]}")
    code, cpu, wall, max_rss_kib = int(measured[0]), float(measured[1]), float(measured[2]), int(measured[3])
    runs.wall.append(wall)
    runs.cpu.append(cpu)
    runs.rss_mib.append(max_rss_kib / 1024)  # KiB on Linux
    runs.codes.add(code)
    if code not in (0, 1):
        raise SystemExit(f"{tool.name} failed with exit code {code}:\n{err.decode(errors='replace')[-2000:]}")


def compile_bytecode(checkout: Path) -> None:
    """Write the checkout's .pyc files, as installing a package does: a run then does not
    compile the modules it imports (nor does PYTHONDONTWRITEBYTECODE make every run do it)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(checkout / "mtcheck")], check=True,
                   stdout=subprocess.DEVNULL)


def first_run(tool: Tool, files: list[Path]) -> Runs:
    """One run with an empty cache folder: what the first check after an install costs."""
    runs = Runs()
    with tempfile.TemporaryDirectory(prefix="mtcheck-bench-cache-") as empty:
        run_once(Tool(tool.name, tool.command, {**tool.env, "XDG_CACHE_HOME": empty}, tool.cwd), files, runs)
    return runs


def mtcheck_tool(name: str, checkout: Path, fmt: str, model: str | None = None) -> Tool:
    command = [sys.executable, "-m", "mtcheck", "check", "--format", fmt, *(["--model", model] if model else [])]
    env = {"PYTHONPATH": str(checkout.resolve()), **({"MTCHECK_BENCH_MODEL": model} if model else {})}
    return Tool(name, command, env, checkout.resolve())


def proselint_tool() -> Tool | None:
    try:
        import proselint  # noqa: F401
    except ImportError:
        return None
    return Tool("proselint", [sys.executable, "-m", "proselint", "check"])


def proselint_version() -> str:
    try:
        from importlib.metadata import version

        return version("proselint")
    except Exception:
        return "?"


# --------------------------------------------------------------------------- warm, in process

_WARM = r"""
import json, os, sys, time
from pathlib import Path
import mtcheck
from mtcheck.read import Source
texts = [Path(p).read_text(encoding="utf-8") for p in sys.argv[1:]]
t0 = time.process_time()
if os.environ.get("MTCHECK_BENCH_MODEL"):
    from mtcheck.pipeline import Checker
    from mtcheck.policy.options import Options
    checker = Checker(Options(model=os.environ["MTCHECK_BENCH_MODEL"]))
else:
    checker = mtcheck.default_checker()
build = time.process_time() - t0
for text in texts[:20]:
    checker.check(text, "warm-up")

def best_of_3(check):
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        for i, text in enumerate(texts):
            check(text, f"doc-{i}")
        best = min(best, time.process_time() - t0)
    return best

out = {"build_cpu_s": build, "check_cpu_s": best_of_3(checker.check)}
if hasattr(checker, "check_plain"):  # the report as plain classes, not validated models
    out["check_plain_cpu_s"] = best_of_3(lambda text, name: checker.check_plain(Source(name=name, text=text)))
print(json.dumps(out))
"""


def warm_in_process(tool: Tool, files: list[Path]) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _WARM, *map(str, files)], capture_output=True, text=True,
                         env={**os.environ, **tool.env}, cwd=tool.cwd, check=True).stdout
    return json.loads(out)


# --------------------------------------------------------------------------- main


def summarise(runs: Runs, nbytes: int) -> dict[str, object]:
    cpu = statistics.median(runs.cpu)
    return {
        "cpu_s_min": round(min(runs.cpu), 3), "cpu_s_median": round(cpu, 3),
        "wall_s_min": round(min(runs.wall), 3), "wall_s_median": round(statistics.median(runs.wall), 3),
        "peak_rss_mib": round(max(runs.rss_mib), 1),
        "mb_per_cpu_s": round(nbytes / MB / cpu, 3),
        "exit_codes": sorted(runs.codes),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenarios", default=",".join(DEFAULT_SCENARIOS),
                    help=f"comma-separated, of {', '.join(SCENARIOS)} (default: all but 10mb-files)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each tool on each scenario (default 3)")
    ap.add_argument("--format", default="text", help="mtcheck's output format (default: text, what a user reads)")
    ap.add_argument("--before", type=Path, metavar="CHECKOUT", action="append", default=[],
                    help="also measure the mtcheck in this checkout (e.g. an export of main), side by side; "
                         "repeatable")
    ap.add_argument("--also-model", metavar="rules|PATH", action="append", default=[],
                    help="also measure this checkout with `--model rules|PATH`, e.g. to price the shipped "
                         "model against the rule weights; repeatable")
    ap.add_argument("--no-proselint", action="store_true", help="leave proselint out")
    ap.add_argument("--no-warm", action="store_true", help="leave the warm in-process figure out")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--shared", type=Path, default=SHARED_EVAL.parent, metavar="DIR",
                    help="the shared data folder whose eval/ stories are used (default: ../shared)")
    args = ap.parse_args(argv)
    chosen = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in SCENARIOS]
    if unknown:
        ap.error(f"unknown scenario(s) {', '.join(unknown)} (known: {', '.join(SCENARIOS)})")

    tools = [mtcheck_tool("mtcheck", REPO, args.format)]
    tools += [mtcheck_tool(f"mtcheck --model {m}", REPO, args.format, m) for m in args.also_model]
    for checkout in args.before:
        if not (checkout / "mtcheck" / "__init__.py").is_file():
            ap.error(f"--before {checkout}: not an mtcheck checkout")
        tools.append(mtcheck_tool(f"mtcheck@{checkout.resolve().name}", checkout, args.format))
    proselint = None if args.no_proselint else proselint_tool()
    if proselint is not None:
        tools.append(proselint)

    compile_bytecode(REPO)
    for checkout in args.before:
        compile_bytecode(checkout)
    docs, source = stories(args.shared / "eval" / SHARED_DOCS.name)
    out: dict[str, object] = {
        "stories": source, "stories_digest": corpus_digest(docs), "format": args.format, "repeat": args.repeat,
        "python": sys.version.split()[0], "cpus": os.cpu_count(), "load_before": os.getloadavg(),
        "proselint": proselint_version() if proselint is not None else
        "not measured" if args.no_proselint else "not importable (pip install proselint)",
        "before": [str(b) for b in args.before], "scenarios": {},
    }
    work = Path(tempfile.mkdtemp(prefix="mtcheck-bench-"))
    for i, tool in enumerate(tools):
        # A cache folder of each checkout's own, as each install has: in one shared folder, two
        # checkouts whose patterns differ would rewrite each other's regex programs every run.
        if tool is not proselint:
            tool.env["XDG_CACHE_HOME"] = str(work / f"cache-{i}")
    try:
        story = scenario_files("story-1.5k", docs, work / "first-run")
        for tool in tools:
            run_once(tool, story, Runs())  # fills the cache (mtcheck) and the page cache, untimed
        out["first_run"] = {t.name: summarise(first_run(t, story), sum(p.stat().st_size for p in story))
                            for t in tools if t is not proselint}
        for name in chosen:
            files = scenario_files(name, docs, work / name)
            nbytes = sum(p.stat().st_size for p in files)
            runs = {t.name: Runs() for t in tools}
            for _ in range(args.repeat):
                for tool in tools:
                    run_once(tool, files, runs[tool.name])
            figures = {t.name: summarise(runs[t.name], nbytes) for t in tools}
            if proselint is not None:
                base = statistics.median(runs["proselint"].cpu)
                for t in tools:
                    if t is not proselint:
                        figures[t.name]["x_proselint"] = round(base / statistics.median(runs[t.name].cpu), 2)
            out["scenarios"][name] = {"files": len(files), "mb": round(nbytes / MB, 3), "tools": figures}
            if not args.json:
                print_scenario(name, out["scenarios"][name], flush=True)
        if not args.no_warm:
            files = scenario_files("1mb-files", docs, work / "warm")
            nbytes = sum(p.stat().st_size for p in files)
            warm = {}
            for tool in tools:
                if tool is proselint:
                    continue
                w = warm_in_process(tool, files)
                warm[tool.name] = {"checker_build_cpu_s": round(w["build_cpu_s"], 3),
                                   "check_cpu_s": round(w["check_cpu_s"], 3),
                                   "mb_per_cpu_s": round(nbytes / MB / w["check_cpu_s"], 3),
                                   "docs": len(files), "mb": round(nbytes / MB, 3)}
                if "check_plain_cpu_s" in w:
                    warm[tool.name]["plain_mb_per_cpu_s"] = round(nbytes / MB / w["check_plain_cpu_s"], 3)
            out["warm_in_process"] = warm
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out["load_after"] = os.getloadavg()

    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        print_tail(out)
    return 0


def print_scenario(name: str, s: dict, flush: bool = False) -> None:
    print(f"{name}: {s['files']} file(s), {s['mb']:.3f} MB")
    for tool, f in s["tools"].items():
        ratio = f" {f['x_proselint']:5.2f}x proselint" if "x_proselint" in f else ""
        print(f"  {tool:<22} cpu {f['cpu_s_min']:7.3f} / {f['cpu_s_median']:7.3f} s (min/median)  "
              f"wall {f['wall_s_min']:7.3f} / {f['wall_s_median']:7.3f} s  peak RSS {f['peak_rss_mib']:6.1f} MiB  "
              f"{f['mb_per_cpu_s']:7.3f} MB/cpu-s{ratio}", flush=flush)


def print_tail(out: dict) -> None:
    for tool, f in (out.get("first_run") or {}).items():
        print(f"first run after an install ({tool}, empty cache folder, story-1.5k): cpu {f['cpu_s_min']:.3f} s, "
              f"wall {f['wall_s_min']:.3f} s, peak RSS {f['peak_rss_mib']:.1f} MiB")
    warm = out.get("warm_in_process") or {}
    for tool, w in warm.items():
        plain = (f"; {w['plain_mb_per_cpu_s']:.3f} MB/cpu-s as plain reports (Checker.check_plain)"
                 if "plain_mb_per_cpu_s" in w else "")
        print(f"warm in-process ({tool}): {w['docs']} docs, {w['mb']:.3f} MB checked in {w['check_cpu_s']:.3f} cpu-s "
              f"= {w['mb_per_cpu_s']:.3f} MB/cpu-s as report models{plain} (checker built in "
              f"{w['checker_build_cpu_s']:.3f} cpu-s)")
    print(f"stories: {out['stories']} (digest {out['stories_digest']}); mtcheck --format {out['format']}; "
          f"proselint {out['proselint']}; {out['repeat']} run(s) each; python {out['python']}, {out['cpus']} CPUs")
    before, after = out["load_before"], out["load_after"]
    print(f"load average before {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}, "
          f"after {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}")


if __name__ == "__main__":
    sys.exit(main())
