"""The one JSON parser for request bodies: DRF's views and the contract middleware.

Strict RFC 8259 JSON, parsed by orjson: a document Python's ``json`` would take but
that is not JSON, or that no field could use, is ``malformed_json`` (400):

- ``NaN``, ``Infinity`` and ``-Infinity`` (not JSON numbers);
- a lone UTF-16 surrogate (``"\\ud800"``), which is no character and no UTF-8 text can
  carry, and bytes that are not UTF-8;
- a number whose magnitude no double holds (``1e400``, an integer of 309 digits or
  more); a shorter integer beyond 64 bits is the nearest double, like any JSON number;
- nesting deeper than 1024 arrays or objects (Python's ``json`` raises RecursionError
  there, a 500);
- control characters, a raw NUL among them, inside strings.

A body is parsed once per request (:func:`json_body`): when the contract middleware has
parsed it, the view's parser takes that object instead of parsing the bytes again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

import orjson
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

_PARSED = "_videoplanet_parsed_json"


def json_body(request: Any) -> Any:
    """The JSON body of a Django request, parsed once: the contract middleware and the
    view's parser both get the same object. Raises InvalidJson."""
    parsed = getattr(request, _PARSED, _PARSED)
    if parsed is _PARSED:
        parsed = json_loads(request.body)
        setattr(request, _PARSED, parsed)
    return parsed


class InvalidJson(ValueError):
    """The bytes are not one strict JSON document; the message says where and why."""


def json_loads(body: bytes | str) -> Any:
    """One JSON document, or InvalidJson (never RecursionError, OverflowError...)."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidJson(str(exc)) from None


class JSONParser(BaseParser):
    """``application/json`` request bodies through :func:`json_loads`."""

    media_type = "application/json"

    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        drf_request = (parser_context or {}).get("request")
        django_request = getattr(drf_request, "_request", None)
        parsed = getattr(django_request, _PARSED, _PARSED)
        if parsed is not _PARSED:
            return parsed  # the contract middleware parsed these same bytes already
        body = stream.read() if stream is not None else b""
        try:
            return json_loads(body)
        except InvalidJson as exc:
            raise ParseError(f"The request body is not valid JSON: {exc}") from exc
