"""The SDK's ``videos.upload`` and ``videos.wait`` (both clients) against a real server process
and a real task worker (``manage.py db_worker``, as `make run` starts it) on one
database: the file goes up in parts, the worker makes the proxy, ``wait`` sees the video
go from ``processing`` to ``ready`` (or ``failed``)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from videoplanet_client import AsyncClient, BadRequest, Client

from tests.server import REPO_ROOT, ProviderServer
from tests.worker import task_worker
from videoplanet.media.samples import make_video

pytestmark = pytest.mark.server

FRAMES = 16
JOHN_TOKEN = "valid-token"  # the provider states' John


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The provider app and a task worker beside it, sharing a SQLite file and storage;
    yields the server's root URL."""
    workdir = tmp_path_factory.mktemp("uploads")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.provider",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        VIDEO_UPLOAD_DIR=str(workdir / "uploads"),
        TASKS_BACKEND="database",
        VIDEO_PROXY_PRESET="ultrafast",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO_ROOT, env=env, check=True,
    )  # fmt: skip
    running = ProviderServer(
        lambda port: [
            sys.executable, "-m", "uvicorn", "config.asgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
        ],
        env=env,
        stop_signals=(signal.SIGTERM, signal.SIGKILL),
    )  # fmt: skip
    with running, task_worker(env, workdir / "worker.log", relay_to=running.url):
        yield running.url


@pytest.fixture
def master(tmp_path: Path) -> Path:
    """A ProRes MOV with sound: browsers cannot play it, so the worker makes a proxy."""
    return make_video(
        tmp_path / "master.mov", codec="prores", pix_fmt="yuv422p10le", frames=FRAMES, audio=True
    )


def project_id(server: str) -> str:
    """A fresh world (John and his token), and a new project of John's."""
    state = {"state": "user is authenticated", "action": "setup"}
    httpx.post(f"{server}/pact/provider-states", json=state).raise_for_status()
    with Client(base_url=server, token=JOHN_TOKEN) as client:
        return client.projects.create(name="Uploads").id


@pytest.mark.asyncio
async def test_async_upload_in_parts_then_wait_until_ready(server: str, master: Path) -> None:
    project = project_id(server)
    async with AsyncClient(base_url=server, token=JOHN_TOKEN) as client:
        first = await client.videos.upload(
            project_id=project, path=master, title="Cut 1", part_size=1024
        )
        assert first.status == "processing"
        assert master.stat().st_size > 3 * 1024  # so it really went up in several parts
        ready = await client.videos.wait(first.id, timeout=120, interval=0.2)
        assert ready.status == "ready", ready.failure_reason
        assert (ready.fps, ready.frame_count) == ("24000/1001", FRAMES)
        assert ready.playback_url and ready.poster_url
        proxy = httpx.get(ready.playback_url)
        assert proxy.headers["Content-Type"] == "video/mp4"

        second = await client.videos.upload(
            project_id=project, path=master, title="Cut 2", video_id=first.id
        )
        assert (second.stack_id, second.version) == (first.stack_id, 2)
        assert (await client.videos.wait(second.id, timeout=120, interval=0.2)).status == "ready"
        assert [v.id for v in await client.videos.versions(first.id)] == [first.id, second.id]


@pytest.mark.asyncio
async def test_async_upload_resumes_where_the_server_stands(server: str, master: Path) -> None:
    """An upload another run began (its first part arrived) is finished by ``upload_id``:
    only the rest is sent, and the video is whole."""
    project = project_id(server)
    data = master.read_bytes()
    auth = {"Authorization": f"Bearer {JOHN_TOKEN}"}
    with httpx.Client(base_url=f"{server}/api/v1", headers=auth) as raw:
        started = raw.post(
            "/uploads",
            json={"project_id": project, "title": "Cut", "filename": master.name,
                  "size": len(data)},
        ).json()  # fmt: skip
        head = data[: len(data) // 2]
        raw.patch(
            f"/uploads/{started['id']}",
            params={"offset": 0, "sha256": hashlib.sha256(head).hexdigest()},
            content=head,
            headers={"Content-Type": "application/octet-stream"},
        ).raise_for_status()
    async with AsyncClient(base_url=server, token=JOHN_TOKEN) as client:
        video = await client.videos.upload(project_id=project, path=master, upload_id=started["id"])
        ready = await client.videos.wait(video.id, timeout=120, interval=0.2)
    assert (ready.status, ready.frame_count) == ("ready", FRAMES)


@pytest.mark.asyncio
async def test_async_upload_of_something_that_is_not_a_video(server: str, tmp_path: Path) -> None:
    project = project_id(server)
    fake = tmp_path / "holiday.mp4"
    fake.write_bytes(b"PK\x03\x04" + bytes(4096))  # a zip named .mp4
    async with AsyncClient(base_url=server, token=JOHN_TOKEN) as client:
        with pytest.raises(BadRequest) as refused:
            await client.videos.upload(project_id=project, path=fake)
        assert refused.value.code == "invalid_video"
        assert await client.videos.list(project_id=project) == []


def test_sync_upload_then_wait_until_ready(server: str, master: Path) -> None:
    project = project_id(server)
    with Client(base_url=server, token=JOHN_TOKEN) as client:
        video = client.videos.upload(project_id=project, path=master, part_size=1024)
        ready = client.videos.wait(video.id, timeout=120, interval=0.2)
    assert (ready.status, ready.frame_count) == ("ready", FRAMES)
