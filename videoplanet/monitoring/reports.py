"""The contract-violation report (docs/contract-testing.md §6.1), as agreed with the SDK's
ContractMonitor.

    {"timestamp": "2026-11-23T10:00:00Z",
     "dropped": 0,
     "violations": [
       {"key": "POST:/api/v1/feedbacks:request", "endpoint": "/api/v1/feedbacks",
        "method": "POST", "type": "request", "direction": "outgoing", "count": 12,
        "firstSeen": "2026-11-23T09:59:01Z", "lastSeen": "2026-11-23T09:59:58Z",
        "uniqueErrors": 2, "errors": ["$.priority: must be one of ...", "..."]}]}

``report_parse`` checks one against the limits below and returns it typed, or raises
``ValidationFailed`` with every problem keyed by field path
(``violations.3.lastSeen``). The intake and the server's own monitor both go through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from videoplanet.api.errors import ValidationFailed, flatten_details
from videoplanet.api.fields import StrictCharField, StrictChoiceField

from .models import Direction, ViolationType

MAX_ENTRIES = 1000
MAX_ERRORS = 50
MAX_ERROR_LENGTH = 1000
MAX_ENDPOINT_LENGTH = 255
MAX_COUNT = 2**31 - 1
WS = "WS"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", WS)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer: not a string, a float or a boolean."""

    default_error_messages = {"invalid": "Must be an integer."}

    def to_internal_value(self, data: Any) -> int:
        if not isinstance(data, int) or isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)  # type: ignore[no-any-return]


@extend_schema_serializer(component_name="ContractViolationReportEntry")
class ReportEntrySerializer(serializers.Serializer):
    key = StrictCharField(
        max_length=MAX_ENDPOINT_LENGTH + 20, help_text="`{method}:{endpoint}:{type}`."
    )
    endpoint = StrictCharField(
        max_length=MAX_ENDPOINT_LENGTH,
        help_text="The OpenAPI path template (a concrete path is mapped to its template), "
        "or the room message type for `WS`.",
    )
    method = StrictChoiceField(choices=METHODS)
    type = StrictChoiceField(choices=ViolationType.choices)
    direction = StrictChoiceField(
        choices=Direction.choices, help_text="As the reporter saw it (its request is outgoing)."
    )
    count = StrictIntegerField(min_value=1, max_value=MAX_COUNT)
    firstSeen = serializers.DateTimeField()
    lastSeen = serializers.DateTimeField()
    uniqueErrors = StrictIntegerField(
        required=False,
        min_value=0,
        max_value=MAX_COUNT,
        help_text="Distinct errors seen, possibly more than `errors` holds; "
        "defaults to the number of distinct `errors`.",
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # Declared here: a class attribute named `errors` would hide Serializer.errors.
        fields["errors"] = serializers.ListField(
            child=StrictCharField(
                max_length=MAX_ERROR_LENGTH, allow_blank=True, trim_whitespace=False
            ),
            max_length=MAX_ERRORS,
        )
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        problems: dict[str, str] = {}
        method, endpoint, type_ = attrs["method"], attrs["endpoint"], attrs["type"]
        if attrs["key"] != f"{method}:{endpoint}:{type_}":
            problems["key"] = "Must be `{method}:{endpoint}:{type}` of this entry."
        if (method == WS) != (type_ == ViolationType.MESSAGE):
            problems["type"] = (
                "A WS entry's type is message; an HTTP entry's is request or response."
            )
        if attrs["firstSeen"] > attrs["lastSeen"]:
            problems["lastSeen"] = "Must not be before firstSeen."
        distinct = len(set(attrs["errors"]))
        if attrs.get("uniqueErrors", distinct) < distinct:
            problems["uniqueErrors"] = f"Must be at least the {distinct} distinct errors sent."
        if problems:
            raise serializers.ValidationError(problems)
        return attrs


@extend_schema_serializer(component_name="ContractViolationReport")
class ReportSerializer(serializers.Serializer):
    timestamp = serializers.DateTimeField(help_text="When the reporter sent the report.")
    dropped = StrictIntegerField(
        required=False,
        default=0,
        min_value=0,
        max_value=MAX_COUNT,
        help_text="Violations the reporter's bounded buffer could not keep since its last "
        "accepted report.",
    )
    violations = serializers.ListField(child=ReportEntrySerializer(), max_length=MAX_ENTRIES)


@dataclass(frozen=True, slots=True)
class ReportEntry:
    endpoint: str
    method: str
    type: str
    direction: str
    count: int
    first_seen: datetime
    last_seen: datetime
    unique_errors: int
    errors: tuple[str, ...]
    """Distinct, in the order sent."""


@dataclass(frozen=True, slots=True)
class Report:
    timestamp: datetime
    dropped: int
    entries: tuple[ReportEntry, ...]


def report_parse(data: Any) -> Report:
    """A report as sent (JSON types), checked; ``ValidationFailed`` names every problem."""
    serializer = ReportSerializer(data=data)
    if not serializer.is_valid():
        raise ValidationFailed(details=flatten_details(serializer.errors))
    valid = serializer.validated_data
    entries = []
    for item in valid["violations"]:
        errors = tuple(dict.fromkeys(item["errors"]))
        entries.append(
            ReportEntry(
                endpoint=item["endpoint"],
                method=item["method"],
                type=item["type"],
                direction=item["direction"],
                count=item["count"],
                first_seen=item["firstSeen"],
                last_seen=item["lastSeen"],
                unique_errors=item.get("uniqueErrors", len(errors)),
                errors=errors,
            )
        )
    return Report(timestamp=valid["timestamp"], dropped=valid["dropped"], entries=tuple(entries))
