"""Strict JSON fields: a string must be a string, a number a number.

DRF's stock fields coerce ("30.5" becomes 30.5, 12 becomes "12", an int becomes a
UUID). The contract says what type each field has, so input of another type is a
validation error, not a guess.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from rest_framework import serializers


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class StrictCharField(serializers.CharField):
    default_error_messages = {"invalid": "Must be a string."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictNumberField(serializers.FloatField):
    """A JSON number; an integer stays an integer so it round-trips unchanged."""

    default_error_messages = {"invalid": "Must be a number."}

    def to_internal_value(self, data: Any) -> float:
        if not _is_number(data) or not math.isfinite(data):
            self.fail("invalid")
        super().to_internal_value(data)  # range checks
        return data  # type: ignore[no-any-return]


class StrictUUIDField(serializers.UUIDField):
    default_error_messages = {"invalid": "Must be a UUID string."}

    def to_internal_value(self, data: Any) -> uuid.UUID:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)  # type: ignore[no-any-return]


class StrictChoiceField(serializers.ChoiceField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class StrictEmailField(serializers.EmailField):
    default_error_messages = {"invalid": "Enter a valid email address."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data).lower()


class StrictURLField(serializers.URLField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def isoformat_z(value: Any) -> str:
    """A UTC datetime as ISO 8601 with a ``Z`` suffix (what DRF's DateTimeField gives)."""
    text: str = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
