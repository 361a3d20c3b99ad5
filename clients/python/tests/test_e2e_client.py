"""Every ``Client`` method against a real server process (``make provider``)."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from videoplanet_client import (
    Client,
    Feedback,
    NotFound,
    PermissionDenied,
    Unauthorized,
    ValidationFailed,
)

if TYPE_CHECKING:
    from conftest import Provider

pytestmark = pytest.mark.server


class CountingTransport(httpx.BaseTransport):
    """The real transport, counting the requests it sends."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.urls: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        return self.inner.handle_request(request)


def john(provider: Provider, **kwargs: Any) -> Client:
    return Client(base_url=provider.url, token="valid-token", **kwargs)


def new_person(provider: Provider, name: str = "Vic Viewer") -> tuple[str, str]:
    """Sign up someone new; returns (email, token)."""
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    session = provider.sign_up(name=name, email=email)
    return email, session.token


def jane_token(provider: Provider, world: dict[str, Any]) -> str:
    with Client(base_url=provider.url) as anonymous:
        return anonymous.auth.token(
            email=world["jane_email"], password=world["jane_password"]
        ).token


def invite_and_join(provider: Provider, project_id: str, token: str, role: str) -> None:
    """John invites the token's user, who accepts the invitation by id."""
    with Client(base_url=provider.url, token=token) as person:
        email = person.me().email
        with john(provider) as owner:
            owner.projects.invite(project_id, email=email, role=role)
        (offer,) = person.invitations.list()
        person.invitations.accept(invitation_id=offer.id)


def test_sign_in_and_me(provider: Provider) -> None:
    world = provider.state("feedback exists")
    with Client(base_url=provider.url) as anonymous:
        session = anonymous.auth.token(email=world["jane_email"], password=world["jane_password"])
    assert session.user.id == world["jane_id"]
    assert session.user.name == "Jane Doe"
    with Client(base_url=provider.url, token=session.token) as jane:
        assert jane.me() == session.user


def test_register_gives_a_working_token(provider: Provider) -> None:
    provider.state("user is authenticated")
    email, token = new_person(provider, name="Nora New")
    with Client(base_url=provider.url, token=token) as nora:
        me = nora.me()
    assert (me.name, me.email) == ("Nora New", email)


def test_sign_up_answers_the_same_for_a_taken_address(provider: Provider) -> None:
    provider.state("user is authenticated")
    with Client(base_url=provider.url) as anonymous:
        assert (
            anonymous.auth.register(name="J", email="john@example.com", password="pw-123456789")
            is None
        )
        with pytest.raises(ValidationFailed) as used:
            anonymous.auth.verify_email(key="not-a-key-that-was-sent", password="whatever-it-was")
    assert list(used.value.details) == ["key"]


def test_tokens_are_listed_revoked_and_signed_out(provider: Provider) -> None:
    provider.state("the user has another token")
    with john(provider) as client:
        tokens = client.auth.list_tokens()
        assert sorted((t.name, t.current) for t in tokens) == [("laptop", False), ("pact", True)]
        laptop = next(t for t in tokens if not t.current)
        assert laptop.last_used_at is None and laptop.expires_at > laptop.created_at
        client.auth.revoke_token(laptop.id)
        assert [t.name for t in client.auth.list_tokens()] == ["pact"]
        with pytest.raises(NotFound):
            client.auth.revoke_token(laptop.id)
        client.auth.sign_out()
        with pytest.raises(Unauthorized):
            client.me()


def test_projects_members_and_videos(provider: Provider) -> None:
    world = provider.state("feedback exists")
    with john(provider) as client:
        (existing,) = client.projects.list()
        assert (existing.id, existing.role) == (world["project_id"], "owner")
        assert client.projects.get(existing.id) == existing

        project = client.projects.create(name="Trailer cut")
        assert (project.name, project.role) == ("Trailer cut", "owner")
        assert {p.id for p in client.projects.list()} == {existing.id, project.id}

        sent = client.projects.invite(project.id, email=world["jane_email"], role="editor")
        assert [i.id for i in client.projects.invitations(project.id)] == [sent.id]
        assert {m.user.name for m in client.projects.members(project.id)} == {"John Doe"}
        with Client(base_url=provider.url, token=jane_token(provider, world)) as jane:
            (offer,) = [i for i in jane.invitations.list() if i.project.id == project.id]
            assert (offer.role, offer.project.name) == ("editor", "Trailer cut")
            joined = jane.invitations.accept(invitation_id=offer.id)
            assert (joined.id, joined.role) == (project.id, "editor")
            jane.projects.leave(project.id)
        assert client.projects.invitations(project.id) == []
        roles = {m.user.name: m.role for m in client.projects.members(project.id)}
        assert roles == {"John Doe": "owner"}
        declined = client.projects.invite(project.id, email="nobody-yet@example.com", role="viewer")
        client.projects.revoke_invitation(project.id, declined.id)
        assert client.projects.invitations(project.id) == []

        video = client.videos.create(
            project_id=uuid.UUID(project.id), title="Cut 1", url="https://example.com/c1.mp4",
            duration=90.0,
        )  # fmt: skip
        assert (video.project_id, video.duration, video.created_at.tzinfo is not None) == (
            project.id, 90.0, True,
        )  # fmt: skip
        assert client.videos.get(video.id) == video
        assert client.videos.list(project_id=project.id) == [video]


def test_create_feedback_with_a_png_screenshot_and_a_drawing(
    provider: Provider, make_image: Callable[..., bytes], drawing: dict[str, Any]
) -> None:
    world = provider.state("user is authenticated")
    png = make_image("PNG")
    with john(provider) as client:
        feedback = client.feedbacks.create(
            video_id=world["video_id"], timestamp=30.5, timestamp_end=32.0,
            content="Button alignment issue", screenshot=png, drawing_data=drawing,
            priority="high",
        )  # fmt: skip
    assert (feedback.timestamp, feedback.timestamp_end, feedback.priority, feedback.status) == (
        30.5, 32.0, "high", "open",
    )  # fmt: skip
    assert feedback.drawing_data == drawing
    assert feedback.user.name == "John Doe"
    assert feedback.screenshot_url is not None and feedback.screenshot_url.endswith(".png")
    # The screenshot the server serves is the picture that was sent.
    assert httpx.get(feedback.screenshot_url).content == png


def test_create_feedback_with_a_data_url_string(
    provider: Provider, make_image: Callable[..., bytes]
) -> None:
    world = provider.state("user is authenticated")
    data_url = "data:image/jpeg;base64," + base64.b64encode(make_image("JPEG")).decode()
    with john(provider) as client:
        feedback = client.feedbacks.create(
            video_id=world["video_id"], timestamp=1, content="JPEG", screenshot=data_url
        )
    assert feedback.screenshot_url is not None and feedback.screenshot_url.endswith(".jpg")
    assert feedback.priority == "medium"


def test_list_follows_every_page_in_timestamp_order(provider: Provider) -> None:
    world = provider.state("video has feedbacks")  # one at 30.5 s
    transport = CountingTransport()
    with john(provider, transport=transport) as client:
        client.feedbacks.create(video_id=world["video_id"], timestamp=60, content="Late")
        client.feedbacks.create(video_id=world["video_id"], timestamp=10, content="Early")
        transport.urls.clear()
        listed = list(client.feedbacks.list(video_id=world["video_id"], page_size=1))
    assert [(f.timestamp, f.content) for f in listed] == [
        (10.0, "Early"), (30.5, "Sample feedback"), (60.0, "Late"),
    ]  # fmt: skip
    assert len(transport.urls) == 3  # one request per page of one
    assert all("cursor=" in url for url in transport.urls[1:])


def test_list_filters(provider: Provider) -> None:
    world = provider.state("video has feedbacks")  # 30.5 s, medium, open
    video = world["video_id"]
    with john(provider) as client:
        high = client.feedbacks.create(video_id=video, timestamp=5, content="A", priority="high")
        done = client.feedbacks.create(video_id=video, timestamp=90, content="B")
        client.feedbacks.update(done.id, status="resolved")

        def ids(**filters: Any) -> list[str]:
            return [f.id for f in client.feedbacks.list(video_id=video, **filters)]

        assert ids(priority="high") == [high.id]
        assert ids(status="resolved") == [done.id]
        assert ids(time_from=20, time_to=60) == [world["feedback_id"]]
        assert len(ids(status="open", page_size=2)) == 2


def test_get_update_and_delete(provider: Provider) -> None:
    world = provider.state("video has feedbacks")
    with john(provider) as client:
        feedback = client.feedbacks.get(world["feedback_id"])
        assert isinstance(feedback, Feedback) and feedback.content == "Sample feedback"

        resolved = client.feedbacks.update(feedback.id, status="resolved")
        assert (resolved.status, resolved.priority, resolved.content) == (
            "resolved", "medium", "Sample feedback",
        )  # fmt: skip
        edited = client.feedbacks.update(feedback.id, content="Fixed in cut 2", priority="low")
        assert (edited.status, edited.priority, edited.content) == (
            "resolved", "low", "Fixed in cut 2",
        )  # fmt: skip
        assert edited.updated_at >= feedback.updated_at

        client.feedbacks.delete(feedback.id)
        with pytest.raises(NotFound) as caught:
            client.feedbacks.get(feedback.id)
        assert caught.value.code == "not_found"
        assert list(client.feedbacks.list(video_id=world["video_id"])) == []


def test_comments_replies_and_mentions(provider: Provider) -> None:
    world = provider.state("feedback exists")  # Jane's comment ...440003 on the feedback
    with john(provider) as client:
        comment = client.comments.create(
            feedback_id=world["feedback_id"], content="@Jane see 0:30", mentions=[world["jane_id"]]
        )
        assert comment.parent_id is None
        assert [(m.id, m.name) for m in comment.mentions] == [(world["jane_id"], "Jane Doe")]
        reply = client.comments.reply(
            parent_id=world["parent_id"], feedback_id=world["feedback_id"], content="Top left."
        )
        assert (reply.parent_id, reply.user.name) == (world["parent_id"], "John Doe")
        listed = client.comments.list(feedback_id=world["feedback_id"])
    # Replies come right after their parent.
    assert [c.id for c in listed] == [world["parent_id"], reply.id, comment.id]
    assert listed[1] == reply


def test_comments_list_follows_every_page(provider: Provider) -> None:
    world = provider.state("feedback exists")
    transport = CountingTransport()
    with john(provider, transport=transport) as client:
        first = client.comments.create(feedback_id=world["feedback_id"], content="Second thread")
        reply = client.comments.reply(
            parent_id=world["parent_id"], feedback_id=world["feedback_id"], content="Reply"
        )
        transport.urls.clear()
        listed = client.comments.list(feedback_id=world["feedback_id"], page_size=1)
    assert [c.id for c in listed] == [world["parent_id"], reply.id, first.id]
    assert len(transport.urls) == 3  # one request per page of one
    assert all("cursor=" in url for url in transport.urls[1:])


def test_reactions_add_and_remove(provider: Provider) -> None:
    world = provider.state("comment exists")
    comment_id, john_id = world["comment_id"], world["user_id"]
    with john(provider) as client:
        assert client.reactions.add(comment_id, "👍") == {"👍": [john_id]}
        assert client.reactions.add(comment_id, "👍") == {"👍": [john_id]}  # a no-op
        both = client.reactions.add(comment_id, "👍🏽")  # a sequence, percent-encoded on removal
        assert both == {"👍": [john_id], "👍🏽": [john_id]}
        assert client.reactions.remove(comment_id, "👍🏽") == {"👍": [john_id]}
        (listed,) = client.comments.list(feedback_id=world["feedback_id"])
        assert listed.reactions == {"👍": [john_id]}
        assert client.reactions.remove(comment_id, "👍") == {}


def test_unknown_feedback_is_not_found(provider: Provider) -> None:
    provider.state("user is authenticated")
    with john(provider) as client, pytest.raises(NotFound) as caught:
        client.feedbacks.get(uuid.uuid4())
    assert (caught.value.status, caught.value.code, caught.value.details) == (404, "not_found", {})


def test_a_bad_token_is_unauthorized(provider: Provider) -> None:
    provider.state("user is authenticated")
    with (
        Client(base_url=provider.url, token="not-a-token") as client,
        pytest.raises(Unauthorized) as caught,
    ):
        client.me()
    assert caught.value.code == "authentication_failed"
    with Client(base_url=provider.url) as anonymous, pytest.raises(Unauthorized) as caught:
        anonymous.auth.token(email="john@example.com", password="wrong-password")
    assert caught.value.status == 401


def test_an_invalid_priority_fails_validation_with_details(provider: Provider) -> None:
    world = provider.state("user is authenticated")
    with john(provider) as client, pytest.raises(ValidationFailed) as caught:
        client.feedbacks.create(
            video_id=world["video_id"], timestamp=3, content="c", priority="urgent"
        )
    # `make provider` enforces the OpenAPI document, as production does.
    assert caught.value.code == "contract_violation"
    assert list(caught.value.details) == ["priority"]
    assert caught.value.details["priority"]  # the server's explanation


def test_a_viewer_may_read_but_not_post(provider: Provider) -> None:
    world = provider.state("video has feedbacks")
    _, token = new_person(provider)
    invite_and_join(provider, world["project_id"], token, "viewer")
    with Client(base_url=provider.url, token=token) as viewer:
        assert [f.id for f in viewer.feedbacks.list(video_id=world["video_id"])] == [
            world["feedback_id"]
        ]
        with pytest.raises(PermissionDenied) as caught:
            viewer.feedbacks.create(video_id=world["video_id"], timestamp=1, content="Nope")
    assert (caught.value.status, caught.value.code) == (403, "permission_denied")
