"""Runtime contract validation of the REST API (docs/contract-testing.md §3.2, on the server).

``settings.CONTRACT_VALIDATION`` decides, per request:

- ``off``: nothing is checked;
- ``report`` (development's default): an invalid request is logged and recorded, and
  goes on to the view;
- ``enforce`` (production's default): an invalid request body or query is answered
  ``400 contract_violation`` in the error envelope, with the problems keyed by field
  path in ``details``, before any view runs.

In every mode but ``off`` each response is checked too, and a violation is only
recorded: the response goes out unchanged. A response whose bytes were checked when
they were rendered says so (``contract_checked``: the feedback list's cached pages,
``videoplanet.feedback.cache``) and is not checked again.

With ``settings.USAGE_RECORDING`` (in any mode) each call to a documented operation is
also counted per consumer (``videoplanet.monitoring.usage``), from the body parsed here.

Only documented operations are checked; an unknown path or method is left to routing
(404, 405). Some problems are recorded but never rejected, because their honest answer
is not a 400: an undocumented query parameter (ignored, as before), a path parameter
that is not a valid id (the object does not exist: 404), and a body sent to an
operation that takes none. A request without credentials to an operation that needs
them is left to the view, so it gets its 401 whatever its body.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from videoplanet_client.contract import (
    NO_BODY,
    ContractViolation,
    Problem,
    SchemaValidator,
    ValidationResult,
)

from videoplanet.api.errors import ContractViolated, error_response
from videoplanet.api.parsers import InvalidJson, json_body

from .validator import committed_validator
from .violations import SOURCE, record

_NOT_DOCUMENTED = "not a documented parameter"
_NO_JSON = object()


def _rejects(problem: Problem) -> bool:
    """Whether enforce mode answers this problem with 400 (see the module docstring)."""
    if problem.location == "path":
        return False
    return not (problem.location == "query" and problem.message == _NOT_DOCUMENTED)


def _request_body(request: HttpRequest) -> Any:
    """The parsed JSON body (None: a JSON ``null``), NO_BODY without one, _NO_JSON when
    the view should judge it."""
    if request.content_type != "application/json":
        # Not read here: the view answers 415, or streams it (a video upload's part).
        has_body = request.META.get("CONTENT_LENGTH", "0") not in ("", "0")
        return _NO_JSON if has_body else NO_BODY
    if not request.body:
        return NO_BODY
    try:
        return json_body(request)
    except InvalidJson:
        return _NO_JSON  # the view answers 400 malformed_json


def _response_body(response: HttpResponse) -> Any:
    data = getattr(response, "data", _NO_JSON)  # a DRF response, before rendering
    if data is not _NO_JSON:
        return data
    if getattr(response, "streaming", False):
        return _NO_JSON
    if not response.content:
        return None
    if "json" not in response.get("Content-Type", ""):
        return _NO_JSON
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return _NO_JSON


def _record(
    template: str,
    method: str,
    result: ValidationResult,
    kind: Literal["request", "response"],
    *,
    status: int | None = None,
) -> None:
    record(
        ContractViolation(
            source=SOURCE,
            endpoint=template,
            method=method,
            type=kind,
            direction="incoming" if kind == "request" else "outgoing",
            errors=tuple(result.errors),
            status=status,
        )
    )


def _count_usage(request: HttpRequest, operation: str, body: Any, status: int) -> None:
    """Who called what (``videoplanet.monitoring.usage``): names only, in memory."""
    from videoplanet.monitoring.usage import identify, usage

    client = identify(request.headers.get("X-Client"), request.headers.get("User-Agent"))
    usage.call(
        client,
        operation,
        query=list(request.GET),
        body=None if body is _NO_JSON or body is NO_BODY else body,
        status=status,
    )


@functools.lru_cache(maxsize=4096)
def _bodyless_result(
    validator: SchemaValidator, path: str, method: str, query_string: str
) -> ValidationResult:
    """The check of a request without a body: a function of its path and query string
    alone, so a review room's many identical list requests are checked once (the check
    was most of what ``enforce`` added to a cached list page, ``make bench``). Each
    request is still recorded on its own; the cache holds only the verdicts."""
    query = QueryDict(query_string)
    values = {name: query.getlist(name) for name in query}
    return validator.validate_request(path, method, NO_BODY, query=values)


class ContractValidationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        mode = settings.CONTRACT_VALIDATION
        recording = settings.USAGE_RECORDING
        if mode == "off" and not recording:
            return self.get_response(request)
        validator = committed_validator()
        method = request.method or "GET"
        template = validator.operation(request.path, method)
        if template is None:
            return self.get_response(request)  # not documented: routing answers
        body: Any = NO_BODY
        if self._credentials_missing(validator, template, method, request):
            response = self.get_response(request)
        else:
            body = _request_body(request)  # parsed once: checked and counted
            rejection = None
            if mode != "off":
                rejection = self._check_request(request, body, validator, template, method, mode)
            response = rejection or self.get_response(request)
            checked = getattr(response, "contract_checked", False)  # a cached page's bytes
            if rejection is None and mode != "off" and not checked:
                self._check_response(request, response, validator, template, method)
        if recording:
            _count_usage(request, f"{method.upper()} {template}", body, response.status_code)
        return response

    @staticmethod
    def _credentials_missing(
        validator: SchemaValidator, template: str, method: str, request: HttpRequest
    ) -> bool:
        security = validator.document["paths"][template][method.lower()].get("security")
        needs_auth = bool(security) and {} not in security
        return needs_auth and "HTTP_AUTHORIZATION" not in request.META

    @staticmethod
    def _check_request(
        request: HttpRequest,
        body: Any,
        validator: SchemaValidator,
        template: str,
        method: str,
        mode: str,
    ) -> HttpResponse | None:
        if body is _NO_JSON:
            return None
        if body is NO_BODY:
            query_string = request.META.get("QUERY_STRING", "")
            result = _bodyless_result(validator, request.path, method, query_string)
        else:
            query = {name: request.GET.getlist(name) for name in request.GET}
            result = validator.validate_request(request.path, method, body, query=query)
        if result.valid:
            return None
        _record(template, method, result, "request")
        if mode != "enforce":
            return None
        if result.summary:
            # Only a missing body is worth a 400; a body the operation ignores is not.
            rejected = result if body is NO_BODY else None
        else:
            problems = tuple(p for p in result.problems if _rejects(p))
            rejected = ValidationResult(False, problems) if problems else None
        if rejected is None:
            return None
        return error_response(ContractViolated(details=rejected.details))

    @staticmethod
    def _check_response(
        request: HttpRequest,
        response: HttpResponse,
        validator: SchemaValidator,
        template: str,
        method: str,
    ) -> None:
        body = _response_body(response)
        if body is _NO_JSON:
            result = ValidationResult(False, summary="the response body is not JSON")
        else:
            try:
                result = validator.validate_response(
                    request.path, method, response.status_code, body
                )
            except (TypeError, ValueError):  # response.data held a non-JSON type
                body = json.loads(response.content)
                result = validator.validate_response(
                    request.path, method, response.status_code, body
                )
        if not result.valid:
            _record(template, method, result, "response", status=response.status_code)
