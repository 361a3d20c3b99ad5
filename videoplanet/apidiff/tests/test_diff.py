"""The OpenAPI diff names each change with its severity, and the release gate holds.

Most tests mutate a copy of a small fixture document and check exactly which changes
are reported where; the gate tests use the committed document.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from videoplanet.apidiff import KINDS, diff, latest_release, load, unversioned_breaking_changes
from videoplanet.apidiff.cli import main
from videoplanet.apidiff.impact import release_blockers
from videoplanet.apidiff.impact import report as impact_report
from videoplanet.apidiff.pacts import load as pacts_load
from videoplanet.apidiff.usage import Usage, parse_window
from videoplanet.apidiff.usage import load as usage_load
from videoplanet.contracts.__main__ import main as contracts_main
from videoplanet.contracts.openapi import COMMITTED

ROOT = Path(__file__).resolve().parents[3]
Doc = dict[str, Any]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "", "content": {"application/json": {"schema": schema}}}


ERROR = body(ref("Error"))


def item_id() -> dict[str, Any]:
    return {
        "in": "path",
        "name": "item_id",
        "required": True,
        "schema": {"type": "string", "format": "uuid"},
    }


BASE: Doc = {
    "openapi": "3.0.3",
    "info": {"title": "Items", "version": "1.0.0"},
    "paths": {
        "/items": {
            "get": {
                "parameters": [
                    {"in": "query", "name": "status", "schema": ref("ItemStatus")},
                    {"in": "query", "name": "limit", "schema": {"type": "integer", "maximum": 100}},
                ],
                "responses": {
                    "200": {
                        **body({"type": "array", "items": ref("Item")}),
                        "headers": {"Link": {"schema": {"type": "string"}}},
                    },
                    "401": ERROR,
                },
            },
            "post": {
                "requestBody": {"required": True, **body(ref("ItemInput"))},
                "responses": {
                    "201": body(
                        {
                            "type": "object",
                            "properties": {"id": {"type": "string"}},
                            "required": ["id"],
                        }
                    ),
                    "400": ERROR,
                },
            },
        },
        "/items/{item_id}": {
            "get": {
                "parameters": [item_id()],
                "responses": {"200": body(ref("Item")), "404": ERROR},
            },
            "patch": {
                "parameters": [item_id()],
                "requestBody": body(ref("ItemPatch")),
                "responses": {"204": {"description": ""}, "404": ERROR},
            },
        },
    },
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "format": "uuid", "readOnly": True},
                    "name": {"type": "string", "maxLength": 50},
                    "status": ref("ItemStatus"),
                    "note": {"type": "string", "nullable": True},
                    "size": {"type": "integer", "minimum": 0},
                    "owner": {"allOf": [ref("User")], "description": "Who made it."},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "parent": {"allOf": [ref("Item")], "nullable": True},
                    "attachment": ref("Attachment"),
                },
                "required": ["id", "name", "note", "owner", "size", "status", "tags"],
            },
            "ItemStatus": {"type": "string", "enum": ["open", "closed"]},
            "User": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "email": {"type": "string", "format": "email"},
                },
                "required": ["email", "id"],
            },
            "ItemInput": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "maxLength": 50},
                    "status": ref("ItemStatus"),
                    "note": {"type": "string", "nullable": True},
                    "size": {"type": "integer", "minimum": 0},
                    "attachment": ref("Attachment"),
                },
                "required": ["name"],
                "additionalProperties": False,
            },
            "ItemPatch": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "maxLength": 50},
                    "note": {"type": "string"},
                },
            },
            "Attachment": {"oneOf": [ref("Image"), ref("Link")]},
            "Image": {
                "type": "object",
                "properties": {"url": {"type": "string", "format": "uri"}},
                "required": ["url"],
            },
            "Link": {
                "type": "object",
                "properties": {"href": {"type": "string"}},
                "required": ["href"],
            },
            "Error": {
                "type": "object",
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                "required": ["code", "message"],
            },
        }
    },
}


def schemas(d: Doc) -> dict[str, Any]:
    return d["components"]["schemas"]


def rename(d: Doc, old: str, new: str) -> None:
    """Rename a component and every reference to it, in place."""
    schemas(d)[new] = schemas(d).pop(old)
    text = json.dumps(d).replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
    d.clear()
    d.update(json.loads(text))


def changes_of(old: Doc, new: Doc) -> list[tuple[str, str]]:
    return [(c.kind, c.location) for c in diff(old, new)]


@dataclass
class Case:
    name: str
    mutate: Callable[[Doc], None]
    expected: list[tuple[str, str]]
    setup: Callable[[Doc], None] | None = None  # applied to both documents first


LIST, ONE, CREATE, PATCH = (
    "GET /items",
    "GET /items/{item_id}",
    "POST /items",
    "PATCH /items/{item_id}",
)


def _item(d: Doc) -> dict[str, Any]:
    return schemas(d)["Item"]


def _input(d: Doc) -> dict[str, Any]:
    return schemas(d)["ItemInput"]


def _list_params(d: Doc) -> list[dict[str, Any]]:
    return d["paths"]["/items"]["get"]["parameters"]


def _drop_item_id_format(d: Doc) -> None:
    for operation in d["paths"]["/items/{item_id}"].values():
        del operation["parameters"][0]["schema"]["format"]


def _add_delete(d: Doc) -> None:
    d["paths"]["/items/{item_id}"]["delete"] = {
        "parameters": [item_id()],
        "responses": {"204": {"description": ""}},
    }


def _drop_from_item(name: str) -> Callable[[Doc], None]:
    def mutate(d: Doc) -> None:
        del _item(d)["properties"][name]
        if name in _item(d)["required"]:
            _item(d)["required"].remove(name)

    return mutate


def _rename_path_parameter(d: Doc) -> None:
    item = d["paths"].pop("/items/{item_id}")
    for operation in item.values():
        operation["parameters"] = [{**item_id(), "name": "id"}]
    d["paths"]["/items/{id}"] = item


def _link_required(d: Doc) -> None:
    d["paths"]["/items"]["get"]["responses"]["200"]["headers"]["Link"]["required"] = True


def _size_default(d: Doc) -> None:
    _input(d)["properties"]["size"]["default"] = 1


def _problem_json(d: Doc) -> None:
    response = d["paths"]["/items/{item_id}"]["get"]["responses"]["404"] = copy.deepcopy(ERROR)
    response["content"] = {"application/problem+json": response["content"].pop("application/json")}


def _problem_json_request(d: Doc) -> None:
    content = d["paths"]["/items"]["post"]["requestBody"]["content"]
    content["application/problem+json"] = content.pop("application/json")


def _extensible_colour(d: Doc) -> None:
    colour = {"type": "string", "x-extensible-enum": ["red", "blue"]}
    _item(d)["properties"]["colour"] = copy.deepcopy(colour)
    _input(d)["properties"]["colour"] = copy.deepcopy(colour)


def _required_priority(d: Doc) -> None:
    _input(d)["properties"]["priority"] = {"type": "string", "default": "low"}
    _input(d)["required"].append("priority")


def _wrap_create_body(d: Doc, branch: dict[str, Any]) -> None:
    media = d["paths"]["/items"]["post"]["requestBody"]["content"]["application/json"]
    media["schema"] = {"oneOf": [media["schema"], branch]}


def _add_video_variant(d: Doc) -> None:
    schemas(d)["Video"] = {
        "type": "object",
        "properties": {"src": {"type": "string"}},
        "required": ["src"],
    }
    schemas(d)["Attachment"]["oneOf"].append(ref("Video"))


CASES = [
    # operations
    Case(
        "operation removed",
        lambda d: d["paths"]["/items/{item_id}"].pop("patch"),
        [("operation-removed", PATCH)],
    ),
    Case("operation added", _add_delete, [("operation-added", "DELETE /items/{item_id}")]),
    Case("path parameter renamed", _rename_path_parameter, []),
    # parameters
    Case(
        "required parameter added",
        lambda d: _list_params(d).append(
            {"in": "query", "name": "owner", "required": True, "schema": {"type": "integer"}}
        ),
        [("parameter-added-required", f"{LIST} -> query owner")],
    ),
    Case(
        "optional parameter added",
        lambda d: _list_params(d).append(
            {"in": "query", "name": "owner", "schema": {"type": "integer"}}
        ),
        [("parameter-added", f"{LIST} -> query owner")],
    ),
    Case(
        "parameter made required",
        lambda d: _list_params(d)[1].update(required=True),
        [("parameter-became-required", f"{LIST} -> query limit")],
    ),
    Case(
        "parameter removed",
        lambda d: _list_params(d).pop(1),
        [("parameter-removed", f"{LIST} -> query limit")],
    ),
    Case(
        "parameter maximum lowered",
        lambda d: _list_params(d)[1]["schema"].update(maximum=50),
        [("request-constraint-narrowed", f"{LIST} -> query limit")],
    ),
    # request bodies
    Case(
        "request body made required",
        lambda d: d["paths"]["/items/{item_id}"]["patch"]["requestBody"].update(required=True),
        [("request-body-became-required", f"{PATCH} -> request")],
    ),
    Case(
        "required request body added",
        lambda d: d["paths"]["/items/{item_id}"]["get"].update(
            requestBody={"required": True, **body(ref("ItemPatch"))}
        ),
        [("request-body-added-required", f"{ONE} -> request")],
    ),
    Case(
        "request body removed",
        lambda d: d["paths"]["/items/{item_id}"]["patch"].pop("requestBody"),
        [("request-body-removed", f"{PATCH} -> request")],
    ),
    Case(
        "request media type replaced",
        lambda d: d["paths"]["/items"]["post"]["requestBody"].update(
            content={"multipart/form-data": {"schema": ref("ItemInput")}}
        ),
        [
            ("request-media-type-removed", f"{CREATE} -> request"),
            ("request-media-type-added", f"{CREATE} -> request"),
        ],
    ),
    # responses
    Case(
        "success status removed",
        lambda d: d["paths"]["/items/{item_id}"]["get"]["responses"].pop("200"),
        [("response-success-status-removed", f"{ONE} -> 200")],
    ),
    Case(
        "error status removed",
        lambda d: d["paths"]["/items/{item_id}"]["get"]["responses"].pop("404"),
        [("response-error-status-removed", f"{ONE} -> 404")],
    ),
    Case(
        "status added",
        lambda d: d["paths"]["/items/{item_id}"]["get"]["responses"].update({"403": ERROR}),
        [("response-status-added", f"{ONE} -> 403")],
    ),
    Case(
        "response body removed",
        lambda d: d["paths"]["/items/{item_id}"]["get"]["responses"]["200"].pop("content"),
        [("response-media-type-removed", f"{ONE} -> 200")],
    ),
    Case(
        "optional header removed",
        lambda d: d["paths"]["/items"]["get"]["responses"]["200"].pop("headers"),
        [("response-optional-header-removed", f"{LIST} -> 200 header Link")],
    ),
    Case(
        "required header removed",
        lambda d: d["paths"]["/items"]["get"]["responses"]["200"].pop("headers"),
        [("response-header-removed", f"{LIST} -> 200 header Link")],
        setup=_link_required,
    ),
    Case(
        "required header made optional",
        lambda d: d["paths"]["/items"]["get"]["responses"]["200"]["headers"]["Link"].pop(
            "required"
        ),
        [("response-header-became-optional", f"{LIST} -> 200 header Link")],
        setup=_link_required,
    ),
    # response properties, inside the $ref'd Item wherever it is used
    Case(
        "response property removed",
        _drop_from_item("tags"),
        [
            ("response-property-removed", f"{LIST} -> 200 $[].tags"),
            ("response-property-removed", f"{ONE} -> 200 $.tags"),
        ],
    ),
    Case(
        "optional response property removed",
        _drop_from_item("attachment"),
        [
            ("response-optional-property-removed", f"{LIST} -> 200 $[].attachment"),
            ("response-optional-property-removed", f"{ONE} -> 200 $.attachment"),
        ],
    ),
    Case(
        "response property made optional",
        lambda d: _item(d)["required"].remove("note"),
        [
            ("response-property-became-optional", f"{LIST} -> 200 $[].note"),
            ("response-property-became-optional", f"{ONE} -> 200 $.note"),
        ],
    ),
    Case(
        "response property made nullable",
        lambda d: _item(d)["properties"]["name"].update(nullable=True),
        [
            ("response-became-nullable", f"{LIST} -> 200 $[].name"),
            ("response-became-nullable", f"{ONE} -> 200 $.name"),
        ],
    ),
    Case(
        "response property added",
        lambda d: _item(d)["properties"].update(colour={"type": "string"}),
        [
            ("response-property-added", f"{LIST} -> 200 $[].colour"),
            ("response-property-added", f"{ONE} -> 200 $.colour"),
        ],
    ),
    Case(
        "response maxLength raised",
        lambda d: _item(d)["properties"]["name"].update(maxLength=100),
        [
            ("response-constraint-widened", f"{LIST} -> 200 $[].name"),
            ("response-constraint-widened", f"{ONE} -> 200 $.name"),
        ],
    ),
    Case(
        "type changed behind allOf",
        lambda d: schemas(d)["User"]["properties"]["id"].update(type="string"),
        [
            ("type-changed", f"{LIST} -> 200 $[].owner.id"),
            ("type-changed", f"{ONE} -> 200 $.owner.id"),
        ],
    ),
    Case(
        "allOf-wrapped property made nullable",
        lambda d: _item(d)["properties"]["owner"].update(nullable=True),
        [
            ("response-became-nullable", f"{LIST} -> 200 $[].owner"),
            ("response-became-nullable", f"{ONE} -> 200 $.owner"),
        ],
    ),
    Case(
        "response format removed",
        lambda d: schemas(d)["User"]["properties"]["email"].pop("format"),
        [
            ("response-format-widened", f"{LIST} -> 200 $[].owner.email"),
            ("response-format-widened", f"{ONE} -> 200 $.owner.email"),
        ],
    ),
    Case(
        "format changed",
        lambda d: schemas(d)["User"]["properties"]["email"].update(format="uri"),
        [
            ("format-changed", f"{LIST} -> 200 $[].owner.email"),
            ("format-changed", f"{ONE} -> 200 $.owner.email"),
        ],
    ),
    # request properties
    Case(
        "required request property added",
        lambda d: (
            _input(d)["properties"].update(colour={"type": "string"}),
            _input(d)["required"].append("colour"),
        ),
        [("request-property-added-required", f"{CREATE} -> request $.colour")],
    ),
    Case(
        "optional request property added",
        lambda d: _input(d)["properties"].update(colour={"type": "string"}),
        [("request-property-added", f"{CREATE} -> request $.colour")],
    ),
    Case(
        "request property made required",
        lambda d: _input(d)["required"].append("size"),
        [("request-property-became-required", f"{CREATE} -> request $.size")],
    ),
    Case(
        "request property removed where unknown ones are rejected",
        lambda d: _input(d)["properties"].pop("size"),
        [("request-property-rejected", f"{CREATE} -> request $.size")],
    ),
    Case(
        "request property removed where unknown ones are ignored",
        lambda d: schemas(d)["ItemPatch"]["properties"].pop("note"),
        [("request-property-removed", f"{PATCH} -> request $.note")],
    ),
    Case(
        "request property no longer nullable",
        lambda d: _input(d)["properties"]["note"].pop("nullable"),
        [("request-became-non-nullable", f"{CREATE} -> request $.note")],
    ),
    Case(
        "request type changed",
        lambda d: _input(d)["properties"]["size"].update(type="string"),
        [("type-changed", f"{CREATE} -> request $.size")],
    ),
    Case(
        "request integer widened to number",
        lambda d: _input(d)["properties"]["size"].update(type="number"),
        [("request-type-widened", f"{CREATE} -> request $.size")],
    ),
    Case(
        "request format added",
        lambda d: _input(d)["properties"]["name"].update(format="uuid"),
        [("request-format-narrowed", f"{CREATE} -> request $.name")],
    ),
    Case(
        "request maxLength lowered",
        lambda d: _input(d)["properties"]["name"].update(maxLength=20),
        [("request-constraint-narrowed", f"{CREATE} -> request $.name")],
    ),
    Case(
        "request maxLength raised",
        lambda d: _input(d)["properties"]["name"].update(maxLength=100),
        [("request-constraint-widened", f"{CREATE} -> request $.name")],
    ),
    Case(
        "request minimum raised",
        lambda d: _input(d)["properties"]["size"].update(minimum=1),
        [("request-constraint-narrowed", f"{CREATE} -> request $.size")],
    ),
    Case(
        "request pattern added",
        lambda d: schemas(d)["ItemPatch"]["properties"]["name"].update(pattern="^[a-z]+$"),
        [("request-constraint-narrowed", f"{PATCH} -> request $.name")],
    ),
    Case(
        "response maxItems added",
        lambda d: _item(d)["properties"]["tags"].update(maxItems=20),
        [
            ("response-constraint-narrowed", f"{LIST} -> 200 $[].tags"),
            ("response-constraint-narrowed", f"{ONE} -> 200 $.tags"),
        ],
    ),
    Case(
        "request default changed",
        lambda d: _input(d)["properties"]["size"].update(default=2),
        [("request-default-changed", f"{CREATE} -> request $.size")],
        setup=_size_default,
    ),
    # an enum shared by a query parameter, a request body and responses
    Case(
        "enum value removed",
        lambda d: schemas(d)["ItemStatus"]["enum"].remove("closed"),
        [
            ("request-enum-value-removed", f"{LIST} -> query status"),
            ("response-enum-value-removed", f"{LIST} -> 200 $[].status"),
            ("request-enum-value-removed", f"{CREATE} -> request $.status"),
            ("response-enum-value-removed", f"{ONE} -> 200 $.status"),
        ],
    ),
    Case(
        "enum value added",
        lambda d: schemas(d)["ItemStatus"]["enum"].append("archived"),
        [
            ("response-enum-value-added", f"{LIST} -> 200 $[].status"),
            ("response-enum-value-added", f"{ONE} -> 200 $.status"),
            ("request-enum-value-added", f"{LIST} -> query status"),
            ("request-enum-value-added", f"{CREATE} -> request $.status"),
        ],
    ),
    # oneOf variants, shared by a request and responses
    Case(
        "variant added",
        _add_video_variant,
        [
            ("response-variant-added", f"{LIST} -> 200 $[].attachment"),
            ("response-variant-added", f"{ONE} -> 200 $.attachment"),
            ("request-variant-added", f"{CREATE} -> request $.attachment"),
        ],
    ),
    Case(
        "variant removed",
        lambda d: schemas(d)["Attachment"]["oneOf"].pop(),
        [
            ("request-variant-removed", f"{CREATE} -> request $.attachment"),
            ("response-variant-removed", f"{LIST} -> 200 $[].attachment"),
            ("response-variant-removed", f"{ONE} -> 200 $.attachment"),
        ],
    ),
    Case(
        "property removed inside a variant",
        lambda d: (
            schemas(d)["Image"]["properties"].pop("url"),
            schemas(d)["Image"].pop("required"),
        ),
        [
            ("response-property-removed", f"{LIST} -> 200 $[].attachment.url"),
            ("response-property-removed", f"{ONE} -> 200 $.attachment.url"),
            ("request-property-removed", f"{CREATE} -> request $.attachment.url"),
        ],
    ),
    # the compatible mirror images
    Case(
        "parameter made optional",
        lambda d: _list_params(d)[1].pop("required"),
        [("parameter-became-optional", f"{LIST} -> query limit")],
        setup=lambda d: _list_params(d)[1].update(required=True),
    ),
    Case(
        "optional request body added",
        lambda d: d["paths"]["/items/{item_id}"]["get"].update(requestBody=body(ref("ItemPatch"))),
        [("request-body-added", f"{ONE} -> request")],
    ),
    Case(
        "request body made optional",
        lambda d: d["paths"]["/items"]["post"]["requestBody"].pop("required"),
        [("request-body-became-optional", f"{CREATE} -> request")],
    ),
    Case(
        "request property made optional",
        lambda d: _input(d)["required"].remove("name"),
        [("request-property-became-optional", f"{CREATE} -> request $.name")],
    ),
    Case(
        "request property made nullable",
        lambda d: schemas(d)["ItemPatch"]["properties"]["note"].update(nullable=True),
        [("request-became-nullable", f"{PATCH} -> request $.note")],
    ),
    Case(
        "path parameter format removed",
        _drop_item_id_format,
        [
            ("request-format-widened", f"{ONE} -> path item_id"),
            ("request-format-widened", f"{PATCH} -> path item_id"),
        ],
    ),
    Case(
        "request int32 widened to int64",
        lambda d: _input(d)["properties"]["size"].update(format="int64"),
        [("request-format-widened", f"{CREATE} -> request $.size")],
        setup=lambda d: _input(d)["properties"]["size"].update(format="int32"),
    ),
    Case(
        "format added in a request and responses",
        lambda d: schemas(d)["Link"]["properties"]["href"].update(format="uri"),
        [
            ("response-format-narrowed", f"{LIST} -> 200 $[].attachment.href"),
            ("response-format-narrowed", f"{ONE} -> 200 $.attachment.href"),
            ("request-format-narrowed", f"{CREATE} -> request $.attachment.href"),
        ],
    ),
    Case(
        "response property made non-nullable",
        lambda d: _item(d)["properties"]["note"].pop("nullable"),
        [
            ("response-became-non-nullable", f"{LIST} -> 200 $[].note"),
            ("response-became-non-nullable", f"{ONE} -> 200 $.note"),
        ],
    ),
    Case(
        "response property made required",
        lambda d: _item(d)["required"].append("parent"),
        [
            ("response-property-became-required", f"{LIST} -> 200 $[].parent"),
            ("response-property-became-required", f"{ONE} -> 200 $.parent"),
        ],
    ),
    Case(
        "response number narrowed to integer",
        lambda d: schemas(d)["User"]["properties"]["id"].update(type="integer"),
        [
            ("response-type-narrowed", f"{LIST} -> 200 $[].owner.id"),
            ("response-type-narrowed", f"{ONE} -> 200 $.owner.id"),
        ],
        setup=lambda d: schemas(d)["User"]["properties"]["id"].update(type="number"),
    ),
    Case(
        "response header added",
        lambda d: d["paths"]["/items"]["get"]["responses"]["200"]["headers"].update(
            {"X-Total": {"schema": {"type": "integer"}}}
        ),
        [("response-header-added", f"{LIST} -> 200 header X-Total")],
    ),
    Case(
        "response media type added",
        lambda d: d["paths"]["/items/{item_id}"]["get"]["responses"]["200"]["content"].update(
            {"text/csv": {"schema": {"type": "string"}}}
        ),
        [("response-media-type-added", f"{ONE} -> 200")],
    ),
    Case(
        "request pattern changed",
        lambda d: schemas(d)["ItemPatch"]["properties"]["name"].update(pattern="^[A-Z]+$"),
        [("constraint-changed", f"{PATCH} -> request $.name")],
        setup=lambda d: schemas(d)["ItemPatch"]["properties"]["name"].update(pattern="^[a-z]+$"),
    ),
    # judgement: what other diff tools miss or cry wolf about
    Case(
        "deprecated operation removed",
        lambda d: d["paths"]["/items/{item_id}"].pop("patch"),
        [("operation-removed-deprecated", PATCH)],
        setup=lambda d: d["paths"]["/items/{item_id}"]["patch"].update(deprecated=True),
    ),
    Case(
        "deprecated operation removed before its sunset",
        lambda d: d["paths"]["/items/{item_id}"].pop("patch"),
        [("operation-removed", PATCH)],
        setup=lambda d: d["paths"]["/items/{item_id}"]["patch"].update(
            {"deprecated": True, "x-sunset": "2999-01-01"}
        ),
    ),
    Case(
        "required request body removed",
        lambda d: d["paths"]["/items"]["post"].pop("requestBody"),
        [("request-required-body-removed", f"{CREATE} -> request")],
    ),
    Case(
        "error body specialised to problem+json",
        _problem_json,
        [("response-media-type-specialised", f"{ONE} -> 404")],
    ),
    Case(
        "request body specialised to problem+json is no specialisation",
        _problem_json_request,
        [
            ("request-media-type-removed", f"{CREATE} -> request"),
            ("request-media-type-added", f"{CREATE} -> request"),
        ],
    ),
    Case(
        "response header's declared type changed",
        lambda d: d["paths"]["/items"]["get"]["responses"]["200"]["headers"]["Link"][
            "schema"
        ].update(type="integer"),
        [("text-type-changed", f"{LIST} -> 200 header Link")],
    ),
    Case(
        "request default added",
        _size_default,
        [("request-default-added", f"{CREATE} -> request $.size")],
    ),
    Case(
        "request default removed",
        lambda d: _input(d)["properties"]["size"].pop("default"),
        [("request-default-removed", f"{CREATE} -> request $.size")],
        setup=_size_default,
    ),
    Case(
        "parameter default added",
        lambda d: _list_params(d)[1]["schema"].update(default=20),
        [("request-default-added", f"{LIST} -> query limit")],
    ),
    Case(
        "extensible enum value added to a response",
        lambda d: _item(d)["properties"]["colour"]["x-extensible-enum"].append("green"),
        [
            ("response-extensible-enum-value-added", f"{LIST} -> 200 $[].colour"),
            ("response-extensible-enum-value-added", f"{ONE} -> 200 $.colour"),
        ],
        setup=_extensible_colour,
    ),
    Case(
        "extensible enum value removed from a request",
        lambda d: _input(d)["properties"]["colour"]["x-extensible-enum"].remove("blue"),
        [("request-enum-value-removed", f"{CREATE} -> request $.colour")],
        setup=_extensible_colour,
    ),
    Case(
        "response pattern removed",
        lambda d: _item(d)["properties"]["name"].pop("pattern"),
        [
            ("response-pattern-removed", f"{LIST} -> 200 $[].name"),
            ("response-pattern-removed", f"{ONE} -> 200 $.name"),
        ],
        setup=lambda d: _item(d)["properties"]["name"].update(pattern="^[a-z]+$"),
    ),
    Case(
        "request pattern that matches anything added",
        lambda d: schemas(d)["ItemPatch"]["properties"]["name"].update(pattern=".*"),
        [],
    ),
    Case(
        "empty request pattern added",
        lambda d: schemas(d)["ItemPatch"]["properties"]["name"].update(pattern=""),
        [],
    ),
    Case(
        "request pattern written differently",
        lambda d: schemas(d)["ItemPatch"]["properties"]["name"].update(
            pattern="^(?:[0-9][0-9][0-9])$"
        ),
        [],
        setup=lambda d: schemas(d)["ItemPatch"]["properties"]["name"].update(pattern=r"^\d{3}$"),
    ),
    Case(
        "required request property added with a default",
        _required_priority,
        [("request-property-added-required-with-default", f"{CREATE} -> request $.priority")],
    ),
    Case(
        "request property became read-only",
        lambda d: _input(d)["properties"]["note"].update(readOnly=True),
        [("request-property-became-read-only", f"{CREATE} -> request $.note")],
    ),
    Case(
        "request body wrapped in a oneOf with an overlapping branch",
        lambda d: _wrap_create_body(
            d, {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
        ),
        [
            ("request-variants-overlap", f"{CREATE} -> request $"),
            ("request-variant-added", f"{CREATE} -> request $"),
        ],
    ),
    Case(
        "request body wrapped in a oneOf with a disjoint branch",
        lambda d: _wrap_create_body(d, {"type": "string"}),
        [("request-variant-added", f"{CREATE} -> request $")],
    ),
    Case(
        "allOf part with a required property added to a request",
        lambda d: _input(d).update(
            allOf=[{"properties": {"size": {"type": "integer"}}, "required": ["size"]}]
        ),
        [("request-property-became-required", f"{CREATE} -> request $.size")],
    ),
    Case(
        "allOf part with a stricter bound added to a request",
        lambda d: schemas(d)["ItemPatch"]["properties"].update(
            name={"allOf": [{"type": "string", "maxLength": 50}, {"maxLength": 10}]}
        ),
        [("request-constraint-narrowed", f"{PATCH} -> request $.name")],
    ),
    Case(
        "anyOf variant replaced in a request",
        lambda d: schemas(d)["ItemPatch"]["properties"]["note"].update(
            anyOf=[
                {"type": "string"},
                {"type": "object", "properties": {"b": {"type": "string"}}, "required": ["b"]},
            ]
        ),
        [  # the one branch left on each side is compared with its successor, by content
            ("request-property-added-required", f"{PATCH} -> request $.note.b"),
            ("request-property-removed", f"{PATCH} -> request $.note.a"),
        ],
        setup=lambda d: schemas(d)["ItemPatch"]["properties"].update(
            note={
                "anyOf": [
                    {"type": "string"},
                    {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
                ]
            }
        ),
    ),
    Case(
        "nullable reference re-wrapped as anyOf with null",
        lambda d: _item(d)["properties"].update(parent={"anyOf": [ref("Item"), {"type": "null"}]}),
        [],
    ),
    # no change
    Case(
        "descriptions only",
        lambda d: _item(d)["properties"]["name"].update(description="Its name."),
        [],
    ),
    Case("component renamed", lambda d: rename(d, "User", "Person"), []),
    Case("recursive component renamed", lambda d: rename(d, "Item", "Thing"), []),
    Case(
        "allOf wrapper replaced by a plain $ref",
        lambda d: _item(d)["properties"].update(owner=ref("User")),
        [],
    ),
    Case(
        "read-only property added to a request",
        lambda d: schemas(d)["ItemPatch"]["properties"].update(
            id={"type": "string", "readOnly": True}
        ),
        [],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_change_is_classified_where_it_happens(case: Case) -> None:
    old = copy.deepcopy(BASE)
    if case.setup:
        case.setup(old)
    new = copy.deepcopy(old)
    case.mutate(new)
    assert sorted(changes_of(old, new)) == sorted(case.expected)


def test_breaking_changes_come_first() -> None:
    new = copy.deepcopy(BASE)
    schemas(new)["ItemStatus"]["enum"] = ["open", "archived"]
    severities = [c.severity for c in diff(BASE, new)]
    assert severities == sorted(severities, key=["breaking", "warning", "compatible"].index)
    assert severities[0] == "breaking" and "compatible" in severities


ASYNCAPI_KINDS = {"message-added", "message-removed"}  # test_asyncapi_messages_...


def test_every_kind_has_a_case() -> None:
    assert {kind for case in CASES for kind, _ in case.expected} | ASYNCAPI_KINDS == KINDS.keys()


def test_a_change_in_a_recursive_schema_is_reported_once_per_use() -> None:
    new = copy.deepcopy(BASE)
    _item(new)["properties"]["name"]["maxLength"] = 60
    # Item.parent is an Item: the change is not repeated at $.parent.name, $.parent.parent.name...
    assert changes_of(BASE, new) == [
        ("response-constraint-widened", f"{LIST} -> 200 $[].name"),
        ("response-constraint-widened", f"{ONE} -> 200 $.name"),
    ]


def test_mutually_recursive_components_terminate() -> None:
    old = copy.deepcopy(BASE)
    schemas(old)["User"]["properties"]["items"] = {"type": "array", "items": ref("Item")}
    new = copy.deepcopy(old)
    schemas(new)["User"]["properties"]["items"]["maxItems"] = 10
    assert ("response-constraint-narrowed", f"{ONE} -> 200 $.owner.items") in changes_of(old, new)


def test_a_renamed_component_that_also_changed_is_compared_by_shape() -> None:
    new = copy.deepcopy(BASE)
    rename(new, "User", "Person")
    del schemas(new)["Person"]["properties"]["email"]
    schemas(new)["Person"]["required"].remove("email")
    assert changes_of(BASE, new) == [
        ("response-property-removed", f"{LIST} -> 200 $[].owner.email"),
        ("response-property-removed", f"{ONE} -> 200 $.owner.email"),
    ]


# The command ---------------------------------------------------------------------------


def write(tmp_path: Path, name: str, document: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return path


def broken_base() -> Doc:
    new = copy.deepcopy(BASE)
    _drop_from_item("tags")(new)
    _item(new)["properties"]["colour"] = {"type": "string"}
    schemas(new)["ItemStatus"]["enum"].append("archived")
    return new


def test_exit_0_without_breaking_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = copy.deepcopy(BASE)
    _item(new)["properties"]["colour"] = {"type": "string"}
    assert (
        main([str(write(tmp_path, "old.json", BASE)), str(write(tmp_path, "new.json", new))]) == 0
    )
    out = capsys.readouterr().out
    assert "COMPATIBLE (2)" in out and "BREAKING" not in out
    assert out.rstrip().endswith("1.0.0 → 1.0.0: 0 breaking, 0 warnings, 2 compatible")


def test_exit_1_and_a_report_grouped_by_severity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [str(write(tmp_path, "old.json", BASE)), str(write(tmp_path, "new.json", broken_base()))]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert out.index("BREAKING (2)") < out.index("WARNING (2)") < out.index("COMPATIBLE (4)")
    assert (
        "  response-property-removed  GET /items -> 200 $[].tags\n      tags is no longer in the response"
        in out
    )
    assert out.rstrip().splitlines()[-1] == "1.0.0 → 1.0.0: 2 breaking, 2 warnings, 4 compatible"


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "--json",
            str(write(tmp_path, "old.json", BASE)),
            str(write(tmp_path, "new.json", broken_base())),
        ]
    )
    listed = json.loads(capsys.readouterr().out)
    assert code == 1
    assert listed[0] == {
        "severity": "breaking",
        "kind": "response-property-removed",
        "location": "GET /items -> 200 $[].tags",
        "message": "tags is no longer in the response",
    }
    assert [c["severity"] for c in listed].count("warning") == 2


def test_a_major_version_is_named_in_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = broken_base()
    new["info"]["version"] = "2.0.0"
    assert (
        main([str(write(tmp_path, "old.json", BASE)), str(write(tmp_path, "new.json", new))]) == 1
    )
    assert "The major version went up" in capsys.readouterr().out


def with_item(schema: dict[str, Any]) -> Doc:
    document = copy.deepcopy(BASE)
    schemas(document)["Item"] = schema
    return document


@pytest.mark.parametrize(
    ("old", "error"),
    [
        (None, "cannot read"),
        ("{not json", "is not JSON"),
        ({"swagger": "2.0", "paths": {}}, "is not an OpenAPI 3 or AsyncAPI document"),
        (with_item(ref("Missing")), "leads nowhere"),
        (with_item({"$ref": "other.json#/Item"}), "only local"),
    ],
    ids=["missing", "not json", "swagger 2", "dangling ref", "remote ref"],
)
def test_exit_2_for_unreadable_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: Any, error: str
) -> None:
    old_path = tmp_path / "absent.json" if old is None else write(tmp_path, "old.json", old)
    assert main([str(old_path), str(write(tmp_path, "new.json", BASE))]) == 2
    assert error in capsys.readouterr().err


def test_null_where_an_object_belongs_is_empty_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = copy.deepcopy(BASE)
    old["paths"]["/items/{item_id}"]["patch"]["responses"]["204"]["content"] = None
    new = copy.deepcopy(old)
    new["paths"]["/items/{item_id}"]["patch"]["responses"] = None
    new["paths"]["/items/{item_id}"]["get"]["parameters"] = None
    assert main([str(write(tmp_path, "old.json", old)), str(write(tmp_path, "new.json", new))]) == 1
    out = capsys.readouterr().out
    assert "response-success-status-removed  PATCH /items/{item_id} -> 204" in out
    assert "parameter-removed  GET /items/{item_id} -> path item_id" in out


def test_a_malformed_document_exits_2_never_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = copy.deepcopy(BASE)
    new["paths"]["/items"]["get"]["responses"] = ["not", "an", "object"]
    old_path, new_path = write(tmp_path, "old.json", BASE), write(tmp_path, "new.json", new)
    assert main([str(old_path), str(new_path)]) == 2
    assert "responses of GET /items is not an object" in capsys.readouterr().err


def test_an_internal_error_exits_2_never_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(old: Doc, new: Doc) -> list[Any]:
        raise KeyError("somewhere")

    monkeypatch.setattr("videoplanet.apidiff.cli.diff", crash)
    path = write(tmp_path, "same.json", BASE)
    assert main([str(path), str(path)]) == 2
    assert "internal error (KeyError" in capsys.readouterr().err


def as_31(d: Doc) -> Doc:
    """The document in OpenAPI 3.1's spelling of the same schemas."""
    d = copy.deepcopy(d)
    d["openapi"] = "3.1.0"
    item = _item(d)["properties"]
    item["note"] = {"type": ["string", "null"]}
    item["parent"] = {"anyOf": [ref("Item"), {"type": "null"}]}
    item["size"] = {"type": "integer", "minimum": 0}
    _input(d)["properties"]["note"] = {"type": ["string", "null"]}
    return d


def test_openapi_31_spellings_of_the_same_schema_are_no_change() -> None:
    old = copy.deepcopy(BASE)
    _item(old)["properties"]["size"].update(minimum=0, exclusiveMinimum=True)
    _item(old)["properties"]["kind"] = {"type": "string", "enum": ["item"]}
    new = as_31(BASE)
    _item(new)["properties"]["size"] = {"type": "integer", "exclusiveMinimum": 0}
    _item(new)["properties"]["kind"] = {"type": "string", "const": "item"}
    assert changes_of(old, new) == []


def test_openapi_31_null_dropped_from_a_type_list_is_seen() -> None:
    new = as_31(BASE)
    _input(new)["properties"]["note"] = {"type": "string"}
    assert changes_of(BASE, new) == [("request-became-non-nullable", f"{CREATE} -> request $.note")]


@pytest.mark.parametrize(
    ("keyword", "old_value", "new_value", "kind"),
    [
        ("not", None, {"enum": ["x"]}, "request-constraint-narrowed"),
        ("not", {"enum": ["x"]}, None, "request-constraint-widened"),
        ("not", {"enum": ["x"]}, {"enum": ["y"]}, "constraint-changed"),
        ("propertyNames", None, {"maxLength": 3}, "request-constraint-narrowed"),
        ("dependentRequired", {"a": ["b"]}, {"a": ["c"]}, "constraint-changed"),
        ("prefixItems", [{"type": "string"}], [{"type": "integer"}], "constraint-changed"),
    ],
)
def test_json_schema_keywords_without_a_30_spelling_are_compared_not_ignored(
    keyword: str, old_value: Any, new_value: Any, kind: str
) -> None:
    old, new = as_31(BASE), as_31(BASE)
    for document, value in ((old, old_value), (new, new_value)):
        if value is not None:
            schemas(document)["ItemPatch"][keyword] = value
    assert changes_of(old, new) == [(kind, f"{PATCH} -> request $")]


def test_the_same_not_through_a_renamed_component_is_no_change() -> None:
    old, new = as_31(BASE), as_31(BASE)
    schemas(old)["ItemPatch"]["not"] = ref("User")
    schemas(new)["ItemPatch"]["not"] = ref("User")
    rename(new, "User", "Person")
    assert changes_of(old, new) == []


def test_a_not_that_declares_its_required_property_as_anything_is_no_change() -> None:
    old, new = as_31(BASE), as_31(BASE)
    schemas(old)["ItemPatch"]["not"] = {"required": ["name"]}
    schemas(new)["ItemPatch"]["not"] = {"properties": {"name": {}}, "required": ["name"]}
    assert changes_of(old, new) == []
    # A property that constrains, or a closed object, is a change.
    schemas(new)["ItemPatch"]["not"]["properties"]["name"] = {"type": "string"}
    assert changes_of(old, new) == [("constraint-changed", f"{PATCH} -> request $")]


def test_changed_webhooks_are_refused_not_passed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = as_31(BASE), as_31(BASE)
    old["webhooks"] = {"itemMade": {"post": {"responses": {"200": {"description": ""}}}}}
    new["webhooks"] = {}
    assert main([str(write(tmp_path, "old.json", old)), str(write(tmp_path, "new.json", new))]) == 2
    assert "webhooks" in capsys.readouterr().err
    assert changes_of(old, copy.deepcopy(old)) == []


def test_exit_2_for_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["only-one.json"]) == 2
    assert contracts_main([]) == 2
    assert contracts_main(["nope"]) == 2
    assert "diff OLD NEW" in capsys.readouterr().err


def test_a_folder_means_its_highest_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v9, v10 = copy.deepcopy(BASE), broken_base()
    v9["info"]["version"], v10["info"]["version"] = "9.2.0", "10.0.0"
    (tmp_path / "released").mkdir()
    write(tmp_path / "released", "openapi-v9.json", v9)
    write(tmp_path / "released", "openapi-v10.json", v10)
    (tmp_path / "released" / "README.md").write_text("not a document")
    assert latest_release(tmp_path / "released").name == "openapi-v10.json"
    assert main([str(tmp_path / "released"), str(write(tmp_path, "new.json", v10))]) == 0
    assert "10.0.0 → 10.0.0" in capsys.readouterr().out


def test_the_module_runs_as_a_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "videoplanet.contracts", "diff", str(write(tmp_path, "old.json", BASE)),
         str(write(tmp_path, "new.json", broken_base()))],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "BREAKING (2)" in result.stdout


# The release gate ----------------------------------------------------------------------


def _committed_usage() -> Usage | None:
    """The usage document ``make api-diff USAGE=path`` passes on (``USAGE``), if any."""
    path = os.environ.get("USAGE")
    return usage_load(Path(path), parse_window("30d")) if path else None


def test_the_committed_document_has_no_unversioned_breaking_change() -> None:
    """Breaking without a major bump fails, unless usage data for the whole window shows
    every consumer Unaffected (``impact.release_blockers``)."""
    released, current = load(latest_release()), load(COMMITTED)
    blockers = release_blockers(released, current, pacts_load(ROOT / "pacts"), _committed_usage())
    assert blockers == [], (
        f"contracts/openapi.json breaks clients of {latest_release().relative_to(ROOT)} "
        "without a new major version (see contracts/released/README.md):\n"
        + impact_report(blockers)
    )


def _feedback_without_status() -> Doc:
    """The committed document without Feedback.status, as a release within the last major."""
    current = copy.deepcopy(load(COMMITTED))
    current["info"]["version"] = load(latest_release())["info"]["version"]
    feedback = current["components"]["schemas"]["Feedback"]
    del feedback["properties"]["status"]
    feedback["required"].remove("status")
    return current


def test_the_gate_fails_on_a_removed_response_field() -> None:
    released = load(latest_release())
    unreleased = copy.deepcopy(load(COMMITTED))  # this major's deliberate breaks, if any
    unreleased["info"]["version"] = released["info"]["version"]
    already = set(unversioned_breaking_changes(released, unreleased))
    changes = set(unversioned_breaking_changes(released, _feedback_without_status())) - already
    assert {(c.kind, c.location) for c in changes} == {
        ("response-property-removed", "GET /api/v1/feedbacks -> 200 $[].status"),
        ("response-property-removed", "POST /api/v1/feedbacks -> 201 $.status"),
        ("response-property-removed", "GET /api/v1/feedbacks/{feedback_id} -> 200 $.status"),
        ("response-property-removed", "PATCH /api/v1/feedbacks/{feedback_id} -> 200 $.status"),
    }


def test_the_gate_lets_a_new_major_version_break() -> None:
    released, current = load(latest_release()), _feedback_without_status()
    major = int(released["info"]["version"].split(".")[0])
    current["info"]["version"] = f"{major}.1.0"
    assert unversioned_breaking_changes(released, current) != []
    current["info"]["version"] = f"{major + 1}.0.0"
    assert unversioned_breaking_changes(released, current) == []


# AsyncAPI -------------------------------------------------------------------------------

ASYNCAPI = ROOT / "contracts" / "asyncapi.json"


def _without_message(d: Doc, key: str) -> None:
    d["components"]["messages"].pop(key)
    d["channels"]["videoRoom"]["messages"].pop(key)
    for operation in d["operations"].values():
        operation["messages"] = [m for m in operation["messages"] if not m["$ref"].endswith(key)]


def test_asyncapi_messages_are_compared_by_type_and_direction() -> None:
    old = load(ASYNCAPI)
    new = copy.deepcopy(old)
    created = new["components"]["schemas"]["FeedbackCreated"]
    del created["properties"]["content"]
    created["required"].remove("content")
    new["components"]["schemas"]["Ping"]["required"] = ["id"]
    _without_message(new, "userLeft")
    assert sorted(changes_of(old, new)) == [
        ("message-removed", "MESSAGE user.left"),
        # what clients send is a request: a field they may leave out became required
        ("request-property-became-required", "MESSAGE ping $.payload.id"),
        # what the server sends is read like a response
        ("response-property-removed", "MESSAGE feedback.created $.payload.content"),
    ]
    assert sorted(changes_of(new, old)) == sorted(
        [
            ("message-added", "MESSAGE user.left"),
            ("request-property-became-optional", "MESSAGE ping $.payload.id"),
            ("response-property-added", "MESSAGE feedback.created $.payload.content"),
        ]
    )
    assert changes_of(old, copy.deepcopy(old)) == []
