"""`vagvisare bench`: a real server on loopback under bounded concurrent load, and what it costs.

    vagvisare bench             # the full run (about 20 minutes): docs/benchmark.json and docs/benchmark.md
    vagvisare bench --quick     # a smoke run (about a minute), written under var/bench/quick/

What it does, in order:

1. times a full ingest (``ingest --rebuild``) and an incremental one (``ingest`` again, nothing
   changed, so every vector is reused) into its own index directory (``var/bench/index``), and
   measures the index size;
2. for each worker count (1 and 2) and each level of concurrent clients (1, 8, 32, 64): starts
   ``vagvisare serve`` with production settings (a real admin token, rate limit off, a fresh data
   directory), times the cold start (process start to ``/healthz`` 200), then drives
   ``POST /api/ask`` with that many keep-alive clients:

   - **cold**: every suite question once, each new to the server (its query-embedding cache is
     empty): what a crowd asking different questions costs;
   - **cycling**: the suite questions over and over for a fixed time (capped in requests); after
     the first round the query embedding comes from the server's cache, so this measures retrieval
     and composition;

   and records throughput, latency p50/p95/p99, errors, the server's RSS (all its processes), the
   CPU time the server and this load generator used, and how busy the rest of the machine was.
3. the 32-client level again with one configuration option changed at a time (``VARIANTS``:
   batching, the embedding process, request threads, thread pools), to show what each is worth.

The load generator runs on the same machine and uses some of its CPU (reported per level).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SUITES = (ROOT / "eval" / "suites" / "dev.yaml", ROOT / "eval" / "suites" / "heldout.yaml")
TARGETS = {"throughput_32": 40.0, "p95_32_ms": 500.0, "median_1_ms": 50.0, "rss_mb": 2048.0}
RESULTS_START = "<!-- bench:results -->"
RESULTS_END = "<!-- /bench:results -->"
# The options measured against what the server does by default (1 worker, 32 clients).
VARIANT_CLIENTS = 32
_LIBRARY_THREADS = {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"}
VARIANTS: dict[str, dict[str, str]] = {
    "as shipped": {},
    "no batching": {"VAGVISARE_QUERY_BATCH": "1"},
    "model in the server process": {"VAGVISARE_QUERY_PROCESS": "0"},
    "8 request threads": {"VAGVISARE_SERVER_THREADS": "8"},
    "libraries' own thread pools (2 threads)": _LIBRARY_THREADS,
    "none of these (as before issue 7)": {"VAGVISARE_QUERY_BATCH": "1", "VAGVISARE_QUERY_PROCESS": "0",
                                          "VAGVISARE_SERVER_THREADS": "40", **_LIBRARY_THREADS},
}
VAGVISARE = [sys.executable, "-m", "vagvisare"]


@dataclass
class BenchOptions:
    levels: list[int] = field(default_factory=lambda: [1, 8, 32, 64])
    duration: float = 20.0
    max_requests: int = 5000
    workers: list[int] = field(default_factory=lambda: [1, 2])
    skip_ingest: bool = False
    out: Path = Path("docs")
    work_dir: Path = Path("var/bench")
    quick: bool = False
    variants: bool = True

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> BenchOptions:
        def ints(text: str | None, default: list[int]) -> list[int]:
            return [int(x) for x in text.split(",") if x.strip()] if text else default

        quick = bool(args.quick)
        work_dir = Path(args.work_dir)
        return cls(levels=ints(args.levels, [1, 8] if quick else [1, 8, 32, 64]),
                   duration=args.duration or (4.0 if quick else 20.0),
                   max_requests=args.max_requests or (500 if quick else 5000),
                   workers=ints(args.workers, [1] if quick else [1, 2]),
                   skip_ingest=bool(args.skip_ingest) or quick,
                   out=work_dir / "quick" if quick and args.out == Path("docs") else Path(args.out),
                   work_dir=work_dir, quick=quick, variants=not (quick or args.no_options))


# --------------------------------------------------------------------------- questions
def suite_questions(paths: tuple[Path, ...] = SUITES) -> list[str]:
    """Every distinct question of the eval suites, in suite order."""
    found: list[str] = []
    for path in paths:
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        found += [str(i["question"]) for i in items if isinstance(i, dict) and i.get("question")]
    return list(dict.fromkeys(found))


# --------------------------------------------------------------------------- processes
def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds used) of a process, from /proc."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw.rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants (uvicorn's supervisor and its workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _proc_stat(int(entry.name))):
            parents[int(entry.name)] = stat[0]
    tree, frontier = [root], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        tree += children
        frontier = children
    return tree


def memory_mb(pids: list[int]) -> dict[str, float]:
    """Summed VmRSS (now) and VmHWM (peak) of the processes, in MB, and the largest single RSS."""
    rss = hwm = largest = 0.0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        values = {k: float(v.split()[0]) / 1024 for k, v in
                  (line.split(":", 1) for line in status.splitlines() if line.startswith(("VmRSS", "VmHWM")))}
        rss += values.get("VmRSS", 0.0)
        hwm += values.get("VmHWM", 0.0)
        largest = max(largest, values.get("VmRSS", 0.0))
    return {"rss_mb": round(rss, 1), "peak_rss_mb": round(hwm, 1), "largest_process_rss_mb": round(largest, 1)}


def cpu_seconds(pids: list[int]) -> float:
    return sum(stat[1] for pid in pids if (stat := _proc_stat(pid)))


def machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine have used (user, nice, system, irq, softirq, steal)."""
    first = Path("/proc/stat").read_text().splitlines()[0].split()
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in first[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`vagvisare serve` in a subprocess, with the environment of a production deployment."""

    def __init__(self, env: dict[str, str], workers: int, log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = log_path.open("ab")
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [*VAGVISARE, "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(workers)], env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.cold_start_s = self._wait_healthy(started)

    def _wait_healthy(self, started: float, timeout: float = 180.0) -> float:
        deadline = started + timeout
        with httpx.Client(timeout=2.0) as client:
            while time.perf_counter() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the server exited with {self.process.returncode}; see {self.log_path}")
                try:
                    if client.get(self.url + "/healthz").status_code == 200:
                        return time.perf_counter() - started
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        raise RuntimeError(f"the server did not become healthy in {timeout:.0f} s; see {self.log_path}")

    def pids(self) -> list[int]:
        return process_tree(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


# --------------------------------------------------------------------------- load
@dataclass
class Sample:
    status: int  # 0: the request failed before an HTTP status
    latency_ms: float
    server_ms: float | None = None
    embed_ms: float | None = None
    error: str = ""  # the exception, when there was no HTTP status


async def drive(url: str, questions: Iterator[str], clients: int, duration: float, max_requests: int,
                timeout: float = 60.0) -> tuple[list[Sample], float]:
    """``clients`` keep-alive connections posting questions until ``duration`` or ``max_requests``."""
    samples: list[Sample] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    started = time.perf_counter()
    deadline = started + duration
    budget = [max_requests]

    async def client_loop(http: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline and budget[0] > 0:
            try:
                question = next(questions)
            except StopIteration:
                return
            budget[0] -= 1
            t0 = time.perf_counter()
            try:
                r = await http.post("/api/ask", json={"question": question})
                latency = (time.perf_counter() - t0) * 1000
                timings = r.json().get("timings", {}) if r.status_code == 200 else {}
                samples.append(Sample(r.status_code, latency, timings.get("total_ms"), timings.get("embed_ms")))
            except (httpx.HTTPError, ValueError) as exc:
                samples.append(Sample(0, (time.perf_counter() - t0) * 1000, error=f"{type(exc).__name__}: {exc}"))

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as http:
        await asyncio.gather(*(client_loop(http) for _ in range(clients)))
    return samples, time.perf_counter() - started


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summarize(samples: list[Sample], elapsed: float) -> dict[str, Any]:
    ok = [s for s in samples if 200 <= s.status < 300]
    latencies = [s.latency_ms for s in ok]
    server = [s.server_ms for s in ok if s.server_ms is not None]
    embed = [s.embed_ms for s in ok if s.embed_ms is not None]
    statuses: dict[str, int] = {}
    for s in samples:
        if not 200 <= s.status < 300:
            key = str(s.status) if s.status else s.error[:120]
            statuses[key] = statuses.get(key, 0) + 1
    return {
        "requests": len(samples), "ok": len(ok), "errors": len(samples) - len(ok), "error_statuses": statuses,
        "seconds": round(elapsed, 2), "throughput_per_s": round(len(ok) / elapsed, 1) if elapsed else 0.0,
        "latency_ms": {"p50": round(_pct(latencies, 50), 1), "p95": round(_pct(latencies, 95), 1),
                       "p99": round(_pct(latencies, 99), 1), "max": round(max(latencies, default=0.0), 1)},
        "server_total_ms_p50": round(statistics.median(server), 1) if server else None,
        "server_embed_ms_p50": round(statistics.median(embed), 1) if embed else None,
    }


def measure(server: Server, questions: Iterator[str], clients: int, duration: float,
            max_requests: int) -> dict[str, Any]:
    """One load level, with the CPU and memory it took and how busy the rest of the machine was."""
    pids = server.pids()
    me = os.getpid()
    before = (cpu_seconds(pids), cpu_seconds([me]), machine_busy_seconds(), os.getloadavg()[0])
    samples, elapsed = asyncio.run(drive(server.url, questions, clients, duration, max_requests))
    pids = server.pids()
    server_cpu = cpu_seconds(pids) - before[0]
    own_cpu = cpu_seconds([me]) - before[1]
    others = max(0.0, machine_busy_seconds() - before[2] - server_cpu - own_cpu)
    result = summarize(samples, elapsed)
    result.update(memory_mb(pids))
    result["cpu_cores"] = {"server": round(server_cpu / elapsed, 2), "load_generator": round(own_cpu / elapsed, 2),
                           "other_processes": round(others / elapsed, 2)}
    result["loadavg_1m"] = {"before": round(before[3], 2), "after": round(os.getloadavg()[0], 2)}
    return result


# --------------------------------------------------------------------------- ingest
def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def time_ingest(env: dict[str, str], index_dir: Path, rebuild: bool, log_path: Path) -> dict[str, Any]:
    argv = [*VAGVISARE, "ingest", "--quiet", *(["--rebuild"] if rebuild else [])]
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"$ {' '.join(argv)}\n{done.stdout}\n{done.stderr}\n")
    if done.returncode != 0:
        raise RuntimeError(f"ingest failed ({done.returncode}); see {log_path}:\n{done.stderr[-2000:]}")
    found = re.search(r"Indexed (\d+) documents, (\d+) clauses .*?(\d+) embedded, (\d+) reused", done.stdout)
    result: dict[str, Any] = {"seconds": round(seconds, 1), "rebuild": rebuild}
    if found:
        result.update(documents=int(found[1]), clauses=int(found[2]), embedded=int(found[3]), reused=int(found[4]))
    result["index_bytes"] = _du(index_dir.resolve())
    return result


# --------------------------------------------------------------------------- the run
def server_env(settings: Settings, work: Path) -> dict[str, str]:
    """Production settings for the server: a real admin token, no rate limit, its own index and data."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VAGVISARE_") or k == "VAGVISARE_CONFIG"}
    env.update({
        "VAGVISARE_CORPUS_DIR": str(settings.corpus_dir.resolve()),
        "VAGVISARE_MANIFEST": str(settings.manifest.resolve()),
        "VAGVISARE_MODEL_CACHE_DIR": str(settings.model_cache_dir.resolve()),
        "VAGVISARE_EMBEDDING_MODEL": settings.embedding_model,
        "VAGVISARE_INDEX_DIR": str((work / "index").resolve()),
        "VAGVISARE_DATA_DIR": str((work / "data").resolve()),
        "VAGVISARE_ADMIN_TOKEN": secrets.token_urlsafe(32),
        "VAGVISARE_DEV_MODE": "0",
        "VAGVISARE_RATE_LIMIT": "0",
        "VAGVISARE_LOG_LEVEL": "WARNING",
    })
    if settings.as_of:
        env["VAGVISARE_AS_OF"] = settings.as_of
    return env


def _cycle(questions: list[str]) -> Iterator[str]:
    while True:
        yield from questions


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_level(env: dict[str, str], work: Path, workers: int, clients: int, questions: list[str],
              options: BenchOptions) -> dict[str, Any]:
    """A fresh server (cold start timed), every question once (cold), then cycling for the duration."""
    shutil.rmtree(work / "data", ignore_errors=True)
    server = Server(env, workers, work / "bench.log")
    try:
        memory_idle = memory_mb(server.pids())
        _say(f"bench:   cold start {server.cold_start_s:.1f} s; cold questions")
        cold = measure(server, iter(questions), clients, options.duration * 10, len(questions))
        _say(f"bench:   {cold['throughput_per_s']}/s p95 {cold['latency_ms']['p95']} ms; cycling")
        cycling = measure(server, _cycle(questions), clients, options.duration, options.max_requests)
        _say(f"bench:   {cycling['throughput_per_s']}/s p95 {cycling['latency_ms']['p95']} ms")
    finally:
        server.stop()
    return {"workers": workers, "clients": clients, "cold_start_s": round(server.cold_start_s, 2),
            "idle_memory": memory_idle, "cold": cold, "cycling": cycling}


def run_benchmark(settings: Settings, options: BenchOptions) -> int:
    work = options.work_dir
    work.mkdir(parents=True, exist_ok=True)
    env = server_env(settings, work)
    log_path = work / "bench.log"
    questions = suite_questions()
    results: dict[str, Any] = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": "vagvisare bench" + (" --quick" if options.quick else ""),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]},
        "options": {"levels": options.levels, "duration_s": options.duration, "max_requests": options.max_requests,
                    "workers": options.workers, "questions": len(questions)},
        "targets": TARGETS,
    }
    index_dir = work / "index"
    if not options.skip_ingest:
        _say("bench: full ingest (--rebuild) into " + str(index_dir))
        results["ingest_full"] = time_ingest(env, index_dir, True, log_path)
        _say("bench: incremental ingest (nothing changed)")
        results["ingest_incremental"] = time_ingest(env, index_dir, False, log_path)
    elif not (index_dir / "manifest.json").is_file():
        _say(f"bench: no index in {index_dir}; building it once (not timed as a full ingest)")
        time_ingest(env, index_dir, False, log_path)
    results["index_bytes"] = _du(index_dir.resolve())

    runs: list[dict[str, Any]] = []
    for workers in options.workers:
        for clients in options.levels:
            _say(f"bench: {workers} worker(s), {clients} client(s)")
            runs.append(run_level(env, work, workers, clients, questions, options))
    results["runs"] = runs
    if options.variants:
        results["variants"] = []
        for name, extra in VARIANTS.items():
            _say(f"bench: option {name!r}, 1 worker, {VARIANT_CLIENTS} clients")
            run = run_level({**env, **extra}, work, 1, VARIANT_CLIENTS, questions, options)
            results["variants"].append({"name": name, "environment": extra, **run})
    results["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["verdict"] = verdict(results)

    options.out.mkdir(parents=True, exist_ok=True)
    (options.out / "benchmark.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
    write_markdown(options.out / "benchmark.md", results)
    print(markdown_results(results))
    print(f"\nWrote {options.out / 'benchmark.json'} and {options.out / 'benchmark.md'}.")
    return 0


# --------------------------------------------------------------------------- report
def verdict(results: dict[str, Any]) -> dict[str, Any]:
    """Each target of issue 7, per worker count and kind of run: met or not, with the value."""
    out: dict[str, Any] = {}
    for workers in sorted({r["workers"] for r in results["runs"]}):
        by_level = {r["clients"]: r for r in results["runs"] if r["workers"] == workers}
        for kind in ("cold", "cycling"):
            checks: dict[str, Any] = {}
            if 32 in by_level:
                m = by_level[32][kind]
                rate = m["throughput_per_s"]
                checks["throughput_32_per_s"] = [rate, rate >= TARGETS["throughput_32"]]
                checks["p95_32_ms"] = [m["latency_ms"]["p95"], m["latency_ms"]["p95"] <= TARGETS["p95_32_ms"]]
                checks["errors_32"] = [m["errors"], m["errors"] == 0]
            if 1 in by_level:
                m = by_level[1][kind]
                checks["median_1_ms"] = [m["latency_ms"]["p50"], m["latency_ms"]["p50"] <= TARGETS["median_1_ms"]]
            peak = max(r[kind]["peak_rss_mb"] for r in by_level.values())
            checks["peak_rss_mb"] = [peak, peak <= TARGETS["rss_mb"]]
            out[f"{workers}w-{kind}"] = checks
    return out


def _row(run: dict[str, Any], kind: str) -> str:
    m = run[kind]
    lat = m["latency_ms"]
    cpu = m["cpu_cores"]
    return (f"| {run['workers']} | {run['clients']} | {kind} | {m['ok']} | {m['throughput_per_s']} | {lat['p50']} | "
            f"{lat['p95']} | {lat['p99']} | {m['errors']} | {m['server_embed_ms_p50']} | {m['rss_mb']:.0f} | "
            f"{m['peak_rss_mb']:.0f} | {cpu['server']} / {cpu['load_generator']} / {cpu['other_processes']} | "
            f"{m['loadavg_1m']['before']} |")


def markdown_results(results: dict[str, Any]) -> str:
    lines = [f"Run `{results['command']}` at {results['started_at']} on {results['machine']['cpus']} CPUs "
             f"({results['machine']['platform']}, Python {results['machine']['python']}); load average "
             f"at start {results['machine']['loadavg_at_start']}, at end {results['machine']['loadavg_at_end']}.",
             "",
             "| workers | clients | questions | answers | answers/s | p50 ms | p95 ms | p99 ms | errors | "
             "server embed p50 ms | RSS MB | peak RSS MB | CPU cores: server / load gen. / others | load 1m |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for run in results["runs"]:
        lines += [_row(run, "cold"), _row(run, "cycling")]
    lines += ["", "| workers | cold start (s), per level | idle RSS after start (MB) |", "|---|---|---|"]
    for workers in sorted({r["workers"] for r in results["runs"]}):
        runs = [r for r in results["runs"] if r["workers"] == workers]
        starts = ", ".join(f"{r['cold_start_s']}" for r in runs)
        idle = max(r["idle_memory"]["rss_mb"] for r in runs)
        lines.append(f"| {workers} | {starts} (median {statistics.median(r['cold_start_s'] for r in runs):.2f}) "
                     f"| {idle:.0f} |")
    lines += [""]
    if results.get("variants"):
        lines += [f"Options, 1 worker, {VARIANT_CLIENTS} clients (each row changes the shipped configuration "
                  "by the environment shown):", "",
                  "| option | environment | cold answers/s | cold p95 ms | cycling answers/s | cycling p95 ms | "
                  "errors | peak RSS MB | CPU cores (cold): server / others |", "|---|---|---|---|---|---|---|---|---|"]
        for v in results["variants"]:
            cold, cyc = v["cold"], v["cycling"]
            envs = " ".join(f"`{k}={val}`" for k, val in v["environment"].items()) or "–"
            lines.append(f"| {v['name']} | {envs} | {cold['throughput_per_s']} | {cold['latency_ms']['p95']} | "
                         f"{cyc['throughput_per_s']} | {cyc['latency_ms']['p95']} | {cold['errors'] + cyc['errors']} | "
                         f"{max(cold['peak_rss_mb'], cyc['peak_rss_mb']):.0f} | {cold['cpu_cores']['server']} / "
                         f"{cold['cpu_cores']['other_processes']} |")
        lines += [""]
    if "ingest_full" in results:
        full, inc = results["ingest_full"], results["ingest_incremental"]
        lines += ["| ingest | seconds | embedded | reused | index size |", "|---|---|---|---|---|",
                  f"| full (`--rebuild`) | {full['seconds']} | {full.get('embedded', '?')} | "
                  f"{full.get('reused', '?')} | {full['index_bytes'] / 1e6:.1f} MB |",
                  f"| incremental (nothing changed) | {inc['seconds']} | {inc.get('embedded', '?')} | "
                  f"{inc.get('reused', '?')} | {inc['index_bytes'] / 1e6:.1f} MB |", ""]
    else:
        lines += [f"Index size: {results['index_bytes'] / 1e6:.1f} MB (ingest not timed in this run).", ""]
    lines += ["Targets (issue 7): ≥ 40 answers/s with 32 clients, p95 ≤ 500 ms, no errors; median ≤ 50 ms with "
              "one client; RSS ≤ 2 GB.", "", "| run | " + " | ".join(
                  ["32 clients answers/s", "32 clients p95 ms", "32 clients errors", "1 client median ms",
                   "peak RSS MB"]) + " |", "|---|---|---|---|---|---|"]
    for name, checks in results["verdict"].items():
        cells = []
        for key in ("throughput_32_per_s", "p95_32_ms", "errors_32", "median_1_ms", "peak_rss_mb"):
            value = checks.get(key)
            cells.append("–" if value is None else f"{value[0]} {'✓' if value[1] else '✗'}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_markdown(path: Path, results: dict[str, Any]) -> None:
    """Replace the results between the markers of ``path``, keeping the prose around them."""
    block = f"{RESULTS_START}\n{markdown_results(results)}\n{RESULTS_END}"
    if path.is_file() and RESULTS_START in (text := path.read_text(encoding="utf-8")):
        head, rest = text.split(RESULTS_START, 1)
        tail = rest.split(RESULTS_END, 1)[1] if RESULTS_END in rest else ""
        path.write_text(head + block + tail, encoding="utf-8")
    else:
        path.write_text(f"# Benchmark\n\n{block}\n", encoding="utf-8")
