"""The process's presence backend: Redis when REDIS_URL is set, else in memory."""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis
from django.conf import settings

from .presence import MemoryPresence, Presence, RedisPresence

_memory: MemoryPresence | None = None
_redis: dict[asyncio.AbstractEventLoop, RedisPresence] = {}


def presence_ttl() -> float:
    return float(settings.PRESENCE_TTL_SECONDS)


def presence_backend() -> Presence:
    global _memory
    if settings.REDIS_URL:
        loop = asyncio.get_running_loop()
        if loop not in _redis:  # redis clients belong to the loop they were made on
            # A pool that waits for a free connection: a burst of joins or leaves must
            # queue, not fail and leave stale presence behind.
            pool = aioredis.BlockingConnectionPool.from_url(
                settings.REDIS_URL, max_connections=settings.REDIS_MAX_CONNECTIONS, timeout=20
            )
            client = aioredis.Redis(connection_pool=pool)
            _redis[loop] = RedisPresence(client, presence_ttl(), settings.REDIS_KEY_PREFIX)
        return _redis[loop]
    if _memory is None:
        _memory = MemoryPresence(presence_ttl())
    return _memory


def reset_memory_presence() -> None:
    """Forget in-memory presence (tests start each room empty)."""
    global _memory
    _memory = None
