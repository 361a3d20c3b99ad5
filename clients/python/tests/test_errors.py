"""Error envelopes and statuses become the documented exception classes."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from videoplanet_client import (
    APIError,
    BadRequest,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    RateLimited,
    ServerError,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
)
from videoplanet_client._errors import (
    error_from_close,
    error_from_envelope,
    error_from_response,
    parse_retry_after,
)


def envelope(code: str, message: str = "m", **details: list[str]) -> dict[str, object]:
    return {"code": code, "message": message, "details": details}


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, "validation_error", ValidationFailed),
        (400, "image_too_large", ValidationFailed),
        (400, "malformed_json", BadRequest),
        (401, "not_authenticated", Unauthorized),
        (401, "authentication_failed", Unauthorized),
        (403, "permission_denied", PermissionDenied),
        (404, "not_found", NotFound),
        (405, "method_not_allowed", APIError),
        (413, "request_too_large", PayloadTooLarge),
        (415, "unsupported_media_type", UnsupportedMediaType),
        (429, "rate_limited", RateLimited),
        (500, "server_error", ServerError),
        (503, "anything", ServerError),
    ],
)
def test_status_picks_the_class_and_the_server_code_is_kept(
    status: int, code: str, cls: type[APIError]
) -> None:
    error = error_from_envelope(status, envelope(code, "Why."))
    assert type(error) is cls
    assert (error.status, error.code, error.message, error.details) == (status, code, "Why.", {})


def test_field_details_are_kept() -> None:
    body = envelope("validation_error", **{"drawing_data.shapes.0.style.color": ["Bad colour."]})
    error = error_from_envelope(400, body)
    assert isinstance(error, ValidationFailed)
    assert error.details == {"drawing_data.shapes.0.style.color": ["Bad colour."]}
    assert str(error) == "400 validation_error: m"


def test_a_body_that_is_not_the_envelope_still_raises_by_status() -> None:
    response = httpx.Response(502, text="<html>Bad Gateway</html>")
    error = error_from_response(response)
    assert isinstance(error, ServerError)
    assert error.code == "http_502"
    assert error.response is response


def test_rate_limited_carries_retry_after() -> None:
    response = httpx.Response(429, json=envelope("rate_limited"), headers={"Retry-After": "7"})
    error = error_from_response(response)
    assert isinstance(error, RateLimited)
    assert error.retry_after == 7.0


def test_retry_after_as_seconds_or_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(
    ("close_code", "cls", "code"),
    [
        (4401, Unauthorized, "authentication_failed"),
        (4403, PermissionDenied, "permission_denied"),
        (4404, NotFound, "not_found"),
    ],
)
def test_room_refusals_become_api_errors(close_code: int, cls: type[APIError], code: str) -> None:
    error = error_from_close(close_code)
    assert type(error) is cls
    assert error is not None and error.code == code


@pytest.mark.parametrize("close_code", [1000, 1001, 1006, 1011, 1012, 4000])
def test_other_close_codes_are_not_refusals(close_code: int) -> None:
    assert error_from_close(close_code) is None
