"""Who may do what: the one place that reaches an object through the caller's membership.

Every service and selector that takes a caller and an id asks here first. An object of a
project the caller is not a member of does not exist for them (NotFound, the same answer
as an id that exists nowhere); a member whose role is too low for the action gets
PermissionDenied. Each helper is one query: the object, joined to the caller's
membership, with the caller's role read from that join.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import F, Model, QuerySet

from videoplanet.accounts.models import User
from videoplanet.api.errors import NotFound, PermissionDenied
from videoplanet.api.sql import Columns, db_value, fetch_one

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
    PermissionDenied for a member whose role is not one of them.

    On the path of every feedback write, so its query is written out once
    (``videoplanet.api.sql``)."""
    row = fetch_one(_video_access_sql(), [db_value(Video, video_id), db_value(User, user.pk)])
    if row is None:
        raise NotFound("Video not found.")
    video, role = _VIDEO.load(row[:-1]), row[-1]
    if roles is not None:
        role_require(role, roles, action)
    return Access(video=video, role=role)


_VIDEO, _MEMBERSHIP = Columns(Video, "v"), Columns(Membership, "m")


@functools.cache
def _video_access_sql() -> str:
    """``Video.objects.filter(id=…, project__memberships__user=…)`` with the role."""
    return " ".join(
        [
            f"SELECT {_VIDEO.select()}, {_MEMBERSHIP.column('role')}",
            f"FROM {_VIDEO.table()} JOIN {_MEMBERSHIP.table()}",
            f"ON {_MEMBERSHIP.column('project')} = {_VIDEO.column('project')}",
            f"WHERE {_VIDEO.column('id')} = %s AND {_MEMBERSHIP.column('user')} = %s",
        ]
    )


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
