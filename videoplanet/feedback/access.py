"""Feedback and comments reached through the caller's membership of their video's project
(``videoplanet.projects.access`` for projects and videos): NotFound for an object of
another project, PermissionDenied for a role too low for the action."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from videoplanet.accounts.models import User
from videoplanet.projects.access import role_require, with_caller_role
from videoplanet.projects.models import Role

from .models import Comment, Feedback


@dataclass(frozen=True, slots=True)
class FeedbackAccess:
    """A feedback the caller may see (with its author and video), and their role."""

    feedback: Feedback
    role: str


@dataclass(frozen=True, slots=True)
class CommentAccess:
    """A comment the caller may see (with its feedback and video), and their role."""

    comment: Comment
    role: str


def feedback_access(
    *,
    user: User,
    feedback_id: uuid.UUID,
    roles: frozenset[Role] | None = None,
    action: str = "",
) -> FeedbackAccess:
    feedback, role = with_caller_role(
        Feedback.objects.select_related("author", "video").filter(id=feedback_id),
        user=user,
        membership_path="video__project__memberships",
        missing="Feedback not found.",
    )
    if roles is not None:
        role_require(role, roles, action)
    return FeedbackAccess(feedback=feedback, role=role)


def comment_access(
    *,
    user: User,
    comment_id: uuid.UUID,
    roles: frozenset[Role] | None = None,
    action: str = "",
) -> CommentAccess:
    comment, role = with_caller_role(
        Comment.objects.select_related("feedback__video").filter(id=comment_id),
        user=user,
        membership_path="feedback__video__project__memberships",
        missing="Comment not found.",
    )
    if roles is not None:
        role_require(role, roles, action)
    return CommentAccess(comment=comment, role=role)
