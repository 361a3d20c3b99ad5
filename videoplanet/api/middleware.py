"""Request limits enforced before any view reads the body."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .errors import RequestTooLarge, ValidationFailed, error_response


class RequestBodyLimitMiddleware:
    """Answer 413 in the error envelope when Content-Length exceeds the limit.

    DRF reads request bodies as a stream, which bypasses Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE, so the declared length is checked here.
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
        limit = settings.MAX_REQUEST_BODY_BYTES
        if request.path.startswith(settings.VIDEO_UPLOAD_PATH_PREFIX):
            limit = settings.VIDEO_UPLOAD_PART_MAX_BYTES  # video parts; the view streams them
        if length > limit:
            return error_response(
                RequestTooLarge(f"The request body is {length} bytes; the limit is {limit}.")
            )
        return self.get_response(request)
