"""Who may do what: the one place that reaches an object through the caller's membership.

Every service and selector that takes a caller and an id asks here first. An object of a
project the caller is not a member of does not exist for them (NotFound, the same answer
as an id that exists nowhere); a member whose role is too low for the action gets
PermissionDenied. Each helper is one query: the object, joined to the caller's
membership, with the caller's role read from that join.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import F, Model, QuerySet

from videoplanet.accounts.models import User
from videoplanet.api.errors import NotFound, PermissionDenied

from .models import Membership, Project, Role, Video

M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class ProjectAccess:
    """A project the caller is a member of, and their role in it."""

    project: Project
    role: str


@dataclass(frozen=True, slots=True)
class Access:
    """A video the caller may see, and their role in its project."""

    video: Video
    role: str


def role_require(role: str, roles: frozenset[Role], action: str) -> None:
    """PermissionDenied unless ``role`` is one of ``roles``; ``action`` completes
    "A viewer cannot …"."""
    if role not in roles:
        raise PermissionDenied(f"A {role} cannot {action}.")


def project_access(
    *,
    user: User,
    project_id: uuid.UUID,
    roles: frozenset[Role] | None = None,
    action: str = "",
) -> ProjectAccess:
    """The project and the caller's role, or NotFound; with ``roles``, PermissionDenied
    for a member whose role is not one of them."""
    membership = (
        Membership.objects.select_related("project")
        .filter(user=user, project_id=project_id)
        .first()
    )
    if membership is None:
        raise NotFound("Project not found.")
    if roles is not None:
        role_require(membership.role, roles, action)
    return ProjectAccess(project=membership.project, role=membership.role)


def video_access(
    *,
    user: User,
    video_id: uuid.UUID,
    roles: frozenset[Role] | None = None,
    action: str = "",
) -> Access:
    """The video and the caller's role in its project, or NotFound; with ``roles``,
    PermissionDenied for a member whose role is not one of them."""
    found = Video.objects.filter(id=video_id, project__memberships__user=user)
    video, role = _with_role(found, "project__memberships__role", "Video not found.")
    if roles is not None:
        role_require(role, roles, action)
    return Access(video=video, role=role)


def with_caller_role(
    objects: QuerySet[M], *, user: User, membership_path: str, missing: str
) -> tuple[M, str]:
    """The one object of ``objects`` reached through ``user``'s membership at
    ``membership_path`` (``feedback__video__project__memberships``), and the caller's role
    there; NotFound(``missing``) when there is none. For the apps whose objects hang
    below a video (feedback, comments)."""
    found = objects.filter(**{f"{membership_path}__user": user})
    return _with_role(found, f"{membership_path}__role", missing)


def _with_role(found: QuerySet[M], role_path: str, missing: str) -> tuple[M, str]:
    row = found.annotate(caller_role=F(role_path)).first()
    if row is None:
        raise NotFound(missing)
    role: str = row.caller_role  # type: ignore[attr-defined]  # the annotation above
    return row, role
