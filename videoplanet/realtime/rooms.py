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
            client = aioredis.Redis.from_url(settings.REDIS_URL)
            _redis[loop] = RedisPresence(client, presence_ttl(), settings.REDIS_KEY_PREFIX)
        return _redis[loop]
    if _memory is None:
        _memory = MemoryPresence(presence_ttl())
    return _memory


def reset_memory_presence() -> None:
    """Forget in-memory presence (tests start each room empty)."""
    global _memory
    _memory = None
