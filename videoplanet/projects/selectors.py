"""Reads for projects. Everything is reached through the caller's membership: an object
of a project the caller is not a member of is simply not found."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from videoplanet.accounts.models import User
from videoplanet.api.errors import NotFound, PermissionDenied

from .models import MANAGERS, Invitation, InvitationStatus, Membership, Project, Role, Video


def membership_get(*, user: User, project_id: uuid.UUID) -> Membership:
    membership = (
        Membership.objects.select_related("project")
        .filter(user=user, project_id=project_id)
        .first()
    )
    if membership is None:
        raise NotFound("Project not found.")
    return membership


def role_require(role: str, roles: frozenset[Role], action: str) -> None:
    if role not in roles:
        raise PermissionDenied(f"A {role} cannot {action}.")


def project_list(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.select_related("project")
        .filter(user=user)
        .order_by("project__created_at", "project_id")
    )


def member_list(*, project: Project) -> QuerySet[Membership]:
    return project.memberships.select_related("user").order_by("created_at", "id")


def invitation_list_for_project(*, membership: Membership) -> QuerySet[Invitation]:
    """The project's invitations still waiting for an answer (owners and editors)."""
    role_require(membership.role, MANAGERS, "see invitations")
    return (
        membership.project.invitations.filter(
            status=InvitationStatus.PENDING, expires_at__gt=timezone.now()
        )
        .select_related("project", "invited_by")
        .order_by("created_at", "id")
    )


def invitation_list_for_user(*, user: User) -> QuerySet[Invitation]:
    """Invitations sent to the caller's email address that can still be answered."""
    return (
        Invitation.objects.filter(
            email=user.email.lower(),  # stored lower-cased, like account emails
            status=InvitationStatus.PENDING,
            expires_at__gt=timezone.now(),
        )
        .select_related("project", "invited_by")
        .order_by("created_at", "id")
    )


def video_get(*, user: User, video_id: uuid.UUID) -> tuple[Video, str]:
    """The video and the caller's role in its project (one query), or NotFound."""
    video = (
        Video.objects.filter(id=video_id, project__memberships__user=user)
        .annotate(caller_role=F("project__memberships__role"))
        .first()
    )
    if video is None:
        raise NotFound("Video not found.")
    return video, video.caller_role  # type: ignore[attr-defined]


def video_list(
    *,
    project: Project,
    after: tuple[datetime, uuid.UUID] | None = None,
    limit: int | None = None,
) -> QuerySet[Video]:
    """The project's videos by (created_at, id), starting after a keyset position."""
    videos = project.videos.order_by("created_at", "id")
    if after is not None:
        at, last_id = after
        videos = videos.filter(Q(created_at__gt=at) | Q(created_at=at, id__gt=last_id))
    return videos[:limit] if limit is not None else videos


def video_versions(*, user: User, video_id: uuid.UUID) -> QuerySet[Video]:
    """Every version in the video's stack, first to last."""
    video, _ = video_get(user=user, video_id=video_id)
    return Video.objects.filter(stack_id=video.stack_id, project_id=video.project_id).order_by(
        "version"
    )
