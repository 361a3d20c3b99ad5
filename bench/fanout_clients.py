"""A fan-out client process: holds WebSocket clients in one room, stamps what arrives.

``bench.fanout`` starts ``BENCH_FANOUT_CLIENT_PROCS`` of these and drives them with one
JSON command per line on stdin; each answers one JSON line on stdout
(``{"ok": true, ...}`` or ``{"ok": false, "error": "..."}``):

- ``{"cmd": "setup", "urls": [...], "token": "...", "deflate": true, "offset": w,
  "stride": k, "batch": b}``: client number ``i`` of this process is client
  ``offset + i × stride`` of the room and connects to ``urls[that % len(urls)]``.
- ``{"cmd": "grow", "count": n}``: open clients, ``batch`` at a time, each waiting for
  its ``presence.snapshot``, until this process holds ``n``; then drain the joins'
  broadcasts for half a second. Answers ``{"seconds": ...}``.
- ``{"cmd": "collect", "id": feedback_id, "deadline": t}``: wait until every client of
  this process has the ``feedback.created`` with that id, or until ``perf_counter()``
  reaches ``t``; answers the arrival stamps ``{"times": [...], "expected": n}``.
- ``{"cmd": "stats"}``: this process's CPU seconds, the counts of other message types
  seen since the last ``stats``, and the close codes of every client the server
  dropped so far (``{"cpu": s, "noise": {...}, "dropped": {...}}``).

A client the server drops is reported, not replaced: later rounds wait for the clients
still connected.
- ``{"cmd": "close"}``: close every client (``batch`` at a time), answer, exit.

Arrival stamps are ``time.perf_counter()`` taken as soon as the client's ``recv``
returns, before parsing. On Linux ``perf_counter`` is ``CLOCK_MONOTONIC``, one clock for
every process, so the driver subtracts its own ``t0`` from them. A message may arrive
before the driver knows its id (before the REST response): stamps are kept by id.
Each client is a ``websockets`` asyncio connection; the loop is uvloop when installed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import resource
import sys
import time
from collections import Counter
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

CONNECT_TIMEOUT = 60.0  # for one batch of clients
DRAIN = 0.5  # seconds after growing, for user.joined and the like


class Room:
    """This process's share of the clients in one video's room."""

    def __init__(
        self,
        urls: list[str],
        token: str,
        *,
        deflate: bool,
        offset: int = 0,
        stride: int = 1,
        batch: int = 100,
    ) -> None:
        self.urls = urls
        self.headers = {"Authorization": f"Bearer {token}"}
        self.deflate = deflate
        self.offset, self.stride, self.batch = offset, stride, max(1, batch)
        self.sockets: list[ClientConnection] = []
        self.readers: list[asyncio.Task[None]] = []
        self.arrivals: dict[str, list[float]] = {}
        self.complete: dict[str, asyncio.Event] = {}
        self.finished: set[str] = set()
        self.noise: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()  # close codes of clients the server dropped
        self.closing = False

    @property
    def size(self) -> int:
        """The clients still connected: a round waits for these."""
        return len(self.sockets) - self.dropped.total()

    def _done(self, feedback_id: str) -> asyncio.Event:
        event = self.complete.get(feedback_id)
        if event is None:
            event = self.complete[feedback_id] = asyncio.Event()
        return event

    def _arrived(self, feedback_id: str, at: float) -> None:
        if feedback_id in self.finished:
            return  # a late arrival of a round that already timed out
        times = self.arrivals.setdefault(feedback_id, [])
        times.append(at)
        if len(times) >= self.size:
            self._done(feedback_id).set()

    async def _read(self, ws: ClientConnection, ready: asyncio.Future[None]) -> None:
        try:
            async for raw in ws:
                at = time.perf_counter()
                msg = json.loads(raw)
                kind = msg.get("type")
                if kind == "feedback.created":
                    self._arrived(msg["payload"]["id"], at)
                elif kind == "presence.snapshot" and not ready.done():
                    ready.set_result(None)
                else:
                    self.noise[str(kind)] += 1
        except ConnectionClosed:
            pass
        finally:
            if not ready.done():
                ready.set_exception(ConnectionError("closed before presence.snapshot"))
            elif not self.closing:
                self.dropped[str(ws.close_code)] += 1
                for feedback_id, times in self.arrivals.items():
                    if len(times) >= self.size:
                        self._done(feedback_id).set()

    async def _open(self, index: int) -> tuple[ClientConnection, asyncio.Task[None]]:
        number = self.offset + index * self.stride
        ws = await connect(
            self.urls[number % len(self.urls)],
            additional_headers=self.headers,
            compression="deflate" if self.deflate else None,
            ping_interval=None,  # like a browser: only the server pings
            open_timeout=CONNECT_TIMEOUT,
            close_timeout=5,
        )
        ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        reader = asyncio.create_task(self._read(ws, ready))
        try:
            await ready
        except BaseException:
            reader.cancel()
            await ws.close()
            raise
        return ws, reader

    async def grow(self, count: int) -> float:
        """Open clients until there are ``count``; returns the seconds it took."""
        started = time.perf_counter()
        while self.size < count:
            batch = range(self.size, min(count, self.size + self.batch))
            opened = await asyncio.wait_for(
                asyncio.gather(*(self._open(i) for i in batch), return_exceptions=True),
                CONNECT_TIMEOUT,
            )
            errors = [o for o in opened if isinstance(o, BaseException)]
            for item in opened:
                if not isinstance(item, BaseException):
                    self.sockets.append(item[0])
                    self.readers.append(item[1])
            if errors:
                raise RuntimeError(
                    f"{len(errors)} of {len(batch)} clients could not join: {errors[0]!r}"
                )
        took = time.perf_counter() - started
        await asyncio.sleep(DRAIN)
        self.noise.clear()
        return took

    async def collect(self, feedback_id: str, deadline: float) -> list[float]:
        """The arrival stamps of one message, once all have it or at the deadline."""
        if self.size:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._done(feedback_id).wait(), max(0.0, deadline - time.perf_counter())
                )
        self.finished.add(feedback_id)
        self.complete.pop(feedback_id, None)
        return self.arrivals.pop(feedback_id, [])

    async def close(self) -> None:
        self.closing = True
        for start in range(0, len(self.sockets), self.batch):
            batch = self.sockets[start : start + self.batch]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    asyncio.gather(*(ws.close() for ws in batch), return_exceptions=True), 30
                )
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)
        self.sockets.clear()
        self.readers.clear()


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def serve() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 24)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    room: Room | None = None

    def reply(**fields: Any) -> None:
        sys.stdout.write(json.dumps({"ok": True, **fields}) + "\n")
        sys.stdout.flush()

    try:
        while line := await reader.readline():
            command = json.loads(line)
            try:
                match command["cmd"]:
                    case "setup":
                        room = Room(
                            command["urls"],
                            command["token"],
                            deflate=command["deflate"],
                            offset=command["offset"],
                            stride=command["stride"],
                            batch=command["batch"],
                        )
                        reply()
                    case "grow":
                        assert room is not None, "setup first"
                        reply(seconds=await room.grow(command["count"]))
                    case "collect":
                        assert room is not None, "setup first"
                        times = await room.collect(command["id"], command["deadline"])
                        reply(times=times, expected=room.size)
                    case "stats":
                        noise = dict(room.noise) if room else {}
                        if room:
                            room.noise.clear()
                        dropped = dict(room.dropped) if room else {}
                        reply(cpu=cpu_seconds(), noise=noise, dropped=dropped)
                    case "close":
                        if room is not None:
                            await room.close()
                        reply()
                        return
                    case other:
                        raise ValueError(f"unknown command {other!r}")
            except Exception as exc:
                sys.stdout.write(json.dumps({"ok": False, "error": repr(exc)}) + "\n")
                sys.stdout.flush()
    finally:
        if room is not None:
            await room.close()  # stdin closed: the driver is gone


def main() -> int:
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve())
    else:
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            runner.run(serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
