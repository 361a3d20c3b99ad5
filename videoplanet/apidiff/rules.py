"""The rule table of the OpenAPI diff: every kind of change and its severity.

The rules take the client's side: a request is what it sends, a response what it reads.

- breaking: an operation removed (unless it was deprecated and its ``x-sunset``, if any,
  has passed); a success (1xx-3xx) status, a response media type, a required response
  property or header removed, or one that became optional or nullable; a type changed,
  except integer to number in a request or number to integer in a response; a required
  request property, body or parameter added, or an optional one made required; a
  required request body removed (clients send one; the server may refuse it); a request
  value that may no longer be null; a request enum (or ``x-extensible-enum``) value
  removed; a narrower format or constraint in a request (``maxLength`` down, ``minimum``
  up, ``pattern``, ``format``, ``enum`` or ``not`` added, ...) or a wider one in a
  response; a changed ``pattern`` or unrelated ``format``; a request property removed
  from a schema that rejects unknown properties; a ``oneOf``/``anyOf`` variant removed
  from a request or added to a response; a request ``oneOf`` whose branches newly
  overlap (a value matching two branches matches none).
- warning (reported, never fails): an enum value added to a response (strict clients may
  reject it); an optional response property or header removed (clients had to cope with
  its absence anyway); an error status (4xx, 5xx, default) removed; a request property,
  body or query/header parameter removed, or made read-only (the server now ignores what
  clients still send); a request default added, changed or removed; a deprecated
  operation removed after its sunset; a response header's or non-JSON body's declared
  JSON type changed (the value travels as text either way).
- compatible: the mirror images, which clients may ignore or need not use, and changes
  that only narrow what the provider sends: a response enum value or ``pattern``
  removed, a new ``x-extensible-enum`` value (clients were told to expect them),
  ``application/json`` specialised to ``application/problem+json``, a required request
  property added with a ``default``.

Patterns are compared by meaning where Python's parser can tell (``\\d{3}`` is
``[0-9][0-9][0-9]``; ``""``, ``.*`` and ``^.*`` match anything, which is no pattern).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["breaking", "warning", "compatible"]
Direction = Literal["request", "response"]

KINDS: dict[str, Severity] = {
    "operation-removed": "breaking",
    "operation-removed-deprecated": "warning",
    "message-removed": "breaking",
    "message-added": "compatible",
    "operation-added": "compatible",
    "parameter-added-required": "breaking",
    "parameter-became-required": "breaking",
    "parameter-removed": "warning",
    "parameter-added": "compatible",
    "parameter-became-optional": "compatible",
    "request-body-added-required": "breaking",
    "request-body-became-required": "breaking",
    "request-body-removed": "warning",
    "request-required-body-removed": "breaking",
    "request-body-added": "compatible",
    "request-body-became-optional": "compatible",
    "request-media-type-removed": "breaking",
    "request-media-type-added": "compatible",
    "response-success-status-removed": "breaking",
    "response-error-status-removed": "warning",
    "response-status-added": "compatible",
    "response-media-type-removed": "breaking",
    "response-media-type-added": "compatible",
    "response-media-type-specialised": "compatible",
    "response-header-removed": "breaking",
    "response-header-became-optional": "breaking",
    "response-optional-header-removed": "warning",
    "response-header-added": "compatible",
    "request-property-added-required": "breaking",
    "request-property-added-required-with-default": "compatible",
    "request-property-became-read-only": "warning",
    "request-property-became-required": "breaking",
    "request-property-rejected": "breaking",
    "request-property-removed": "warning",
    "request-property-added": "compatible",
    "request-property-became-optional": "compatible",
    "response-property-removed": "breaking",
    "response-property-became-optional": "breaking",
    "response-optional-property-removed": "warning",
    "response-property-added": "compatible",
    "response-property-became-required": "compatible",
    "request-became-non-nullable": "breaking",
    "response-became-nullable": "breaking",
    "request-became-nullable": "compatible",
    "response-became-non-nullable": "compatible",
    "type-changed": "breaking",
    "text-type-changed": "warning",
    "request-type-widened": "compatible",
    "response-type-narrowed": "compatible",
    "request-enum-value-removed": "breaking",
    "response-enum-value-removed": "compatible",
    "response-enum-value-added": "warning",
    "response-extensible-enum-value-added": "compatible",
    "request-enum-value-added": "compatible",
    "format-changed": "breaking",
    "request-format-narrowed": "breaking",
    "response-format-widened": "breaking",
    "request-format-widened": "compatible",
    "response-format-narrowed": "compatible",
    "constraint-changed": "breaking",
    "request-constraint-narrowed": "breaking",
    "response-constraint-widened": "breaking",
    "request-constraint-widened": "compatible",
    "response-constraint-narrowed": "compatible",
    "response-pattern-removed": "compatible",
    "request-variant-removed": "breaking",
    "response-variant-added": "breaking",
    "request-variant-added": "compatible",
    "response-variant-removed": "compatible",
    "request-variants-overlap": "breaking",
    "request-default-changed": "warning",
    "request-default-added": "warning",
    "request-default-removed": "warning",
}
SEVERITIES: tuple[Severity, ...] = ("breaking", "warning", "compatible")


@dataclass(frozen=True)
class Change:
    """One change: its kind, where it is (as text and in parts), and what it means.

    ``where`` holds the parts of ``location``: the operation (``GET /api/v1/feedbacks``,
    or ``MESSAGE feedback.created`` in an AsyncAPI document), the part (``request``, a
    status, ``query``, ``200 header``...) and the JSON path or parameter name in it.
    """

    kind: str
    location: str
    message: str
    where: Where | None = field(default=None, compare=False, repr=False)

    @property
    def severity(self) -> Severity:
        return KINDS[self.kind]

    def as_dict(self) -> dict[str, str]:
        return {
            "severity": self.severity,
            "kind": self.kind,
            "location": self.location,
            "message": self.message,
        }


@dataclass(frozen=True)
class Where:
    """``GET /api/v1/feedbacks -> 200 $[].status``: operation, part, then a JSON path."""

    operation: str
    part: str = ""
    path: str = ""

    def __str__(self) -> str:
        return " ".join(
            filter(None, (self.operation, "->" if self.part else "", self.part, self.path))
        )

    def child(self, suffix: str) -> Where:
        return Where(self.operation, self.part, self.path + suffix)

    def property(self, name: str) -> Where:
        return self.child(f".{name}" if re.fullmatch(r"\w+", name) else f"[{json.dumps(name)}]")
