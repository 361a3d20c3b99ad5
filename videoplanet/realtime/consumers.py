"""The video room: `ws://HOST/ws/videos/{video_id}/`.

On connect: authenticate (4401 otherwise), check project membership (4403 otherwise,
also for an unknown video, so existence does not leak), join the room's group and
presence, send ``presence.snapshot`` to the newcomer and announce ``user.joined`` if this
is the person's first connection. While open, a heartbeat renews the presence entry and
sweeps people whose entries expired (a dead server process). Clients may send ``ping``;
anything else gets an ``error`` message and the connection stays open.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any
from uuid import UUID

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import timezone

from videoplanet.api.errors import NotFound
from videoplanet.api.fields import isoformat_z
from videoplanet.monitoring.sightings import sightings, ws_message_observed
from videoplanet.projects.selectors import video_get

from .broadcast import abroadcast, encode, outgoing, room_group
from .contract import client_contract
from .notify import (
    error_message,
    pong_message,
    presence_snapshot_message,
    user_joined_message,
    user_left_message,
)
from .rooms import presence_backend, presence_ttl

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404

incoming = client_contract(report=True)


@database_sync_to_async
def _is_member(user: Any, video_id: UUID) -> bool:
    try:
        video_get(user=user, video_id=video_id)
    except NotFound:
        return False
    return True


class VideoRoomConsumer(AsyncWebsocketConsumer):
    user_id: str = ""
    joined = False

    async def connect(self) -> None:
        user = self.scope.get("user")
        video_id: UUID = self.scope["url_route"]["kwargs"]["video_id"]
        await self.accept()
        if user is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if not await _is_member(user, video_id):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        if sightings.due():  # a process serving only sockets flushes here
            await database_sync_to_async(sightings.flush)()
        self.video_id = video_id
        self.user_id, self.user_name = str(user.pk), user.name
        self.group = room_group(video_id)
        self.presence = presence_backend()
        await self.channel_layer.group_add(self.group, self.channel_name)
        self.joined = True
        await self._enter()
        members = await self.presence.members(self.group, time.time())
        await self.send_message(presence_snapshot_message(members))
        self.heartbeat = asyncio.create_task(self._keep_alive())

    async def _enter(self) -> None:
        joined_at = timezone.now()
        first = await self.presence.join(
            self.group, self.user_id, self.user_name, isoformat_z(joined_at),
            self.channel_name, time.time(),
        )  # fmt: skip
        if first:
            await abroadcast(
                self.video_id, user_joined_message(self.user_id, self.user_name, joined_at)
            )

    async def _keep_alive(self) -> None:
        interval = presence_ttl() / 3
        while True:
            await asyncio.sleep(interval)
            try:
                now = time.time()
                if not await self.presence.heartbeat(
                    self.group, self.user_id, self.channel_name, now
                ):
                    await self._enter()  # our entry expired (we were paused): come back
                for user_id in await self.presence.sweep(self.group, now):
                    await abroadcast(self.video_id, user_left_message(user_id, timezone.now()))
            except Exception:
                logger.exception("presence heartbeat failed in room %s", self.group)

    async def disconnect(self, code: int) -> None:
        if not self.joined:
            return
        self.heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.heartbeat
        try:
            await self.channel_layer.group_discard(self.group, self.channel_name)
        except Exception:  # the group entry expires on its own; presence must still go
            logger.exception("leaving the channel group %s failed", self.group)
        try:
            last = await self.presence.leave(
                self.group, self.user_id, self.channel_name, time.time()
            )
        except Exception:
            logger.exception("presence leave failed in room %s", self.group)
            return
        if last:
            await abroadcast(self.video_id, user_left_message(self.user_id, timezone.now()))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None:
            await self._error("binary frames are not supported", ["message: expected text"])
            return
        result = incoming.parse_incoming(text_data)
        if not result.success or result.data is None:
            await self._error("the message does not match the contract", result.errors)
            return
        ws_message_observed(result.data.type, "incoming")
        if result.data.type == "ping":
            await self.send_message(pong_message(getattr(result.data.payload, "id", None)))

    async def _error(self, text: str, errors: list[str]) -> None:
        await self.send_message(error_message(text, errors))

    async def send_message(self, msg: dict[str, Any]) -> None:
        """Send a message built here, after checking it against its schema."""
        if outgoing.validate_outgoing(msg).valid:
            ws_message_observed(msg["type"], "outgoing")
            await self.send(text_data=encode(msg))

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections (a hop through the shared sync
        # thread) before every handler; a room broadcast touches no database, and that
        # hop was most of the per-socket cost of a fan-out (make bench).
        if message["type"] == "room.event":
            await self.room_event(message)
        else:
            await super().dispatch(message)

    async def room_event(self, event: dict[str, Any]) -> None:
        """A room broadcast: already validated and encoded once by the sender."""
        await self.send(text_data=event["text"])


class UnknownRouteConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.accept()
        await self.close(code=CLOSE_NOT_FOUND)
