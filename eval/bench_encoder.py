"""`vagvisare bench --encoders`: the query and passage encoder's options, measured in one run.

For each runtime of the bundled multilingual-e5-small (torch as sentence-transformers runs it,
ONNX Runtime fp32, ONNX Runtime with int8 weights) and each thread count (1, 2), in a fresh
process per runtime (so its memory is its own):

- **query, single**: the suite questions one at a time (median ms per question);
- **query, batch 32**: the same questions 32 at a time (ms per question);
- **passages, batch 32**: clause passages of the current index 32 at a time (passages/s);
- the load time, the process's peak RSS, and how close its query vectors are to torch's (cosine).

It is a benchmark, not a test: the machine's load (reported) moves the numbers.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from core.settings import RUNTIMES, Settings

THREADS = (1, 2)
QUERIES = 160  # questions timed one at a time
PASSAGES = 256
_VECTORS = Path("var/bench/encoder-vectors")


def _rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return round(float(line.split()[1]) / 1024, 1)
    return 0.0


def _passages(settings: Settings, count: int) -> list[str]:
    from core.store import IndexData

    index = IndexData(settings.index_dir)
    texts = [index.clauses[p.clause_idx].text[p.start:p.end] for p in index.passages]
    step = max(1, len(texts) // count)
    return texts[::step][:count]


def _with_threads(embedder: Any, runtime: str, threads: int, settings: Settings) -> Any:
    if runtime == "torch":
        import torch

        torch.set_num_threads(threads)
        embedder.query_threads = threads
        return embedder
    from core.embed import load_embedder

    return load_embedder(settings.replace(embedding_runtime=runtime, embedding_threads=threads), serving=True)


def measure_runtime(settings: Settings, runtime: str, questions: list[str], passages: list[str]) -> dict[str, Any]:
    """One runtime in this process: load, then each thread count (run by :func:`run_encoder_bench`)."""
    from core.embed import load_embedder

    started = time.perf_counter()
    embedder = load_embedder(settings.replace(embedding_runtime=runtime), serving=runtime != "torch")
    load_s = time.perf_counter() - started
    rss_loaded = _rss_mb()
    rows = []
    for threads in THREADS:
        e = _with_threads(embedder, runtime, threads, settings)
        e.encode_queries(questions[:8])  # warm-up
        single = []
        for q in questions[:QUERIES]:
            t0 = time.perf_counter()
            e.encode_queries([q])
            single.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        vectors = np.concatenate([e.encode_queries(questions[i:i + 32]) for i in range(0, len(questions), 32)])
        batch_ms = (time.perf_counter() - t0) * 1000 / len(questions)
        t0 = time.perf_counter()
        e.encode_passages(passages)
        passage_s = time.perf_counter() - t0
        rows.append({"threads": threads, "query_single_ms_p50": round(statistics.median(single), 1),
                     "query_single_ms_p95": round(sorted(single)[int(0.95 * (len(single) - 1))], 1),
                     "query_batch32_ms_each": round(batch_ms, 1),
                     "passages_per_s": round(len(passages) / passage_s, 1),
                     "loadavg_1m": round(os.getloadavg()[0], 2)})
    _VECTORS.mkdir(parents=True, exist_ok=True)
    np.save(_VECTORS / f"{runtime}.npy", vectors)
    return {"runtime": runtime, "load_s": round(load_s, 2), "rss_loaded_mb": rss_loaded,
            "torch_imported": "torch" in sys.modules, "rows": rows}


def run_encoder_bench(settings: Settings, runtimes: tuple[str, ...] = RUNTIMES) -> dict[str, Any]:
    """Every runtime in a process of its own (``python -m eval.bench_encoder``), then their vectors compared."""
    results = []
    for runtime in runtimes:
        print(f"bench: encoder {runtime}", file=sys.stderr, flush=True)
        env = {**os.environ, "VAGVISARE_EMBEDDING_RUNTIME": runtime, "VAGVISARE_INDEX_DIR": str(settings.index_dir),
               "VAGVISARE_MODEL_CACHE_DIR": str(settings.model_cache_dir)}
        done = subprocess.run([sys.executable, "-m", "eval.bench_encoder"], env=env, capture_output=True, text=True,
                              check=False)
        if done.returncode != 0:
            raise RuntimeError(f"the encoder benchmark of {runtime} failed:\n{done.stderr[-3000:]}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    reference = np.load(_VECTORS / "torch.npy") if "torch" in runtimes else None
    for result in results:
        if reference is not None:
            cosine = (np.load(_VECTORS / f"{result['runtime']}.npy") * reference).sum(axis=1)
            result["query_cosine_to_torch"] = {"mean": round(float(cosine.mean()), 4),
                                               "min": round(float(cosine.min()), 4)}
    return {"started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "cpus": os.cpu_count(),
            "questions": QUERIES, "passages": PASSAGES, "runtimes": results}


def markdown(results: dict[str, Any]) -> str:
    lines = [f"Run at {results['started_at']} on {results['cpus']} CPUs; {results['questions']} suite questions "
             f"(one at a time, then 32 at a time), {results['passages']} passages of the index 32 at a time.", "",
             "| runtime | threads | query, single: p50 ms | p95 ms | query, batch 32: ms each | passages/s "
             "| load s | RSS after load MB | torch imported | query cosine to torch (mean / min) | load 1m |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results["runtimes"]:
        cosine = r.get("query_cosine_to_torch", {})
        for row in r["rows"]:
            lines.append(f"| {r['runtime']} | {row['threads']} | {row['query_single_ms_p50']} | "
                         f"{row['query_single_ms_p95']} | {row['query_batch32_ms_each']} | {row['passages_per_s']} | "
                         f"{r['load_s']} | {r['rss_loaded_mb']} | {'yes' if r['torch_imported'] else 'no'} | "
                         f"{cosine.get('mean', '–')} / {cosine.get('min', '–')} | {row['loadavg_1m']} |")
    return "\n".join(lines)


def write_encoder_bench(settings: Settings, out: Path) -> int:
    """Run it, print the table, write ``benchmark-encoders.json`` and the section of ``benchmark.md``."""
    from eval.bench_report import write_section

    results = run_encoder_bench(settings)
    text = markdown(results)
    out.mkdir(parents=True, exist_ok=True)
    (out / "benchmark-encoders.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    write_section(out / "benchmark.md", "encoders", text)
    print(text)
    return 0


def _main() -> None:
    from core.settings import load_settings
    from eval.bench import suite_questions

    settings = load_settings()
    questions = suite_questions()
    passages = _passages(settings, PASSAGES)
    print(json.dumps(measure_runtime(settings, settings.embedding_runtime, questions, passages)))


if __name__ == "__main__":
    _main()
