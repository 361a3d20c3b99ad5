"""One error envelope for every 4xx: ``{"code", "message", "details"}``.

``code`` is stable and machine-readable, ``message`` is for people, ``details`` maps a
field path (``drawing_data.shapes.0.coordinates``) to a list of messages. Services
raise the ``ApiError`` subclasses below; ``exception_handler`` maps those and every
Django/DRF error into the envelope, so clients never string-match messages.

    ApiError (400 bad_request)
    ├── ValidationFailed (400 validation_error)
    │   └── ImageTooLarge (400 image_too_large: more pixels than the server decodes)
    ├── ContractViolated (400 contract_violation: the body breaks the OpenAPI document)
    ├── MalformedJson (400 malformed_json)
    ├── NotAuthenticated (401 not_authenticated)
    ├── AuthenticationFailed (401 authentication_failed)
    ├── PermissionDenied (403 permission_denied)
    ├── NotFound (404 not_found)
    ├── MethodNotAllowed (405 method_not_allowed)
    ├── RequestTooLarge (413 request_too_large)
    ├── UnsupportedMediaType (415 unsupported_media_type)
    └── RateLimited (429 rate_limited)
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)

Details = dict[str, list[str]]


class ApiError(Exception):
    status_code = 400
    code = "bad_request"
    default_message = "The request could not be processed."

    def __init__(self, message: str | None = None, *, details: Details | None = None) -> None:
        self.message = message or self.default_message
        self.details: Details = details or {}
        super().__init__(self.message)

    def envelope(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class ValidationFailed(ApiError):
    code = "validation_error"
    default_message = "The request has invalid fields."

    @classmethod
    def field(cls, field: str, message: str) -> ValidationFailed:
        return cls(details={field: [message]})


class ImageTooLarge(ValidationFailed):
    """An image's header declares more pixels than the server decodes; ``details`` names
    the field. Clients may scale the image down and send it again."""

    code = "image_too_large"
    default_message = "The image has more pixels than the server accepts."


class ContractViolated(ApiError):
    """Raised by the contract middleware in enforce mode, before any view runs."""

    code = "contract_violation"
    default_message = "The request does not match the API's OpenAPI document."


class MalformedJson(ApiError):
    code = "malformed_json"
    default_message = "The request body is not valid JSON."


class NotAuthenticated(ApiError):
    status_code = 401
    code = "not_authenticated"
    default_message = "Authentication credentials were not provided."


class AuthenticationFailed(ApiError):
    status_code = 401
    code = "authentication_failed"
    default_message = "The credentials are invalid."


class PermissionDenied(ApiError):
    status_code = 403
    code = "permission_denied"
    default_message = "You do not have permission to do this."


class NotFound(ApiError):
    status_code = 404
    code = "not_found"
    default_message = "Not found."


class MethodNotAllowed(ApiError):
    status_code = 405
    code = "method_not_allowed"
    default_message = "Method not allowed."


class RequestTooLarge(ApiError):
    status_code = 413
    code = "request_too_large"
    default_message = "The request body is too large."


class UnsupportedMediaType(ApiError):
    status_code = 415
    code = "unsupported_media_type"
    default_message = "Send the request body as application/json."


class RateLimited(ApiError):
    status_code = 429
    code = "rate_limited"
    default_message = "Too many requests."


def flatten_details(detail: Any, prefix: str = "") -> Details:
    """Turn DRF's nested error structure into ``{"a.b.0.c": [messages]}``."""
    out: Details = {}
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else str(key)
            path = f"{prefix}.{name}" if prefix and name else (prefix or name)
            for k, v in flatten_details(value, path).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(not isinstance(item, (list, Mapping)) for item in detail):
            out.setdefault(prefix or "non_field_errors", []).extend(str(i) for i in detail)
        else:
            for index, item in enumerate(detail):
                if item in ({}, []):
                    continue
                path = f"{prefix}.{index}" if prefix else str(index)
                for k, v in flatten_details(item, path).items():
                    out.setdefault(k, []).extend(v)
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return out


def _from_drf(exc: drf.APIException) -> ApiError:
    if isinstance(exc, drf.ValidationError):
        return ValidationFailed(details=flatten_details(exc.detail))
    if isinstance(exc, drf.ParseError):
        return MalformedJson(str(exc.detail))
    if isinstance(exc, drf.NotAuthenticated):
        return NotAuthenticated()
    if isinstance(exc, drf.AuthenticationFailed):
        return AuthenticationFailed(str(exc.detail))
    if isinstance(exc, drf.PermissionDenied):
        return PermissionDenied()
    if isinstance(exc, drf.NotFound):
        return NotFound()
    if isinstance(exc, drf.MethodNotAllowed):
        return MethodNotAllowed(str(exc.detail))
    if isinstance(exc, drf.UnsupportedMediaType):
        return UnsupportedMediaType(str(exc.detail))
    if isinstance(exc, drf.Throttled):
        return RateLimited(str(exc.detail))
    err = ApiError(str(exc.detail))
    err.status_code = exc.status_code
    return err


def as_api_error(exc: Exception) -> ApiError | None:
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, drf.APIException):
        return _from_drf(exc)
    if isinstance(exc, Http404):
        return NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return ValidationFailed(details=flatten_details(exc.message_dict))
        return ValidationFailed(details={"non_field_errors": list(exc.messages)})
    return None


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every known error becomes the envelope."""
    error = as_api_error(exc)
    if error is None:
        return None  # a real bug: let it surface as a 500
    set_rollback()
    headers: dict[str, str] = {}
    if isinstance(exc, drf.APIException):
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        if getattr(exc, "wait", None) is not None:
            headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
    if error.status_code == 401 and "WWW-Authenticate" not in headers:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return Response(error.envelope(), status=error.status_code, headers=headers)


def error_response(error: ApiError) -> JsonResponse:
    """The envelope outside DRF views (middleware, URL fallbacks)."""
    response = JsonResponse(error.envelope(), status=error.status_code)
    if error.status_code == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@csrf_exempt
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """No API operation at this path. Exempt from CSRF like every API view (the API takes
    bearer tokens, not cookies), so a POST or DELETE gets this 404 rather than Django's
    HTML CSRF page."""
    return error_response(NotFound(f"No API endpoint at {request.path}."))


def bad_request(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Django's own 400s (a disallowed Host, a suspicious request) in the envelope."""
    return error_response(ApiError("The request could not be processed."))


def permission_denied(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    return error_response(PermissionDenied())


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    return JsonResponse(
        {"code": "server_error", "message": "Internal server error.", "details": {}}, status=500
    )
