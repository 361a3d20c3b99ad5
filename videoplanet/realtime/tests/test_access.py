"""An open socket loses access when its user does: membership or token taken away.

Deletions announce themselves through the channel layer (closed at once, nothing
delivered after); what nothing announces is caught by the periodic re-check, here set
to 50 ms so a bounded wait sees it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing.websocket import WebsocketCommunicator

from videoplanet.accounts.models import ApiToken, User, token_digest
from videoplanet.accounts.services import token_issue
from videoplanet.feedback.services import feedback_create
from videoplanet.projects.models import Membership
from videoplanet.realtime import revocation
from videoplanet.realtime.auth import access_lost, admit
from videoplanet.realtime.tests.helpers import joined, next_message

if TYPE_CHECKING:
    from conftest import World

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def listening(connect: Any, user: Any, **kwargs: Any) -> WebsocketCommunicator:
    ws = await connect(user, **kwargs)
    await joined(ws)
    return ws


async def frames_until_close(ws: WebsocketCommunicator) -> tuple[list[str], int]:
    """The types of the messages before the close, and its code (bounded waits)."""
    types = []
    while (output := await ws.receive_output(timeout=2))["type"] == "websocket.send":
        types.append(json.loads(output["text"])["type"])
    return types, int(output["code"])


@sync_to_async
def remove_membership(world: World, user: User) -> None:
    Membership.objects.filter(project=world.project, user=user).delete()


@sync_to_async
def post_feedback(world: World) -> None:
    feedback_create(user=world.owner, video_id=world.video.id, timestamp=1, content="after")


@sync_to_async
def revoke(key: str) -> None:
    ApiToken.objects.filter(digest=token_digest(key)).delete()


class TestAnnounced:
    async def test_removed_member_is_closed_4403_and_hears_nothing_after(
        self, connect: Any, world: World
    ) -> None:
        gone = await listening(connect, world.reviewer)
        stays = await listening(connect, world.viewer)
        await next_message(gone)  # own user.joined
        await next_message(gone)  # the viewer's
        await remove_membership(world, world.reviewer)
        await post_feedback(world)
        assert await frames_until_close(gone) == ([], 4403)
        assert await gone.receive_nothing(timeout=0.2)
        assert (await next_message(stays))["type"] == "user.joined"  # own
        assert (await next_message(stays))["type"] == "feedback.created"  # the others go on
        await stays.disconnect()

    async def test_a_membership_in_another_project_leaves_this_room_alone(
        self, connect: Any, world: World
    ) -> None:
        ws = await listening(connect, world.owner)
        await next_message(ws)  # own user.joined
        await sync_to_async(Membership.objects.create)(
            project=world.other_project, user=world.owner, role="viewer"
        )
        await sync_to_async(
            Membership.objects.filter(project=world.other_project, user=world.owner).delete
        )()
        await post_feedback(world)
        assert (await next_message(ws))["type"] == "feedback.created"
        await ws.disconnect()

    async def test_revoked_token_closes_its_socket_4401_and_no_other(
        self, connect: Any, world: World
    ) -> None:
        key = await sync_to_async(token_issue)(user=world.viewer)
        revoked = await listening(connect, world.viewer, token=key)
        await next_message(revoked)  # own user.joined (a second tab is not announced)
        other_tab = await listening(connect, world.viewer)  # the same person, another token
        await revoke(key)
        await post_feedback(world)
        assert await frames_until_close(revoked) == ([], 4401)
        assert (await next_message(other_tab))["type"] == "feedback.created"
        await other_tab.disconnect()

    async def test_a_ticket_socket_closes_when_the_token_that_asked_for_it_is_revoked(
        self, connect: Any, world: World
    ) -> None:
        key = await sync_to_async(token_issue)(user=world.viewer)
        ws = await listening(connect, world.viewer, token=key, via="ticket")
        await next_message(ws)  # own user.joined
        await revoke(key)
        assert await frames_until_close(ws) == ([], 4401)

    async def test_a_rolled_back_removal_closes_nothing(self, connect: Any, world: World) -> None:
        ws = await listening(connect, world.reviewer)
        await next_message(ws)

        @sync_to_async
        def remove_then_fail() -> None:
            from django.db import transaction

            with transaction.atomic():
                Membership.objects.filter(project=world.project, user=world.reviewer).delete()
                raise RuntimeError("rollback")

        with pytest.raises(RuntimeError):
            await remove_then_fail()
        await post_feedback(world)
        assert (await next_message(ws))["type"] == "feedback.created"
        await ws.disconnect()


class TestRechecked:
    """Nothing announces it (a lost message, a deactivated user): the re-check closes."""

    @pytest.fixture(autouse=True)
    def quick_recheck(self, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        settings.WS_ACCESS_RECHECK_SECONDS = 0.05
        monkeypatch.setattr(revocation, "_send", lambda user_id, event: None)

    async def test_membership_gone_closes_4403(self, connect: Any, world: World) -> None:
        ws = await listening(connect, world.reviewer)
        await next_message(ws)
        await remove_membership(world, world.reviewer)
        assert (await frames_until_close(ws))[1] == 4403

    async def test_token_gone_closes_4401(self, connect: Any, world: World) -> None:
        key = await sync_to_async(token_issue)(user=world.viewer)
        ws = await listening(connect, world.viewer, token=key, via="ticket")
        await next_message(ws)
        await revoke(key)
        assert (await frames_until_close(ws))[1] == 4401

    async def test_deactivated_user_closes_4401(self, connect: Any, world: World) -> None:
        ws = await listening(connect, world.viewer)
        await next_message(ws)
        await sync_to_async(User.objects.filter(pk=world.viewer.pk).update)(is_active=False)
        assert (await frames_until_close(ws))[1] == 4401

    async def test_access_kept_keeps_the_socket(self, connect: Any, world: World) -> None:
        ws = await listening(connect, world.viewer)
        await next_message(ws)
        assert await ws.receive_nothing(timeout=0.3)  # several re-checks pass
        await ws.send_to(text_data=json.dumps({"type": "ping", "payload": {}}))
        assert (await next_message(ws))["type"] == "pong"
        await ws.disconnect()


async def test_a_removal_while_the_socket_is_joining_is_not_missed(
    connect: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The membership goes right after the socket's own check passed: the socket already
    listens for revocations, so it is closed rather than left open for a re-check."""
    from videoplanet.realtime import consumers

    def admit_then_remove(credential: Any, video_id: Any) -> Any:
        verdict = admit(credential, video_id)
        Membership.objects.filter(project=world.project, user=world.reviewer).delete()
        return verdict

    monkeypatch.setattr(consumers, "admit", admit_then_remove)
    ws = await connect(world.reviewer)
    types, code = await frames_until_close(ws)
    assert code == 4403
    assert "feedback.created" not in types


async def test_one_check_per_credential_and_room_however_many_tabs(
    connect: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from videoplanet.realtime import audit

    checked: list[tuple[str, Any]] = []

    def counting(credential: Any, video_id: Any) -> int | None:
        checked.append((credential.token_key, video_id))
        return access_lost(credential, video_id)

    monkeypatch.setattr(audit, "access_lost", counting)
    key = await sync_to_async(token_issue)(user=world.viewer)
    tabs = [await listening(connect, world.viewer, token=key) for _ in range(3)]
    other = await listening(connect, world.owner)
    await audit.access_audit().check_all()
    assert len(checked) == 2  # three tabs on one token, one other person
    assert key in {token for token, _ in checked}
    assert {video_id for _, video_id in checked} == {world.video.id}
    for ws in [*tabs, other]:
        await ws.disconnect()
