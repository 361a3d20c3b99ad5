"""Two real server processes on one Redis share rooms and presence.

Both serve the same app on one SQLite file with REDIS_URL set (channels-redis and Redis
presence). A client on the first receives the event caused by a REST call served by the
second; presence is the same seen from either; when a process is killed, the people
connected only through it leave the room once their presence entries expire.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import websockets

from tests.server import REPO_ROOT, ProviderServer
from videoplanet.realtime.broadcast import room_event, room_group
from videoplanet.realtime.layer import RoomChannelLayer
from videoplanet.realtime.notify import pong_message
from videoplanet.realtime.revocation import EVENT_TYPE, user_group

REDIS_URL = os.environ.get("REDIS_URL_FOR_TESTS", "redis://127.0.0.1:6379/0")
TTL = 1.5  # seconds; heartbeats every TTL/3
WAIT = 15.0  # bound on any single expected message

pytestmark = pytest.mark.server


def uvicorn(port: int) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", "config.asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ProviderServer, ProviderServer]]:
    workdir: Path = tmp_path_factory.mktemp("scale-out")
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.provider",
        DATABASE_URL=f"sqlite:///{workdir / 'shared.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        REDIS_URL=REDIS_URL,
        REDIS_KEY_PREFIX=prefix,
        PRESENCE_TTL_SECONDS=str(TTL),
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO_ROOT, env=env, check=True,
    )  # fmt: skip
    stop = (signal.SIGTERM, signal.SIGKILL)
    with (
        ProviderServer(uvicorn, env=env, stop_signals=stop) as a,
        ProviderServer(uvicorn, env=env, stop_signals=stop) as b,
    ):
        yield a, b
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def room(server: ProviderServer, video_id: str, token: str) -> Any:
    url = f"ws://{server.host}:{server.port}/ws/videos/{video_id}/"
    return websockets.connect(url, additional_headers={"Authorization": f"Bearer {token}"})


async def expect(ws: Any, type_: str, user_id: str | None = None) -> dict[str, Any]:
    """The next message of this type (about this user), skipping others; bounded."""

    async def find() -> dict[str, Any]:
        while True:
            message = json.loads(await ws.recv())
            if message["type"] != type_:
                continue
            if user_id is None or message["payload"].get("user_id") == user_id:
                return message

    return await asyncio.wait_for(find(), WAIT)


async def silent(ws: Any, seconds: float) -> list[dict[str, Any]]:
    seen = []
    try:
        while True:
            seen.append(json.loads(await asyncio.wait_for(ws.recv(), seconds)))
    except TimeoutError:
        return seen


def test_a_room_gets_its_events_in_the_order_they_were_sent(
    cluster: tuple[ProviderServer, ProviderServer],
) -> None:
    """Feedback created one after another, alternately through each process, reaches a
    socket on either process in that order."""
    a, b = cluster
    world = httpx.post(
        f"{a.url}/pact/provider-states", json={"state": "user is authenticated"}
    ).json()
    video, headers = world["video_id"], {"Authorization": "Bearer valid-token"}

    async def scenario() -> None:
        async with room(a, video, "valid-token") as on_a, room(b, video, "valid-token") as on_b:
            await expect(on_a, "presence.snapshot")
            await expect(on_b, "presence.snapshot")
            sent = []
            async with httpx.AsyncClient() as http:
                for n in range(30):
                    created = await http.post(
                        f"{(a, b)[n % 2].url}/api/v1/feedbacks",
                        headers=headers,
                        json={"video_id": video, "timestamp": float(n), "content": f"#{n}"},
                    )
                    assert created.status_code == 201
                    sent.append(created.json()["id"])
            for ws in (on_a, on_b):
                got = [(await expect(ws, "feedback.created"))["payload"]["id"] for _ in sent]
                assert got == sent

    asyncio.run(scenario())


def test_two_processes_share_rooms_and_presence(
    cluster: tuple[ProviderServer, ProviderServer],
) -> None:
    a, b = cluster
    world = httpx.post(f"{a.url}/pact/provider-states", json={"state": "feedback exists"}).json()
    video, john_token = world["video_id"], "valid-token"
    jane_login = httpx.post(
        f"{b.url}/api/v1/auth/token",
        json={"email": "jane@example.com", "password": "jane-password-1"},
    )
    jane_token = jane_login.json()["token"]
    jane_id = jane_login.json()["user"]["id"]

    async def scenario() -> None:
        async with room(a, video, john_token) as john:
            snapshot = await expect(john, "presence.snapshot")
            assert [u["name"] for u in snapshot["payload"]["users"]] == ["John Doe"]

            async with room(b, video, jane_token) as jane:
                # Presence is the same from either process.
                seen_by_jane = await expect(jane, "presence.snapshot")
                names = sorted(u["name"] for u in seen_by_jane["payload"]["users"])
                assert names == ["Jane Doe", "John Doe"]
                joined = await expect(john, "user.joined", jane_id)
                assert joined["payload"]["name"] == "Jane Doe"

                # A REST call served by B reaches John, connected to A.
                async with httpx.AsyncClient() as http:
                    created = await http.post(
                        f"{b.url}/api/v1/feedbacks",
                        headers={"Authorization": f"Bearer {jane_token}"},
                        json={"video_id": video, "timestamp": 12.0, "content": "From B"},
                    )
                assert created.status_code == 201
                event = await expect(john, "feedback.created")
                assert event["payload"]["id"] == created.json()["id"]
                assert event["payload"]["user"]["id"] == jane_id

                # A ticket issued by B opens a room on A, once: tickets live in Redis.
                async with httpx.AsyncClient() as http:
                    issued = await http.post(
                        f"{b.url}/api/v1/realtime/tickets",
                        headers={"Authorization": f"Bearer {john_token}"},
                        json={"video_id": video},
                    )
                assert issued.status_code == 201
                ticketed = (
                    f"ws://{a.host}:{a.port}/ws/videos/{video}/?ticket={issued.json()['ticket']}"
                )
                async with websockets.connect(ticketed) as by_ticket:
                    await expect(by_ticket, "presence.snapshot")
                async with websockets.connect(ticketed) as reused:
                    with pytest.raises(websockets.ConnectionClosed) as refused:
                        await asyncio.wait_for(reused.recv(), WAIT)
                assert refused.value.rcvd is not None and refused.value.rcvd.code == 4401

                # A second tab on the other process is the same person: not announced.
                async with room(a, video, jane_token) as tab2:
                    again = await expect(tab2, "presence.snapshot")
                    assert len(again["payload"]["users"]) == 2
                assert [m["type"] for m in await silent(john, 1.0)] == []

                # B dies without closing anything: Jane is gone once her entry expires.
                os.killpg(b.process.pid, signal.SIGKILL)  # type: ignore[union-attr]
                left = await expect(john, "user.left", jane_id)
                assert left["payload"]["left_at"].endswith("Z")

    asyncio.run(scenario())


def test_an_idle_room_keeps_its_sockets(cluster: tuple[ProviderServer, ProviderServer]) -> None:
    """The channel layer's blocking read waits 5 s; a Redis client that times reads out
    at 5 s (redis-py 8's default) would drop every idle socket. Stay quiet past that."""
    a, _ = cluster  # the first test killed b
    world = httpx.post(
        f"{a.url}/pact/provider-states", json={"state": "user is authenticated"}
    ).json()

    async def scenario() -> None:
        async with room(a, world["video_id"], "valid-token") as john:
            await expect(john, "presence.snapshot")
            await silent(john, 7.0)  # idle longer than the layer's 5 s blocking read
            async with httpx.AsyncClient() as http:
                created = await http.post(
                    f"{a.url}/api/v1/feedbacks",
                    headers={"Authorization": "Bearer valid-token"},
                    json={
                        "video_id": world["video_id"],
                        "timestamp": 1.0,
                        "content": "Still there?",
                    },
                )
            event = await expect(john, "feedback.created")
            assert event["payload"]["id"] == created.json()["id"]

    asyncio.run(scenario())


def test_a_burst_of_disconnects_leaves_nobody_behind(
    cluster: tuple[ProviderServer, ProviderServer],
) -> None:
    """Many sockets closing at once must each leave the group and presence: afterwards a
    newcomer sees only itself, and nobody was announced twice."""
    a, _ = cluster
    world = httpx.post(
        f"{a.url}/pact/provider-states", json={"state": "user is authenticated"}
    ).json()
    video = world["video_id"]

    async def scenario() -> None:
        crowd = [await room(a, video, "valid-token") for _ in range(150)]
        for ws in crowd:
            await expect(ws, "presence.snapshot")
        await asyncio.gather(*(ws.close() for ws in crowd))
        async with room(a, video, "valid-token") as newcomer:
            snapshot = await expect(newcomer, "presence.snapshot")
            assert len(snapshot["payload"]["users"]) == 1  # John, through this socket only

    asyncio.run(scenario())
    errors = [line for line in a.output().splitlines() if "Error" in line or "Traceback" in line]
    assert errors == [], "\n".join(errors[:20])


def test_revoked_access_reaches_a_socket_in_another_process(
    cluster: tuple[ProviderServer, ProviderServer],
) -> None:
    """What a membership removal sends after commit, sent from this process through the
    shared Redis: the socket served by the server process closes 4403, and a room event
    published right after the revocation never reaches it."""
    a, _ = cluster
    world = httpx.post(
        f"{a.url}/pact/provider-states", json={"state": "user is authenticated"}
    ).json()
    layer = RoomChannelLayer(hosts=[REDIS_URL], prefix=f"{a.env['REDIS_KEY_PREFIX']}:asgi")

    async def scenario() -> None:
        async with room(a, world["video_id"], "valid-token") as john:
            await expect(john, "presence.snapshot")
            await layer.group_send(
                user_group(world["user_id"]),
                {"type": EVENT_TYPE, "reason": "membership", "project_id": world["project_id"]},
            )
            after = room_event(pong_message("after the revocation"))
            assert after is not None
            await layer.group_send(room_group(world["video_id"]), after)
            seen = []
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    seen.append(json.loads(await asyncio.wait_for(john.recv(), WAIT)))
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
            assert [m for m in seen if m["type"] == "pong"] == []
        await layer.flush()

    asyncio.run(scenario())
