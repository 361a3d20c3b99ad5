"""What a client may send: frame size, message rate, Origin, and how much an error says."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from channels.testing.websocket import WebsocketCommunicator

from config.asgi import application
from videoplanet.realtime import limits
from videoplanet.realtime.tests.helpers import closed_with, joined, next_message

if TYPE_CHECKING:
    from conftest import World

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def listening(connect: Any, user: Any) -> WebsocketCommunicator:
    ws = await connect(user)
    await joined(ws)
    await next_message(ws)  # its own user.joined
    return ws


def ping(ping_id: str = "p", pad: int = 0) -> str:
    return json.dumps({"type": "ping", "payload": {"id": ping_id}}) + " " * pad


async def test_a_message_up_to_the_limit_is_read_and_one_byte_more_closes_1009(
    connect: Any, world: World
) -> None:
    ws = await listening(connect, world.viewer)
    at_limit = ping("fits", pad=4096 - len(ping("fits")))
    assert len(at_limit.encode()) == 4096
    await ws.send_to(text_data=at_limit)
    assert await next_message(ws) == {"type": "pong", "payload": {"id": "fits"}}
    await ws.send_to(text_data=at_limit + " ")
    assert await closed_with(ws) == 1009


async def test_a_big_binary_frame_closes_1009_too(connect: Any, world: World) -> None:
    ws = await listening(connect, world.viewer)
    await ws.send_to(bytes_data=b"\0" * 5000)
    assert await closed_with(ws) == 1009


class Clock:
    """The limiter's clock: time stands still (no refill during a burst) and moves by
    ``step`` after ``moves_after`` readings, whenever the socket gets to them."""

    def __init__(self) -> None:
        self.now, self.readings = 1000.0, 0
        self.moves_after: int | None = None
        self.step = 0.0

    def __call__(self) -> float:
        self.readings += 1
        if self.readings == self.moves_after:
            self.now += self.step
        return self.now


class TestRate:
    @pytest.fixture(autouse=True)
    def clock(self, monkeypatch: pytest.MonkeyPatch) -> Clock:
        clock = Clock()
        monkeypatch.setattr(limits, "clock", clock)
        return clock

    async def test_a_burst_of_300_pings_is_cut_down_and_the_socket_recovers(
        self, connect: Any, world: World, clock: Clock
    ) -> None:
        ws = await listening(connect, world.viewer)
        # one reading when the socket opened, one per message: the message after the
        # burst comes a second later (10 messages' worth of refill)
        clock.moves_after, clock.step = 1 + 300 + 1, 1.0
        for n in range(300):
            await ws.send_to(text_data=ping(str(n)))
        await ws.send_to(text_data=ping("later"))
        replies: list[dict[str, Any]] = []
        while not replies or replies[-1]["payload"].get("id") != "later":
            replies.append(await next_message(ws))
        pongs = [r["payload"]["id"] for r in replies if r["type"] == "pong"]
        errors = [r["payload"] for r in replies if r["type"] == "error"]
        assert pongs == [str(n) for n in range(30)] + ["later"]  # the burst, then service
        assert [e["code"] for e in errors] == ["rate_limited"]  # said once, not 270 times
        assert replies.index({"type": "pong", "payload": {"id": "29"}}) < replies.index(
            {"type": "error", "payload": errors[0]}
        )

    async def test_a_flood_closes_1008(self, connect: Any, world: World) -> None:
        ws = await listening(connect, world.viewer)
        for n in range(30 + 300 + 1):  # the burst, 300 drops, then one more
            await ws.send_to(text_data=ping(str(n)))
        frames = []
        while (output := await ws.receive_output(timeout=2))["type"] == "websocket.send":
            frames.append(json.loads(output["text"])["type"])
        assert output == {"type": "websocket.close", "code": 1008}
        assert frames == ["pong"] * 30 + ["error"]

    async def test_a_client_within_the_rate_is_never_limited(
        self, connect: Any, world: World, clock: Clock
    ) -> None:
        ws = await listening(connect, world.viewer)
        for n in range(100):  # ten a second, for ten seconds
            clock.now += 0.1
            await ws.send_to(text_data=ping(str(n)))
            assert await next_message(ws) == {"type": "pong", "payload": {"id": str(n)}}
        await ws.disconnect()


class TestOrigin:
    @pytest.mark.parametrize("origin", [b"https://evil.example", b"null", b"http://localhost.evil"])
    async def test_a_page_on_another_site_cannot_even_complete_the_handshake(
        self, world: World, origin: bytes
    ) -> None:
        ws = WebsocketCommunicator(
            application, f"/ws/videos/{world.video.id}/", headers=[(b"origin", origin)]
        )
        connected, _ = await ws.connect()
        assert connected is False

    async def test_a_page_on_an_allowed_host_can(self, connect: Any, world: World) -> None:
        ws = await connect(world.viewer, headers=[(b"origin", b"http://localhost:8000")])
        await joined(ws)
        await ws.disconnect()

    async def test_a_client_that_sends_no_origin_can(self, connect: Any, world: World) -> None:
        ws = await connect(world.viewer)  # SDKs and servers send none
        await joined(ws)
        await ws.disconnect()


async def test_an_error_lists_at_most_20_problems(connect: Any, world: World) -> None:
    ws = await listening(connect, world.viewer)
    payload = {f"extra{n}": n for n in range(50)}
    await ws.send_to(text_data=json.dumps({"type": "ping", "payload": payload}))
    reply = await next_message(ws)
    assert reply["payload"]["code"] == "invalid_message"
    assert len(reply["payload"]["errors"]) == 20
    assert all("unexpected field" in e for e in reply["payload"]["errors"])
    await ws.disconnect()
