"""`vagvisare bench --open-loop`: new questions at fixed rates, as users arrive, not as the server allows.

A closed loop (each client waits for its answer before asking again) slows its own load down when
the server is slow. Here question ``i`` of a level is due at ``i / rate`` seconds and is sent then,
whatever happened to the others; its latency runs from that scheduled time, so a load generator or
server that falls behind is charged for it. Every question of a level is new to the server (a fresh
server per level, questions drawn without repetition from the suites dev and held-out and the
question bank), so no cache helps.

Per level: sent, answered, late (answered more than ``LATE_MS`` after its scheduled time), shed
(503: the bounded queue, ``VAGVISARE_QUEUE_MAX``), failed (any other status or none), latency
p50/p95/p99 of the answered, the server's RSS and CPU, the load generator's CPU and the rest of the
machine's. A level is **held** when p95 ≤ ``LATE_MS`` with at most 1 % shed or failed. Then one
client asking new questions one after the other (its median), and the cold starts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from core.settings import Settings
from eval.bench import server_env, suite_questions
from eval.bench_load import Server, cpu_seconds, machine_busy_seconds, memory_mb

LATE_MS = 500.0
SHED_SHARE = 0.01
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class OpenLoopOptions:
    rates: list[int] = field(default_factory=lambda: [10, 20, 30, 40, 60, 80])
    duration: float = 25.0
    single: int = 200  # questions asked one after the other by one client
    out: Path = Path("docs")
    work_dir: Path = Path("var/bench")

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> OpenLoopOptions:
        rates = [int(x) for x in args.rates.split(",") if x.strip()] if args.rates else cls().rates
        return cls(rates=rates, duration=args.duration or (5.0 if args.quick else 25.0),
                   single=50 if args.quick else 200, out=Path(args.out), work_dir=Path(args.work_dir))


def question_pool(settings: Settings) -> list[str]:
    """Distinct questions: the suites dev and held-out, then the question bank (never the sealed suites)."""
    found = suite_questions()
    for path in sorted(settings.bank_path().glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(str(json.loads(line)["question"]))
    return list(dict.fromkeys(q.strip() for q in found if q.strip()))


async def _open_loop(url: str, questions: list[str], rate: float) -> tuple[list[dict[str, Any]], float]:
    """Send ``questions[i]`` at ``i / rate`` s; each result: status, latency from the scheduled time, lag."""
    results: list[dict[str, Any]] = []
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60.0) as http:
        for warm in ("Vad är säkerhetsskydd?", "Who must be security vetted?", "Vad gäller för forskningssamarbete?"):
            await http.post("/api/ask", json={"question": warm})  # not in the pool's first words; not measured
        started = time.perf_counter()

        async def one(i: int, question: str) -> None:
            due = started + i / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            lag = time.perf_counter() - due
            try:
                r = await http.post("/api/ask", json={"question": question})
                status = r.status_code
            except httpx.HTTPError:
                status = 0
            done = time.perf_counter()
            results.append({"status": status, "ms": (done - due) * 1000, "lag_ms": lag * 1000,
                            "at_s": done - started})

        await asyncio.gather(*(one(i, q) for i, q in enumerate(questions)))
    return results, time.perf_counter() - started


def _pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return round(ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo), 1)


def summarize(rate: int, duration: float, results: list[dict[str, Any]]) -> dict[str, Any]:
    answered = [r for r in results if r["status"] == 200]
    ms = [r["ms"] for r in answered]
    shed = sum(r["status"] == 503 for r in results)
    failed = len(results) - len(answered) - shed
    p95 = _pct(ms, 95)
    return {"rate": rate, "duration_s": duration, "sent": len(results), "answered": len(answered),
            "late": sum(m > LATE_MS for m in ms), "shed": shed, "failed": failed,
            "last_answer_s": round(max((r["at_s"] for r in answered), default=0.0), 1),
            "p50_ms": _pct(ms, 50), "p95_ms": p95, "p99_ms": _pct(ms, 99),
            "max_send_lag_ms": round(max((r["lag_ms"] for r in results), default=0.0), 1),
            "held": p95 is not None and p95 <= LATE_MS and (shed + failed) <= SHED_SHARE * len(results)}


def run_level(env: dict[str, str], work: Path, rate: int, duration: float, questions: list[str]) -> dict[str, Any]:
    server = Server(env, 1, work / "bench.log")
    try:
        idle = memory_mb(server.pids())
        pids = server.pids()
        before = (cpu_seconds(pids), cpu_seconds([os.getpid()]), machine_busy_seconds(), os.getloadavg()[0])
        results, elapsed = asyncio.run(_open_loop(server.url, questions, rate))
        pids = server.pids()
        server_cpu = cpu_seconds(pids) - before[0]
        own_cpu = cpu_seconds([os.getpid()]) - before[1]
        others = max(0.0, machine_busy_seconds() - before[2] - server_cpu - own_cpu)
        level = summarize(rate, duration, results)
        level.update(cold_start_s=round(server.cold_start_s, 2), idle_rss_mb=idle["rss_mb"], **memory_mb(pids),
                     cpu_cores={"server": round(server_cpu / elapsed, 2), "load_generator": round(own_cpu / elapsed, 2),
                                "others": round(others / elapsed, 2)},
                     loadavg_1m=[round(before[3], 2), round(os.getloadavg()[0], 2)])
    finally:
        server.stop()
    return level


def one_client(env: dict[str, str], work: Path, questions: list[str]) -> dict[str, Any]:
    """One client, new questions one after the other: the latency a lone user sees."""
    server = Server(env, 1, work / "bench.log")
    try:
        times = []
        with httpx.Client(base_url=server.url, timeout=60.0) as http:
            http.post("/api/ask", json={"question": "uppvärmning före mätningen"})
            for q in questions:
                t0 = time.perf_counter()
                r = http.post("/api/ask", json={"question": q})
                if r.status_code == 200:
                    times.append((time.perf_counter() - t0) * 1000)
        memory = memory_mb(server.pids())
    finally:
        server.stop()
    return {"questions": len(questions), "answered": len(times), "median_ms": _pct(times, 50),
            "p95_ms": _pct(times, 95), "cold_start_s": round(server.cold_start_s, 2), **memory,
            "loadavg_1m": round(os.getloadavg()[0], 2)}


def run_open_loop(settings: Settings, options: OpenLoopOptions) -> dict[str, Any]:
    work = options.work_dir
    work.mkdir(parents=True, exist_ok=True)
    env = server_env(settings, work)
    env["VAGVISARE_INDEX_DIR"] = str(settings.index_dir.resolve())  # the index as configured, not the bench's
    pool = question_pool(settings)
    shuffled = random.Random(0).sample(pool, len(pool))
    levels = []
    for rate in options.rates:
        count = int(rate * options.duration)
        if count > len(shuffled):
            raise RuntimeError(f"{rate}/s for {options.duration:.0f} s needs {count} questions; "
                               f"there are {len(shuffled)} distinct ones.")
        questions = random.Random(rate).sample(shuffled, count)
        print(f"bench: open loop {rate}/s for {options.duration:.0f} s ({count} new questions)", flush=True)
        levels.append(run_level(env, work, rate, options.duration, questions))
        print(f"bench:   {json.dumps(levels[-1])}", flush=True)
    print("bench: one client", flush=True)
    single = one_client(env, work, random.Random(1).sample(shuffled, options.single))
    held = [lv["rate"] for lv in levels if lv["held"]]
    words = [float(len(q.split())) for q in pool]
    return {"started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "cpus": os.cpu_count(),
            "runtime": env.get("VAGVISARE_EMBEDDING_RUNTIME", "torch"), "index": str(settings.index_dir),
            "pool": {"questions": len(pool), "words_p10": _pct(words, 10), "words_p50": _pct(words, 50),
                     "words_p90": _pct(words, 90)},
            "levels": levels, "one_client": single, "highest_rate_held": max(held, default=None),
            "cold_start_s_median": round(statistics.median(lv["cold_start_s"] for lv in levels), 2)}


def markdown(r: dict[str, Any]) -> str:
    pool = r["pool"]
    lines = [f"Run at {r['started_at']} on {r['cpus']} CPUs, runtime `{r['runtime']}`, 1 worker, production settings "
             f"(rate limit off); the load generator on the same machine. Questions drawn without repetition from "
             f"{pool['questions']} distinct ones (suites dev and held-out, the question bank; words p10/p50/p90 "
             f"{pool['words_p10']:.0f}/{pool['words_p50']:.0f}/{pool['words_p90']:.0f}), a fresh server per rate. "
             f"Late: answered more than {LATE_MS:.0f} ms after its scheduled send time. Held: p95 ≤ {LATE_MS:.0f} ms "
             f"with at most {SHED_SHARE:.0%} shed or failed.", "",
             "| offered /s | sent | answered (last at s) | late | shed 503 | failed | p50 ms | p95 ms | p99 ms | held "
             "| server RSS MB (peak) | CPU cores: server / load gen. / others | load 1m before→after |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for lv in r["levels"]:
        cpu = lv["cpu_cores"]
        lines.append(f"| {lv['rate']} | {lv['sent']} | {lv['answered']} ({lv['last_answer_s']}) | {lv['late']} | "
                     f"{lv['shed']} | {lv['failed']} | {lv['p50_ms']} | {lv['p95_ms']} | {lv['p99_ms']} | "
                     f"{'✓' if lv['held'] else '✗'} | {lv['rss_mb']:.0f} ({lv['peak_rss_mb']:.0f}) | "
                     f"{cpu['server']} / {cpu['load_generator']} / {cpu['others']} | "
                     f"{lv['loadavg_1m'][0]}→{lv['loadavg_1m'][1]} |")
    one = r["one_client"]
    lines += ["", f"Highest rate held: **{r['highest_rate_held']}/s**. One client, {one['answered']} new questions one "
              f"after the other: median **{one['median_ms']} ms**, p95 {one['p95_ms']} ms; server RSS after it "
              f"{one['rss_mb']:.0f} MB (peak {one['peak_rss_mb']:.0f} MB). Cold start (process start to `/healthz` "
              f"200), median over the levels: **{r['cold_start_s_median']} s** "
              f"({', '.join(str(lv['cold_start_s']) for lv in r['levels'])})."]
    return "\n".join(lines)


def write_open_loop(settings: Settings, options: OpenLoopOptions) -> int:
    from eval.bench_report import write_section

    results = run_open_loop(settings, options)
    text = markdown(results)
    options.out.mkdir(parents=True, exist_ok=True)
    name = f"benchmark-open-loop-{results['runtime']}.json"
    (options.out / name).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_section(options.out / "benchmark.md", f"open-loop-{results['runtime']}", text)
    print(text)
    return 0
