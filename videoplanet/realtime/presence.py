"""Who is in a video's room: people, not sockets.

Each connection holds an entry that expires unless its socket renews it (the
heartbeat), so a server process that dies takes its people out of the room once their
entries expire. ``join`` tells whether this was the person's first live connection
(announce ``user.joined``), ``leave`` whether it was their last (announce
``user.left``), and ``sweep`` hands out the people whose every entry expired, each to
exactly one caller, so ``user.left`` is announced once even with many processes.

``MemoryPresence`` serves one process (`make run`); ``RedisPresence`` is shared by every
server process on one Redis, each change one atomic Lua script.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

import redis.asyncio as aioredis


@dataclass(frozen=True)
class Present:
    user_id: str
    name: str
    joined_at: str


class Presence(Protocol):
    async def join(
        self, room: str, user_id: str, name: str, joined_at: str, conn: str, now: float
    ) -> bool: ...
    async def heartbeat(self, room: str, user_id: str, conn: str, now: float) -> bool: ...
    async def heartbeat_many(
        self, room: str, entries: list[tuple[str, str]], now: float
    ) -> list[bool]: ...
    async def leave(self, room: str, user_id: str, conn: str, now: float) -> bool: ...
    async def sweep(self, room: str, now: float) -> list[str]: ...
    async def members(self, room: str, now: float) -> list[Present]: ...


class MemoryPresence:
    """Presence for a single server process (no locking needed: one event loop)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._rooms: dict[str, dict[str, dict[str, Any]]] = {}

    def _live(self, person: dict[str, Any], now: float) -> dict[str, float]:
        conns: dict[str, float] = person["conns"]
        for conn in [c for c, expiry in conns.items() if expiry <= now]:
            del conns[conn]
        return conns

    async def join(
        self, room: str, user_id: str, name: str, joined_at: str, conn: str, now: float
    ) -> bool:
        people = self._rooms.setdefault(room, {})
        person = people.get(user_id)
        first = person is None or not self._live(person, now)
        if person is None or first:
            person = people[user_id] = {"name": name, "joined_at": joined_at, "conns": {}}
        person["conns"][conn] = now + self.ttl
        return first

    async def heartbeat(self, room: str, user_id: str, conn: str, now: float) -> bool:
        person = self._rooms.get(room, {}).get(user_id)
        if person is None or conn not in person["conns"]:
            return False
        person["conns"][conn] = now + self.ttl
        return True

    async def heartbeat_many(
        self, room: str, entries: list[tuple[str, str]], now: float
    ) -> list[bool]:
        return [await self.heartbeat(room, user_id, conn, now) for user_id, conn in entries]

    async def leave(self, room: str, user_id: str, conn: str, now: float) -> bool:
        people = self._rooms.get(room, {})
        person = people.get(user_id)
        if person is None:
            return False
        person["conns"].pop(conn, None)
        if self._live(person, now):
            return False
        del people[user_id]
        if not people:
            self._rooms.pop(room, None)
        return True

    async def sweep(self, room: str, now: float) -> list[str]:
        people = self._rooms.get(room, {})
        gone = [user_id for user_id, person in people.items() if not self._live(person, now)]
        for user_id in gone:
            del people[user_id]
        return gone

    async def members(self, room: str, now: float) -> list[Present]:
        people = self._rooms.get(room, {})
        return [
            Present(user_id, person["name"], person["joined_at"])
            for user_id, person in people.items()
            if self._live(person, now)
        ]


# KEYS: users zset (user -> latest expiry), conns zset of this user (conn -> expiry),
# info hash (user -> {"name", "joined_at"}).
_JOIN = """
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
local before = redis.call('ZCARD', KEYS[2])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[2])
redis.call('ZADD', KEYS[1], 'GT', ARGV[4], ARGV[1])
if before == 0 then redis.call('HSET', KEYS[3], ARGV[1], ARGV[5]) end
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[6]) end
return before
"""
_HEARTBEAT = """
if not redis.call('ZSCORE', KEYS[2], ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('ZADD', KEYS[1], 'GT', ARGV[3], ARGV[1])
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[4]) end
return 1
"""
# KEYS: users zset, info hash; ARGV: expiry, key TTL, prefix of the per-user conns keys,
# then user, conn pairs. The heartbeat of every pair, in one call: 1 renewed, 0 gone.
_HEARTBEAT_MANY = """
local renewed = {}
for i = 4, #ARGV, 2 do
  local user, conn = ARGV[i], ARGV[i + 1]
  local conns = ARGV[3] .. user
  if redis.call('ZSCORE', conns, conn) then
    redis.call('ZADD', conns, ARGV[1], conn)
    redis.call('ZADD', KEYS[1], 'GT', ARGV[1], user)
    redis.call('EXPIRE', conns, ARGV[2])
    table.insert(renewed, 1)
  else
    table.insert(renewed, 0)
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return renewed
"""
_LEAVE = """
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
redis.call('HDEL', KEYS[3], ARGV[1])
return redis.call('ZREM', KEYS[1], ARGV[1])
"""
# KEYS: users zset, info hash; ARGV: now, prefix of the per-user conns keys.
_SWEEP = """
local gone = {}
for _, user in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])) do
  local conns = ARGV[2] .. user
  redis.call('ZREMRANGEBYSCORE', conns, '-inf', ARGV[1])
  local top = redis.call('ZRANGE', conns, -1, -1, 'WITHSCORES')
  if #top == 0 then
    redis.call('ZREM', KEYS[1], user)
    redis.call('HDEL', KEYS[2], user)
    table.insert(gone, user)
  else
    redis.call('ZADD', KEYS[1], top[2], user)
  end
end
return gone
"""


HEARTBEAT_BATCH = 200


class RedisPresence:
    """Presence shared by every server process on one Redis."""

    def __init__(self, client: aioredis.Redis, ttl: float, prefix: str = "videoplanet") -> None:
        self.client = client
        self.ttl = ttl
        self.prefix = prefix
        self._join = client.register_script(_JOIN)
        self._heartbeat = client.register_script(_HEARTBEAT)
        self._heartbeat_many = client.register_script(_HEARTBEAT_MANY)
        self._leave = client.register_script(_LEAVE)
        self._sweep = client.register_script(_SWEEP)

    def _base(self, room: str) -> str:
        return f"{self.prefix}:presence:{room}"

    def _keys(self, room: str, user_id: str) -> list[str]:
        base = self._base(room)
        return [f"{base}:users", f"{base}:conns:{user_id}", f"{base}:info"]

    @property
    def _key_ttl(self) -> int:
        return int(self.ttl * 4) + 1

    async def join(
        self, room: str, user_id: str, name: str, joined_at: str, conn: str, now: float
    ) -> bool:
        info = json.dumps({"name": name, "joined_at": joined_at})
        args: list[str | float] = [user_id, conn, now, now + self.ttl, info, self._key_ttl]
        before = await self._join(keys=self._keys(room, user_id), args=args)
        return int(before) == 0

    async def heartbeat(self, room: str, user_id: str, conn: str, now: float) -> bool:
        args: list[str | float] = [user_id, conn, now + self.ttl, self._key_ttl]
        return int(await self._heartbeat(keys=self._keys(room, user_id), args=args)) == 1

    async def heartbeat_many(
        self, room: str, entries: list[tuple[str, str]], now: float
    ) -> list[bool]:
        """``heartbeat`` for many connections of a room: a script call per
        ``HEARTBEAT_BATCH`` of them, each short enough not to hold Redis up."""
        users, _, info = self._keys(room, "")
        prefix = f"{self._base(room)}:conns:"
        renewed: list[bool] = []
        for start in range(0, len(entries), HEARTBEAT_BATCH):
            args: list[str | float] = [now + self.ttl, self._key_ttl, prefix]
            for user_id, conn in entries[start : start + HEARTBEAT_BATCH]:
                args += [user_id, conn]
            result = await self._heartbeat_many(keys=[users, info], args=args)
            renewed += [int(r) == 1 for r in result]
        return renewed

    async def leave(self, room: str, user_id: str, conn: str, now: float) -> bool:
        removed = await self._leave(keys=self._keys(room, user_id), args=[user_id, conn, now])
        return int(removed) == 1

    async def sweep(self, room: str, now: float) -> list[str]:
        users, _, info = self._keys(room, "")
        gone = await self._sweep(keys=[users, info], args=[now, f"{self._base(room)}:conns:"])
        return [g.decode() if isinstance(g, bytes) else str(g) for g in gone]

    async def members(self, room: str, now: float) -> list[Present]:
        users_key, _, info_key = self._keys(room, "")
        users = [
            u.decode() if isinstance(u, bytes) else str(u)
            for u in await self.client.zrangebyscore(users_key, f"({now}", "+inf")
        ]
        if not users:
            return []
        infos = await self.client.hmget(info_key, users)
        out = []
        for user_id, raw in zip(users, infos, strict=True):
            if raw is None:
                continue
            data = json.loads(raw)
            out.append(Present(user_id, data["name"], data["joined_at"]))
        return out
