"""``RealtimeClient``: a video's live room as an async iterator of typed events.

    async with RealtimeClient(base_url=url, token=token, video_id=video_id) as room:
        async for event in room:
            match event:
                case FeedbackCreated(): ...
                case PresenceSnapshot(users=users): ...

Entering the block connects to ``ws(s)://HOST/ws/videos/{video_id}/`` with the
``Authorization: Bearer`` header and waits for the server's first message, so a refused
join raises there: close code 4401 → ``Unauthorized``, 4403 → ``PermissionDenied``
(not a member, or no such video), 4404 → ``NotFound``. A server that cannot be reached
raises ``TransportError`` at once.

When an open connection drops, the iterator rejoins with exponential backoff (capped,
with jitter), up to ``max_reconnect_attempts`` tries per outage (None: forever), and
then raises ``TransportError``. A rejoin starts with a fresh ``PresenceSnapshot``;
events sent while the connection was down are lost, so re-read what matters over REST.
A refusal while rejoining (the token was revoked) raises instead of retrying.

A message that is not valid JSON, has an unknown type or a payload that does not fit
is skipped, logged and kept in ``room.rejected`` (the last 100).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from dataclasses import dataclass
from types import TracebackType
from typing import Self
from urllib.parse import quote

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from ._backoff import Backoff
from ._errors import APIError, Timeout, TransportError, error_from_close, error_from_envelope
from ._events import Event, MalformedEvent, parse_event
from ._recorders import LoggingRecorder
from ._requests import USER_AGENT, X_CLIENT, Id, api_root
from ._violations import ContractViolation, ViolationRecorder

logger = logging.getLogger("videoplanet_client")

REJECTED_KEPT = 100
ROOM_BACKOFF = Backoff(base=0.5, factor=2.0, cap=30.0)


def websocket_url(base_url: str, video_id: Id) -> str:
    """``http://host:8000`` → ``ws://host:8000/ws/videos/{video_id}/`` (https → wss)."""
    url = httpx.URL(api_root(base_url))
    scheme = "wss" if url.scheme == "https" else "ws"
    path = f"{url.path.rstrip('/')}/ws/videos/{quote(str(video_id), safe='')}/"
    return str(url.copy_with(scheme=scheme, path=path))


@dataclass(frozen=True, slots=True)
class RejectedMessage:
    """A message the room skipped, and why."""

    raw: str
    reason: str


class RealtimeClient:
    """One video's live room. Use it as ``async with``, then ``async for``.

    A message that breaks the room's contract is skipped, kept in ``rejected`` and
    handed to ``violation_recorder`` (which logs it unless you pass another).
    """

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        video_id: Id,
        timeout: float = 10.0,
        max_reconnect_attempts: int | None = 10,
        backoff: Backoff = ROOM_BACKOFF,
        violation_recorder: ViolationRecorder | None = None,
    ) -> None:
        self.url = websocket_url(base_url, video_id)
        self.violation_recorder: ViolationRecorder = violation_recorder or LoggingRecorder()
        self.timeout = timeout
        self.max_reconnect_attempts = max_reconnect_attempts
        self.backoff = backoff
        self.reconnects = 0
        """How many times the room was rejoined after losing its connection."""
        self.rejected: deque[RejectedMessage] = deque(maxlen=REJECTED_KEPT)
        self._headers = {"Authorization": f"Bearer {token}", "X-Client": X_CLIENT}
        self._ws: ClientConnection | None = None
        self._pending: deque[Event] = deque()
        self._closed = False

    # -- joining ---------------------------------------------------------------------------

    async def _join(self) -> None:
        """Connect and read the first message: proof the server let us into the room."""
        try:
            ws = await connect(
                self.url,
                additional_headers=self._headers,
                user_agent_header=USER_AGENT,
                open_timeout=self.timeout,
            )
        except InvalidStatus as exc:
            raise _handshake_error(exc.response.status_code) from exc
        except TimeoutError as exc:
            raise Timeout(f"joining {self.url} timed out after {self.timeout} s") from exc
        except (OSError, WebSocketException) as exc:
            raise TransportError(f"cannot join {self.url}: {exc!r}") from exc
        try:
            first = await asyncio.wait_for(ws.recv(), self.timeout)
        except ConnectionClosed as exc:
            raise _closed_error(exc, self.url) from exc
        except TimeoutError as exc:
            await ws.close()
            raise Timeout(f"{self.url} sent nothing within {self.timeout} s of joining") from exc
        self._ws = ws
        self._accept(first)

    async def _rejoin(self, lost: ConnectionClosed) -> None:
        logger.info("lost the room %s (%s); rejoining", self.url, lost)
        attempt = 0
        while True:
            if self.max_reconnect_attempts is not None and attempt >= self.max_reconnect_attempts:
                raise TransportError(
                    f"lost the room {self.url} and could not rejoin in {attempt} attempts"
                ) from lost
            await asyncio.sleep(self.backoff.delay(attempt))
            if self._closed:
                return
            try:
                await self._join()
            except TransportError as exc:
                logger.info("rejoining %s failed (attempt %d): %s", self.url, attempt + 1, exc)
                attempt += 1
                continue
            self.reconnects += 1
            return

    def _accept(self, raw: str | bytes) -> None:
        """Queue the event a message stands for, or record why it was skipped."""
        try:
            event = parse_event(raw)
        except MalformedEvent as exc:
            text = raw if isinstance(raw, str) else raw.decode("utf-8", errors="replace")
            self.rejected.append(RejectedMessage(raw=text, reason=str(exc)))
            self.violation_recorder.record(
                ContractViolation(
                    source="videoplanet-client",
                    endpoint=exc.type,
                    method="WS",
                    type="message",
                    direction="incoming",
                    errors=(str(exc),),
                )
            )
            return
        self._pending.append(event)

    # -- events ----------------------------------------------------------------------------

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> Event:
        while True:
            if self._pending:
                return self._pending.popleft()
            if self._closed:
                raise StopAsyncIteration
            if self._ws is None:
                raise RuntimeError("join first: async with RealtimeClient(...) as room")
            try:
                raw = await self._ws.recv()
            except ConnectionClosed as exc:
                if self._closed:
                    raise StopAsyncIteration from None
                refusal = _refusal(exc)
                if refusal is not None:
                    raise refusal from exc
                await self._rejoin(exc)
                continue
            self._accept(raw)

    async def ping(self, *, id: str | None = None) -> None:
        """Ask for a ``Pong`` (echoing ``id``), which arrives through the iterator."""
        if self._ws is None:
            raise TransportError("the room is not joined")
        message = {"type": "ping", "payload": {"id": id} if id is not None else {}}
        try:
            await self._ws.send(json.dumps(message))
        except ConnectionClosed as exc:
            raise TransportError(f"the room {self.url} is not connected: {exc}") from exc

    # -- lifecycle -------------------------------------------------------------------------

    async def close(self) -> None:
        self._closed = True
        if self._ws is not None:
            await self._ws.close()

    async def __aenter__(self) -> Self:
        await self._join()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def _refusal(exc: ConnectionClosed) -> APIError | None:
    return error_from_close(exc.rcvd.code, exc.rcvd.reason) if exc.rcvd is not None else None


def _closed_error(exc: ConnectionClosed, url: str) -> APIError | TransportError:
    refusal = _refusal(exc)
    if refusal is not None:
        return refusal
    return TransportError(f"{url} closed the connection while joining: {exc}")


def _handshake_error(status: int) -> APIError | TransportError:
    """The server (or a proxy) answered the upgrade request with plain HTTP."""
    if status >= 500:
        return TransportError(f"the room's server answered the upgrade with HTTP {status}")
    return error_from_envelope(status, None)
