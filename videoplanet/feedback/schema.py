"""The drawing's rules in the OpenAPI document, beyond what its serializers' fields say.

``Shape`` becomes one component per kind of shape (``ShapeTwoPoint``, ``ShapeFreehand``,
``ShapeText``), told apart by the ``type`` discriminator: each gets the number of
coordinates it takes and says whether it has ``text``. ``DrawingData`` gets
its limit on shapes. Only the evenness of a freehand shape's coordinates is left to
the description; JSON Schema cannot count in twos.
"""

from __future__ import annotations

import copy
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension

from videoplanet.api.schema import named_component

from .drawing import MAX_FREEHAND_POINTS, MAX_SHAPES, ShapeType

# Each kind's `type` values; SPECTACULAR_SETTINGS' ENUM_NAME_OVERRIDES names them.
TWO_POINT = [
    t.value for t in (ShapeType.RECTANGLE, ShapeType.ELLIPSE, ShapeType.LINE, ShapeType.ARROW)
]
FREEHAND = [ShapeType.FREEHAND.value]
TEXT = [ShapeType.TEXT.value]


class ShapeSchema(OpenApiSerializerExtension):
    target_class = "videoplanet.feedback.drawing.ShapeSerializer"

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        base = super().map_serializer(auto_schema, direction)
        mapping: dict[str, str] = {}

        def kind(
            name: str, types: list[str], min_items: int, max_items: int, text: bool
        ) -> dict[str, Any]:
            schema = copy.deepcopy(base)
            schema["properties"]["type"] = {"type": "string", "enum": types}
            coordinates = schema["properties"]["coordinates"]
            coordinates.update(minItems=min_items, maxItems=max_items)
            if text:
                schema["required"] = sorted({*schema["required"], "text"})
            else:
                del schema["properties"]["text"]
                schema["not"] = {"properties": {"text": {}}, "required": ["text"]}
            ref = named_component(auto_schema, name, schema)
            mapping.update(dict.fromkeys(types, ref["$ref"]))
            return ref

        return {
            "oneOf": [
                kind("ShapeTwoPoint", TWO_POINT, 4, 4, text=False),
                kind("ShapeFreehand", FREEHAND, 4, MAX_FREEHAND_POINTS * 2, text=False),
                kind("ShapeText", TEXT, 2, 2, text=True),
            ],
            "discriminator": {"propertyName": "type", "mapping": mapping},
            "description": base["properties"]["coordinates"].get("description", ""),
        }


class DrawingDataSchema(OpenApiSerializerExtension):
    target_class = "videoplanet.feedback.drawing.DrawingDataSerializer"

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema = super().map_serializer(auto_schema, direction)
        schema["properties"]["shapes"]["maxItems"] = MAX_SHAPES
        return schema
