"""`drawing_data`: the shapes a reviewer draws over the frame.

``{"shapes": [{"type", "coordinates", "style": {"color", "width"}, "text"?}]}``, at
most 500 shapes. Each type has the coordinates it needs: rectangle, ellipse, line and
arrow take 4 numbers (x1, y1, x2, y2); freehand an even list of at least 4 (points);
text 2 (x, y) and a ``text``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import serializers

from videoplanet.api.fields import (
    RequestSerializer,
    StrictCharField,
    StrictChoiceField,
    StrictNumberField,
)

MAX_SHAPES = 500
MAX_FREEHAND_POINTS = 5000
COLOR_PATTERN = r"^#[0-9A-F]{6}$"


class ShapeType(models.TextChoices):
    RECTANGLE = "rectangle"
    ELLIPSE = "ellipse"
    LINE = "line"
    ARROW = "arrow"
    FREEHAND = "freehand"
    TEXT = "text"


class ShapeStyleSerializer(RequestSerializer):
    color = serializers.RegexField(COLOR_PATTERN, help_text="Upper-case hex colour, e.g. #FF0000.")
    width = StrictNumberField(min_value=1, max_value=50, help_text="Stroke width, 1–50.")

    class Meta:
        ref_name = "ShapeStyle"

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and not isinstance(data.get("color", ""), str):
            raise serializers.ValidationError({"color": ["Must be a string."]})
        return super().to_internal_value(data)


class ShapeSerializer(RequestSerializer):
    type = StrictChoiceField(choices=ShapeType.choices)
    coordinates = serializers.ListField(
        child=StrictNumberField(),
        min_length=2,
        max_length=MAX_FREEHAND_POINTS * 2,
        help_text="rectangle/ellipse/line/arrow: [x1, y1, x2, y2]; freehand: [x, y, ...] "
        "(even, ≥ 4); text: [x, y].",
    )
    style = ShapeStyleSerializer()  # type: ignore[assignment]  # DRF pops declared fields
    text = StrictCharField(
        required=False, max_length=1000, help_text="Required for (and only for) text shapes."
    )

    class Meta:
        ref_name = "Shape"

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        kind, coords = attrs["type"], attrs["coordinates"]
        if kind in (ShapeType.RECTANGLE, ShapeType.ELLIPSE, ShapeType.LINE, ShapeType.ARROW):
            if len(coords) != 4:
                raise serializers.ValidationError(
                    {"coordinates": [f"A {kind} takes exactly 4 numbers."]}
                )
        elif kind == ShapeType.FREEHAND:
            if len(coords) < 4 or len(coords) % 2:
                raise serializers.ValidationError(
                    {"coordinates": ["A freehand shape takes an even list of at least 4."]}
                )
        elif kind == ShapeType.TEXT:
            if len(coords) != 2:
                raise serializers.ValidationError(
                    {"coordinates": ["A text shape takes exactly 2 numbers."]}
                )
            if not attrs.get("text"):
                raise serializers.ValidationError({"text": ["A text shape needs its text."]})
        if kind != ShapeType.TEXT and "text" in attrs:
            raise serializers.ValidationError({"text": ["Only text shapes have text."]})
        return attrs


class DrawingDataSerializer(RequestSerializer):
    shapes = ShapeSerializer(many=True, max_length=MAX_SHAPES)  # type: ignore[call-arg]

    class Meta:
        ref_name = "DrawingData"

    def to_internal_value(self, data: Any) -> Any:
        shapes = data.get("shapes") if isinstance(data, dict) else None
        if isinstance(shapes, list) and len(shapes) > MAX_SHAPES:
            # Refuse before validating thousands of shapes one by one.
            raise serializers.ValidationError(
                {"shapes": [f"At most {MAX_SHAPES} shapes are allowed."]}
            )
        return super().to_internal_value(data)
