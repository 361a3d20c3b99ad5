"""Screenshots arrive as `data:image/(webp|png|jpeg);base64,...` URLs.

They are decoded and verified as a real image of the declared type (Pillow), bounded
in bytes and pixels, and stored through Django's storage API under the SHA-256 of
their bytes, so the same picture is stored once.
"""

from __future__ import annotations

import binascii
import hashlib
import io
import re
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from videoplanet.api.fields import WHITESPACE
from videoplanet.media.signing import media_url

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 8192
DIRECTORY = "screenshots"

# Base64 may be wrapped with whitespace; the pattern is the OpenAPI document's too.
DATA_URL_PATTERN = rf"^data:image/(webp|png|jpeg);base64,([A-Za-z0-9+/={WHITESPACE}]*)$"
_DATA_URL = re.compile(DATA_URL_PATTERN)
_FORMATS = {"webp": ("WEBP", "webp"), "png": ("PNG", "png"), "jpeg": ("JPEG", "jpg")}


class InvalidScreenshot(ValueError):
    """The data URL is not an acceptable image; the message says why."""


@dataclass(frozen=True)
class DecodedScreenshot:
    data: bytes
    extension: str
    width: int
    height: int

    @property
    def name(self) -> str:
        return f"{DIRECTORY}/{hashlib.sha256(self.data).hexdigest()}.{self.extension}"


def screenshot_decode(value: str) -> DecodedScreenshot:
    match = _DATA_URL.match(value)
    if match is None:
        raise InvalidScreenshot("Must be a data URL: data:image/(webp|png|jpeg);base64,<data>.")
    kind, payload = match.groups()
    payload = "".join(payload.split())
    if len(payload) * 3 // 4 > MAX_BYTES + 3:
        raise InvalidScreenshot(f"The image is larger than {MAX_BYTES} bytes.")
    try:
        data = binascii.a2b_base64(payload, strict_mode=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidScreenshot("The base64 data is malformed.") from exc
    if len(data) > MAX_BYTES:
        raise InvalidScreenshot(f"The image is larger than {MAX_BYTES} bytes.")
    pil_format, extension = _FORMATS[kind]
    try:
        with Image.open(io.BytesIO(data), formats=[pil_format]) as image:
            width, height = image.size
            if width > MAX_SIDE or height > MAX_SIDE:
                raise InvalidScreenshot(
                    f"The image is {width}×{height}; at most {MAX_SIDE} a side."
                )
            image.verify()
        with Image.open(io.BytesIO(data), formats=[pil_format]) as image:
            image.load()  # verify() does not decode pixels; a truncated file fails here
    except InvalidScreenshot:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise InvalidScreenshot(f"The data is not a valid {kind} image.") from exc
    return DecodedScreenshot(data=data, extension=extension, width=width, height=height)


@dataclass(frozen=True)
class StoredScreenshot:
    name: str
    created: bool


def screenshot_store(image: DecodedScreenshot) -> StoredScreenshot:
    """Write the image unless the same bytes are already stored."""
    name = image.name
    if default_storage.exists(name):
        return StoredScreenshot(name=name, created=False)
    saved = default_storage.save(name, ContentFile(image.data))
    return StoredScreenshot(name=saved, created=True)


def screenshot_url(name: str, request: Any) -> str:
    """The signed absolute URL clients fetch the screenshot from (on PUBLIC_MEDIA_URL, if set)."""
    return media_url(name, request)
