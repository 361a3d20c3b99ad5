"""`make run`'s demo data: created once, a working token printed every time."""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command

from videoplanet.accounts.models import ApiToken, User
from videoplanet.projects.democlip import clip_spec
from videoplanet.projects.models import Project, Video


def _run() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    match = re.search(r"API token\s+(\S+)", out.getvalue())
    assert match, out.getvalue()
    return match.group(1)


@pytest.mark.django_db
def test_idempotent_and_the_printed_token_works(client_factory: Any) -> None:
    first = _run()
    second = _run()
    assert (User.objects.count(), Project.objects.count(), Video.objects.count()) == (1, 1, 1)
    assert ApiToken.objects.count() == 1  # the earlier demo token was rotated out
    client = client_factory(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {second}")
    video = Video.objects.get()
    response = client.get("/api/v1/feedbacks", {"video_id": str(video.id)})
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {first}")
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.django_db
def test_the_demo_video_is_a_real_clip_ready_to_play(client_factory: Any) -> None:
    token = _run()
    video = Video.objects.get()
    spec = clip_spec()  # the test settings' tiny clip
    assert (video.status, video.fps, video.frame_count, video.duration) == (
        "ready",
        spec.fps,
        spec.frame_count,
        spec.duration,
    )
    assert (video.width, video.height) == (spec.width, spec.height)
    assert video.source == video.playback == f"demo/{spec.filename}"
    assert default_storage.exists(video.poster) and video.thumbnails

    member = client_factory(None)
    member.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    listed = member.get(f"/api/v1/videos/{video.id}").json()
    playback = urlsplit(listed["playback_url"]).path
    served = member.get(playback, HTTP_RANGE="bytes=0-15")
    assert served.status_code == 206
    assert b"ftyp" in b"".join(served.streaming_content)  # an MP4, from its first bytes
    assert listed["poster_url"] and len(listed["thumbnails"]) == len(video.thumbnails)
    # the stored file itself is not public
    bare = client_factory(None).get(f"{settings.MEDIA_URL}demo/{spec.filename}")
    assert bare.status_code == 404


@pytest.mark.django_db
def test_the_clip_is_generated_and_stored_once(monkeypatch: pytest.MonkeyPatch) -> None:
    _run()
    monkeypatch.setattr(
        "videoplanet.projects.democlip.write_clip",
        lambda *a: pytest.fail("the cached clip was generated again"),
    )
    _run()
    assert len(default_storage.listdir("demo")[1]) == 1
