"""Reads for projects. Everything is reached through the caller's membership
(``videoplanet.projects.access``): an object of a project the caller is not a member of
is simply not found."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from videoplanet.accounts.models import User

from .access import ProjectAccess, project_access, video_access
from .models import MANAGERS, Invitation, InvitationStatus, Membership, Video


def project_get(*, user: User, project_id: uuid.UUID) -> ProjectAccess:
    """The project with the caller's role in it, or NotFound."""
    return project_access(user=user, project_id=project_id)


def project_list(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.select_related("project")
        .filter(user=user)
        .order_by("project__created_at", "project_id")
    )


def member_list(*, user: User, project_id: uuid.UUID) -> QuerySet[Membership]:
    project = project_access(user=user, project_id=project_id).project
    return project.memberships.select_related("user").order_by("created_at", "id")


def invitation_list_for_project(*, user: User, project_id: uuid.UUID) -> QuerySet[Invitation]:
    """The project's invitations still waiting for an answer (owners and editors)."""
    access = project_access(
        user=user, project_id=project_id, roles=MANAGERS, action="see invitations"
    )
    return (
        access.project.invitations.filter(
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


def video_get(*, user: User, video_id: uuid.UUID) -> Video:
    """The video, or NotFound."""
    return video_access(user=user, video_id=video_id).video


def video_list(
    *,
    user: User,
    project_id: uuid.UUID,
    after: tuple[datetime, uuid.UUID] | None = None,
    limit: int | None = None,
) -> QuerySet[Video]:
    """The project's videos by (created_at, id), starting after a keyset position."""
    project = project_access(user=user, project_id=project_id).project
    videos = project.videos.order_by("created_at", "id")
    if after is not None:
        at, last_id = after
        videos = videos.filter(Q(created_at__gt=at) | Q(created_at=at, id__gt=last_id))
    return videos[:limit] if limit is not None else videos


def video_versions(*, user: User, video_id: uuid.UUID) -> QuerySet[Video]:
    """Every version in the video's stack, first to last."""
    video = video_get(user=user, video_id=video_id)
    return Video.objects.filter(stack_id=video.stack_id, project_id=video.project_id).order_by(
        "version"
    )
