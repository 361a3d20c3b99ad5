"""Presence backends, in memory and in a real Redis, driven by an explicit clock."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio
import redis.asyncio as aioredis

from videoplanet.realtime.presence import MemoryPresence, Presence, RedisPresence

REDIS_URL = "redis://127.0.0.1:6379/15"
TTL = 30.0
ROOM = "video.room"

pytestmark = pytest.mark.asyncio

Factory = Callable[[], Presence]


@pytest_asyncio.fixture(params=["memory", "redis"])
async def make(request: pytest.FixtureRequest) -> AsyncIterator[Factory]:
    """Build presence instances that share one store, as server processes would."""
    if request.param == "memory":
        shared = MemoryPresence(TTL)
        yield lambda: shared
        return
    client = aioredis.Redis.from_url(REDIS_URL)
    prefix = f"test-{uuid.uuid4().hex}"
    yield lambda: RedisPresence(client, TTL, prefix)
    keys = [key async for key in client.scan_iter(f"{prefix}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def test_people_not_sockets(make: Factory) -> None:
    p = make()
    assert await p.join(ROOM, "ann", "Ann", "t0", "ann-tab1", 0)
    assert not await p.join(ROOM, "ann", "Ann", "t0", "ann-tab2", 1)
    assert await p.join(ROOM, "bob", "Bob", "t2", "bob-tab1", 2)
    members = await p.members(ROOM, 3)
    assert sorted((m.user_id, m.name, m.joined_at) for m in members) == [
        ("ann", "Ann", "t0"),
        ("bob", "Bob", "t2"),
    ]
    assert not await p.leave(ROOM, "ann", "ann-tab1", 4)
    assert await p.leave(ROOM, "ann", "ann-tab2", 5)
    assert [m.user_id for m in await p.members(ROOM, 6)] == ["bob"]
    assert not await p.leave(ROOM, "ann", "ann-tab2", 7)  # leaving twice announces nothing


async def test_rooms_are_separate(make: Factory) -> None:
    p = make()
    await p.join("video.a", "ann", "Ann", "t", "c1", 0)
    assert await p.members("video.b", 1) == []


async def test_entries_expire_without_heartbeat_and_are_swept_once(make: Factory) -> None:
    alive, dead = make(), make()  # two server processes on one store
    await alive.join(ROOM, "ann", "Ann", "t", "ann-conn", 0)
    await dead.join(ROOM, "bob", "Bob", "t", "bob-conn", 0)
    for now in (10, 20):  # only ann's process keeps renewing
        assert await alive.heartbeat(ROOM, "ann", "ann-conn", now)
    assert await alive.sweep(ROOM, 25) == []  # bob not expired yet (expires at 30)
    assert sorted(m.user_id for m in await alive.members(ROOM, 29)) == ["ann", "bob"]
    assert [m.user_id for m in await alive.members(ROOM, 31)] == ["ann"]
    first, second = await alive.sweep(ROOM, 31), await dead.sweep(ROOM, 31)
    assert (first, second) == (["bob"], [])  # handed to exactly one sweeper


async def test_a_person_with_one_live_tab_is_not_swept(make: Factory) -> None:
    p = make()
    await p.join(ROOM, "ann", "Ann", "t", "tab-dead", 0)
    await p.join(ROOM, "ann", "Ann", "t", "tab-live", 0)
    assert await p.heartbeat(ROOM, "ann", "tab-live", 20)
    assert await p.sweep(ROOM, 35) == []
    assert [m.user_id for m in await p.members(ROOM, 35)] == ["ann"]
    assert await p.leave(ROOM, "ann", "tab-live", 36)  # the dead tab no longer counts


async def test_heartbeat_of_a_swept_connection_asks_to_rejoin(make: Factory) -> None:
    p = make()
    await p.join(ROOM, "ann", "Ann", "t", "c1", 0)
    assert await p.sweep(ROOM, 31) == ["ann"]
    assert not await p.heartbeat(ROOM, "ann", "c1", 32)
    assert await p.join(ROOM, "ann", "Ann", "t2", "c1", 32)  # announced again


async def test_rejoining_after_expiry_announces_again(make: Factory) -> None:
    p = make()
    assert await p.join(ROOM, "ann", "Ann", "t", "c1", 0)
    assert await p.join(ROOM, "ann", "Ann", "t", "c2", 40)  # c1 expired unseen


async def test_one_heartbeat_for_many_connections(make: Factory) -> None:
    p = make()
    await p.join(ROOM, "ann", "Ann", "t", "ann-tab1", 0)
    await p.join(ROOM, "ann", "Ann", "t", "ann-tab2", 0)
    await p.join(ROOM, "bob", "Bob", "t", "bob-tab", 0)
    await p.join(ROOM, "cid", "Cid", "t", "cid-tab", 0)
    await p.leave(ROOM, "cid", "cid-tab", 1)
    entries = [("ann", "ann-tab1"), ("bob", "bob-tab"), ("cid", "cid-tab"), ("ann", "ann-tab2")]
    assert await p.heartbeat_many(ROOM, entries, 20) == [True, True, False, True]
    assert await p.sweep(ROOM, 35) == []  # renewed until 50
    assert sorted(m.user_id for m in await p.members(ROOM, 49)) == ["ann", "bob"]
    assert sorted(await p.sweep(ROOM, 51)) == ["ann", "bob"]


async def test_many_heartbeats_go_in_batches(make: Factory) -> None:
    p = make()
    entries = [(f"user{n}", f"conn{n}") for n in range(450)]  # three Redis calls
    for user_id, conn in entries:
        await p.join(ROOM, user_id, user_id, "t", conn, 0)
    assert await p.heartbeat_many(ROOM, [*entries, ("ghost", "gone")], 20) == [True] * 450 + [False]
    assert await p.sweep(ROOM, 35) == []
