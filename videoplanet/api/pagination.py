"""Keyset pages for the API's lists: ``limit`` and an opaque ``cursor`` in the query,
the body a bare array, the next page's URL in a ``Link: <url>; rel="next"`` header.

A cursor is URL-safe base64 of a small JSON array: the last row's position in the
list's order. This module is the one codec for every such cursor (the API's lists and
the monitoring dashboard's ``before``); each list says what its position holds with a
:class:`Keyset` (how a row's position becomes the array and back). A cursor that does
not decode to a position of its list is :class:`InvalidCursor` (a ``ValueError``); in a
query it is a 400 naming ``cursor``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from .errors import ValidationFailed

P = TypeVar("P")
R = TypeVar("R")

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


class InvalidCursor(ValueError):
    """The cursor is not a position of its list (tampered with, or another list's)."""


def cursor_encode(position: Sequence[Any]) -> str:
    raw = json.dumps(list(position), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_position(cursor: str, parse: Callable[[list[Any]], P]) -> P:
    """The position in ``cursor``, read by ``parse`` (which raises ValueError, TypeError,
    AttributeError or OverflowError for a position it does not take); InvalidCursor
    otherwise."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = json.loads(raw)
        if not isinstance(position, list):
            raise ValueError(position)
        return parse(position)
    except (binascii.Error, ValueError, TypeError, AttributeError, OverflowError) as exc:
        raise InvalidCursor(f"invalid cursor: {cursor!r}") from exc


def cursor_decode(cursor: str, parse: Callable[[list[Any]], P]) -> P:
    """:func:`cursor_position` for a query's ``cursor``: ValidationFailed naming it."""
    try:
        return cursor_position(cursor, parse)
    except InvalidCursor as exc:
        raise ValidationFailed.field("cursor", "Invalid cursor.") from exc


@dataclass(frozen=True)
class Keyset(Generic[P]):
    """One list's cursor: ``dump`` turns a position into the JSON array, ``parse`` reads
    it back (raising for an array that is not one of this list's positions)."""

    dump: Callable[[P], Sequence[Any]]
    parse: Callable[[list[Any]], P]

    def encode(self, position: P) -> str:
        return cursor_encode(self.dump(position))

    def position(self, cursor: str) -> P:
        """The position, or InvalidCursor."""
        return cursor_position(cursor, self.parse)

    def decode(self, cursor: str) -> P:
        """The position of a query's ``cursor``, or a 400 naming it."""
        return cursor_decode(cursor, self.parse)

    def after(self, params: dict[str, Any]) -> P | None:
        """The position a page's validated query starts after (None: the first page)."""
        return self.decode(params["cursor"]) if "cursor" in params else None


def keyset_response(
    request: Request,
    rows: Sequence[R],
    *,
    limit: int,
    position: Callable[[R], str],
    render: Callable[[Sequence[R]], Any],
) -> Response:
    """A page's response from up to ``limit + 1`` ``rows`` (the extra one says there is
    a next page): the first ``limit`` rendered, and when there are more, the ``Link`` to
    the next page, the same query with the cursor ``position`` gives the page's last row.
    """
    page = rows[:limit]
    response = Response(render(page))
    link = next_page_link(request, position(page[-1]) if len(rows) > limit else None)
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
