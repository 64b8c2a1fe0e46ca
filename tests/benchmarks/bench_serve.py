"""Load benchmark for `mtcheck serve`, on loopback only: requests/s and latency of
/v1/check for a news story of about 5 KB.

Run from the repository root (needs the serve extra and httpx):

    python tests/benchmarks/bench_serve.py                     # 2,000 requests, 8 at a time, 2 workers
    python tests/benchmarks/bench_serve.py --requests 500 --concurrency 16 --workers 1
    python tests/benchmarks/bench_serve.py --client httpx      # the load from httpx.AsyncClient
    python tests/benchmarks/bench_serve.py --before /tmp/mtcheck-main   # another checkout, side by side
    python tests/benchmarks/bench_serve.py --json              # the figures as one JSON object

It starts `mtcheck serve` on 127.0.0.1 (a free port) as a subprocess with --workers
(default 2: one per core of the 2-core machine the targets are for), waits for /healthz,
sends --warm-up requests that are not counted, then --requests POSTs to /v1/check, at most
--concurrency in flight at once, on keep-alive connections: asyncio streams by default
(--client raw; the client shares the machine's two cores with the server, so it should cost
little), or httpx.AsyncClient (--client httpx). Every request
is bounded by --timeout; the run sends a fixed number of requests and then stops the server
with SIGTERM. It prints the story size, requests/s, p50/p95/p99/max latency in ms, the
failures (a status other than 200, or no answer), the CPU time the server (all its
processes) and the client spent per request, how that server CPU was shared among its
processes (a worker that accepted none of the keep-alive connections sits idle), the load
average before the run, and whether the targets were met: at least 300 requests/s and p95
under 100 ms with no failure (issue 17). The client runs on the same machine and takes some
of its CPU; on a machine that other programs keep busy, the CPU per request still says what
the server costs. With --before CHECKOUT (repeatable) the same load is sent to a server run
from that checkout, after this one's, and both are printed. Exit status 1 when a request
failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "reference_pairs" / "examples"
STORY_BYTES = 5000
TARGET_RPS, TARGET_P95_MS = 300.0, 100.0


def story(size: int = STORY_BYTES) -> str:
    """About `size` bytes of wire copy: the shipped MT story, then the edited one, cut at a
    line end (a news story of the size the targets name, with findings of every kind)."""
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in (EXAMPLES / "mt_wire_story.txt",
                                                               EXAMPLES / "edited_wire_story.txt"))
    while len(text.encode("utf-8")) < size:
        text += "\n\n" + text
    cut = text.encode("utf-8")[:size].decode("utf-8", errors="ignore")
    return cut[:cut.rfind("\n")] if "\n" in cut else cut


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, workers: int, checkout: Path = REPO) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mtcheck", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--no-access-log"],
        cwd=checkout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(checkout)})


def wait_ready(server: subprocess.Popen, url: str, seconds: float = 60) -> float:
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        if server.poll() is not None:
            raise SystemExit(f"bench_serve: the server exited ({server.returncode}): {server.stderr.read().decode()}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return time.monotonic() - began
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"bench_serve: the server was not ready within {seconds:g} s")


async def load(url: str, body: bytes, requests: int, concurrency: int, timeout: float) -> tuple[list[float], list[str],
                                                                                                float]:
    """Latencies in ms of the answered requests, the failures, and the wall time."""
    latencies: list[float] = []
    failures: list[str] = []
    queue = iter(range(requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as client:

        async def worker() -> None:
            for _ in queue:
                began = time.perf_counter()
                try:
                    response = await client.post("/v1/check", content=body,
                                                 headers={"content-type": "application/json"})
                    elapsed = 1000 * (time.perf_counter() - began)
                    if response.status_code == 200 and response.content.startswith(b'{"documents"'):
                        latencies.append(elapsed)
                    else:
                        failures.append(f"{response.status_code}: {response.text[:120]}")
                except httpx.HTTPError as exc:
                    failures.append(f"{type(exc).__name__}: {exc}")

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, failures, time.perf_counter() - began


def process_tree_cpu_s(root: int) -> float:
    """User + system CPU seconds of `root` and its children (uvicorn's workers), from /proc;
    NaN where there is no /proc."""
    per = process_cpu_s(root)
    return sum(per.values()) if per else float("nan")


def process_cpu_s(root: int) -> dict[int, float]:
    """User + system CPU seconds of `root` and of each of its children, by process id."""
    ticks = os.sysconf("SC_CLK_TCK")
    out: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == root or ppid == root:
            out[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return out


async def load_raw(port: int, body: bytes, requests: int, concurrency: int,
                   timeout: float) -> tuple[list[float], list[str], float]:
    """As `load`, on bare keep-alive connections: a request is written whole and its answer read
    by Content-Length, which costs the client a tenth of httpx's CPU, CPU the server on a
    2-core machine then has."""
    latencies: list[float] = []
    failures: list[str] = []
    queue = iter(range(requests))
    head = (f"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body

    async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> tuple[int, bytes]:
        writer.write(head)
        status_line, *header_lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = dict(line.split(":", 1) for line in header_lines if ":" in line)
        declared = next((v for k, v in headers.items() if k.lower() == "content-length"), None)
        if declared is None:
            raise ValueError(f"an answer without Content-Length: {status_line}")
        return int(status_line.split()[1]), await reader.readexactly(int(declared))

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for _ in queue:
                began = time.perf_counter()
                try:
                    status, answer = await asyncio.wait_for(exchange(reader, writer), timeout)
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError,
                        ValueError) as exc:
                    failures.append(f"{type(exc).__name__}: {exc}")
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                if status == 200 and answer.startswith(b'{"documents"'):
                    latencies.append(1000 * (time.perf_counter() - began))
                else:
                    failures.append(f"{status}: {answer[:120]!r}")
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, failures, time.perf_counter() - began


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))] if ordered else float("nan")


def measure(args: argparse.Namespace, checkout: Path, text: str, body: bytes) -> dict:
    """Start a server from `checkout`, load it, stop it; its figures."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(port, args.workers, checkout)
    try:
        ready = wait_ready(server, url)
        if args.client == "raw":
            run = lambda n: asyncio.run(load_raw(port, body, n, args.concurrency, args.timeout))  # noqa: E731
        else:
            run = lambda n: asyncio.run(load(url, body, n, args.concurrency, args.timeout))  # noqa: E731
        run(args.warm_up)
        load_average = os.getloadavg()[0]
        per_process, client_cpu = process_cpu_s(server.pid), time.process_time()
        latencies, failures, wall = run(args.requests)
        per_process = {pid: cpu - per_process.get(pid, 0.0) for pid, cpu in process_cpu_s(server.pid).items()}
        server_cpu = sum(per_process.values()) if per_process else float("nan")
        client_cpu = time.process_time() - client_cpu
    finally:
        stop_began = time.monotonic()
        server.send_signal(signal.SIGTERM)
        try:
            exit_code = server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            exit_code = server.wait()
        stopped = time.monotonic() - stop_began

    figures = {
        "checkout": str(checkout),
        "story_bytes": len(text.encode("utf-8")),
        "requests": args.requests,
        "concurrency": args.concurrency,
        "client": args.client,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "server_ready_s": round(ready, 2),
        "wall_s": round(wall, 2),
        "requests_per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1) if latencies else None,
        "failures": len(failures),
        "first_failure": failures[0] if failures else None,
        # CPU per request, which contention from other programs does not inflate: the server's
        # ceiling on idle cores is about cores / server CPU per request.
        "server_cpu_ms_per_request": round(1000 * server_cpu / args.requests, 2),
        "client_cpu_ms_per_request": round(1000 * client_cpu / args.requests, 2),
        # Each server process's share of the server's CPU, largest first: with keep-alive
        # connections, a worker that accepted none of them stays idle.
        "server_cpu_shares": sorted((round(cpu / server_cpu, 2) for cpu in per_process.values()), reverse=True)
        if per_process and server_cpu > 0 else [],
        "load_average_before": round(load_average, 2),
        "server_exit_code_after_sigterm": exit_code,
        "server_stop_s": round(stopped, 2),
    }
    figures["targets_met"] = bool(figures["requests_per_s"] >= TARGET_RPS and figures["p95_ms"] < TARGET_P95_MS
                                  and not failures)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--warm-up", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds a request may take before it counts as "
                                                                    "failed")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw",
                        help="raw keep-alive sockets (default: little client CPU) or httpx.AsyncClient")
    parser.add_argument("--before", type=Path, metavar="CHECKOUT", action="append", default=[],
                        help="also load a server run from this checkout, side by side; repeatable")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    checkouts = [REPO, *(b.resolve() for b in args.before)]
    for checkout in checkouts:
        if not (checkout / "mtcheck" / "__init__.py").is_file():
            parser.error(f"--before {checkout}: not an mtcheck checkout")

    text = story()
    body = json.dumps({"text": text, "name": "story.txt"}).encode()
    runs = [measure(args, checkout, text, body) for checkout in checkouts]
    if args.json:
        print(json.dumps(runs[0] if len(runs) == 1 else runs))
    else:
        first = runs[0]
        print(f"story: {first['story_bytes']:,} bytes; {args.requests:,} requests, {args.concurrency} at a time, "
              f"{args.workers} worker(s) on {first['cpus']} CPU(s)")
        for figures in runs:
            print(f"== {figures['checkout']} (server ready in {figures['server_ready_s']} s)")
            print(f"throughput: {figures['requests_per_s']} requests/s ({figures['wall_s']} s)")
            print(f"latency ms: p50 {figures['p50_ms']}  p95 {figures['p95_ms']}  p99 {figures['p99_ms']}  max "
                  f"{figures['max_ms']}")
            print(f"failures: {figures['failures']}" + (f" (first: {figures['first_failure']})"
                                                         if figures['failures'] else ""))
            busy = ("; other programs were competing for the CPU"
                    if figures["load_average_before"] > (os.cpu_count() or 1) else "")
            print(f"CPU per request: server {figures['server_cpu_ms_per_request']} ms, client "
                  f"{figures['client_cpu_ms_per_request']} ms (1-minute load average before the run: "
                  f"{figures['load_average_before']}{busy}); server processes' shares of it: "
                  f"{', '.join(f'{x:.0%}' for x in figures['server_cpu_shares'])}")
            print(f"SIGTERM: server exited {figures['server_exit_code_after_sigterm']} in {figures['server_stop_s']} s")
            print(f"targets (>= {TARGET_RPS:g} requests/s, p95 < {TARGET_P95_MS:g} ms, no failure): "
                  f"{'met' if figures['targets_met'] else 'NOT met'}")
    return 1 if any(r["failures"] for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
