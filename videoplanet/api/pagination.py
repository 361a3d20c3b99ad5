"""Keyset pages for the API's lists: ``limit`` and an opaque ``cursor`` in the query,
the body a bare array, the next page's URL in a ``Link: <url>; rel="next"`` header.

A cursor is URL-safe base64 of a small JSON array: the last row's position in the
list's order. Each list says what its position holds (``cursor_decode``'s ``parse``);
a cursor that does not decode to one is a 400 naming ``cursor``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from .errors import ValidationFailed

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class PageQuerySerializer(serializers.Serializer):
    """The paging parameters; a list's query serializer extends it with its filters."""

    limit = serializers.IntegerField(
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        default=DEFAULT_PAGE_SIZE,
        help_text=f"Page size, 1–{MAX_PAGE_SIZE} ({DEFAULT_PAGE_SIZE}).",
    )
    cursor = serializers.CharField(
        required=False, max_length=200, help_text="Opaque; from the Link header."
    )


def cursor_encode(position: Sequence[Any]) -> str:
    raw = json.dumps(list(position), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str, parse: Callable[[list[Any]], T]) -> T:
    """The position in ``cursor``, read by ``parse`` (which raises ValueError, TypeError
    or AttributeError for a position it does not take); ValidationFailed otherwise."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = json.loads(raw)
        if not isinstance(position, list):
            raise ValueError(position)
        return parse(position)
    except (binascii.Error, ValueError, TypeError, AttributeError) as exc:
        raise ValidationFailed.field("cursor", "Invalid cursor.") from exc


def paged_response(request: Request, body: Any, *, next_cursor: str | None) -> Response:
    """The page's response; with ``next_cursor``, the ``Link`` to the next page (the same
    query with that cursor)."""
    response = Response(body)
    link = next_page_link(request, next_cursor)
    if link is not None:
        response["Link"] = link
    return response


def next_page_link(request: Request, next_cursor: str | None) -> str | None:
    """The ``Link`` header to the next page (the same query with that cursor), if any."""
    if next_cursor is None:
        return None
    next_query = request.query_params.copy()
    next_query["cursor"] = next_cursor
    url = request.build_absolute_uri(f"{request.path}?{urlencode(next_query, doseq=True)}")
    return f'<{url}>; rel="next"'
