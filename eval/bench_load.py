"""The load generator of `vagvisare bench`: a server in a subprocess, concurrent clients, what they cost.

:class:`Server` starts `vagvisare serve` and waits until it is healthy; :func:`measure` drives
``POST /api/ask`` with keep-alive clients (:func:`drive`) and records latency, errors, and the CPU
and memory the server's processes used (read from /proc).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

VAGVISARE = [sys.executable, "-m", "vagvisare"]  # the command line, in a process of its own


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
