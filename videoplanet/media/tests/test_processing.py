"""The worker's job: a playable video, a poster and timeline stills; the room is told."""

from __future__ import annotations

import uuid
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import av
import pytest
from django.core.files import File
from django.core.files.storage import default_storage
from django.test import Client

from videoplanet.media.processing import proxy_size
from videoplanet.media.samples import count_frames, make_video
from videoplanet.media.services import video_process
from videoplanet.projects.models import Video, VideoStatus
from videoplanet.realtime.broadcast import room_event

if TYPE_CHECKING:
    from conftest import World


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, dict[str, Any]]]:
    messages: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(
        "videoplanet.realtime.notify.broadcast",
        lambda video_id, message: messages.append((video_id, message)),
    )
    return messages


def uploaded(world: World, path: Path) -> Video:
    video_id = uuid.uuid4()
    with path.open("rb") as handle:
        name = default_storage.save(f"videos/{video_id}/original{path.suffix}", File(handle))
    return Video.objects.create(
        id=video_id,
        project=world.project,
        title="Master",
        url="",
        status=VideoStatus.PROCESSING,
        source=name,
    )


def _get(url: str) -> Any:
    return Client().get(urlsplit(url).path)


def test_a_prores_master_gets_an_h264_proxy_with_every_frame(
    world: World,
    as_user: Any,
    tmp_path: Path,
    sent: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    source = make_video(
        tmp_path / "master.mov", codec="prores", pix_fmt="yuv422p10le", frames=18, audio=True
    )
    video = uploaded(world, source)
    with django_capture_on_commit_callbacks(execute=True):
        video_process(video_id=video.id)
    data = as_user(world.viewer).get(f"/api/v1/videos/{video.id}").json()
    assert data["status"] == "ready"
    assert data["fps"] == "24000/1001"
    assert data["frame_count"] == 18
    proxy = tmp_path / "proxy.mp4"
    proxy.write_bytes(b"".join(_get(data["playback_url"]).streaming_content))
    with av.open(str(proxy)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.average_rate == Fraction(24000, 1001)
        assert container.streams.audio[0].codec_context.name == "aac"
    assert count_frames(proxy) == count_frames(source) == 18
    assert proxy.read_bytes()[4:8] == b"ftyp"
    assert b"moov" in proxy.read_bytes()[:200]  # faststart: the index comes first
    assert _get(data["poster_url"])["Content-Type"] == "image/webp"
    assert len(data["thumbnails"]) == 10
    assert [t["time"] for t in data["thumbnails"]] == sorted(t["time"] for t in data["thumbnails"])
    assert _get(data["thumbnails"][-1]["url"]).status_code == 200
    assert [(vid, m["type"], m["payload"]["status"]) for vid, m in sent] == [
        (video.id, "video.updated", "ready")
    ]
    assert room_event(sent[0][1]) is not None  # it fits its AsyncAPI schema


def test_a_playable_original_is_played_as_it_is(
    world: World, as_user: Any, tmp_path: Path, sent: list[Any]
) -> None:
    video = uploaded(world, make_video(tmp_path / "cut.mp4"))
    video_process(video_id=video.id)
    video.refresh_from_db()
    assert video.playback == video.source
    assert not default_storage.exists(f"videos/{video.id}/proxy.mp4")
    data = as_user(world.viewer).get(f"/api/v1/videos/{video.id}").json()
    assert _get(data["playback_url"])["Content-Type"] == "video/mp4"


def test_a_file_that_cannot_be_decoded_fails_with_a_reason(
    world: World,
    as_user: Any,
    tmp_path: Path,
    sent: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00" * 500)
    video = uploaded(world, broken)
    with django_capture_on_commit_callbacks(execute=True):
        video_process(video_id=video.id)
    data = as_user(world.viewer).get(f"/api/v1/videos/{video.id}").json()
    assert data["status"] == "failed"
    assert data["failure_reason"]
    assert data["playback_url"] is None
    assert sent[0][1]["payload"]["failure_reason"] == data["failure_reason"]
    assert room_event(sent[0][1]) is not None


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((3840, 2160), (1920, 1080)),
        ((1440, 1080), (1440, 1080)),
        ((65, 47), (64, 46)),
        ((1080, 1920), (1080, 1920)),
        ((2160, 3840), (1080, 1920)),
        ((4096, 1716), (1920, 804)),
    ],
)
def test_the_proxy_is_at_most_1080_lines_with_even_sides(
    size: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert proxy_size(*size) == expected


def test_a_linked_video_is_ready_and_plays_from_its_url(world: World, as_user: Any) -> None:
    data = (
        as_user(world.owner)
        .post(
            "/api/v1/videos",
            {
                "project_id": str(world.project.id),
                "title": "Linked",
                "url": "https://cdn.example.com/a.mp4",
            },
            format="json",
        )
        .json()
    )
    assert data["status"] == "ready"
    assert data["playback_url"] == "https://cdn.example.com/a.mp4"
    assert data["thumbnails"] == []
