"""``RealtimeClient`` in a real server's video rooms.

The server keeps its database across restarts (``restartable``), so the rejoin test can
stop it and start it again on the same port with the same users and tokens.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import pytest
from videoplanet_client import (
    AsyncClient,
    Backoff,
    CommentAdded,
    ErrorEvent,
    FeedbackCreated,
    FeedbackDeleted,
    FeedbackUpdated,
    NotFound,
    PermissionDenied,
    Pong,
    PresenceSnapshot,
    ReactionUpdated,
    RealtimeClient,
    Unauthorized,
    UserJoined,
    UserLeft,
)

if TYPE_CHECKING:
    from videoplanet_client import Event

    from conftest import Provider

pytestmark = pytest.mark.server

WAIT = 20.0  # bound on any single expected event
E = TypeVar("E")


@pytest.fixture(scope="module")
def restartable() -> bool:
    return True  # the rejoin test stops and starts the server


async def expect(
    room: RealtimeClient, kind: type[E], where: Callable[[E], bool] = lambda e: True
) -> E:
    """The next event of this kind (that matches), skipping others; bounded in time."""

    async def find() -> E:
        async for event in room:
            if isinstance(event, kind) and where(event):
                return event
        raise AssertionError(f"the room ended before a {kind.__name__}")

    return await asyncio.wait_for(find(), WAIT)


def join(
    provider: Provider, world: dict[str, Any], token: str = "valid-token", **kw: Any
) -> RealtimeClient:
    return RealtimeClient(base_url=provider.url, token=token, video_id=world["video_id"], **kw)


@pytest.mark.asyncio
async def test_joining_sends_presence_then_live_events_of_every_kind(provider: Provider) -> None:
    world = provider.state("feedback exists")
    john_id, jane_id = world["user_id"], world["jane_id"]
    async with (
        join(provider, world) as room,
        AsyncClient(base_url=provider.url, token="valid-token") as client,
    ):
        snapshot = await expect(room, PresenceSnapshot)
        assert [(u.user_id, u.name) for u in snapshot.users] == [(john_id, "John Doe")]

        created = await client.feedbacks.create(
            video_id=world["video_id"], timestamp=42.0, content="Live"
        )
        event: Event = await expect(room, FeedbackCreated)
        assert (event.id, event.timestamp, event.content, event.user.id) == (
            created.id, 42.0, "Live", john_id,
        )  # fmt: skip

        await client.feedbacks.update(created.id, status="resolved")
        updated = await expect(room, FeedbackUpdated)
        assert (updated.id, updated.changed, updated.status) == (
            created.id,
            ("status",),
            "resolved",
        )

        top = await client.comments.create(
            feedback_id=created.id, content="Top", mentions=[jane_id]
        )
        added = await expect(room, CommentAdded)
        assert (added.id, added.parent_id, added.mentions) == (top.id, None, (jane_id,))
        reply = await client.comments.reply(parent_id=top.id, feedback_id=created.id, content="Re")
        replied = await expect(room, CommentAdded)
        assert (replied.id, replied.parent_id) == (reply.id, top.id)

        await client.reactions.add(top.id, "👍")
        reaction = await expect(room, ReactionUpdated)
        assert (reaction.comment_id, reaction.reactions) == (top.id, {"👍": [john_id]})

        await client.feedbacks.delete(created.id)
        deleted = await expect(room, FeedbackDeleted)
        assert (deleted.id, deleted.deleted_by.name) == (created.id, "John Doe")

        jane_session = await client.auth.token(
            email=world["jane_email"], password=world["jane_password"]
        )
        async with join(provider, world, token=jane_session.token) as jane_room:
            seen = await expect(jane_room, PresenceSnapshot)
            assert sorted(u.name for u in seen.users) == ["Jane Doe", "John Doe"]
            joined = await expect(room, UserJoined, lambda e: e.user_id == jane_id)
            assert joined.name == "Jane Doe"
        left = await expect(room, UserLeft)
        assert left.user_id == jane_id
        assert not room.rejected


@pytest.mark.asyncio
async def test_ping_pong_and_the_server_error_event(provider: Provider) -> None:
    world = provider.state("user is authenticated")
    async with join(provider, world) as room:
        await room.ping(id="probe-1")
        assert await expect(room, Pong) == Pong(id="probe-1")
        await room.ping()
        assert await expect(room, Pong) == Pong(id=None)
        await room.ping(id="x" * 101)  # over the contract's 100 characters
        error = await expect(room, ErrorEvent)
        assert error.code == "invalid_message" and error.errors
        await room.ping(id="still-open")
        assert (await expect(room, Pong)).id == "still-open"


@pytest.mark.asyncio
async def test_refusals_raise_at_once_without_reconnecting(provider: Provider) -> None:
    world = provider.state("user is authenticated")
    patient = {"max_reconnect_attempts": None, "backoff": Backoff(base=5.0, cap=5.0)}

    room = join(provider, world, token="not-a-token", **patient)
    with pytest.raises(Unauthorized) as unauthorized:
        await asyncio.wait_for(room.__aenter__(), WAIT)
    assert (unauthorized.value.status, room.reconnects) == (401, 0)

    email = f"{uuid.uuid4().hex[:8]}@example.com"
    async with AsyncClient(base_url=provider.url) as anonymous:
        await anonymous.auth.register(name="Stranger", email=email, password="pw-123456789")
        stranger = await anonymous.auth.verify_email(
            key=provider.signup_key(email), password="pw-123456789"
        )
    with pytest.raises(PermissionDenied):
        await asyncio.wait_for(
            join(provider, world, token=stranger.token, **patient).__aenter__(), WAIT
        )
    not_a_video = {"video_id": "not-a-uuid"}
    with pytest.raises(NotFound):
        await asyncio.wait_for(join(provider, not_a_video, **patient).__aenter__(), WAIT)


@pytest.mark.asyncio
async def test_the_room_is_rejoined_after_the_server_restarts(provider: Provider) -> None:
    world = provider.state("user is authenticated")
    server = provider.server
    fast = Backoff(base=0.05, factor=2.0, cap=0.5)
    async with (
        join(provider, world, backoff=fast, max_reconnect_attempts=100) as room,
        AsyncClient(base_url=provider.url, token="valid-token") as client,
    ):
        await expect(room, PresenceSnapshot)
        await asyncio.to_thread(server.stop)
        restart = asyncio.create_task(asyncio.to_thread(server.start))
        try:
            rejoined = await expect(room, PresenceSnapshot)  # a rejoin starts with a snapshot
        finally:
            await restart
        assert [u.name for u in rejoined.users] == ["John Doe"]
        assert room.reconnects == 1

        created = await client.feedbacks.create(
            video_id=world["video_id"], timestamp=7.0, content="After the restart"
        )
        assert (await expect(room, FeedbackCreated)).id == created.id
