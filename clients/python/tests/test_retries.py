"""How calls are sent and repeated: only idempotent ones, and only for passing trouble.

The scripted answers come from ``httpx.MockTransport`` (a server cannot be asked for a
503 on demand); connection failures are real, against a port nothing listens on.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from videoplanet_client import (
    AsyncClient,
    Client,
    NotFound,
    RateLimited,
    ServerError,
    Timeout,
    TransportError,
    UnexpectedResponse,
    __version__,
)

from tests.server import free_port

FEEDBACK = {
    "id": "f", "video_id": "v", "timestamp": 1.0, "timestamp_end": None, "content": "c",
    "screenshot_url": None, "drawing_data": None, "priority": "medium", "status": "open",
    "user": {"id": "u", "name": "John Doe", "email": "john@example.com"},
    "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
}  # fmt: skip
OVERLOADED = {"code": "overloaded", "message": "Try again.", "details": {}}
NOW = {"Retry-After": "0"}  # retry at once: these tests never sleep


class Script:
    """Answers requests with the given responses in turn and records the requests."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers: Iterator[httpx.Response | Exception] = iter(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = next(self.answers)
        if isinstance(answer, Exception):
            raise answer
        return answer


def client(script: Script, retries: int = 2) -> Client:
    return Client(
        base_url="http://vp.test",
        token="tok",
        transport=httpx.MockTransport(script),
        retries=retries,
    )


def test_requests_carry_the_token_user_agent_and_json_body() -> None:
    script = Script(httpx.Response(201, json=FEEDBACK))
    with client(script) as c:
        c.feedbacks.create(video_id="v", timestamp=1.0, content="c")
    (request,) = script.requests
    assert request.url == "http://vp.test/api/v1/feedbacks"
    assert request.headers["Authorization"] == "Bearer tok"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"].startswith("videoplanet-client/")
    assert request.headers["X-Client"] == f"VideoPlanet-Python-SDK/{__version__}"


def test_get_is_retried_after_503_and_succeeds() -> None:
    script = Script(
        httpx.Response(503, json=OVERLOADED, headers=NOW),
        httpx.Response(502, headers=NOW),
        httpx.Response(200, json=FEEDBACK),
    )
    with client(script) as c:
        assert c.feedbacks.get("f").id == "f"
    assert len(script.requests) == 3


def test_get_gives_up_after_the_configured_retries() -> None:
    script = Script(*[httpx.Response(503, json=OVERLOADED, headers=NOW)] * 2)
    with client(script, retries=1) as c, pytest.raises(ServerError) as caught:
        c.feedbacks.get("f")
    assert caught.value.code == "overloaded"
    assert len(script.requests) == 2


def test_get_honours_retry_after_on_429() -> None:
    script = Script(
        httpx.Response(429, json={**OVERLOADED, "code": "rate_limited"}, headers=NOW),
        httpx.Response(200, json=FEEDBACK),
    )
    with client(script) as c:
        c.feedbacks.get("f")
    assert len(script.requests) == 2


def test_post_is_not_retried_after_503_or_429() -> None:
    script = Script(
        httpx.Response(503, json=OVERLOADED, headers=NOW),
        httpx.Response(
            429, json={**OVERLOADED, "code": "rate_limited"}, headers={"Retry-After": "9"}
        ),
    )
    with client(script) as c:
        with pytest.raises(ServerError):
            c.feedbacks.create(video_id="v", timestamp=1.0, content="c")
        with pytest.raises(RateLimited) as caught:
            c.auth.token(email="e@example.com", password="p")
    assert caught.value.retry_after == 9.0
    assert [r.method for r in script.requests] == ["POST", "POST"]


def test_patch_is_not_retried_after_a_timeout() -> None:
    script = Script(httpx.ReadTimeout("slow"))
    with client(script) as c, pytest.raises(Timeout):
        c.feedbacks.update("f", status="closed")
    assert len(script.requests) == 1


def test_a_retried_delete_that_finds_the_feedback_gone_succeeded() -> None:
    gone = {"code": "not_found", "message": "Feedback not found.", "details": {}}
    script = Script(httpx.Response(503, headers=NOW), httpx.Response(404, json=gone))
    with client(script) as c:
        assert c.feedbacks.delete("f") is None
    assert [r.method for r in script.requests] == ["DELETE", "DELETE"]


def test_a_first_delete_of_unknown_feedback_is_not_found() -> None:
    gone = {"code": "not_found", "message": "Feedback not found.", "details": {}}
    with client(Script(httpx.Response(404, json=gone))) as c, pytest.raises(NotFound):
        c.feedbacks.delete("f")


def test_a_success_body_the_sdk_cannot_read_is_unexpected() -> None:
    script = Script(httpx.Response(200, json={"id": "f"}), httpx.Response(200, text="<html>"))
    with client(script) as c:
        with pytest.raises(UnexpectedResponse, match="missing field"):
            c.feedbacks.get("f")
        with pytest.raises(UnexpectedResponse):
            c.me()


class Counting(httpx.BaseTransport):
    """A real transport that counts the requests it sends."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.methods: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.methods.append(request.method)
        return self.inner.handle_request(request)


class AsyncCounting(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.methods: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.methods.append(request.method)
        return await self.inner.handle_async_request(request)


def test_connection_refused_retries_get_but_not_post() -> None:
    transport = Counting()
    url = f"http://127.0.0.1:{free_port()}"
    with Client(base_url=url, token="t", transport=transport, retries=1) as c:
        with pytest.raises(TransportError):
            c.me()
        with pytest.raises(TransportError):
            c.projects.create(name="p")
    assert transport.methods == ["GET", "GET", "POST"]


@pytest.mark.asyncio
async def test_async_client_follows_the_same_retry_policy() -> None:
    transport = AsyncCounting()
    url = f"http://127.0.0.1:{free_port()}"
    async with AsyncClient(base_url=url, token="t", transport=transport, retries=1) as c:
        with pytest.raises(TransportError):
            await c.feedbacks.delete("f")
        with pytest.raises(TransportError):
            await c.comments.create(feedback_id="f", content="c")
    assert transport.methods == ["DELETE", "DELETE", "POST"]
