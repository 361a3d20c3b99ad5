"""Strict JSON fields: a string must be a string, a number a number.

DRF's stock fields coerce ("30.5" becomes 30.5, 12 becomes "12", an int becomes a
UUID). The contract says what type each field has, so input of another type is a
validation error, not a guess. Each field's rules are in the OpenAPI document too
(``minLength``, ``pattern``), so a value the document allows is one the field accepts.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# What str.strip() removes (str.isspace(), Python's \s), spelled out for patterns in the
# OpenAPI document because ECMAScript's \s differs; the NUL character is refused by every
# DRF CharField.
WHITESPACE = (
    r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a"
    r"\u2028\u2029\u202f\u205f\u3000"
)
NO_NUL = r"^[^\u0000]*$"
VISIBLE_TEXT = rf"^[^\u0000]*[^\u0000{WHITESPACE}][^\u0000]*$"


class StrictCharField(serializers.CharField):
    """A JSON string. Unless blank is allowed, it must not be empty, nor (when whitespace
    is trimmed, the default) whitespace only; its length is counted before trimming.

    DRF already refuses blanks; the ``minLength`` and ``pattern`` added here put that in
    the OpenAPI document. The pattern never refuses a value the checks before it let
    through.
    """

    default_error_messages = {"invalid": "Must be a string."}

    def __init__(self, **kwargs: Any) -> None:
        if not kwargs.get("allow_blank", False):
            kwargs.setdefault("min_length", 1)
        super().__init__(**kwargs)
        visible = self.trim_whitespace and not self.allow_blank
        # The pattern refuses NUL itself, so DRF's own NUL validator would only repeat it.
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        self.validators.append(
            RegexValidator(VISIBLE_TEXT if visible else NO_NUL, "Null characters are not allowed.")
        )

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        # maxLength counts what was sent, before trimming, as the document does.
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


def _is_finite(value: int | float) -> bool:
    """Whether a double holds ``value``: not NaN, not infinite, not an integer too long
    for one (``math.isfinite`` and ``float`` raise OverflowError on those)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


class StrictNumberField(serializers.FloatField):
    """A JSON number a double holds; an integer stays an integer so it round-trips
    unchanged."""

    default_error_messages = {"invalid": "Must be a number."}

    def to_internal_value(self, data: Any) -> float:
        if not _is_number(data) or not _is_finite(data):
            self.fail("invalid")
        super().to_internal_value(data)  # range checks
        return data  # type: ignore[no-any-return]


@extend_schema_field({"type": "number", "format": "double", "minimum": 0, "exclusiveMinimum": True})
class PositiveNumberField(StrictNumberField):
    """A JSON number greater than 0."""

    default_error_messages = {"not_positive": "Must be greater than 0."}

    def to_internal_value(self, data: Any) -> float:
        value = super().to_internal_value(data)
        if value <= 0:
            self.fail("not_positive")
        return value


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
