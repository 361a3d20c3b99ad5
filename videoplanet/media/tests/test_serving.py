"""Signed media links: members get working links, nothing else opens a file."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from tests.factories import image_data_url
from videoplanet.media.signing import media_path

if TYPE_CHECKING:
    from conftest import World

DATA = bytes(range(256)) * 40  # 10240 bytes


@pytest.fixture
def stored(db: None) -> Iterator[str]:
    name = default_storage.save("videos/test/original.mp4", ContentFile(DATA))
    yield name
    default_storage.delete(name)


def _get(path: str, **headers: str) -> Any:
    return Client().get(path, headers=headers)


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_a_member_gets_a_signed_screenshot_link_that_opens(world: World, as_user: Any) -> None:
    created = (
        as_user(world.reviewer)
        .post(
            "/api/v1/feedbacks",
            {
                "video_id": str(world.video.id),
                "timestamp": 1,
                "content": "x",
                "screenshot": image_data_url("WEBP"),
            },
            format="json",
        )
        .json()
    )
    url = created["screenshot_url"]
    assert re.fullmatch(r"http://testserver/media/s/[^/]+/screenshots/[0-9a-f]{64}\.webp", url)
    response = _get(urlsplit(url).path)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert _body(response)[:4] == b"RIFF"


def test_a_non_member_cannot_see_the_feedback_nor_open_the_bare_path(
    world: World, as_user: Any
) -> None:
    created = (
        as_user(world.reviewer)
        .post(
            "/api/v1/feedbacks",
            {
                "video_id": str(world.video.id),
                "timestamp": 1,
                "content": "x",
                "screenshot": image_data_url("PNG"),
            },
            format="json",
        )
        .json()
    )
    name = urlsplit(created["screenshot_url"]).path.split("/", 4)[4]
    assert as_user(world.outsider).get(f"/api/v1/feedbacks/{created['id']}").status_code == 404
    for path in (f"/media/{name}", f"/media/s/{name}", f"/media/s/x.y/{name}"):
        response = _get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_a_signature_for_one_file_does_not_open_another(stored: str) -> None:
    other = default_storage.save("videos/test/secret.mp4", ContentFile(b"secret"))
    token = media_path(stored).split("/")[3]
    assert _get(f"/media/s/{token}/{other}").status_code == 404
    default_storage.delete(other)


def test_a_tampered_signature_is_refused(stored: str) -> None:
    _, media, s, token, rest = media_path(stored).split("/", 4)
    stamp, signature = token.split(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    assert _get(f"/{media}/{s}/{stamp}.{flipped}/{rest}").status_code == 404
    assert _get(f"/{media}/{s}/{stamp}.{signature}/{rest}").status_code == 200


def test_an_expired_link_is_refused(stored: str, settings: Any, monkeypatch: Any) -> None:
    settings.MEDIA_URL_TTL_SECONDS = 600
    path = media_path(stored)
    assert _get(path).status_code == 200
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 601)
    assert _get(path).status_code == 404


def test_links_stay_the_same_for_a_while_so_caches_work(stored: str) -> None:
    assert media_path(stored) == media_path(stored)


def test_whole_file_advertises_ranges(stored: str) -> None:
    response = _get(media_path(stored))
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Length"] == str(len(DATA))
    assert response["Cache-Control"].startswith("private, max-age=")
    assert _body(response) == DATA


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, len(DATA) - 1),
        ("bytes=-10", len(DATA) - 10, len(DATA) - 1),
        ("bytes=10000-99999", 10000, len(DATA) - 1),
    ],
)
def test_a_range_is_answered_206(stored: str, header: str, first: int, last: int) -> None:
    response = _get(media_path(stored), Range=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(DATA)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert _body(response) == DATA[first : last + 1]


def test_a_range_past_the_end_is_416(stored: str) -> None:
    response = _get(media_path(stored), Range=f"bytes={len(DATA)}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(DATA)}"


def test_several_ranges_get_the_whole_file(stored: str) -> None:
    response = _get(media_path(stored), Range="bytes=0-1,5-6")
    assert response.status_code == 200
    assert _body(response) == DATA


def test_head_says_the_size_without_a_body(stored: str) -> None:
    response = Client().head(media_path(stored), headers={"Range": "bytes=0-9"})
    assert response.status_code == 206
    assert response["Content-Length"] == "10"
    assert response.content == b""


def test_nginx_can_serve_the_bytes(stored: str, settings: Any) -> None:
    settings.MEDIA_X_ACCEL_REDIRECT = "/protected-media/"
    response = _get(media_path(stored))
    assert response["X-Accel-Redirect"] == f"/protected-media/{stored}"
    assert response.content == b""


@pytest.mark.asyncio
async def test_under_asgi_the_file_is_streamed_in_chunks(stored: str) -> None:
    from django.test import AsyncClient

    response = await AsyncClient().get(media_path(stored), headers={"Range": "bytes=1-"})
    assert response.status_code == 206
    assert response.is_async
    chunks = [chunk async for chunk in response.streaming_content]
    assert b"".join(chunks) == DATA[1:]
