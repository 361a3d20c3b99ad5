"""The video room in-process (Channels' communicator, in-memory layer and presence):
auth and refusals, presence with tabs and people, client messages, and the events the
REST API's services send after commit."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.db import transaction

from config.asgi import application
from tests.factories import CommentFactory, FeedbackFactory
from videoplanet.feedback.services import feedback_create
from videoplanet.realtime import broadcast as broadcast_module
from videoplanet.realtime.broadcast import broadcast, outgoing, stats
from videoplanet.realtime.events import SERVER_EVENTS
from videoplanet.realtime.presence import Present
from videoplanet.realtime.tests.helpers import check, joined, next_message

if TYPE_CHECKING:
    from conftest import World


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
class TestRefusals:
    @pytest.mark.parametrize("token", ["", "not-a-token"])
    async def test_anonymous_and_bad_tokens_are_closed_4401(self, connect: Any, token: str) -> None:
        ws = await connect(token=token)
        assert (await ws.receive_output(timeout=2)) == {"type": "websocket.close", "code": 4401}

    async def test_non_members_are_closed_4403(self, connect: Any, world: World) -> None:
        ws = await connect(world.outsider)
        assert (await ws.receive_output(timeout=2))["code"] == 4403

    async def test_unknown_video_is_4403_too(self, connect: Any, world: World) -> None:
        ws = await connect(world.owner, video=world.other_video)
        assert (await ws.receive_output(timeout=2))["code"] == 4403

    async def test_unknown_route_is_4404(self, world: World) -> None:
        ws = WebsocketCommunicator(application, "/ws/elsewhere/")
        await ws.connect()
        assert (await ws.receive_output(timeout=2))["code"] == 4404

    async def test_a_token_in_the_url_opens_nothing(self, connect: Any, world: World) -> None:
        ws = await connect(world.viewer, via="query-token")
        assert (await ws.receive_output(timeout=2)) == {"type": "websocket.close", "code": 4401}

    @pytest.mark.parametrize("via", ["header", "ticket"])
    async def test_a_viewer_may_listen_with_header_token_or_ticket(
        self, connect: Any, world: World, via: str
    ) -> None:
        ws = await connect(world.viewer, via=via)
        snapshot = await joined(ws)
        assert [u["user_id"] for u in snapshot["payload"]["users"]] == [str(world.viewer.id)]
        await ws.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
class TestPresence:
    async def test_two_users_see_each_other(self, connect: Any, world: World) -> None:
        alice = await connect(world.owner)
        await joined(alice)
        assert (await next_message(alice))["type"] == "user.joined"  # her own announcement
        bob = await connect(world.reviewer)
        snapshot = await joined(bob)
        assert {u["user_id"] for u in snapshot["payload"]["users"]} == {
            str(world.owner.id),
            str(world.reviewer.id),
        }
        announced = await next_message(alice)
        assert announced["type"] == "user.joined"
        assert announced["payload"]["user_id"] == str(world.reviewer.id)
        assert announced["payload"]["name"] == world.reviewer.name
        await next_message(bob)  # bob's own user.joined
        await bob.disconnect()
        left = await next_message(alice)
        assert left["type"] == "user.left"
        assert left["payload"]["user_id"] == str(world.reviewer.id)
        await alice.disconnect()

    async def test_a_second_tab_is_not_announced_and_leaving_it_is_silent(
        self, connect: Any, world: World
    ) -> None:
        watcher = await connect(world.owner)
        await joined(watcher)
        await next_message(watcher)
        tab1 = await connect(world.reviewer)
        await joined(tab1)
        assert (await next_message(watcher))["type"] == "user.joined"
        tab2 = await connect(world.reviewer)
        snapshot = await joined(tab2)
        assert len(snapshot["payload"]["users"]) == 2  # people, not sockets
        await tab2.disconnect()
        assert await watcher.receive_nothing(timeout=0.3)  # no joined, no left for tab 2
        await tab1.disconnect()
        left = await next_message(watcher)
        assert (left["type"], left["payload"]["user_id"]) == ("user.left", str(world.reviewer.id))
        await watcher.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
class TestClientMessages:
    async def test_ping_pong_with_and_without_id(self, connect: Any, world: World) -> None:
        ws = await connect(world.viewer)
        await joined(ws)
        await next_message(ws)
        await ws.send_to(text_data=json.dumps({"type": "ping", "payload": {"id": "42"}}))
        assert await next_message(ws) == {"type": "pong", "payload": {"id": "42"}}
        await ws.send_to(text_data=json.dumps({"type": "ping", "payload": {}}))
        assert await next_message(ws) == {"type": "pong", "payload": {}}
        await ws.disconnect()

    @pytest.mark.parametrize(
        ("frame", "error"),
        [
            ("hello", "message: not valid JSON"),
            ("[" * 2000 + "]" * 2000, "message: not valid JSON"),
            (
                json.dumps({"type": "feedback.created", "payload": {}}),
                "type: unknown message type 'feedback.created'",
            ),
            (json.dumps({"type": "ping", "payload": {"id": 7}}), "payload.id: expected string"),
            (json.dumps({"type": "ping"}), "payload: required"),
        ],
    )
    async def test_invalid_messages_get_an_error_and_the_connection_stays(
        self, connect: Any, world: World, frame: str, error: str
    ) -> None:
        ws = await connect(world.viewer)
        await joined(ws)
        await next_message(ws)
        await ws.send_to(text_data=frame)
        reply = await next_message(ws)
        assert reply["type"] == "error"
        assert reply["payload"]["code"] == "invalid_message"
        assert error in reply["payload"]["errors"]
        await ws.send_to(text_data=json.dumps({"type": "ping", "payload": {}}))
        assert (await next_message(ws))["type"] == "pong"
        await ws.disconnect()

    async def test_binary_frames_get_an_error(self, connect: Any, world: World) -> None:
        ws = await connect(world.viewer)
        await joined(ws)
        await next_message(ws)
        await ws.send_to(bytes_data=b"\x00\x01")
        assert (await next_message(ws))["type"] == "error"
        await ws.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
class TestEventsFromServices:
    @pytest_asyncio.fixture
    async def listener(self, connect: Any, world: World) -> AsyncIterator[WebsocketCommunicator]:
        ws = await connect(world.viewer)
        await joined(ws)
        await next_message(ws)
        yield ws
        await ws.disconnect()

    async def test_rest_calls_reach_the_room(
        self, listener: Any, world: World, as_user: Any
    ) -> None:
        client = await sync_to_async(as_user)(world.reviewer)
        post = sync_to_async(client.post)
        created = await post(
            "/api/v1/feedbacks",
            {"video_id": str(world.video.id), "timestamp": 30.5, "content": "Logo too big"},
            format="json",
        )
        assert created.status_code == 201
        feedback_id = created.json()["id"]
        event = await next_message(listener)
        assert event == {
            "type": "feedback.created",
            "payload": {
                "id": feedback_id,
                "video_id": str(world.video.id),
                "timestamp": 30.5,
                "content": "Logo too big",
                "user": {"id": str(world.reviewer.id), "name": world.reviewer.name},
                "created_at": created.json()["created_at"],
            },
        }

        patched = await sync_to_async(client.patch)(
            f"/api/v1/feedbacks/{feedback_id}", {"status": "resolved"}, format="json"
        )
        assert patched.status_code == 200
        updated = await next_message(listener)
        assert updated["type"] == "feedback.updated"
        assert (updated["payload"]["changed"], updated["payload"]["status"]) == (
            ["status"],
            "resolved",
        )
        assert updated["payload"]["updated_by"]["id"] == str(world.reviewer.id)
        await sync_to_async(client.patch)(
            f"/api/v1/feedbacks/{feedback_id}", {"status": "resolved"}, format="json"
        )
        assert await listener.receive_nothing(timeout=0.3)  # nothing changed, nothing sent

        top = await post(
            "/api/v1/comments", {"feedback_id": feedback_id, "content": "Agreed"}, format="json"
        )
        comment = await next_message(listener)
        assert comment["type"] == "comment.added"
        assert "parent_id" not in comment["payload"]
        reply = await post(
            "/api/v1/comments",
            {
                "feedback_id": feedback_id,
                "parent_id": top.json()["id"],
                "content": "Fixed",
                "mentions": [str(world.owner.id)],
            },
            format="json",
        )
        threaded = await next_message(listener)
        assert threaded["payload"]["parent_id"] == top.json()["id"]
        assert threaded["payload"]["mentions"] == [str(world.owner.id)]

        await post(
            f"/api/v1/comments/{reply.json()['id']}/reactions", {"emoji": "🎉"}, format="json"
        )
        reacted = await next_message(listener)
        assert reacted["type"] == "reaction.updated"
        assert reacted["payload"]["reactions"] == {"🎉": [str(world.reviewer.id)]}
        await post(
            f"/api/v1/comments/{reply.json()['id']}/reactions", {"emoji": "🎉"}, format="json"
        )
        assert await listener.receive_nothing(timeout=0.3)  # adding twice changes nothing

        deleted = await sync_to_async(client.delete)(f"/api/v1/feedbacks/{feedback_id}")
        assert deleted.status_code == 204
        gone = await next_message(listener)
        assert (gone["type"], gone["payload"]["id"]) == ("feedback.deleted", feedback_id)

    async def test_other_rooms_hear_nothing(self, listener: Any, world: World) -> None:
        await sync_to_async(FeedbackFactory)(video=world.other_video)
        other = world.other_video
        await sync_to_async(feedback_create)(
            user=world.outsider, video_id=other.id, timestamp=1, content="elsewhere"
        )
        assert await listener.receive_nothing(timeout=0.3)

    async def test_events_are_sent_only_after_commit(self, listener: Any, world: World) -> None:
        def create_in_transaction() -> tuple[int, int]:
            with transaction.atomic():
                feedback_create(
                    user=world.reviewer,
                    video_id=world.video.id,
                    timestamp=1,
                    content="x",
                )
                during = stats.sent
            return during, stats.sent

        before = stats.sent
        during, after = await sync_to_async(create_in_transaction)()
        assert (during, after) == (before, before + 1)
        assert (await next_message(listener))["type"] == "feedback.created"

    async def test_rolled_back_writes_send_nothing(self, listener: Any, world: World) -> None:
        def create_then_fail() -> None:
            with transaction.atomic():
                feedback_create(
                    user=world.reviewer,
                    video_id=world.video.id,
                    timestamp=1,
                    content="x",
                )
                raise RuntimeError("rollback")

        with pytest.raises(RuntimeError):
            await sync_to_async(create_then_fail)()
        assert await listener.receive_nothing(timeout=0.3)

    async def test_an_invalid_event_is_not_sent_and_is_recorded(
        self, listener: Any, world: World
    ) -> None:
        bad = {"type": "feedback.created", "payload": {"id": "not-a-uuid"}}
        assert await sync_to_async(broadcast)(world.video.id, bad) is False
        assert await listener.receive_nothing(timeout=0.3)
        [violation] = outgoing.violations()
        assert (violation.direction, violation.type) == ("outgoing", "feedback.created")
        assert "payload.id: invalid uuid" in violation.errors


@pytest.mark.django_db
def test_a_failed_broadcast_does_not_fail_the_rest_call(
    world: World,
    as_user: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    class DownLayer:
        async def group_send(self, group: str, message: Any) -> None:
            raise ConnectionError("redis is down")

    monkeypatch.setattr(broadcast_module, "get_channel_layer", lambda: DownLayer())
    before = stats.failed
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.reviewer).post(
            "/api/v1/feedbacks",
            {"video_id": str(world.video.id), "timestamp": 1, "content": "x"},
            format="json",
        )
    assert response.status_code == 201
    assert stats.failed == before + 1


def test_builders_make_valid_messages_for_real_objects(db: None, world: World) -> None:
    from videoplanet.realtime import notify

    feedback = FeedbackFactory(video=world.video, author=world.reviewer)
    parent = CommentFactory(feedback=feedback)
    reply = CommentFactory(feedback=feedback, parent=parent)
    now = feedback.created_at
    messages = [
        notify.feedback_created_message(feedback),
        notify.feedback_updated_message(feedback, changed=["status"], by=world.owner),
        notify.feedback_deleted_message(
            feedback_id=feedback.id, video_id=world.video.id, by=world.owner, at=now
        ),
        notify.comment_added_message(parent, []),
        notify.comment_added_message(reply, [world.owner.id]),
        notify.reaction_updated_message(reply, {"👍": [str(world.owner.id)]}, by=world.owner),
        notify.user_joined_message(str(world.owner.id), world.owner.name, now),
        notify.user_left_message(str(world.owner.id), now),
        notify.presence_snapshot_message(
            [Present(str(world.owner.id), world.owner.name, "2026-01-01T00:00:00Z")]
        ),
        notify.pong_message("p-1"),
        notify.pong_message(None),
        notify.error_message("bad", ["payload: required"]),
        notify.video_updated_message(world.video),
        notify.video_version_added_message(world.video),
    ]
    assert {m["type"] for m in messages} == set(SERVER_EVENTS)  # one builder per type
    for message in messages:
        result = check.validate_outgoing(message)
        assert result.valid, (message, result.errors)
    assert "parent_id" not in messages[3]["payload"]
    assert messages[4]["payload"]["parent_id"] == str(parent.id)
