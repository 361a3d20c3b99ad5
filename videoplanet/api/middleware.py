"""Request limits enforced before any view reads the body."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .errors import ValidationFailed, error_response
from .limits import body_limit_for, refusal_response


class RequestBodyLimitMiddleware:
    """Answer 413 in the error envelope when Content-Length exceeds the path's limit
    (``videoplanet.api.limits``).

    DRF reads request bodies as a stream, which bypasses Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE, so the declared length is checked here. Under ASGI the
    outer ``RequestBodyLimit`` layer has already refused it, and counts bodies sent
    without a length too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            return error_response(
                ValidationFailed.field("Content-Length", "Must be a whole number.")
            )
        limit = body_limit_for(request.path)
        if length > limit:
            return refusal_response(request, limit=limit, length=length)
        return self.get_response(request)
