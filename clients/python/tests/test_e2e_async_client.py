"""Every ``AsyncClient`` method against a real server process (``make provider``)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import websockets
from videoplanet_client import (
    AsyncClient,
    BadRequest,
    NotFound,
    PermissionDenied,
    Unauthorized,
    ValidationFailed,
)
from videoplanet_client._realtime import websocket_url

if TYPE_CHECKING:
    from conftest import Provider

pytestmark = pytest.mark.server


def john(provider: Provider) -> AsyncClient:
    return AsyncClient(base_url=provider.url, token="valid-token")


@pytest.mark.asyncio
async def test_auth_projects_members_and_videos(provider: Provider) -> None:
    world = provider.state("feedback exists")
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    async with AsyncClient(base_url=provider.url) as anonymous:
        jane = await anonymous.auth.token(
            email=world["jane_email"], password=world["jane_password"]
        )
        await anonymous.auth.register(name="Nora New", email=email, password="pw-123456789")
        nora = await anonymous.auth.verify_email(
            key=provider.signup_key(email), password="pw-123456789"
        )
    assert jane.user.name == "Jane Doe"
    async with AsyncClient(base_url=provider.url, token=nora.token) as as_nora:
        assert await as_nora.me() == nora.user

    async with john(provider) as client:
        assert (await client.me()).name == "John Doe"
        project = await client.projects.create(name="Async project")
        assert await client.projects.get(project.id) == project
        assert project.id in {p.id for p in await client.projects.list()}
        sent = await client.projects.invite(project.id, email=email, role="reviewer")
        assert [i.id for i in await client.projects.invitations(project.id)] == [sent.id]
        async with AsyncClient(base_url=provider.url, token=nora.token) as as_nora:
            (offer,) = await as_nora.invitations.list()
            assert offer.id == sent.id
            assert (await as_nora.invitations.accept(invitation_id=offer.id)).role == "reviewer"
        assert {m.user.name for m in await client.projects.members(project.id)} == {
            "John Doe", "Nora New",
        }  # fmt: skip
        other = await client.projects.invite(project.id, email="x-" + email, role="viewer")
        await client.projects.revoke_invitation(project.id, other.id)
        assert await client.projects.invitations(project.id) == []
        video = await client.videos.create(
            project_id=project.id, title="Async cut", url="https://example.com/a.mp4"
        )
        assert video.duration is None
        assert await client.videos.get(video.id) == video
        assert await client.videos.list(project_id=project.id) == [video]


@pytest.mark.asyncio
async def test_feedback_lifecycle_and_paging(
    provider: Provider, make_image: Callable[..., bytes], drawing: dict[str, Any]
) -> None:
    world = provider.state("video has feedbacks")  # one at 30.5 s
    video = world["video_id"]
    png = make_image("PNG")
    async with john(provider) as client:
        shot = await client.feedbacks.create(
            video_id=video, timestamp=12.25, content="With a screenshot", screenshot=png,
            drawing_data=drawing, priority="critical",
        )  # fmt: skip
        assert shot.screenshot_url is not None
        async with httpx.AsyncClient() as http:
            assert (await http.get(shot.screenshot_url)).content == png
        late = await client.feedbacks.create(video_id=video, timestamp=99, content="Late")

        listed = [f async for f in client.feedbacks.list(video_id=video, page_size=1)]
        assert [f.timestamp for f in listed] == [12.25, 30.5, 99.0]
        critical = [f.id async for f in client.feedbacks.list(video_id=video, priority="critical")]
        assert critical == [shot.id]

        updated = await client.feedbacks.update(late.id, status="in_progress")
        assert (updated.status, updated.content) == ("in_progress", "Late")
        assert (await client.feedbacks.get(late.id)).status == "in_progress"

        await client.feedbacks.delete(late.id)
        with pytest.raises(NotFound):
            await client.feedbacks.get(late.id)


@pytest.mark.asyncio
async def test_comments_and_reactions(provider: Provider) -> None:
    world = provider.state("feedback exists")
    async with john(provider) as client:
        comment = await client.comments.create(
            feedback_id=world["feedback_id"], content="Looks off", mentions=[world["jane_id"]]
        )
        reply = await client.comments.reply(
            parent_id=comment.id, feedback_id=world["feedback_id"], content="Agreed"
        )
        listed = await client.comments.list(feedback_id=world["feedback_id"])
        assert [c.id for c in listed] == [world["parent_id"], comment.id, reply.id]
        assert reply.parent_id == comment.id

        assert await client.reactions.add(comment.id, "❤️") == {"❤️": [world["user_id"]]}
        assert await client.reactions.remove(comment.id, "❤️") == {}


@pytest.mark.asyncio
async def test_errors(provider: Provider) -> None:
    world = provider.state("video has feedbacks")
    async with AsyncClient(base_url=provider.url, token="nope") as stranger:
        with pytest.raises(Unauthorized):
            await stranger.me()
    async with john(provider) as client:
        with pytest.raises(NotFound):
            await client.feedbacks.update(uuid.uuid4(), status="closed")
        with pytest.raises(ValidationFailed) as caught:
            await client.feedbacks.update(world["feedback_id"], status="done")
        assert list(caught.value.details) == ["status"]
        with pytest.raises(NotFound):  # a page of feedback on a video that does not exist
            [f async for f in client.feedbacks.list(video_id=uuid.uuid4())]

    email = f"{uuid.uuid4().hex[:10]}@example.com"
    async with AsyncClient(base_url=provider.url) as anonymous:
        await anonymous.auth.register(name="Vic", email=email, password="pw-123456789")
        viewer = await anonymous.auth.verify_email(
            key=provider.signup_key(email), password="pw-123456789"
        )
    async with john(provider) as client:
        await client.projects.invite(world["project_id"], email=email, role="viewer")
    async with AsyncClient(base_url=provider.url, token=viewer.token) as as_viewer:
        (offer,) = await as_viewer.invitations.list()
        await as_viewer.invitations.decline(invitation_id=offer.id)
        assert await as_viewer.invitations.list() == []
        with pytest.raises(BadRequest) as used:
            await as_viewer.invitations.accept(invitation_id=offer.id)
        assert used.value.code == "invitation_used"
    async with john(provider) as client:
        await client.projects.invite(world["project_id"], email=email, role="viewer")
    async with AsyncClient(base_url=provider.url, token=viewer.token) as as_viewer:
        (offer,) = await as_viewer.invitations.list()
        await as_viewer.invitations.accept(invitation_id=offer.id)
        with pytest.raises(PermissionDenied) as denied:
            await as_viewer.feedbacks.delete(world["feedback_id"])
    assert denied.value.code == "permission_denied"


@pytest.mark.asyncio
async def test_a_realtime_ticket_opens_one_room_socket_once(provider: Provider) -> None:
    world = provider.state("user is authenticated")
    async with john(provider) as client:
        ticket = await client.realtime.create_ticket(video_id=world["video_id"])
    url = websocket_url(provider.url, world["video_id"]) + f"?ticket={ticket.ticket}"
    async with websockets.connect(url) as ws:  # as a browser would: no Authorization
        first = json.loads(await asyncio.wait_for(ws.recv(), 20))
    assert first["type"] == "presence.snapshot"
    async with websockets.connect(url) as ws:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 20)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
