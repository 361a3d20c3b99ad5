"""Serve a stored file at its signed path, with HTTP Range support.

``GET|HEAD <MEDIA_URL>s/<token>/<name>``: a valid, unexpired signature for ``name`` is
the only key (see :mod:`.signing`); anything else is 404 in the error envelope, so a
bad link and a missing file look the same. The file is read through Django's storage
API (local disk or S3-compatible), a chunk at a time, never whole:

- ``Range: bytes=a-b`` / ``a-`` / ``-n`` → 206 with ``Content-Range``; a range that starts
  past the end → 416 with ``Content-Range: bytes */<size>``; several ranges, or a header
  that is not a byte range, → the whole file (200), which RFC 9110 allows;
- ``Accept-Ranges: bytes`` always, the type from the extension, ``Cache-Control: private``
  for as long as the URL stays valid.

In production a front server can take the bytes over: with ``MEDIA_X_ACCEL_REDIRECT``
set (e.g. ``/protected-media/``) the answer is an empty response with
``X-Accel-Redirect`` for nginx (which then handles ranges itself); with
``MEDIA_REDIRECT_TO_STORAGE`` the answer is a 302 to the storage's own URL (an S3
presigned URL with django-storages).
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import AsyncIterator, Iterator
from typing import IO

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

from videoplanet.api.errors import NotFound, error_response

from .signing import media_verify

CHUNK_BYTES = 256 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
mimetypes.add_type("image/webp", ".webp")
mimetypes.add_type("video/mp4", ".mp4")
mimetypes.add_type("video/webm", ".webm")
mimetypes.add_type("video/quicktime", ".mov")


def _byte_range(header: str, size: int) -> tuple[int, int] | str | None:
    """(first, last) inclusive; None for the whole file; "unsatisfiable" for a 416."""
    match = _RANGE.match(header.strip())
    if match is None:
        return None  # several ranges, or another unit: answer the whole file
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last n bytes
        suffix = int(last)
        if suffix == 0:
            return "unsatisfiable"
        return (max(0, size - suffix), size - 1) if size else "unsatisfiable"
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size:
        return "unsatisfiable"
    if end < start:
        return None  # syntactically invalid: ignore the header
    return start, end


def _chunks(handle: IO[bytes], remaining: int) -> Iterator[bytes]:
    try:
        while remaining > 0:
            data = handle.read(min(CHUNK_BYTES, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


async def _achunks(handle: IO[bytes], remaining: int) -> AsyncIterator[bytes]:
    """The same, for ASGI: Django would otherwise read a sync iterator whole first."""
    read = sync_to_async(handle.read, thread_sensitive=False)
    try:
        while remaining > 0:
            data = await read(min(CHUNK_BYTES, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        await sync_to_async(handle.close, thread_sensitive=False)()


def _not_found() -> HttpResponse:
    return error_response(NotFound("No such media, or the link has expired."))


@require_safe
def media_serve(request: HttpRequest, token: str, name: str) -> HttpResponseBase:
    try:
        ttl = media_verify(token, name)
    except signing.BadSignature:
        return _not_found()
    if ".." in name.split("/") or not default_storage.exists(name):
        return _not_found()
    cache = f"private, max-age={ttl}"
    if settings.MEDIA_REDIRECT_TO_STORAGE:
        response: HttpResponseBase = HttpResponseRedirect(default_storage.url(name))
        response["Cache-Control"] = "private, no-store"
        return response
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if settings.MEDIA_X_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{settings.MEDIA_X_ACCEL_REDIRECT.rstrip('/')}/{name}"
        response["Cache-Control"] = cache
        return response

    size = default_storage.size(name)
    wanted = _byte_range(request.headers.get("Range", ""), size)
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = wanted if isinstance(wanted, tuple) else (0, size - 1)
    length = last - first + 1 if size else 0
    status = 206 if isinstance(wanted, tuple) else 200
    if request.method == "HEAD":
        response = HttpResponse(status=status, content_type=content_type)
    else:
        handle = default_storage.open(name, "rb")
        if first:
            handle.seek(first)
        content = (
            _achunks(handle, length)
            if isinstance(request, ASGIRequest)
            else _chunks(handle, length)
        )
        response = StreamingHttpResponse(content, status=status, content_type=content_type)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = cache
    response["X-Content-Type-Options"] = "nosniff"
    if status == 206:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return response
