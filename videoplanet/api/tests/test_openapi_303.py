"""The document as OpenAPI 3.0.3 reads it (openapi-schema-validator, openapi-core's):
what the server really sends and accepts is valid, and the hooks that make it so hold for
fields the document does not have yet (a nullable choice, a nullable nested object)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from openapi_schema_validator import OAS30Validator
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from videoplanet.api.schema import resource_tag
from videoplanet.contracts.openapi import COMMITTED


def errors(document: dict[str, Any], schema: dict[str, Any], instance: Any) -> list[str]:
    validator = OAS30Validator({**schema, "components": document["components"]})
    return [error.message for error in validator.iter_errors(instance)]


def component(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


COMMITTED_DOCUMENT = json.loads(COMMITTED.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("schema", "path", "value"),
    [
        ("Feedback", "drawing_data", None),
        ("Invitation", "invited_by", None),
        ("FeedbackCreateAtTimestamp", "drawing_data", None),
    ],
)
def test_a_null_the_server_sends_or_takes_is_valid(schema: str, path: str, value: Any) -> None:
    prop = COMMITTED_DOCUMENT["components"]["schemas"][schema]["properties"][path]
    assert errors(COMMITTED_DOCUMENT, prop, value) == []
    assert errors(COMMITTED_DOCUMENT, prop, "not an object") != []


def test_a_reported_violation_may_carry_an_empty_error() -> None:
    entry = COMMITTED_DOCUMENT["components"]["schemas"]["ContractViolationReportEntry"]
    assert errors(COMMITTED_DOCUMENT, entry["properties"]["errors"], ["", "$.x: bad"]) == []
    assert errors(COMMITTED_DOCUMENT, entry["properties"]["errors"], ["a\x00b"]) != []


def test_a_shape_is_told_apart_by_its_type() -> None:
    shape = component("Shape")
    style = {"color": "#FF0000", "width": 2}
    text = {"type": "text", "coordinates": [1, 2], "style": style, "text": "Here"}
    assert errors(COMMITTED_DOCUMENT, shape, text) == []
    assert errors(COMMITTED_DOCUMENT, shape, {**text, "type": "rectangle"}) != []
    assert (
        COMMITTED_DOCUMENT["components"]["schemas"]["Shape"]["discriminator"]["mapping"]["arrow"]
        == "#/components/schemas/ShapeTwoPoint"
    )


class _Owner(serializers.Serializer):
    name = serializers.CharField()

    class Meta:
        ref_name = "ExampleOwner"


class _Example(serializers.Serializer):
    level = serializers.ChoiceField(choices=[("low", "Low"), ("high", "High")], allow_null=True)
    owner = _Owner(allow_null=True)

    class Meta:
        ref_name = "Example"


class _ExampleApi(APIView):
    @extend_schema(operation_id="example", responses={200: _Example})
    def get(self, request: Any) -> Response:
        return Response()


def _generated() -> dict[str, Any]:
    generator = SchemaGenerator(patterns=[path("api/v1/projects/example", _ExampleApi.as_view())])
    return json.loads(json.dumps(generator.get_schema(request=None, public=True)))  # type: ignore[no-any-return]


def test_a_nullable_choice_and_a_nullable_object_admit_null_as_303_reads_them() -> None:
    document = _generated()
    example = component("Example")
    assert errors(document, example, {"level": None, "owner": None}) == []
    assert errors(document, example, {"level": "high", "owner": {"name": "Ann"}}) == []
    assert errors(document, example, {"level": "medium", "owner": None}) != []
    # No `nullable` without a `type` beside it (Redocly's nullable-type-sibling): the null
    # branch carries both, the object component is nullable itself.
    schemas = document["components"]["schemas"]
    assert "nullable" not in schemas["Example"]["properties"]["level"]
    assert schemas["NullEnum"] == {"type": "string", "nullable": True, "enum": [None]}
    assert schemas["Example"]["properties"]["owner"] == component("ExampleOwner")


def test_every_path_has_a_declared_resource_tag() -> None:
    assert resource_tag("/api/v1/projects/{project_id}/invitations") == "invitations"
    assert resource_tag("/api/v1/me") == "auth"
    assert resource_tag("/api/monitoring/coverage") == "monitoring"
    with pytest.raises(ImproperlyConfigured):
        resource_tag("/api/v1/gadgets")
