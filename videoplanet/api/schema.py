"""OpenAPI pieces shared by every API: the Error envelope and its documented statuses, and
the links between operations."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_serializer
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


# -- OpenAPI links ---------------------------------------------------------------------
# drf-spectacular has no field for a response's `links`, so an operation declares them as
# a specification extension in its own @extend_schema(extensions=response_links(...)),
# and the postprocessing hook below moves them to `responses[status].links`.

LINKS_EXTENSION = "x-response-links"


def link(
    operation_id: str,
    description: str,
    *,
    parameters: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One OpenAPI Link Object to ``operation_id``.

    ``parameters`` maps the target's parameters (``path.feedback_id``, ``query.video_id``)
    to runtime expressions (``$response.body#/id``); ``body`` holds request body fields,
    whose values may be expressions too.
    """
    definition: dict[str, Any] = {"operationId": operation_id, "description": description}
    if parameters:
        definition["parameters"] = parameters
    if body is not None:
        definition["requestBody"] = body
    return definition


def response_links(status: int, **links: dict[str, Any]) -> dict[str, Any]:
    """``extensions=`` for @extend_schema: name → :func:`link` for the ``status`` response."""
    return {LINKS_EXTENSION: {str(status): links}}


def postprocess_response_links(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """SPECTACULAR_SETTINGS hook: move each operation's declared links onto its response.

    Fails the generation when a link names a response the operation does not document,
    an operationId that does not exist, or a parameter the target does not take.
    """
    operations = {
        operation["operationId"]: operation
        for item in result.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for operation in operations.values():
        declared = operation.pop(LINKS_EXTENSION, None)
        for status, links in (declared or {}).items():
            response = operation["responses"].get(status)
            if response is None:
                raise ImproperlyConfigured(
                    f"{operation['operationId']} links from an undocumented {status} response"
                )
            for name, definition in links.items():
                _check_link(operations, operation["operationId"], name, definition)
            if links:
                response["links"] = links
    return result


def _check_link(
    operations: dict[str, dict[str, Any]], source: str, name: str, definition: dict[str, Any]
) -> None:
    target = operations.get(definition["operationId"])
    if target is None:
        raise ImproperlyConfigured(
            f"{source} link {name}: no operation {definition['operationId']}"
        )
    taken = {f"{p['in']}.{p['name']}" for p in target.get("parameters", [])}
    for parameter in definition.get("parameters", {}):
        if parameter not in taken:
            raise ImproperlyConfigured(
                f"{source} link {name}: {definition['operationId']} takes no {parameter}"
            )


def postprocess_closed_objects(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """SPECTACULAR_SETTINGS hook: every object schema lists all it may hold.

    The contract middleware refuses a request body with a field the document does not
    list (a typo such as ``priorty`` would otherwise be ignored silently), and the
    server's responses carry nothing undocumented; ``additionalProperties: false``
    says both in the document, so clients and generators (schemathesis) read the same
    rule the validator applies. Schemas that set ``additionalProperties`` (the error
    envelope's ``details`` map) keep theirs.
    """

    def close(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                close(item)
        elif isinstance(node, dict):
            if isinstance(node.get("properties"), dict) and "additionalProperties" not in node:
                node["additionalProperties"] = False
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    for schema in value.values():
                        close(schema)
                elif key not in ("example", "examples"):
                    close(value)

    close(result.get("components", {}).get("schemas", {}))
    close(result.get("paths", {}))
    return result


NEXT_PAGE_LINK = OpenApiParameter(
    "Link",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=[200],
    description='`<url>; rel="next"` when there is a next page.',
)
"""The paged lists' response header, documented the same way everywhere."""
