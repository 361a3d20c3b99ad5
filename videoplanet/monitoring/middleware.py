"""Counts every HTTP request for Prometheus and notes the operations served successfully.

Outermost in ``MIDDLEWARE``, so it also counts what inner middleware answers (413, a
contract 400) and a view's 500. ``endpoint`` is the OpenAPI path template of a
documented operation, else ``other``: label values stay a bounded set whatever paths
clients try.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from videoplanet.contracts.validator import committed_validator

from .sightings import http_requests, sightings
from .usage import usage

OTHER = "other"
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        method = request.method if request.method in _METHODS else OTHER
        template = committed_validator().operation(request.path, method)
        endpoint = OTHER if template is None else template
        status = response.status_code
        http_requests.labels(method=method, endpoint=endpoint, status=str(status)).inc()
        if endpoint != OTHER and 200 <= status < 400:
            sightings.mark(method, endpoint)
        if sightings.due():
            sightings.flush()
        if usage.due():
            usage.flush()
        return response
