"""Broadcasts from code without an event loop (a WSGI worker, the task worker) go through
one event loop per process, so the Redis channel layer keeps its connection between them
instead of opening one per event."""

from __future__ import annotations

import asyncio
import json
import os
import threading
import uuid
from typing import Any

import pytest
import redis

from videoplanet.realtime import broadcast as broadcasting
from videoplanet.realtime.broadcast import broadcast, room_group

REDIS_URL = os.environ.get("REDIS_URL_FOR_TESTS", "redis://127.0.0.1:6379/0")


def video_updated(video: uuid.UUID, status: str) -> dict[str, Any]:
    return {
        "type": "video.updated",
        "payload": {"id": str(video), "project_id": str(uuid.uuid4()), "status": status},
    }


@pytest.fixture
def redis_layer(settings: Any) -> str:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis at {REDIS_URL} is needed (REDIS_URL_FOR_TESTS)")
    prefix = f"test-process-loop-{uuid.uuid4().hex}"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "videoplanet.realtime.layer.RoomChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": prefix},
        }
    }
    return prefix


def test_events_from_sync_code_reach_the_room_through_one_loop(redis_layer: str) -> None:
    from channels.layers import get_channel_layer

    video = uuid.uuid4()
    received: list[dict[str, Any]] = []
    subscribed, done = threading.Event(), threading.Event()

    async def listen() -> None:
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(room_group(video), channel)
        subscribed.set()
        for _ in range(3):
            received.append(json.loads((await layer.receive(channel))["text"]))
        await layer.flush()
        done.set()

    listener = threading.Thread(target=asyncio.run, args=(listen(),))
    listener.start()
    assert subscribed.wait(10)

    loops = set()
    for status in ("processing", "ready", "failed"):
        assert threading.current_thread() is threading.main_thread()
        assert broadcast(video, video_updated(video, status))
        loops.add(id(broadcasting.process_loop._running()))
    listener.join(10)
    assert done.is_set()
    assert [message["payload"]["status"] for message in received] == [
        "processing",
        "ready",
        "failed",
    ]
    assert len(loops) == 1


def test_a_layer_that_does_not_answer_in_time_is_a_dropped_event(
    redis_layer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def hangs(video_id: Any, message: Any) -> bool:
        await asyncio.sleep(60)
        return True

    monkeypatch.setattr(broadcasting, "SEND_TIMEOUT", 0.2)
    monkeypatch.setattr(broadcasting, "abroadcast", hangs)
    failed = broadcasting.stats.failed
    dropped = broadcasting.dropped_events.labels("video.updated")._value.get()
    assert broadcast(uuid.uuid4(), video_updated(uuid.uuid4(), "ready")) is False
    assert broadcasting.stats.failed == failed + 1
    assert broadcasting.dropped_events.labels("video.updated")._value.get() == dropped + 1
