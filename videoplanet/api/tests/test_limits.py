"""Request body limits: per-path limits, and the ASGI layer that refuses before reading.

The ASGI layer is driven here with a stand-in application and scripted ``receive``;
tests/test_request_body_limits_live.py holds it to the same against a real uvicorn.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from django.test import override_settings

from videoplanet.api.limits import RequestBodyLimit, body_limit_for

Message = dict[str, Any]

LIMIT = 1000
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "x-frame-options": "DENY",
}


@override_settings(
    MAX_REQUEST_BODY_BYTES=100,
    REQUEST_BODY_LIMITS={"/api/v1/uploads": 5000, "/api/v1/uploads/big/": 9000},
)
def test_the_longest_prefix_of_whole_segments_sets_the_limit() -> None:
    assert body_limit_for("/api/v1/feedbacks") == 100
    assert body_limit_for("/api/v1/uploads") == 5000
    assert body_limit_for("/api/v1/uploads/123") == 5000
    assert body_limit_for("/api/v1/uploads/big/123") == 9000
    assert body_limit_for("/api/v1/uploadsX") == 100


@override_settings(MAX_REQUEST_BODY_BYTES=100, REQUEST_BODY_LIMITS={"/api/v1/uploads/": 5000})
def test_a_prefix_ending_in_a_slash_covers_only_the_paths_below_it() -> None:
    """An upload's parts may be big; creating the upload is JSON like any request."""
    assert body_limit_for("/api/v1/uploads") == 100
    assert body_limit_for("/api/v1/uploads/123") == 5000


class App:
    """A stand-in application: reads the whole body, then answers 200 with its size."""

    def __init__(self) -> None:
        self.called = False
        self.read: list[Message] = []

    async def __call__(
        self,
        scope: dict[str, Any],
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        self.called = True
        size = 0
        while True:
            message = await receive()
            self.read.append(message)
            if message["type"] == "http.disconnect":
                return  # what Django does: RequestAborted, no response
            size += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(size).encode()})


def scope(path: str = "/api/v1/feedbacks", headers: dict[str, str] | None = None) -> Any:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


def run(app: App, scope: Any, chunks: list[bytes] | None = None) -> tuple[list[Message], int]:
    """Drive the layer; returns what it sent and how many times it called receive."""
    chunks = chunks or [b""]
    pending = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    reads = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal reads
        reads += 1
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    with override_settings(MAX_REQUEST_BODY_BYTES=LIMIT):
        asyncio.run(RequestBodyLimit(app)(scope, receive, send))
    return sent, reads


def response(sent: list[Message]) -> tuple[int, dict[str, str], bytes]:
    start, body = sent
    assert start["type"] == "http.response.start"
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, body["body"]


def assert_refused(sent: list[Message]) -> dict[str, Any]:
    status, headers, body = response(sent)
    assert status == 413
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value, name
    error: dict[str, Any] = json.loads(body)
    assert error["code"] == "request_too_large"
    assert set(error) == {"code", "message", "details"}
    return error


def test_a_declared_length_over_the_limit_is_refused_without_reading_or_calling_the_app() -> None:
    app = App()
    sent, reads = run(app, scope(headers={"content-length": str(LIMIT + 1)}), [b"x" * 10])
    error = assert_refused(sent)
    assert error["message"] == f"The request body is {LIMIT + 1} bytes; the limit is {LIMIT} bytes."
    assert reads == 0
    assert not app.called


def test_expect_100_continue_over_the_limit_is_refused_without_reading() -> None:
    """The server sends 100 Continue only when the application first reads the body."""
    app = App()
    headers = {"content-length": str(10**12), "expect": "100-continue"}
    sent, reads = run(app, scope(headers=headers))
    assert_refused(sent)
    assert reads == 0
    assert not app.called


def test_a_body_without_a_length_is_refused_the_moment_it_passes_the_limit() -> None:
    app = App()
    chunks = [b"x" * 400] * 10  # 4000 bytes; the third chunk passes 1000
    sent, reads = run(app, scope(headers={"transfer-encoding": "chunked"}), chunks)
    assert_refused(sent)
    assert reads == 3
    assert app.read[-1] == {"type": "http.disconnect"}  # the app stops reading, answers nothing


def test_bodies_within_the_limit_reach_the_app_untouched() -> None:
    app = App()
    sent, _ = run(app, scope(headers={"content-length": str(LIMIT)}), [b"x" * LIMIT])
    assert response(sent) == (200, {}, str(LIMIT).encode())
    sent, _ = run(app, scope(), [b"x" * 500, b"x" * 500])
    assert response(sent) == (200, {}, str(LIMIT).encode())


def test_a_path_with_its_own_limit_takes_more() -> None:
    app = App()
    with override_settings(REQUEST_BODY_LIMITS={"/api/v1/uploads": 10 * LIMIT}):
        sent, _ = run(app, scope("/api/v1/uploads"), [b"x" * 5 * LIMIT])
        assert response(sent)[0] == 200
        sent, _ = run(app, scope("/api/v1/feedbacks"), [b"x" * 5 * LIMIT])
        assert_refused(sent)


def test_an_answer_the_app_already_started_is_not_interrupted() -> None:
    """An app that answers before reading (none does today) keeps its answer; it just
    reads no further than the limit."""

    class EarlyAnswer(App):
        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            await send({"type": "http.response.start", "status": 202, "headers": []})
            while (await receive())["type"] != "http.disconnect":
                pass
            await send({"type": "http.response.body", "body": b"done"})

    sent, reads = run(EarlyAnswer(), scope(), [b"x" * 600] * 3)
    assert response(sent) == (202, {}, b"done")
    assert reads == 2


def test_websockets_and_lifespan_pass_through() -> None:
    seen: list[str] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["type"])

    async def nothing() -> Message:
        return {}

    async def drop(message: Message) -> None:
        return None

    for kind in ("websocket", "lifespan"):
        asyncio.run(RequestBodyLimit(inner)({"type": kind, "path": "/"}, nothing, drop))
    assert seen == ["websocket", "lifespan"]


@pytest.mark.django_db
def test_the_django_layer_refuses_with_the_same_envelope_and_headers(anon: Any) -> None:
    with override_settings(MAX_REQUEST_BODY_BYTES=LIMIT):
        refused = anon.post(
            "/api/v1/auth/token", "x" * (LIMIT + 1), content_type="application/json"
        )
    assert refused.status_code == 413
    assert refused.json()["code"] == "request_too_large"
    for name, value in SECURITY_HEADERS.items():
        assert refused[name] == value, name
