"""How large a request body may be, refused before anything reads it.

``settings.REQUEST_BODY_LIMITS`` maps a path prefix to the largest body, in bytes, a
request under it may send (``{"/api/v1/uploads": 5 * 1024**3}``); the longest prefix
that matches whole path segments wins, and every other path takes
``MAX_REQUEST_BODY_BYTES`` (the JSON limit). Two layers enforce it:

- ``RequestBodyLimit``, the outermost ASGI layer of HTTP (config/asgi.py). A declared
  ``Content-Length`` over the limit is answered before the body is read, so a client
  that sent ``Expect: 100-continue`` never gets ``100 Continue`` (the server sends it
  only when the application first asks for the body); a body without a length
  (chunked) is counted as it arrives and refused the moment it passes the limit.
- ``RequestBodyLimitMiddleware`` (videoplanet.api.middleware), for WSGI servers and
  the test client: the declared length.

Either answers ``413 request_too_large`` in the error envelope, with the headers every
other response gets from Django's middleware (X-Content-Type-Options, Referrer-Policy,
Cross-Origin-Opener-Policy, X-Frame-Options, HSTS over HTTPS...): the refusal goes
through the ``process_response`` of each such middleware in ``settings.MIDDLEWARE``.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from functools import cache
from typing import Any

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse
from django.utils.deprecation import MiddlewareMixin
from django.utils.module_loading import import_string

from .errors import RequestTooLarge, error_response

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]


def body_limit_for(path: str) -> int:
    """The largest request body, in bytes, a request to ``path`` may send."""
    best, limit = -1, int(settings.MAX_REQUEST_BODY_BYTES)
    for prefix, bytes_ in settings.REQUEST_BODY_LIMITS.items():
        if len(prefix) > 1 and prefix.endswith("/"):
            matched = path.startswith(prefix)  # only the paths below it
        else:
            matched = path == prefix or path.startswith(prefix.rstrip("/") + "/")
        if matched and len(prefix) > best:
            best, limit = len(prefix), int(bytes_)
    return limit


@cache
def _header_middleware(middleware: tuple[str, ...]) -> tuple[MiddlewareMixin, ...]:
    """The Django-style middleware (those with ``process_response``), innermost first."""
    out = []
    for path in reversed(middleware):
        cls = import_string(path)
        mixin = isinstance(cls, type) and issubclass(cls, MiddlewareMixin)
        if mixin and hasattr(cls, "process_response"):
            out.append(cls(lambda request: HttpResponse()))
    return tuple(out)


def refusal_response(request: HttpRequest, *, limit: int, length: int | None) -> HttpResponse:
    """413 in the envelope, with the headers Django's middleware puts on any response."""
    if length is None:
        message = f"The request body is over the limit of {limit} bytes."
    else:
        message = f"The request body is {length} bytes; the limit is {limit} bytes."
    response: HttpResponse = error_response(RequestTooLarge(message))
    for middleware in _header_middleware(tuple(settings.MIDDLEWARE)):
        try:
            response = middleware.process_response(request, response)  # type: ignore[attr-defined]
        except Exception:  # a header missing beats no answer
            logger.exception("%s failed on a 413 refusal", type(middleware).__name__)
    return response


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            return int(value) if value.isdigit() else None  # else Django answers 400
    return None


async def _send_response(send: Send, response: HttpResponse) -> None:
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.items()]
    headers += [
        (b"set-cookie", cookie.output(header="").strip().encode("latin-1"))
        for cookie in response.cookies.values()
    ]
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": response.content})


class RequestBodyLimit:
    """ASGI middleware: 413 for a body over its path's limit (see the module docstring).

    The refusal asks the server to close the connection (``Connection: close``), so
    what the client still sends is never read.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit_for(scope["path"])
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(scope, send, limit=limit, length=declared)
            return

        received = 0
        refused = False
        app_started = False

        async def counted_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not app_started:
                        await self._refuse(scope, send, limit=limit, length=None)
                    return {"type": "http.disconnect"}  # the app stops reading
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal app_started
            if refused and not app_started:
                return  # the 413 was the answer
            if message["type"] == "http.response.start":
                app_started = True
            await send(message)

        await self.app(scope, counted_receive, guarded_send)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, *, limit: int, length: int | None) -> None:
        request = ASGIRequest(scope, io.BytesIO())  # type: ignore[arg-type]
        response = refusal_response(request, limit=limit, length=length)
        response["Connection"] = "close"
        await _send_response(send, response)
