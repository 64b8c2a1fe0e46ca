"""Benchmark for `mtcheck report`: documents/s with --jobs 1 and --jobs 2, peak RSS, and what
a report costs beside `mtcheck check` on the same documents.

Run from the repository root:

    python tests/benchmarks/bench_report.py                    # 50 MB archive, --jobs 1 and 2
    python tests/benchmarks/bench_report.py --size 100MB
    python tests/benchmarks/bench_report.py --size 1GB --jobs 2
    python tests/benchmarks/bench_report.py --size 10MB --before /tmp/mtcheck-main   # side by side
    python tests/benchmarks/bench_report.py --size 10MB --jobs '' --repeat 5   # report against check only
    python tests/benchmarks/bench_report.py --json             # the figures as one JSON object

The archive is generated deterministically (the document generator of bench_check.py,
random seeds 0, 1, 2, ...: its pool is the example stories, plus ../shared/eval when that
folder exists) into a temporary folder (or --work DIR): 85% of the bytes as JSONL shards
of 10 MB, 10% as one .txt file per document in folders of 1,000, and 5% as NITF .xml
files. Its digest is printed so runs can be compared.

Each run is `python -m mtcheck report ARCHIVE --out RUN --jobs N --quiet` in a fresh run
folder, in a child process. Printed per run: wall time, documents/s and MB/s (everything
included: start-up, reading, checking, the store and writing every output), the peak RSS
of the largest process (the report's main process or one worker, from getrusage of the
finished process tree) and the peak of the whole tree's summed RSS (sampled every 0.2 s;
needs psutil). With --rerun, a second run over the same folder shows the incremental
case (every document reused from the store).

Then `report` against `check`: `python -m mtcheck check --format text FILE...` over every
file of the archive (output to /dev/null; in several runs, summed, when the names do not fit on one
command line) and `report --jobs 1` in a fresh folder, both
whole processes, by CPU time (user + system of the process tree, from getrusage: other load
on the machine barely changes it), and their ratio: what the store, the pages, the JSON
and the index cost on top of checking. With --repeat N the pair runs N times, check then
report, and the medians are printed with each pair's ratio (one pair's ratio moves by a
tenth or more on a busy machine), then the ratio by user time alone and both commands'
system time: report writes about ten times the archive's size (pages, JSON, store), and the
kernel's part of that varies several-fold between runs on some virtual machines. Every
measured run starts after os.sync(): what the run before wrote, still being written back,
otherwise slows the next run's file creation several-fold. With --before CHECKOUT (repeatable) every figure
is also measured for that checkout (an export of main, say), on the same archive; each
checkout's bytecode is compiled first and its cache filled, as bench_check does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import contextlib

from bench_check import MB, REPO, build_corpus, compile_bytecode, pool_lines, pool_texts

SHARD_BYTES = 10 * MB
FILES_PER_FOLDER = 1000
# Runs the report in a grandchild so that getrusage(RUSAGE_CHILDREN) covers just this run.
_MEASURE = """
import json, resource, subprocess, sys
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
rss = usage.ru_maxrss
print(json.dumps({"code": code, "max_rss_kb": rss // 1024 if sys.platform == "darwin" else rss,
                  "cpu_s": usage.ru_utime + usage.ru_stime, "user_s": usage.ru_utime, "sys_s": usage.ru_stime}))
"""


def parse_size(text: str) -> int:
    m = re.fullmatch(r"\s*([\d.]+)\s*([KMG]?B?)\s*", text.upper())
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 100MB or 1GB")
    unit = {"": 1, "B": 1, "K": 10**3, "KB": 10**3, "M": MB, "MB": MB, "G": 10**9, "GB": 10**9}[m.group(2)]
    return int(float(m.group(1)) * unit)


def nitf(doc_id: str, text: str) -> str:
    paragraphs = "".join(f"<p>{escape(p)}</p>\n" for p in text.split("\n") if p.strip())
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<nitf><head><docdata><doc-id id-string="{doc_id}"/></docdata>'
            f"</head><body><body.head><hedline><hl1>Story {doc_id}</hl1></hedline></body.head>\n<body.content>\n"
            f"{paragraphs}</body.content></body></nitf>\n")


def generate(root: Path, size: int) -> dict:
    """Write the archive; returns its size, document count and digest."""
    texts, sources = pool_texts()
    lines = pool_lines(texts)
    digest = hashlib.sha256()
    written = docs = seed = 0
    shares = (("jsonl", 0.85), ("text", 0.10), ("xml", 0.05))
    for kind, share in shares:
        target = int(size * share)
        done = 0
        while done < target:
            batch = build_corpus(lines, min(SHARD_BYTES, target - done), seed=seed)
            if kind == "jsonl":
                path = root / "jsonl" / f"shard-{seed:04}.jsonl"
                path.parent.mkdir(parents=True, exist_ok=True)
                body = "".join(json.dumps({"id": f"s{seed}-{i}", "text": t, "desk": "world"}) + "\n"
                               for i, t in enumerate(batch))
                _write(path, body, digest)
                done += len(body.encode("utf-8"))
            else:
                for i, text in enumerate(batch):
                    n = docs + i
                    folder = root / kind / f"{n // FILES_PER_FOLDER:04}"
                    folder.mkdir(parents=True, exist_ok=True)
                    body = text if kind == "text" else nitf(f"w{n}", text)
                    _write(folder / f"doc-{n:07}.{'txt' if kind == 'text' else 'xml'}", body, digest)
                    done += len(body.encode("utf-8"))
            docs += len(batch)
            seed += 1
        written += done
    return {"bytes": written, "documents": docs, "sha256": digest.hexdigest()[:16], "pool": sources}


def _write(path: Path, body: str, digest) -> None:
    data = body.encode("utf-8")
    digest.update(path.name.encode())
    digest.update(data)
    path.write_bytes(data)


# Each checkout's cache folder (`mtcheck.cache`), as each install has its own: in one shared
# folder, two checkouts whose patterns differ would rewrite each other's regex programs every run.
_CACHE_HOMES: dict[Path, Path] = {}


def _env(checkout: Path) -> dict[str, str]:
    cache_home = _CACHE_HOMES.get(checkout)
    return {**os.environ, "PYTHONPATH": str(checkout), **({"XDG_CACHE_HOME": str(cache_home)} if cache_home else {})}


def _measured(command: list[str], checkout: Path) -> tuple[dict, float]:
    """Run `python -m mtcheck COMMAND` of `checkout` in a grandchild; its rusage and wall time."""
    cmd = [sys.executable, "-c", _MEASURE, sys.executable, "-m", "mtcheck", *command]
    env = _env(checkout)
    _settle()
    t0 = time.perf_counter()
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=checkout, env=env,
                         check=True).stdout
    return json.loads(out.decode().strip().splitlines()[-1]), time.perf_counter() - t0


def _settle() -> None:
    """Let the kernel write back what the runs before wrote (a report writes some 100 MB for
    10 MB of copy) before the next measured run: while that is still going on, creating files
    costs several times the system time (measured here: 2,155 pages in 0.21-0.75 s instead of
    0.09 s), which would bill one run's writing to the next, whichever command it is."""
    if hasattr(os, "sync"):
        os.sync()


# Bytes of file names one `check` command line takes: a large archive's files do not fit on one
# (Linux allows 2 MB of arguments and environment), so they are checked in several runs, summed.
_ARGUMENT_BYTES = 512 * 1024


def _check_measured(files: list[str], checkout: Path) -> tuple[dict, float]:
    """`check --format text` over `files` in as few processes as the command line allows: the
    summed rusage and wall time (each extra process adds one start-up, about 0.1 s)."""
    batches: list[list[str]] = [[]]
    size = 0
    for name in files:
        if batches[-1] and size + len(name) + 1 > _ARGUMENT_BYTES:
            batches.append([])
            size = 0
        batches[-1].append(name)
        size += len(name) + 1
    total: dict = {"code": 0, "max_rss_kb": 0, "cpu_s": 0.0, "user_s": 0.0, "sys_s": 0.0}
    wall = 0.0
    for batch in batches:
        usage, seconds = _measured(["check", "--format", "text", *batch], checkout)
        wall += seconds
        total["code"] = max(total["code"], usage["code"])
        total["max_rss_kb"] = max(total["max_rss_kb"], usage["max_rss_kb"])
        for key in ("cpu_s", "user_s", "sys_s"):
            total[key] += usage[key]
    return total, wall


def check_against_report(archive: Path, work: Path, checkout: Path, repeat: int = 1) -> dict:
    """CPU of `check` over every file of the archive, and of `report --jobs 1` over it: `repeat`
    pairs, run one after the other so that a change in the machine's speed falls on both; the
    medians, and the median of the pairs' ratios."""
    files = sorted(str(p) for p in archive.rglob("*") if p.is_file())
    pairs = []
    for i in range(repeat):
        check, check_wall = _check_measured(files, checkout)
        out = work / f"run-{i}"
        report, report_wall = _measured(["report", str(archive), "--out", str(out), "--jobs", "1", "--quiet"],
                                        checkout)
        shutil.rmtree(out, ignore_errors=True)
        pairs.append((check, check_wall, report, report_wall))
    ratios = [r["cpu_s"] / c["cpu_s"] for c, _, r, _ in pairs]
    return {"check_cpu_s": round(statistics.median(c["cpu_s"] for c, _, _, _ in pairs), 2),
            "check_wall_s": round(statistics.median(w for _, w, _, _ in pairs), 2),
            "report_cpu_s": round(statistics.median(r["cpu_s"] for _, _, r, _ in pairs), 2),
            "report_wall_s": round(statistics.median(w for _, _, _, w in pairs), 2),
            "report_over_check": round(statistics.median(ratios), 3),
            # The system time is mostly the kernel taking in what report writes (100 MB for 10 MB
            # of copy): on some virtual machines it varies several-fold from run to run.
            "report_over_check_user": round(statistics.median(r["user_s"] / c["user_s"] for c, _, r, _ in pairs), 3),
            "check_sys_s": round(statistics.median(c["sys_s"] for c, _, _, _ in pairs), 2),
            "report_sys_s": round(statistics.median(r["sys_s"] for _, _, r, _ in pairs), 2),
            "ratios": [round(x, 3) for x in ratios],
            "check_exit": pairs[-1][0]["code"], "report_exit": pairs[-1][2]["code"]}


def run_report(archive: Path, out: Path, jobs: int, checkout: Path = REPO) -> dict:
    cmd = [sys.executable, "-c", _MEASURE, sys.executable, "-m", "mtcheck", "report", str(archive),
           "--out", str(out), "--jobs", str(jobs), "--quiet"]
    _settle()
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=checkout,
                             env=_env(checkout))
    sampler = _TreeSampler(child.pid)
    sampler.start()
    stdout, _ = child.communicate()
    seconds = time.perf_counter() - t0
    sampler.stop()
    measured = json.loads(stdout.decode().strip().splitlines()[-1])
    run = json.loads((out / "run.json").read_text()) if (out / "run.json").exists() else {}
    totals = run.get("totals", {})
    return {"checkout": str(checkout), "jobs": jobs, "exit_code": measured["code"], "seconds": round(seconds, 2),
            "cpu_s": round(measured["cpu_s"], 2),
            "documents": totals.get("documents"), "checked": run.get("checked"), "reused": run.get("reused"),
            "docs_per_s": round(totals.get("documents", 0) / seconds, 1),
            "peak_rss_largest_process_mb": round(measured["max_rss_kb"] / 1024, 1),
            "peak_rss_tree_mb": sampler.peak_mb}


class _TreeSampler(threading.Thread):
    """Peak of the summed RSS of a process and its descendants, sampled."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_mb: float | None = None
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        peak = 0
        while not self._stop_event.is_set():
            try:
                root = psutil.Process(self.pid)
                procs = [root, *root.children(recursive=True)]
                total = 0
                for p in procs:
                    with contextlib.suppress(psutil.Error):
                        total += p.memory_info().rss
                peak = max(peak, total)
            except psutil.Error:
                pass
            self._stop_event.wait(0.2)
        self.peak_mb = round(peak / 2**20, 1)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=parse_size, default=parse_size("50MB"), help="archive size, e.g. 100MB, 1GB")
    ap.add_argument("--jobs", default="1,2", help="comma-separated --jobs values to run (default: 1,2)")
    ap.add_argument("--work", type=Path, help="folder for the archive and the runs (default: a temporary one)")
    ap.add_argument("--rerun", action="store_true", help="also time a re-run over the last run folder")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--before", type=Path, metavar="CHECKOUT", action="append", default=[],
                    help="also measure the mtcheck in this checkout, side by side; repeatable")
    ap.add_argument("--no-check", action="store_true", help="leave out the report-against-check comparison")
    ap.add_argument("--repeat", type=int, default=1, metavar="N",
                    help="run the report-against-check pair N times and print the medians (default 1)")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat: at least 1")
    jobs = [int(j) for j in args.jobs.split(",") if j.strip()]
    checkouts = [REPO, *(b.resolve() for b in args.before)]
    for checkout in checkouts:
        if not (checkout / "mtcheck" / "__init__.py").is_file():
            ap.error(f"--before {checkout}: not an mtcheck checkout")
        compile_bytecode(checkout)
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()

    with tempfile.TemporaryDirectory(prefix="bench-report-", dir=args.work) as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        archive = generate(work / "archive", args.size)
        archive["generate_s"] = round(time.perf_counter() - t0, 1)
        story = next(p for p in sorted((work / "archive").rglob("*.txt")))
        for i, checkout in enumerate(checkouts):  # fills each checkout's cache folder, untimed
            _CACHE_HOMES[checkout] = work / f"cache-{i}"
            _measured(["check", str(story)], checkout)
        runs = []
        for i, checkout in enumerate(checkouts):
            for n in jobs:
                runs.append(run_report(work / "archive", work / f"run-{i}-j{n}", n, checkout))
                _progress(runs[-1], args.json)
            if args.rerun and jobs:
                again = run_report(work / "archive", work / f"run-{i}-j{jobs[-1]}", jobs[-1], checkout)
                again["rerun"] = True
                runs.append(again)
                _progress(again, args.json)
        against = {}
        if not args.no_check:
            for i, checkout in enumerate(checkouts):
                against[str(checkout)] = check_against_report(work / "archive", work / f"against-{i}", checkout,
                                                                args.repeat)
                if not args.json:
                    a = against[str(checkout)]
                    pairs = ", ".join(f"{x:.2f}" for x in a["ratios"])
                    repeated = f"; medians of {args.repeat}; each pair: {pairs}" if args.repeat > 1 else ""
                    print(f"{checkout}: check {a['check_cpu_s']} cpu-s, report --jobs 1 {a['report_cpu_s']} cpu-s: "
                          f"report = {a['report_over_check']:.2f} x check (wall {a['check_wall_s']} / "
                          f"{a['report_wall_s']} s{repeated}); by user time alone {a['report_over_check_user']:.2f} x "
                          f"(system time: check {a['check_sys_s']} s, report {a['report_sys_s']} s)", flush=True)
    out = {"archive_mb": round(archive["bytes"] / MB, 1), "archive": archive, "runs": runs,
           "report_against_check": against, "python": sys.version.split()[0], "cpus": os.cpu_count(),
           "load_before": load_before, "load_after": os.getloadavg()}
    if args.json:
        print(json.dumps(out))
    else:
        print(f"archive: {out['archive_mb']} MB, {archive['documents']:,} documents, sha256 {archive['sha256']}, "
              f"generated in {archive['generate_s']} s (pool: {'; '.join(archive['pool'])})")
        print(f"load average before {' '.join(f'{x:.2f}' for x in load_before)}, "
              f"after {' '.join(f'{x:.2f}' for x in out['load_after'])}; python {out['python']}, {out['cpus']} CPUs")
    return 0 if all(r["exit_code"] == 0 for r in runs) else 1


def _progress(run: dict, quiet: bool) -> None:
    if quiet:
        return
    what = "re-run" if run.get("rerun") else "run"
    print(f"{Path(run['checkout']).name}: {what} --jobs {run['jobs']}: {run['seconds']} s, {run['cpu_s']} cpu-s, "
          f"{run['documents']:,} documents ({run['checked']:,} "
          f"checked, {run['reused']:,} reused), {run['docs_per_s']} docs/s; peak RSS: largest process "
          f"{run['peak_rss_largest_process_mb']} MB, whole tree {run['peak_rss_tree_mb']} MB (exit {run['exit_code']})",
          flush=True)


if __name__ == "__main__":
    sys.exit(main())
