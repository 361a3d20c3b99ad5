"""Strict JSON fields: a string must be a string, a number a number.

DRF's stock fields coerce ("30.5" becomes 30.5, 12 becomes "12", an int becomes a
UUID). The contract says what type each field has, so input of another type is a
validation error, not a guess. Each field's rules are in the OpenAPI document too
(``minLength``, ``pattern``), so a value the document allows is one the field accepts.
"""

from __future__ import annotations

import copy
import functools
import math
import re
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

# Format characters (Unicode category Cf, as of Unicode 15.1) are invisible, and some
# change how the text around them is shown: bidi embeddings and overrides
# U+202A–U+202E, isolates U+2066–U+2069, the marks U+200E, U+200F and U+061C. Text
# holding them can display as something other than what it says ("Trojan Source"), so
# text fields refuse those of the Basic Multilingual Plane, except the joiners that real
# writing needs: ZWJ U+200D (emoji sequences) and ZWNJ U+200C (Persian and Indic
# spelling). Variation selectors are not format characters.
#
# The format characters above U+FFFF (tags U+E0001 and U+E0020–U+E007F; the controls of
# Egyptian hieroglyphs, shorthand and musical notation) reorder nothing, and text takes
# them: the OpenAPI pattern could not say otherwise, since ECMAScript names them only in
# its Unicode mode (``\u{E0001}``), which Python's regex engine (and so schemathesis)
# does not read, and schemathesis rewrites a literal one into Python's ``\U`` escape.
# Emoji, which have no pattern, refuse them all but the tags of flag sequences
# (England's is U+1F3F4 and tags).
#
# Spelled out rather than read from ``unicodedata`` so the OpenAPI pattern does not
# change with Python's Unicode version.
# fmt: skip below: code point ranges kept four a row (one pair a line would be 22 lines).
_TEXT_FORMAT_RANGES: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD),
    (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E),
    (0x200B, 0x200B), (0x200E, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064),
    (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB),
)  # fmt: skip
_EMOJI_FORMAT_RANGES: tuple[tuple[int, int], ...] = (
    *_TEXT_FORMAT_RANGES,
    (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
)  # fmt: skip

MISLEADING = "".join(
    f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in _TEXT_FORMAT_RANGES
)
"""What text fields refuse, as a character class body for the OpenAPI ``pattern``."""


@functools.cache
def _format_characters(emoji: bool) -> re.Pattern[str]:
    ranges = _EMOJI_FORMAT_RANGES if emoji else _TEXT_FORMAT_RANGES
    body = "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)
    return re.compile(f"[{body}]")


def misleading_characters(value: str, *, emoji: bool = False) -> list[str]:
    """The format characters in ``value`` that text (or an emoji) must not hold, as
    ``U+XXXX``."""
    found = _format_characters(emoji).findall(value)
    return list(dict.fromkeys(f"U+{ord(char):04X}" for char in found))


# A serializer that only reads request data, its fields copied shallowly. DRF deep-copies
# every declared field for each serializer instance, which builds each field (and each
# nested serializer's fields) anew: for a feedback with five drawn shapes that was a
# seventh of the request's CPU (`python -m bench.profile`). Fields that only validate
# hold no per-request state (binding sets attributes on the copy, and a nested
# serializer's fields, once built, are only read), so a shallow copy of each does. For
# input serializers of plain fields and nested RequestSerializers only. (A comment, not a
# docstring: drf-spectacular would give it to every subclass's schema as description.)
class RequestSerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}


class TextValidator(RegexValidator):
    """No NUL and, unless ``format_characters``, no misleading format characters, each
    refused with its own message. Its ``regex`` (read by drf-spectacular into the
    OpenAPI ``pattern``) says the same, and with ``visible`` also that some character is
    not whitespace, which DRF's blank check already enforces after trimming."""

    def __init__(self, *, visible: bool, format_characters: bool) -> None:
        excluded = "\\u0000" if format_characters else f"\\u0000{MISLEADING}"
        pattern = (
            rf"^[^{excluded}]*[^{excluded}{WHITESPACE}][^{excluded}]*$"
            if visible
            else rf"^[^{excluded}]*$"
        )
        super().__init__(pattern)
        self.format_characters = format_characters

    def __call__(self, value: Any) -> None:
        text = str(value)
        if "\x00" in text:
            raise serializers.ValidationError("Null characters are not allowed.")
        found = [] if self.format_characters else misleading_characters(text)
        if found:
            raise serializers.ValidationError(
                f"Must not contain invisible formatting characters ({', '.join(found)})."
            )
        super().__call__(value)


class StrictCharField(serializers.CharField):
    """A JSON string. Unless blank is allowed, it must not be empty, nor (when whitespace
    is trimmed, the default) whitespace only; its length is counted before trimming.

    Text refuses misleading format characters (``misleading_characters``); a field that
    keeps its input verbatim (``trim_whitespace=False``, e.g. a password) keeps them too,
    as does one built with ``allow_format_characters=True``.

    DRF already refuses blanks; the ``minLength`` and ``pattern`` added here put that in
    the OpenAPI document. The pattern never refuses a value the checks before it let
    through, and refuses what they refuse.
    """

    default_error_messages = {"invalid": "Must be a string."}

    def __init__(self, *, allow_format_characters: bool | None = None, **kwargs: Any) -> None:
        if not kwargs.get("allow_blank", False):
            kwargs.setdefault("min_length", 1)
        super().__init__(**kwargs)
        visible = self.trim_whitespace and not self.allow_blank
        if allow_format_characters is None:
            allow_format_characters = not self.trim_whitespace
        # The pattern refuses NUL itself, so DRF's own NUL validator would only repeat it.
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        self.validators.append(
            TextValidator(visible=visible, format_characters=allow_format_characters)
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
