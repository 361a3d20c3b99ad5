"""Uploading a video file: parts at offsets, resumable, probed on completion; only a
whole video becomes a Video, and nothing is left of anything else."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import Client

from videoplanet.media.models import Upload
from videoplanet.media.samples import make_video
from videoplanet.media.services import upload_append, upload_part_path
from videoplanet.projects.models import Video

if TYPE_CHECKING:
    from conftest import World

URL = "/api/v1/uploads"


@pytest.fixture
def h264(tmp_path: Path) -> bytes:
    return make_video(tmp_path / "cut.mp4").read_bytes()


def start(client: Any, world: World, size: int, filename: str = "cut.mp4") -> dict[str, Any]:
    response = client.post(
        URL,
        {"project_id": str(world.project.id), "title": "Cut 1", "filename": filename, "size": size},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def send(client: Any, upload_id: str, offset: int, data: bytes, **query: str) -> Any:
    params = "&".join(f"{k}={v}" for k, v in {"offset": str(offset), **query}.items())
    return client.patch(
        f"{URL}/{upload_id}?{params}", data=data, content_type="application/octet-stream"
    )


def upload(client: Any, world: World, data: bytes, filename: str = "cut.mp4") -> Any:
    created = start(client, world, len(data), filename)
    half = len(data) // 2
    assert send(client, created["id"], 0, data[:half]).json()["offset"] == half
    assert send(client, created["id"], half, data[half:]).json()["offset"] == len(data)
    return client.post(f"{URL}/{created['id']}/complete")


def nothing_left_of(upload_id: str) -> None:
    assert not Upload.objects.filter(id=upload_id).exists()
    assert not upload_part_path(upload_id).exists()  # type: ignore[arg-type]


def test_an_editor_uploads_a_video_in_parts(world: World, as_user: Any, h264: bytes) -> None:
    client = as_user(world.editor)
    created = start(client, world, len(h264))
    assert created["offset"] == 0
    response = send(client, created["id"], 0, h264[:1000])
    assert response.status_code == 200
    assert client.get(f"{URL}/{created['id']}").json()["offset"] == 1000
    send(client, created["id"], 1000, h264[1000:])
    response = client.post(f"{URL}/{created['id']}/complete")
    assert response.status_code == 201
    video = response.json()
    assert video["status"] == "processing"
    assert video["playback_url"] is None
    assert (video["width"], video["height"]) == (64, 48)
    assert video["fps"] == "24000/1001"
    assert video["frame_count"] == 12
    assert video["duration"] == pytest.approx(12 * 1001 / 24000)
    stored = Video.objects.get(id=video["id"])
    assert stored.source.endswith("/original.mp4")  # an MP4 file keeps its type
    assert default_storage.open(stored.source).read() == h264
    assert Client().get(urlsplit(video["url"]).path).status_code == 200
    nothing_left_of(created["id"])
    listed = client.get(f"/api/v1/videos/{video['id']}").json()
    assert listed["status"] == "processing"


def test_reviewers_and_viewers_cannot_upload(world: World, as_user: Any) -> None:
    for user in (world.reviewer, world.viewer):
        response = as_user(user).post(
            URL,
            {"project_id": str(world.project.id), "title": "x", "filename": "x.mp4", "size": 10},
            format="json",
        )
        assert response.status_code == 403
    assert not Upload.objects.exists()


def test_an_upload_is_only_its_uploaders(world: World, as_user: Any) -> None:
    created = start(as_user(world.owner), world, 10)
    assert as_user(world.editor).get(f"{URL}/{created['id']}").status_code == 404
    assert send(as_user(world.outsider), created["id"], 0, b"x").status_code == 404
    response = as_user(world.outsider).post(
        URL,
        {"project_id": str(world.project.id), "title": "x", "filename": "x.mp4", "size": 10},
        format="json",
    )
    assert response.status_code == 404


def test_a_file_over_the_limit_is_refused_up_front(
    world: World, as_user: Any, settings: Any
) -> None:
    settings.VIDEO_MAX_BYTES = 1000
    response = as_user(world.owner).post(
        URL,
        {"project_id": str(world.project.id), "title": "x", "filename": "x.mp4", "size": 1001},
        format="json",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_bytes_past_the_declared_size_are_refused(world: World, as_user: Any) -> None:
    client = as_user(world.owner)
    created = start(client, world, 10)
    response = send(client, created["id"], 0, b"x" * 11)
    assert response.status_code == 413
    assert client.get(f"{URL}/{created['id']}").json()["offset"] == 0


def test_a_part_at_the_wrong_offset_is_refused_with_the_right_one(
    world: World, as_user: Any
) -> None:
    client = as_user(world.owner)
    created = start(client, world, 10)
    send(client, created["id"], 0, b"abc")
    response = send(client, created["id"], 0, b"abc")
    assert response.status_code == 409
    assert response.json()["code"] == "offset_mismatch"
    assert response.json()["details"] == {"offset": ["3"]}


def test_a_part_that_breaks_its_checksum_is_not_kept(world: World, as_user: Any) -> None:
    client = as_user(world.owner)
    created = start(client, world, 10)
    wrong = hashlib.sha256(b"other").hexdigest()
    response = send(client, created["id"], 0, b"abcde", sha256=wrong)
    assert response.status_code == 400
    assert response.json()["code"] == "checksum_mismatch"
    right = hashlib.sha256(b"abcde").hexdigest()
    assert send(client, created["id"], 0, b"abcde", sha256=right).json()["offset"] == 5


def test_a_dropped_connection_keeps_what_arrived_and_resumes(
    world: World, as_user: Any, h264: bytes
) -> None:
    client = as_user(world.owner)
    created = start(client, world, len(h264))
    # The part says it is the whole file, but the connection drops after 700 bytes.
    upload_append(
        user=world.owner,
        upload_id=created["id"],
        offset=0,
        length=len(h264),
        stream=io.BytesIO(h264[:700]),
    )
    offset = client.get(f"{URL}/{created['id']}").json()["offset"]
    assert offset == 700
    send(client, created["id"], offset, h264[offset:])
    assert client.post(f"{URL}/{created['id']}/complete").status_code == 201


def test_completing_before_every_byte_arrived_is_refused(world: World, as_user: Any) -> None:
    client = as_user(world.owner)
    created = start(client, world, 10)
    send(client, created["id"], 0, b"abc")
    response = client.post(f"{URL}/{created['id']}/complete")
    assert response.status_code == 409
    assert response.json()["code"] == "upload_incomplete"


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG")
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cut.mp4", b"not really" * 100)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["png", "zip", "truncated", "truncated_faststart"])
def test_what_is_not_a_whole_video_is_refused_and_nothing_is_kept(
    world: World, as_user: Any, tmp_path: Path, kind: str
) -> None:
    if kind == "png":
        data = _png()
    elif kind == "zip":
        data = _zip()
    else:
        path = tmp_path / "cut.mp4"
        if kind == "truncated":
            make_video(path)
        else:
            import av

            with av.open(str(path), "w", options={"movflags": "faststart"}) as out:
                stream = out.add_stream("mpeg4", rate=24)
                stream.width, stream.height = 64, 48
                from PIL import Image

                for n in range(24):
                    out.mux(
                        stream.encode(
                            av.VideoFrame.from_image(Image.new("RGB", (64, 48), (n * 10, 0, 0)))
                        )
                    )
                out.mux(stream.encode(None))
        whole = path.read_bytes()
        data = whole[: len(whole) * 2 // 3]
    before = set(_stored_files())
    client = as_user(world.owner)
    created = start(client, world, len(data))
    send(client, created["id"], 0, data)
    response = client.post(f"{URL}/{created['id']}/complete")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_video"
    assert body["details"]["file"]
    assert not Video.objects.filter(project=world.project).exclude(id=world.video.id).exists()
    nothing_left_of(created["id"])
    assert set(_stored_files()) == before


def _stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return [str(p) for p in root.rglob("*") if p.is_file()]


def test_giving_up_removes_the_bytes(world: World, as_user: Any) -> None:
    client = as_user(world.owner)
    created = start(client, world, 10)
    send(client, created["id"], 0, b"abc")
    assert client.delete(f"{URL}/{created['id']}").status_code == 204
    nothing_left_of(created["id"])


def test_completing_queues_processing(
    world: World, as_user: Any, h264: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks import default_task_backend

    default_task_backend.clear()  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        video = upload(as_user(world.owner), world, h264).json()
    queued = default_task_backend.results  # type: ignore[attr-defined]
    assert [r.args for r in queued] == [[video["id"]]]


def test_parts_may_be_larger_than_other_request_bodies(
    world: World, as_user: Any, settings: Any
) -> None:
    settings.MAX_REQUEST_BODY_BYTES = 150  # starting the upload (JSON) still fits
    settings.VIDEO_UPLOAD_PART_MAX_BYTES = 1000
    # what config/settings/base.py derives from VIDEO_UPLOAD_PART_MAX_BYTES at start-up
    settings.REQUEST_BODY_LIMITS = {f"{settings.VIDEO_UPLOAD_PATH_PREFIX}/": 1000}
    client = as_user(world.owner)
    created = start(client, world, 2000)
    assert send(client, created["id"], 0, b"x" * 1000).json()["offset"] == 1000
    assert send(client, created["id"], 1000, b"x" * 1001).status_code == 413
    response = client.post("/api/v1/projects", {"name": "x" * 200}, format="json")
    assert response.status_code == 413


def test_a_part_must_be_sent_as_raw_bytes(world: World, as_user: Any) -> None:
    client = as_user(world.owner)
    created = start(client, world, 10)
    response = client.patch(
        f"{URL}/{created['id']}?offset=0", data=b"abc", content_type="text/plain"
    )
    assert response.status_code == 415
    assert client.get(f"{URL}/{created['id']}").json()["offset"] == 0
