"""The HTTP protocol flowsuite serves with: uvicorn's httptools protocol, with Nagle's algorithm off.

With `--workers N`, uvicorn binds the listening socket itself as `socket.socket(family)`, whose protocol
number is 0, and asyncio turns Nagle's algorithm off only on accepted sockets whose protocol is IPPROTO_TCP.
Every reply then went out in two writes (headers, body) with the second held back until the client's
delayed ACK of the first: every request took at least 40 ms, whatever it did. Setting TCP_NODELAY on each
accepted connection sends a reply as soon as it is written, with one worker or many.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class NoDelayHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol on connections that send each write at once (TCP_NODELAY)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
