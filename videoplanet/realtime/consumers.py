"""The video room: `ws://HOST/ws/videos/{video_id}/`.

On connect: authenticate (4401 otherwise), check project membership (4403 otherwise,
also for an unknown video, so existence does not leak), join the room's group and
presence, send ``presence.snapshot`` to the newcomer and announce ``user.joined`` if this
is the person's first connection. While open, the room's keeper in this process renews
the presence entries of all its sockets at once and sweeps people whose entries expired
(a dead server process): ``upkeep.py``.

Access is not checked once only: every ``WS_ACCESS_RECHECK_SECONDS`` the process
re-checks each socket's token and membership (``audit.py``), and a revocation event
(``revocation.py``) closes it at once; either way it closes with 4401 (token gone) or
4403 (membership gone) and delivers nothing after.

When the process's link to Redis breaks and comes back, room events published meanwhile
are lost for it: its sockets close with 1012 (service restart), which the SDK and the
web app rejoin on, reloading what they show.

Clients may send ``ping``; anything else gets an ``error`` message and the connection
stays open. A message over ``WS_MAX_MESSAGE_BYTES`` closes it (1009) unread; messages
beyond the rate limit (``limits.py``) are dropped, the first of a run answered with an
``error`` coded ``rate_limited``, and a flood closes it (1008).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from typing import Any
from uuid import UUID

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from videoplanet.accounts.models import token_digest
from videoplanet.api.fields import isoformat_z
from videoplanet.monitoring.sightings import sightings, ws_message_observed
from videoplanet.monitoring.usage import UNKNOWN as UNKNOWN_CONSUMER
from videoplanet.monitoring.usage import identify_scope, usage

from .audit import access_audit
from .auth import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, Credential, admit
from .broadcast import abroadcast, encode, outgoing, room_group
from .contract import client_contract
from .layer import RoomChannelLayer
from .limits import MessageLimiter, Verdict
from .notify import (
    error_message,
    pong_message,
    presence_snapshot_message,
    user_joined_message,
    user_left_message,
)
from .revocation import EVENT_TYPE as REVOKED
from .revocation import user_group
from .rooms import presence_backend
from .upkeep import RoomKeeper, room_keeper
from .wire import DirectSocket, room_frame

logger = logging.getLogger(__name__)

CLOSE_MESSAGE_TOO_BIG = 1009
CLOSE_POLICY_VIOLATION = 1008
CLOSE_NOT_FOUND = 4404
CLOSE_SERVICE_RESTART = 1012  # retryable: clients rejoin, then reload what they missed
MAX_ERRORS_REPORTED = 20

incoming = client_contract(report=True)


class VideoRoomConsumer(AsyncWebsocketConsumer):
    user_id: str = ""
    client: tuple[str, str] = ("unknown", "unknown")  # consumer, version (X-Client)
    listening = False  # in the user's group, where revocations arrive
    joined = False
    closing = False  # closed by us: nothing more is sent or read
    direct: DirectSocket | None = None  # room broadcasts skip ASGI's send (wire.py)

    async def connect(self) -> None:
        credential: Credential | None = self.scope.get("credential")
        self.client = identify_scope(self.scope.get("headers", ()))
        if self.client[0] == UNKNOWN_CONSUMER and credential and credential.client:
            self.client = credential.client  # a browser: its ticket request named it
        video_id: UUID = self.scope["url_route"]["kwargs"]["video_id"]
        await self.accept()
        self.direct = DirectSocket.under(self.base_send)
        if credential is None:
            await self._close(CLOSE_UNAUTHENTICATED)
            return
        # Listen for revocations first, then check: a revocation sent after this check
        # is heard, and one sent before it was committed before it, so the check sees it.
        self.user_id = str(credential.user.pk)
        await self.channel_layer.group_add(user_group(self.user_id), self.channel_name)
        self.listening = True
        code, project_id = await database_sync_to_async(admit)(credential, video_id)
        if code is not None:
            await self._close(code)
            return
        if sightings.due():  # a process serving only sockets flushes here
            await database_sync_to_async(sightings.flush)()
        if usage.due():
            await database_sync_to_async(usage.flush)()
        self.credential, self.video_id, self.project_id = credential, video_id, project_id
        self.token_digest = token_digest(credential.token_key)
        self.user_name = credential.user.name
        self.group = room_group(video_id)
        self.presence = presence_backend()
        self.limiter = MessageLimiter()
        await self.channel_layer.group_add(self.group, self.channel_name)
        if isinstance(self.channel_layer, RoomChannelLayer):  # broadcasts skip our queue
            self.channel_layer.attach(self.channel_name, self.take)
        self.joined = True
        await self._enter()
        members = await self.presence.members(self.group, time.time())
        await self.send_message(presence_snapshot_message(members))
        self.keeper: RoomKeeper = room_keeper(self.group, video_id, self.presence)
        self.keeper.add(self)
        self.audit = access_audit()
        self.audit.add(self)

    async def _close(self, code: int) -> None:
        if not self.closing:
            self.closing = True
            await self.close(code=code)

    async def lose_access(self, code: int) -> None:
        """The periodic re-check (``audit.py``) found the token or membership gone."""
        await self._close(code)

    async def access_revoked(self, event: dict[str, Any]) -> None:
        """A membership or token was deleted somewhere (``revocation.py``)."""
        if not self.joined:
            return
        if event.get("reason") == "token" and event.get("token_digest") == self.token_digest:
            await self._close(CLOSE_UNAUTHENTICATED)
        elif event.get("reason") == "membership" and event.get("project_id") == str(
            self.project_id
        ):
            await self._close(CLOSE_FORBIDDEN)

    async def layer_reconnected(self, event: dict[str, Any]) -> None:
        """This process's link to the channel layer broke and came back (``layer.py``):
        broadcasts may have been missed, so the client rejoins and reloads."""
        if self.joined:
            await self._close(CLOSE_SERVICE_RESTART)

    async def _enter(self) -> None:
        joined_at = timezone.now()
        first = await self.presence.join(
            self.group,
            self.user_id,
            self.user_name,
            isoformat_z(joined_at),
            self.channel_name,
            time.time(),
        )
        if first:
            await abroadcast(
                self.video_id, user_joined_message(self.user_id, self.user_name, joined_at)
            )

    async def rejoin(self) -> None:
        """Our presence entry expired (the process was paused) and was swept: come back."""
        await self._enter()

    async def disconnect(self, code: int) -> None:
        groups = [user_group(self.user_id)] if self.listening else []
        if self.joined:
            if isinstance(self.channel_layer, RoomChannelLayer):
                self.channel_layer.detach(self.channel_name)
            self.audit.discard(self)
            await self.keeper.discard(self)
            groups.append(self.group)
        for group in groups:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:  # the group entry expires on its own; presence must still go
                logger.exception("leaving the channel group %s failed", group)
        if not self.joined:
            return
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
        if self.closing:
            return
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > settings.WS_MAX_MESSAGE_BYTES:
            await self._close(CLOSE_MESSAGE_TOO_BIG)
            return
        verdict = self.limiter.check()
        if verdict is Verdict.CLOSE:
            await self._close(CLOSE_POLICY_VIOLATION)
            return
        if verdict is Verdict.DROP_FIRST:
            await self.send_message(
                error_message("too many messages; the excess is dropped", [], code="rate_limited")
            )
        if verdict is not Verdict.ACCEPT:
            return
        if text_data is None:
            await self._error("binary frames are not supported", ["message: expected text"])
            return
        result = incoming.parse_incoming(text_data)
        if not result.success or result.data is None:
            await self._error("the message does not match the contract", result.errors)
            return
        ws_message_observed(result.data.type, "incoming")
        if settings.USAGE_RECORDING:
            usage.message(self.client, result.data.type, "sent")
        if result.data.type == "ping":
            await self.send_message(pong_message(getattr(result.data.payload, "id", None)))

    async def _error(self, text: str, errors: list[str]) -> None:
        await self.send_message(error_message(text, errors[:MAX_ERRORS_REPORTED]))

    async def send_message(self, msg: dict[str, Any]) -> None:
        """Send a message built here, after checking it against its schema."""
        if not self.closing and outgoing.validate_outgoing(msg).valid:
            ws_message_observed(msg["type"], "outgoing")
            if settings.USAGE_RECORDING:
                usage.message(self.client, msg["type"], "received")
            await self.send(text_data=encode(msg))

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections (a hop through the shared sync
        # thread) before every handler; a room broadcast touches no database, and that
        # hop was most of the per-socket cost of a fan-out (make bench).
        if message["type"] == "room.event":
            await self.room_event(message)
        else:
            await super().dispatch(message)

    async def take(self, event: dict[str, Any]) -> bool:
        """A group message handed over by the Redis layer (``layer.py``), in the order it
        was published: room broadcasts and revocations; anything else is queued."""
        if event["type"] == "room.event":
            await self.room_event(event)
        elif event["type"] == REVOKED:
            await self.access_revoked(event)
        else:
            return False
        return True

    async def room_event(self, event: dict[str, Any]) -> None:
        """A room broadcast: already validated and encoded once by the sender; its frame
        is built once per process and written as it is where that is safe (wire.py)."""
        if not self.closing:
            if "message" in event:
                _tally_received(event, self.client)
            if self.direct is None or not self.direct.write(room_frame(event)):
                await self.send(text_data=event["text"])


TALLY = "usage.tally"  # a room event's key for its recipients' consumers, counted once


def _tally_received(event: dict[str, Any], client: tuple[str, str]) -> None:
    """Count a room event for the usage records once per consumer, not once per socket:
    the sockets that take the same event dict in a row add to one tally, recorded once
    they are done (the next turn of the loop)."""
    tally: Counter[tuple[str, str]] | None = event.get(TALLY)
    if tally is None:
        if not settings.USAGE_RECORDING:
            return
        tally = event[TALLY] = Counter()
        asyncio.get_running_loop().call_soon(_record_tally, event)
    tally[client] += 1


def _record_tally(event: dict[str, Any]) -> None:
    tally: Counter[tuple[str, str]] = event.pop(TALLY)  # later sockets start a new one
    for client, count in tally.items():
        usage.message(client, event["message"], "received", count)


class UnknownRouteConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.accept()
        await self.close(code=CLOSE_NOT_FOUND)
