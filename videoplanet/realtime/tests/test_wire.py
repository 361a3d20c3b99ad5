"""Room frames written below ASGI (``wire.py``) on uvicorn's real sans-I/O websockets
protocol, driven in process: a websockets client's bytes in, the written bytes parsed
back by that client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio
from uvicorn.config import Config
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.client import ClientProtocol
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
from websockets.frames import Frame, Opcode
from websockets.uri import parse_uri

from videoplanet.realtime.wire import DirectSocket, room_frame

EVENT_TEXT = '{"type":"feedback.created","payload":{"content":"Ünïcode, 20 px right"}}'


class Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written: list[bytes] = []
        self.closing = False

    def write(self, data: Any) -> None:
        self.written.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(
            name, default
        )


@dataclass
class Socket:
    protocol: WebSocketsSansIOProtocol
    transport: Transport
    client: ClientProtocol
    send: Callable[[dict[str, Any]], Any]
    received: list[str] = field(default_factory=list)

    def read(self) -> list[Frame]:
        """What the server wrote since the last read, as the client parses it."""
        data, self.transport.written = b"".join(self.transport.written), []
        self.client.receive_data(data)
        return [e for e in self.client.events_received() if isinstance(e, Frame)]


async def open_socket(*, deflate: bool = False) -> Socket:
    sends: asyncio.Queue[Any] = asyncio.Queue()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        sends.put_nowait(send)
        while (await receive())["type"] != "websocket.disconnect":
            pass

    config = Config(app=app, ws="websockets-sansio", ws_per_message_deflate=deflate)
    config.load()
    protocol = WebSocketsSansIOProtocol(config, ServerState(), {}, asyncio.get_running_loop())
    transport = Transport()
    protocol.connection_made(transport)
    offers = [ClientPerMessageDeflateFactory()] if deflate else []
    client = ClientProtocol(parse_uri("ws://127.0.0.1:8000/ws/videos/x/"), extensions=offers)
    client.send_request(client.connect())
    protocol.data_received(b"".join(client.data_to_send()))
    send = await asyncio.wait_for(sends.get(), 5)
    socket = Socket(protocol, transport, client, send)
    socket.read()  # the handshake response
    return socket


@pytest_asyncio.fixture
async def socket() -> AsyncIterator[Socket]:
    socket = await open_socket()
    yield socket
    if not socket.protocol.disconnected:
        socket.protocol.connection_lost(None)


@pytest.mark.asyncio
async def test_the_frame_is_what_asgi_would_have_written(socket: Socket) -> None:
    await socket.send({"type": "websocket.send", "text": EVENT_TEXT})
    through_asgi = socket.transport.written[-1]
    direct = DirectSocket.under(socket.send)
    assert direct is not None
    assert direct.write(room_frame({"text": EVENT_TEXT}))
    assert socket.transport.written[-1] == through_asgi
    frames = socket.read()
    assert [(f.opcode, f.data.decode()) for f in frames] == [(Opcode.TEXT, EVENT_TEXT)] * 2


@pytest.mark.asyncio
async def test_the_frame_is_built_once_per_event(socket: Socket) -> None:
    event = {"text": EVENT_TEXT}
    assert room_frame(event) is room_frame(event)


@pytest.mark.asyncio
async def test_direct_and_asgi_messages_keep_their_order(socket: Socket) -> None:
    direct = DirectSocket.under(socket.send)
    assert direct is not None
    await socket.send({"type": "websocket.send", "text": "first"})
    assert direct.write(room_frame({"text": "second"}))
    await socket.send({"type": "websocket.send", "text": "third"})
    assert [f.data.decode() for f in socket.read()] == ["first", "second", "third"]


@pytest.mark.asyncio
async def test_a_paused_socket_is_left_to_asgi(socket: Socket) -> None:
    direct = DirectSocket.under(socket.send)
    assert direct is not None
    socket.protocol.pause_writing()  # the client reads too slowly
    assert not direct.write(room_frame({"text": EVENT_TEXT}))
    assert socket.transport.written == []
    socket.protocol.resume_writing()
    assert direct.write(room_frame({"text": EVENT_TEXT}))


@pytest.mark.asyncio
async def test_nothing_is_written_after_the_server_closed(socket: Socket) -> None:
    direct = DirectSocket.under(socket.send)
    assert direct is not None
    await socket.send({"type": "websocket.close", "code": 4403})
    socket.read()
    assert not direct.write(room_frame({"text": EVENT_TEXT}))
    assert socket.transport.written == []


@pytest.mark.asyncio
async def test_nothing_is_written_after_the_client_closed(socket: Socket) -> None:
    direct = DirectSocket.under(socket.send)
    assert direct is not None
    socket.client.send_close(1000)
    socket.protocol.data_received(b"".join(socket.client.data_to_send()))
    socket.read()  # the close reply
    assert not direct.write(room_frame({"text": EVENT_TEXT}))
    socket.protocol.connection_lost(None)
    assert not direct.write(room_frame({"text": EVENT_TEXT}))
    assert socket.transport.written == []


@pytest.mark.asyncio
async def test_a_compressed_socket_is_left_to_asgi() -> None:
    socket = await open_socket(deflate=True)
    try:
        assert socket.protocol.conn.extensions  # negotiated
        assert DirectSocket.under(socket.send) is None
    finally:
        socket.protocol.connection_lost(None)


def test_another_servers_send_is_left_to_asgi() -> None:
    async def send(message: dict[str, Any]) -> None:
        pass

    class Wrapper:
        async def send(self, message: dict[str, Any]) -> None:
            pass

    assert DirectSocket.under(send) is None
    assert DirectSocket.under(Wrapper().send) is None
