"""An uploaded video through real processes: uvicorn serves the API, `manage.py
db_worker` (the task worker `make run` starts) processes the video, both on one SQLite
file, as in `make run`."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import websockets

from tests.server import REPO_ROOT, ProviderServer
from tests.worker import DB_WORKER, RQ_WORKER, task_worker
from videoplanet.media.samples import count_frames, make_video

pytestmark = pytest.mark.server

REDIS_URL = os.environ.get("REDIS_URL_FOR_TESTS", "redis://127.0.0.1:6379/0")


@pytest.fixture
def stack_env(tmp_path: Path) -> dict[str, str]:
    """The settings the server, the worker and the test's own commands share."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        VIDEO_UPLOAD_DIR=str(tmp_path / "uploads"),
        TASKS_BACKEND="database",
        VIDEO_PROXY_PRESET="ultrafast",
        DEBUG="false",
    )
    return env


@contextlib.contextmanager
def serving(env: dict[str, str]) -> Iterator[ProviderServer]:
    """The app under uvicorn on a migrated database."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO_ROOT, env=env, check=True,
    )  # fmt: skip
    with ProviderServer(
        lambda port: [
            sys.executable, "-m", "uvicorn", "config.asgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
        ],
        env=env,
        stop_signals=(signal.SIGTERM,),
    ) as running:  # fmt: skip
        yield running


@pytest.fixture
def server(stack_env: dict[str, str]) -> Iterator[ProviderServer]:
    with serving(stack_env) as running:
        yield running


@pytest.fixture
def stack(server: ProviderServer, stack_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """The server, and the worker telling rooms through it (as in `make run`)."""
    with task_worker(stack_env, tmp_path / "worker.log", relay_to=server.url):
        yield server.url


def _wait_processed(api: httpx.Client, video_id: str, worker_log: Path) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        video = api.get(f"/api/v1/videos/{video_id}").json()
        if video["status"] != "processing":
            return dict(video)
        time.sleep(0.2)
    raise AssertionError(f"the worker did not finish: {worker_log.read_text()}")


def _account(env: dict[str, str]) -> str:
    """A verified account in the stack's database, and a token for it (sign-up by email
    link is tested elsewhere; here it would only add a mailbox to read)."""
    created = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from videoplanet.accounts.models import User\n"
         "from videoplanet.accounts.services import token_issue\n"
         "user = User.objects.create_user('ed@example.com', 'correct-horse-battery', name='Ed')\n"
         "print(token_issue(user=user, name='test'))"],
        cwd=REPO_ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return created.stdout.strip().splitlines()[-1]


def _upload(api: httpx.Client, path: Path) -> dict[str, Any]:
    """A project, the file uploaded into it in one part, completed: the new video."""
    data = path.read_bytes()
    project = api.post("/api/v1/projects", json={"name": "Film"}).json()
    upload = api.post(
        "/api/v1/uploads",
        json={"project_id": project["id"], "title": "Master", "filename": path.name,
              "size": len(data)},
    ).json()  # fmt: skip
    part = api.patch(
        f"/api/v1/uploads/{upload['id']}",
        params={"offset": 0, "sha256": hashlib.sha256(data).hexdigest()},
        content=data,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert part.json()["offset"] == len(data)
    created = api.post(f"/api/v1/uploads/{upload['id']}/complete")
    assert created.status_code == 201, created.text
    video = dict(created.json())
    assert video["status"] == "processing"
    return video


def _master(tmp_path: Path) -> Path:
    return make_video(
        tmp_path / "master.mov", codec="prores", pix_fmt="yuv422p10le", frames=16, audio=True
    )


def test_an_uploaded_master_is_processed_by_the_worker(
    stack: str, stack_env: dict[str, str], tmp_path: Path
) -> None:
    master = _master(tmp_path)
    with httpx.Client(base_url=stack, timeout=30) as api:
        api.headers["Authorization"] = f"Bearer {_account(stack_env)}"
        created = _upload(api, master)
        video = _wait_processed(api, created["id"], tmp_path / "worker.log")
        assert video["status"] == "ready", video
        head = httpx.get(video["playback_url"], headers={"Range": "bytes=0-99"})
        assert head.status_code == 206
        assert head.headers["Content-Range"].startswith("bytes 0-99/")
        proxy = tmp_path / "proxy.mp4"
        proxy.write_bytes(httpx.get(video["playback_url"]).content)
        assert count_frames(proxy) == 16 == video["frame_count"]
        assert httpx.get(video["poster_url"]).headers["Content-Type"] == "image/webp"
    # The worker told the room through the server (make run has no shared channel layer).
    assert "relaying" not in (tmp_path / "worker.log").read_text()


async def _next_of_type(room: Any, type_: str) -> dict[str, Any]:
    """The next message of ``type_`` in the room (presence and the like are skipped)."""
    while True:
        message = json.loads(await room.recv())
        if message["type"] == type_:
            return dict(message)


@pytest.fixture(params=["relay", "redis", "rq"])
def setup(request: pytest.FixtureRequest, stack_env: dict[str, str]) -> str:
    """``relay`` (`make run`): the database queue; the worker tells rooms through the
    server's relay endpoint (no shared channel layer). ``redis``: the server and the
    worker share the channel layer on Redis. ``rq`` (production): that, and the queue in
    Redis with `manage.py rqworker`. (Changes ``stack_env``.)"""
    if request.param != "relay":
        prefix = f"test-{uuid.uuid4().hex[:12]}"
        stack_env.update(REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=prefix)
        request.addfinalizer(lambda: _forget(prefix))
    if request.param == "rq":
        stack_env.update(TASKS_BACKEND="rq")
    return str(request.param)


def _forget(prefix: str) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def test_the_room_hears_the_worker_finish_over_a_websocket(
    setup: str, stack_env: dict[str, str], tmp_path: Path
) -> None:
    """Someone watching the video's room over a real WebSocket sees it become ready: the
    worker (another process) tells the room through the server (``make run``) or through
    the Redis channel layer (production). The worker starts only once the socket is in the room, so the
    event cannot come before it."""
    with serving(stack_env) as server:
        _hear_the_worker(setup, server, stack_env, tmp_path)


def _hear_the_worker(
    setup: str, server: ProviderServer, stack_env: dict[str, str], tmp_path: Path
) -> None:
    token = _account(stack_env)
    with httpx.Client(base_url=server.url, timeout=30) as api:
        api.headers["Authorization"] = f"Bearer {token}"
        created = _upload(api, _master(tmp_path))
    url = f"ws://{server.host}:{server.port}/ws/videos/{created['id']}/"
    log = tmp_path / "worker.log"
    if setup == "relay":
        worker = task_worker(stack_env, log, relay_to=server.url)
    else:
        worker = task_worker(stack_env, log, command=RQ_WORKER if setup == "rq" else DB_WORKER)

    async def watch() -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"}
        async with websockets.connect(url, additional_headers=headers) as room:
            await _next_of_type(room, "presence.snapshot")  # in the room now
            with worker:
                try:
                    return await asyncio.wait_for(_next_of_type(room, "video.updated"), 120)
                except TimeoutError:
                    raise AssertionError(f"no video.updated: {log.read_text()}") from None

    heard = asyncio.run(watch())
    assert heard["payload"] == {
        "id": created["id"], "project_id": created["project_id"], "status": "ready"
    }  # fmt: skip
    with httpx.Client(base_url=server.url, timeout=30) as api:
        api.headers["Authorization"] = f"Bearer {token}"
        assert api.get(f"/api/v1/videos/{created['id']}").json()["status"] == "ready"
