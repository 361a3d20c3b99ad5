"""The periodic access re-check: one task per server process for all of its sockets.

Every ``WS_ACCESS_RECHECK_SECONDS`` each open socket's token and membership are checked
again (``auth.access_lost``: the REST API's own authentication and membership check),
and a socket that lost access is closed (4401 or 4403). This catches what no deletion
announces (``revocation.py``): a deactivated user, a removed video, an expired token, a
revocation message lost on the way.

One task per process rather than one per socket: sockets that share a credential and a
room (tabs, or a benchmark's thousand clients) are checked once, and the checks go
through the shared database thread in chunks rather than one hop per socket, so REST
requests served by the same process wait behind at most one chunk.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import defaultdict
from typing import Protocol
from uuid import UUID

from channels.db import database_sync_to_async
from django.conf import settings

from .auth import Credential, access_lost

logger = logging.getLogger(__name__)

CHUNK = 50  # (credential, room) pairs checked per trip to the database thread

Key = tuple[Credential, UUID]


class Audited(Protocol):
    credential: Credential
    video_id: UUID
    closing: bool

    async def lose_access(self, code: int) -> None: ...


def _check(keys: list[Key]) -> list[int | None]:
    return [access_lost(credential, video_id) for credential, video_id in keys]


class AccessAudit:
    def __init__(self) -> None:
        self.sockets: set[Audited] = set()
        self.task: asyncio.Task[None] | None = None

    def add(self, socket: Audited) -> None:
        self.sockets.add(socket)
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run())

    def discard(self, socket: Audited) -> None:
        self.sockets.discard(socket)
        if not self.sockets and self.task is not None:
            self.task.cancel()
            self.task = None

    async def _run(self) -> None:
        while self.sockets:
            await asyncio.sleep(float(settings.WS_ACCESS_RECHECK_SECONDS))
            try:
                await self.check_all()
            except Exception:
                logger.exception("re-checking the sockets' access failed")

    async def check_all(self) -> None:
        by_key: dict[Key, list[Audited]] = defaultdict(list)
        for socket in list(self.sockets):
            if not socket.closing:
                by_key[(socket.credential, socket.video_id)].append(socket)
        pending = list(by_key.items())
        for start in range(0, len(pending), CHUNK):
            chunk = pending[start : start + CHUNK]
            codes = await database_sync_to_async(_check)([key for key, _ in chunk])
            for (_, sockets), code in zip(chunk, codes, strict=True):
                if code is not None:
                    for socket in sockets:
                        await socket.lose_access(code)


_audits: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AccessAudit] = (
    weakref.WeakKeyDictionary()
)


def access_audit() -> AccessAudit:
    """This event loop's audit (sockets and their task belong to one loop)."""
    loop = asyncio.get_running_loop()
    if loop not in _audits:
        _audits[loop] = AccessAudit()
    return _audits[loop]
