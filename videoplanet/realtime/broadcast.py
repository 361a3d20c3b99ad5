"""Send a validated event to everyone in a video's room, through the channel layer.

The message is checked against its schema once, encoded to JSON once, and the text is
fanned out; each socket just forwards it. An invalid message is not sent and is
recorded as a violation. Broadcasting never raises: a failure is logged and counted,
so a REST call never fails because a room could not be told: the event is counted as
dropped (``videoplanet_room_events_dropped_total{type}`` on ``/metrics``) and the room's
clients reload when they rejoin (``layer.py``).
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any
from uuid import UUID

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from prometheus_client import Counter

from videoplanet.monitoring.sightings import ws_message_observed

from .contract import WebSocketContract, server_contract

logger = logging.getLogger(__name__)

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


def broadcast(video_id: UUID | str, message: dict[str, Any]) -> bool:
    """From sync code (services' on_commit callbacks); through the server at
    ROOM_RELAY_URL when this process shares no channel layer with it (.relay)."""
    if settings.ROOM_RELAY_URL:
        from .relay import relay_send

        return relay_send(video_id, message)
    try:
        return bool(async_to_sync(abroadcast)(video_id, message))
    except Exception:
        stats.count("failed")
        logger.exception("broadcast of %s to video %s failed", message.get("type"), video_id)
        return False
