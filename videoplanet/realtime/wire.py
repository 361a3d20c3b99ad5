"""Room broadcasts written to each socket as one WebSocket frame built once per process.

Below ASGI, on purpose. A room broadcast reaches every socket of a process with the same
text (``broadcast.py`` encodes it once). Through ASGI each socket then took its own
``send({"type": "websocket.send", "text": ...})``: Channels' send chain, uvicorn's
``send`` (a UTF-8 encode), websockets building and serialising a frame, and the write;
with the socket write itself that was most of a fan-out's server CPU (``make bench``,
``BENCH_FANOUT_PROFILE``). Server-to-client frames are not masked, so one frame's bytes
suit every socket: ``room_frame`` builds them once per event (with websockets' own
serialiser) and ``DirectSocket.write`` hands them to the socket's transport.

It is done only where it is exactly what uvicorn would have written, and otherwise the
caller sends through ASGI as before:

- the server is uvicorn's ``websockets-sansio`` protocol (the ``--ws auto`` choice when
  websockets is installed) and ``send`` is that connection's own, unwrapped;
- no extension was negotiated (permessage-deflate would compress per socket; uvicorn
  runs with ``--ws-per-message-deflate false``);
- the connection is open: handshake done, no close sent or received, the transport not
  closing, and nothing of websockets' own waiting to be written (uvicorn writes that
  out in the same callback that makes it, so order is kept);
- the transport is writable. A slow client whose buffer is over the high-water mark is
  left to ASGI's ``send``, which waits for it to drain exactly as before: backpressure,
  and what it costs the others, are unchanged.

Order: both ways write to the transport synchronously, in the order the calls happen, so
a room's events and the socket's own messages (``presence.snapshot``, ``pong``) keep
their order. Closing stays with ASGI (``websocket.close``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from websockets.frames import Frame, Opcode
from websockets.protocol import State

SANS_IO: type[Any] | None
try:  # uvicorn ≥ 0.35; an older one or another server: everything goes through ASGI
    from uvicorn.protocols.websockets.websockets_sansio_impl import (
        WebSocketsSansIOProtocol as SANS_IO,
    )
except ImportError:
    SANS_IO = None

FRAME = "wire.frame"  # the event's key for its frame, built by the first socket that needs it


def room_frame(event: dict[str, Any]) -> bytes:
    """The text frame of a room event (``{"text": ...}``), built once per event dict."""
    frame: bytes | None = event.get(FRAME)
    if frame is None:
        frame = Frame(Opcode.TEXT, event["text"].encode()).serialize(mask=False)
        event[FRAME] = frame
    return frame


class DirectSocket:
    """The uvicorn connection under an ASGI ``send``, for writing prebuilt frames."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: Any) -> None:
        self._protocol = protocol

    @classmethod
    def under(cls, send: Callable[..., Any]) -> DirectSocket | None:
        """For an accepted socket's ``send``; None when it is not uvicorn's sans-I/O
        websockets protocol or an extension was negotiated (then ASGI it is)."""
        if SANS_IO is None:
            return None
        protocol: Any = getattr(send, "__self__", None)
        if type(protocol) is not SANS_IO:
            return None
        if getattr(send, "__func__", None) is not SANS_IO.send:
            return None
        if not protocol.handshake_complete or protocol.conn.extensions:
            return None
        return cls(protocol)

    def write(self, frame: bytes) -> bool:
        """Write ``frame`` if the socket is open and writable now; False: use ASGI."""
        protocol = self._protocol
        conn = protocol.conn
        if (
            protocol.close_sent
            or protocol.disconnected
            or not protocol.writable.is_set()
            or conn.state is not State.OPEN
            or conn.writes
            or protocol.transport.is_closing()
        ):
            return False
        protocol.transport.write(frame)
        return True
