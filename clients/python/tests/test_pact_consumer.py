"""The SDK's consumer contracts: every SDK call and every room message, as Pact.

Each interaction is declared with a provider state and flexible matchers (types and
formats rather than values, docs/contract-testing.md §8.1), then exercised through the real SDK against
Pact's mock server, so the pact says exactly what this SDK sends and relies on. Each
HTTP interaction records the SDK method it covers (comment ``sdk_method``); error
cases (401, 404, 400) are contracts too.

One test per interaction (a function-scoped ``pact``): each writes its interaction alone
and fails when it differs from that interaction in the committed ``pacts/``, so the
committed contract is always what the SDK's tests produce. With ``$PACT_OUTPUT_DIR``
(``make consumer-pacts`` sets it to ``pacts/``) the module starts both files afresh
there and every test merges its interaction in (Pact keeps them sorted by description).

    VideoPlanet-Python-SDK-VideoPlanet-Backend.json           HTTP (seed names)
    VideoPlanet-Python-SDK-VideoPlanet-Backend-Realtime.json  room messages
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pact import Pact, match
from PIL import Image
from videoplanet_client import (
    BadRequest,
    Client,
    CommentAdded,
    ErrorEvent,
    FeedbackCreated,
    FeedbackDeleted,
    FeedbackUpdated,
    NotFound,
    Pong,
    PresenceSnapshot,
    ReactionUpdated,
    Unauthorized,
    UserJoined,
    UserLeft,
    ValidationFailed,
    VideoUpdated,
    VideoVersionAdded,
)
from videoplanet_client._events import parse_event

CONSUMER = "VideoPlanet-Python-SDK"
PROVIDER = "VideoPlanet-Backend"
PROVIDER_REALTIME = "VideoPlanet-Backend-Realtime"
COMMITTED = Path(__file__).resolve().parents[3] / "pacts"

FEEDBACK_ID = "550e8400-e29b-41d4-a716-446655440000"
VIDEO_ID = "550e8400-e29b-41d4-a716-446655440001"
JOHN_ID = "550e8400-e29b-41d4-a716-446655440002"
PARENT_COMMENT_ID = "550e8400-e29b-41d4-a716-446655440003"
COMMENT_ID = "550e8400-e29b-41d4-a716-446655440004"
JANE_ID = "550e8400-e29b-41d4-a716-446655440005"
PROJECT_ID = "550e8400-e29b-41d4-a716-446655440010"
JANES_PROJECT_ID = "550e8400-e29b-41d4-a716-446655440011"
INVITATION_ID = "550e8400-e29b-41d4-a716-446655440020"
ADA_INVITATION_ID = "550e8400-e29b-41d4-a716-446655440021"
INVITATION_KEY = "vpi_pact-invitation-key"
UNKNOWN_ID = "550e8400-e29b-41d4-a716-446655449999"
TOKEN = "valid-token"
OTHER_TOKEN_ID = 4242
SIGNUP_KEY = "pending-signup-key"
SIGNUP_PASSWORD = "a-long-passphrase-1"  # the pending sign-up's, in that provider state

ISO8601 = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
UTC_Z = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"
SCREENSHOT_URL = r"^https?://.*\.(jpg|jpeg|png|webp)$"
EMAIL = r"^[\w.-]+@[\w.-]+\.\w+$"
PRIORITY = r"^(low|medium|high|critical)$"
STATUS = r"^(open|in_progress|resolved|closed)$"
ROLE = r"^(owner|editor|reviewer|viewer)$"
BEARER = r"^Bearer .+$"
TIMECODE = r"^\d{2,}:[0-5]\d:[0-5]\d[:;]\d{2,3}$"
VIDEO_STATUS = r"^(processing|ready|failed)$"
RATIONAL = r"^[1-9][0-9]*(/[1-9][0-9]*)?$"
VIDEO_V2_ID = "550e8400-e29b-41d4-a716-446655440031"
UPLOAD_ID = "550e8400-e29b-41d4-a716-446655440032"
UPLOADED_VIDEO_ID = "550e8400-e29b-41d4-a716-446655440033"
# What the upload interactions send: its bytes are the contract, not a video (only the
# "every byte" state's file is probed).
UPLOAD_BYTES = bytes(range(256)) * 4

Consume = Callable[[str], None]
Declare = Callable[[Pact], Consume]


def tiny_webp() -> bytes:
    """A real image: the provider decodes every screenshot (the seed's ``UklGRg...``
    placeholder is truncated and no real server accepts it)."""
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (255, 0, 0)).save(buffer, format="WEBP", lossless=True)
    return buffer.getvalue()


SCREENSHOT = "data:image/webp;base64," + base64.b64encode(tiny_webp()).decode()
DRAWING = {
    "shapes": [
        {
            "type": "rectangle",
            "coordinates": [100, 100, 200, 200],
            "style": {"color": "#FF0000", "width": 2},
        }
    ]
}


def when(example: str = "2025-08-24T10:00:00Z") -> Any:
    return match.regex(example, regex=ISO8601)


def user(
    uid: str = JOHN_ID, name: str = "John Doe", email: str = "john@example.com"
) -> dict[str, Any]:
    return {
        "id": match.uuid(uid),
        "name": match.like(name),
        "email": match.regex(email, regex=EMAIL),
    }


def feedback(**overrides: Any) -> dict[str, Any]:
    body = {
        "id": match.uuid(FEEDBACK_ID),
        "video_id": match.uuid(VIDEO_ID),
        "timestamp": match.like(30.5),
        "timestamp_end": None,
        # the provider's video runs at 24 fps: 30.5 s is frame 732
        "frame": match.integer(732),
        "timecode": match.regex("00:00:30:12", regex=TIMECODE),
        "frame_end": None,
        "timecode_end": None,
        "content": match.like("Sample feedback"),
        "screenshot_url": None,
        "drawing_data": None,
        "priority": match.regex("medium", regex=PRIORITY),
        "status": match.regex("open", regex=STATUS),
        "user": user(),
        "created_at": when(),
        "updated_at": when(),
    }
    body.update(overrides)
    return body


def project() -> dict[str, Any]:
    return {
        "id": match.uuid(PROJECT_ID),
        "name": match.like("Pact Test Project"),
        "role": match.regex("owner", regex=ROLE),
        "created_at": when(),
    }


def video(**overrides: Any) -> dict[str, Any]:
    body = {
        "id": match.uuid(VIDEO_ID),
        "project_id": match.uuid(PROJECT_ID),
        "title": match.like("Pact Test Video"),
        "url": match.like("https://example.com/video.mp4"),
        "duration": match.like(120.0),
        "status": match.regex("ready", regex=VIDEO_STATUS),
        "playback_url": match.like("https://example.com/video.mp4"),
        "stack_id": match.uuid(VIDEO_ID),
        "version": match.integer(1),
        "created_at": when(),
    }
    body.update(overrides)
    return body


def comment(**overrides: Any) -> dict[str, Any]:
    body = {
        "id": match.uuid(COMMENT_ID),
        "feedback_id": match.uuid(FEEDBACK_ID),
        "parent_id": None,
        "content": match.like("Sample comment"),
        "user": match.like({"id": match.uuid(JANE_ID), "name": "Jane Doe"}),
        "mentions": [],
        "reactions": match.like({}),
        "created_at": when("2025-08-24T10:30:00Z"),
        "updated_at": when("2025-08-24T10:30:00Z"),
    }
    body.update(overrides)
    return body


def error(code: str, details: Any = None) -> dict[str, Any]:
    return {
        "code": code,
        "message": match.like("What went wrong, for people."),
        "details": details if details is not None else match.like({}),
    }


def request(
    pact: Pact,
    sdk_method: str,
    description: str,
    state: str,
    method: str,
    path: str,
    *,
    body: Any = None,
    query: dict[str, str] | None = None,
    token: str | None = TOKEN,
) -> Any:
    """Declare a request; the caller adds the response."""
    interaction = pact.upon_receiving(description).given(state).with_request(method, path)
    interaction.set_comment("sdk_method", sdk_method)
    if token is not None:
        example = f"Bearer {token}"
        value = match.regex(example, regex=BEARER) if token == TOKEN else example
        interaction.with_header("Authorization", value)
    for name, value in (query or {}).items():
        interaction.with_query_parameter(name, value)
    if body is not None:
        interaction.with_body(body, content_type="application/json")
    return interaction


def respond(interaction: Any, status: int, body: Any = None) -> None:
    interaction.will_respond_with(status)
    if body is not None:
        interaction.with_header("Content-Type", "application/json")
        interaction.with_body(body, content_type="application/json")


def client(url: str, token: str | None = TOKEN) -> Client:
    return Client(base_url=url, token=token, retries=0)


# -- the seed's four interactions (§2.1) ---------------------------------------------------


def create_feedback(pact: Pact) -> Consume:
    expected = feedback(
        content=match.like("Button alignment issue"),
        screenshot_url=match.regex(
            "https://cdn.example.com/screenshots/abc123.webp", regex=SCREENSHOT_URL
        ),
        drawing_data=match.like(
            {
                "shapes": match.each_like(
                    {
                        "type": "rectangle",
                        "coordinates": [100, 100, 200, 200],
                        "style": {
                            "color": match.regex("#FF0000", regex=r"^#[0-9A-F]{6}$"),
                            "width": match.like(2),
                        },
                    },
                    min=1,
                )
            }
        ),
        status="open",
    )
    body = {
        "video_id": match.uuid(VIDEO_ID),
        "timestamp": 30.5,
        "content": "Button alignment issue",
        "screenshot": match.like(SCREENSHOT),
        "drawing_data": DRAWING,
        "priority": "medium",
    }
    respond(
        request(pact, "feedbacks.create", "a request to create feedback with timestamp",
                "user is authenticated", "POST", "/api/v1/feedbacks", body=body),
        201, expected,
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            result = api.feedbacks.create(
                video_id=VIDEO_ID, timestamp=30.5, content="Button alignment issue",
                screenshot=tiny_webp(), drawing_data=DRAWING, priority="medium",
            )  # fmt: skip
        assert result.id
        assert result.timestamp == 30.5
        assert result.status == "open"
        assert result.screenshot_url is not None and result.screenshot_url.endswith(".webp")

    return consume


def create_feedback_at_frame(pact: Pact) -> Consume:
    body = {"video_id": match.uuid(VIDEO_ID), "frame": 732, "content": "Flash frame"}
    respond(
        request(pact, "feedbacks.create", "a request to create feedback at a frame",
                "user is authenticated", "POST", "/api/v1/feedbacks", body=body),
        201, feedback(content=match.like("Flash frame")),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            result = api.feedbacks.create(video_id=VIDEO_ID, frame=732, content="Flash frame")
        assert (result.frame, result.timecode) == (732, "00:00:30:12")
        assert result.timestamp == 30.5

    return consume


def list_feedbacks(pact: Pact) -> Consume:
    item = {
        "id": match.uuid(FEEDBACK_ID),
        "video_id": match.uuid(VIDEO_ID),
        "timestamp": match.like(30.5),
        "content": match.like("Feedback content"),
        "status": match.regex("open", regex=STATUS),
    }
    respond(
        request(pact, "feedbacks.list", "a request to list feedbacks", "video has feedbacks",
                "GET", "/api/v1/feedbacks", query={"video_id": VIDEO_ID}),
        200, match.each_like(feedback(**item), min=1),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            feedbacks = list(api.feedbacks.list(video_id=VIDEO_ID))
        assert len(feedbacks) == 1
        assert feedbacks[0].video_id == VIDEO_ID

    return consume


def reply_to_comment(pact: Pact) -> Consume:
    body = {
        "feedback_id": match.uuid(FEEDBACK_ID),
        "parent_id": match.uuid(PARENT_COMMENT_ID),
        "content": "This is a reply",
        "mentions": [match.uuid(JOHN_ID)],
    }
    expected = comment(
        parent_id=match.uuid(PARENT_COMMENT_ID),
        content="This is a reply",
        mentions=match.each_like({"id": match.uuid(JOHN_ID), "name": "John Doe"}, min=1),
    )
    respond(
        request(pact, "comments.reply", "a request to add comment to feedback", "feedback exists",
                "POST", "/api/v1/comments", body=body),
        201, expected,
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            result = api.comments.reply(
                parent_id=PARENT_COMMENT_ID,
                feedback_id=FEEDBACK_ID,
                content="This is a reply",
                mentions=[JOHN_ID],
            )
        assert result.parent_id == PARENT_COMMENT_ID
        assert len(result.mentions) == 1

    return consume


def add_reaction(pact: Pact) -> Consume:
    respond(
        request(pact, "reactions.add", "a request to add reaction", "comment exists", "POST",
                f"/api/v1/comments/{COMMENT_ID}/reactions", body={"emoji": "👍"}),
        200, {"success": True, "reactions": {"👍": [match.uuid(JANE_ID)]}},
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            reactions = api.reactions.add(COMMENT_ID, "👍")
        assert len(reactions["👍"]) == 1

    return consume


# -- the rest of the SDK -------------------------------------------------------------------


def sign_in(pact: Pact) -> Consume:
    respond(
        request(pact, "auth.token", "a request to sign in", "user is authenticated", "POST",
                "/api/v1/auth/token", body={"email": "john@example.com", "password": "john-password-1"},
                token=None),
        200, {"token": match.like("vp_an-api-token"), "user": user()},
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url, token=None) as api:
            session = api.auth.token(email="john@example.com", password="john-password-1")
        assert session.token and session.user.email == "john@example.com"

    return consume


def sign_up(pact: Pact) -> Consume:
    body = {"name": "Grace Hopper", "email": "grace@example.com", "password": "a-long-passphrase-1"}
    respond(
        request(pact, "auth.register", "a request to sign up", "user is authenticated", "POST",
                "/api/v1/auth/register", body=body, token=None),
        202, {"email": match.regex("grace@example.com", regex=EMAIL), "message": match.like("Follow the link.")},
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url, token=None) as api:
            result = api.auth.register(
                name="Grace Hopper", email="grace@example.com", password="a-long-passphrase-1"
            )
        assert result is None

    return consume


def verify_email(pact: Pact) -> Consume:
    respond(
        request(pact, "auth.verify_email", "a request to finish signing up", "a sign-up is pending",
                "POST", "/api/v1/auth/verify", body={"key": SIGNUP_KEY, "password": SIGNUP_PASSWORD},
                token=None),
        201, {"token": match.like("vp_an-api-token"), "user": user(JANE_ID, "Grace Hopper", "grace@example.com")},
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url, token=None) as api:
            session = api.auth.verify_email(key=SIGNUP_KEY, password=SIGNUP_PASSWORD)
        assert session.token and session.user.name == "Grace Hopper"

    return consume


def sign_out(pact: Pact) -> Consume:
    respond(
        request(pact, "auth.sign_out", "a request to sign out", "user is authenticated", "DELETE",
                "/api/v1/auth/token"),
        204,
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            assert api.auth.sign_out() is None

    return consume


def list_tokens(pact: Pact) -> Consume:
    token = {
        "id": match.int(1),
        "name": match.like("pact"),
        "created_at": when(),
        "last_used_at": when(),
        "expires_at": when("2025-09-23T10:00:00Z"),
        "current": match.boolean(True),
    }
    respond(
        request(pact, "auth.list_tokens", "a request for my API tokens", "user is authenticated", "GET",
                "/api/v1/auth/tokens"),
        200, match.each_like(token, min=1),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            (token,) = api.auth.list_tokens()
        assert token.current and token.expires_at > token.created_at

    return consume


def revoke_token(pact: Pact) -> Consume:
    respond(
        request(pact, "auth.revoke_token", "a request to revoke one of my tokens",
                "the user has another token", "DELETE", f"/api/v1/auth/tokens/{OTHER_TOKEN_ID}"),
        204,
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            assert api.auth.revoke_token(OTHER_TOKEN_ID) is None

    return consume


def me(pact: Pact) -> Consume:
    respond(
        request(pact, "me", "a request for the current user", "user is authenticated", "GET", "/api/v1/me"),
        200, {**user(), "is_staff": match.boolean(False)},
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            assert api.me().id == JOHN_ID

    return consume


def list_projects(pact: Pact) -> Consume:
    respond(
        request(pact, "projects.list", "a request to list my projects", "user is authenticated", "GET",
                "/api/v1/projects"),
        200, match.each_like(project(), min=1),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            assert [p.id for p in api.projects.list()] == [PROJECT_ID]

    return consume


def create_project(pact: Pact) -> Consume:
    respond(
        request(pact, "projects.create", "a request to create a project", "user is authenticated", "POST",
                "/api/v1/projects", body={"name": "Trailer"}),
        201, {**project(), "name": "Trailer", "role": "owner"},
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            created = api.projects.create(name="Trailer")
        assert (created.name, created.role) == ("Trailer", "owner")

    return consume


def get_project(pact: Pact) -> Consume:
    respond(
        request(pact, "projects.get", "a request for a project", "user is authenticated", "GET",
                f"/api/v1/projects/{PROJECT_ID}"),
        200, project(),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            assert api.projects.get(PROJECT_ID).id == PROJECT_ID

    return consume


def list_members(pact: Pact) -> Consume:
    respond(
        request(pact, "projects.members", "a request for a project's members", "user is authenticated", "GET",
                f"/api/v1/projects/{PROJECT_ID}/members"),
        200, match.each_like({"user": user(), "role": match.regex("owner", regex=ROLE)}, min=1),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            members = api.projects.members(PROJECT_ID)
        assert members[0].user.id == JOHN_ID

    return consume


def invitation(**overrides: Any) -> dict[str, Any]:
    body = {
        "id": match.uuid(INVITATION_ID),
        "project": {"id": match.uuid(JANES_PROJECT_ID), "name": match.like("Jane's Project")},
        "email": match.regex("john@example.com", regex=EMAIL),
        "role": match.regex("reviewer", regex=ROLE),
        "status": "pending",
        "invited_by": match.like({"id": match.uuid(JANE_ID), "name": "Jane Doe"}),
        "created_at": when(),
        "expires_at": when("2025-08-31T10:00:00Z"),
    }
    body.update(overrides)
    return body


def invite(pact: Pact) -> Consume:
    respond(
        request(pact, "projects.invite", "a request to invite someone by email", "user is authenticated",
                "POST", f"/api/v1/projects/{PROJECT_ID}/invitations",
                body={"email": "ada@example.com", "role": "reviewer"}),
        202, invitation(
            id=match.uuid(ADA_INVITATION_ID),
            project={"id": match.uuid(PROJECT_ID), "name": match.like("Pact Test Project")},
            email="ada@example.com", role="reviewer",
            invited_by=match.like({"id": match.uuid(JOHN_ID), "name": "John Doe"}),
        ),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            sent = api.projects.invite(PROJECT_ID, email="ada@example.com", role="reviewer")
        assert (sent.email, sent.role, sent.project.id) == (
            "ada@example.com",
            "reviewer",
            PROJECT_ID,
        )

    return consume


def list_project_invitations(pact: Pact) -> Consume:
    respond(
        request(pact, "projects.invitations", "a request for a project's pending invitations",
                "invitations are pending", "GET", f"/api/v1/projects/{PROJECT_ID}/invitations"),
        200, match.each_like(invitation(
            id=match.uuid(ADA_INVITATION_ID),
            project={"id": match.uuid(PROJECT_ID), "name": match.like("Pact Test Project")},
            email=match.regex("ada@example.com", regex=EMAIL),
            invited_by=match.like({"id": match.uuid(JOHN_ID), "name": "John Doe"}),
        ), min=1),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            pending = api.projects.invitations(PROJECT_ID)
        assert pending[0].id == ADA_INVITATION_ID

    return consume


def revoke_invitation(pact: Pact) -> Consume:
    respond(
        request(pact, "projects.revoke_invitation", "a request to revoke an invitation",
                "invitations are pending", "DELETE",
                f"/api/v1/projects/{PROJECT_ID}/invitations/{ADA_INVITATION_ID}"),
        204,
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            api.projects.revoke_invitation(PROJECT_ID, ADA_INVITATION_ID)

    return consume


def leave_project(pact: Pact) -> Consume:
    respond(
        request(pact, "projects.leave", "a request to leave a project", "the project has another owner",
                "DELETE", f"/api/v1/projects/{PROJECT_ID}/members/me"),
        204,
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            api.projects.leave(PROJECT_ID)

    return consume


def list_my_invitations(pact: Pact) -> Consume:
    respond(
        request(pact, "invitations.list", "a request for my pending invitations", "invitations are pending",
                "GET", "/api/v1/invitations"),
        200, match.each_like(invitation(), min=1),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            mine = api.invitations.list()
        assert (mine[0].id, mine[0].project.name) == (INVITATION_ID, "Jane's Project")

    return consume


def accept_invitation(pact: Pact) -> Consume:
    respond(
        request(pact, "invitations.accept", "a request to accept an invitation with its key",
                "invitations are pending", "POST", "/api/v1/invitations/accept",
                body={"key": INVITATION_KEY}),
        200, {**project(), "id": match.uuid(JANES_PROJECT_ID), "name": match.like("Jane's Project"),
              "role": "reviewer"},
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            joined = api.invitations.accept(key=INVITATION_KEY)
        assert (joined.id, joined.role) == (JANES_PROJECT_ID, "reviewer")

    return consume


def decline_invitation(pact: Pact) -> Consume:
    respond(
        request(pact, "invitations.decline", "a request to decline an invitation by id",
                "invitations are pending", "POST", f"/api/v1/invitations/{INVITATION_ID}/decline"),
        204,
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            api.invitations.decline(invitation_id=INVITATION_ID)

    return consume


def list_videos(pact: Pact) -> Consume:
    respond(
        request(pact, "videos.list", "a request to list a project's videos", "user is authenticated", "GET",
                "/api/v1/videos", query={"project_id": PROJECT_ID}),
        200, match.each_like(video(), min=1),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            assert [v.id for v in api.videos.list(project_id=PROJECT_ID)] == [VIDEO_ID]

    return consume


def create_video(pact: Pact) -> Consume:
    body = {
        "project_id": match.uuid(PROJECT_ID),
        "title": "Cut 2",
        "url": "https://example.com/cut2.mp4",
        "duration": 90.0,
    }
    respond(
        request(pact, "videos.create", "a request to add a video", "user is authenticated", "POST",
                "/api/v1/videos", body=body),
        201, {**video(), "title": "Cut 2"},
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            created = api.videos.create(
                project_id=PROJECT_ID,
                title="Cut 2",
                url="https://example.com/cut2.mp4",
                duration=90.0,
            )
        assert created.title == "Cut 2"

    return consume


def get_video(pact: Pact) -> Consume:
    respond(
        request(pact, "videos.get", "a request for a video", "user is authenticated", "GET",
                f"/api/v1/videos/{VIDEO_ID}"),
        200, video(),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            assert api.videos.get(VIDEO_ID).id == VIDEO_ID

    return consume


def wait_for_video(pact: Pact) -> Consume:
    signed = r"^https?://.+/media/s/[^/]+/videos/.+"
    ready = video(
        id=match.uuid(UPLOADED_VIDEO_ID), title=match.like("Cut 3"), stack_id=match.uuid(UPLOADED_VIDEO_ID),
        url=match.regex("http://127.0.0.1:8000/media/s/x/videos/v/original.mov", regex=signed),
        playback_url=match.regex("http://127.0.0.1:8000/media/s/x/videos/v/proxy.mp4", regex=signed),
        poster_url=match.regex("http://127.0.0.1:8000/media/s/x/videos/v/poster.webp", regex=signed),
        thumbnails=match.each_like({"time": match.like(0.0), "url": match.regex(
            "http://127.0.0.1:8000/media/s/x/videos/v/thumb-00.webp", regex=signed)}, min=1),
        fps=match.regex("24000/1001", regex=RATIONAL), frame_count=match.integer(12),
        width=match.integer(64), height=match.integer(48), duration=match.like(0.5005),
    )  # fmt: skip
    respond(
        request(pact, "videos.wait", "a request for an uploaded video until it is processed",
                "an uploaded video is ready", "GET", f"/api/v1/videos/{UPLOADED_VIDEO_ID}"),
        200, ready,
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            video = api.videos.wait(UPLOADED_VIDEO_ID, timeout=5, interval=0.1)
        assert video.status == "ready"
        assert video.playback_url is not None and video.fps == "24000/1001"
        assert video.frame_count == 12

    return consume


def list_versions(pact: Pact) -> Consume:
    first = video(status="ready", version=1, stack_id=match.uuid(VIDEO_ID))
    second = video(
        id=match.uuid(VIDEO_V2_ID), title=match.like("Pact Test Video, cut 2"), version=2,
        stack_id=match.uuid(VIDEO_ID),
    )  # fmt: skip
    respond(
        request(pact, "videos.versions", "a request for a video's versions", "video has versions",
                "GET", f"/api/v1/videos/{VIDEO_ID}/versions"),
        200, [first, second],
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            versions = api.videos.versions(VIDEO_ID)
        assert [(v.id, v.version) for v in versions] == [(VIDEO_ID, 1), (VIDEO_V2_ID, 2)]
        assert versions[0].stack_id == versions[1].stack_id

    return consume


def upload_video(pact: Pact) -> Consume:
    upload = {
        "id": match.uuid(UPLOAD_ID),
        "project_id": match.uuid(PROJECT_ID),
        "title": match.like("Cut 3"),
        "filename": match.like("cut3.mp4"),
        "size": len(UPLOAD_BYTES),
        "created_at": when(),
    }
    body = {"project_id": match.uuid(PROJECT_ID), "title": "Cut 3", "filename": "cut3.mp4",
            "size": len(UPLOAD_BYTES)}  # fmt: skip
    respond(
        request(pact, "videos.upload", "a request to start uploading a video file",
                "user is authenticated", "POST", "/api/v1/uploads", body=body),
        201, {**upload, "offset": 0},
    )  # fmt: skip
    part = request(
        pact, "videos.upload", "a request to send a part of a video file", "an upload has started",
        "PATCH", f"/api/v1/uploads/{UPLOAD_ID}",
        query={"offset": "0", "sha256": hashlib.sha256(UPLOAD_BYTES).hexdigest()},
    )  # fmt: skip
    part.with_binary_body(UPLOAD_BYTES, content_type="application/octet-stream")
    respond(part, 200, {**upload, "offset": len(UPLOAD_BYTES)})
    processing = video(
        id=match.uuid(UPLOADED_VIDEO_ID), title=match.like("Cut 3"),
        url=match.regex("https://example.com/media/s/x/original.mp4", regex=r"^https?://.+$"),
        status="processing", playback_url=None, stack_id=match.uuid(UPLOADED_VIDEO_ID),
        fps=match.regex("24000/1001", regex=RATIONAL), frame_count=match.integer(12),
        width=match.integer(64), height=match.integer(48),
    )  # fmt: skip
    respond(
        request(pact, "videos.upload", "a request to finish uploading a video file",
                "an upload has every byte", "POST", f"/api/v1/uploads/{UPLOAD_ID}/complete"),
        201, processing,
    )  # fmt: skip

    def consume(url: str) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "cut3.mp4"
            path.write_bytes(UPLOAD_BYTES)
            with client(url) as api:
                created = api.videos.upload(project_id=PROJECT_ID, path=path, title="Cut 3")
        assert created.status == "processing"
        assert created.fps == "24000/1001"

    return consume


def get_feedback(pact: Pact) -> Consume:
    respond(
        request(pact, "feedbacks.get", "a request for one feedback", "video has feedbacks", "GET",
                f"/api/v1/feedbacks/{FEEDBACK_ID}"),
        200, feedback(),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            assert api.feedbacks.get(FEEDBACK_ID).timestamp == 30.5

    return consume


def update_feedback(pact: Pact) -> Consume:
    respond(
        request(pact, "feedbacks.update", "a request to resolve feedback", "video has feedbacks", "PATCH",
                f"/api/v1/feedbacks/{FEEDBACK_ID}", body={"status": "resolved"}),
        200, feedback(status="resolved"),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            assert api.feedbacks.update(FEEDBACK_ID, status="resolved").status == "resolved"

    return consume


def delete_feedback(pact: Pact) -> Consume:
    respond(
        request(pact, "feedbacks.delete", "a request to delete feedback", "video has feedbacks", "DELETE",
                f"/api/v1/feedbacks/{FEEDBACK_ID}"),
        204,
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            api.feedbacks.delete(FEEDBACK_ID)

    return consume


def create_comment(pact: Pact) -> Consume:
    body = {"feedback_id": match.uuid(FEEDBACK_ID), "content": "Looks off by a frame"}
    respond(
        request(pact, "comments.create", "a request to comment on feedback", "feedback exists", "POST",
                "/api/v1/comments", body=body),
        201, comment(content="Looks off by a frame", user=match.like({"id": match.uuid(JOHN_ID), "name": "John Doe"})),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            created = api.comments.create(feedback_id=FEEDBACK_ID, content="Looks off by a frame")
        assert created.parent_id is None

    return consume


def list_comments(pact: Pact) -> Consume:
    respond(
        request(pact, "comments.list", "a request for a feedback's comments", "comment exists", "GET",
                "/api/v1/comments", query={"feedback_id": FEEDBACK_ID}),
        200, match.each_like(comment(), min=1),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            comments = api.comments.list(feedback_id=FEEDBACK_ID)
        assert comments[0].id == COMMENT_ID

    return consume


def remove_reaction(pact: Pact) -> Consume:
    respond(
        request(pact, "reactions.remove", "a request to remove my reaction", "comment has a reaction", "DELETE",
                f"/api/v1/comments/{COMMENT_ID}/reactions/%F0%9F%91%8D"),
        200, {"success": True, "reactions": match.like({})},
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            assert api.reactions.remove(COMMENT_ID, "👍") == {}

    return consume


def create_realtime_ticket(pact: Pact) -> Consume:
    respond(
        request(pact, "realtime.create_ticket", "a request for a ticket to a video's live room",
                "user is authenticated", "POST", "/api/v1/realtime/tickets",
                body={"video_id": match.uuid(VIDEO_ID)}),
        201, {"ticket": match.like("a3Jv5mYq0Qe2Xw8Jt1bN9sLc7uHd4oZk6iPf0gRy2VE"), "expires_at": when()},
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api:
            ticket = api.realtime.create_ticket(video_id=VIDEO_ID)
        assert ticket.ticket
        assert ticket.expires_at.tzinfo is not None

    return consume


HTTP_INTERACTIONS: list[Declare] = [
    create_feedback, create_feedback_at_frame, list_feedbacks, reply_to_comment, add_reaction,
    sign_in, sign_up, verify_email, sign_out, list_tokens, revoke_token,
    me, list_projects, create_project, get_project, list_members, invite,
    list_project_invitations, revoke_invitation, leave_project, list_my_invitations, accept_invitation,
    decline_invitation, list_videos, create_video, get_video, get_feedback, update_feedback, delete_feedback,
    create_comment, list_comments, remove_reaction, create_realtime_ticket,
    wait_for_video, list_versions, upload_video,
]  # fmt: skip


# -- errors are contracts too (served on their own, so no request can match two) -----------


def unauthorized(pact: Pact) -> Consume:
    respond(
        request(pact, "me", "a request with an invalid token", "user is authenticated", "GET", "/api/v1/me",
                token="invalid-token"),
        401, error("authentication_failed"),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url, token="invalid-token") as api, pytest.raises(Unauthorized) as raised:
            api.me()
        assert raised.value.code == "authentication_failed"

    return consume


def not_found(pact: Pact) -> Consume:
    respond(
        request(pact, "feedbacks.get", "a request for feedback that does not exist", "user is authenticated",
                "GET", f"/api/v1/feedbacks/{UNKNOWN_ID}"),
        404, error("not_found"),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api, pytest.raises(NotFound) as raised:
            api.feedbacks.get(UNKNOWN_ID)
        assert raised.value.code == "not_found"

    return consume


def invalid_priority(pact: Pact) -> Consume:
    body = {
        "video_id": match.uuid(VIDEO_ID),
        "timestamp": 30.5,
        "content": "Too loud",
        "priority": "urgent",
    }
    respond(
        request(pact, "feedbacks.create", "a request to create feedback with an invalid priority",
                "user is authenticated", "POST", "/api/v1/feedbacks", body=body),
        400, {
            **error("validation_error", {"priority": match.each_like("must be one of ...", min=1)}),
            # A server that enforces its OpenAPI document answers before the view does.
            "code": match.regex("contract_violation", regex="^(validation_error|contract_violation)$"),
        },
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api, pytest.raises(ValidationFailed) as raised:
            api.feedbacks.create(
                video_id=VIDEO_ID, timestamp=30.5, content="Too loud", priority="urgent"
            )
        assert raised.value.code == "contract_violation"
        assert "priority" in raised.value.details
        assert "priority" in raised.value.details

    return consume


def last_owner_cannot_leave(pact: Pact) -> Consume:
    respond(
        request(pact, "projects.leave", "a request by the last owner to leave a project", "user is authenticated",
                "DELETE", f"/api/v1/projects/{PROJECT_ID}/members/me"),
        400, error("last_owner"),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api, pytest.raises(BadRequest) as raised:
            api.projects.leave(PROJECT_ID)
        assert raised.value.code == "last_owner"

    return consume


def expired_invitation(pact: Pact) -> Consume:
    respond(
        request(pact, "invitations.accept", "a request to accept an expired invitation",
                "an invitation has expired", "POST", "/api/v1/invitations/accept",
                body={"key": INVITATION_KEY}),
        400, error("invitation_expired"),
    )  # fmt: skip

    def consume(url: str) -> None:
        with client(url) as api, pytest.raises(BadRequest) as raised:
            api.invitations.accept(key=INVITATION_KEY)
        assert raised.value.code == "invitation_expired"

    return consume


ERROR_INTERACTIONS: list[Declare] = [
    unauthorized, not_found, invalid_priority, last_owner_cannot_leave, expired_invitation,
]  # fmt: skip


# -- room messages (asynchronous message interactions) -------------------------------------

USER_REF = {"id": match.uuid(JOHN_ID), "name": match.like("John Doe")}


def utc(example: str = "2025-08-24T10:00:00Z") -> Any:
    return match.regex(example, regex=UTC_Z)


MESSAGES: dict[str, tuple[dict[str, Any], type]] = {
    "a feedback.created event": (
        {"type": "feedback.created", "payload": {
            "id": match.uuid(FEEDBACK_ID), "video_id": match.uuid(VIDEO_ID), "timestamp": match.like(30.5),
            "frame": match.integer(732), "timecode": match.regex("00:00:30:12", regex=TIMECODE),
            "content": match.like("Sample feedback"), "user": USER_REF, "created_at": utc()}},
        FeedbackCreated,
    ),
    "a feedback.updated event": (
        {"type": "feedback.updated", "payload": {
            "id": match.uuid(FEEDBACK_ID), "video_id": match.uuid(VIDEO_ID), "changed": match.each_like("status", min=1),
            "status": match.regex("resolved", regex=STATUS), "priority": match.regex("medium", regex=PRIORITY),
            "content": match.like("Sample feedback"), "updated_by": USER_REF, "updated_at": utc()}},
        FeedbackUpdated,
    ),
    "a feedback.deleted event": (
        {"type": "feedback.deleted", "payload": {
            "id": match.uuid(FEEDBACK_ID), "video_id": match.uuid(VIDEO_ID), "deleted_by": USER_REF,
            "deleted_at": utc()}},
        FeedbackDeleted,
    ),
    "a comment.added event for a top-level comment": (
        {"type": "comment.added", "payload": {
            "id": match.uuid(PARENT_COMMENT_ID), "feedback_id": match.uuid(FEEDBACK_ID),
            "content": match.like("Where exactly?"), "user": USER_REF, "mentions": [], "created_at": utc()}},
        CommentAdded,
    ),
    "a comment.added event for a reply": (
        {"type": "comment.added", "payload": {
            "id": match.uuid(COMMENT_ID), "feedback_id": match.uuid(FEEDBACK_ID),
            "parent_id": match.uuid(PARENT_COMMENT_ID), "content": match.like("This is a reply"),
            "user": USER_REF, "mentions": match.each_like(match.uuid(JANE_ID), min=1), "created_at": utc()}},
        CommentAdded,
    ),
    "a reaction.updated event": (
        {"type": "reaction.updated", "payload": {
            "comment_id": match.uuid(COMMENT_ID), "feedback_id": match.uuid(FEEDBACK_ID),
            "reactions": {"👍": match.each_like(match.uuid(JOHN_ID), min=1)}, "user": USER_REF}},
        ReactionUpdated,
    ),
    "a user.joined event": (
        {"type": "user.joined", "payload": {
            "user_id": match.uuid(JOHN_ID), "name": match.like("John Doe"), "joined_at": utc()}},
        UserJoined,
    ),
    "a user.left event": (
        {"type": "user.left", "payload": {"user_id": match.uuid(JOHN_ID), "left_at": utc()}},
        UserLeft,
    ),
    "a presence.snapshot message": (
        {"type": "presence.snapshot", "payload": {"users": match.each_like(
            {"user_id": match.uuid(JOHN_ID), "name": match.like("John Doe"), "joined_at": utc()}, min=1)}},
        PresenceSnapshot,
    ),
    "a pong message": (
        {"type": "pong", "payload": {"id": match.like("ping-1")}},
        Pong,
    ),
    "an error message": (
        {"type": "error", "payload": {
            "code": "invalid_message", "message": match.like("the message does not match the contract"),
            "errors": match.each_like("payload: required", min=1)}},
        ErrorEvent,
    ),
    "a video.updated event for a processed video": (
        {"type": "video.updated", "payload": {
            "id": match.uuid(UPLOADED_VIDEO_ID), "project_id": match.uuid(PROJECT_ID), "status": "ready"}},
        VideoUpdated,
    ),
    "a video.updated event for a video that failed": (
        {"type": "video.updated", "payload": {
            "id": match.uuid(UPLOADED_VIDEO_ID), "project_id": match.uuid(PROJECT_ID), "status": "failed",
            "failure_reason": match.like("The file is not a video, or it is damaged or cut short.")}},
        VideoUpdated,
    ),
    "a video.version_added event": (
        {"type": "video.version_added", "payload": {
            "stack_id": match.uuid(VIDEO_ID), "video_id": match.uuid(VIDEO_V2_ID),
            "version": match.integer(2), "title": match.like("Pact Test Video, cut 2")}},
        VideoVersionAdded,
    ),
}  # fmt: skip


# -- one test per interaction -------------------------------------------------------------
#
# Each test declares its interaction on a fresh pact, exercises the SDK against the mock
# server, writes that pact alone and compares it with the same interaction in the
# committed file, so a broken interaction fails its own test, runnable alone. With
# PACT_OUTPUT_DIR set (`make consumer-pacts`), the module starts both files afresh there
# and each test merges its interaction into them.

HTTP_PACT = f"{CONSUMER}-{PROVIDER}.json"
MESSAGE_PACT = f"{CONSUMER}-{PROVIDER_REALTIME}.json"


@pytest.fixture(scope="module")
def output_dir() -> Path | None:
    """Where the pact files are written, started afresh; None: compared only."""
    configured = os.environ.get("PACT_OUTPUT_DIR")
    if not configured:
        return None
    directory = Path(configured)
    for name in (HTTP_PACT, MESSAGE_PACT):
        (directory / name).unlink(missing_ok=True)
    return directory


@pytest.fixture
def pact() -> Pact:
    return Pact(CONSUMER, PROVIDER).with_specification("V4")


@pytest.fixture
def message_pact() -> Pact:
    return Pact(CONSUMER, PROVIDER_REALTIME).with_specification("V4")


def _interactions(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["interactions"]  # type: ignore[no-any-return]


def _committed(name: str, descriptions: set[str]) -> list[dict[str, Any]]:
    path = COMMITTED / name
    assert path.exists(), f"{path} is missing: run `make consumer-pacts` and commit pacts/"
    return [i for i in _interactions(path) if i["description"] in descriptions]


def _write(pact: Pact, name: str, tmp_path: Path, output_dir: Path | None) -> list[dict[str, Any]]:
    """This pact's interactions, as written; merged into PACT_OUTPUT_DIR's file when set."""
    pact.write_file(tmp_path, overwrite=True)
    if output_dir is not None:
        pact.write_file(output_dir, overwrite=False)
    written = _interactions(tmp_path / name)
    committed = _committed(name, {i["description"] for i in written})
    assert written == committed, (
        f"pacts/{name} differs from what the SDK's tests produce: run `make consumer-pacts` "
        "and commit it"
    )
    return written


@pytest.mark.parametrize(
    "declare", HTTP_INTERACTIONS + ERROR_INTERACTIONS, ids=lambda d: d.__name__
)
def test_http_interaction(
    declare: Declare, pact: Pact, tmp_path: Path, output_dir: Path | None
) -> None:
    consume = declare(pact)
    with pact.serve() as server:
        consume(str(server.url))
    written = _write(pact, HTTP_PACT, tmp_path, output_dir)
    assert all(i["comments"]["sdk_method"] for i in written)


@pytest.mark.parametrize("description", list(MESSAGES))
def test_room_message(
    description: str, message_pact: Pact, tmp_path: Path, output_dir: Path | None
) -> None:
    body, event_type = MESSAGES[description]
    message_pact.upon_receiving(description, "Async").with_body(
        body, content_type="application/json"
    )
    seen: list[type] = []

    def handler(body: Any, metadata: dict[str, Any]) -> None:
        seen.append(type(parse_event(body)))  # the SDK's own parser must accept it

    message_pact.verify(handler, "Async")
    assert seen == [event_type]
    written = _write(message_pact, MESSAGE_PACT, tmp_path, output_dir)
    assert [i["type"] for i in written] == ["Asynchronous/Messages"]


def test_the_committed_pacts_hold_only_these_interactions() -> None:
    """No interaction in pacts/ that no test declares (each test checks its own)."""
    http = _interactions(COMMITTED / HTTP_PACT)
    # videos.upload is three requests (start, a part, finish); every other method one.
    assert len(http) == len(HTTP_INTERACTIONS) + len(ERROR_INTERACTIONS) + 2
    statuses = {i["response"]["status"] for i in http}
    assert {200, 201, 202, 204, 400, 401, 404} <= statuses
    messages = _interactions(COMMITTED / MESSAGE_PACT)
    assert [i["description"] for i in messages] == sorted(MESSAGES)
