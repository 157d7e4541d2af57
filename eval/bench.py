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
It is :mod:`eval.bench_load`; the targets and tables of the report are :mod:`eval.bench_report`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from core.settings import Settings
from eval.bench_load import VAGVISARE, Server, measure, memory_mb
from eval.bench_report import TARGETS, VARIANT_CLIENTS, markdown_results, verdict, write_markdown

ROOT = Path(__file__).resolve().parents[1]
SUITES = (ROOT / "eval" / "suites" / "dev.yaml", ROOT / "eval" / "suites" / "heldout.yaml")
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


SERVING = ("embedding_runtime", "embedding_threads", "query_batch", "query_process", "server_threads", "queue_max",
           "retry_after")


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
    for name in SERVING:  # how the server runs, as configured where the benchmark was started
        env["VAGVISARE_" + name.upper()] = str(getattr(settings, name))
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


