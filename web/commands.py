"""The web side's command: `vagvisare serve`, the web chat and JSON API under uvicorn."""

from __future__ import annotations

import argparse
import os
from typing import Any

from core.commands import Command
from core.settings import Settings

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
KEEP_ALIVE_S = 75


def _serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1,
                   help="worker processes (default 1; each loads the index and the model; settings come "
                        "from the environment)")




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


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from web.security import check_admin_token

    check_admin_token(settings)
    one_thread_per_request()
    import uvicorn

    # Kept-alive connections stay open longer than a proxy's idle timeout (often 60 s), so the server
    # is not the side that closes a connection a client is about to reuse (with uvicorn's 5 s: two
    # resets in 2,000 answers to 64 clients; docs/benchmark.md).
    options: dict[str, Any] = {"host": args.host, "port": args.port, "log_level": settings.log_level.lower(),
                               "proxy_headers": True, "server_header": False, "timeout_keep_alive": KEEP_ALIVE_S,
                               # X-Forwarded-For/-Proto believed only from these (none by default; uvicorn on
                               # its own would believe 127.0.0.1)
                               "forwarded_allow_ips": settings.trusted_proxies}
    if settings.log_format == "json":
        from web.logs import configure

        configure(settings)  # JSON lines with request ids; uvicorn's access line (raw paths) off
        options.update(log_config=None, access_log=False)
    if args.workers > 1:
        # Several processes need an import string; each worker reads the same environment. A
        # worker is ready once its index is loaded, which takes longer than uvicorn's default 5 s.
        uvicorn.run("web.app:app_from_env", factory=True, workers=args.workers,
                    timeout_worker_healthcheck=120, http="web.tcp:NoDelayH11Protocol", **options)
    else:
        from web.app import create_app

        uvicorn.run(create_app(settings), **options)
    return 0


SERVE = Command(("serve",), "serve the web chat and the JSON API", _serve_arguments, _serve)
COMMANDS = (SERVE,)
