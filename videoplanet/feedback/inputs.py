"""Input fields particular to feedback: screenshots, emoji, the list cursor."""

from __future__ import annotations

import base64
import binascii
import json
import math
import unicodedata
import uuid
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from videoplanet.api.errors import ValidationFailed

from .screenshots import (
    DATA_URL_PATTERN,
    DecodedScreenshot,
    InvalidScreenshot,
    screenshot_decode,
)

# Characters an emoji sequence may contain besides symbols: modifiers, variation
# selectors, zero-width joiners, tags, keycap marks and the keycap bases.
_EMOJI_EXTRA_CATEGORIES = {"Sk", "Mn", "Me", "Cf"}
_KEYCAP_BASES = set("0123456789#*")
MAX_EMOJI_CODEPOINTS = 16


def is_emoji(value: str) -> bool:
    """One emoji (or emoji sequence): symbols plus the joiners and modifiers they use."""
    if not value or len(value) > MAX_EMOJI_CODEPOINTS:
        return False
    has_symbol = False
    for char in value:
        category = unicodedata.category(char)
        if category == "So":
            has_symbol = True
        elif category not in _EMOJI_EXTRA_CATEGORIES and char not in _KEYCAP_BASES:
            return False
    return has_symbol or "\u20e3" in value


class EmojiField(serializers.CharField):
    default_error_messages = {"invalid": "Must be a single emoji, e.g. 👍."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_length", 1)
        kwargs.setdefault("max_length", MAX_EMOJI_CODEPOINTS)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str) or not is_emoji(data):
            self.fail("invalid")
        return data


def emoji_from_path(value: str) -> str:
    if not is_emoji(value):
        raise ValidationFailed.field("emoji", str(EmojiField.default_error_messages["invalid"]))
    return value


@extend_schema_field({"type": "string", "pattern": DATA_URL_PATTERN})
class ScreenshotField(serializers.CharField):
    """A data URL in, a verified image out."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text",
            "data:image/(webp|png|jpeg);base64,... — at most 5 MB decoded, 8192 px a side.",
        )
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> DecodedScreenshot:  # type: ignore[override]
        if not isinstance(data, str):
            raise serializers.ValidationError("Must be a string.")
        try:
            return screenshot_decode(data)
        except InvalidScreenshot as exc:
            raise serializers.ValidationError(str(exc)) from exc


class FrameField(serializers.IntegerField):
    """A frame index: a JSON integer (a float with no fraction, like 12.0, is one too)."""

    default_error_messages = {"invalid": "Must be an integer."}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, float) and data.is_integer():
            data = int(data)
        if not isinstance(data, int) or isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)  # type: ignore[no-any-return]


def cursor_encode(timestamp: float, feedback_id: uuid.UUID) -> str:
    raw = json.dumps([timestamp, str(feedback_id)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[float, uuid.UUID]:
    """The position an opaque cursor stands for; ValidationFailed if it was tampered with."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        timestamp, feedback_id = json.loads(raw)
        if not isinstance(timestamp, (int, float)) or isinstance(timestamp, bool):
            raise ValueError(timestamp)
        if not math.isfinite(timestamp):
            raise ValueError(timestamp)
        return float(timestamp), uuid.UUID(feedback_id)
    except (binascii.Error, ValueError, TypeError, AttributeError) as exc:
        raise ValidationFailed.field("cursor", "Invalid cursor.") from exc
