"""Server-side time to the answer fragment, and the page weight of `/`.

    .venv/bin/python -m web.bench_fragment [--questions 40] [--suite eval/suites/dev.yaml]

Uses the index and model the settings point at (VAGVISARE_INDEX_DIR, default var/index),
a throw-away data directory, and FastAPI's in-process TestClient, so the time is the
server's (routing, CSRF, the answer, the SQLite write, rendering) without a network.
Each question is asked once cold (new to the query-embedding cache) and once again (cached).
``--torch-threads 1`` shows the effect of one intra-op thread for the query embedding
(on a busy 2-core machine two threads contend and a short query gets several times slower).
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from core.settings import load_settings
from web.app import create_app

FALLBACK = ["Vem ska säkerhetsprövas?", "Vad är en säkerhetsskyddsanalys?",
            "Who must undergo security vetting?"]


def _questions(suite: Path, n: int) -> list[str]:
    if suite.is_file():
        items = yaml.safe_load(suite.read_text(encoding="utf-8")) or []
        found = [str(i["question"]) for i in items if isinstance(i, dict) and i.get("question")]
        if found:
            return list(dict.fromkeys(found))[:n]
    return FALLBACK[:n]


def _ms(values: list[float]) -> str:
    q = statistics.quantiles(values, n=10) if len(values) >= 2 else values * 9
    return f"median {statistics.median(values):.1f} ms, p90 {q[8]:.1f} ms, max {max(values):.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--suite", type=Path, default=Path("eval/suites/dev.yaml"))
    parser.add_argument("--torch-threads", type=int, default=0,
                        help="set torch's intra-op threads first (0: leave torch's default)")
    args = parser.parse_args()
    if args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)
    with tempfile.TemporaryDirectory() as data:
        settings = load_settings(data_dir=data, rate_limit=0)
        with TestClient(create_app(settings)) as client:
            home = client.get("/")
            found = re.search(r'name="csrf-token" content="([^"]+)"', home.text)
            assert found, "the chat page must carry a CSRF token"
            token = found.group(1)
            assets = re.findall(r'(?:src|href)="(/static/[^"?]+)', home.text)
            weights = {a: len(client.get(a).content) for a in assets}
            total = len(home.content) + sum(weights.values())
            headers = {"HX-Request": "true", "HX-Trigger": "ask"}

            embed: list[float] = []

            def ask(question: str) -> float:
                started = time.perf_counter()
                r = client.post("/ask", data={"question": question, "csrf": token}, headers=headers)
                elapsed = (time.perf_counter() - started) * 1000
                assert r.status_code == 200, f"{question!r}: {r.status_code} {r.text[:200]}"
                timing = dict(part.split(";dur=") for part in r.headers["server-timing"].split(", "))
                embed.append(float(timing["embed"]))
                return elapsed

            ask("värm upp indexet")  # the first call pays for lazy set-up (filters, caches)
            questions = _questions(args.suite, args.questions)
            cold = [ask(q) for q in questions]
            cold_embed = embed[-len(questions):]
            warm = [ask(q) for q in questions]
    threads = f"torch threads {args.torch_threads}" if args.torch_threads else "torch threads: default"
    print(f"index {settings.index_dir} · {len(questions)} questions from {args.suite} · {threads}")
    print(f"answer fragment, new questions:    {_ms(cold)}")
    print(f"answer fragment, repeated (cached): {_ms(warm)}")
    print(f"  of which embedding the new questions: {_ms(cold_embed)}")
    print(f"page weight of /: {total} bytes (HTML {len(home.content)}, "
          + ", ".join(f"{Path(a).name} {w}" for a, w in weights.items()) + "), uncompressed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
