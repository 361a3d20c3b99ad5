"""Pact provider states: each builds a complete world with the contract's fixed ids.

Every state starts from an empty database, then creates John Doe (token
``valid-token``), a project he owns and the video the consumer pacts name. States add
what their interactions need on top. ``provider_state_apply`` is the one entry point
(the HTTP endpoint and in-process verifiers both use it).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction

from videoplanet.accounts.models import ApiToken, User
from videoplanet.accounts.services import token_issue
from videoplanet.api.errors import ValidationFailed
from videoplanet.feedback.models import Comment, Feedback, Reaction, Status
from videoplanet.projects.models import Membership, Project, Role, Video

FEEDBACK_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440000")
VIDEO_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440001")
JOHN_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440002")
PARENT_COMMENT_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440003")
COMMENT_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440004")
JANE_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440005")
ADA_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440006")
PROJECT_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440010")
JOHN_PASSWORD = "john-password-1"  # the contract's documented test account
VALID_TOKEN = "valid-token"


def _reset() -> None:
    Project.objects.all().delete()  # cascades to videos, feedback, comments, reactions
    ApiToken.objects.all().delete()
    User.objects.all().delete()


def _base_world() -> dict[str, Any]:
    john = User.objects.create_user("john@example.com", JOHN_PASSWORD, id=JOHN_ID, name="John Doe")
    token_issue(user=john, name="pact", key=VALID_TOKEN)
    project = Project.objects.create(id=PROJECT_ID, name="Pact Test Project")
    Membership.objects.create(project=project, user=john, role=Role.OWNER)
    Video.objects.create(
        id=VIDEO_ID,
        project=project,
        title="Pact Test Video",
        url="https://example.com/video.mp4",
        duration=120.0,
        fps="24",
        frame_count=2880,
    )
    return {"user_id": str(JOHN_ID), "project_id": str(PROJECT_ID), "video_id": str(VIDEO_ID)}


def _feedback(content: str = "Sample feedback") -> Feedback:
    return Feedback.objects.create(
        id=FEEDBACK_ID,
        video_id=VIDEO_ID,
        author_id=JOHN_ID,
        timestamp=30.5,
        content=content,
        status=Status.OPEN,
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


def feedback_exists() -> dict[str, Any]:
    world = _base_world()
    feedback = _feedback()
    jane = _jane()
    Comment.objects.create(
        id=PARENT_COMMENT_ID, feedback=feedback, author=jane, content="Where exactly?"
    )
    return {
        **world,
        "feedback_id": str(FEEDBACK_ID),
        "parent_id": str(PARENT_COMMENT_ID),
        "mention_id": str(JOHN_ID),
    }


def comment_exists() -> dict[str, Any]:
    world = _base_world()
    feedback = _feedback()
    jane = _jane()
    Comment.objects.create(id=COMMENT_ID, feedback=feedback, author=jane, content="Sample comment")
    return {**world, "feedback_id": str(FEEDBACK_ID), "comment_id": str(COMMENT_ID)}


def comment_has_a_reaction() -> dict[str, Any]:
    world = comment_exists()
    Reaction.objects.create(comment_id=COMMENT_ID, user_id=JOHN_ID, emoji="👍")
    return {**world, "emoji": "👍"}


def registered_user_is_not_a_member() -> dict[str, Any]:
    world = _base_world()
    User.objects.create_user("ada@example.com", "ada-password-1", id=ADA_ID, name="Ada Lovelace")
    return {**world, "email": "ada@example.com"}


STATES: dict[str, Callable[[], dict[str, Any]]] = {
    "user is authenticated": user_is_authenticated,
    "video has feedbacks": video_has_feedbacks,
    "feedback exists": feedback_exists,
    "comment exists": comment_exists,
    "comment has a reaction": comment_has_a_reaction,
    "a registered user is not a member": registered_user_is_not_a_member,
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
