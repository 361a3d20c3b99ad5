"""Send a validated event to everyone in a video's room, through the channel layer.

The message is checked against its schema once, encoded to JSON once, and the text is
fanned out; each socket just forwards it. An invalid message is not sent and is
recorded as a violation. Broadcasting never raises: a failure is logged and counted,
so a REST call never fails because a room could not be told: the event is counted as
dropped (``videoplanet_room_events_dropped_total{type}`` on ``/metrics``) and the room's
clients reload when they rejoin (``layer.py``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar
from uuid import UUID

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from prometheus_client import Counter

from videoplanet.monitoring.sightings import ws_message_observed

from .contract import WebSocketContract, server_contract

logger = logging.getLogger(__name__)
T = TypeVar("T")

outgoing: WebSocketContract = server_contract(report=True)


class BroadcastStats:
    """Counters for what happened to broadcasts in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.sent = 0
        self.failed = 0
        self.invalid = 0

    def count(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)


stats = BroadcastStats()

dropped_events = Counter(
    "videoplanet_room_events_dropped",
    "Room events that passed their schema but could not be broadcast (channel layer down).",
    ["type"],
)


def _dropped(message: dict[str, Any], video_id: UUID | str) -> None:
    stats.count("failed")
    dropped_events.labels(message["type"]).inc()
    logger.exception("broadcast of %s to video %s failed", message.get("type"), video_id)


def room_group(video_id: UUID | str) -> str:
    return f"video.{video_id}"


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def room_event(message: dict[str, Any]) -> dict[str, Any] | None:
    """The channel-layer event for a message, or None (recorded) if it breaks its schema."""
    if not outgoing.validate_outgoing(message).valid:
        stats.count("invalid")
        return None
    ws_message_observed(message["type"], "outgoing")
    # ``message``: its type, for the usage counts of each room member's consumer.
    return {"type": "room.event", "text": encode(message), "message": message["type"]}


async def abroadcast(video_id: UUID | str, message: dict[str, Any]) -> bool:
    event = room_event(message)
    if event is None:
        return False
    try:
        await get_channel_layer().group_send(room_group(video_id), event)
    except Exception:
        _dropped(message, video_id)
        return False
    stats.count("sent")
    return True


SEND_TIMEOUT = 10.0  # seconds a sync caller waits for the channel layer


def _has_main_loop() -> bool:
    """Whether this thread runs for an ASGI server's event loop (a sync view under
    uvicorn), which ``async_to_sync`` then hands the coroutine to. asgiref keeps that
    loop in ``SyncToAsync.threadlocal`` (and checks the pid the same way)."""
    local = SyncToAsync.threadlocal
    return (
        getattr(local, "main_event_loop_pid", None) == os.getpid()
        and getattr(local, "main_event_loop", None) is not None
    )


class ProcessLoop:
    """One event loop per process, on its own thread, for broadcasts from code with no
    event loop of its own: a WSGI worker, the task worker, a management command.

    Without it ``async_to_sync`` starts a thread and a new event loop for every call
    (about 0.45 ms of CPU), and the channel layer, whose connections belong to the loop
    they were opened on, opens a new Redis connection each time. A forked child starts
    its own loop on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0

    def run(self, coroutine: Coroutine[Any, Any, T], *, timeout: float) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._running())
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise

    def _running(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                self._loop, self._pid = asyncio.new_event_loop(), os.getpid()
                threading.Thread(
                    target=self._loop.run_forever, name="room-broadcasts", daemon=True
                ).start()
            return self._loop


process_loop = ProcessLoop()


def broadcast(video_id: UUID | str, message: dict[str, Any]) -> bool:
    """From sync code (services' on_commit callbacks); through the server at
    ROOM_RELAY_URL when this process shares no channel layer with it (.relay)."""
    if settings.ROOM_RELAY_URL:
        from .relay import relay_send

        return relay_send(video_id, message)
    try:
        if _has_main_loop():
            return bool(async_to_sync(abroadcast)(video_id, message))
        return bool(process_loop.run(abroadcast(video_id, message), timeout=SEND_TIMEOUT))
    except TimeoutError:  # the layer did not answer: as good as down
        _dropped(message, video_id)
        return False
    except Exception:
        stats.count("failed")
        logger.exception("broadcast of %s to video %s failed", message.get("type"), video_id)
        return False
