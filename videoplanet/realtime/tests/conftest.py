"""Opening sockets on the real ASGI application (Channels' communicator, in memory)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest
from asgiref.sync import sync_to_async
from channels.testing.websocket import WebsocketCommunicator

from config.asgi import application
from videoplanet.accounts.services import token_issue
from videoplanet.realtime.broadcast import outgoing
from videoplanet.realtime.rooms import reset_memory_presence
from videoplanet.realtime.tickets import ticket_issue

if TYPE_CHECKING:
    from conftest import World


@pytest.fixture(autouse=True)
def _fresh_presence() -> Iterator[None]:
    reset_memory_presence()
    outgoing.clear_violations()
    yield
    reset_memory_presence()


@pytest.fixture
def connect(world: World) -> Callable[..., Any]:
    """``await connect(user)``: a socket in ``world.video``'s room.

    via="header" sends ``Authorization: Bearer``; via="ticket" opens it with a ticket
    issued for that token; via="query-token" puts the token in the URL. ``token`` uses
    that key instead of a fresh one of ``user``'s; ``headers`` are added.
    """

    async def open_(
        user: Any = None,
        *,
        video: Any = None,
        via: str = "header",
        token: str | None = None,
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> WebsocketCommunicator:
        video = video or world.video
        key = (
            token
            if token is not None
            else (await sync_to_async(token_issue)(user=user) if user else None)
        )
        path, sent = f"/ws/videos/{video.id}/", list(headers or [])
        if key and via == "ticket":
            ticket = await sync_to_async(ticket_issue)(user=user, token_key=key)
            path += f"?ticket={quote(ticket.value)}"
        elif key and via == "query-token":
            path += f"?token={quote(key)}"
        elif key:
            sent.append((b"authorization", f"Bearer {key}".encode()))
        communicator = WebsocketCommunicator(application, path, headers=sent)
        connected, _ = await communicator.connect()
        assert connected
        return communicator

    return open_
