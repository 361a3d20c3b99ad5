"""The exceptions the SDK raises. Catch ``VideoPlanetError`` to catch them all.

    VideoPlanetError
    ├── ContractViolationError ·· enforce mode: the request breaks the OpenAPI document,
    │                             so it was not sent
    ├── TransportError ·········· the request did not get an HTTP answer
    │   ├── Timeout ············· connect, read, write or pool timeout
    │   └── UploadInterrupted ··· a file upload stopped part-way; ``upload_id`` resumes it
    ├── UnexpectedResponse ······ a 2xx body (or a room message) the SDK cannot read
    └── APIError ················ the server answered 4xx/5xx: status, code, message, details
        ├── BadRequest ·········· 400 (e.g. malformed_json)
        │   └── ValidationFailed  400 validation_error, contract_violation or
        │                         image_too_large, field paths in ``details``
        ├── Unauthorized ········ 401 (and a room closed with 4401)
        ├── PermissionDenied ···· 403 (and a room closed with 4403)
        ├── NotFound ············ 404 (and a room closed with 4404)
        ├── PayloadTooLarge ····· 413
        ├── UnsupportedMediaType  415
        ├── RateLimited ········· 429, ``retry_after`` seconds when the server said
        └── ServerError ········· 5xx

An ``APIError`` is chosen by HTTP status (400 is split by the server's code) and keeps
the server's envelope as it was sent: ``code`` is the stable machine-readable code to
branch on, ``message`` is for people, ``details`` maps a field path such as
``drawing_data.shapes.0.style.color`` to its problems. Other 4xx statuses (405) raise a
plain ``APIError``. A body that is not the envelope (a proxy's HTML page) gets the code
``http_<status>``.
"""

from __future__ import annotations

import email.utils
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

Details = dict[str, list[str]]


class VideoPlanetError(Exception):
    """Base class of everything the SDK raises."""


class ContractViolationError(VideoPlanetError):
    """The request breaks the API's OpenAPI document and the client enforces it.

    Raised before anything is sent. ``errors`` names each problem (``$.priority: must be
    one of ...``); ``details`` keys the same problems by field path, like the server's
    error envelope.
    """

    def __init__(self, message: str, *, errors: list[str], details: dict[str, list[str]]) -> None:
        super().__init__(message)
        self.errors = errors
        self.details = details


class TransportError(VideoPlanetError):
    """No HTTP answer: the connection failed or broke, or the room could not be rejoined."""


class Timeout(TransportError):
    """The server did not answer within the client's timeout."""


class UploadInterrupted(TransportError):
    """A file upload lost its connection more often than the client retries.

    Everything up to ``offset`` is kept by the server: pass ``upload_id`` to
    ``videos.upload(..., upload_id=...)`` to send the rest.
    """

    def __init__(self, message: str, *, upload_id: str, offset: int) -> None:
        super().__init__(message)
        self.upload_id = upload_id
        self.offset = offset


class UnexpectedResponse(VideoPlanetError):
    """The server answered successfully, but not in the shape the SDK expects."""

    def __init__(self, message: str, *, response: httpx.Response | None = None) -> None:
        super().__init__(message)
        self.response = response


class APIError(VideoPlanetError):
    """The server refused the request with its error envelope."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str,
        details: Details | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details: Details = details or {}
        self.response = response

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


class BadRequest(APIError):
    """400: the request could not be processed (``malformed_json``, a bad cursor...)."""


class ValidationFailed(BadRequest):
    """400 ``validation_error`` (the view's checks), ``contract_violation`` (the request
    broke the OpenAPI document and the server enforces it) or ``image_too_large`` (a
    screenshot has more pixels than the server decodes: scale it down and send it
    again): ``details`` says which fields are wrong and why."""


class Unauthorized(APIError):
    """401: no token, an unknown token, or wrong credentials."""


class PermissionDenied(APIError):
    """403: your role does not allow this (a viewer writing, a reviewer editing others)."""


class NotFound(APIError):
    """404: it does not exist, or it belongs to a project you are not a member of."""


class PayloadTooLarge(APIError):
    """413: the request body is over the server's limit."""


class UnsupportedMediaType(APIError):
    """415: the body was not sent as JSON."""


class RateLimited(APIError):
    """429: too many requests; ``retry_after`` is how long the server asked to wait."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str,
        details: Details | None = None,
        response: httpx.Response | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status=status, code=code, details=details, response=response)
        self.retry_after = retry_after


class ServerError(APIError):
    """5xx: the server failed; idempotent calls were retried before this was raised."""


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: PermissionDenied,
    404: NotFound,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    429: RateLimited,
}


def error_class(status: int, code: str) -> type[APIError]:
    """The exception class for an HTTP status and the server's error code."""
    if status == 400 and code in ("validation_error", "contract_violation", "image_too_large"):
        return ValidationFailed
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, APIError)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def _envelope(body: Any) -> tuple[str, str, Details] | None:
    """(code, message, details) when the body is the server's error envelope."""
    if not isinstance(body, Mapping):
        return None
    code, message, details = body.get("code"), body.get("message"), body.get("details", {})
    if not isinstance(code, str) or not isinstance(message, str):
        return None
    if not isinstance(details, Mapping):
        details = {}
    clean: Details = {
        str(path): [str(m) for m in problems] if isinstance(problems, list) else [str(problems)]
        for path, problems in details.items()
    }
    return code, message, clean


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def error_from_envelope(
    status: int,
    body: Any,
    *,
    headers: Mapping[str, str] | None = None,
    response: httpx.Response | None = None,
) -> APIError:
    """The exception for an error status and its decoded JSON body (any shape)."""
    parsed = _envelope(body)
    details: Details = {}
    if parsed is None:
        code, message = f"http_{status}", f"The server answered HTTP {status}."
    else:
        code, message, details = parsed
    cls = error_class(status, code)
    if cls is RateLimited:
        retry_after = parse_retry_after(_header(headers or {}, "retry-after"))
        return RateLimited(
            message,
            status=status,
            code=code,
            details=details,
            response=response,
            retry_after=retry_after,
        )
    return cls(message, status=status, code=code, details=details, response=response)


def error_from_response(response: httpx.Response) -> APIError:
    """The exception for an HTTP error response."""
    try:
        body: Any = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    return error_from_envelope(
        response.status_code, body, headers=response.headers, response=response
    )


# A room refused with one of these WebSocket close codes raises the matching APIError.
# The server sends no envelope with a close frame, so the code is the REST one with the
# same meaning (the SDK always sends a token, so a 4401 means the token was not accepted).
ROOM_REFUSALS: dict[int, tuple[type[APIError], int, str]] = {
    4401: (Unauthorized, 401, "authentication_failed"),
    4403: (PermissionDenied, 403, "permission_denied"),
    4404: (NotFound, 404, "not_found"),
}


def error_from_close(close_code: int, reason: str = "") -> APIError | None:
    """The exception for a room closed with a refusal code, None for any other code."""
    refusal = ROOM_REFUSALS.get(close_code)
    if refusal is None:
        return None
    cls, status, code = refusal
    message = f"The server refused the room (WebSocket close code {close_code})."
    if reason:
        message = f"{message[:-1]}: {reason}."
    return cls(message, status=status, code=code)
