"""Bodies over the limit against a real uvicorn process, spoken to over raw sockets.

The server runs config.asgi with a 2 000-byte JSON limit and 6 000 bytes for
/api/v1/comments. Each case sends only part of what it announces, or never ends its
chunked body: an answer can only come from a server that refused without reading on.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.server import ProviderServer

pytestmark = pytest.mark.server

LIMIT = 2000
COMMENTS_LIMIT = 6000
READ_TIMEOUT = 15.0  # a bound on a stuck server, not a speed expectation


def uvicorn(port: int) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", "config.asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def server() -> Iterator[ProviderServer]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        MAX_REQUEST_BODY_BYTES=str(LIMIT),
        REQUEST_BODY_LIMITS=f"/api/v1/comments={COMMENTS_LIMIT}",
    )
    stop = (signal.SIGTERM, signal.SIGKILL)
    with ProviderServer(uvicorn, env=env, stop_signals=stop) as running:
        yield running


class Response:
    def __init__(self, raw: bytes) -> None:
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.status_line = lines[0]
        self.status = int(lines[0].split()[1])
        self.headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines[1:])
        }

    def json(self) -> Any:
        return json.loads(self.body)


def connect(server: ProviderServer) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=READ_TIMEOUT)
    return sock


def read_head(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def read_response(sock: socket.socket) -> Response:
    """One response: its head, then the body its Content-Length announces."""
    data = read_head(sock)
    response = Response(data)
    length = int(response.headers.get("content-length", "0"))
    while len(response.body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        response.body += chunk
    return response


def head(path: str, **headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def assert_refused(response: Response) -> None:
    assert response.status == 413, response.status_line
    assert response.json()["code"] == "request_too_large"
    assert set(response.json()) == {"code", "message", "details"}
    assert response.headers["connection"] == "close"


def test_a_declared_length_over_the_limit_is_a_413_before_any_body_is_sent(
    server: ProviderServer,
) -> None:
    with connect(server) as sock:
        sock.sendall(head("/api/v1/feedbacks", Content_Length=str(LIMIT + 1)))
        response = read_response(sock)
    assert_refused(response)
    assert response.json()["message"] == (
        f"The request body is {LIMIT + 1} bytes; the limit is {LIMIT} bytes."
    )


def test_expect_100_continue_over_the_limit_gets_413_and_never_100_continue(
    server: ProviderServer,
) -> None:
    with connect(server) as sock:
        sock.sendall(head("/api/v1/feedbacks", Content_Length=str(10**12), Expect="100-continue"))
        response = read_response(sock)
        assert sock.recv(65536) == b""  # then the server closes: nothing else follows
    assert response.status_line.startswith("HTTP/1.1 413"), response.status_line
    assert_refused(response)


def test_expect_100_continue_within_the_limit_is_invited_to_send(
    server: ProviderServer,
) -> None:
    body = b'{"content": "x"}'
    with connect(server) as sock:
        sock.sendall(
            head("/api/v1/feedbacks", Content_Length=str(len(body)), Expect="100-continue")
        )
        assert read_head(sock).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(body)
        response = read_response(sock)
    assert response.status == 401  # through to the API, which wants credentials


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit(
    server: ProviderServer,
) -> None:
    with connect(server) as sock:
        sock.sendall(head("/api/v1/feedbacks", Transfer_Encoding="chunked"))
        for _ in range(LIMIT // 500 + 1):  # 2 500 bytes, and never the final chunk
            sock.sendall(chunk(b"x" * 500))
        response = read_response(sock)
    assert_refused(response)
    assert response.json()["message"] == f"The request body is over the limit of {LIMIT} bytes."


def test_a_chunked_body_within_the_limit_goes_through(server: ProviderServer) -> None:
    with connect(server) as sock:
        sock.sendall(head("/api/v1/feedbacks", Transfer_Encoding="chunked"))
        sock.sendall(chunk(b'{"content": ') + chunk(b'"x"}') + b"0\r\n\r\n")
        response = read_response(sock)
    assert response.status == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_path_with_its_own_limit_takes_a_larger_body(server: ProviderServer) -> None:
    size = COMMENTS_LIMIT - 1000
    statuses = {}
    for path in ("/api/v1/comments", "/api/v1/feedbacks"):
        with connect(server) as sock:
            sock.sendall(head(path, Content_Length=str(size)) + b"x" * size)
            statuses[path] = read_response(sock).status
    assert statuses == {"/api/v1/comments": 401, "/api/v1/feedbacks": 413}


def test_the_refusal_carries_the_security_headers_of_any_other_response(
    server: ProviderServer,
) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /api/v1/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        normal = read_response(sock)
    with connect(server) as sock:
        sock.sendall(head("/api/v1/feedbacks", Content_Length=str(LIMIT + 1)))
        refused = read_response(sock)
    assert normal.status == 404
    per_response = {"content-length", "content-type", "date", "server", "connection", "vary"}
    expected = {k: v for k, v in normal.headers.items() if k not in per_response}
    assert {"x-content-type-options", "referrer-policy", "x-frame-options"} <= set(expected)
    assert {k: refused.headers.get(k) for k in expected} == expected
