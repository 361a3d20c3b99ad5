"""Input fields particular to feedback: screenshots, emoji, the lists' cursors."""

from __future__ import annotations

import math
import unicodedata
import uuid
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from videoplanet.api import pagination
from videoplanet.api.errors import ImageTooLarge, ValidationFailed
from videoplanet.api.fields import misleading_characters

from .models import MAX_THREAD_PATH_LENGTH, THREAD_SEGMENT_LENGTH
from .screenshots import (
    DATA_URL_PATTERN,
    DecodedScreenshot,
    InvalidScreenshot,
    ScreenshotTooLarge,
    screenshot_decode,
)

# Characters an emoji sequence may contain besides symbols: modifiers, variation
# selectors, zero-width joiners, tags, keycap marks and the keycap bases.
_EMOJI_EXTRA_CATEGORIES = {"Sk", "Mn", "Me", "Cf"}
_KEYCAP_BASES = set("0123456789#*")
MAX_EMOJI_CODEPOINTS = 16


def is_emoji(value: str) -> bool:
    """One emoji (or emoji sequence): symbols plus the joiners and modifiers they use.

    Of the format characters, only ZWJ and the tags of flag sequences belong in one.
    """
    if not value or len(value) > MAX_EMOJI_CODEPOINTS:
        return False
    if misleading_characters(value, emoji=True):
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
            "data:image/(webp|png|jpeg);base64,... — at most 5 MB decoded, 33177600 "
            "pixels (7680×4320) and 8192 px a side (more pixels: 400 image_too_large). "
            "Stored re-encoded in the same format, without metadata.",
        )
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> DecodedScreenshot:  # type: ignore[override]
        if not isinstance(data, str):
            raise serializers.ValidationError("Must be a string.")
        try:
            return screenshot_decode(data)
        except ScreenshotTooLarge as exc:
            # Its own code, so a client can scale the image down and try again.
            raise ImageTooLarge(details={self.field_name or "screenshot": [str(exc)]}) from exc
        except InvalidScreenshot as exc:
            raise serializers.ValidationError(str(exc)) from exc


class FrameField(serializers.IntegerField):
    """A frame index: a JSON integer. ``12.0`` is not one: the document says ``integer``,
    which OpenAPI 3.0 readers (and the contract validator) hold to the number's token."""

    default_error_messages = {"invalid": "Must be an integer."}

    def to_internal_value(self, data: Any) -> int:
        if not isinstance(data, int) or isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)  # type: ignore[no-any-return]


def _feedback_position(position: list[Any]) -> tuple[float, uuid.UUID]:
    timestamp, feedback_id = position
    if not isinstance(timestamp, (int, float)) or isinstance(timestamp, bool):
        raise ValueError(timestamp)
    if not math.isfinite(timestamp):
        raise ValueError(timestamp)
    return float(timestamp), uuid.UUID(feedback_id)


FEEDBACK_KEYSET = pagination.Keyset[tuple[float, uuid.UUID]](
    dump=lambda position: [position[0], str(position[1])], parse=_feedback_position
)
"""The feedback list's cursor: the last row's ``(timestamp, id)``."""


def _comment_position(position: list[Any]) -> str:
    (thread_path,) = position
    if (
        not isinstance(thread_path, str)
        or not thread_path
        or len(thread_path) % THREAD_SEGMENT_LENGTH
        or len(thread_path) > MAX_THREAD_PATH_LENGTH
        or thread_path.strip("0123456789abcdef")
    ):
        raise ValueError(thread_path)
    return thread_path


COMMENT_KEYSET = pagination.Keyset[str](dump=lambda path: [path], parse=_comment_position)
"""The comment list's cursor: the last comment's thread path (its keyset position)."""


def cursor_encode(timestamp: float, feedback_id: uuid.UUID) -> str:
    return FEEDBACK_KEYSET.encode((timestamp, feedback_id))


def comment_cursor_encode(thread_path: str) -> str:
    return COMMENT_KEYSET.encode(thread_path)
