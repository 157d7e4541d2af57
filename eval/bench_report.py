"""What `vagvisare bench` reports: the targets met or not, and the Markdown tables of docs/benchmark.md."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

TARGETS = {"throughput_32": 40.0, "p95_32_ms": 500.0, "median_1_ms": 50.0, "rss_mb": 2048.0}
RESULTS_START = "<!-- bench:results -->"
RESULTS_END = "<!-- /bench:results -->"
# The options measured against what the server does by default (1 worker, 32 clients).
VARIANT_CLIENTS = 32


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


def write_section(path: Path, name: str, text: str, before: str = "## What limits it") -> None:
    """Replace (or add, ahead of the heading ``before``) the block between ``<!-- bench:name -->`` markers."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{text}\n{end}"
    current = path.read_text(encoding="utf-8") if path.is_file() else "# Benchmark\n"
    if start in current:
        head, rest = current.split(start, 1)
        tail = rest.split(end, 1)[1] if end in rest else ""
        path.write_text(head + block + tail, encoding="utf-8")
    elif before in current:
        head, tail = current.split(before, 1)
        path.write_text(f"{head}{block}\n\n{before}{tail}", encoding="utf-8")
    else:
        path.write_text(f"{current.rstrip()}\n\n{block}\n", encoding="utf-8")
