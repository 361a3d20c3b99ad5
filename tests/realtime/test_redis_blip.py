"""Rooms survive a Redis restart under two real server processes.

A private ``redis-server`` (its own port, nothing saved) serves two uvicorn processes on
one SQLite file. With a socket open on each, Redis is stopped: the REST API keeps
answering, the event it could not broadcast is counted as dropped, and the sockets stay
open. Redis comes back empty: each process's room subscription reconnects by itself and
closes its sockets with 1012 (service restart), the code clients rejoin on and reload
after; the first new connection on each process works (no stale pooled connection),
and an event reaches a room spread over both processes again.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import websockets

from tests.realtime.test_scale_out import expect, room, uvicorn
from tests.server import REPO_ROOT, ProviderServer

REDIS_PORT = int(os.environ.get("BLIP_REDIS_PORT", "18540"))
WAIT = 15.0
CLOSE_SERVICE_RESTART = 1012

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


class PrivateRedis:
    """``redis-server`` on its own port, keeping nothing on disk; restartable."""

    def __init__(self, port: int, workdir: Path) -> None:
        self.port, self.workdir = port, workdir
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server on port {self.port} did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)  # as a crash: no goodbye to clients
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def blip(tmp_path: Path) -> Iterator[tuple[PrivateRedis, ProviderServer, ProviderServer]]:
    server = PrivateRedis(REDIS_PORT, tmp_path)
    server.start()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.provider",
        DATABASE_URL=f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        REDIS_URL=server.url,
        REDIS_KEY_PREFIX="blip",
        PRESENCE_TTL_SECONDS="3",
        METRICS_PUBLIC="true",
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO_ROOT, env=env, check=True,
    )  # fmt: skip
    stop = (signal.SIGTERM, signal.SIGKILL)
    a, b = (ProviderServer(uvicorn, env=env, stop_signals=stop) for _ in range(2))
    try:
        with ThreadPoolExecutor(2) as starting:  # side by side: the suite stays fast
            for started in [starting.submit(s.start) for s in (a, b)]:
                started.result()
        yield server, a, b
    finally:
        a.stop()
        b.stop()
        server.stop()


def dropped(server: ProviderServer) -> float:
    text = httpx.get(f"{server.url}/metrics").text
    lines = [
        line
        for line in text.splitlines()
        if line.startswith('videoplanet_room_events_dropped_total{type="feedback.created"}')
    ]
    return float(lines[0].split()[-1]) if lines else 0.0


async def closed_with(ws: Any) -> int | None:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(ws.recv(), WAIT)
    return closed.value.rcvd.code if closed.value.rcvd is not None else None


def test_rooms_survive_a_redis_restart(
    blip: tuple[PrivateRedis, ProviderServer, ProviderServer],
) -> None:
    redis_server, a, b = blip
    world = httpx.post(f"{a.url}/pact/provider-states", json={"state": "feedback exists"}).json()
    video, token = world["video_id"], "valid-token"
    headers = {"Authorization": f"Bearer {token}"}

    def feedback(server: ProviderServer, text: str) -> httpx.Response:
        body = {"video_id": video, "timestamp": 3.0, "content": text}
        return httpx.post(f"{server.url}/api/v1/feedbacks", headers=headers, json=body)

    async def scenario() -> None:
        async with room(a, video, token) as on_a, room(b, video, token) as on_b:
            await expect(on_a, "presence.snapshot")
            await expect(on_b, "presence.snapshot")
            before = dropped(a)

            redis_server.stop()
            during = await asyncio.to_thread(feedback, a, "While Redis is down")
            assert during.status_code == 201
            assert dropped(a) == before + 1
            await asyncio.sleep(1.0)  # a short outage: the sockets are still open
            assert on_a.close_code is None and on_b.close_code is None

            redis_server.start()
            # Each process's subscription comes back by itself and says so: clients
            # rejoin on 1012 and reload what the room said while they were away.
            assert await closed_with(on_a) == CLOSE_SERVICE_RESTART
            assert await closed_with(on_b) == CLOSE_SERVICE_RESTART

        # The first new connection on each process works, and events flow across both.
        async with room(a, video, token) as on_a, room(b, video, token) as on_b:
            await expect(on_a, "presence.snapshot")
            await expect(on_b, "presence.snapshot")
            after = await asyncio.to_thread(feedback, b, "Redis is back")
            assert after.status_code == 201
            for ws in (on_a, on_b):
                event = await expect(ws, "feedback.created")
                assert event["payload"]["id"] == after.json()["id"]

    asyncio.run(scenario())
    for server in (a, b):  # no connection crashed (heartbeats failing meanwhile are logged)
        assert "Exception in ASGI application" not in server.output(), server.output()[-4000:]
