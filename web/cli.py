"""`vagvisare serve`: the web chat and JSON API under uvicorn."""

from __future__ import annotations

import argparse
from typing import Any

from assistant.cli import EXTRA_PARSERS, command
from assistant.settings import Settings


def _parser(sub: Any) -> None:
    p = sub.add_parser("serve", help="serve the web chat and the JSON API")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1,
                   help="worker processes (default 1; each loads the index; settings come from the "
                        "environment)")


EXTRA_PARSERS.append(_parser)


@command("serve")
def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    options: dict[str, Any] = {"host": args.host, "port": args.port, "log_level": settings.log_level.lower(),
                               "proxy_headers": True, "server_header": False}
    if args.workers > 1:
        # Several processes need an import string; each worker reads the same environment.
        uvicorn.run("web.app:app_from_env", factory=True, workers=args.workers, **options)
    else:
        from web.app import create_app

        uvicorn.run(create_app(settings), **options)
    return 0
