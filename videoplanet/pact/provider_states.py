"""Pact provider states: each builds a complete world with the contract's fixed ids.

Every state starts from an empty database, then creates John Doe (token
``valid-token``), a project he owns and the video the consumer pacts name. States add
what their interactions need on top. ``provider_state_apply`` is the one entry point
(the HTTP endpoint and in-process verifiers both use it).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from videoplanet.accounts.models import ApiToken, SignupRequest, User, token_digest
from videoplanet.accounts.services import token_issue
from videoplanet.api.errors import ValidationFailed
from videoplanet.feedback.models import Feedback
from videoplanet.feedback.services import comment_create, feedback_create, reaction_add
from videoplanet.projects.models import Invitation, Membership, Project, Role, Video, VideoStatus
from videoplanet.projects.services import project_create

FEEDBACK_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440000")
VIDEO_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440001")
JOHN_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440002")
PARENT_COMMENT_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440003")
COMMENT_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440004")
JANE_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440005")
ADA_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440006")
PROJECT_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440010")
JANES_PROJECT_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440011")
INVITATION_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440020")  # John, to Jane's project
ADA_INVITATION_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440021")  # Ada, to John's
INVITATION_KEY = "vpi_pact-invitation-key"  # the key of INVITATION_ID's email
VIDEO_V2_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440031")
UPLOAD_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440032")
UPLOADED_VIDEO_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440033")
UPLOAD_SIZE = 1024  # the SDK's upload interactions send 1024 bytes
JOHN_PASSWORD = "john-password-1"  # the contract's documented test account
VALID_TOKEN = "valid-token"
OTHER_TOKEN_ID = 4242  # John's second token ("laptop"), which he may revoke
SIGNUP_KEY = "pending-signup-key"  # the key of Grace Hopper's emailed sign-up link
SIGNUP_PASSWORD = "a-long-passphrase-1"  # and the password she signed up with


def _reset() -> None:
    from videoplanet.media.models import Upload
    from videoplanet.media.services import upload_part_path

    for upload_id in Upload.objects.values_list("id", flat=True):
        upload_part_path(upload_id).unlink(missing_ok=True)
    Project.objects.all().delete()  # cascades to videos, uploads, feedback, comments
    ApiToken.objects.all().delete()
    SignupRequest.objects.all().delete()
    User.objects.all().delete()


def _base_world() -> dict[str, Any]:
    john = User.objects.create_user("john@example.com", JOHN_PASSWORD, id=JOHN_ID, name="John Doe")
    token_issue(user=john, name="pact", key=VALID_TOKEN)
    project_create(user=john, name="Pact Test Project", id=PROJECT_ID)
    Video.objects.create(
        id=VIDEO_ID,
        stack_id=VIDEO_ID,
        project_id=PROJECT_ID,
        title="Pact Test Video",
        url="https://example.com/video.mp4",
        duration=120.0,
        fps="24",
        frame_count=2880,
    )
    return {"user_id": str(JOHN_ID), "project_id": str(PROJECT_ID), "video_id": str(VIDEO_ID)}


def _feedback(content: str = "Sample feedback") -> Feedback:
    john = User.objects.get(id=JOHN_ID)
    return feedback_create(
        user=john, video_id=VIDEO_ID, timestamp=30.5, content=content, id=FEEDBACK_ID
    )


def _jane() -> User:
    jane = User.objects.create_user(
        "jane@example.com", "jane-password-1", id=JANE_ID, name="Jane Doe"
    )
    Membership.objects.create(project_id=PROJECT_ID, user=jane, role=Role.REVIEWER)
    return jane


def user_is_authenticated() -> dict[str, Any]:
    return _base_world()


def video_has_feedbacks() -> dict[str, Any]:
    world = _base_world()
    _feedback()
    return {**world, "feedback_id": str(FEEDBACK_ID)}


def user_only_views_the_project() -> dict[str, Any]:
    """John is a viewer of the project: he reads it, and may not post feedback to it."""
    world = video_has_feedbacks()
    Membership.objects.filter(project_id=PROJECT_ID, user_id=JOHN_ID).update(role=Role.VIEWER)
    return world


def feedback_exists() -> dict[str, Any]:
    world = _base_world()
    _feedback()
    jane = _jane()
    comment_create(
        user=jane, feedback_id=FEEDBACK_ID, content="Where exactly?", id=PARENT_COMMENT_ID
    )
    return {
        **world,
        "feedback_id": str(FEEDBACK_ID),
        "parent_id": str(PARENT_COMMENT_ID),
        "mention_id": str(JOHN_ID),
    }


def comment_exists() -> dict[str, Any]:
    world = _base_world()
    _feedback()
    jane = _jane()
    comment_create(user=jane, feedback_id=FEEDBACK_ID, content="Sample comment", id=COMMENT_ID)
    return {**world, "feedback_id": str(FEEDBACK_ID), "comment_id": str(COMMENT_ID)}


def comment_has_a_reaction() -> dict[str, Any]:
    world = comment_exists()
    reaction_add(user=User.objects.get(id=JOHN_ID), comment_id=COMMENT_ID, emoji="👍")
    return {**world, "emoji": "👍"}


def invitations_are_pending() -> dict[str, Any]:
    """Jane invited John to her project (key INVITATION_KEY); John invited Ada to his."""
    world = _base_world()
    jane = User.objects.create_user(
        "jane@example.com", "jane-password-1", id=JANE_ID, name="Jane Doe"
    )
    janes = Project.objects.create(id=JANES_PROJECT_ID, name="Jane's Project")
    Membership.objects.create(project=janes, user=jane, role=Role.OWNER)
    expires = timezone.now() + timedelta(days=7)
    Invitation.objects.create(
        id=INVITATION_ID,
        project=janes,
        email="john@example.com",
        role=Role.REVIEWER,
        invited_by=jane,
        key_digest=token_digest(INVITATION_KEY),
        expires_at=expires,
    )
    Invitation.objects.create(
        id=ADA_INVITATION_ID,
        project_id=PROJECT_ID,
        email="ada@example.com",
        role=Role.VIEWER,
        invited_by_id=JOHN_ID,
        key_digest=token_digest("vpi_pact-ada-key"),
        expires_at=expires,
    )
    return {
        **world,
        "invitation_id": str(INVITATION_ID),
        "key": INVITATION_KEY,
        "project_invitation_id": str(ADA_INVITATION_ID),
    }


def an_invitation_has_expired() -> dict[str, Any]:
    """Jane's invitation of John (key INVITATION_KEY) expired a day ago."""
    world = invitations_are_pending()
    Invitation.objects.filter(id=INVITATION_ID).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    return world


def project_has_another_owner() -> dict[str, Any]:
    """Jane owns John's project too, so John may leave it."""
    world = _base_world()
    jane = User.objects.create_user(
        "jane@example.com", "jane-password-1", id=JANE_ID, name="Jane Doe"
    )
    Membership.objects.create(project_id=PROJECT_ID, user=jane, role=Role.OWNER)
    return world


def user_has_another_token() -> dict[str, Any]:
    world = _base_world()
    ApiToken.objects.create(
        id=OTHER_TOKEN_ID, user_id=JOHN_ID, name="laptop", digest=token_digest("laptop-token")
    )
    return {**world, "token_id": OTHER_TOKEN_ID}


def sign_up_is_pending() -> dict[str, Any]:
    world = _base_world()
    SignupRequest.objects.create(
        email="grace@example.com",
        name="Grace Hopper",
        password=make_password(SIGNUP_PASSWORD),
        key_digest=token_digest(SIGNUP_KEY),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    return {**world, "key": SIGNUP_KEY}


def video_has_versions() -> dict[str, Any]:
    """A second cut, ready (no processing in a state: the row is made directly)."""
    world = _base_world()
    Video.objects.create(
        id=VIDEO_V2_ID,
        stack_id=VIDEO_ID,
        version=2,
        project_id=PROJECT_ID,
        title="Pact Test Video, cut 2",
        url="https://example.com/cut2.mp4",
        duration=118.0,
    )
    return {**world, "video_v2_id": str(VIDEO_V2_ID)}


def _upload(*, size: int, data: bytes = b"") -> None:
    from videoplanet.media.models import Upload
    from videoplanet.media.services import upload_part_path

    Upload.objects.create(
        id=UPLOAD_ID,
        project_id=PROJECT_ID,
        created_by_id=JOHN_ID,
        title="Cut 3",
        filename="cut3.mp4",
        size=size,
        received=len(data),
    )
    path = upload_part_path(UPLOAD_ID)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def an_uploaded_video_is_ready() -> dict[str, Any]:
    """An uploaded video the worker has processed (the row only: links are signed for
    storage names, so no file is needed)."""
    world = _base_world()
    folder = f"videos/{UPLOADED_VIDEO_ID}"
    Video.objects.create(
        id=UPLOADED_VIDEO_ID,
        stack_id=UPLOADED_VIDEO_ID,
        project_id=PROJECT_ID,
        title="Cut 3",
        url="",
        duration=0.5005,
        fps="24000/1001",
        frame_count=12,
        width=64,
        height=48,
        status=VideoStatus.READY,
        source=f"{folder}/original.mov",
        playback=f"{folder}/proxy.mp4",
        poster=f"{folder}/poster.webp",
        thumbnails=[{"time": 0.0, "name": f"{folder}/thumb-00.webp"}],
    )
    return {**world, "uploaded_video_id": str(UPLOADED_VIDEO_ID)}


def an_upload_has_started() -> dict[str, Any]:
    world = _base_world()
    _upload(size=UPLOAD_SIZE)
    return {**world, "upload_id": str(UPLOAD_ID)}


def an_upload_has_every_byte() -> dict[str, Any]:
    """A whole (tiny) video has arrived; completing it probes it, nothing transcodes."""
    import tempfile
    from pathlib import Path

    from videoplanet.media.samples import make_video

    world = _base_world()
    with tempfile.TemporaryDirectory() as folder:
        data = make_video(Path(folder) / "cut3.mp4").read_bytes()
    _upload(size=len(data), data=data)
    return {**world, "upload_id": str(UPLOAD_ID)}


STATES: dict[str, Callable[[], dict[str, Any]]] = {
    "user is authenticated": user_is_authenticated,
    "video has feedbacks": video_has_feedbacks,
    "feedback exists": feedback_exists,
    "the user only views the project": user_only_views_the_project,
    "comment exists": comment_exists,
    "comment has a reaction": comment_has_a_reaction,
    "the user has another token": user_has_another_token,
    "a sign-up is pending": sign_up_is_pending,
    "invitations are pending": invitations_are_pending,
    "an invitation has expired": an_invitation_has_expired,
    "the project has another owner": project_has_another_owner,
    "video has versions": video_has_versions,
    "an uploaded video is ready": an_uploaded_video_is_ready,
    "an upload has started": an_upload_has_started,
    "an upload has every byte": an_upload_has_every_byte,
}


@transaction.atomic
def provider_state_apply(*, state: str, action: str = "setup") -> dict[str, Any]:
    """Reset the world, then (on setup) build ``state``. Returns the ids it made."""
    if action not in ("setup", "teardown"):
        raise ValidationFailed.field("action", "Must be setup or teardown.")
    builder = STATES.get(state)
    if builder is None:
        raise ValidationFailed(
            f"Unknown provider state: {state!r}.",
            details={"state": [f"Unknown provider state: {state!r}. Known: {sorted(STATES)}."]},
        )
    _reset()
    return builder() if action == "setup" else {}
