"""OpenAPI pieces shared by every API: the Error envelope and its documented statuses."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema_serializer
from rest_framework import serializers

_DESCRIPTIONS = {
    400: "Invalid input: `code` is `validation_error` or `malformed_json`; "
    "`details` maps each field path to its messages.",
    401: "Missing or invalid `Authorization: Bearer <token>`.",
    403: "Your role in the project does not allow this.",
    404: "No such object, or it belongs to a project you are not a member of.",
    405: "Method not allowed.",
    413: "The request body is larger than the server accepts.",
    415: "The body is not `application/json`.",
    429: "Too many requests; retry after the `Retry-After` header's seconds.",
}


@extend_schema_serializer(component_name="Error")
class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable error code.")
    message = serializers.CharField(help_text="Human-readable explanation.")
    details = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field path → messages. Empty when the error is not about fields.",
    )


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """Responses for the given error statuses, all with the Error envelope."""
    return {
        status: OpenApiResponse(response=ErrorSerializer, description=_DESCRIPTIONS[status])
        for status in statuses
    }
