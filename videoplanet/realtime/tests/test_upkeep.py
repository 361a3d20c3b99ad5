"""The room keeper (``upkeep.py``): one heartbeat for all of a process's sockets in a
room, one sweep, and a rejoin for a socket whose entry was swept."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

import pytest

from videoplanet.realtime import upkeep
from videoplanet.realtime.presence import MemoryPresence
from videoplanet.realtime.upkeep import RoomKeeper

ROOM = "video.room"
TTL = 30.0

pytestmark = pytest.mark.asyncio


class Socket:
    def __init__(self, presence: MemoryPresence, user_id: str, channel_name: str) -> None:
        self.presence = presence
        self.user_id = user_id
        self.channel_name = channel_name
        self.rejoined = 0

    async def enter(self, now: float) -> None:
        await self.presence.join(ROOM, self.user_id, self.user_id, "t", self.channel_name, now)

    async def rejoin(self) -> None:
        self.rejoined += 1
        await self.enter(100)


@pytest.fixture
def announced(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def abroadcast(video_id: Any, message: dict[str, Any]) -> bool:
        sent.append(message)
        return True

    monkeypatch.setattr(upkeep, "abroadcast", abroadcast)
    return sent


async def test_every_socket_renewed_the_dead_swept_the_swept_rejoin(
    monkeypatch: pytest.MonkeyPatch, announced: list[dict[str, Any]]
) -> None:
    presence = MemoryPresence(TTL)
    keeper = RoomKeeper(ROOM, uuid.uuid4(), presence)
    ann, bob = Socket(presence, "ann", "ann-1"), Socket(presence, "bob", "bob-1")
    for socket in (ann, bob):
        await socket.enter(0)
        keeper.members[socket.channel_name] = socket  # no background loop: keep() by hand
    await presence.join(ROOM, "dan", "Dan", "t", "dan-elsewhere", 0)  # a dead process's
    monkeypatch.setattr(upkeep.time, "time", lambda: 20.0)
    await keeper.keep()
    assert announced == []
    monkeypatch.setattr(upkeep.time, "time", lambda: 40.0)  # dan's entry ran out at 30
    await keeper.keep()
    assert [(m["type"], m["payload"]["user_id"]) for m in announced] == [("user.left", "dan")]
    assert sorted(m.user_id for m in await presence.members(ROOM, 45)) == ["ann", "bob"]

    assert sorted(await presence.sweep(ROOM, 71)) == ["ann", "bob"]  # we were paused: swept
    monkeypatch.setattr(upkeep.time, "time", lambda: 72.0)
    await keeper.keep()
    await asyncio.gather(*keeper.rejoining.values())
    assert (ann.rejoined, bob.rejoined) == (1, 1)
    assert sorted(m.user_id for m in await presence.members(ROOM, 101)) == ["ann", "bob"]


async def test_the_keeper_stops_with_the_rooms_last_socket() -> None:
    presence = MemoryPresence(TTL)
    keeper = upkeep.room_keeper(ROOM, uuid.uuid4(), presence)
    ann = Socket(presence, "ann", "ann-1")
    keeper.add(ann)
    assert upkeep.room_keeper(ROOM, uuid.uuid4(), presence) is keeper
    task = keeper.task
    assert task is not None and not task.done()
    await keeper.discard(ann)
    assert keeper.task is None
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert task.cancelled()
    fresh = upkeep.room_keeper(ROOM, uuid.uuid4(), presence)
    assert fresh is not keeper
    await fresh.discard(ann)  # nothing to keep: forgotten again
