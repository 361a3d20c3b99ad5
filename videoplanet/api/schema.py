"""OpenAPI pieces shared by every API: the Error envelope and its documented statuses, and
the links between operations."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import drf_spectacular.openapi
from django.core.exceptions import ImproperlyConfigured
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.settings import spectacular_settings
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


def named_component(auto_schema: Any, name: str, schema: dict[str, Any]) -> dict[str, str]:
    """``schema`` as the component ``name`` (a branch of a ``oneOf``), and a reference to it.

    Generated clients name a branch's class after its component; an inline branch would be
    named by its position.
    """
    component = ResolvedComponent(
        name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=f"component:{name}"
    )
    auto_schema.registry.register_on_missing(component)
    return component.ref  # type: ignore[no-any-return]


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
    envelope's ``details`` map) keep theirs. A schema under ``not`` stays open: closing
    it would make it match less, so the schema around it would admit more.
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
                elif key not in ("example", "examples", "not"):
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


# -- Resource tags and security ----------------------------------------------------------
# Operations are grouped by resource, so Swagger UI and generated clients (one module per
# tag) read by resource. SPECTACULAR_SETTINGS["TAGS"] declares each with its description;
# every path belongs to one of them, or the document is not generated.

# The first segment after /api/v1/ (or /api/) → its tag, where the two differ.
_TAG_OF_SEGMENT = {"me": "auth", "feedbacks": "feedback"}


def resource_tag(path: str) -> str:
    """The tag of the operation at ``path``: its resource.

    A project's invitations are tagged with the invitations they are, not the project.
    """
    segments = [s for s in path.split("/") if s and not s.startswith("{")]
    if segments[:1] == ["api"]:
        segments = segments[2:] if segments[1:2] == ["v1"] else segments[1:]
    if segments[:1] == ["projects"] and "invitations" in segments:
        return "invitations"
    tag = _TAG_OF_SEGMENT.get(segments[0], segments[0]) if segments else ""
    if tag not in {declared["name"] for declared in spectacular_settings.TAGS}:
        raise ImproperlyConfigured(f"{path}: no resource tag (videoplanet.api.schema)")
    return tag


class AutoSchema(drf_spectacular.openapi.AutoSchema):
    """drf-spectacular's, with resource tags and an explicit ``security: []``.

    An operation that takes no authentication (sign-up, sign-in, verify) says so with an
    empty security list, so generators and linters do not assume a global default.
    """

    def get_tags(self) -> list[str]:
        return [resource_tag(self.path)]

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is not None and "security" not in operation:
            operation["security"] = []
        return operation


# -- OpenAPI 3.0.3 as the specification reads it ---------------------------------------------


def _references(node: Any, found: dict[str, list[dict[str, Any]]]) -> None:
    """Every schema that holds ``allOf: [{$ref}]`` (drf-spectacular's wrapped reference)."""
    if isinstance(node, list):
        for item in node:
            _references(item, found)
    elif isinstance(node, dict):
        parts = node.get("allOf")
        if isinstance(parts, list) and len(parts) == 1 and "$ref" in parts[0]:
            found.setdefault(parts[0]["$ref"], []).append(node)
        for value in node.values():
            _references(value, found)


def postprocess_nullable_references(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """SPECTACULAR_SETTINGS hook: a nullable reference becomes a nullable component.

    drf-spectacular writes a nullable nested serializer as ``{"allOf": [{"$ref": X}],
    "nullable": true}``, but OpenAPI 3.0.3 lets ``nullable`` add null only to a ``type``
    in the same schema: that property is not nullable to a conformant consumer, which then
    refuses the server's real ``null``. When every use of the component is nullable, the
    component itself says ``nullable: true`` and its uses refer to it; a component used
    both ways fails the generation (it needs a nullable twin of its own).
    """
    schemas = result.get("components", {}).get("schemas", {})
    found: dict[str, list[dict[str, Any]]] = {}
    _references(result.get("paths", {}), found)
    _references(schemas, found)
    prefix = "#/components/schemas/"
    for ref, uses in found.items():
        nullable = [use for use in uses if use.get("nullable")]
        if not nullable:
            continue
        name = ref.removeprefix(prefix)
        component = schemas.get(name, {})
        if len(nullable) != len(uses) or "type" not in component:
            raise ImproperlyConfigured(f"{name}: nullable in some uses only, or without a type")
        component["nullable"] = True
        for use in uses:
            del use["nullable"]
            if set(use) == {"allOf"}:
                use["$ref"] = use.pop("allOf")[0]["$ref"]
    return result


_BLANK = {"type": "string", "maxLength": 0}


def _same(values: list[Any], other: Any) -> bool:
    return isinstance(other, list) and sorted(map(repr, values)) == sorted(map(repr, other))


_NULL_ENUM = {"enum": [None]}


def postprocess_enums_and_blanks(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """SPECTACULAR_SETTINGS hook, after drf-spectacular's enum hook.

    - A query parameter's enum refers to the component enum with the same values, so a
      generated client has one type for a status whether it reads or filters by it.
    - drf-spectacular's blank choice for a string field, ``oneOf: [<the field>,
      {maxLength: 0}]``, becomes ``anyOf``: where the field admits ``""`` too, ``oneOf``
      would refuse the value both branches match.
    - A nullable enum (an ``allow_null`` choice field) is ``oneOf: [<enum>, <null
      component>]``; its null component gets a ``type`` and ``nullable`` so that OpenAPI
      3.0.3 admits null through it, and the ``nullable`` beside the ``oneOf``, which 3.0.3
      ignores without a ``type``, goes.
    """
    schemas = result.get("components", {}).get("schemas", {})
    enums = {
        name: schema["enum"]
        for name, schema in schemas.items()
        if "enum" in schema and None not in schema["enum"]
    }
    nulls = {f"#/components/schemas/{n}" for n, s in schemas.items() if s == _NULL_ENUM}
    for name in nulls:
        schemas[name.rsplit("/", 1)[-1]] = {"type": "string", "nullable": True, "enum": [None]}

    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                same = [n for n, values in enums.items() if _same(values, schema.get("enum"))]
                if len(same) == 1:
                    parameter["schema"] = {"$ref": f"#/components/schemas/{same[0]}"}
                elif "enum" in schema:
                    raise ImproperlyConfigured(
                        f"{operation['operationId']} {parameter['name']}: enum matches {same}"
                    )

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            variants = node.get("oneOf")
            if isinstance(variants, list) and variants[-1:] == [_BLANK]:
                node["anyOf"] = node.pop("oneOf")
            if isinstance(variants, list) and any(v.get("$ref") in nulls for v in variants):
                node.pop("nullable", None)
            for key, child in node.items():
                if key not in ("example", "examples", "enum", "default"):
                    walk(child)

    walk(schemas)
    walk(result.get("paths", {}))
    return result


def postprocess_response_descriptions(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """SPECTACULAR_SETTINGS hook: every response says what it is.

    drf-spectacular leaves a serializer's response without a description; the document
    gives it the status and the schema it holds (``OK: a Project.``, ``OK: a list of
    Video.``), which is what Swagger UI and generated clients show beside it.
    """
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                if response.get("description"):
                    continue
                phrase = HTTPStatus(int(status)).phrase
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                response["description"] = f"{phrase}: {_what(schema)}." if schema else phrase
    return result


def _what(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"{'an' if name[0] in 'AEIOU' else 'a'} {name}"
    if schema.get("type") == "array" and "items" in schema:
        return f"a list of {_what(schema['items']).split(' ', 1)[1]}"
    raise ImproperlyConfigured(f"a response without a description holds {schema}")
