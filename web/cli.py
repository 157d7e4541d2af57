"""`vagvisare serve`: the web chat and JSON API under uvicorn; `vagvisare bench`: load it and measure."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from assistant.cli import EXTRA_PARSERS, command
from core.settings import Settings

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
KEEP_ALIVE_S = 75


def _parser(sub: Any) -> None:
    p = sub.add_parser("serve", help="serve the web chat and the JSON API")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1,
                   help="worker processes (default 1; each loads the index and the model; settings come "
                        "from the environment)")

    b = sub.add_parser("bench", help="start a server on loopback, load it with concurrent clients, "
                                     "write docs/benchmark.json and docs/benchmark.md")
    b.add_argument("--quick", action="store_true", help="a short smoke run (a few seconds per level)")
    b.add_argument("--levels", default=None, metavar="N,N,...",
                   help="concurrent clients per level (default 1,8,32,64; --quick: 1,8)")
    b.add_argument("--duration", type=float, default=None, metavar="S",
                   help="seconds per level (default 20; --quick: 4)")
    b.add_argument("--max-requests", type=int, default=None, metavar="N",
                   help="request cap per level (default 5000)")
    b.add_argument("--workers", default=None, metavar="N,N",
                   help="server worker counts to compare (default 1,2; --quick: 1)")
    b.add_argument("--skip-ingest", action="store_true",
                   help="reuse the benchmark index; do not time a full and an incremental ingest")
    b.add_argument("--no-options", action="store_true",
                   help="do not measure the configuration options (batching, embedding process, threads)")
    b.add_argument("--out", type=Path, default=Path("docs"), help="where benchmark.json and benchmark.md go")
    b.add_argument("--work-dir", type=Path, default=Path("var/bench"),
                   help="the benchmark's own index and data (default var/bench)")


EXTRA_PARSERS.append(_parser)


def one_thread_per_request() -> None:
    """torch, faiss and BLAS on one thread each: concurrent requests are the parallelism.

    Their idle OpenMP and OpenBLAS threads spin on the cores that other requests need (measured:
    twice the CPU for the same answers, and a collapse with 32 clients; docs/benchmark.md). The
    environment wins; torch and faiss read it when they load, after this. NumPy's BLAS is already
    loaded (by the command line), so its pool is limited directly.
    """
    for variable in THREAD_VARIABLES:
        os.environ.setdefault(variable, "1")
    from threadpoolctl import threadpool_limits

    threadpool_limits(int(os.environ["OPENBLAS_NUM_THREADS"]), user_api="blas")


@command("serve")
def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from web.security import check_admin_token

    check_admin_token(settings)
    one_thread_per_request()
    import uvicorn

    # Kept-alive connections stay open longer than a proxy's idle timeout (often 60 s), so the server
    # is not the side that closes a connection a client is about to reuse (with uvicorn's 5 s: two
    # resets in 2,000 answers to 64 clients; docs/benchmark.md).
    options: dict[str, Any] = {"host": args.host, "port": args.port, "log_level": settings.log_level.lower(),
                               "proxy_headers": True, "server_header": False, "timeout_keep_alive": KEEP_ALIVE_S}
    if args.workers > 1:
        # Several processes need an import string; each worker reads the same environment. A
        # worker is ready once its index is loaded, which takes longer than uvicorn's default 5 s.
        uvicorn.run("web.app:app_from_env", factory=True, workers=args.workers,
                    timeout_worker_healthcheck=120, http="web.tcp:NoDelayH11Protocol", **options)
    else:
        from web.app import create_app

        uvicorn.run(create_app(settings), **options)
    return 0


@command("bench")
def _bench(args: argparse.Namespace, settings: Settings) -> int:
    from web.bench import BenchOptions, run_benchmark

    return run_benchmark(settings, BenchOptions.from_args(args))
