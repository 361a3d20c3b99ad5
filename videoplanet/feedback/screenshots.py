"""Screenshots arrive as `data:image/(webp|png|jpeg);base64,...` URLs.

Decoding. The image's size is read from its header and checked against a pixel budget
(one 8K UHD frame, 8192 px a side) before a single pixel is decoded, so a small file
that inflates to gigabytes is refused cheaply. An accepted image is decoded and
re-encoded in its own format: only its pixels (and transparency) are kept, so EXIF
(GPS positions, camera serials), text chunks and bytes after the image's end are never
stored or served. The stored name is the SHA-256 of the re-encoded bytes; re-encoding
is deterministic, so the same picture is still stored once.

Storing and deleting. A stored file may be shared by several feedbacks. Storing it and
deleting it when unused both happen inside a transaction that holds a lock on the file
name (:func:`screenshot_lock`): the writer checks for the file, writes it if missing and
inserts its row before it lets go; the cleaner deletes the file only if, under the lock,
no row refers to it. So a cleaner either sees the writer's committed row and keeps the
file, or runs before the writer, whose own check then finds the file missing and writes
it again. Every deleted feedback — one at a time, or in a cascade from its video,
project or author — hands its screenshot to the cleaner once the deletion commits
(:func:`screenshot_release_on_delete`, connected in ``FeedbackConfig.ready``).
"""

from __future__ import annotations

import binascii
import hashlib
import io
import logging
import re
import struct
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections, transaction
from PIL import Image, ImageCms, ImageFile, ImageOps, JpegImagePlugin, UnidentifiedImageError

from videoplanet.api.fields import WHITESPACE
from videoplanet.media.signing import media_url

from .models import Feedback

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 8192
# One 8K UHD frame: decoding it takes at most ~133 MB (RGBA), whatever the file size.
MAX_PIXELS = 7680 * 4320
DIRECTORY = "screenshots"
# Lossy WebP is re-encoded at this quality (JPEG keeps its own quantisation tables).
WEBP_QUALITY = 90

# Base64 may be wrapped with whitespace; the pattern is the OpenAPI document's too.
DATA_URL_PATTERN = rf"^data:image/(webp|png|jpeg);base64,([A-Za-z0-9+/={WHITESPACE}]*)$"
_DATA_URL = re.compile(DATA_URL_PATTERN)
_FORMATS = {"webp": ("WEBP", "webp"), "png": ("PNG", "png"), "jpeg": ("JPEG", "jpg")}
# What Pillow raises, depending on the plugin, for a file it cannot read.
_UNREADABLE = (
    UnidentifiedImageError,
    OSError,
    EOFError,
    SyntaxError,
    ValueError,
    struct.error,
    IndexError,
    KeyError,
    TypeError,
)
_BUDGET = f"at most {MAX_PIXELS} pixels (7680×4320) and {MAX_SIDE} px a side"


class InvalidScreenshot(ValueError):
    """The data URL is not an acceptable image; the message says why."""


class ScreenshotTooLarge(InvalidScreenshot):
    """The image has more pixels than the budget; refused before decoding."""


@dataclass(frozen=True)
class DecodedScreenshot:
    """A verified image, re-encoded: ``data`` is what gets stored, ``width`` and
    ``height`` are its size."""

    data: bytes
    extension: str
    width: int
    height: int

    @property
    def name(self) -> str:
        return f"{DIRECTORY}/{hashlib.sha256(self.data).hexdigest()}.{self.extension}"


def pillow_limit_pixels() -> None:
    """Make Pillow refuse images over the budget everywhere in the process (app start-up).

    Pillow warns about an image over MAX_IMAGE_PIXELS and raises only at twice that;
    the warning becomes an error too, so an image over the budget is an exception
    wherever Pillow opens it, never a decode.
    """
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    warnings.simplefilter("error", Image.DecompressionBombWarning)


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
        # Image.open reads the header only; Pillow itself refuses (see
        # pillow_limit_pixels) what is over the budget, before this check.
        with Image.open(io.BytesIO(data), formats=[pil_format]) as image:
            width, height = image.size
            _check_budget(width, height)
            image.verify()
        with Image.open(io.BytesIO(data), formats=[pil_format]) as image:
            encoded = _reencode(image, pil_format, data)
            width, height = image.size  # turned upright by the EXIF orientation
    except InvalidScreenshot:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ScreenshotTooLarge(f"The image has too many pixels: {_BUDGET}.") from exc
    except _UNREADABLE as exc:
        raise InvalidScreenshot(f"The data is not a valid {kind} image.") from exc
    return DecodedScreenshot(data=encoded, extension=extension, width=width, height=height)


def _check_budget(width: int, height: int) -> None:
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ScreenshotTooLarge(f"The image is {width}×{height} pixels; {_BUDGET}.")


def _reencode(image: ImageFile.ImageFile, pil_format: str, data: bytes) -> bytes:
    """The image's pixels in its own format, without metadata or trailing bytes.

    The EXIF orientation is applied to the pixels (the tag itself is dropped), and
    an embedded colour profile is applied by converting to sRGB, so the picture looks
    the same without them. Transparency is kept.
    """
    image.load()  # decodes; a truncated file fails here
    options: dict[str, Any] = {}
    if pil_format == "JPEG":
        # The source's own quantisation tables and chroma subsampling: its quality.
        # (Not quality="keep", which refuses a multi-picture JPEG from a phone.)
        options["qtables"] = getattr(image, "quantization", None) or None
        options["subsampling"] = JpegImagePlugin.get_sampling(image)
        if not options["qtables"]:
            options = {"quality": 95}
    elif pil_format == "WEBP":
        options.update({"lossless": True} if _webp_is_lossless(data) else {"quality": WEBP_QUALITY})
    ImageOps.exif_transpose(image, in_place=True)
    _to_srgb(image)
    transparency = image.info.get("transparency")
    image.info = {} if transparency is None else {"transparency": transparency}
    out = io.BytesIO()
    image.save(out, pil_format, **options)
    return out.getvalue()


_SRGB = ImageCms.createProfile("sRGB")


def _to_srgb(image: Image.Image) -> None:
    """Convert pixels from an embedded ICC profile to sRGB, in place, when possible."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA"):
        return
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        ImageCms.profileToProfile(image, source, _SRGB, inPlace=True)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        pass  # an unusable profile: the pixels are kept as they are


def _webp_is_lossless(data: bytes) -> bool:
    """Whether the WebP's first image chunk is lossless (VP8L) rather than lossy (VP8)."""
    position = 12  # after "RIFF", the size and "WEBP"
    while position + 8 <= len(data):
        fourcc = data[position : position + 4]
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        if fourcc in (b"VP8L", b"VP8 "):
            return fourcc == b"VP8L"
        position += 8 + size + (size & 1)
    return False


# -- storing and deleting ----------------------------------------------------------------


@dataclass(frozen=True)
class StoredScreenshot:
    name: str
    created: bool


def screenshot_lock(name: str, *, using: str = "default") -> None:
    """Hold the lock on the stored file ``name`` until the current transaction ends.

    PostgreSQL: a transaction-level advisory lock keyed by the name's hash. SQLite:
    every transaction already begins IMMEDIATE (config.settings.base), holding the
    database's write lock, so transactions that store or delete files are serial.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("screenshot_lock() must be called inside transaction.atomic().")
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def screenshot_store(image: DecodedScreenshot) -> StoredScreenshot:
    """Write the image unless the same bytes are already stored.

    Call inside the transaction that inserts the row referring to it: the file's lock
    is held until that row is committed, so no cleaner can delete the file in between.
    """
    name = image.name
    screenshot_lock(name)
    if default_storage.exists(name):
        return StoredScreenshot(name=name, created=False)
    saved = default_storage.save(name, ContentFile(image.data))
    return StoredScreenshot(name=saved, created=True)


def screenshots_discard_unused(names: Iterable[str]) -> int:
    """Delete each of these stored screenshots that no feedback refers to any more;
    returns how many were deleted."""
    deleted = 0
    for name in sorted({name for name in names if name}):
        with transaction.atomic():
            screenshot_lock(name)
            unused = not Feedback.objects.filter(screenshot=name).exists()
            if unused and default_storage.exists(name):
                default_storage.delete(name)
                deleted += 1
    return deleted


def screenshots_prune() -> int:
    """Delete every stored screenshot no feedback refers to (`manage.py screenshots_prune`).

    Deletions clean up after themselves; this finds what a crash between a commit and
    its clean-up, or an older version of the app, left behind. Safe while the app runs:
    each file is checked under its lock, like any other clean-up.
    """
    if not default_storage.exists(DIRECTORY):
        return 0
    _, files = default_storage.listdir(DIRECTORY)
    return screenshots_discard_unused(f"{DIRECTORY}/{name}" for name in files)


def screenshot_release_on_delete(
    sender: type[Feedback], instance: Feedback, using: str, **kwargs: Any
) -> None:
    """``post_delete`` of Feedback: once the deletion commits, delete the file if unused.

    A receiver rather than a step in each deleting service because feedback is deleted
    by cascades (a video, a project, a user) and by the admin's bulk actions, none of
    which call a feedback service; Django sends ``post_delete`` for each of them. The
    receiver only schedules; the deciding is :func:`screenshots_discard_unused`'s. A
    failure there is logged, not raised: the deletion itself has already committed.
    """
    if instance.screenshot:
        transaction.on_commit(
            partial(screenshots_discard_unused, [instance.screenshot]), using=using, robust=True
        )


def screenshot_url(name: str, request: Any) -> str:
    """The signed absolute URL clients fetch the screenshot from (on PUBLIC_MEDIA_URL, if set)."""
    return media_url(name, request)
