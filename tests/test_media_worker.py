"""An uploaded video through real processes: uvicorn serves the API, `manage.py
db_worker` (the task worker `make run` starts) processes the video, both on one SQLite
file, as in `make run`."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server import REPO_ROOT, ProviderServer
from videoplanet.media.samples import count_frames, make_video

pytestmark = pytest.mark.server


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


@pytest.fixture
def stack(stack_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    env = stack_env
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO_ROOT, env=env, check=True,
    )  # fmt: skip
    server = ProviderServer(
        lambda port: [
            sys.executable, "-m", "uvicorn", "config.asgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
        ],
        env=env,
        stop_signals=(signal.SIGTERM,),
    )  # fmt: skip
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
         "--interval", "0.2"],
        cwd=REPO_ROOT, env={**env, "ROOM_RELAY_URL": f"{server.url}/internal/rooms/relay"},
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        with server:
            yield server.url
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        log.close()


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


def test_an_uploaded_master_is_processed_by_the_worker(
    stack: str, stack_env: dict[str, str], tmp_path: Path
) -> None:
    master = make_video(
        tmp_path / "master.mov", codec="prores", pix_fmt="yuv422p10le", frames=16, audio=True
    )
    data = master.read_bytes()
    with httpx.Client(base_url=stack, timeout=30) as api:
        api.headers["Authorization"] = f"Bearer {_account(stack_env)}"
        project = api.post("/api/v1/projects", json={"name": "Film"}).json()
        upload = api.post(
            "/api/v1/uploads",
            json={"project_id": project["id"], "title": "Master", "filename": "master.mov",
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
        video = _wait_processed(api, created.json()["id"], tmp_path / "worker.log")
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
