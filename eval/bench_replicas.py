"""`vagvisare bench --replicas N`: one server against N replicas sharing a database and the index.

    vagvisare bench --replicas 2 --levels 32 --skip-ingest                     # both on SQLite
    vagvisare bench --replicas 2 --levels 32 --skip-ingest --database-url postgresql://…

For each level of concurrent clients it runs, one after the other, (1) one `vagvisare serve` on the
SQLite file of a fresh data directory, then (2) N replicas (one worker each) over the same index, on
the database named by ``--database-url`` (PostgreSQL) or else on one shared SQLite file. The clients
are dealt out to the replicas in turn, as a round-robin load balancer would. Each run asks every
suite question once (**cold**: new to the server) and then cycles through them for the duration, and
records answers a second, latency p50/p95/p99 and errors (:func:`eval.bench_load.summarize`). On a
machine with fewer cores than replicas × 2 more replicas cannot be faster; the point is that nothing
breaks. Results: ``<out>/benchmark-replicas.json`` and a table on standard output.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.database import redact
from core.settings import Settings
from eval.bench import BenchOptions, server_env, suite_questions, time_ingest
from eval.bench_load import Sample, Server, cpu_seconds, drive, summarize


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _cycle(questions: list[str]) -> Iterator[str]:
    while True:
        yield from questions


def _drive_all(servers: list[Server], questions: Iterator[str], clients: int, duration: float,
               max_requests: int) -> tuple[list[Sample], float]:
    """``clients`` dealt out to the servers in turn, all at once; the samples of all and the time taken."""
    shares = [clients // len(servers) + (1 if i < clients % len(servers) else 0) for i in range(len(servers))]
    budget = [max_requests * s // clients for s in shares]

    async def run() -> list[tuple[list[Sample], float]]:
        return await asyncio.gather(*(drive(s.url, questions, n, duration, b)
                                      for s, n, b in zip(servers, shares, budget, strict=True) if n))

    started = time.perf_counter()
    results = asyncio.run(run())
    return [x for samples, _ in results for x in samples], time.perf_counter() - started


def measure_replicas(env: dict[str, str], work: Path, replicas: int, clients: int, questions: list[str],
                     options: BenchOptions, label: str) -> dict[str, Any]:
    servers: list[Server] = []
    try:
        for n in range(replicas):
            servers.append(Server({**env, "VAGVISARE_INDEX_POLL": "0"}, 1, work / f"replica-{n}.log"))
        pids = [p for s in servers for p in s.pids()]
        cpu_before = cpu_seconds(pids)
        out: dict[str, Any] = {"setup": label, "replicas": replicas, "clients": clients,
                               "cold_start_s": [round(s.cold_start_s, 2) for s in servers]}
        for phase, stream, duration, cap in (
                ("cold", iter(questions), options.duration * 10, len(questions)),
                ("cycling", _cycle(questions), options.duration, options.max_requests)):
            samples, elapsed = _drive_all(servers, stream, clients, duration, cap)
            out[phase] = summarize(samples, elapsed)
            _say(f"bench:   {label}, {phase}: {out[phase]['throughput_per_s']}/s, p95 "
                 f"{out[phase]['latency_ms']['p95']} ms, {out[phase]['errors']} errors")
        out["server_cpu_s"] = round(cpu_seconds([p for s in servers for p in s.pids()]) - cpu_before, 1)
        return out
    finally:
        for s in servers:
            s.stop()


def run_replicas(settings: Settings, options: BenchOptions, replicas: int, database_url: str = "") -> int:
    work = options.work_dir
    work.mkdir(parents=True, exist_ok=True)
    env = server_env(settings, work)
    if not (work / "index" / "manifest.json").is_file():
        _say(f"bench: no index in {work / 'index'}; building it once")
        time_ingest(env, work / "index", False, work / "bench.log")
    questions = suite_questions()
    shared = redact(database_url) if database_url else "one SQLite file"
    results: dict[str, Any] = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "cpus": os.cpu_count(),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "command": f"vagvisare bench --replicas {replicas} --levels {','.join(map(str, options.levels))}"
                   f"{' --database-url …' if database_url else ''}",
        "questions": len(questions), "duration_s": options.duration, "runs": []}
    for clients in options.levels:
        shutil.rmtree(work / "data", ignore_errors=True)
        _say(f"bench: 1 server on SQLite, {clients} clients")
        results["runs"].append(measure_replicas(env, work, 1, clients, questions, options, "1 server, SQLite"))
        shutil.rmtree(work / "data", ignore_errors=True)
        replica_env = {**env, "VAGVISARE_DATABASE_URL": database_url} if database_url else env
        label = f"{replicas} replicas, {'PostgreSQL' if database_url else 'SQLite'}"
        _say(f"bench: {replicas} replicas on {shared}, {clients} clients")
        results["runs"].append(measure_replicas(replica_env, work, replicas, clients, questions, options, label))
    results["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    options.out.mkdir(parents=True, exist_ok=True)
    path = options.out / "benchmark-replicas.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nWrote {path}.")
    return 0


def table(results: dict[str, Any]) -> str:
    rows = ["| setup | clients | phase | answers/s | p50 ms | p95 ms | p99 ms | errors | requests |",
            "|---|---|---|---|---|---|---|---|---|"]
    for run in results["runs"]:
        for phase in ("cold", "cycling"):
            r = run[phase]
            lat = r["latency_ms"]
            rows.append(f"| {run['setup']} | {run['clients']} | {phase} | {r['throughput_per_s']} | {lat['p50']} | "
                        f"{lat['p95']} | {lat['p99']} | {r['errors']} | {r['requests']} |")
    return "\n".join(rows)
