"""OpenAPI 3.0.3 schemas as JSON Schema 2020-12, as the validator compiles them."""

from __future__ import annotations

from typing import Any

_REF_PREFIX = "#/components/schemas/"
_URN = "urn:videoplanet:schema:"


_INTEGER = "x-videoplanet-integer-token"
"""Marks each ``type: integer``: request validators refuse a number written with a
fraction part there (``1.0``), as OpenAPI 3.0 readers that keep JSON's number tokens do;
JSON Schema 2020-12 alone counts ``1.0`` as an integer."""


def to_json_schema(node: Any, *, lenient_nullable: bool = False) -> Any:
    """An OpenAPI 3.0.3 schema as JSON Schema 2020-12.

    ``exclusiveMinimum: true`` next to ``minimum`` becomes 2020-12's numeric bound;
    ``nullable: true`` adds null to an explicit ``type`` and does nothing without one
    (OpenAPI 3.0.3), so ``nullable`` beside a bare ``allOf: [$ref]`` does not admit null
    and an enum admits null only when it lists it. ``lenient_nullable`` reads ``nullable``
    without ``type`` as admitting null anyway, for documents written that way. Beside a
    ``type`` and a composition, null is admitted as an ``if null / else``, so a non-null
    value gets the detailed errors of its schema. An object schema with ``properties``
    and no ``additionalProperties`` rejects properties it does not list, so an
    undocumented field is a contract violation in either direction.
    """
    if isinstance(node, list):
        return [to_json_schema(item, lenient_nullable=lenient_nullable) for item in node]
    if not isinstance(node, dict):
        return node
    out = {
        key: to_json_schema(value, lenient_nullable=lenient_nullable)
        for key, value in node.items()
        if key != "nullable"
    }
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        flag = out.get(exclusive)
        if isinstance(flag, bool):  # OpenAPI 3.0 flags the bound; 2020-12 names it
            del out[exclusive]
            if flag and bound in out:
                out[exclusive] = out.pop(bound)
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
        out["$ref"] = _URN + ref[len(_REF_PREFIX) :]
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    kind = out.get("type")
    if kind == "integer":
        out[_INTEGER] = True
    if not node.get("nullable"):
        return out
    if isinstance(kind, str):
        if {"allOf", "anyOf", "oneOf"} & out.keys():
            return {"if": {"type": "null"}, "else": out}
        out["type"] = [kind, "null"]
    elif lenient_nullable:
        if "enum" in out:
            out["enum"] = [*out["enum"], *([] if None in out["enum"] else [None])]
        else:
            return {"if": {"type": "null"}, "else": out}
    return out


class _IntegerToken:
    """The ``_INTEGER`` keyword: a float (``1.0`` in the JSON text) is not an integer."""

    def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
        pass

    def validate(self, instance: Any) -> None:
        if isinstance(instance, float):
            raise ValueError("expected integer")
