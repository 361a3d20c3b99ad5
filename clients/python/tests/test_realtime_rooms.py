"""How ``RealtimeClient`` copes with what the real server never sends on demand.

A small WebSocket server in the test process (``websockets``) plays the room: garbage
messages, a dropped connection followed by a refusal, a server that goes away for good.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from videoplanet_client import (
    Backoff,
    Pong,
    PresenceSnapshot,
    RealtimeClient,
    TransportError,
    Unauthorized,
)
from websockets.asyncio.server import ServerConnection, serve

SNAPSHOT = json.dumps({"type": "presence.snapshot", "payload": {"users": []}})
FAST = Backoff(base=0.01, factor=2.0, cap=0.05)
WAIT = 10.0


def room(port: int, **kwargs: object) -> RealtimeClient:
    return RealtimeClient(
        base_url=f"http://127.0.0.1:{port}", token="tok", video_id="v1", backoff=FAST, **kwargs
    )  # type: ignore[arg-type]


def port_of(server: object) -> int:
    return int(server.sockets[0].getsockname()[1])  # type: ignore[attr-defined]


@pytest.mark.asyncio
async def test_unreadable_messages_are_skipped_and_kept() -> None:
    seen: dict[str, str] = {}

    async def handler(ws: ServerConnection) -> None:
        assert ws.request is not None
        seen["path"] = ws.request.path
        seen["authorization"] = ws.request.headers["Authorization"]
        seen["user-agent"] = ws.request.headers["User-Agent"]
        seen["x-client"] = ws.request.headers["X-Client"]
        await ws.send(SNAPSHOT)
        for raw in ("not json", '{"type": "feedback.teleported", "payload": {}}'):
            await ws.send(raw)
        await ws.send(json.dumps({"type": "pong", "payload": {"id": 5}}))
        await ws.send(b"\xff\xfe")
        await ws.send(json.dumps({"type": "pong", "payload": {"id": "ok"}}))
        await ws.wait_closed()

    async with serve(handler, "127.0.0.1", 0) as server, room(port_of(server)) as joined:
        assert isinstance(await asyncio.wait_for(anext(joined), WAIT), PresenceSnapshot)
        assert await asyncio.wait_for(anext(joined), WAIT) == Pong(id="ok")
        reasons = [r.reason for r in joined.rejected]
    assert [r.split(":")[0] for r in reasons] == [
        "not JSON",
        "unknown message type 'feedback.teleported'",
        "pong",
        "not JSON",
    ]
    assert seen["path"] == "/ws/videos/v1/"
    assert seen["authorization"] == "Bearer tok"
    assert seen["user-agent"].startswith("videoplanet-client/")
    assert seen["x-client"].startswith("VideoPlanet-Python-SDK/")


@pytest.mark.asyncio
async def test_a_refusal_while_rejoining_raises_instead_of_retrying() -> None:
    connections = 0

    async def handler(ws: ServerConnection) -> None:
        nonlocal connections
        connections += 1
        if connections == 1:
            await ws.send(SNAPSHOT)
            await ws.close(1011, "server error")  # dropped: rejoin
        else:
            await ws.close(4401)  # the token was revoked meanwhile

    async with (
        serve(handler, "127.0.0.1", 0) as server,
        room(port_of(server), max_reconnect_attempts=None) as joined,
    ):
        assert isinstance(await anext(joined), PresenceSnapshot)
        with pytest.raises(Unauthorized):
            await asyncio.wait_for(anext(joined), WAIT)
    assert (connections, joined.reconnects) == (2, 0)


@pytest.mark.asyncio
async def test_rejoining_gives_up_after_max_attempts() -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.send(SNAPSHOT)
        await ws.wait_closed()

    async with serve(handler, "127.0.0.1", 0) as server:
        port = port_of(server)
        joined = await room(port, max_reconnect_attempts=3).__aenter__()
        assert isinstance(await anext(joined), PresenceSnapshot)
        server.close()  # closes the connection (1001) and stops listening
        await server.wait_closed()
        with pytest.raises(TransportError, match="could not rejoin in 3 attempts"):
            await asyncio.wait_for(anext(joined), WAIT)
        await joined.close()


@pytest.mark.asyncio
async def test_a_room_that_cannot_be_reached_fails_at_once() -> None:
    async with serve(lambda ws: ws.wait_closed(), "127.0.0.1", 0) as server:
        port = port_of(server)
    with pytest.raises(TransportError, match="cannot join"):
        await asyncio.wait_for(room(port, max_reconnect_attempts=None).__aenter__(), WAIT)
