"""Screenshots: the pixel budget checked from the header, and re-encoding that keeps only
the pixels (no EXIF, no text chunks, nothing after the image's end)."""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import struct
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from videoplanet.feedback.models import Feedback
from videoplanet.feedback.screenshots import (
    MAX_PIXELS,
    ScreenshotTooLarge,
    screenshot_decode,
)

if TYPE_CHECKING:
    from conftest import World

URL = "/api/v1/feedbacks"
PNG_END = b"IEND\xaeB`\x82"


def data_url(kind: str, raw: bytes) -> str:
    return f"data:image/{kind};base64,{base64.b64encode(raw).decode()}"


def body(world: World, screenshot: str) -> dict[str, Any]:
    return {
        "video_id": str(world.video.id),
        "timestamp": 3,
        "content": "Look here",
        "screenshot": screenshot,
    }


def stored_screenshots() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "screenshots"
    return sorted(root.glob("*")) if root.exists() else []


@pytest.fixture(autouse=True)
def _clean_media() -> None:
    for path in stored_screenshots():
        path.unlink()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _ihdr(width: int, height: int, color_type: int) -> bytes:
    return _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0))


@functools.cache
def zeros_png(width: int, height: int, *, rgba: bool = True) -> bytes:
    """A valid PNG of zeros, compressed row by row (the test never holds the pixels)."""
    row = bytes(width * (4 if rgba else 1) + 1)  # filter byte + samples
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        PngImagePlugin._MAGIC
        + _ihdr(width, height, 6 if rgba else 0)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def header_only_png(width: int, height: int) -> bytes:
    """A PNG that declares a size and has no pixel data at all."""
    return PngImagePlugin._MAGIC + _ihdr(width, height, 0) + _chunk(b"IEND", b"")


def encoded(image: Image.Image, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def gradient(mode: str = "RGB", size: tuple[int, int] = (32, 24)) -> Image.Image:
    image = Image.new(mode, size)
    image.putdata(
        [
            (x * 8 % 256, y * 10 % 256, (x + y) % 256, 255 - x)[: len(mode)]
            for y in range(size[1])
            for x in range(size[0])
        ]
    )
    return image


def stored_image(response: Any) -> tuple[Path, bytes]:
    assert response.status_code == 201, response.content
    [path] = stored_screenshots()
    return path, path.read_bytes()


# -- the pixel budget ------------------------------------------------------------------


def test_pillow_refuses_more_than_one_8k_frame_process_wide() -> None:
    assert Image.MAX_IMAGE_PIXELS == 7680 * 4320 == MAX_PIXELS


@pytest.mark.django_db
def test_an_8192_square_of_zeros_is_refused_without_decoding(
    world: World, as_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = zeros_png(8192, 8192)
    assert len(raw) < 300_000  # a quarter of a megabyte that would decode to 268 MB

    def decode(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode)
    response = as_user(world.reviewer).post(URL, body(world, data_url("png", raw)), format="json")
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "image_too_large"
    assert list(error["details"]) == ["screenshot"]
    assert "33177600 pixels (7680×4320)" in error["details"]["screenshot"][0]
    assert not Feedback.objects.filter(video=world.video).exists()
    assert stored_screenshots() == []


@pytest.mark.parametrize(
    "size",
    [(8193, 1), (1, 8193), (7681, 4320), (4321, 7680), (8192, 8192), (100_000, 100_000)],
)
def test_too_many_pixels_is_refused_from_the_header_alone(size: tuple[int, int]) -> None:
    before = Image.core.get_stats()["new_count"]
    with pytest.raises(ScreenshotTooLarge, match="33177600 pixels"):
        screenshot_decode(data_url("png", header_only_png(*size)))
    assert Image.core.get_stats()["new_count"] == before  # no pixel memory was allocated


@pytest.mark.django_db
def test_exactly_the_budget_is_accepted(world: World, as_user: Any) -> None:
    raw = zeros_png(8192, MAX_PIXELS // 8192, rgba=False)
    response = as_user(world.reviewer).post(URL, body(world, data_url("png", raw)), format="json")
    _, data = stored_image(response)
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (8192, 4050)


def test_a_pillow_decompression_bomb_warning_is_a_refusal_not_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Should Pillow's limit ever be lower than the budget, its warning still refuses.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(ScreenshotTooLarge):
        screenshot_decode(data_url("png", encoded(gradient(size=(11, 10)), "PNG")))


# -- re-encoding -------------------------------------------------------------------------


@pytest.mark.django_db
def test_jpeg_exif_with_a_gps_position_is_not_stored(world: World, as_user: Any) -> None:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 7.0), 3: "E", 4: (4.0, 53.0, 41.0)}  # GPS IFD
    raw = encoded(gradient(), "JPEG", exif=exif, quality=90)
    assert b"Exif" in raw and b"PhoneMaker" in raw
    response = as_user(world.reviewer).post(URL, body(world, data_url("jpeg", raw)), format="json")
    path, data = stored_image(response)
    assert path.suffix == ".jpg"
    assert b"Exif" not in data and b"PhoneMaker" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert dict(image.getexif()) == {}
        assert image.getexif().get_ifd(0x8825) == {}
        assert image.size == (32, 24)


def test_jpeg_orientation_is_applied_to_the_pixels() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    raw = encoded(gradient(size=(40, 20)), "JPEG", exif=exif)
    decoded = screenshot_decode(data_url("jpeg", raw))
    assert (decoded.width, decoded.height) == (20, 40)  # as it was displayed
    with Image.open(io.BytesIO(decoded.data)) as image:
        assert image.size == (20, 40)
        assert 0x0112 not in image.getexif()


def test_a_phones_multi_picture_jpeg_is_stored_as_its_first_picture() -> None:
    frames = [gradient(size=(16, 12)), Image.new("RGB", (16, 12), (0, 0, 255))]
    raw = encoded(frames[0], "MPO", save_all=True, append_images=frames[1:])
    decoded = screenshot_decode(data_url("jpeg", raw))
    with Image.open(io.BytesIO(decoded.data)) as image:
        assert (image.format, image.size, getattr(image, "n_frames", 1)) == ("JPEG", (16, 12), 1)


def test_jpeg_keeps_its_quality() -> None:
    raw = encoded(gradient(size=(64, 48)), "JPEG", quality=95)
    decoded = screenshot_decode(data_url("jpeg", raw))
    with Image.open(io.BytesIO(raw)) as sent, Image.open(io.BytesIO(decoded.data)) as stored:
        assert stored.quantization == sent.quantization


@pytest.mark.django_db
def test_png_with_an_appended_zip_is_stored_ending_at_iend(world: World, as_user: Any) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.txt", "not an image")
    raw = encoded(gradient(), "PNG") + archive.getvalue()
    response = as_user(world.reviewer).post(URL, body(world, data_url("png", raw)), format="json")
    _, data = stored_image(response)
    assert data.endswith(PNG_END)
    assert data.count(PNG_END) == 1
    assert b"PK\x03\x04" not in data and b"payload.txt" not in data


def test_png_text_chunks_are_dropped_and_alpha_kept() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret note")
    info.add_itxt("Author", "someone")
    image = gradient("RGBA")
    raw = encoded(image, "PNG", pnginfo=info)
    decoded = screenshot_decode(data_url("png", raw))
    assert b"secret note" not in decoded.data and b"someone" not in decoded.data
    with Image.open(io.BytesIO(decoded.data)) as stored:
        assert stored.mode == "RGBA"
        assert stored.text == {}
        assert stored.get_flattened_data() == image.get_flattened_data()


def test_palette_transparency_is_kept() -> None:
    image = Image.new("P", (4, 4), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    raw = encoded(image, "PNG", transparency=1)
    with Image.open(io.BytesIO(screenshot_decode(data_url("png", raw)).data)) as stored:
        assert stored.info.get("transparency") == 1
        assert stored.convert("RGBA").getpixel((0, 0)) == (255, 0, 0, 0)


def test_an_icc_profile_is_applied_and_not_stored() -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    raw = encoded(gradient(), "PNG", icc_profile=profile)
    decoded = screenshot_decode(data_url("png", raw))
    with Image.open(io.BytesIO(decoded.data)) as stored:
        assert "icc_profile" not in stored.info


@pytest.mark.parametrize("lossless", [True, False])
def test_webp_keeps_alpha_and_lossless_stays_lossless(lossless: bool) -> None:
    image = gradient("RGBA")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    raw = encoded(image, "WEBP", lossless=lossless, quality=90, exif=exif)
    assert b"PhoneMaker" in raw
    decoded = screenshot_decode(data_url("webp", raw))
    assert b"EXIF" not in decoded.data and b"PhoneMaker" not in decoded.data
    with Image.open(io.BytesIO(decoded.data)) as stored:
        assert stored.mode == "RGBA"
        assert (b"VP8L" in decoded.data[:64]) == lossless
        if lossless:
            assert stored.get_flattened_data() == image.get_flattened_data()
        else:
            stored_pixel, sent_pixel = stored.getpixel((0, 0)), image.getpixel((0, 0))
            assert isinstance(stored_pixel, tuple) and isinstance(sent_pixel, tuple)
            assert stored_pixel[3] == sent_pixel[3]


@pytest.mark.django_db
def test_the_same_picture_is_stored_once_under_the_hash_of_the_stored_bytes(
    world: World, as_user: Any
) -> None:
    plain = encoded(gradient(), "PNG")
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "some editor")
    tagged = encoded(gradient(), "PNG", pnginfo=info) + b"trailing"
    client = as_user(world.reviewer)
    urls = {
        client.post(URL, body(world, data_url("png", raw)), format="json").json()["screenshot_url"]
        for raw in (plain, plain, tagged)
    }
    assert len(urls) == 1  # metadata and trailing bytes do not make another copy
    [path] = stored_screenshots()
    assert path.name == f"{hashlib.sha256(path.read_bytes()).hexdigest()}.png"
