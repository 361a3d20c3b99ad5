"""Presence upkeep of a room's sockets in this process: one heartbeat for all, one sweep.

Every ``PRESENCE_TTL_SECONDS / 3`` the room's keeper renews the presence entry of each of
the process's sockets in the room (``heartbeat_many``: one Redis script call per 200
sockets) and sweeps the people whose every entry expired (a dead server process),
announcing ``user.left`` for each person the sweep hands it. A socket whose entry was
gone (the process was paused past the TTL and swept) joins again, announcing
``user.joined`` if it is that person's first live connection.

Each socket used to do both itself: two Redis round trips per socket per interval, which
at 500 sockets a process was a quarter of its CPU during a fan-out (``make bench``,
``BENCH_FANOUT_PROFILE``). The keeper lives while the room has sockets here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable
from typing import Protocol
from uuid import UUID

from django.utils import timezone

from .broadcast import abroadcast
from .notify import user_left_message
from .presence import Presence
from .rooms import presence_ttl

logger = logging.getLogger(__name__)


class Member(Protocol):
    user_id: str
    channel_name: str

    def rejoin(self) -> Awaitable[None]:
        """Enter the room's presence again (its entry was swept)."""
        ...


class RoomKeeper:
    def __init__(self, group: str, video_id: UUID, presence: Presence) -> None:
        self.group = group
        self.video_id = video_id
        self.presence = presence
        self.members: dict[str, Member] = {}  # channel name → socket
        self.rejoining: dict[str, asyncio.Task[None]] = {}
        self.task: asyncio.Task[None] | None = None

    def add(self, member: Member) -> None:
        self.members[member.channel_name] = member
        if self.task is None:
            self.task = asyncio.create_task(self._run())

    async def discard(self, member: Member) -> None:
        """The socket is leaving: no more upkeep for it, and any rejoin under way is
        over before this returns (its leave must come after it)."""
        self.members.pop(member.channel_name, None)
        task = self.rejoining.pop(member.channel_name, None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if not self.members and self.task is not None:
            self.task.cancel()
            self.task = None
            if _keepers.get(self._key) is self:
                del _keepers[self._key]

    @property
    def _key(self) -> tuple[asyncio.AbstractEventLoop, str]:
        return asyncio.get_running_loop(), self.group

    async def _run(self) -> None:
        interval = presence_ttl() / 3
        while True:
            await asyncio.sleep(interval)
            try:
                await self.keep()
            except Exception:
                logger.exception("presence upkeep failed in room %s", self.group)

    async def keep(self) -> None:
        """One round of upkeep: renew every socket's entry, then sweep the room."""
        now = time.time()
        members = list(self.members.values())
        entries = [(m.user_id, m.channel_name) for m in members]
        renewed = await self.presence.heartbeat_many(self.group, entries, now)
        for member, alive in zip(members, renewed, strict=True):
            name = member.channel_name
            if not alive and name in self.members and name not in self.rejoining:
                self.rejoining[name] = asyncio.create_task(self._rejoin(member))
        for user_id in await self.presence.sweep(self.group, now):
            await abroadcast(self.video_id, user_left_message(user_id, timezone.now()))

    async def _rejoin(self, member: Member) -> None:
        try:
            await member.rejoin()
        except Exception:
            logger.exception("presence rejoin failed in room %s", self.group)
        finally:
            self.rejoining.pop(member.channel_name, None)


_keepers: dict[tuple[asyncio.AbstractEventLoop, str], RoomKeeper] = {}


def room_keeper(group: str, video_id: UUID, presence: Presence) -> RoomKeeper:
    """This event loop's keeper of the room (made on first use)."""
    key = (asyncio.get_running_loop(), group)
    keeper = _keepers.get(key)
    if keeper is None:
        keeper = _keepers[key] = RoomKeeper(group, video_id, presence)
    return keeper
