"""A FHIR server stub on 127.0.0.1 (port 0) for fetch tests: no traffic leaves the machine."""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[int, Any]
"""(status, JSON body) or (status, ``Stream``)."""


@dataclass
class Stream:
    """A body sent in chunks, without Content-Length, ``count`` times (or until the peer
    leaves), ``pause`` seconds apart."""

    chunk: bytes
    count: int
    pause: float = 0.0


@dataclass
class Seen:
    path: str
    authorization: str | None
    host: str | None


@dataclass
class StubFhir:
    routes: dict[str, Answer | Callable[[str], Answer]] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    port: int = 0
    sent_bytes: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/r4"

    def answer(self, path: str) -> Answer:
        """The route for the full path (query included), else for the path alone; else 404."""
        route = self.routes.get(path) or self.routes.get(path.split("?", 1)[0].removeprefix("/r4/"))
        if route is None:
            return 404, {"resourceType": "OperationOutcome", "issue": [{"severity": "error"}]}
        return route(path) if callable(route) else route


@contextmanager
def serve(stub: StubFhir, tls: ssl.SSLContext | None = None) -> Iterator[StubFhir]:
    """Serve ``stub`` on 127.0.0.1 (HTTPS with ``tls``, a server context)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            stub.seen.append(
                Seen(self.path, self.headers.get("Authorization"), self.headers.get("Host"))
            )
            status, body = stub.answer(self.path)
            if isinstance(body, Stream):
                self.send_response(status)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for _ in range(body.count):
                        self.wfile.write(body.chunk)
                        self.wfile.flush()
                        stub.sent_bytes += len(body.chunk)
                        if body.pause:
                            time.sleep(body.pause)
                except OSError:
                    pass  # the client hung up: what the size and time limits should do
                self.close_connection = True
                return
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/fhir+json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 64  # the fetcher connects in parallel: no dropped SYN, no retry

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a refused TLS handshake or a client hanging up is what some tests expect

    server = Server(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    stub.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
