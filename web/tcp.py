"""TCP_NODELAY on the connections of ``vagvisare serve --workers N``.

With several workers uvicorn binds the listening socket itself, without ``IPPROTO_TCP``; the
accepted connections inherit that, and asyncio sets ``TCP_NODELAY`` only on sockets that say
they are TCP. Nagle's algorithm then holds each response body until the client's delayed ACK:
about 40 ms more per answer on a kept-alive connection (measured: 88 ms instead of 50 ms with
one client; uvicorn issue #3149). This protocol sets it on every connection.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
